#!/bin/bash
# An interactive shell in the test VM, for debugging by hand: lvmm.ko is
# at /lvmm.ko, the selftests in /selftests, the tools in /usr/bin.
# Ctrl-A X quits QEMU. usage: shell.sh [test|stock]
set -euo pipefail
. "$(dirname "$0")/common.sh"

kind=${1:-stock} out=$LVMM_OUT/shell
make -s -C "$TOPDIR" tools selftests >/dev/null
bash "$TESTBED_DIR/stage.sh" "$kind" "$out" >/dev/null
# One TCG thread, as in run-qemu.sh (QEMU 7.2 races on SVM state otherwise).
exec qemu-system-x86_64 -accel "${LVMM_QEMU_ACCEL:-tcg,thread=single}" -cpu EPYC,+svm,+npt -smp 2 -m 1G \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial mon:stdio -serial "file:$out/results.log" \
	-kernel "$(cat "$out/kernel")" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=5 lvmm.mode=shell"
