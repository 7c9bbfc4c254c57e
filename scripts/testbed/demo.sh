#!/bin/bash
# make demo / make bench: boot one kernel in QEMU TCG in that mode and
# print the guest's output.
#   demo:  init loads lvmm.ko and runs /demo.sh (vmctl and the hello
#          guest); the exit status is the one the guest reported.
#   bench: init runs /bench.sh (tools/bench/bench.sh), which prints each
#          run and the ratio against KVM; once in QEMU (SVM) and once in
#          Bochs (VMX); then ctr's image build and pull against buildah
#          and skopeo on this machine (host); the ratio lines come last.
# LVMM_KERNEL=stock (default: Debian's, fetched in seconds), stock-6.12 or
# stock-7.x (Debian's newer ones: the same benchmarks, KVM of that kernel
# the peer; SVM only on 7.x) or test (the KUnit kernel, built once in ~15
# min). usage: demo.sh [demo|bench]
set -euo pipefail
. "$(dirname "$0")/common.sh"

mode=${1:-demo} kind=${LVMM_KERNEL:-stock}
out=$LVMM_OUT/$mode
mkdir -p "$out"
if ! {
	bash "$TESTBED_DIR/deps.sh"
	make -C "$TOPDIR" tools
	# bench boots Debian's kernel as a guest (linux_bench.sh); demo none
	guests=
	# and carries Podman for podman_bench.sh
	engines=
	[ "$mode" != bench ] || guests=debian engines=1
	LVMM_IMAGE_ENGINES=$engines bash "$TESTBED_DIR/stage.sh" "$kind" "$out" "$guests"
} >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "$mode: build failed (log: $out/build.log)" >&2
	exit 1
fi
# show OUTDIR: the guest's output without the framing (a marker may follow
# output that did not end in a newline); returns the guest's exit status.
show() {
	local res=$1/results.log text rc
	text=$(sed -e 's/\r$//' -e '/^@@LVMM-/d' -e 's/@@LVMM-END .*//' "$res")
	rc=$(sed -n "s/.*@@LVMM-END $mode rc=\([0-9]*\)@@.*/\1/p" "$res")
	[ -z "$text" ] || printf '%s\n' "$text"
	if [ -z "$rc" ]; then
		echo "$mode: the guest did not finish ($(cat "$1/status")); console:" >&2
		tail -n 20 "$1/console.log" >&2
		return 1
	fi
	echo "$mode: exit status $rc (full output: $res)" >&2
	return "$rc"
}

kernel=$(cat "$out/kernel") initrd=$out/initramfs.cpio.gz
limit=${LVMM_BOOT_TIMEOUT:-600}
# make bench measures both backends: SVM in QEMU, VMX in Bochs (slower to
# boot: the stock kernel is XZ-compressed). LVMM_BENCH_BEDS picks.
beds=svm
[ "$mode" = bench ] && beds=${LVMM_BENCH_BEDS:-svm vmx host}
rc=0 results=()
for bed in $beds; do
	case $bed in
	svm) bash "$TESTBED_DIR/run-qemu.sh" "$kernel" "$initrd" "$mode" "$limit" "$out" ;;
	vmx) bash "$TESTBED_DIR/run-bochs.sh" "$kernel" "$initrd" "$mode" "$((limit * 3))" "$out/vmx" ;;
	host)
		# ctr's build and pull against buildah and skopeo need a registry
		# and the peers: this machine's, not the test VM's.
		mkdir -p "$out/host"
		{
			echo "@@LVMM-BEGIN bench@@"
			rc=0
			PATH=$TOPDIR/tools/bench:$PATH CTR=$TOPDIR/tools/ctr/ctr \
				sh "$TOPDIR/tools/bench/image_bench.sh" build pull 2>&1 || rc=$?
			echo "@@LVMM-END bench rc=$rc@@"
		} >"$out/host/results.log"
		echo host >"$out/host/status" ;;
	*) echo "$mode: unknown bed $bed (svm, vmx, host)" >&2; exit 2 ;;
	esac
	dir=$out
	[ "$bed" = svm ] || dir=$out/$bed
	show "$dir" || rc=$?
	[ ! -f "$dir/results.log" ] || results+=("$dir/results.log")
done
# The ratio lines of every bed that ran, last.
[ "$mode" != bench ] || [ ${#results[@]} -eq 0 ] || grep -h 'ratio lvmm/kvm\|vm .* ratio\|ctr ratio\|podman ratio\|image .* ratio\|build .* ratio' "${results[@]}" || true
exit "$rc"
