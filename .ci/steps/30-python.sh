#!/usr/bin/env bash
# The Python package's tests (pytest, python/tests) against the `clause` binary
# that `cargo test` built, and the Spark replay in local mode (examples/spark).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --locked --quiet --bin clause
python -m pytest -q python/tests
