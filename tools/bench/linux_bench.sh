#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A Linux guest's boot on lvmm and on KVM, inside the test VM (bench.sh
# calls it): the same vmctl, kernel (/guests/bzImage), initramfs, command
# line and devices, only --engine differs. The guest's init powers off as
# soon as it runs (lvmm.bench), so vmctl's wall time is boot to init plus
# a power-off of a few milliseconds. Engines alternate each round; the
# first round warms caches and is not counted. Prints each engine's
# median, the ratio lvmm/KVM (the goal: <= 1) and each engine's exits by
# kind during its last boot (vmctl --stats: lvmm's counters, and KVM's own
# from KVM_GET_STATS_FD). BENCH_LINUX_ROUNDS (3) rounds.
ROUNDS=${BENCH_LINUX_ROUNDS:-3}
KO=${LVMM_KO:-/lvmm.ko}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say() { echo "bench: linux: $*"; }
if grep -qw vmx /proc/cpuinfo; then KVM_MOD=kvm_intel; else KVM_MOD=kvm_amd; fi

# Both modules stay loaded: each takes the CPU's virtualization only
# while it has VMs, and the engines never run at the same time.
grep -q '^lvmm ' /proc/modules || insmod "$KO" || { say "FAILED: insmod lvmm.ko"; exit 1; }
modprobe $KVM_MOD || { say "FAILED: modprobe $KVM_MOD"; exit 1; }
fail=0
i=0
while [ $i -le "$ROUNDS" ]; do
	for eng in lvmm kvm; do
		rt_bench vmctl run --engine $eng --kernel /guests/bzImage \
			--initrd /guests/initrd.cpio.gz --memory 256M --cpus 2 --stats \
			--cmdline "console=ttyS0 quiet lvmm.bench" >"$tmp/out" 2>"$tmp/err"
		line=$(grep '^wall_us=' "$tmp/err")
		case $line in
		*status=0) [ $i -eq 0 ] || echo "$line" >>"$tmp/$eng" ;;
		*) say "$eng boot failed: $(tail -n 5 "$tmp/err") $(tail -n 5 "$tmp/out")"; fail=1 ;;
		esac
		grep '^vmctl: stats' "$tmp/err" >"$tmp/stats.$eng"
	done
	i=$((i + 1))
done
rmmod $KVM_MOD kvm
rmmod lvmm

median() {	# wall_us of the lines in file $1, in ms
	sed -n 's/.*wall_us=\([0-9]*\).*/\1/p' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print int(v[int((NR + 1) / 2)] / 1000) }'
}
[ -s "$tmp/lvmm" ] && [ -s "$tmp/kvm" ] || { say "FAILED: no complete boots"; exit 1; }
l=$(median "$tmp/lvmm") k=$(median "$tmp/kvm")
say "boot to init and power-off, 2 vCPUs, 256 MiB, medians of $ROUNDS: lvmm $l ms, kvm $k ms"
for eng in lvmm kvm; do
	say "$eng's exits during its last boot (vmctl --stats):"
	sed 's/^vmctl: stats:/bench: linux:  /' "$tmp/stats.$eng"
done
rate() { sed -n 's/.* exits, \([0-9]*\) per second$/\1/p' "$tmp/stats.$1" | head -n 1; }
lr=$(rate lvmm) kr=$(rate kvm)
[ -n "$lr" ] && [ -n "$kr" ] && [ "$kr" -gt 0 ] &&
	awk -v l="$lr" -v k="$kr" 'BEGIN { printf "bench: linux boot exit-rate ratio lvmm/kvm: %.2f (lvmm %d/s, kvm %d/s)\n", l / k, l, k }'
awk -v l="$l" -v k="$k" 'BEGIN { printf "bench: linux boot ratio lvmm/kvm: %.2f (lvmm %d ms, kvm %d ms)\n", l / k, l, k }'
exit $fail
