#!/usr/bin/env bash
# profile.sh -- where localcertd's time and memory go, under the benchmark's query load.
#
# Usage: bench/profile.sh [--n 1000000] [--dur 10] [--api CLIENTS] [--worktree] [--out DIR]
#
# Starts localcertd (same config as bench/run.sh: one UDP worker, pinned to CPU 1) on the
# generated data set for N, drives it with dnsperf (pinned to CPU 0, same query file) and
# records it with `perf record -g` for DUR seconds. With --api CLIENTS the load is POST
# /update from bench/api-load/api_load instead (CLIENTS keep-alive clients, random
# subdomains of the data set, as in run.sh's API phase; daemon and client not pinned, as
# there). Writes to bench/results/profile-<ts>/:
#   perf-symbols.txt  self time per symbol (perf report --no-children)
#   perf-callers.txt  the same with call chains (top of the report)
#   perf-dso.txt      self time per binary/library (kernel vs libc vs localcertd ...)
#   memory.txt        RSS/PSS after loading, by mapping kind (heap/anon vs files), B/subdomain
# Needs perf (linux-perf); `perf stat` counters do not work on this VM but sampling does.
set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
. "$BENCH/lib.sh"
N=1000000; DUR=10; WORKTREE=0; OUT=""; API=0
while [ $# -gt 0 ]; do
	case $1 in
	--n) N=$2; shift;;
	--dur) DUR=$2; shift;;
	--api) API=$2; shift;;
	--worktree) WORKTREE=1;;
	--out) OUT=$2; shift;;
	-h|--help) sed -n '2,17p' "$0"; exit 0;;
	*) echo "profile.sh: unknown option $1" >&2; exit 2;;
	esac
	shift
done
command -v perf > /dev/null || { echo "profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
build_daemon || exit 1
OUT=${OUT:-$BENCH/results/profile-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
data=$BENCH/data/N$N
python3 "$BENCH/gen-data.py" "$N" --out "$data" --ctl "$BIN/localcertctl" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/lcprof.XXXXXX")
PID=""
trap '[ -n "$PID" ] && stop_tree "$PID"; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
for try in $(seq 1 50); do
	port=$(( 30000 + (RANDOM % 270) * 10 ))
	port_free "$port" && port_free $((port + 1)) && break
done
lc_config > "$T/localcert.ini"
cp -r "$data/localcert" "$T/data"
t0=$(date +%s.%N)
PIN="taskset -c 1"; [ "$API" != 0 ] && PIN=""
$PIN "$BIN/localcertd" --config "$T/localcert.ini" --data "$T/data" \
	--dns "127.0.0.1:$port" --http "127.0.0.1:$((port + 1))" > "$T/log" 2>&1 &
PID=$!
t1=$(python3 "$BENCH/dnstool.py" wait "$port" "_acme-challenge.$(tail -n1 "$data/labels.txt").localhostcert.net" TXT 300 "$PID") ||
	{ echo "localcertd did not answer"; cat "$T/log"; exit 1; }
sleep 1
{
	echo "localcertd $REV, N=$N, answering after $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s"
	awk '/^(VmRSS|VmHWM|RssAnon|RssFile|VmData)/' "/proc/$PID/status"
	awk '/^(Rss|Pss|Anonymous):/' "/proc/$PID/smaps_rollup"
	awk -v n="$N" '/^VmRSS/ {printf "RSS per subdomain: %.0f B\n", $2 * 1024 / n}' "/proc/$PID/status"
	echo "largest mappings by RSS (kB):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anon]" : $6)} /^Rss:/ {rss[name] += $2}
	     END {for (k in rss) printf "%10d  %s\n", rss[k], k}' "/proc/$PID/smaps" | sort -rn | head -12
} | tee "$OUT/memory.txt"
if [ "$API" != 0 ]; then
	echo "== api_load ($API clients) for $DUR s with perf record -g on localcertd"
	"$BIN/api_load" -m localcert --creds "$data/creds.tsv" -c "$API" -w 1 -d $((DUR + 2)) \
		--server-pid "$PID" "127.0.0.1:$((port + 1))" > "$OUT/api_load.txt" 2>&1 &
	dp=$!
	sleep 2
	perf record -q -F 1999 -g -p "$PID" -o "$OUT/perf.data" -- sleep "$DUR" 2> "$OUT/perf-record.err"
	wait "$dp"
	cat "$OUT/api_load.txt"
else
	echo "== dnsperf for $DUR s with perf record -g on localcertd"
	taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$data/queries.txt" -c 4 -T 1 -q 500 -t 1 -l 3 > /dev/null 2>&1
	taskset -c 0 dnsperf -s 127.0.0.1 -p "$port" -d "$data/queries.txt" -c 4 -T 1 -q 500 -t 1 -l $((DUR + 2)) \
		> "$OUT/dnsperf.txt" 2>&1 &
	dp=$!
	sleep 1
	perf record -q -F 1999 -g -p "$PID" -o "$OUT/perf.data" -- sleep "$DUR" 2> "$OUT/perf-record.err"
	wait "$dp"
	grep -E "Queries per second|Queries lost" "$OUT/dnsperf.txt"
fi
perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol -g none --percent-limit 0.5 2>/dev/null |
	grep -v '^$' > "$OUT/perf-symbols.txt"
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -v '^$' > "$OUT/perf-dso.txt"
perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol -g caller,0.5,callee --percent-limit 2 2>/dev/null |
	head -300 > "$OUT/perf-callers.txt"
echo "== self time by binary"; grep -E '^ +[0-9]' "$OUT/perf-dso.txt" | head -8
echo "== self time by symbol"; grep -E '^ +[0-9]' "$OUT/perf-symbols.txt" | head -30
echo "results in ${OUT#$ROOT/}"
