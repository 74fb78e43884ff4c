#!/usr/bin/env bash
# The VS Code extension's npm packages (editors/vscode), from its lock file and
# the npm registry only. Skipped when node_modules was installed from this lock.
set -euo pipefail
cd "$(dirname "$0")/../../editors/vscode"
if cmp -s package-lock.json node_modules/.clause-installed 2>/dev/null; then
    exit 0
fi
npm ci --no-audit --no-fund
cp package-lock.json node_modules/.clause-installed
