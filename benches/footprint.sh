#!/usr/bin/env bash
# How many instructions, and how many lines of code and data (64-byte cache
# lines), one claim takes from JSON text to verdict JSON: warm (the claim
# before it left everything in the caches) and cold (4 MiB of other memory
# written between claims, as hyper, tokio and the kernel run between two
# claims in `clause serve`). cachegrind counts these, so the figures repeat
# exactly for the same build whatever else the machine is doing; they are
# what to compare changes to the engine by (docs/performance.md, "What a
# cold claim touches").
# Needs valgrind (apt-get install valgrind). Usage: benches/footprint.sh [N]
# (N claims per run, default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "footprint.sh: N is a whole number from 1 (got '$N')" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "footprint.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
bin=$(cargo bench --locked --bench footprint --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "footprint" and m.get("executable"):
        print(m["executable"])')
[ -x "$bin" ] || { echo "footprint.sh: the footprint bench did not build (cargo bench --bench footprint --no-run)" >&2; exit 1; }
# A machine's first two cache levels for code and data, as on this project's
# benchmark machine (AMD EPYC: 32 KiB L1i per core, 512 KiB L2 per core).
caches=(--I1=32768,8,64 --D1=32768,8,64 --LL=524288,8,64)
# Prints: instructions, L1 code misses, L2 code misses, L2 data misses.
count() {
    valgrind --tool=cachegrind --cache-sim=yes "${caches[@]}" --cachegrind-out-file=/dev/null \
        "$bin" "$1" "$2" 2>&1 |
        awk '/ I +refs:/ {gsub(",", "", $4); ir = $4}
             / I1 +misses:/ {gsub(",", "", $4); i1 = $4}
             / LLi misses:/ {gsub(",", "", $4); lli = $4}
             / LLd misses:/ {gsub(",", "", $4); lld = $4}
             END {print ir, i1, lli, lld}'
}
# Each figure is the difference between N+1 claims and 1 claim, over N: what
# one more claim costs, without loading the policy or starting the process.
per_claim() {
    local a b
    read -r -a a <<<"$(count 1 "$1")"
    read -r -a b <<<"$(count $((N + 1)) "$1")"
    for i in 0 1 2 3; do printf '%s ' $(((b[i] - a[i]) / N)); done
}
read -r ir i1 _ _ <<<"$(per_claim warm)"
read -r _ _ code data <<<"$(per_claim cold)"
# The 4 MiB written before each cold claim is 65,536 lines of its own.
data=$((data - 65536))
echo "one claim, warm: $ir instructions, $i1 code lines fetched from L2 (the claim's code does not fit the 32 KiB L1)"
echo "one claim, cold: $code lines of code and $data lines of data fetched from beyond L2 ($(((code + data) * 64 / 1024)) KiB)"
