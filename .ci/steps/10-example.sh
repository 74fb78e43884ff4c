#!/usr/bin/env bash
# The library example (examples/embed.rs) runs against the bundled policies,
# using only the documented API.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --locked --quiet --example embed > /dev/null
