# Helpers for the steps that run `clause serve` (sourced, not run).

# start_server DIR [ARGS...]: starts the server on a free loopback port with
# the policies in DIR; sets SERVER_PID and SERVER_URL. Logs go to $SERVER_LOG.
start_server() {
    local dir=$1
    shift
    local out
    out=$(mktemp)
    "${CLAUSE_BIN:-target/debug/clause}" serve --policies "$dir" --addr 127.0.0.1:0 "$@" \
        >"$out" 2>>"${SERVER_LOG:-/dev/null}" &
    SERVER_PID=$!
    SERVER_URL=
    for _ in $(seq 200); do
        SERVER_URL=$(sed -n 's/^listening on //p' "$out")
        [ -n "$SERVER_URL" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    rm -f "$out"
    if [ -z "$SERVER_URL" ]; then
        echo "the server did not start" >&2
        [ -n "${SERVER_LOG:-}" ] && cat "$SERVER_LOG" >&2
        return 1
    fi
}

# stop_server PID: SIGTERM, then wait for it to exit.
stop_server() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
