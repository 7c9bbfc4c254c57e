#!/bin/bash
# Boot one kernel + initramfs in Bochs as an Intel CPU with VMX, EPT and
# unrestricted guest (corei7_skylake_x): the bed of the VMX backend, which
# QEMU TCG cannot emulate. Same serial layout as run-qemu.sh: COM1 ->
# OUTDIR/console.log, COM2 -> OUTDIR/results.log. Bochs cannot load a
# kernel itself, so an ISOLINUX CD carries kernel, initramfs (stored
# uncompressed: inflating it under emulation costs more than reading it)
# and command line. Bochs has no headless mode that stops by itself: it
# runs with a VNC display nobody connects to and is stopped here on the
# end marker, on a panic or L1 triple fault, or at the time limit.
# Writes OUTDIR/status ("ok", "timeout", "panic", "l1-triple-fault",
# "bochs-rc=N") and OUTDIR/seconds.
# usage: run-bochs.sh KERNEL INITRD MODE TIMEOUT-SECONDS OUTDIR
# Environment: LVMM_APPEND, LVMM_TEST_TIMEOUT (default 600 here) as for
# run-qemu.sh;
# LVMM_BOCHS_IPS (emulated instructions per second, default 50000000).
set -euo pipefail

kernel=$1 initrd=$2 mode=$3 limit=$4 out=$5
ips=${LVMM_BOCHS_IPS:-50000000}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/iso" "$out"/{console,results,bochs}.log "$out"/{status,seconds,boot.iso}

# Bochs' skylake_x claims a 3.5 GHz TSC but ticks at ips per emulated
# second: tell the kernel, or every delay is off by 70x.
# Its CPUID leaf 0xd also sizes the AVX-512 state inconsistently, which
# the kernel reports with a WARN at boot: the guests need no AVX-512.
# XRSTOR of tasks that never ran lvmm code also failed twice in Bochs
# ("Bad FPU state detected", with and without XSAVES), so the bed runs
# without XSAVE (FXSAVE only): see the open question in
# Documentation/testing.rst.
# Emulation is slow: each selftest program gets 10 minutes (guest time).
append="console=ttyS0 loglevel=5 panic=-1 lvmm.mode=$mode"
append+=" lvmm.timeout=${LVMM_TEST_TIMEOUT:-600} tsc_early_khz=$((ips / 1000))"
append+=" clearcpuid=avx512f noxsave nowatchdog cryptomgr.notests audit=0 mitigations=off"
# Programs that never open /dev/lvmm (ctr's) already ran in QEMU; under
# Bochs, ten times slower, they would only test the same kernel again.
# lvmm.bed=bochs: tests that need a faster machine say so (a SKIP line).
append+=" lvmm.skip_tag=no-lvmm,engines lvmm.bed=bochs ${LVMM_APPEND:-}"

mkdir -p "$out/iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$out/iso/isolinux/"
cp "$kernel" "$out/iso/isolinux/vmlinuz"
gzip -dc "$initrd" >"$out/iso/isolinux/initrd"
cat >"$out/iso/isolinux/isolinux.cfg" <<EOF
DEFAULT lvmm
PROMPT 0
TIMEOUT 0
LABEL lvmm
  KERNEL vmlinuz
  INITRD initrd
  APPEND $append
EOF
xorriso -as mkisofs -quiet -o "$out/boot.iso" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$out/iso"
rm -rf "$out/iso"

cat >"$out/bochsrc" <<EOF
display_library: rfb, options="timeout=0"
config_interface: textconfig
plugin_ctrl: unmapped=true, biosdev=false, speaker=false, extfpuirq=false, parallel=false, gameport=false, iodebug=false
memory: guest=1024, host=1024
romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=none
cpu: model=corei7_skylake_x, count=1, ips=$ips, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=local
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$out/boot.iso, status=inserted
ata1: enabled=0
boot: cdrom
floppy_bootsig_check: disabled=1
com1: enabled=1, mode=file, dev=$out/console.log
com2: enabled=1, mode=file, dev=$out/results.log
mouse: enabled=0
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
# The Debian build stops in its debugger before the first instruction:
# "c" continues.
printf 'c\nquit\n' >"$out/bochs.rc"

t0=$(date +%s%N)
touch "$out/console.log" "$out/results.log"
# Several Bochs at once would fight over VNC port 5900: setsid gives each
# run its own process group to stop.
setsid bochs -q -f "$out/bochsrc" -rc "$out/bochs.rc" >"$out/bochs.out" 2>&1 </dev/null &
pid=$!
stop() { kill -TERM -- -"$pid" 2>/dev/null || true; sleep 1; kill -KILL -- -"$pid" 2>/dev/null || true; }
trap stop EXIT

status=timeout
while [ $((($(date +%s%N) - t0) / 1000000000)) -lt "$limit" ]; do
	if grep -q '@@LVMM-DONE@@' "$out/results.log"; then
		status=ok
		break
	fi
	if grep -q 'Kernel panic' "$out/console.log"; then
		sleep 2	# the rest of the report
		status=panic
		break
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		rc=0
		wait "$pid" || rc=$?
		status=bochs-rc=$rc
		grep -q '3rd (13) exception with no resolution' "$out/bochs.log" 2>/dev/null &&
			status=l1-triple-fault
		break
	fi
	sleep 1
done
stop
trap - EXIT

ms=$((($(date +%s%N) - t0) / 1000000))
echo "$status" >"$out/status"
echo "$((ms / 1000)).$((ms % 1000 / 100))" >"$out/seconds"
fails=$(grep -c 'VMENTER FAIL' "$out/bochs.log" 2>/dev/null || true)
echo "run-bochs: $mode boot of ${kernel##*/}: $status after $(cat "$out/seconds") s;" \
	"${fails:-0} failed VM entries in bochs.log" >&2
