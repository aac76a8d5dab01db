#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-all.sh -- run every ACME scenario (each in its own network namespace,
# each bounded by LC_ACME_TIMEOUT) and end with "N passed, N failed".
# Usage: run-all.sh [SCENARIO...]   (default: all; names as in this folder)
# Logs: tests/out/acme/<scenario>.log
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$here/../.." && pwd)/tests/out/acme"
mkdir -p "$out"
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(lego-instant.sh certbot-instant.sh lego-delegate.sh lego-console.sh)
pass=0 fail=0
t0=$(date +%s)
for s in "${scenarios[@]}"; do
	s="${s%.sh}.sh"
	start=$(date +%s.%N)
	bash "$here/$s" >"$out/${s%.sh}.log" 2>&1
	rc=$?
	dur=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if [[ $rc -eq 0 ]]; then
		pass=$((pass + 1))
		echo "PASS $s (${dur}s)"
		grep -E '^ {4}' "$out/${s%.sh}.log" | sed 's/^/  /'
	else
		fail=$((fail + 1))
		[[ $rc -eq 124 ]] && echo "FAIL $s: timed out (${dur}s); log: $out/${s%.sh}.log" ||
			echo "FAIL $s: exit $rc (${dur}s); log: $out/${s%.sh}.log"
		grep -E 'FAIL:' "$out/${s%.sh}.log" | head -3 | sed 's/^/    /'
	fi
done
echo "acme: $(($(date +%s) - t0))s in all"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
