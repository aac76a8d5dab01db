# lib.sh -- process, CPU and memory helpers for bench/run.sh (sourced, bash).
# Every process is found and stopped by PID (walking ppid links), never by name.

CLK_TCK=$(getconf CLK_TCK)

# tree PID -> PID and all its descendants, one per line (one ps snapshot).
tree() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = 1; q[1] = root; out = root
			for (i = 1; i <= n; i++) {
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++) { q[++n] = k[j]; out = out "\n" k[j] }
			}
			print out
		}'
}

# tree_cpu_ticks PID -> utime+stime(+reaped children) of the tree, in clock ticks.
# /proc/PID/stat after "(comm) ": 1 state 2 ppid ... 12 utime 13 stime 14 cutime 15 cstime
tree_cpu_ticks() {
	local t=0 p line
	for p in $(tree "$1"); do
		line=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $line
		t=$((t + ${12:-0} + ${13:-0} + ${14:-0} + ${15:-0}))
	done
	echo "$t"
}

# tree_mem PID -> "rss_kb pss_kb" summed over the tree.
tree_mem() {
	local r=0 s=0 p a b
	for p in $(tree "$1"); do
		a=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null)
		b=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
		r=$((r + ${a:-0})); s=$((s + ${b:-0}))
	done
	echo "$r $s"
}

# total_busy_ticks -> busy ticks of the whole machine (user+nice+system+irq+softirq+steal).
total_busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }

ticks_to_s() { awk -v a="$1" -v b="$2" -v t="$CLK_TCK" 'BEGIN {printf "%.2f", (b - a) / t}'; }

# stop_tree PID: TERM the root, wait up to 20 s, then KILL what is left of the tree, by PID.
stop_tree() {
	local root=$1 all p i alive st
	[ -n "$root" ] || return 0
	all=$(tree "$root")
	kill -TERM "$root" 2>/dev/null
	for i in $(seq 1 80); do
		alive=""
		for p in $all; do
			st=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
			[ -n "$st" ] && [ "$st" != Z ] && alive="$alive $p"
		done
		[ -z "$alive" ] && break
		sleep 0.25
	done
	for p in $alive; do kill -KILL "$p" 2>/dev/null; done
	wait "$root" 2>/dev/null
	return 0
}

# wait_quiet: wait until all processes together use < QUIET_CORES cores (default 0.15), at
# most QUIET_MAX s (default 20); while the machine stays busy (the last wait timed out,
# remembered in the file $QUIET_FLAG) only QUIET_BUSY_MAX s (default 5). Prints the busy
# level it saw last, in cores.
wait_quiet() {
	local i b0 b1 busy=0 max=${QUIET_MAX:-20}
	[ -n "${QUIET_FLAG:-}" ] && [ -e "$QUIET_FLAG" ] && max=${QUIET_BUSY_MAX:-5}
	for i in $(seq 1 "$max"); do
		b0=$(total_busy_ticks); sleep 1; b1=$(total_busy_ticks)
		busy=$(ticks_to_s "$b0" "$b1")
		if awk -v b="$busy" -v q="${QUIET_CORES:-0.15}" 'BEGIN {exit !(b < q)}'; then
			[ -n "${QUIET_FLAG:-}" ] && rm -f "$QUIET_FLAG"
			echo "$busy"; return 0
		fi
	done
	echo "  (machine not quiet after $max s: ${busy} cores busy; measuring anyway)" >&2
	[ -n "${QUIET_FLAG:-}" ] && : > "$QUIET_FLAG"
	echo "$busy"
}

# port_free PORT -> true when nothing listens on PORT (UDP or TCP) on any address.
port_free() {
	! ss -Hlntu "( sport = :$1 )" 2>/dev/null | grep -q .
}

# build_daemon: build localcertd + localcertctl + api_load; sets BIN and REV. Builds a clean
# export of HEAD into bench/build/src-<rev> (neither other people's uncommitted edits nor a
# concurrent `make` in build/ can change the binary under test), or with WORKTREE=1 the
# working tree into bench/build/worktree. Needs ROOT and BENCH.
build_daemon() {
	local srcdir
	REV=$(git -C "$ROOT" rev-parse --short HEAD)
	if [ "${WORKTREE:-0}" = 1 ]; then
		srcdir=$ROOT; BIN=$BENCH/build/worktree; REV="$REV+worktree"
		echo "== building localcertd from the working tree into bench/build/worktree"
	else
		srcdir=$BENCH/build/src-$REV; BIN=$srcdir/build
		echo "== building localcertd at $REV (HEAD) into bench/build/src-$REV"
		if [ ! -x "$BIN/localcertd" ]; then
			rm -rf "$srcdir"; mkdir -p "$srcdir"
			git -C "$ROOT" archive HEAD | tar -x -C "$srcdir" || return 1
		fi
	fi
	make -C "$srcdir" -s -j"$(nproc)" BUILD="$BIN" "$BIN/localcertd" "$BIN/localcertctl" >/dev/null ||
		{ echo "build failed" >&2; return 1; }
	make -C "$BENCH/api-load" -s BIN="$BIN" "$BIN/api_load" >/dev/null || return 1
}

# lc_config: the localcertd config every benchmark run uses (one UDP worker, RRL off, the
# parent and name servers the generated peer zone has).
lc_config() {
	cat <<-EOF
	[server]
	dns_workers = 1
	log_level = warn
	[dns]
	ns = ns1.localhostcert.net, ns2.localhostcert.net
	soa_mailbox = hostmaster.localhostcert.net
	rrl_rate = 0            ; response rate limiting off, as for every peer
	[parent localhostcert.net]
	kind = localhost
	record = ns1 A 127.0.0.1
	record = ns2 A 127.0.0.1
	EOF
}
