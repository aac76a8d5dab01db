# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# lib.sh -- shared helpers for the ACME scenarios (source it; it is not run).
#
# Each scenario re-runs itself inside a fresh loopback-only network namespace
# (unshare --net), so fixed ports are safe and nothing can leave the machine.
# There it starts pebble (the ACME test CA) and localcertd, runs a real ACME
# client, and checks the issued chain with openssl against pebble's root.
# Processes are stopped only by the PIDs recorded when they were started.
#
# Knobs (environment):
#   LOCALCERTD        the daemon binary (default: build/localcertd in this tree)
#   LC_ACME_TIMEOUT   seconds for a whole scenario (default 240)
#   LC_ACME_KEEP=1    keep the work directory (it is always kept on failure)
#   LC_DNS_PORT=1053 LC_HTTP_PORT=8053 PEBBLE_PORT=14000 PEBBLE_MGMT_PORT=15000

LC_ACME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LC_ROOT="$(cd "$LC_ACME_DIR/../.." && pwd)"
: "${LOCALCERTD:=$LC_ROOT/build/localcertd}"
: "${LC_DNS_PORT:=1053}" "${LC_HTTP_PORT:=8053}"
: "${PEBBLE_PORT:=14000}" "${PEBBLE_MGMT_PORT:=15000}"
LC_BASE="http://127.0.0.1:$LC_HTTP_PORT"
LC_DNS="127.0.0.1:$LC_DNS_PORT"
export LOCALCERTD LC_DNS_PORT LC_HTTP_PORT PEBBLE_PORT PEBBLE_MGMT_PORT

lc_die() {
	echo "${LC_SELF:-acme}: FAIL: $*" >&2
	exit 1
}

# Progress line on stderr, with the seconds since the scenario started.
lc_say() {
	local now
	now=$(date +%s.%N)
	awk -v a="${LC_T0:-$now}" -v b="$now" -v m="$*" 'BEGIN { printf "[%5.1fs] %s\n", b - a, m }' >&2
}

# Re-run the calling script inside a new network namespace that has only "lo".
# Call as: lc_netns "$0" "$@"   (the whole run is bounded by LC_ACME_TIMEOUT)
lc_netns() {
	local self="$1"
	shift
	if [[ -n "${LC_IN_NETNS:-}" ]]; then
		ip link set lo up || lc_die "cannot bring up lo in the network namespace (iproute2 missing?)"
		return 0
	fi
	[[ -x "$LOCALCERTD" ]] || lc_die "no daemon at $LOCALCERTD (run make first)"
	LOCALCERTD="$(cd "$(dirname "$LOCALCERTD")" && pwd)/$(basename "$LOCALCERTD")"
	export LOCALCERTD
	local ns
	if unshare --net true 2>/dev/null; then
		ns=(unshare --net)
	elif unshare --map-root-user --net true 2>/dev/null; then
		ns=(unshare --map-root-user --net)
	else
		lc_die "cannot create a network namespace (needs root or user namespaces)"
	fi
	exec timeout --signal=TERM --kill-after=10 "${LC_ACME_TIMEOUT:-240}" \
		"${ns[@]}" env LC_IN_NETNS=1 bash "$self" "$@"
}

# Stop a process we started, by PID, after checking it is still ours (PID reuse).
# Usage: lc_stop_pid PID PATTERN   -> returns its exit status when it is our child
lc_stop_pid() {
	local pid="$1" pat="$2" rc=0
	[[ -n "$pid" ]] || return 0
	if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pat"; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			# A zombie child counts as stopped.
			[[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
			echo "pid $pid ($pat) did not stop within 10 s; sending KILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return $rc
}

lc_cleanup() {
	local rc=$?
	trap - EXIT
	if [[ -n "${LC_CLIENT_PID:-}" ]] && kill -0 "$LC_CLIENT_PID" 2>/dev/null; then
		kill "$LC_CLIENT_PID" 2>/dev/null || true
		wait "$LC_CLIENT_PID" 2>/dev/null || true
	fi
	lc_stop_pid "${LC_PID:-}" localcertd || true
	lc_stop_pid "${LC_PEBBLE_PID:-}" pebble || true
	if [[ $rc -ne 0 ]]; then
		echo "---- logs (workdir $WORK) ----" >&2
		for f in "$WORK/client.log" "$WORK/hook.log" "$WORK/localcertd.log" \
			"$WORK/pebble/pebble.log" "$WORK/dns-diag.txt"; do
			[[ -s "$f" ]] || continue
			echo "== $f (last 25 lines)" >&2
			tail -n 25 "$f" >&2
		done
	fi
	if [[ "${LC_ACME_KEEP:-0}" != 1 && $rc -eq 0 ]]; then
		rm -rf "$WORK"
	else
		echo "workdir kept: $WORK" >&2
	fi
	exit $rc
}

# Create the work directory and the cleanup trap. Usage: lc_init NAME
lc_init() {
	LC_SELF="$1"
	LC_T0=$(date +%s.%N)
	for tool in pebble openssl curl jq dig; do
		command -v "$tool" >/dev/null || lc_die "$tool is not installed (make deps)"
	done
	WORK="$(mktemp -d "/tmp/lc-acme-$1.XXXXXX")"
	trap lc_cleanup EXIT
	trap 'exit 143' TERM INT
}

# Run a client in the background, bounded in time, so that a TERM from the
# outer timeout runs our trap at once (bash defers traps while a foreground
# child runs). Usage: lc_run SECS LOGFILE CMD...  -> CMD's exit status
lc_run() {
	local secs="$1" log="$2"
	shift 2
	timeout --signal=TERM --kill-after=5 "$secs" "$@" >"$log" 2>&1 </dev/null &
	LC_CLIENT_PID=$!
	local rc=0
	wait "$LC_CLIENT_PID" || rc=$?
	LC_CLIENT_PID=
	return $rc
}

# Start pebble on 127.0.0.1, validating DNS-01 against localcertd only.
# Debian's pebble ships no TLS certificate for its own HTTPS, so mint a CA
# and a leaf for 127.0.0.1. Writes $WORK/pebble/{tls-ca,root,intermediate}.pem.
lc_start_pebble() {
	local wd="$WORK/pebble"
	mkdir -p "$wd"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$wd/tls-ca.key" -out "$wd/tls-ca.pem" -days 7 \
		-subj "/CN=localcert test: pebble HTTPS CA" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
		lc_die "openssl could not make the pebble TLS CA"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$wd/tls-key.pem" -out "$wd/tls.csr" -subj "/CN=127.0.0.1" 2>/dev/null
	printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' \
		'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
		'extendedKeyUsage=serverAuth' >"$wd/tls-ext.cnf"
	openssl x509 -req -in "$wd/tls.csr" -CA "$wd/tls-ca.pem" -CAkey "$wd/tls-ca.key" \
		-CAcreateserial -out "$wd/tls-cert.pem" -days 7 -extfile "$wd/tls-ext.cnf" 2>/dev/null ||
		lc_die "openssl could not make the pebble TLS certificate"
	cat >"$wd/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$PEBBLE_PORT",
    "managementListenAddress": "127.0.0.1:$PEBBLE_MGMT_PORT",
    "certificate": "$wd/tls-cert.pem",
    "privateKey": "$wd/tls-key.pem",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
	# NOSLEEP: no random 0-15 s pause per validation. NONCEREJECT=0: no
	# spurious badNonce. AUTHZREUSE=0: every order really checks DNS.
	# ALWAYS_VALID must be unset, or DNS-01 would never be checked.
	env -u PEBBLE_VA_ALWAYS_VALID -u PEBBLE_VA_SLEEPTIME PEBBLE_VA_NOSLEEP=1 \
		PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
		pebble -config "$wd/pebble.json" -dnsserver "$LC_DNS" \
		>"$wd/pebble.log" 2>&1 </dev/null &
	LC_PEBBLE_PID=$!
	local i
	for i in $(seq 1 75); do
		curl -sf --max-time 2 --cacert "$wd/tls-ca.pem" "https://127.0.0.1:$PEBBLE_PORT/dir" \
			-o /dev/null && break
		kill -0 "$LC_PEBBLE_PID" 2>/dev/null || lc_die "pebble exited during start"
		sleep 0.2
	done
	[[ $i -lt 75 ]] || lc_die "pebble not ready after 15 s"
	# Pebble makes a new root and intermediate at every start: fetch them now.
	local what
	for what in roots intermediates; do
		curl -sf --max-time 5 --cacert "$wd/tls-ca.pem" \
			"https://127.0.0.1:$PEBBLE_MGMT_PORT/$what/0" -o "$wd/${what%s}.pem" ||
			lc_die "cannot fetch pebble's /$what/0"
	done
	# Used by the scenarios: the CA to trust for pebble's HTTPS, and the directory URL.
	# shellcheck disable=SC2034
	LC_PEBBLE_CA="$wd/tls-ca.pem"
	# shellcheck disable=SC2034
	LC_ACME_DIRECTORY="https://127.0.0.1:$PEBBLE_PORT/dir"
}

# Start localcertd on loopback with $WORK/data (and a config file, if given),
# and wait until both the HTTP API and DNS answer. Usage: lc_start_localcertd [CONFIG]
lc_start_localcertd() {
	local conf=()
	[[ -n "${1:-}" ]] && conf=(--config "$1")
	mkdir -p "$WORK/data"
	echo "=== start: $LOCALCERTD ${conf[*]}" >>"$WORK/localcertd.log"
	"$LOCALCERTD" "${conf[@]}" --data "$WORK/data" \
		--dns "$LC_DNS" --http "127.0.0.1:$LC_HTTP_PORT" \
		>>"$WORK/localcertd.log" 2>&1 </dev/null &
	LC_PID=$!
	local i code
	for i in $(seq 1 100); do
		if ! kill -0 "$LC_PID" 2>/dev/null; then
			local rc=0
			wait "$LC_PID" || rc=$?
			LC_PID=
			lc_die "localcertd exited with status $rc during start"
		fi
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$LC_BASE/health" || true)
		if [[ "$code" == 200 ]] &&
			[[ -n "$(dig +short +time=1 +tries=1 -p "$LC_DNS_PORT" @127.0.0.1 localhostcert.test SOA)" ]]; then
			return 0
		fi
		sleep 0.1
	done
	lc_die "localcertd not ready after 10 s (health $code)"
}

# Stop localcertd with SIGTERM; fail unless it exits 0 (a clean drain).
lc_stop_localcertd() {
	local rc=0
	lc_stop_pid "$LC_PID" localcertd || rc=$?
	LC_PID=
	[[ $rc -eq 0 ]] || lc_die "localcertd exited with status $rc on SIGTERM (expected 0)"
}

# POST to the API; the body goes to $WORK/$3, the status is printed.
# Usage: lc_post PATH DATA OUTFILE [CURL ARGS...]
lc_post() {
	local path="$1" data="$2" out="$3"
	shift 3
	curl -sS --max-time 10 -o "$WORK/$out" -w '%{http_code}' -X POST "$@" \
		${data:+--data "$data"} "$LC_BASE$path"
}

# Record what localcertd answers for a name's challenge (saved for failures).
lc_dns_diag() {
	local name="$1"
	{
		for q in "_acme-challenge.$name TXT" "_acme-challenge.$name CNAME" "$name SOA"; do
			echo "### dig $q"
			# shellcheck disable=SC2086
			dig +norec +time=1 +tries=1 -p "$LC_DNS_PORT" @127.0.0.1 $q 2>&1 |
				grep -v '^;; \(WHEN\|MSG SIZE\|Query time\)'
		done
	} >>"$WORK/dns-diag.txt"
}

# Check an issued chain: openssl verify against pebble's root, the
# intermediate is pebble's, the leaf carries every expected name, and pebble
# validated one authorization per name through DNS-01.
# Usage: lc_verify BUNDLE [EXTRA_CHAIN] -- NAME...
lc_verify() {
	local bundle="$1" extra=""
	shift
	if [[ "${1:-}" != -- ]]; then
		extra="$1"
		shift
	fi
	shift
	[[ -s "$bundle" ]] || lc_die "no certificate at $bundle"
	rm -f "$WORK"/vchain-*.pem
	cat "$bundle" ${extra:+"$extra"} |
		awk -v d="$WORK" '/-----BEGIN CERTIFICATE-----/ { n++ } n { print > (d "/vchain-" n ".pem") }'
	[[ -s "$WORK/vchain-2.pem" ]] || lc_die "the chain has fewer than 2 certificates"
	cat "$WORK"/vchain-[2-9].pem >"$WORK/untrusted.pem"
	openssl verify -CAfile "$WORK/pebble/root.pem" -untrusted "$WORK/untrusted.pem" \
		"$WORK/vchain-1.pem" >"$WORK/verify.txt" 2>&1 ||
		{
			cat "$WORK/verify.txt" >&2
			lc_die "openssl verify failed"
		}
	cmp -s <(openssl x509 -in "$WORK/vchain-2.pem" -outform DER) \
		<(openssl x509 -in "$WORK/pebble/intermediate.pem" -outform DER) ||
		lc_die "the chain's intermediate is not pebble's /intermediates/0"
	LC_SANS="$(openssl x509 -in "$WORK/vchain-1.pem" -noout -ext subjectAltName |
		tail -n +2 | tr ',' '\n' | sed 's/^ *//')"
	local n
	for n in "$@"; do
		grep -qxF "DNS:$n" <<<"$LC_SANS" || lc_die "the leaf lacks DNS:$n (has: $(paste -sd' ' <<<"$LC_SANS"))"
	done
	[[ $(grep -c '^DNS:' <<<"$LC_SANS") -eq $# ]] ||
		lc_die "the leaf has other names than expected: $(paste -sd' ' <<<"$LC_SANS")"
	LC_NVALID=$(grep -c 'set VALID by completed challenge' "$WORK/pebble/pebble.log" || true)
	[[ "$LC_NVALID" -ge $# ]] || lc_die "pebble validated $LC_NVALID authorizations, expected $#"
}

lc_report() { # LABEL
	local t
	t=$(awk -v a="$LC_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	echo "OK: $1 (${t}s)"
	echo "    openssl verify -CAfile pebble-root -untrusted intermediate leaf: $(sed 's/.*: //' "$WORK/verify.txt")"
	echo "    SANs: $(paste -sd' ' <<<"$LC_SANS"); pebble validated $LC_NVALID authorizations via DNS-01"
}

# The config every scenario starts from: the embedded default parents
# (localhostcert.test, localcert.test) plus any extra text given as $2.
lc_write_config() { # FILE [EXTRA]
	cat >"$1" <<EOF
; written by tests/acme/lib.sh
[server]
log_level = debug

[dns]
ttl_challenge = 1
${2:-}
EOF
}

# lc_lego_issue NAME [EMAIL] -- lego (exec provider + hook.sh, the acme-dns request lego's
# own provider sends) obtains NAME and *.NAME with the storage file $WORK/creds.json.
# Returns lego's exit status; its output is in $WORK/client.log.
lc_lego_issue() {
	local name="$1" email="${2:-acme-test@example.com}" rc=0
	LEGO_CA_CERTIFICATES="$LC_PEBBLE_CA" \
		ACME_DNS_API_BASE="$LC_BASE" ACME_DNS_STORAGE_PATH="$WORK/creds.json" \
		EXEC_PATH="$LC_ACME_DIR/hook.sh" LC_HOOK_LOG="$WORK/hook.log" \
		EXEC_SEQUENCE_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=30 EXEC_POLLING_INTERVAL=1 \
		lc_run 150 "$WORK/client.log" lego --server "$LC_ACME_DIRECTORY" --path "$WORK/lego" \
		--email "$email" --accept-tos --key-type ec256 \
		--dns exec --dns.resolvers "$LC_DNS" --dns.disable-cp \
		-d "$name" -d "*.$name" run || rc=$?
	return $rc
}
