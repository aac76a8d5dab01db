#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# certbot-instant.sh -- register an instant subdomain (JSON body this time),
# then certbot --manual obtains NAME and *.NAME from pebble; its auth hook
# (hook.sh) sets each challenge value through the acme-dns /update call.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_netns "$0" "$@"
lc_init certbot-instant
command -v certbot >/dev/null || lc_die "certbot is not installed (make deps)"

lc_say "starting pebble and localcertd"
lc_start_pebble
lc_write_config "$WORK/localcert.ini"
lc_start_localcertd "$WORK/localcert.ini"

lc_say "registering an instant subdomain"
code=$(lc_post /api/v1/register '{"output_format": "lego"}' creds.json -H 'Content-Type: application/json')
[[ "$code" == 200 || "$code" == 201 ]] || lc_die "POST /api/v1/register: HTTP $code: $(cat "$WORK/creds.json")"
name=$(jq -er 'keys | if length == 1 then .[0] else error("expected one domain") end' "$WORK/creds.json") ||
	lc_die "register did not return lego storage JSON: $(cat "$WORK/creds.json")"
chmod 600 "$WORK/creds.json"
lc_say "got $name"

lc_say "certbot: issuing $name and *.$name"
rc=0
REQUESTS_CA_BUNDLE="$LC_PEBBLE_CA" \
	ACME_DNS_API_BASE="$LC_BASE" ACME_DNS_STORAGE_PATH="$WORK/creds.json" LC_HOOK_LOG="$WORK/hook.log" \
	lc_run 150 "$WORK/client.log" certbot certonly --non-interactive --agree-tos \
	-m acme-test@example.com --no-eff-email --server "$LC_ACME_DIRECTORY" \
	--config-dir "$WORK/cb/etc" --work-dir "$WORK/cb/work" --logs-dir "$WORK/cb/logs" \
	--manual --preferred-challenges dns \
	--manual-auth-hook "$LC_ACME_DIR/hook.sh" --manual-cleanup-hook "$LC_ACME_DIR/hook.sh" \
	--key-type ecdsa --cert-name lc-test -d "$name" -d "*.$name" || rc=$?
if [[ $rc -ne 0 ]]; then
	lc_dns_diag "$name"
	lc_die "certbot exited with status $rc"
fi

lc_verify "$WORK/cb/etc/live/lc-test/fullchain.pem" -- "$name" "*.$name"
lc_stop_localcertd
lc_report "certbot (manual + acme-dns hook) issued $name + *.$name"
