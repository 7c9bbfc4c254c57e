#!/bin/bash
# make demo / make bench: boot one kernel in QEMU TCG in that mode and
# print the guest's output.
#   demo:  init loads lvmm.ko and runs /demo.sh (vmctl and the hello
#          guest); the exit status is the one the guest reported.
#   bench: init runs /bench.sh (tools/bench/bench.sh), which prints each
#          run and the ratios against KVM.
# LVMM_KERNEL=stock (default: Debian's, fetched in seconds) or test (the
# KUnit kernel, built once in ~15 min). usage: demo.sh [demo|bench]
set -euo pipefail
. "$(dirname "$0")/common.sh"

mode=${1:-demo} kind=${LVMM_KERNEL:-stock}
out=$LVMM_OUT/$mode
mkdir -p "$out"
if ! {
	bash "$TESTBED_DIR/deps.sh"
	make -C "$TOPDIR" tools
	bash "$TESTBED_DIR/stage.sh" "$kind" "$out"
} >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "$mode: build failed (log: $out/build.log)" >&2
	exit 1
fi
bash "$TESTBED_DIR/run-qemu.sh" "$(cat "$out/kernel")" "$out/initramfs.cpio.gz" \
	"$mode" "${LVMM_BOOT_TIMEOUT:-600}" "$out"

# The guest's output without the framing (a marker may follow output
# that did not end in a newline).
res=$out/results.log
text=$(sed -e 's/\r$//' -e '/^@@LVMM-/d' -e 's/@@LVMM-END .*//' "$res")
rc=$(sed -n "s/.*@@LVMM-END $mode rc=\([0-9]*\)@@.*/\1/p" "$res")
[ -z "$text" ] || printf '%s\n' "$text"
if [ -z "$rc" ]; then
	echo "$mode: the guest did not finish ($(cat "$out/status")); console:" >&2
	tail -n 20 "$out/console.log" >&2
	exit 1
fi
echo "$mode: exit status $rc (full output: $res)" >&2
exit "$rc"
