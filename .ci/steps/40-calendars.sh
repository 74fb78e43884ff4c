#!/usr/bin/env bash
# Every bundled holiday calendar, every year of its span, against the `holidays`
# package (pinned in .ci/requirements.txt): fails on a difference that
# .ci/calendars/exceptions.txt does not list with its legal reason. Takes about
# 15 s on a loaded 2-core machine (one run of the binary per calendar-year).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The binary the integration tests use: after `cargo test` (as in .ci/test)
# this builds nothing, where `cargo build` would rebuild with other features.
cargo test --locked --quiet --no-run
python .ci/calendars/compare.py target/debug/clause
