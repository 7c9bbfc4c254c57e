#!/bin/bash
# Re-test the two nested-SVM bugs of QEMU's TCG that the SVM beds work
# around (Documentation/testing.rst, "Why the SVM beds keep their VMs off
# CPU 0"), with whatever qemu-system-x86_64 is installed. Each run is one
# boot; the last line counts runs and failures.
#   ignne    lvmm's port-I/O exit loop (pio_bench) on L1 CPU 0 while the
#            other CPUs switch between tasks, each switch restoring an FPU
#            state: the cross-thread hflags2 write of cpu_clear_ignne()
#            hits CPU 0's SVM flags. Fails on any error of the loop, a
#            host-state exit or a report on the console.
#   ignne-off0  the same loop on CPU 1 (the beds' layout): the control.
#   linux    vmctl_linux_test alone, its VMs on every CPU (the loop that
#            found the bug, about 1 boot in 10 under QEMU 7.2).
#   textpatch  KVM VMs created and destroyed in a loop on Debian's kernel
#            (each toggles the preempt-notifier static key, i.e. patches
#            finish_task_switch()) while every CPU switches tasks: the
#            stale translation after another vCPU's text patch. Fails on a
#            hang (the boot's time limit) or a report.
# LVMM_APPEND adds kernel arguments (e.g. noxsave: every FPU restore is an
# FXRSTOR, each of which runs cpu_clear_ignne()).
# usage: qemu-bugs.sh SCENARIO RUNS [SECONDS-PER-RUN]
set -euo pipefail
. "$(dirname "$0")/common.sh"

scenario=$1 runs=$2 secs=${3:-60}
out=$LVMM_OUT/qemu-bugs/$scenario
mkdir -p "$out"
case $scenario in
ignne | ignne-off0 | linux) kind=test ;;
textpatch) kind=stock ;;
*) echo "qemu-bugs: unknown scenario $scenario (ignne, ignne-off0, linux, textpatch)" >&2; exit 2 ;;
esac
make -s -C "$TOPDIR" tools selftests >/dev/null
guests=
[ "$scenario" != linux ] || guests=small
bash "$TESTBED_DIR/stage.sh" "$kind" "$out/stage" "$guests" >/dev/null

# The scenario's script replaces /demo.sh: a second cpio archive appended
# to the initramfs overrides the first one's file.
churn='i=0; while [ $i -lt 100000000 ]; do echo $i; i=$((i + 1)); done | cat >/dev/null'
smp=${LVMM_QEMU_SMP:-3}
last=$((smp - 1))
case $scenario in
ignne | ignne-off0)
	cpu=0
	[ "$scenario" = ignne ] || cpu=1
	script="for c in \$(seq 1 $last); do taskset -c \$c sh -c '$churn' & done
t=\$((\$(cut -d. -f1 /proc/uptime) + $secs)) rc=0 n=0
while [ \$(cut -d. -f1 /proc/uptime) -lt \$t ]; do
	taskset -c $cpu /bench/pio_bench --engine lvmm --iterations 20000 --rounds 1 >/tmp/pio 2>&1 || { rc=1; cat /tmp/pio; break; }
	n=\$((n + 1))
done
echo \"qemu-bugs: \$n loops of 20000 exits on CPU $cpu, rc=\$rc\"
exit \$rc" ;;
textpatch)
	script="modprobe kvm_amd || exit 1
for c in \$(seq 0 $last); do taskset -c \$c sh -c '$churn' & done
t=\$((\$(cut -d. -f1 /proc/uptime) + $secs)) rc=0 n=0
while [ \$(cut -d. -f1 /proc/uptime) -lt \$t ]; do
	/bench/pio_bench --engine kvm --iterations 200 --rounds 1 >/tmp/pio 2>&1 || { rc=1; cat /tmp/pio; break; }
	n=\$((n + 1))
done
echo \"qemu-bugs: \$n KVM VMs created and destroyed, rc=\$rc\"
exit \$rc" ;;
esac
mode=demo
initrd=$out/stage/initramfs.cpio.gz
if [ "$scenario" = linux ]; then
	mode=check
	extra="lvmm.only=vmctl_linux_test.sh"
else
	extra=
	root=$(mktemp -d)
	printf '%s\n' "$script" >"$root/demo.sh"
	(cd "$root" && echo demo.sh | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out/extra.cpio.gz"
	rm -rf "$root"
	cat "$out/stage/initramfs.cpio.gz" "$out/extra.cpio.gz" >"$out/initramfs.cpio.gz"
	initrd=$out/initramfs.cpio.gz
fi

failed=0
for i in $(seq 1 "$runs"); do
	d=$out/run-$i
	# lvmm.vm_cpus= (empty): VMs on every CPU; the scripts pin themselves.
	LVMM_QEMU_SMP=$smp LVMM_APPEND="lvmm.vm_cpus= $extra ${LVMM_APPEND:-}" \
		bash "$TESTBED_DIR/run-qemu.sh" "$(cat "$out/stage/kernel")" "$initrd" "$mode" \
		$((secs + 300)) "$d" 2>/dev/null
	verdict=ok
	if [ "$(cat "$d/status")" != ok ]; then
		verdict="boot $(cat "$d/status")"
	elif ! grep -q "@@LVMM-END $( [ $mode = demo ] && echo demo || echo vmctl_linux_test.sh) rc=0@@" "$d/results.log"; then
		verdict="failed: $(grep -a 'qemu-bugs:\|not ok\|internal error' "$d/results.log" | head -n 3 | tr '\n' ' ')"
	elif grep -Eq 'BUG:|WARNING: CPU:|Oops|KASAN|circular locking|possible recursive' "$d/console.log"; then
		verdict="console report: $(grep -Em1 'BUG:|WARNING: CPU:|Oops|KASAN|locking' "$d/console.log")"
	fi
	[ "$verdict" = ok ] || failed=$((failed + 1))
	echo "qemu-bugs: $scenario run $i: $verdict ($(cat "$d/seconds") s; $(grep -ah 'qemu-bugs:' "$d/results.log" | head -n1))"
done
echo "qemu-bugs: $scenario on $(qemu-system-x86_64 --version | head -n1): $runs runs, $failed failed"
