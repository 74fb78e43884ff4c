#!/usr/bin/env bash
# The VS Code extension (editors/vscode): install its npm packages (npm ci, when
# the lock changed), compile the TypeScript client, run the TextMate grammar's
# assertion tests (tests/grammar, vscode-tmgrammar-test) and snapshot tests
# (tests/snap, vscode-tmgrammar-snap: a scope that changed on any line of the
# seed policies' copies fails), and package a .vsix with vsce.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/setup.d/vscode.sh
cd editors/vscode
npm run --silent compile
npm run --silent test:grammar
# Without its .snap file a copy would only write a new snapshot, and pass.
for policy in tests/snap/*.policy; do
    test -f "$policy.snap" || { echo "$policy.snap is missing: npm run update:grammar-snap" >&2; exit 1; }
done
npm run --silent test:grammar-snap
npm run --silent package
test -s clause.vsix
