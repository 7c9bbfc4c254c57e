#!/bin/bash
# The tests that run on this machine itself rather than in a test VM
# (ctr on the host's own cgroup layout), framed like a boot's output so
# parse-results.sh scores them alike. usage: run-host.sh OUTDIR
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$1
mkdir -p "$out"
: >"$out/console.log"
t0=$(date +%s)
{
	echo "@@LVMM-BEGIN ctr_host_test.sh@@"
	rc=0
	timeout -s KILL 120 sh "$TOPDIR/selftests/lvmm/ctr_host_test.sh" \
		"$TOPDIR/tools/ctr/ctr" "$(command -v busybox)" 2>&1 || rc=$?
	echo "@@LVMM-END ctr_host_test.sh rc=$rc@@"
	echo "@@LVMM-DONE@@"
} >"$out/results.log"
echo ok >"$out/status"
echo $(($(date +%s) - t0)) >"$out/seconds"
