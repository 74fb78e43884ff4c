#!/usr/bin/env bash
# Two replicas of `clause serve` behind nginx on loopback, reading one policy
# directory (as two pods read one ConfigMap): both serve the same version; an
# edit reaches both; through the load balancer every answer, from either
# replica, names the new version. Prints the version each replica reports.
# Bounded: every wait is at most 100 tries 0.1 s apart, each request at most
# 1 s while nginx starts (at most 5 starts).
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib/serve.bash
cargo build --locked --quiet
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d)
A_PID= B_PID= NGINX_PID=
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    stop_server "$A_PID"
    stop_server "$B_PID"
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/policies" "$work/tmp"
cp policies/imicro.policy "$work/policies/"

SERVER_LOG=$work/a.log start_server "$work/policies" --reload-interval 200
A_PID=$SERVER_PID A_URL=$SERVER_URL
SERVER_LOG=$work/b.log start_server "$work/policies" --reload-interval 200
B_PID=$SERVER_PID B_URL=$SERVER_URL

# nginx cannot be given port 0 and report the port it got, so a free port is
# picked and may be taken by another process before nginx binds it: then nginx
# exits, and another port is tried (at most 5). nginx that runs but does not
# answer fails the step at once.
start_nginx() {
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;
    upstream clause {
        server ${A_URL#http://};
        server ${B_URL#http://};
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://clause;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            add_header X-Upstream \$upstream_addr always;
        }
    }
}
CONF
    "$NGINX" -p "$work" -c "$work/nginx.conf" &
    NGINX_PID=$!
    LB=http://127.0.0.1:$port
    for _ in $(seq 100); do
        curl -sf --max-time 1 "$LB/readyz" >/dev/null && return 0
        if ! kill -0 "$NGINX_PID" 2>/dev/null; then
            wait "$NGINX_PID" 2>/dev/null || true
            NGINX_PID=
            return 1
        fi
        sleep 0.1
    done
    echo "nginx runs on port $port but /readyz did not answer through it" >&2
    exit 1
}
for attempt in 1 2 3 4 5; do
    start_nginx && break
    echo "nginx exited (attempt $attempt): $(tail -n 1 "$work/nginx-error.log" 2>/dev/null)" >&2
    [ "$attempt" = 5 ] && { echo "nginx did not start in 5 attempts" >&2; exit 1; }
done

version_of() { curl -sf "$1/v1/policies/imicro" | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])'; }

# What each answer through the balancer says: the replica that gave it, and
# the version named by the verdict.
through_balancer() {
    for _ in 1 2 3 4 5 6; do
        body=$(curl -sf -D "$work/headers" -H 'Content-Type: application/json' \
            --data-binary @tests/data/imicro-claim.json "$LB/v1/policies/imicro/evaluate")
        upstream=$(sed -n 's/^[Xx]-[Uu]pstream: *//p' "$work/headers" | tr -d '\r')
        version=$(echo "$body" | python3 -c 'import json, sys; print(json.load(sys.stdin)["policy_version"])')
        echo "$upstream $version"
    done | sort -u
}

before=$(version_of "$A_URL")
[ "$(version_of "$B_URL")" = "$before" ] || { echo "the replicas disagree before the edit" >&2; exit 1; }
echo "before the edit: replica A ${A_URL#http://} $(version_of "$A_URL"), replica B ${B_URL#http://} $(version_of "$B_URL")"
through_balancer | sed 's/^/  through nginx: /'

printf '\n# edited by the replica test\n' >>"$work/policies/imicro.policy"
after=$(python3 -c 'import sys, hashlib; print("sha256:" + hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16])' "$work/policies/imicro.policy")
for _ in $(seq 100); do
    [ "$(version_of "$A_URL")" = "$after" ] && [ "$(version_of "$B_URL")" = "$after" ] && break
    sleep 0.1
done
echo "after the edit:  replica A ${A_URL#http://} $(version_of "$A_URL"), replica B ${B_URL#http://} $(version_of "$B_URL")"
seen=$(through_balancer)
echo "$seen" | sed 's/^/  through nginx: /'
[ "$(version_of "$A_URL")" = "$after" ] && [ "$(version_of "$B_URL")" = "$after" ] || { echo "the edit did not reach both replicas" >&2; exit 1; }
[ "$(echo "$seen" | awk '{print $2}' | sort -u)" = "$after" ] || { echo "an answer through nginx named another version" >&2; exit 1; }
[ "$(echo "$seen" | awk '{print $1}' | sort -u | wc -l)" = 2 ] || { echo "nginx did not reach both replicas" >&2; exit 1; }
echo "replicas: both serve $after (was $before)"
