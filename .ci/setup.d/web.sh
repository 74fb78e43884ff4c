#!/usr/bin/env bash
# The playground's build and tests (web/): its npm packages from
# web/package-lock.json, and Debian's Chromium for the end-to-end tests.
# Skips what is there already.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ]; then
    apt-get update -q
    apt-get install -y -q chromium
fi
if ! cmp -s web/package-lock.json web/node_modules/.ci-installed-lock 2>/dev/null; then
    (cd web && npm ci --no-audit --no-fund)
    cp web/package-lock.json web/node_modules/.ci-installed-lock
fi
