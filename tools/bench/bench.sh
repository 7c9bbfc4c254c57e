#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the test VM as /bench.sh (pio_bench is in /bench, on
# PATH): the port-I/O exit round trip on lvmm and on KVM (kvm_amd or
# kvm_intel of the same kernel, after the CPU's vendor) in the same boot.
# Only one of them can hold SVM (or VMX), so the
# modules are swapped between runs, and the order alternates (lvmm-kvm,
# kvm-lvmm, ...) so that drift of the emulator hits both alike. Then, with
# both modules loaded, pio_bench --coexist records how they share it.
# Prints every run, each engine's median and the ratio lvmm/KVM (below 1:
# lvmm is faster); exits non-zero if anything failed.
#
# Knobs (environment; from the host, a kernel argument without a dot such
# as LVMM_APPEND="BENCH_ITERATIONS=5000" reaches init's environment):
#   BENCH_ALTERNATIONS (3)  lvmm/kvm pairs
#   BENCH_ITERATIONS (10000), BENCH_ROUNDS (5)  per run: rounds of N exits
#   BENCH_CPU  the CPU pio_bench is pinned to (default: the last one)
ALTERNATIONS=${BENCH_ALTERNATIONS:-3}
ITERATIONS=${BENCH_ITERATIONS:-10000}
ROUNDS=${BENCH_ROUNDS:-5}
CPU=${BENCH_CPU:-$(($(grep -c '^processor' /proc/cpuinfo) - 1))}
KO=${LVMM_KO:-/lvmm.ko}
LIMIT=600	# seconds for one pio_bench run: a hung guest must not hang make bench

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

say() { echo "bench: $*"; }
failed() { say "FAILED: $*"; fail=1; }
loaded() { grep -q "^$1 " /proc/modules; }

load_lvmm() { insmod "$KO"; }
unload_lvmm() { rmmod lvmm; }
if grep -qw vmx /proc/cpuinfo; then KVM_MOD=kvm_intel VENDOR=vmx; else KVM_MOD=kvm_amd VENDOR=svm; fi
load_kvm() { modprobe $KVM_MOD; }
unload_kvm() { rmmod $KVM_MOD kvm; }

# One engine's run: load its module, time it, unload it.
run_engine() {
	eng=$1
	if ! load_"$eng"; then
		failed "$eng: loading the module failed"
		return
	fi
	timeout -s KILL "$LIMIT" pio_bench --engine "$eng" --iterations "$ITERATIONS" \
		--rounds "$ROUNDS" --cpu "$CPU" >"$tmp/out" 2>&1
	rc=$?
	cat "$tmp/out"
	line=$(grep "^pio_bench engine=$eng " "$tmp/out")
	if [ $rc -ne 0 ] || [ -z "$line" ]; then
		failed "$eng: pio_bench exited with $rc"
	else
		echo "$line" | sed -n 's/.* round_trip_ns=\([0-9]*\).*/\1/p' >>"$tmp/$eng"
		echo "$line" | sed -n 's/.* null_ioctl_ns=\([0-9]*\).*/\1/p' >>"$tmp/$eng.null"
	fi
	unload_"$eng" || failed "$eng: unloading the module failed"
}

median() {	# of the numbers in file $1, one a line
	[ -s "$1" ] || return
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

list() { [ -s "$1" ] && tr '\n' ' ' <"$1" | sed 's/ $//'; }

say "port-I/O exit round trip (OUT to port 0x80, handled in userspace):" \
	"$ALTERNATIONS alternations of lvmm and kvm, each run $ROUNDS rounds of" \
	"$ITERATIONS exits, pinned to CPU $CPU; $(uname -r)"
for m in lvmm $KVM_MOD kvm; do
	loaded $m && failed "$m is loaded before the bench started"
done

i=1
while [ "$i" -le "$ALTERNATIONS" ]; do
	if [ $((i % 2)) -eq 1 ]; then order="lvmm kvm"; else order="kvm lvmm"; fi
	for eng in $order; do
		run_engine "$eng"
	done
	i=$((i + 1))
done

# Both modules loaded at once. lvmm takes SVM only while it has VMs (as
# KVM 6.1 does), so insmod is expected to succeed; pio_bench --coexist
# then creates a VM of each with the other's VM alive.
say "coexistence: modprobe $KVM_MOD, then insmod lvmm.ko"
dmesg -c >/dev/null
if ! load_kvm; then
	failed "coexistence: modprobe $KVM_MOD failed"
elif ! load_lvmm 2>"$tmp/err"; then
	say "coexistence: insmod lvmm.ko with $KVM_MOD loaded is refused: $(cat "$tmp/err")"
else
	say "coexistence: insmod lvmm.ko with $KVM_MOD loaded succeeds"
	timeout -s KILL "$LIMIT" pio_bench --coexist --cpu "$CPU" 2>&1 ||
		failed "coexistence: pio_bench --coexist"
fi
say "coexistence: kernel messages:"
dmesg | grep -iE 'lvmm|kvm|svm|vmx' | sed 's/^/  /'
loaded lvmm && { unload_lvmm || failed "rmmod lvmm after the coexistence check"; }
loaded $KVM_MOD && { unload_kvm || failed "rmmod $KVM_MOD kvm after the coexistence check"; }

l=$(median "$tmp/lvmm") k=$(median "$tmp/kvm")
ln=$(median "$tmp/lvmm.null") kn=$(median "$tmp/kvm.null")
[ -n "$l" ] && say "lvmm: ${l} ns per round trip, median of runs ($(list "$tmp/lvmm")); GET_REGS ioctl ${ln} ns"
[ -n "$k" ] && say "kvm:  ${k} ns per round trip, median of runs ($(list "$tmp/kvm")); GET_REGS ioctl ${kn} ns"
# A Linux guest's boot on both engines: in the QEMU bed (a nested boot
# under Bochs takes minutes), or anywhere with BENCH_LINUX set.
if [ "$VENDOR" = svm ] || [ -n "${BENCH_LINUX:-}" ]; then
	linux_bench.sh || failed "Linux boot comparison"
	vm_bench.sh || failed "VM management comparison"
fi
# Containers do not touch the hypervisor: their runtimes are compared in
# the first bed only (QEMU, SVM); Bochs is several times slower.
if [ "$VENDOR" = svm ] || [ -n "${BENCH_CTR:-}" ]; then
	ctr_bench.sh || failed "container runtime comparison"
	podman_bench.sh || failed "Podman comparison"
	image_bench.sh run || failed "image run comparison"
fi
if [ $fail -ne 0 ] || [ -z "$l" ] || [ -z "$k" ]; then
	# No ratio line: make bench then shows this whole output.
	say "FAILED (see above)"
	exit 1
fi
# Run n of each engine belongs to alternation n: pair them up.
# (busybox has no paste.)
per=$(awk 'NR == FNR { l[FNR] = $1; next }
	(FNR in l) { printf "%s%.2f", (FNR > 1 ? " " : ""), l[FNR] / $1 }' "$tmp/lvmm" "$tmp/kvm")
awk -v l="$l" -v k="$k" -v per="$per" -v vendor="$VENDOR" 'BEGIN {
	printf "bench: %s ratio lvmm/kvm: %.2f (lvmm %d ns, kvm %d ns per port-I/O exit round trip; per alternation: %s)\n", vendor, l / k, l, k, per
}'
