#!/usr/bin/env bash
# nginx (Debian), for the replica test behind a load balancer
# (.ci/steps/41-serve-replicas.sh). Skipped when it is there.
set -euo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    apt-get update -q
    apt-get install -y -q nginx-light || apt-get install -y -q nginx
fi
