#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lego-console.sh -- a person's path: the console's "instant subdomain" button (a form
# POST with the CSRF token from the home page), then the page's "Download lego storage
# JSON" button, and lego obtains a certificate for NAME and *.NAME from pebble with
# exactly that file.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lc_netns "$0" "$@"
lc_init lego-console
command -v lego >/dev/null || lc_die "lego is not installed (make deps)"

lc_say "starting pebble and localcertd"
lc_start_pebble
lc_write_config "$WORK/localcert.ini"
lc_start_localcertd "$WORK/localcert.ini"

# A browser's steps with curl: a cookie jar, Accept: text/html, forms url-encoded.
jar="$WORK/cookies.txt"
browse() { curl -sS --max-time 10 -b "$jar" -c "$jar" -H 'Accept: text/html' "$@"; }
# The value of a hidden <input name="$1"> in an HTML file (entities decoded).
field() {
	/usr/bin/python3 -c 'import html, re, sys
m = re.search(r"<input type=\"hidden\" name=\"%s\" value=\"([^\"]*)\"" % re.escape(sys.argv[1]), open(sys.argv[2]).read())
print(html.unescape(m.group(1)) if m else "")' "$1" "$2"
}

lc_say "console: home page, then the instant-subdomain button"
browse -o "$WORK/home.html" "$LC_BASE/"
csrf=$(field csrf "$WORK/home.html")
[[ ${#csrf} -eq 43 ]] || lc_die "no CSRF token on the home page"
code=$(browse -o "$WORK/key.html" -w '%{http_code}' --data-urlencode "csrf=$csrf" "$LC_BASE/instant")
[[ "$code" == 201 ]] || lc_die "POST /instant: HTTP $code: $(head -c 600 "$WORK/key.html")"
name=$(field fulldomain "$WORK/key.html")
[[ -n "$name" ]] || lc_die "the key page shows no credentials"
grep -q 'Copy the secret now' "$WORK/key.html" || lc_die "the key page lacks the shown-once warning"
lc_say "got $name; downloading the lego storage JSON"
code=$(browse -o "$WORK/creds.json" -w '%{http_code}' -D "$WORK/download.hdr" \
	--data-urlencode "csrf=$csrf" \
	--data-urlencode "username=$(field username "$WORK/key.html")" \
	--data-urlencode "password=$(field password "$WORK/key.html")" \
	--data-urlencode "fulldomain=$name" \
	--data-urlencode "subdomain=$(field subdomain "$WORK/key.html")" \
	--data-urlencode "format=lego" "$LC_BASE/download")
[[ "$code" == 200 ]] || lc_die "POST /download: HTTP $code"
grep -qi '^content-disposition: attachment; filename="lego-acme-dns.json"' "$WORK/download.hdr" ||
	lc_die "the download is not an attachment"
jq -e --arg n "$name" '.[$n] | .username and .password and (.fulldomain == $n)' "$WORK/creds.json" \
	>/dev/null || lc_die "the download is not lego storage JSON: $(cat "$WORK/creds.json")"
chmod 600 "$WORK/creds.json"

lc_say "lego: issuing $name and *.$name"
rc=0
lc_lego_issue "$name" || rc=$?
if [[ $rc -ne 0 ]]; then
	lc_dns_diag "$name"
	lc_die "lego exited with status $rc"
fi

lc_verify "$WORK/lego/certificates/$name.crt" -- "$name" "*.$name"
lc_stop_localcertd
lc_report "console instant button + download, then lego issued $name + *.$name"
