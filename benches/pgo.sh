#!/usr/bin/env bash
# A profile-guided (PGO) release build of `clause`: target/pgo/HOST/release/clause.
#
# Usage: benches/pgo.sh [ROUNDS]   (ROUNDS of the training load, default 20)
# Needs: llvm-profdata of the toolchain's LLVM (rustup component add
# llvm-tools) and python3.
#
# 1. builds `clause` instrumented (-Cprofile-generate) in target/pgo-gen;
# 2. trains it on every claim of every bundled cases file (policies/*.cases.json),
#    not only the claim benches/serve.sh sends: through `clause serve` one
#    claim per request and as NDJSON batches, with `/healthz`, `/metrics` and
#    explain requests between them, and through `clause eval --claims`;
# 3. merges the profile and builds `clause` with it (-Cprofile-use) in
#    target/pgo. Run benches/serve.sh with CLAUSE_BIN set to the path printed
#    last to compare (docs/performance.md, "a profile-guided build").
# Both builds name the host as --target, so that RUSTFLAGS reach the binary's
# code only, not build scripts and procedural macros (as the rustc book's
# profile-guided optimization chapter does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-20}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "pgo.sh: ROUNDS is a whole number from 1 (got '$ROUNDS')" >&2; exit 2; }
profdata=$(find "$(rustc --print sysroot)" -name llvm-profdata -type f 2>/dev/null | head -n 1 || true)
host=$(rustc -vV | sed -n 's/^host: //p')
[ -n "$profdata" ] || { echo "pgo.sh: needs llvm-profdata (rustup component add llvm-tools)" >&2; exit 2; }
work=$(mktemp -d)
SERVER_PID=
source .ci/lib/serve.bash
trap 'stop_server "$SERVER_PID"; rm -rf "$work"' EXIT

echo "pgo.sh: building the instrumented binary (target/pgo-gen)" >&2
RUSTFLAGS="-Cprofile-generate=$work/raw" cargo build --release --locked --quiet \
    --bin clause --target "$host" --target-dir target/pgo-gen
export CLAUSE_BIN=target/pgo-gen/$host/release/clause

# Every case's claim, as one JSON line per claim, in a file per policy.
python3 - "$work" <<'PY'
import json, pathlib, sys
sys.path.insert(0, "python/tests")
from case_files import case_claims
work = pathlib.Path(sys.argv[1])
for f in sorted(pathlib.Path("policies").glob("*.cases.json")):
    lines = [json.dumps(claim) for _, claim, _ in case_claims(f)]
    (work / (f.name.removesuffix(".cases.json") + ".jsonl")).write_text("\n".join(lines) + "\n")
PY

echo "pgo.sh: training ($ROUNDS rounds)" >&2
SERVER_LOG=$work/server.log start_server policies --reload-interval 0
python3 - "$work" "$SERVER_URL" "$ROUNDS" <<'PY'
import http.client, pathlib, sys, urllib.parse
work, url, rounds = pathlib.Path(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), int(sys.argv[3])
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
def ask(method, path, body=None, kind="application/json"):
    conn.request(method, path, body=body, headers={"Content-Type": kind} if body else {})
    r = conn.getresponse()
    r.read()
    # 400: the cases that expect a claim error.
    if r.status not in (200, 400):
        sys.exit(f"pgo.sh: {method} {path} answered {r.status}: the training load is out of date")
files = sorted(work.glob("*.jsonl"))
for _ in range(rounds):
    for f in files:
        name = f.stem
        claims = f.read_text().splitlines()
        for claim in claims:
            ask("POST", f"/v1/policies/{name}/evaluate", claim.encode())
            ask("GET", "/healthz")
        ask("POST", f"/v1/policies/{name}/evaluate", f.read_bytes(), "application/x-ndjson")
        ask("POST", f"/v1/policies/{name}/explain", claims[0].encode())
    ask("GET", "/metrics")
PY
stop_server "$SERVER_PID"
SERVER_PID=
for f in "$work"/*.jsonl; do
    "$CLAUSE_BIN" eval "policies/$(basename "$f" .jsonl).policy" --claims "$f" >/dev/null
done

"$profdata" merge -o "$work/clause.profdata" "$work/raw"
echo "pgo.sh: building with the profile (target/pgo)" >&2
RUSTFLAGS="-Cprofile-use=$work/clause.profdata" cargo build --release --locked --quiet \
    --bin clause --target "$host" --target-dir target/pgo
echo "target/pgo/$host/release/clause"
