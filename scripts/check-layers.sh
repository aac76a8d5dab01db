#!/usr/bin/env bash
# check-layers.sh -- fail when a source folder includes a project header or a library it may not
# use (the layering of docs/design.md). Prints every violation; exit 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."

# folder: project folders it may include (besides itself) | libraries (header prefixes) it may use
declare -A allow=(
	[util]="|"
	[dns]="util|"
	[zone]="dns util|urcu"
	[ns]="zone dns conf util|urcu"
	[net]="ns conf dns util|urcu"
	[store]="dns util|sqlite3"
	[conf]="dns util|ini"
	[ctl]="zone store conf dns util|urcu openssl argon2"
	[http]="ctl store conf dns util|microhttpd jansson openssl malloc"
	[web]="http ctl store conf dns util|jansson openssl"
	[tools]="ctl http store conf dns util|jansson openssl getopt"
)
# libc/POSIX headers any folder may use
posix='^(std[a-z]*|string|strings|errno|unistd|sys/.*|netinet/.*|arpa/.*|pthread|time|ctype|assert|limits|fcntl|signal|dirent|inttypes|poll|sched|math|netdb|stddef|stdarg|stdio|stdlib|stdatomic|getopt|malloc|sched|semaphore|spawn|pwd|grp|syslog|termios|libgen|fnmatch|glob|iconv|locale|wchar|wctype|setjmp|float|stdbool|stdint|endian)\.h$'
# headers the compiler itself provides (ASan/LSan hooks guarded by __SANITIZE_ADDRESS__)
compiler='^sanitizer/[a-z_]+\.h$'
bad=0
for dir in "${!allow[@]}"; do
	[[ -d "src/$dir" ]] || continue
	IFS='|' read -r mods libs <<<"${allow[$dir]}"
	while IFS= read -r line; do
		file="${line%%:*}"
		hdr="$(sed -E 's/.*#include [<"]([^>"]+)[>"].*/\1/' <<<"$line")"
		if [[ "$line" == *'#include "'* ]]; then
			top="${hdr%%/*}"
			[[ "$hdr" == */* ]] || continue # generated header next to the file
			[[ "$top" == "$dir" || " $mods " == *" $top "* ]] && continue
			echo "layering: $file includes \"$hdr\" (src/$dir may include: $dir $mods)"
			bad=1
		else
			[[ "$hdr" =~ $posix ]] && continue
			[[ "$hdr" =~ $compiler ]] && continue
			lib="${hdr%%/*}"
			lib="${lib%.h}"
			lib="${lib%%_*}"
			[[ " $libs " == *" $lib "* ]] && continue
			echo "layering: $file uses <$hdr> (src/$dir may use: ${libs:-libc only})"
			bad=1
		fi
	done < <(grep -H '^#include' src/"$dir"/*.[ch] 2>/dev/null || true)
done
if [[ $bad -eq 0 ]]; then
	echo "check-layers: ok"
fi
exit $bad
