#!/bin/bash
# The tests that run on this machine itself rather than in a test VM
# (vmctl's ACPI tables through iasl; ctr on the host's own cgroup layout:
# alone, under Podman and under containerd; ctr-image against a registry
# of its own), framed like a boot's output so parse-results.sh scores
# them alike.
# usage: run-host.sh OUTDIR
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$1
mkdir -p "$out"
: >"$out/console.log"
t0=$(date +%s)
# host_test NAME LIMIT ARGS...: one program of selftests/lvmm, framed.
host_test() {
	local name=$1 limit=$2 rc=0
	shift 2
	echo "@@LVMM-BEGIN $name@@"
	timeout -s KILL "$limit" sh "$TOPDIR/selftests/lvmm/$name" "$@" 2>&1 || rc=$?
	echo "@@LVMM-END $name rc=$rc@@"
}
busybox=$(command -v busybox)
{
	host_test vmctl_acpi_test.sh 60 "$TOPDIR/tools/vmctl/tests/acpi_dump"
	host_test ctr_host_test.sh 120 "$TOPDIR/tools/ctr/ctr" "$busybox"
	# The engines, with the peer that runs on this host's cgroup layout
	# (crun refuses a hybrid one).
	peer=crun
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || peer=runc
	host_test ctr_podman_test.sh 300 "$TOPDIR/tools/ctr/ctr" "$peer" "$busybox"
	host_test ctr_containerd_test.sh 300 "$TOPDIR/tools/ctr/ctr" "$busybox"
	host_test ctr_image_test.sh 120 "$TOPDIR/tools/ctr/ctr" "$busybox"
	host_test ctr_registry_test.sh 300 "$TOPDIR/tools/ctr/ctr-image" "$busybox"
	host_test ctr_registry_interop_test.sh 300 "$TOPDIR/tools/ctr/ctr-image" "$busybox"
	# save/load and build against Podman, buildah, skopeo and umoci
	host_test ctr_image_archive_test.sh 300 "$TOPDIR/tools/ctr/ctr-image" "$busybox"
	host_test ctr_image_build_test.sh 300 "$TOPDIR/tools/ctr/ctr-image" "$busybox"
	echo "@@LVMM-DONE@@"
} >"$out/results.log"
echo ok >"$out/status"
echo $(($(date +%s) - t0)) >"$out/seconds"
