#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh -- start localcertd on a fresh data directory (free loopback ports) and measure
# POST /update with 1 and 16 keep-alive clients (or the counts given), then stop it.
#   bench/api-load/run.sh [CLIENTS...]
# Environment: LOCALCERTD (default build/localcertd), DURATION (s, default 5),
#   HTTP_THREADS (sets [server] http_threads), DATA_DIR (default: a temporary one),
#   EXTRA (more api_load flags, e.g. --same-sub or --json; see api_load.c).
# bench/run.sh uses the same client against the generated data set and PowerDNS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LOCALCERTD=${LOCALCERTD:-$root/build/localcertd}
DURATION=${DURATION:-5}
make -s -C "$here"
tmp=$(mktemp -d /tmp/lc-api-load-XXXXXX)
data=${DATA_DIR:-$tmp/data}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); dnsp=$(port)
{
	echo "[server]"
	echo "log_level = info"
	[ -n "${HTTP_THREADS:-}" ] && echo "http_threads = $HTTP_THREADS"
	echo "[api]"
	echo "reg_delegate_per_day = 100000"
} >"$tmp/localcert.ini"
"$LOCALCERTD" --config "$tmp/localcert.ini" --data "$data" --http "127.0.0.1:$http" \
	--dns "127.0.0.1:$dnsp" >"$tmp/localcertd.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$http/health" >/dev/null 2>&1 && break
	sleep 0.05
done
[ $# -gt 0 ] || set -- 1 16
rc=0
for c in "$@"; do
	"$here/api_load" -c "$c" -d "$DURATION" --server-pid "$pid" ${EXTRA:-} "127.0.0.1:$http" || rc=1
done
kill "$pid"
wait "$pid" 2>/dev/null || true
grep -o 'batch: .*' "$tmp/localcertd.log" || true
if grep -q -E ' (error|warn) ' "$tmp/localcertd.log"; then
	echo "--- localcertd log (warnings and errors) ---"
	grep -E ' (error|warn) ' "$tmp/localcertd.log" | head -20
fi
exit $rc
