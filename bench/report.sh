#!/usr/bin/env bash
# report.sh -- print the last (or the given) bench/results/<timestamp>/ as Markdown.
# Usage: bench/report.sh [RESULTS_DIR]
set -eu
BENCH=$(cd "$(dirname "$0")" && pwd)
dir=${1:-}
if [ -z "$dir" ]; then
	dir=$(ls -d "$BENCH"/results/*/ 2>/dev/null | while read -r d; do [ -s "$d/dns.tsv" ] || [ -s "$d/api.jsonl" ] && echo "$d"; done | sort | tail -n1)
	[ -n "$dir" ] || { echo "report.sh: no results yet; run bench/run.sh" >&2; exit 1; }
fi
python3 "$BENCH/summarize.py" "$dir"
