#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VM management, inside the test VM (bench.sh calls it), lvmm against KVM
# (vmctl --engine kvm) in the same run:
#  - lifecycle throughput: create + start + stop + delete of a small VM
#    (the flat ticker guest, 1 vCPU, 1 MiB), VMs per second;
#  - memory overhead of a running 1-vCPU VM: its cgroup's memory.current
#    (vmctl, lvmm's or KVM's kernel objects, all charged there) less the
#    guest RAM it touched;
#  - vmctl list with 50 VMs (paused, so that they cost no CPU) against
#    vmctl list with one.
# BENCH_VM_ROUNDS (10) lifecycles per engine, BENCH_VM_MANY (50).
ROUNDS=${BENCH_VM_ROUNDS:-10}
MANY=${BENCH_VM_MANY:-50}
KO=${LVMM_KO:-/lvmm.ko}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: vm: $*"; }
fail=0
if grep -qw vmx /proc/cpuinfo; then KVM_MOD=kvm_intel; else KVM_MOD=kvm_amd; fi
grep -q '^lvmm ' /proc/modules || insmod "$KO" || { say "FAILED: insmod lvmm.ko"; exit 1; }
modprobe $KVM_MOD || { say "FAILED: modprobe $KVM_MOD"; exit 1; }
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
vm() { vmctl --root "$tmp/vms" "$@"; }
now_us() { awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime; }

# ENGINE: ROUNDS lifecycles; prints microseconds for all of them.
lifecycles() {
	t0=$(now_us)
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		{ vm create "b$i" --flat /guests/ticker.bin --engine "$1" && vm start "b$i" &&
			vm stop "b$i" && vm delete "b$i"; } >/dev/null 2>"$tmp/err" ||
			{ say "FAILED: $1 lifecycle $i: $(cat "$tmp/err")"; fail=1; }
		i=$((i + 1))
	done
	echo $(($(now_us) - t0))
}
# guest_rss_kb PID KB: the resident kB of PID's anonymous mapping of KB kB,
# the guest's RAM (vmctl maps it the same way for either engine)
guest_rss_kb() {
	awk -v kb="$2" '/^[0-9a-f]+-[0-9a-f]+ / { anon = (NF == 5) }
		/^Size:/ { size = $2 }
		/^Rss:/ && anon && size == kb { print $2; exit }' "/proc/$1/smaps" 2>/dev/null
}
# ENGINE: kB a running 1-vCPU VM costs beyond its guest's touched RAM.
# An odd guest size (1028K) tells its mapping from vmctl's others.
overhead_kb() {
	vm create idle --flat /guests/ticker.bin --memory 1028K --engine "$1" >/dev/null &&
		vm start idle >/dev/null && sleep 2 || { say "FAILED: $1 idle VM"; fail=1; }
	cg=/sys/fs/cgroup/vmctl/idle
	cur=$(cat "$cg/memory.current" 2>/dev/null || echo 0)
	guest=$(guest_rss_kb "$(cat "$tmp/vms/idle/pid" 2>/dev/null)" 1028)
	[ -n "$guest" ] || { say "FAILED: $1 idle VM: no 1028 kB guest mapping in its smaps"; fail=1; }
	vm kill idle >/dev/null 2>&1
	vm delete idle >/dev/null 2>&1
	echo $((cur / 1024 - ${guest:-0}))
}
list_us() {	# median of 11 vmctl list runs, microseconds
	for _ in 1 2 3 4 5 6 7 8 9 10 11; do
		rt_bench vmctl list 2>&1 >/dev/null | sed -n 's/^wall_us=\([0-9]*\) .*/\1/p'
	done | sort -n | sed -n 6p
}

ll=$(lifecycles lvmm) lk=$(lifecycles kvm)
ol=$(overhead_kb lvmm) ok=$(overhead_kb kvm)
vm create one --flat /guests/ticker.bin >/dev/null && vm start one >/dev/null && vmctl pause one >/dev/null
one=$(list_us)
# A start that finds no free VPID (VMX: one per vCPU, 65535) stops the
# count; a start failing for another reason is a failure. (SVM's ASIDs
# are handed out per CPU and recycled: QEMU's 15 do not limit it.)
i=1
while [ $i -lt "$MANY" ]; do
	if ! { vm create "m$i" --flat /guests/ticker.bin && vm start "m$i" && vmctl pause "m$i"; } \
		>/dev/null 2>"$tmp/err"; then
		grep -q 'No space left on device' "$tmp/err" ||
			{ say "FAILED: VM m$i of $MANY: $(tail -n 3 "$tmp/err")"; fail=1; }
		say "VM m$i of $MANY did not start: $(grep -m1 'vCPU' "$tmp/err")"
		break
	fi
	i=$((i + 1))
done
MANY=$i
many=$(list_us)
for d in "$tmp"/vms/*; do vm delete --force "${d##*/}" >/dev/null 2>&1; done
rmmod $KVM_MOD kvm
[ $fail -eq 0 ] || exit 1
awk -v ll="$ll" -v lk="$lk" -v n="$ROUNDS" -v ol="$ol" -v ok="$ok" -v one="$one" -v many="$many" \
	-v m="$MANY" 'BEGIN {
	printf "bench: vm lifecycle ratio lvmm/kvm: %.2f (create+start+stop+delete: lvmm %.1f VMs/s, kvm %.1f VMs/s; %d each)\n", ll / lk, n * 1e6 / ll, n * 1e6 / lk, n
	printf "bench: vm memory overhead ratio lvmm/kvm: %.2f (idle 1-vCPU VM beyond its touched guest RAM: lvmm %d KiB, kvm %d KiB; goal <= 3072 KiB)\n", ol / (ok ? ok : 1), ol, ok
	printf "bench: vm list ratio %d/1 VMs: %.2f (vmctl list: %d us with one VM, %d us with %d)\n", m, many / one, one, many, m
}'
