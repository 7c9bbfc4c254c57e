#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ACPI tables vmctl hands a Linux guest, checked by ACPICA's own
# disassembler (iasl, as the guest's ACPICA parses them): every table
# decodes with a correct checksum, the DSDT compiles back without an
# error, and it declares what the guest's drivers look for (COM1, the
# virtio-mmio devices, the power button and its Generic Event Device).
# Runs on the host: no VM needed. TAP output.
# usage: vmctl_acpi_test.sh ACPI_DUMP
dump=$(realpath "$1")
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

if ! command -v iasl >/dev/null; then
	echo "1..0 # SKIP iasl (acpica-tools) is not installed: scripts/testbed/deps.sh installs it"
	exit 0
fi
echo "1..13"
# The largest machine vmctl builds: 8 vCPUs, 8 virtio devices.
if "$dump" 8 8 . 2>err; then ok "acpi_dump writes the tables"; else not_ok "acpi_dump: $(cat err)"; fi
for t in xsdt facp apic dsdt; do
	if iasl -d "$t.dat" >"$t.log" 2>&1 && [ -s "$t.dsl" ] && ! grep -qi 'incorrect checksum' "$t.dsl"; then
		ok "$t: iasl decodes it, checksum correct"
	else
		not_ok "$t: iasl: $(grep -i 'error\|incorrect' "$t.log" "$t.dsl" | head -3)"
	fi
done
# Recompiled (iasl picks shorter encodings, so the bytes differ): no error.
if iasl -p recompiled dsdt.dsl >recompile.log 2>&1 && grep -q 'Compilation successful. 0 Errors' recompile.log; then
	ok "dsdt: its disassembly compiles back without an error"
else
	not_ok "dsdt: iasl cannot compile its disassembly: $(grep -i error recompile.log | head -3)"
fi
has() { # has DESCRIPTION PATTERN: the disassembled DSDT matches PATTERN (one line)
	if tr -s ' \n' ' ' <dsdt.dsl | grep -Eq "$2"; then ok "dsdt: $1"; else not_ok "dsdt: $1 (no /$2/)"; fi
}
has "COM1 is PNP0501 on ports 0x3f8 and IRQ 4" 'Device \(COM1\) \{ Name \(_HID, EisaId \("PNP0501"\).* 0x03F8, .*\{4\}'
has "eight virtio-mmio devices (LNRO0005)" 'Device \(VR07\) \{ Name \(_HID, "LNRO0005"\)'
has "a control-method power button (PNP0C0C)" 'Device \(PWRB\) \{ Name \(_HID, EisaId \("PNP0C0C"\)'
has "a Generic Event Device (ACPI0013) on pin 10, edge" 'Device \(GED0\) \{ Name \(_HID, "ACPI0013".*Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, \) \{ 0x0000000A, \}'
has "whose _EVT notifies the button (0x80)" 'Method \(_EVT, 1, NotSerialized\).*\{ Notify \(\\PWRB, 0x80\)'
has "S5 for power-off" 'Name \(_S5, Package \(0x04\)[^{]*\{ 0x05,'
if grep -q 'Hardware Reduced (V5) : 1' facp.dsl; then ok "facp: hardware-reduced"; else not_ok "facp: not hardware-reduced"; fi
exit $fail
