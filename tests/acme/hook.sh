#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hook.sh -- an acme-dns client hook for ACME clients that have no acme-dns
# support built in (Debian's lego lacks the provider; certbot has no plugin).
# It sends exactly the request lego's native acme-dns provider (goacmedns) sends:
#   POST $ACME_DNS_API_BASE/update
#   Content-Type: application/json, X-Api-User: <username>, X-Api-Key: <password>
#   {"SubDomain":"<subdomain>","Txt":"<43-character value>"}      -> HTTP 200
#
# Credentials come from a lego/goacmedns storage file (ACME_DNS_STORAGE_PATH),
# the JSON that POST /api/v1/register with output_format=lego returns:
#   {"<domain>": {"username", "password", "subdomain", "fulldomain", ...}}
# The entry is found by the domain (without "*." and "_acme-challenge."), or,
# when lego has already followed a CNAME to a delegate subdomain, by fulldomain.
#
# Front ends:
#   lego --dns exec (EXEC_PATH=hook.sh)   present|cleanup FQDN VALUE
#   lego EXEC_MODE=RAW                    present|cleanup -- DOMAIN TOKEN KEYAUTH
#   certbot --manual-auth-hook / --manual-cleanup-hook (no arguments;
#                                         CERTBOT_DOMAIN, CERTBOT_VALIDATION)
# Cleanup does nothing, as in lego's provider: acme-dns keeps the last two values.
# Each call is appended to $LC_HOOK_LOG when that is set.
set -euo pipefail
: "${ACME_DNS_API_BASE:?set ACME_DNS_API_BASE to the API base URL}"
: "${ACME_DNS_STORAGE_PATH:?set ACME_DNS_STORAGE_PATH to the credentials JSON}"

log() {
	[[ -n "${LC_HOOK_LOG:-}" ]] && printf '%s %s\n' "$(date +%T.%N | cut -c1-12)" "$*" >>"$LC_HOOK_LOG"
	return 0
}

# The storage entry for a name, as compact JSON (empty if none).
account() {
	jq -c --arg d "$1" \
		'if has($d) then .[$d] else ([.[] | select((.fulldomain // "" | rtrimstr(".")) == $d)] | first) end // empty' \
		"$ACME_DNS_STORAGE_PATH"
}

update() { # NAME VALUE
	local name="${1#\*.}" value="$2" acct user key sub base code
	name="${name%.}"
	name="${name#_acme-challenge.}"
	acct="$(account "$name")"
	if [[ -z "$acct" ]]; then
		echo "hook.sh: no credentials for $name in $ACME_DNS_STORAGE_PATH" >&2
		return 1
	fi
	user="$(jq -r .username <<<"$acct")"
	key="$(jq -r .password <<<"$acct")"
	sub="$(jq -r .subdomain <<<"$acct")"
	# goacmedns appends "/update" to the base as given.
	base="${ACME_DNS_API_BASE}"
	code="$(curl -sS --max-time 30 -o "${LC_HOOK_BODY:-/dev/null}" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' -H "X-Api-User: $user" -H "X-Api-Key: $key" \
		--data "{\"SubDomain\":\"$sub\",\"Txt\":\"$value\"}" "$base/update")" || code="000"
	log "update name=$name subdomain=$sub txt=$value -> HTTP $code"
	if [[ "$code" != 200 ]]; then
		echo "hook.sh: POST $base/update for $name returned HTTP $code" >&2
		return 1
	fi
}

# The DNS-01 value for a key authorization (RFC 8555 8.4): base64url(SHA-256), unpadded.
txt_value() {
	printf '%s' "$1" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n'
}

if [[ $# -eq 0 && -n "${CERTBOT_DOMAIN:-}" ]]; then
	if [[ -n "${CERTBOT_AUTH_OUTPUT+x}" ]]; then
		log "certbot cleanup $CERTBOT_DOMAIN"
		exit 0
	fi
	log "certbot auth $CERTBOT_DOMAIN $CERTBOT_VALIDATION"
	update "$CERTBOT_DOMAIN" "$CERTBOT_VALIDATION"
	exit 0
fi

op="${1:-}"
shift || true
case "$op" in
present)
	if [[ "${1:-}" == -- ]]; then
		log "lego present (raw) $2"
		update "$2" "$(txt_value "$4")"
	else
		log "lego present $1 $2"
		update "$1" "$2"
	fi
	;;
cleanup)
	log "lego cleanup $*"
	;;
*)
	echo "usage: hook.sh present|cleanup FQDN VALUE (lego exec), or as a certbot manual hook" >&2
	exit 2
	;;
esac
