/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Channel 2 of the 8254 PIT and its gate/output bits in port 0x61: what
 * Linux times the TSC against (quick_pit_calibrate) when no CPUID leaf
 * gives the frequency. It counts down at 1.193182 MHz of host time.
 * Channels 0 and 1 accept writes and count nothing: there is no PIT
 * interrupt (a hardware-reduced ACPI machine has no legacy timer).
 * Without this model the calibration reads port 0x42 100,000 times.
 */
#ifndef VMCTL_PIT_H
#define VMCTL_PIT_H

#include <stdint.h>
#include <time.h>

#define PIT_FREQ_HZ	1193182

struct pit {
	uint8_t port61;			/* gate (bit 0) and speaker (bit 1) */
	uint8_t mode, access;		/* of channel 2 */
	uint16_t reload;
	struct timespec start;		/* when counting began */
	int counting;
	int write_hi, read_hi;		/* next byte of a 16-bit transfer */
	uint16_t latch;
	int latched;
	uint8_t refresh;		/* port 0x61 bit 4 toggles */
};

/* Whether the model answers @port (0x40-0x43, 0x61). */
int pit_claims(uint16_t port);
uint8_t pit_read(struct pit *p, uint16_t port);
void pit_write(struct pit *p, uint16_t port, uint8_t val);

#endif /* VMCTL_PIT_H */
