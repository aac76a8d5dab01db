#!/usr/bin/env bash
# deps.sh -- install every Debian package the build and the tests need, only when missing.
# Usage: scripts/deps.sh [build|test]   (default: test, which includes build)
set -euo pipefail
what="${1:-test}"
build_pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev liburcu-dev
            libsqlite3-dev libinih-dev libssl-dev libargon2-dev)
test_pkgs=(python3 python3-dnspython perl pebble lego certbot knot-dnsutils bind9-dnsutils
           jq curl openssl iproute2 util-linux sqlite3 procps chromium fonts-dejavu-core)
pkgs=("${build_pkgs[@]}")
[[ "$what" == test ]] && pkgs+=("${test_pkgs[@]}")
# The browser tests (tests/browser) drive chromium with playwright-core from npm.
# Node may come from another packaging than Debian's (whose npm is separate):
# ask for Debian's only when the commands are missing.
if [[ "$what" == test ]]; then
	command -v node >/dev/null || pkgs+=(nodejs)
	command -v npm >/dev/null || pkgs+=(npm)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi
echo "deps.sh: installing ${missing[*]}" >&2
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
