# SPDX-License-Identifier: GPL-2.0
# Sourced by the runtime benchmarks (ctr_bench.sh, podman_bench.sh):
#   rounds N RT...   run round_cmd RT I (the caller's) for I = 0..N, all
#                    runtimes in turn each round, so that drift hits all
#                    alike; rt_bench's "wall_us=... maxrss_kb=..." line of
#                    each successful run from round 1 on goes to $tmp/RT
#                    (round 0 warms caches); a failure sets fail=1.
#   median FILE FIELD   the median of FIELD=N over FILE's lines
# shellcheck shell=sh
rounds() {
	n=$1 i=0
	shift
	while [ $i -le "$n" ]; do
		for rt in "$@"; do
			round_cmd "$rt" "$i" 2>"$tmp/one" >/dev/null
			line=$(grep '^wall_us=' "$tmp/one")
			case $line in
			*status=0) [ $i -eq 0 ] || echo "$line" >>"$tmp/${rt##*/}" ;;
			*) echo "bench: $rt, round $i failed: $(tail -n 3 "$tmp/one")"; fail=1 ;;
			esac
		done
		i=$((i + 1))
	done
}
median() {
	sed -n "s/.*$2=\([0-9]*\).*/\1/p" "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
