#!/usr/bin/env bash
# The Python package's tests (pytest, python/tests) against the `clause` binary
# that `cargo test` built, and the Spark replay in local mode (examples/spark).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --locked --quiet --bin clause
python -m pytest -q python/tests
# Spark local mode on 2,000 generated claims: the same totals as `clause diff`.
python examples/spark/check.py --count 2000 --master 'local[2]' --timeout 900
