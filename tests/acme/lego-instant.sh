#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lego-instant.sh -- register an instant subdomain through POST /api/v1/register
# (output_format=lego gives lego's storage JSON as is), then lego obtains a
# certificate for NAME and *.NAME from pebble. lego sets the two challenge
# values through hook.sh (the acme-dns /update call); pebble checks DNS-01
# against localcertd.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_netns "$0" "$@"
lc_init lego-instant
command -v lego >/dev/null || lc_die "lego is not installed (make deps)"

lc_say "starting pebble and localcertd"
lc_start_pebble
lc_write_config "$WORK/localcert.ini"
lc_start_localcertd "$WORK/localcert.ini"

lc_say "registering an instant subdomain"
code=$(lc_post /api/v1/register "output_format=lego" creds.json)
[[ "$code" == 200 || "$code" == 201 ]] || lc_die "POST /api/v1/register: HTTP $code: $(cat "$WORK/creds.json")"
name=$(jq -er 'keys | if length == 1 then .[0] else error("expected one domain") end' "$WORK/creds.json") ||
	lc_die "register did not return lego storage JSON: $(cat "$WORK/creds.json")"
jq -e --arg n "$name" '.[$n] | .username and .password and .subdomain and (.fulldomain == $n)' \
	"$WORK/creds.json" >/dev/null || lc_die "credentials are incomplete: $(cat "$WORK/creds.json")"
chmod 600 "$WORK/creds.json"
lc_say "got $name"

lc_say "lego: issuing $name and *.$name"
rc=0
lc_lego_issue "$name" || rc=$?
if [[ $rc -ne 0 ]]; then
	lc_dns_diag "$name"
	lc_die "lego exited with status $rc"
fi

lc_verify "$WORK/lego/certificates/$name.crt" -- "$name" "*.$name"
n_upd=$(grep -c 'HTTP 200' "$WORK/hook.log" || true)
[[ "$n_upd" -ge 2 ]] || lc_die "expected 2 successful /update calls, saw $n_upd"
lc_stop_localcertd
lc_report "lego (exec + acme-dns hook) issued $name + *.$name"
