#!/usr/bin/env bash
# run.sh -- localcertd against Knot DNS, NSD, BIND and PowerDNS (sqlite), same data, same queries.
#
# Usage: bench/run.sh [--n 1000,100000,1000000] [--quick] [--servers "localcertd knot nsd bind pdns"]
#                     [--reps 3] [--dur 10] [--q 500] [--lat-qps 10000] [--lat-dur 10]
#                     [--api-dur 10] [--vis 200] [--no-dns] [--no-api] [--no-callgrind]
#                     [--callgrind-peers N] [--worktree] [--out DIR] [--report]
#
#   --n LIST          subdomain counts (default 1000,100000,1000000)
#   --quick           N=1000,100000, 1 repetition of 5 s, 5 s latency and API runs, callgrind
#                     for localcertd only: a few minutes end to end
#   --servers LIST    which servers (default all five)
#   --reps R --dur S  saturation runs per server and N (interleaved: rep 1 of every server,
#                     then rep 2, ...) and their length (dnsperf -l)
#   --q Q             dnsperf -q (queries outstanding), default 500
#   --lat-qps --lat-dur   fixed-rate latency run (dnsperf -Q ... -v), default 10000 qps for 10 s
#   --api-dur S       length of each API load run (1 and 16 clients), default 10
#   --vis K           update->DNS visibility samples per API target, default 200
#   --callgrind-peers N   also count peers' instructions per query at this N (default: the
#                     smallest N; 0 = localcertd only)
#   --worktree        benchmark the working tree's src/ instead of HEAD (the default builds a
#                     clean export of HEAD into bench/build/src-<rev>)
#   --report          print the last results as Markdown and exit (same as bench/report.sh)
#
# Servers run on 127.0.0.1 only, pinned to CPU 1 with one worker; dnsperf is pinned to CPU 0.
# Every process is started here, tracked by PID and stopped by PID. Results go to
# bench/results/<timestamp>/ (gitignored); generated data is cached in bench/data/N<N>/.
# Needs: bench/deps.sh (knot nsd bind9 pdns-server pdns-backend-sqlite3 dnsperf valgrind ...).
set -u
ARGS="$*"
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
. "$BENCH/lib.sh"

NS_LIST=1000,100000,1000000; SERVERS="localcertd knot nsd bind pdns"; REPS=3; DUR=10
OUTSTANDING=500; CLIENTS=4; LATQPS=10000; LATDUR=10; APIDUR=10; VIS=200
DO_DNS=1; DO_API=1; DO_CG=1; CG_PEERS_N=""; OUT=""; QUICK=0; WORKTREE=0
while [ $# -gt 0 ]; do
	case $1 in
	--n) NS_LIST=$2; shift;;
	--quick) QUICK=1;;
	--servers) SERVERS=$2; shift;;
	--reps) REPS=$2; shift;;
	--dur) DUR=$2; shift;;
	--q) OUTSTANDING=$2; shift;;
	--lat-qps) LATQPS=$2; shift;;
	--lat-dur) LATDUR=$2; shift;;
	--api-dur) APIDUR=$2; shift;;
	--vis) VIS=$2; shift;;
	--no-dns) DO_DNS=0;;
	--no-api) DO_API=0;;
	--no-callgrind) DO_CG=0;;
	--callgrind-peers) CG_PEERS_N=$2; shift;;
	--out) OUT=$2; shift;;
	--worktree) WORKTREE=1;;
	--report) exec "$BENCH/report.sh";;
	-h|--help) sed -n '2,31p' "$0"; exit 0;;
	*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	NS_LIST=1000,100000; REPS=1; DUR=5; LATDUR=5; APIDUR=5; VIS=100; CG_PEERS_N=${CG_PEERS_N:-0}
fi
NS_LIST=${NS_LIST//,/ }
[ -n "$CG_PEERS_N" ] || CG_PEERS_N=$(echo $NS_LIST | tr ' ' '\n' | sort -n | head -1)

for t in knotd nsd named pdns_server dnsperf taskset python3 valgrind callgrind_control cc make ss; do
	command -v $t >/dev/null || { echo "run.sh: missing $t; run bench/deps.sh" >&2; exit 2; }
done
[ "$(nproc)" -ge 2 ] || { echo "run.sh: needs at least 2 CPUs (server and client pinned apart)" >&2; exit 2; }
SRV_CPU=1; CLI_CPU=0
SRVPIN="taskset -c $SRV_CPU"; CLIPIN="taskset -c $CLI_CPU"

build_daemon || exit 1

OUT=${OUT:-$BENCH/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/logs" "$OUT/conf"
RUNTMP=$(mktemp -d "${TMPDIR:-/tmp}/lcbench.XXXXXX")
export QUIET_FLAG=$RUNTMP/machine-busy
{
	echo "date: $(date -u +%FT%TZ)"
	echo "command: bench/run.sh $ARGS"
	echo "settings: n=\"$NS_LIST\" servers=\"$SERVERS\" reps=$REPS dur=$DUR q=$OUTSTANDING clients=$CLIENTS lat_qps=$LATQPS lat_dur=$LATDUR api_dur=$APIDUR vis=$VIS callgrind_peers_n=$CG_PEERS_N"
	echo "localcert: $REV ($(git -C "$ROOT" log -1 --format='%cd' --date=iso-strict))"
	echo "kernel: $(uname -r); cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/\t//')"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	dpkg-query -W -f='package: ${Package} ${Version}\n' knot nsd bind9 pdns-server pdns-backend-sqlite3 dnsperf valgrind 2>/dev/null
} > "$OUT/meta.txt"
cat "$OUT/meta.txt"

DNS_TSV=$OUT/dns.tsv; SRV_TSV=$OUT/servers.tsv; CG_TSV=$OUT/callgrind.tsv; API_JSONL=$OUT/api.jsonl
printf 'server\tN\tkind\trep\tqps\tcompleted\tlost\tavg_ms\tp50_ms\tp99_ms\tp999_ms\tresp_bytes\trcodes\tserver_cpu_s\tdnsperf_cpu_s\tother_cpu_s\twall_s\tbusy_before\tudp_rcvbuf_errors\n' > "$DNS_TSV"
printf 'server\tN\tload_s\trss_kb\tpss_kb\trss_after_kb\tpss_after_kb\tchecks\n' > "$SRV_TSV"
printf 'server\tN\tsent\tanswered\tIr\tIr_per_query\treplay_wall_s\n' > "$CG_TSV"
LOAD_TSV=$OUT/load.tsv
printf 'time\tN\tphase\tevent\tloadavg_1m\tloadavg_5m\tbusy_cores\n' > "$LOAD_TSV"
: > "$API_JSONL"

declare -A PID PORT LOAD RSS PSS CHECKS
# Ports: a random free block of 7 (others on this machine run daemons on fixed ports too).
for try in $(seq 1 50); do
	base=$(( 30000 + (RANDOM % 270) * 10 ))  # below the ephemeral range
	ok=1
	for p in $(seq "$base" $((base + 6))); do port_free "$p" || ok=0; done
	[ "$ok" = 1 ] && break
done
[ "$ok" = 1 ] || { echo "run.sh: found no free block of ports" >&2; exit 1; }
PORT=([localcertd]=$base [knot]=$((base + 1)) [nsd]=$((base + 2)) [pdns]=$((base + 3)) [bind]=$((base + 4)))
LC_HTTP=$((base + 5)); PDNS_API=$((base + 6))
echo "ports: DNS localcertd $base, knot $((base + 1)), nsd $((base + 2)), pdns $((base + 3)), bind $((base + 4)); HTTP localcertd $LC_HTTP, pdns $PDNS_API" >> "$OUT/meta.txt"
ALLPIDS=""
# shellcheck disable=SC2317
cleanup() {
	local p
	for p in $ALLPIDS; do [ -d "/proc/$p" ] && stop_tree "$p"; done
	rm -rf "$RUNTMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# write_config SERVER DIR DATA [api] -> prints the command line (without pinning)
write_config() {
	local s=$1 d=$2 data=$3 api=${4:-} port=${PORT[$1]}
	mkdir -p "$d"
	case $s in
	localcertd)
		lc_config > "$d/localcert.ini"
		rm -rf "$d/data"; cp -r "$data/localcert" "$d/data"
		echo "$BIN/localcertd --config $d/localcert.ini --data $d/data --dns 127.0.0.1:$port --http 127.0.0.1:$LC_HTTP";;
	knot)
		cat > "$d/knot.conf" <<-EOF
		server:
		    rundir: "$d"
		    listen: 127.0.0.1@$port
		    udp-workers: 1
		    tcp-workers: 1
		    background-workers: 1
		log:
		  - target: stderr
		    any: warning
		database:
		    storage: "$d/db"
		template:
		  - id: default
		    storage: "$data"
		    file: "%s.zone"
		    zonefile-sync: -1
		    zonefile-load: whole
		    journal-content: none
		    semantic-checks: off
		zone:
		  - domain: localhostcert.net
		EOF
		echo "knotd -c $d/knot.conf";;
	nsd)
		cat > "$d/nsd.conf" <<-EOF
		server:
		    ip-address: 127.0.0.1@$port
		    port: $port
		    server-count: 1
		    reuseport: yes
		    username: ""
		    chroot: ""
		    zonesdir: "$data"
		    database: ""
		    zonelistfile: "$d/zone.list"
		    xfrdfile: "$d/xfrd.state"
		    xfrdir: "$d"
		    pidfile: "$d/nsd.pid"
		    logfile: "$d/nsd.log"
		    minimal-responses: yes
		    rrl-ratelimit: 0
		    rrl-whitelist-ratelimit: 0
		    verbosity: 0
		remote-control:
		    control-enable: no
		zone:
		    name: localhostcert.net
		    zonefile: localhostcert.net.zone
		EOF
		echo "nsd -d -c $d/nsd.conf";;
	bind)
		cat > "$d/named.conf" <<-EOF
		options {
		    directory "$d";
		    pid-file "$d/named.pid";
		    session-keyfile "$d/session.key";
		    managed-keys-directory "$d";
		    listen-on port $port { 127.0.0.1; };
		    listen-on-v6 { none; };
		    recursion no;
		    allow-transfer { none; };
		    notify no;
		    dnssec-validation no;
		    minimal-responses yes;
		    querylog no;
		    udp-receive-buffer 4194304;   # as localcertd's; knot and pdns have no such setting
		};
		controls { };
		zone "localhostcert.net" { type primary; file "$data/localhostcert.net.zone"; };
		EOF
		echo "named -g -4 -n 1 -c $d/named.conf";;
	pdns)
		cp "$data/pdns.sqlite3" "$d/pdns.sqlite3"
		cat > "$d/pdns.conf" <<-EOF
		launch=gsqlite3
		gsqlite3-database=$d/pdns.sqlite3
		local-address=127.0.0.1
		local-port=$port
		socket-dir=$d
		daemon=no
		guardian=no
		disable-syslog=yes
		loglevel=3
		security-poll-suffix=
		receiver-threads=1
		reuseport=yes
		disable-axfr=yes
		api=yes
		api-key=benchkey
		webserver=yes
		webserver-address=127.0.0.1
		webserver-port=$PDNS_API
		webserver-allow-from=127.0.0.1
		webserver-loglevel=none
		EOF
		# API runs: no whole-zone rectify per PATCH (O(zone size), see docs/performance.md)
		[ -n "$api" ] && echo "default-api-rectify=no" >> "$d/pdns.conf"
		echo "pdns_server --config-dir=$d";;
	esac
}

readyq() { echo "_acme-challenge.$(tail -n1 "$1/labels.txt").localhostcert.net"; }

# start_server SERVER DIR DATA PREFIX... -> sets PID[SERVER], LOAD[SERVER]; returns 1 on failure
start_server() {
	local s=$1 d=$2 data=$3; shift 3
	local cmd t0 t1 pid
	cmd=$(write_config "$s" "$d" "$data")
	for f in "$d"/*.conf "$d"/*.ini; do [ -f "$f" ] && cp "$f" "$OUT/conf/$s-$(basename "$f")"; done
	echo "$* $cmd" > "$OUT/conf/$s.cmd"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$@" $cmd > "$d/server.log" 2>&1 &
	pid=$!
	ALLPIDS="$ALLPIDS $pid"
	t1=$(python3 "$BENCH/dnstool.py" wait "${PORT[$s]}" "$(readyq "$data")" TXT "${READY_TIMEOUT:-600}" "$pid")
	if [ -z "$t1" ]; then
		echo "  $s did not become ready; log tail:" >&2
		tail -n 20 "$d/server.log" >&2
		stop_tree "$pid"
		return 1
	fi
	PID[$s]=$pid
	LOAD[$s]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
}

# repin SERVER PID: make sure every thread of the server's tree runs on SRV_CPU only. Knot
# sets the affinity of its UDP workers itself (worker i on CPU i), which overrides taskset
# and put its one worker on dnsperf's CPU; re-pinning every thread after start undoes that.
repin() {
	local s=$1 p t bad=0
	for p in $(tree "$2"); do
		for t in /proc/"$p"/task/*; do
			t=${t##*/}
			[ "$(taskset -c -p "$t" 2>/dev/null | awk '{print $NF}')" = "$SRV_CPU" ] || bad=$((bad + 1))
			taskset -c -p "$SRV_CPU" "$t" > /dev/null 2>&1
		done
	done
	[ "$bad" = 0 ] || echo "  $s: $bad thread(s) had set their own CPU affinity; re-pinned to CPU $SRV_CPU" | tee -a "$OUT/logs/repin.txt"
}

udp_rcvbuf_errors() { awk '/^Udp:/ && $2 ~ /^[0-9]+$/ {print $6}' /proc/net/snmp; }

parse_dnsperf() {  # file -> qps completed lost avg_ms resp_bytes rcodes
	awk '/Queries completed:/ {done=$3} /Queries lost:/ {lost=$3}
	     /Queries per second:/ {qps=$4}
	     /Average Latency/ {avg=$4*1000}
	     /Average packet size:/ {resp=$NF}
	     /Response codes:/ {sub(/.*codes: */,""); gsub(/ /,""); rc=$0}
	     END {printf "%.0f\t%s\t%s\t%.3f\t%s\t%s", qps, done, lost, avg, resp, rc}' "$1"
}

# measure SERVER N KIND REP DATA
measure() {
	local s=$1 n=$2 kind=$3 rep=$4 data=$5 pid=${PID[$1]} port=${PORT[$1]}
	local f="$OUT/logs/dnsperf-N$n-$s-$kind-$rep.txt" busy c0 c1 b0 b1 t0 t1 e0 e1 dcpu scpu ocpu wall row pcts="-	-	-"
	local args=(-s 127.0.0.1 -p "$port" -d "$data/queries.txt" -c "$CLIENTS" -T 1 -q "$OUTSTANDING" -t 1)
	if [ "$kind" = tput ]; then args+=(-l "$DUR"); else args+=(-l "$LATDUR" -Q "$LATQPS" -v); fi
	busy=$(wait_quiet)
	echo "# $CLIPIN dnsperf ${args[*]}" > "$f"
	e0=$(udp_rcvbuf_errors); c0=$(tree_cpu_ticks "$pid"); b0=$(total_busy_ticks); t0=$(date +%s.%N)
	/usr/bin/time -f 'CPU_USER_SYS %U %S' -o "$f.time" $CLIPIN dnsperf "${args[@]}" >> "$f" 2>&1
	c1=$(tree_cpu_ticks "$pid"); b1=$(total_busy_ticks); t1=$(date +%s.%N); e1=$(udp_rcvbuf_errors)
	dcpu=$(awk '/CPU_USER_SYS/ {print $2 + $3}' "$f.time"); rm -f "$f.time"
	scpu=$(ticks_to_s "$c0" "$c1")
	ocpu=$(awk -v a="$b0" -v b="$b1" -v t="$CLK_TCK" -v s="$scpu" -v d="$dcpu" \
		'BEGIN {o = (b - a) / t - s - d; if (o < 0) o = 0; printf "%.2f", o}')
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
	if [ "$kind" = lat ]; then
		pcts=$(python3 "$BENCH/dnstool.py" pcts "$f" | tr ' ' '\t')
		grep -v '^> ' "$f" > "$f.sum"; mv "$f.sum" "$f"
	fi
	row=$(parse_dnsperf "$f")
	IFS=$'\t' read -r qps done lost avg resp rc <<< "$row"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$n" "$kind" "$rep" \
		"$qps" "$done" "$lost" "$avg" "$pcts" "$resp" "$rc" "$scpu" "$dcpu" "$ocpu" "$wall" "$busy" "$((e1 - e0))" >> "$DNS_TSV"
	printf '  %-10s %-4s %s: %7s qps, lost %s, server %s CPU-s (%s q/CPU-s), dnsperf %s CPU-s, others %s CPU-s%s\n' \
		"$s" "$kind" "$rep" "$qps" "$lost" "$scpu" \
		"$(awk -v d="$done" -v c="$scpu" 'BEGIN {printf "%.0f", (c > 0 ? d / c : 0)}')" "$dcpu" "$ocpu" \
		"$([ "$kind" = lat ] && echo ", p50/p99/p99.9 ms: ${pcts//$'\t'/ \/ }")"
}

# mark N PHASE EVENT: how busy the machine was at the start or end of a phase (load averages
# and the cores in use over one second, anything included), into load.tsv.
mark() {
	local la b0 b1
	la=$(cut -d' ' -f1,2 /proc/loadavg)
	b0=$(total_busy_ticks); sleep 1; b1=$(total_busy_ticks)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%T)" "$1" "$2" "$3" "${la% *}" "${la#* }" \
		"$(ticks_to_s "$b0" "$b1")" >> "$LOAD_TSV"
	echo "  [$3 of $2 at N=$1: load average ${la% *} (1 min), ${la#* } (5 min); $(ticks_to_s "$b0" "$b1") cores busy]"
}

# ---------------------------------------------------------------- DNS: throughput, latency, memory
dns_phase() {
	local n=$1 data=$2 s r order busy
	local started=""
	for s in $SERVERS; do
		busy=$(wait_quiet)
		echo "  starting $s ($SRVPIN) ..."
		if ! start_server "$s" "$RUNTMP/$s-N$n" "$data" $SRVPIN; then
			printf '%s\t%s\t-\t-\t-\t-\t-\tnot ready\n' "$s" "$n" >> "$SRV_TSV"
			continue
		fi
		repin "$s" "${PID[$s]}"
		CHECKS[$s]=$(python3 "$BENCH/dnstool.py" check "${PORT[$s]}" "$data/check.txt")
		sleep 1
		read -r RSS[$s] PSS[$s] <<< "$(tree_mem "${PID[$s]}")"
		echo "  $s: answering after ${LOAD[$s]} s, checks ${CHECKS[$s]}, RSS $((RSS[$s] / 1024)) MiB, PSS $((PSS[$s] / 1024)) MiB"
		started="$started $s"
	done
	for s in $started; do  # warm-up: page in the zone data, fill PowerDNS's caches
		$CLIPIN dnsperf -s 127.0.0.1 -p "${PORT[$s]}" -d "$data/queries.txt" -c "$CLIENTS" -T 1 -q "$OUTSTANDING" -l 3 > /dev/null 2>&1
	done
	order=$started
	for r in $(seq 1 "$REPS"); do  # interleaved, and the order rotates each round
		for s in $order; do measure "$s" "$n" tput "$r" "$data"; done
		order="$(echo $order | cut -s -d' ' -f2-) $(echo $order | cut -d' ' -f1)"
	done
	if [ "$LATDUR" != 0 ]; then
		for s in $started; do measure "$s" "$n" lat 1 "$data"; done
	fi
	for s in $started; do
		local ra pa
		read -r ra pa <<< "$(tree_mem "${PID[$s]}")"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$n" "${LOAD[$s]}" "${RSS[$s]}" "${PSS[$s]}" "$ra" "$pa" "${CHECKS[$s]}" >> "$SRV_TSV"
		cp "$RUNTMP/$s-N$n/server.log" "$OUT/logs/server-N$n-$s.log" 2>/dev/null
		stop_tree "${PID[$s]}"
		rm -rf "$RUNTMP/$s-N$n"
	done
}

# ---------------------------------------------------------------- instructions per query (callgrind)
callgrind_phase() {
	local n=$1 data=$2 s d p ir sent answered wall res list="localcertd"
	[ "$n" = "$CG_PEERS_N" ] && list=$SERVERS
	for s in $list; do
		[[ " $SERVERS " == *" $s "* ]] || continue
		d=$RUNTMP/cg-$s-N$n
		mkdir -p "$d"
		echo "  callgrind: $s (instrumentation off while loading)"
		if ! READY_TIMEOUT=900 start_server "$s" "$d" "$data" \
			valgrind --tool=callgrind --instr-atstart=no --trace-children=yes \
			--callgrind-out-file="$d/cg.out.%p" --log-file="$d/valgrind.%p.log"; then
			printf '%s\t%s\t-\t-\t-\t-\t-\n' "$s" "$n" >> "$CG_TSV"
			continue
		fi
		for p in $(tree "${PID[$s]}"); do callgrind_control -i on "$p" > /dev/null 2>&1; done
		res=$(python3 "$BENCH/dnstool.py" replay "${PORT[$s]}" "$data/replay.txt" 5)
		for p in $(tree "${PID[$s]}"); do callgrind_control -d "$p" > /dev/null 2>&1; done
		sleep 1
		# the dumps requested above are cg.out.PID.1 (one per process that ran callgrind)
		ir=$(cat "$d"/cg.out.*.1 2>/dev/null | awk '/^summary:/ {t += $2} END {printf "%.0f", t}')
		sent=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["sent"])' "$res")
		answered=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["answered"])' "$res")
		wall=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["wall_s"])' "$res")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$n" "$sent" "$answered" "$ir" \
			"$(awk -v i="$ir" -v a="$answered" 'BEGIN {printf "%.0f", (a > 0 ? i / a : 0)}')" "$wall" >> "$CG_TSV"
		echo "    $answered/$sent answered, $(awk -v i="$ir" -v a="$answered" 'BEGIN {printf "%.0f", (a > 0 ? i / a : 0)}') instructions per query (replay ${wall} s)"
		stop_tree "${PID[$s]}"
		rm -rf "$d"
	done
}

# ---------------------------------------------------------------- update API
api_run() {  # TARGET SERVER N LABEL command...
	local target=$1 s=$2 n=$3 what=$4; shift 4
	local c0 c1 line busy
	busy=$(wait_quiet)
	c0=$(tree_cpu_ticks "${PID[$s]}")
	line=$("$@" 2>> "$OUT/logs/api-N$n-$s.err" | tail -n1)
	c1=$(tree_cpu_ticks "${PID[$s]}")
	echo "    $what: $line"
	printf '{"target": "%s", "N": %s, "run": "%s", "server_cpu_s": %s, "busy_before": %s, "result": %s}\n' \
		"$target" "$n" "$what" "$(ticks_to_s "$c0" "$c1")" "$busy" "${line:-null}" >> "$API_JSONL"
}

api_phase() {
	local n=$1 data=$2 s d cmd t0 t1 creds=$data/creds.tsv
	for s in localcertd pdns; do
		[[ " $SERVERS " == *" $s "* ]] || continue
		d=$RUNTMP/api-$s-N$n
		mkdir -p "$d"
		cmd=$(write_config "$s" "$d" "$data" api)
		for f in "$d"/*.conf; do [ -f "$f" ] && cp "$f" "$OUT/conf/api-$s-$(basename "$f")"; done
		echo "  API: $s ($cmd)"
		# shellcheck disable=SC2086
		$cmd > "$d/server.log" 2>&1 &
		PID[$s]=$!; ALLPIDS="$ALLPIDS ${PID[$s]}"
		if ! python3 "$BENCH/dnstool.py" wait "${PORT[$s]}" "$(readyq "$data")" TXT 600 "${PID[$s]}" > /dev/null; then
			echo "  $s did not become ready" >&2; tail -n 20 "$d/server.log" >&2; stop_tree "${PID[$s]}"; continue
		fi
		local load=("$BIN/api_load" --json -w 1 -d "$APIDUR" --creds "$creds" --server-pid "${PID[$s]}")
		if [ "$s" = localcertd ]; then
			api_run localcertd "$s" "$n" c1 "${load[@]}" -m localcert -c 1 127.0.0.1:$LC_HTTP
			api_run localcertd "$s" "$n" c16 "${load[@]}" -m localcert -c 16 127.0.0.1:$LC_HTTP
			api_run localcertd "$s" "$n" vis python3 "$BENCH/apivis.py" localcert $LC_HTTP "${PORT[$s]}" "$creds" "$VIS"
			api_run localcertd "$s" "$n" client-ceiling "$BIN/api_load" --json -w 1 -d 3 -m health -c 16 127.0.0.1:$LC_HTTP
		else
			api_run pdns "$s" "$n" c1 "${load[@]}" -m pdns -c 1 127.0.0.1:$PDNS_API
			api_run pdns "$s" "$n" c16 "${load[@]}" -m pdns -c 16 127.0.0.1:$PDNS_API
			api_run pdns "$s" "$n" vis python3 "$BENCH/apivis.py" pdns $PDNS_API "${PORT[$s]}" "$creds" "$VIS"
			echo "    \"database is locked\" lines in the pdns log: $(grep -c 'database is locked' "$d/server.log")"
		fi
		cp "$d/server.log" "$OUT/logs/api-N$n-$s.log"
		stop_tree "${PID[$s]}"
		rm -rf "$d"
	done
}

# ---------------------------------------------------------------- main
# (one function, called on the last line: bash has then read the whole file, so editing
# run.sh while it runs cannot derail it)
main() {
	T_START=$(date +%s)
	for n in $NS_LIST; do
		data=$BENCH/data/N$n
		echo "== N=$n: data in bench/data/N$n"
		python3 "$BENCH/gen-data.py" "$n" --out "$data" --ctl "$BIN/localcertctl" || exit 1
		if [ "$DO_DNS" = 1 ]; then
			echo "== N=$n: DNS (servers pinned to CPU $SRV_CPU, dnsperf to CPU $CLI_CPU)"
			mark "$n" dns start; dns_phase "$n" "$data"; mark "$n" dns end
		fi
		if [ "$DO_CG" = 1 ]; then
			echo "== N=$n: instructions per query (callgrind)"
			mark "$n" callgrind start; callgrind_phase "$n" "$data"; mark "$n" callgrind end
		fi
		if [ "$DO_API" = 1 ]; then
			echo "== N=$n: update API"
			mark "$n" api start; api_phase "$n" "$data"; mark "$n" api end
		fi
	done
	echo "== done in $(( $(date +%s) - T_START )) s; results in ${OUT#$ROOT/}"
	python3 "$BENCH/summarize.py" "$OUT" > "$OUT/summary.md"
	cat "$OUT/summary.md"
}
main; exit $?
