#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, inside the test VM (/bench.sh): the port-I/O round trip on
# lvmm and on KVM (kvm_amd of the same kernel). Only one of them can hold
# SVM, so the module is swapped between runs; the engines alternate so
# that any drift of the emulator hits both equally. Prints every run, the
# medians and the ratio lvmm/KVM (below 1: lvmm is faster).
PASSES=${PASSES:-3}
ITER=${ITER:-20000}
ROUNDS=${ROUNDS:-3}
KO=${LVMM_KO:-/lvmm.ko}
tmp=$(mktemp -d)

die() {
	echo "bench: $*"
	exit 1
}

median() {	# of the median_ns fields in file $1
	sed -n 's/.* median_ns=\([0-9]*\).*/\1/p' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

echo "bench: port-I/O exit round trip, $PASSES passes of $ROUNDS x $ITER exits per engine"
i=1
while [ "$i" -le "$PASSES" ]; do
	insmod "$KO" || die "insmod $KO failed"
	pio_bench --engine lvmm --iterations "$ITER" --rounds "$ROUNDS" | tee -a "$tmp/lvmm" ||
		die "lvmm run failed"
	rmmod lvmm || die "rmmod lvmm failed"
	modprobe kvm_amd || die "modprobe kvm_amd failed"
	pio_bench --engine kvm --iterations "$ITER" --rounds "$ROUNDS" | tee -a "$tmp/kvm" ||
		die "kvm run failed"
	rmmod kvm_amd kvm || die "rmmod kvm_amd kvm failed"
	i=$((i + 1))
done

l=$(median "$tmp/lvmm")
k=$(median "$tmp/kvm")
[ -n "$l" ] && [ -n "$k" ] && [ "$k" -gt 0 ] || die "missing results"
echo "bench: pio round trip: lvmm ${l} ns, kvm ${k} ns (medians)"
awk -v l="$l" -v k="$k" 'BEGIN { printf "bench: pio round trip ratio lvmm/kvm: %.2f\n", l / k }'
rm -rf "$tmp"
