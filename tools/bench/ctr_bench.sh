#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Container runtimes side by side, inside the test VM (bench.sh calls it):
# `RUNTIME run` of one busybox bundle whose process is /bin/true, for ctr,
# crun and runc, alternating runtimes each round so that drift hits all
# alike. Prints each runtime's median wall time and peak RSS (largest
# process of the runtime's tree, from wait4) and the ratios ctr/crun and
# ctr/runc (the goal: <= 1 and <= 0.5). BENCH_CTR_ROUNDS (15) rounds; the
# first round warms caches and is not counted.
ROUNDS=${BENCH_CTR_ROUNDS:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: $*"; }

grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
B=$tmp/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev"
cp /bin/busybox "$B/rootfs/bin/" && ln -s busybox "$B/rootfs/bin/true"
ctr spec --bundle "$B" || exit 1
sed -i 's|^      "sh"$|      "/bin/true"|' "$B/config.json"	# process.args
grep -q '"/bin/true"' "$B/config.json" || { say "FAILED: could not set the bundle's args"; exit 1; }

runtimes=
for rt in ctr crun runc; do
	if command -v $rt >/dev/null 2>&1; then runtimes="$runtimes $rt"
	else say "$rt is not in the test VM: left out"; fi
done
. "$(dirname "$0")/rounds.sh"
round_cmd() { (cd "$B" && rt_bench "$1" --root "$tmp/$1-state" run "b$2"); }
fail=0
# shellcheck disable=SC2086 # the list of runtimes found
rounds "$ROUNDS" $runtimes
for rt in $runtimes; do
	[ -s "$tmp/$rt" ] || continue
	eval "t_$rt=$(median "$tmp/$rt" wall_us) m_$rt=$(median "$tmp/$rt" maxrss_kb)"
	eval "say \"$rt run /bin/true: median \$t_$rt us, peak RSS \$m_$rt kB ($ROUNDS runs)\""
done
if [ -n "${t_ctr:-}" ] && [ -n "${t_crun:-}" ] && [ -n "${t_runc:-}" ]; then
	awk -v c="$t_ctr" -v cr="$t_crun" -v r="$t_runc" -v mc="$m_ctr" -v mcr="$m_crun" -v mr="$m_runc" 'BEGIN {
		printf "bench: ctr ratio ctr/crun: %.2f, ctr/runc: %.2f (run of /bin/true: ctr %d us, crun %d us, runc %d us; peak RSS ctr %d kB, crun %d kB, runc %d kB)\n", c / cr, c / r, c, cr, r, mc, mcr, mr
	}'
else
	say "FAILED: no ctr/crun/runc comparison"
	fail=1
fi
exit $fail
