#!/bin/bash
# Boot one kernel + initramfs under QEMU TCG with SVM and NPT exposed.
# ttyS0 -> OUTDIR/console.log (kernel messages), ttyS1 -> OUTDIR/results.log
# (framed test output, see init.sh). Writes OUTDIR/status: "ok", "timeout"
# or "qemu-rc=N", and OUTDIR/seconds; the verdict is parse-results.sh's.
# usage: run-qemu.sh KERNEL INITRD MODE TIMEOUT-SECONDS OUTDIR
# Environment: LVMM_APPEND (extra kernel arguments), LVMM_QEMU_ARGS,
# LVMM_QEMU_ACCEL (default tcg), LVMM_QEMU_SMP (the L1's CPUs, default 2,
# at least 2), LVMM_TEST_TIMEOUT (seconds per selftest inside, default 120).
set -euo pipefail

kernel=$1 initrd=$2 mode=$3 limit=$4 out=$5
mkdir -p "$out"
rm -f "$out"/console.log "$out"/results.log "$out"/status "$out"/seconds

# loglevel=5 rather than quiet: WARN splats and lockdep reports are
# KERN_WARNING and must reach the console log.
append="console=ttyS0 loglevel=5 panic=-1 lvmm.mode=$mode"
# lvmm.vm_cpus: VMs off CPU 0, whose SVM state multi-threaded QEMU 7.2
# corrupts (Documentation/testing.rst). make check boots three L1 CPUs;
# two by default (make demo, make bench): each layout has hung the L1 once
# on this 2-core host. LVMM_APPEND comes later and may override.
smp=${LVMM_QEMU_SMP:-2}
if ! [ "$smp" -ge 2 ] 2>/dev/null; then
	echo "run-qemu: LVMM_QEMU_SMP=$smp: the bed needs at least 2 CPUs (VMs never run on CPU 0)" >&2
	exit 2
fi
vm_cpus=1
[ "$smp" -eq 2 ] || vm_cpus=1-$((smp - 1))
append+=" lvmm.timeout=${LVMM_TEST_TIMEOUT:-120} lvmm.vm_cpus=$vm_cpus ${LVMM_APPEND:-}"

# QEMU 7.2 TCG cannot provide nrip-save etc.; its warnings go to qemu.err.
# Each TCG mode of QEMU 7.2 has its own nested-SVM bug; lvmm.vm_cpus
# above avoids the multi-threaded one (Documentation/testing.rst).
# --foreground keeps QEMU in our process group, so a caller's own time
# limit (check.sh) or Ctrl-C stops it too.
t0=$(date +%s%N)
rc=0
# shellcheck disable=SC2086 # LVMM_QEMU_ARGS is a word list
timeout --foreground -k 10 "$limit" qemu-system-x86_64 -accel "${LVMM_QEMU_ACCEL:-tcg}" -cpu EPYC,+svm,+npt \
	-smp "$smp" -m 1G -nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	${LVMM_QEMU_ARGS:-} 2>"$out/qemu.err" || rc=$?
secs=$(( ($(date +%s%N) - t0) / 1000000 ))
secs=$((secs / 1000)).$((secs % 1000 / 100))

case $rc in
0) status=ok ;;
124 | 137) status=timeout ;;
*) status=qemu-rc=$rc ;;
esac
echo "$status" >"$out/status"
echo "$secs" >"$out/seconds"
echo "run-qemu: $mode boot of ${kernel##*/}: $status after $secs s" >&2
