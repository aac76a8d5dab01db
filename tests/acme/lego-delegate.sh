#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lego-delegate.sh -- the acme-dns way: POST /register creates a delegate
# subdomain; the operator's own zone example.test (a [zone] in the config)
# points _acme-challenge.app.example.test at it with a CNAME; lego obtains
# app.example.test and *.app.example.test. lego follows the CNAME and the hook
# updates the delegate; pebble asks for _acme-challenge.app.example.test TXT
# and localcertd answers with the CNAME and the delegate's TXT values.
# localcertd is restarted (SIGTERM, same data directory) to load the new zone.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_netns "$0" "$@"
lc_init lego-delegate
command -v lego >/dev/null || lc_die "lego is not installed (make deps)"
app=app.example.test

lc_say "starting pebble and localcertd"
lc_start_pebble
lc_write_config "$WORK/localcert.ini"
lc_start_localcertd "$WORK/localcert.ini"

lc_say "registering a delegate subdomain (acme-dns POST /register)"
code=$(lc_post /register "" reg.json -H 'Content-Type: application/json')
[[ "$code" == 201 ]] || lc_die "POST /register: HTTP $code (expected 201): $(cat "$WORK/reg.json")"
jq -e '.username and .password and .subdomain and .fulldomain' "$WORK/reg.json" >/dev/null ||
	lc_die "register answer lacks credentials: $(cat "$WORK/reg.json")"
target=$(jq -r '.fulldomain | rtrimstr(".")' "$WORK/reg.json")
lc_say "got $target"

lc_say "adding [zone example.test] with _acme-challenge.app CNAME $target. and restarting"
lc_write_config "$WORK/localcert.ini" "[zone example.test]
record = @ A 127.0.0.1
record = app A 127.0.0.1
record = _acme-challenge.app CNAME $target."
lc_stop_localcertd
lc_start_localcertd "$WORK/localcert.ini"
cname=$(dig +short +norec +time=1 +tries=1 -p "$LC_DNS_PORT" @127.0.0.1 "_acme-challenge.$app" CNAME)
[[ "$cname" == "$target." ]] || { lc_dns_diag "$app"; lc_die "CNAME for _acme-challenge.$app is '$cname', expected $target."; }
# lego keys its acme-dns storage by the domain being certified.
jq --arg d "$app" '{($d): .}' "$WORK/reg.json" >"$WORK/creds.json"
chmod 600 "$WORK/creds.json"

lc_say "lego: issuing $app and *.$app"
rc=0
lc_lego_issue "$app" || rc=$?
if [[ $rc -ne 0 ]]; then
	lc_dns_diag "$app"
	lc_die "lego exited with status $rc"
fi

lc_verify "$WORK/lego/certificates/$app.crt" -- "$app" "*.$app"
grep -q "update name=$target subdomain=$(jq -r .subdomain "$WORK/reg.json") .*HTTP 200" "$WORK/hook.log" ||
	lc_die "the hook did not update the delegate $target"
lc_stop_localcertd
lc_report "lego (exec, CNAME to delegate $target) issued $app + *.$app"
