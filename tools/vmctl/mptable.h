/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Intel MultiProcessor Specification 1.4 table in the BIOS area: how a
 * Linux guest learns that it has local APICs (and so uses their timers),
 * which CPUs exist, and how ISA interrupts reach the I/O APIC (its id is
 * the number of CPUs).
 */
#ifndef VMCTL_MPTABLE_H
#define VMCTL_MPTABLE_H

#include <stdint.h>

#define MPTABLE_ADDR	0xf0000ULL	/* inside the e820 hole below 1 MiB */

/* Write the floating pointer and the table for @ncpus CPUs (APIC ids 0..n-1). */
int mptable_write(uint8_t *mem, unsigned int ncpus);

#endif /* VMCTL_MPTABLE_H */
