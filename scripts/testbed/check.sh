#!/bin/bash
# make check: build everything, boot the KUnit test kernel and Debian's
# stock kernel in QEMU TCG (AMD SVM) and the test kernel in Bochs (Intel
# VMX; two Bochs side by side), run KUnit and the selftests inside, and end
# with exactly one line "N passed, N failed[, N skipped]" (exit 1 on any
# failure). Each phase's output is in $LVMM_OUT/logs/PHASE.log.
# Environment: LVMM_CHECK_TIMEOUT (whole run, default 85 min: under CI's
# 90), LVMM_BOOT_TIMEOUT (per QEMU boot, default 1800 s),
# LVMM_VMX_BOOT_TIMEOUT (per Bochs boot, default 2700 s), LVMM_KERNELS (booted
# in QEMU for SVM, default "test stock"), LVMM_VMX_KERNELS (booted in Bochs
# for VMX, default "test"; empty skips Bochs), and run-qemu.sh's
# LVMM_QEMU_SMP (default 3 here) and LVMM_TEST_TIMEOUT etc.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# One time limit over the whole run, so CI never stops it silently: on
# expiry the last line still reports a failure.
if [ -z "${LVMM_CHECK_GUARDED:-}" ]; then
	export LVMM_CHECK_GUARDED=1
	limit=${LVMM_CHECK_TIMEOUT:-5100}
	timeout -k 30 "$limit" bash "$0" "$@" &
	pid=$!
	trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 130' INT TERM
	rc=0
	wait $pid || rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "check: stopped by the ${limit} s limit (LVMM_CHECK_TIMEOUT)"
		echo "0 passed, 1 failed"
	fi
	exit $rc
fi

kernels=${LVMM_KERNELS:-test stock}
# Kernels also booted in Bochs for VMX (slower: the test kernel only).
vmx_kernels=${LVMM_VMX_KERNELS-test}
for k in $vmx_kernels; do
	case " $kernels " in *" $k "*) ;; *) kernels+=" $k" ;; esac
done
logs=$LVMM_OUT/logs
mkdir -p "$logs"

# phase NAME CMD...: run one step into its log and print its duration; a
# failed step shows the log's tail and ends the run as one failure.
phase() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s%N)
	"$@" >"$logs/$name.log" 2>&1 || rc=$?
	report "$name" $rc "$t0"
}
# phase_bg_start NAME CMD... / phase_bg_wait NAME: the same for a step
# that runs beside the next ones (killed if the run ends first).
phase_bg_start() {
	local name=$1
	shift
	date +%s%N >"$logs/$name.t0"
	"$@" >"$logs/$name.log" 2>&1 &
	echo $! >"$logs/$name.pid"
}
phase_bg_wait() {
	local rc=0
	wait "$(cat "$logs/$1.pid")" || rc=$?
	report "$1" $rc "$(cat "$logs/$1.t0")"
}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
report() {
	local name=$1 rc=$2 log=$logs/$1.log ms
	ms=$((($(date +%s%N) - $3) / 1000000))
	printf 'check: %-14s' "$name"
	if [ "$rc" -eq 0 ]; then
		printf '%5d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100))
		return
	fi
	echo " FAILED (log: $log)"
	tail -n 30 "$log" | sed 's/^/    | /'
	echo "0 passed, 1 failed"
	exit 1
}

phase deps bash "$TESTBED_DIR/deps.sh"
for k in $kernels; do
	case $k in
	# built once per source version and config (~15 min on 2 cores)
	test) phase test-kernel bash "$TESTBED_DIR/build-kernel.sh" ;;
	stock) phase stock-kernel bash "$TESTBED_DIR/fetch-stock.sh" ;;
	esac
done
phase userspace make -C "$TOPDIR" tools selftests
# checkpatch, W=1 and sparse on the module: style regressions fail too.
phase lint bash "$TOPDIR/scripts/lint.sh"
for k in $kernels; do
	phase "stage-$k" bash "$TESTBED_DIR/stage.sh" "$k" "$LVMM_OUT/$k"
done
dirs=()
# Three L1 CPUs, the VMs on CPUs 1-2: 4x faster for svm-test than one VM
# CPU, and vCPU threads move between CPUs (Documentation/testing.rst).
export LVMM_QEMU_SMP=${LVMM_QEMU_SMP:-3}
for k in $kernels; do
	phase "boot-svm-$k" bash "$TESTBED_DIR/run-qemu.sh" "$(cat "$LVMM_OUT/$k/kernel")" \
		"$LVMM_OUT/$k/initramfs.cpio.gz" check "${LVMM_BOOT_TIMEOUT:-1800}" "$LVMM_OUT/$k"
	dirs+=("svm-$k=$LVMM_OUT/$k")
done
# The VMX backend: the same test kernel and initramfs in Bochs, whose
# corei7_skylake_x has VMX with EPT and unrestricted guest. Bochs runs on
# one core: the test kernel's own nested boot as a Linux guest (~25 min)
# gets a second Bochs beside the main one instead of doubling its time.
bochs() {
	local k=$1 bed=$2
	shift 2
	env "$@" bash "$TESTBED_DIR/run-bochs.sh" "$(cat "$LVMM_OUT/$k/kernel")" \
		"$LVMM_OUT/$k/initramfs.cpio.gz" check "${LVMM_VMX_BOOT_TIMEOUT:-2700}" "$LVMM_OUT/$bed"
}
for k in $vmx_kernels; do
	guest_bed=
	if [ "$k" = test ]; then
		guest_bed=vmx-guest
		phase_bg_start "boot-$guest_bed" bochs "$k" "$guest_bed" \
			LVMM_APPEND="${LVMM_APPEND:-} lvmm.only=vmctl_linux_test.sh lvmm.guest=test"
	fi
	phase "boot-vmx-$k" bochs "$k" "vmx-$k" LVMM_APPEND="${LVMM_APPEND:-} lvmm.guest=debian"
	dirs+=("vmx-$k=$LVMM_OUT/vmx-$k")
	if [ -n "$guest_bed" ]; then
		phase_bg_wait "boot-$guest_bed"
		dirs+=("$guest_bed=$LVMM_OUT/$guest_bed")
	fi
done
# ctr on this machine's own cgroup layout (hybrid on the CI host).
phase host-ctr bash "$TESTBED_DIR/run-host.sh" "$LVMM_OUT/host"
dirs+=("host=$LVMM_OUT/host")
exec bash "$TESTBED_DIR/parse-results.sh" "${dirs[@]}"
