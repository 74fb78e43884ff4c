#!/usr/bin/env bash
# Builds the Python package (python/, PyO3 + maturin) into .ci/venv, in debug
# (the tests measure behaviour, not speed). Skipped when the installed build is
# newer than every source it is built from.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=.ci/venv/.clause-python
if [ -e "$stamp" ] && [ -z "$(find src python/src python/clause python/Cargo.toml python/pyproject.toml Cargo.toml Cargo.lock -newer "$stamp" -print -quit)" ]; then
    exit 0
fi
(cd python && VIRTUAL_ENV="$PWD/../.ci/venv" ../.ci/venv/bin/maturin develop --locked --quiet)
touch "$stamp"
