#!/bin/bash
# An interactive shell in the test VM, for debugging by hand: lvmm.ko is
# at /lvmm.ko, the selftests in /selftests, the tools in /usr/bin.
# Ctrl-A X quits QEMU. usage: shell.sh [test|stock]
set -euo pipefail
. "$(dirname "$0")/common.sh"

kind=${1:-stock} out=$LVMM_OUT/shell
make -s -C "$TOPDIR" tools selftests >/dev/null
bash "$TESTBED_DIR/stage.sh" "$kind" "$out" "debian small" >/dev/null
# LVMM_QEMU_ACCEL as in run-qemu.sh (Documentation/testing.rst).
exec qemu-system-x86_64 -accel "${LVMM_QEMU_ACCEL:-tcg}" -cpu EPYC,+svm,+npt -smp 2 -m 1G \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial mon:stdio -serial "file:$out/results.log" \
	-kernel "$(cat "$out/kernel")" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 loglevel=5 lvmm.mode=shell"
