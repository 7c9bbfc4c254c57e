#!/bin/bash
# make check: build everything, boot the test beds, run KUnit and the
# selftests inside, and end with exactly one line "N passed, N failed[, N
# skipped]" (exit 1 on any failure). The beds (Documentation/testing.rst):
#   svm-test   QEMU TCG (AMD SVM), the KUnit/KASAN/lockdep test kernel
#   svm-stock  QEMU TCG, Debian's stock kernel (and KVM, the peer)
#   svm-6.12   QEMU TCG, Debian's 6.12 (Debian 13's kernel), its own guest
#   svm-7.x    QEMU TCG, trixie-backports' newest (7.3): the selftests
#   vmx-test   Bochs (Intel VMX), the test kernel
#   vmx-stock  Bochs, Debian's stock kernel: vmctl's Linux guests
#   vmx-6.12   Bochs, Debian's 6.12: the VMX backend's entry and exit paths
#   host       ctr on this machine's own cgroup layout
# plus "lint" (checkpatch, W=1, sparse against every kernel of kdirs.sh)
# and "fuzz" (a short seeded run of ctr's config and state parsers under
# ASan+UBSan). The Bochs beds use one core each
# and run beside the rest; every phase and bed prints its wall time. Each
# phase's output is in $LVMM_OUT/logs/PHASE.log.
# Environment (make check BEDS=... ONLY=... sets the first two):
#   LVMM_BEDS   what to run, default all of them: "lint fuzz svm-test
#               svm-stock svm-6.12 svm-7.x vmx-test vmx-stock vmx-6.12 host"
#               (the fast loop: LVMM_BEDS=svm-test)
#   LVMM_ONLY   one program of selftests/lvmm/TESTS to run in each bed
#               (KUnit is left out then)
#   LVMM_CHECK_TIMEOUT (whole run, default 85 min: under CI's 90),
#   LVMM_BOOT_TIMEOUT (per QEMU boot, default 1200 s),
#   LVMM_VMX_BOOT_TIMEOUT (per Bochs boot, default 2400 s), and
#   run-qemu.sh's LVMM_QEMU_SMP (default 3 here), LVMM_TEST_TIMEOUT etc.
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

all_beds="lint fuzz svm-test svm-stock svm-6.12 svm-7.x vmx-test vmx-stock vmx-6.12 host"
default_beds="lint fuzz svm-test svm-stock svm-6.12 svm-7.x vmx-test vmx-stock vmx-6.12 host"
beds=${LVMM_BEDS:-$default_beds}
only=${LVMM_ONLY:-}
for b in $beds; do
	case " $all_beds " in *" $b "*) ;; *)
		echo "check: unknown bed '$b' in LVMM_BEDS (choose from: $all_beds)"
		echo "0 passed, 1 failed"
		exit 1 ;;
	esac
done
if [ -n "$only" ] && ! grep -q "^$only\([[:space:]]\|$\)" "$TOPDIR/selftests/lvmm/TESTS"; then
	echo "check: LVMM_ONLY=$only is not a program listed in selftests/lvmm/TESTS"
	echo "0 passed, 1 failed"
	exit 1
fi
want() { case " $beds " in *" $1 "*) return 0 ;; esac; return 1; }
logs=$LVMM_OUT/logs
mkdir -p "$logs"
t_start=$(date +%s%N)

# The beds: which kernel each boots, which Linux guests vmctl's test boots
# in it (Debian's kernel once per vendor; the small guest kernel where the
# vmctl features are tested; the KASAN test kernel where QEMU makes it
# cheap), and its own kernel arguments.
bed_kind() {
	case $1 in
	*-6.12) echo stock-6.12 ;;
	*-7.x) echo stock-7.x ;;
	*) echo "${1#*-}" ;;
	esac
}
# Under a KASAN/lockdep L1 a nested Linux boot is several times slower
# (svm-test: the small kernel to init in about 2 minutes, the test kernel
# in 4), so the debug L1s boot the small kernel in QEMU only, and the
# guests that take longest boot under the stock L1s.
bed_guests() {
	case $1 in
	svm-test) echo "small" ;;
	svm-stock) echo "debian debian-6.12 debian-7.x small test" ;;
	svm-6.12) echo "debian" ;;
	svm-7.x) echo "" ;;
	vmx-test) echo "small" ;;
	vmx-stock) echo "debian small" ;;
	vmx-6.12) echo "" ;;
	esac
}
bed_append() {
	local a=
	case $1 in
	# The VMX stock bed is there for the Linux guests; the selftests run
	# in vmx-test beside it, which checks vmctl's arguments only.
	vmx-stock) a="lvmm.only=vmctl_linux_test.sh" ;;
	vmx-test) a="lvmm.guest=none" ;;
	# 6.12 under VMX: the backend's entry and exit paths (issue 16).
	vmx-6.12) a="lvmm.only=exits_test" ;;
	# Podman's matrix runs in one SVM bed (its image carries the engines;
	# the Bochs beds skip ctr's tests anyway).
	svm-test | svm-6.12 | svm-7.x) a="lvmm.skip_tag=engines" ;;
	esac
	[ -z "$only" ] || a="$a lvmm.only=$only"
	echo "$a"
}

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
	# Its own end time, for a wall time that does not include the wait.
	{ rc=0; "$@" || rc=$?; date +%s%N >"$logs/$name.t1"; exit $rc; } >"$logs/$name.log" 2>&1 &
	echo $! >"$logs/$name.pid"
}
phase_bg_wait() {
	local rc=0
	wait "$(cat "$logs/$1.pid")" || rc=$?
	report "$1" $rc "$(cat "$logs/$1.t0")" "$(cat "$logs/$1.t1" 2>/dev/null || date +%s%N)"
}
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
report() {
	local name=$1 rc=$2 log=$logs/$1.log ms
	ms=$(((${4:-$(date +%s%N)} - $3) / 1000000))
	printf 'check: %-16s' "$name"
	if [ "$rc" -eq 0 ]; then
		printf '%5d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100))
		return
	fi
	echo " FAILED (log: $log)"
	tail -n 30 "$log" | sed 's/^/    | /'
	echo "0 passed, 1 failed"
	exit 1
}

need_test= need_stock= need_small=
for b in $beds; do
	case $b in
	*-test) need_test=1 ;;
	*-stock | *-6.12 | *-7.x) need_stock=1 ;;
	esac
	case " $(bed_guests "$b") " in *" small "*) need_small=1 ;; esac
	case " $(bed_guests "$b") " in *" debian "*) need_stock=1 ;; esac
done

# stage BED: lvmm.ko for the bed's kernel and its initramfs, in
# $LVMM_OUT/BED (where its boot's logs go too).
stage() {
	local engines=
	[ "$1" != svm-stock ] || engines=1
	LVMM_IMAGE_ENGINES=$engines phase "stage-$1" bash "$TESTBED_DIR/stage.sh" \
		"$(bed_kind "$1")" "$LVMM_OUT/$1" "$(bed_guests "$1")"
}
boot_qemu() {
	env LVMM_APPEND="${LVMM_APPEND:-} $(bed_append "$1")" bash "$TESTBED_DIR/run-qemu.sh" \
		"$(cat "$LVMM_OUT/$1/kernel")" "$LVMM_OUT/$1/initramfs.cpio.gz" check \
		"${LVMM_BOOT_TIMEOUT:-1200}" "$LVMM_OUT/$1"
}
boot_bochs() {
	env LVMM_APPEND="${LVMM_APPEND:-} $(bed_append "$1")" bash "$TESTBED_DIR/run-bochs.sh" \
		"$(cat "$LVMM_OUT/$1/kernel")" "$LVMM_OUT/$1/initramfs.cpio.gz" check \
		"${LVMM_VMX_BOOT_TIMEOUT:-2400}" "$LVMM_OUT/$1"
}
dirs=()
scored() { dirs+=("$1=$LVMM_OUT/$1"); }

phase deps bash "$TESTBED_DIR/deps.sh"
# The lint trees (6.12's headers, a Debian 13 chroot for 7.x: downloads
# mostly) are made beside the kernel builds on a new machine.
! want lint || phase_bg_start kdirs bash "$TESTBED_DIR/kdirs.sh"
phase userspace make -C "$TOPDIR" tools selftests
[ -z "$need_stock" ] || phase stock-kernel bash "$TESTBED_DIR/fetch-stock.sh"
# The longest bed first: Bochs on the stock kernel with Debian's kernel as
# its guest needs no kernel build, so on a new machine it boots while the
# bed's own kernels compile (each built once per source version and
# config: the guest kernel ~5 min, the test kernel ~14 min on 2 cores).
if want vmx-stock; then
	stage vmx-stock
	phase_bg_start boot-vmx-stock boot_bochs vmx-stock
fi
[ -z "$need_small" ] || phase guest-kernel bash "$TESTBED_DIR/build-kernel.sh" guest
[ -z "$need_test" ] || phase test-kernel bash "$TESTBED_DIR/build-kernel.sh"
# The second Bochs bed starts as soon as its kernel exists: it is the
# longest, and lint and fuzz fit beside it.
if want vmx-test; then
	stage vmx-test
	phase_bg_start boot-vmx-test boot_bochs vmx-test
fi
if want lint; then
	phase_bg_wait kdirs
	phase lint bash "$TOPDIR/scripts/lint.sh"
fi
# 20 s per parser: a regression check on the seeds and a little more; make
# fuzz runs longer.
! want fuzz || phase fuzz bash "$TOPDIR/tools/ctr/fuzz/run.sh" 20
# The SVM beds one after the other beside Bochs: three L1 CPUs (QEMU's
# vCPU threads), the VMs on CPUs 1-2 (Documentation/testing.rst).
export LVMM_QEMU_SMP=${LVMM_QEMU_SMP:-3}
for b in svm-test svm-stock svm-6.12 svm-7.x; do
	want "$b" || continue
	stage "$b"
	phase "boot-$b" boot_qemu "$b"
	scored "$b"
done
# ctr on this machine's own cgroup layout (hybrid on the CI host).
if want host; then
	phase host-ctr bash "$TESTBED_DIR/run-host.sh" "$LVMM_OUT/host"
	scored host
fi
if want vmx-6.12; then
	stage vmx-6.12
	phase_bg_start boot-vmx-6.12 boot_bochs vmx-6.12
fi
for b in vmx-test vmx-stock vmx-6.12; do
	want "$b" || continue
	phase_bg_wait "boot-$b"
	scored "$b"
done
ms=$((($(date +%s%N) - t_start) / 1000000))
printf 'check: %-16s%5d.%d s\n' "all" $((ms / 1000)) $((ms % 1000 / 100))
[ ${#dirs[@]} -gt 0 ] || { echo "0 passed, 0 failed"; exit 0; }
exec bash "$TESTBED_DIR/parse-results.sh" "${dirs[@]}"
