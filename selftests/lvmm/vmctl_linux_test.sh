#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vmctl run --kernel, inside the test VM: argument errors, and the 64-bit
# boot protocol with the very kernel this VM booted (/guests/bzImage):
# its console must show our command line, e820 map and initrd; its init
# must run, see time pass at the right rate, and reboot. TAP output.
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
KERNEL=/guests/bzImage
PTY=$(cd "$(dirname "$0")" && pwd)/pty_drive
ok() { n=$((n + 1)); echo "ok $n - $1" >>"$tmp/tap"; }
notok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >>"$tmp/tap"
	sed "s/^/# /" "$tmp/out" | tr -d "\r" | tail -n 40 >>"$tmp/tap"
}
expect() { if grep -Eq "$2" "$tmp/out"; then ok "$1"; else notok "$1 (wanted /$2/)"; fi; }
# fails NAME PATTERN ARGS...: vmctl refuses with one line matching PATTERN
fails() {
	name=$1 pat=$2
	shift 2
	vmctl run "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -Eq "$pat" "$tmp/out"; then
		ok "$name"
	else
		echo "(exit status $rc)" >>"$tmp/out"
		notok "$name (wanted one line /$pat/ and a non-zero status)"
	fi
}

fails "missing kernel file named" 'nosuchfile.*No such file' --kernel /nosuchfile
echo "not a kernel" >"$tmp/text"
fails "a file that is not a bzImage" 'too small for a bzImage|not a bzImage' --kernel "$tmp/text"
head -c 65536 /dev/zero >"$tmp/zeros"
fails "64K of zeroes is not a bzImage" 'not a bzImage' --kernel "$tmp/zeros"
fails "memory too small" 'needs between 64 MiB' --kernel "$KERNEL" --memory 16M
fails "memory too large" 'needs between 64 MiB' --kernel "$KERNEL" --memory 8G
fails "more CPUs than allowed" 'at most 8' --kernel "$KERNEL" --cpus 9
fails "--initrd without --kernel" 'go with --kernel' --flat /guests/hello.bin --initrd "$tmp/text"
fails "missing initrd named" 'nosuchinitrd' --kernel "$KERNEL" --initrd /nosuchinitrd
fails "missing disk image named" 'nosuchdisk.*No such file' --kernel "$KERNEL" --disk /nosuchdisk
fails "a disk image of partial sectors" 'whole 512-byte sectors.*truncate' --kernel "$KERNEL" --disk "$tmp/text"
fails "--net without tap: or none" 'use tap:NAME or none' --kernel "$KERNEL" --net eth0
fails "a tap name too long" '1 to 15 characters' --kernel "$KERNEL" --net tap:abcdefghijklmnopq
fails "--console other than serial or virtio" 'use serial or virtio' --kernel "$KERNEL" --console vga
fails "--name with a space" "use 1 to 32 letters" --kernel "$KERNEL" --name "a b"
fails "more than five disks" 'at most 5 disks' --kernel "$KERNEL" --disk a --disk b --disk c --disk d --disk e --disk f

# One boot of this VM's own kernel with a busybox initramfs whose init
# (scripts/testbed/linux-guest-init.sh) reports through the kernel log,
# sleeps 2 s and powers off. The host side notes when each line appears
# (this VM's uptime, 10 ms resolution).
# Two disks (the second read-only) with a marker the guest must read, and
# a tap the guest must reach with ping.
now() { cut -d' ' -f1 /proc/uptime | tr -d .; }	# centiseconds
disk=$tmp/disk.img rodisk=$tmp/ro.img tap=lvmmt$$
{ printf 'lvmm-disk-marker'; head -c 1048560 /dev/zero; } >"$disk"
cp "$disk" "$rodisk"
cp "$disk" "$tmp/pristine"
modprobe tun 2>/dev/null
t0=$(now)
vmctl run --kernel "$KERNEL" --initrd /guests/initrd.cpio.gz --memory 256M --cpus 2 \
	--disk "$disk" --disk "$rodisk,ro" --net "tap:$tap" --name linux-test --stats \
	--cmdline "console=ttyS0 lvmm.test=boot-protocol" >"$tmp/out" 2>&1 &
vm=$!
t_init= t_begin= t_end= tap_up=
while kill -0 $vm 2>/dev/null && [ $(($(now) - t0)) -lt 90000 ]; do
	if [ -z "$tap_up" ] && [ -e "/sys/class/net/$tap" ]; then
		ip addr add 10.0.2.1/24 dev "$tap" && ip link set "$tap" up && tap_up=1
	fi
	[ -n "$t_init" ] || ! grep -q 'lvmm-guest: init running' "$tmp/out" || t_init=$(now)
	[ -n "$t_begin" ] || ! grep -q 'lvmm-guest: sleep 2 begins' "$tmp/out" || t_begin=$(now)
	[ -n "$t_end" ] || ! grep -q 'lvmm-guest: sleep 2 ends' "$tmp/out" || t_end=$(now)
	usleep 20000
done
kill -9 $vm 2>/dev/null
wait $vm
rc=$?
echo "(exit status $rc)" >>"$tmp/out"
expect "the kernel runs: banner" 'Linux version [0-9]'
expect "the command line arrives through the zero page" 'Command line: .*lvmm.test=boot-protocol'
expect "the e820 map arrives: RAM from 1 MiB to 256 MiB" 'BIOS-e820: \[mem 0x0000000000100000-0x000000000fffffff\] usable'
expect "the initrd arrives where the zero page says" 'RAMDISK: \[mem 0x0'
expect "ACPI's MADT describes the CPUs and the I/O APIC" 'IOAPIC\[0\]: apic_id 2, version 17, address 0xfec00000'
expect "the guest sees the TSC-deadline timer" 'TSC deadline timer available'
expect "its clock events come from the in-kernel local APIC" 'lvmm-guest: clockevent lapic-deadline'
expect "the guest's init runs" 'lvmm-guest: init running'
expect "2 CPUs online (the second started by INIT/SIPI)" 'lvmm-guest: cpus online 2([^0-9]|$)'
# A KASAN/lockdep host kernel (the test kernel) makes every exit of the
# guest's timer path so slow that its two seconds come out ~25% long: the
# rate is checked on a production host kernel only, and reported here.
if [ -n "$t_begin" ] && [ -n "$t_end" ] && zcat /proc/config.gz 2>/dev/null | grep -q '^CONFIG_KASAN=y'; then
	echo "ok $((n += 1)) # SKIP sleep 2 took $((t_end - t_begin))0 ms of host time; not checked under a KASAN host kernel" >>"$tmp/tap"
elif [ -n "$t_begin" ] && [ -n "$t_end" ] && [ $((t_end - t_begin)) -ge 160 ] &&
	[ $((t_end - t_begin)) -le 240 ]; then
	ok "the guest's sleep 2 takes 2 s of host time, within 20% ($((t_end - t_begin))0 ms)"
else
	notok "the guest's sleep 2 takes 2 s of host time, within 20% (begin ${t_begin:-never}, end ${t_end:-never}, centiseconds)"
fi
expect "ACPI is found (hardware-reduced, with \\_S5)" 'ACPI: FACP 0x00000000000E0080'
expect "the DSDT declares the virtio-mmio devices: 5 found" 'lvmm-guest: virtio devices 5([^0-9]|$)'
expect "virtio-blk: the guest reads the host's marker from vda" 'lvmm-guest: vda reads lvmm-disk-marker'
expect "virtio-blk: the guest's write and flush complete" 'lvmm-guest: vda write flushed'
if dd if="$disk" bs=512 skip=8 count=1 2>/dev/null | grep -q '^written-by-guest$'; then
	ok "virtio-blk: the guest's write is in the image on the host afterwards"
else
	notok "virtio-blk: the guest's write is in the image on the host afterwards"
fi
expect "virtio-blk: ,ro shows as a read-only disk" 'lvmm-guest: vdb read-only flag 1'
expect "virtio-blk: a write to the read-only disk is refused" 'lvmm-guest: vdb write refused'
if cmp -s "$tmp/pristine" "$rodisk"; then
	ok "virtio-blk: the read-only image is unchanged"
else
	notok "virtio-blk: the read-only image is unchanged"
fi
expect "virtio-rng: the guest reads 64 bytes of entropy" 'lvmm-guest: rng virtio_rng.0 gave 64 bytes'
expect "virtio-console: the guest's hvc0 output reaches stdout" 'lvmm-guest: hello through hvc0'
expect "virtio-net: the guest pings the host through the tap" 'lvmm-guest: ping 10.0.2.1 answered'
[ ! -e "/sys/class/net/$tap" ] && ok "the tap vmctl created is gone after it exits" ||
	notok "the tap vmctl created is gone after it exits"
[ $rc -eq 0 ] && ok "poweroff -f in the guest (ACPI S5) ends vmctl with status 0" ||
	notok "poweroff -f in the guest (ACPI S5) ends vmctl with status 0 (got $rc)"
[ -n "$t_init" ] && echo "# boot to init: $((t_init - t0))0 ms (lvmm, nested in this test VM)" >>"$tmp/tap"
expect "--stats reports lvmm's exit counters" 'vmctl: stats: .* exits, [0-9]+ per second'
grep '^vmctl: stats' "$tmp/out" | sed 's/^/# /' >>"$tmp/tap"

# An interactive session: vmctl on a terminal (raw mode), the guest's
# shell on its ttyS0. What is typed must run in the guest: the answer
# (42-typed) appears only if the shell computed it. It exercises vmctl's
# UART, not the hypervisor, so Bochs (VMX), where a nested boot takes
# minutes, leaves it to the QEMU beds.
if grep -qw vmx /proc/cpuinfo; then
	echo "ok $((n += 1)) # SKIP interactive shell: a second nested boot under Bochs; runs in the QEMU (SVM) beds" >>"$tmp/tap"
	echo "ok $((n += 1)) # SKIP typed poweroff: see above" >>"$tmp/tap"
else
	"$PTY" --timeout 400 --wait-for 'guest$ ' --input 'echo $((6 * 7))-typed; poweroff -f\n' -- \
		vmctl run --kernel "$KERNEL" --initrd /guests/initrd.cpio.gz --memory 128M \
		--cmdline "console=ttyS0 quiet lvmm.shell" >"$tmp/out" 2>&1
	rc=$?
	echo "(exit status $rc)" >>"$tmp/out"
	expect "a command typed at the guest's shell prompt runs there" '42-typed'
	[ $rc -eq 0 ] && ok "the typed poweroff ends vmctl with status 0" ||
		notok "the typed poweroff ends vmctl with status 0 (got $rc)"
fi

echo "1..$n"
cat "$tmp/tap"
[ $failed -eq 0 ]
