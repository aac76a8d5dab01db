#!/bin/bash
# SPDX-License-Identifier: MIT
# soak.sh -- a bounded soak of localcertd (not part of make test; see docs/hardening.md):
# DNS load from dnsperf at the highest rate the machine sustains (closed loop, QPS
# unlimited unless SOAK_QPS is set) plus continuous API updates, for SOAK_SECONDS.
# Reports DNS queries sent/answered/lost and rate, update rate and errors, updates not
# visible in DNS right after their 200, and the daemon's RSS over time (it must stay
# flat), then checks that the daemon stops cleanly with an error-free log. Exits non-zero
# on any update error, update not visible, error line in the log, unclean stop, or RSS
# growth over SOAK_RSS_GROWTH_KB from the middle of the run to its end. Every process it
# starts is stopped by PID, also when interrupted.
#   LOCALCERTD=build/localcertd SOAK_SECONDS=180 tests/soak/soak.sh [OUT_DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
LOCALCERTD=${LOCALCERTD:-$here/../../build/localcertd}
SECONDS_TOTAL=${SOAK_SECONDS:-180}
RSS_GROWTH_KB=${SOAK_RSS_GROWTH_KB:-16384}
SUBS=${SOAK_SUBS:-500}
API_THREADS=${SOAK_API_THREADS:-8}
DNS_CLIENTS=${SOAK_DNS_CLIENTS:-4}
OUTSTANDING=${SOAK_OUTSTANDING:-200}
QPS=${SOAK_QPS:-}
out=${1:-$here/../out/soak}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/lc-soak-XXXXXX)
command -v dnsperf >/dev/null || { echo "soak: dnsperf is needed (apt-get install dnsperf)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dns_port=$(free_port)
http_port=$(free_port)

# RRL is for the Internet; here every query comes from 127.0.0.1 and would be limited.
cat > "$work/soak.ini" <<INI
[server]
log_level = warn
[dns]
rrl_rate = 0
[api]
reg_instant_burst = 1000000
reg_instant_per_hour = 1000000
reg_instant_per_week = 1000000
INI

"$LOCALCERTD" --config "$work/soak.ini" --data "$work/data" --dns "127.0.0.1:$dns_port" \
	--http "127.0.0.1:$http_port" >"$work/localcertd.log" 2>&1 &
pid=$!
perf_pid=
api_pid=
cleanup() {
	for p in $api_pid $perf_pid $pid; do
		kill "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT
for _ in $(seq 100); do
	python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$http_port/health', timeout=1)" \
		2>/dev/null && break
	sleep 0.1
done

echo "soak: localcertd pid $pid, dns $dns_port, http $http_port, ${SECONDS_TOTAL}s, $SUBS subdomains"
python3 "$here/soak_api.py" setup "$http_port" "$SUBS" "$work/creds.json" "$work/queries.txt"

qps_opt=()
[ -n "$QPS" ] && qps_opt=(-Q "$QPS")
dnsperf -s 127.0.0.1 -p "$dns_port" -d "$work/queries.txt" -l "$SECONDS_TOTAL" -c "$DNS_CLIENTS" \
	-T 2 -q "$OUTSTANDING" -t 2 -S 30 "${qps_opt[@]}" >"$out/dnsperf.txt" 2>&1 &
perf_pid=$!
python3 "$here/soak_api.py" run "$http_port" "$dns_port" "$pid" "$work/creds.json" "$SECONDS_TOTAL" \
	"$API_THREADS" "$out/rss.csv" >"$out/api.json" &
api_pid=$!
wait "$api_pid"
api_pid=
wait "$perf_pid" || true
perf_pid=

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
trap - EXIT
cp "$work/localcertd.log" "$out/localcertd.log"

echo "--- DNS (dnsperf) ---"
grep -E "Queries sent|Queries completed|Queries lost|Response codes|Queries per second|Average Latency|Latency StdDev" \
	"$out/dnsperf.txt" | sed 's/^ *//'
echo "--- API ---"
cat "$out/api.json"
echo "--- RSS (KB) every 5 s ---"
awk -F, 'NR > 1 { printf "%s ", $2 } END { print "" }' "$out/rss.csv"
echo "--- daemon ---"
problems=$(grep -cE " error |Sanitizer|runtime error" "$out/localcertd.log" || true)
echo "exit status on SIGTERM: $rc; error lines in the log: $problems"
lost=$(grep -oE "Queries lost: +[0-9]+" "$out/dnsperf.txt" | grep -oE "[0-9]+$" || echo "?")
uerr=$(python3 -c "import json; print(json.load(open('$out/api.json'))['update_errors'])")
invis=$(python3 -c "import json; print(json.load(open('$out/api.json'))['not_visible_after_200'])")
growth=$(python3 -c "import json; r=json.load(open('$out/api.json'))['rss_kb']; print(r['last'] - r['at_half'])")
echo "summary: dns lost $lost, update errors $uerr, updates not visible after 200: $invis," \
	"RSS growth over the second half ${growth} KB (limit $RSS_GROWTH_KB)"
rm -rf "$work"
[ "$rc" -eq 0 ] && [ "$problems" -eq 0 ] && [ "$uerr" -eq 0 ] && [ "$invis" -eq 0 ] &&
	[ "$growth" -le "$RSS_GROWTH_KB" ]
