/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal ACPI tables for a Linux guest: RSDP -> XSDT -> FADT (-> DSDT)
 * and MADT, in hardware-reduced mode (no PM1 blocks, no SCI). The MADT
 * repeats the MP table's CPUs and I/O APIC (with ACPI present Linux reads
 * only it); the DSDT's \_S5 and the FADT's sleep control register (a port
 * vmctl watches) make `poweroff` in the guest end vmctl with 0. The DSDT
 * also declares COM1, the virtio-mmio devices (virtio_mmio.h) and a
 * power button: an edge on I/O APIC pin ACPI_GED_PIN presses it.
 */
#ifndef VMCTL_ACPI_H
#define VMCTL_ACPI_H

#include <stdint.h>

#define ACPI_RSDP_ADDR		0xe0000ULL	/* where Linux scans for "RSD PTR " */
#define ACPI_SLEEP_CONTROL	0x600		/* I/O ports, unused on a PC */
#define ACPI_SLEEP_STATUS	0x601
#define ACPI_SLP_EN		0x20
#define ACPI_SLP_TYP(v)		(((v) >> 2) & 7)
#define ACPI_S5_TYPE		5		/* the SLP_TYP \_S5 gives */
#define ACPI_GED_PIN		10		/* the power button's: free on a PC */

/* The tables for @ncpus CPUs and virtio-mmio devices in slots 0 to @nr_virtio - 1. */
void acpi_write_tables(uint8_t *mem, unsigned int ncpus, unsigned int nr_virtio);

#endif /* VMCTL_ACPI_H */
