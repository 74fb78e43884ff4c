#!/usr/bin/env bash
# Load test of `clause serve` on loopback, bounded in time.
#
# Usage: benches/serve.sh [SECONDS] [CLAIMS] [ROUNDS]
#   SECONDS  length of each wrk run (default 10)
#   CLAIMS   claims in the batch file (default 100000)
#   ROUNDS   runs of each pair (evaluate, then healthz) per concurrency
#            (default 1); with more, each round's ratio and their median are
#            printed, since one round's ratio moves with the machine's load
# Needs: wrk (Debian: apt-get install wrk), curl, python3, and the release
# binary (cargo build --release; or CLAUSE_BIN=path).
#
# Prints, for concurrency 1, 16 and 64 (wrk, 2 threads, keep-alive):
#   - one-claim evaluation: POST /v1/policies/imicro/evaluate with
#     tests/data/imicro-claim.json;
#   - a trivial endpoint of the same server: GET /healthz (the HTTP stack's ceiling);
# requests/s, p50 and p99 latency, errors (non-2xx answers and socket errors)
# and the server's CPU time per request (from /proc), and for evaluation the
# engine's mean time per claim inside the server (from /metrics);
# then batch throughput: the same CLAIMS-line NDJSON file through
# POST .../evaluate (application/x-ndjson, streamed by curl) against
# `clause eval --claims` on it, in claims/s.
#
# Targets (issue 15): one-claim evaluation at >= 70% of the trivial endpoint's
# requests/s; p99 under 5 ms at concurrency 16; 0 errors; batch over HTTP at
# >= 50% of the CLI's claims/s. wrk runs on the same machine as the server and
# takes part of its CPU: on 2 cores the figures are a floor, not a ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CLAIMS=${2:-100000}
ROUNDS=${3:-1}
for n in "$SECONDS_PER_RUN" "$CLAIMS" "$ROUNDS"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "serve.sh: SECONDS, CLAIMS and ROUNDS are whole numbers from 1 (got '$n')" >&2; exit 2; }
done
export CLAUSE_BIN=${CLAUSE_BIN:-target/release/clause}
command -v wrk >/dev/null || { echo "serve.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -x "$CLAUSE_BIN" ] || { echo "serve.sh: no $CLAUSE_BIN (cargo build --release)" >&2; exit 2; }
source .ci/lib/serve.bash
work=$(mktemp -d)
SERVER_PID=
trap 'stop_server "$SERVER_PID"; rm -rf "$work"' EXIT
SERVER_LOG=$work/server.log start_server policies --reload-interval 0 --max-concurrency 4096

# wrk's summary line: requests, errors, duration (µs), p50 and p99 (µs).
report='done = function(s, latency, r)
  local e = s.errors.connect + s.errors.read + s.errors.write + s.errors.status + s.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d\n", s.requests, e, s.duration,
    latency:percentile(50), latency:percentile(99)))
end'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open("tests/data/imicro-claim.json"))
wrk.body = f:read("*a")
f:close()
$report
LUA
echo "$report" >"$work/get.lua"

# The server's CPU time so far (user + system), in clock ticks.
server_cpu() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
ticks=$(getconf CLK_TCK)
# The engine's time for one-claim evaluations so far, from /metrics: "seconds claims".
engine_time() {
    curl -sS "$SERVER_URL/metrics" | awk '
        /^clause_claim_evaluation_seconds_sum\{policy="imicro"\}/ { s = $2 }
        /^clause_claim_evaluation_seconds_count\{policy="imicro"\}/ { n = $2 }
        END { print s + 0, n + 0 }'
}

run() { # NAME PATH SCRIPT CONCURRENCY ROUND
    local threads=2 cpu0 cpu1 engine0 engine1
    [ "$4" -lt 2 ] && threads=1
    engine0=$(engine_time)
    cpu0=$(server_cpu)
    wrk -t"$threads" -c"$4" -d"${SECONDS_PER_RUN}s" -s "$3" "$SERVER_URL$2" >"$work/wrk.out" 2>&1
    cpu1=$(server_cpu)
    engine1=$(engine_time)
    # The server's own CPU per request: steadier than requests/s on a shared
    # machine, since wrk's share and other load do not count in it. For
    # evaluation, the engine's own share of it (clause_claim_evaluation_seconds).
    awk -v name="$1" -v c="$4" -v round="$5" -v cpu=$((cpu1 - cpu0)) -v ticks="$ticks" \
        -v e0="$engine0" -v e1="$engine1" '/^RESULT/ {
            split(e0, a, " "); split(e1, b, " ")
            engine = b[2] > a[2] ? sprintf("   engine %5.1f us/claim", (b[1] - a[1]) / (b[2] - a[2]) * 1e6) : ""
            printf "%-22s c=%-3d %9.0f req/s   p50 %6.2f ms   p99 %6.2f ms   errors %d   server CPU %5.1f us/req%s\n",
                name, c, $2 / ($4 / 1e6), $5 / 1000, $6 / 1000, $3, cpu / ticks * 1e6 / $2, engine
            split(name, word, " ")
            print word[1], c, round, $2 / ($4 / 1e6), $6 / 1000, $3 > "/dev/stderr" }' "$work/wrk.out" 2>>"$work/figures"
}

echo "clause serve on $SERVER_URL ($(nproc) cores), wrk ${SECONDS_PER_RUN} s per run"
for c in 1 16 64; do
    for round in $(seq "$ROUNDS"); do
        run "evaluate (one claim)" /v1/policies/imicro/evaluate "$work/post.lua" "$c" "$round"
        run "healthz (trivial)" /healthz "$work/get.lua" "$c" "$round"
    done
done

python3 - "$CLAIMS" "$work/claims.jsonl" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
claim = json.load(open("tests/data/imicro-claim.json"))
with open(path, "w") as f:
    for i in range(n):
        claim["claim_id"] = f"C-{i}"
        f.write(json.dumps(claim, separators=(",", ":")) + "\n")
PY
bytes=$(wc -c <"$work/claims.jsonl")
t0=$(date +%s%N)
"$CLAUSE_BIN" eval policies/imicro.policy --claims "$work/claims.jsonl" --out "$work/cli.jsonl" 2>/dev/null
t1=$(date +%s%N)
curl -sS -X POST -T "$work/claims.jsonl" -H 'Content-Type: application/x-ndjson' \
    "$SERVER_URL/v1/policies/imicro/evaluate" -o "$work/http.jsonl"
t2=$(date +%s%N)
cli_lines=$(wc -l <"$work/cli.jsonl")
http_lines=$(wc -l <"$work/http.jsonl")
awk -v n="$CLAIMS" -v b="$bytes" -v cli=$((t1 - t0)) -v http=$((t2 - t1)) -v cl="$cli_lines" -v hl="$http_lines" 'BEGIN {
    printf "batch, %d claims (%.0f MB): clause eval --claims %9.0f claims/s (%.2f s, %d records)\n", n, b / 1e6, n / (cli / 1e9), cli / 1e9, cl
    printf "batch, %d claims (%.0f MB): HTTP NDJSON        %9.0f claims/s (%.2f s, %d records)\n", n, b / 1e6, n / (http / 1e9), http / 1e9, hl
    printf "batch over HTTP / CLI: %.0f%% (target >= 50%%)\n", 100 * cli / http
}'
[ "$http_lines" -eq "$CLAIMS" ] || echo "batch over HTTP: $http_lines records for $CLAIMS lines" >&2

# Per concurrency: each round's ratio (evaluate's requests/s over healthz's in
# the same round) and their median; p99 at c=16 is the worst round's.
awk -v rounds="$ROUNDS" '
    $1 == "evaluate" { ev[$2, $3] = $4; if ($2 == 16 && $5 > p99) p99 = $5; err += $6; seen[$2] = 1 }
    $1 == "healthz"  { hz[$2, $3] = $4; err += $6 }
    END {
        for (c in seen) {
            n = 0; list = ""
            for (r = 1; r <= rounds; r++) {
                if (!((c, r) in ev) || !((c, r) in hz) || hz[c, r] == 0) {
                    printf "c=%-3s round %d: a wrk run printed no figures (see above)\n", c, r
                    continue
                }
                x = 100 * ev[c, r] / hz[c, r]
                list = list (n > 0 ? ", " : "") sprintf("%.0f%%", x)
                for (i = n; i > 0 && v[i - 1] > x; i--) v[i] = v[i - 1]
                v[i] = x; n++
            }
            if (n == 0) continue
            median = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            if (rounds > 1)
                printf "c=%-3s evaluate / healthz: %.0f%% median of %d rounds (%s) (target >= 70%%)\n", c, median, rounds, list
            else
                printf "c=%-3s evaluate / healthz: %.0f%% (target >= 70%%)\n", c, median
        }
        printf "p99 at c=16: %.2f ms (target < 5 ms); errors: %d (target 0)\n", p99, err
    }' "$work/figures" | sort
