#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ctr under Podman against crun, inside the test VM (bench.sh calls it):
# `podman run --rm IMAGE /bin/true` with each runtime, alternating each
# round so that drift hits both alike; prints the medians and the ratio
# ctr/crun (the goal: <= 1). Podman gets a storage and a containers.conf
# of its own (cgroupfs manager, no network). BENCH_PODMAN_ROUNDS (11)
# rounds; the first warms caches and is not counted.
ROUNDS=${BENCH_PODMAN_ROUNDS:-11}
say() { echo "bench: $*"; }
for p in podman conmon ctr crun; do
	command -v $p >/dev/null 2>&1 || { say "FAILED: $p is not in the test VM"; exit 1; }
done
tmp=$(mktemp -d)
trap 'podman rm -af -t 0 >/dev/null 2>&1; rm -rf "$tmp"' EXIT
printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n[containers]\nnetns = "none"\n' \
	>"$tmp/containers.conf"
printf '[storage]\ndriver = "vfs"\nrunroot = "%s/run"\ngraphroot = "%s/storage"\n' "$tmp" "$tmp" \
	>"$tmp/storage.conf"
export CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_STORAGE_CONF="$tmp/storage.conf" TMPDIR=$tmp

mkdir -p "$tmp/rootfs/bin"
cp /bin/busybox "$tmp/rootfs/bin/" && ln -s busybox "$tmp/rootfs/bin/true"
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" . &&
	podman import -q "$tmp/rootfs.tar" localhost/bench:1 >/dev/null ||
	{ say "FAILED: podman import"; exit 1; }

. "$(dirname "$0")/rounds.sh"
round_cmd() { rt_bench podman --runtime "$(command -v "$1")" run --rm localhost/bench:1 /bin/true; }
fail=0
rounds "$ROUNDS" ctr crun
[ -s "$tmp/ctr" ] && [ -s "$tmp/crun" ] || { say "FAILED: no podman ctr/crun comparison"; exit 1; }
c=$(median "$tmp/ctr" wall_us) r=$(median "$tmp/crun" wall_us)
awk -v c="$c" -v r="$r" -v n="$ROUNDS" 'BEGIN {
	printf "bench: podman ratio ctr/crun: %.2f (podman run --rm IMAGE /bin/true: ctr %d us, crun %d us; median of %d)\n", c / r, c, r, n
}'
exit $fail
