#!/usr/bin/env bash
# deps.sh -- Debian packages the benchmark needs (not the test suite: see scripts/deps.sh).
# Usage: bench/deps.sh   (installs only what is missing; as root or with sudo)
set -euo pipefail
pkgs=(knot nsd bind9 pdns-server pdns-backend-sqlite3 dnsperf valgrind
      bind9-dnsutils python3 sqlite3 util-linux iproute2 procps time build-essential)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
"$(dirname "$0")/../scripts/deps.sh" build
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "bench/deps.sh: installing ${missing[*]}" >&2
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# the packaged daemons must not start system instances (the bench starts its own)
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
