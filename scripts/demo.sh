#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh -- `make demo`: issue a real certificate through localcertd.
#
# In a private loopback-only network namespace it starts localcertd on its
# embedded defaults (DNS 127.0.0.1:1053, HTTP 127.0.0.1:8053, a temporary data
# directory) and pebble, a local ACME test CA. It registers an instant
# subdomain through the API, lets lego obtain a certificate for NAME and
# *.NAME by DNS-01 (the challenge values go through localcertd's acme-dns API;
# pebble checks them by asking localcertd), shows the certificate, and stops
# everything it started. The certificate is issued by pebble's throwaway CA,
# not a public one: this shows the flow, nothing here is trusted by browsers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../tests/acme/lib.sh
. "$here/../tests/acme/lib.sh"
LC_ACME_TIMEOUT="${LC_ACME_TIMEOUT:-300}" lc_netns "$0" "$@"
lc_init demo
command -v lego >/dev/null || lc_die "lego is not installed (make deps)"

step() { printf '\n==> %s\n' "$*"; }

step "Starting localcertd on its defaults (DNS $LC_DNS UDP+TCP, API $LC_BASE)"
lc_start_localcertd
grep -m1 'ready' "$WORK/localcertd.log" | sed 's/^/    /'

step "Starting pebble, a local ACME test CA that checks DNS-01 against localcertd"
lc_start_pebble
echo "    ACME directory: $LC_ACME_DIRECTORY"

step "Registering an instant subdomain: POST $LC_BASE/api/v1/register output_format=lego"
code=$(lc_post /api/v1/register "output_format=lego" creds.json)
[[ "$code" == 200 || "$code" == 201 ]] || lc_die "register answered HTTP $code: $(cat "$WORK/creds.json")"
name=$(jq -er 'keys[0]' "$WORK/creds.json")
chmod 600 "$WORK/creds.json"
echo "    subdomain: $name"
echo "    credentials (secret hidden):"
jq --arg n "$name" '.[$n] | .password = "<hidden>"' "$WORK/creds.json" | sed 's/^/      /'
echo "    DNS says:"
dig +noall +answer -p "$LC_DNS_PORT" @127.0.0.1 "$name" A | sed 's/^/      /'

step "Asking lego for a certificate for $name and *.$name (takes 5-30 s)"
rc=0
lc_lego_issue "$name" demo@example.com || rc=$?
[[ $rc -eq 0 ]] || lc_die "lego exited with status $rc"
echo "    challenge values set through the API:"
sed -n 's/.*update name=[^ ]* subdomain=[^ ]* \(txt=.*\)/      \1/p' "$WORK/hook.log"

step "Checking the chain against pebble's root"
lc_verify "$WORK/lego/certificates/$name.crt" -- "$name" "*.$name"
echo "    openssl verify: OK"

step "The certificate"
openssl x509 -in "$WORK/lego/certificates/$name.crt" -noout -subject -ext subjectAltName -issuer |
	sed 's/^/    /'

step "Stopping localcertd and pebble"
lc_stop_localcertd
printf '\nDone in %ss. With a public CA (Let'"'"'s Encrypt) and localcertd serving a real\n' \
	"$(awk -v a="$LC_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')"
echo "parent domain, the same steps give a browser-trusted certificate."
