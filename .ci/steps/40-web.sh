#!/usr/bin/env bash
# The playground (web/): web/dist, which the binary embeds, must be what the
# sources build to; then the end-to-end tests drive the page in headless
# Chromium against the real `clause serve` on 127.0.0.1 (web/tests/e2e.test.js;
# screenshots in web/artifacts/), and every picture docs/ links exists
# (web/tests/doc-images.test.js).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd web && npx vite build --outDir "$out" --emptyOutDir --logLevel warn)
if ! diff -r "$out" web/dist >/dev/null; then
    echo "web/dist is stale: run 'npm run build' in web/ and commit web/dist" >&2
    diff -r "$out" web/dist | head -20 >&2 || true
    exit 1
fi
echo "web/dist is current"
cargo build --locked --quiet --bin clause
target=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
(cd web && CLAUSE_BIN="$target/debug/clause" npm test)
