#!/usr/bin/env bash
# The VS Code extension (editors/vscode): install its npm packages (npm ci, when
# the lock changed), compile the TypeScript client, run the TextMate grammar's
# snapshot tests (vscode-tmgrammar-test) and package a .vsix with vsce.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/setup.d/vscode.sh
cd editors/vscode
npm run --silent compile
npm run --silent test:grammar
npm run --silent package
test -s clause.vsix
