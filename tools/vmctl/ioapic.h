/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An I/O APIC in userspace (82093AA register interface at 0xfec00000):
 * a pin's rising edge becomes an MSI (LVMM_SIGNAL_MSI) built from its
 * redirection entry. Edge-triggered only: the MP table declares the ISA
 * interrupts edge-triggered, and lvmm delivers no level-triggered ones.
 */
#ifndef VMCTL_IOAPIC_H
#define VMCTL_IOAPIC_H

#include <stdint.h>

#include "lvmm.h"

#define IOAPIC_BASE	0xfec00000ULL
#define IOAPIC_SIZE	0x1000
#define IOAPIC_PINS	24

struct ioapic {
	struct lvmm_vm *vm;
	uint8_t id;
	uint32_t regsel;
	uint64_t redir[IOAPIC_PINS];
	int level[IOAPIC_PINS];
};

void ioapic_init(struct ioapic *io, struct lvmm_vm *vm, uint8_t id);
int ioapic_claims(uint64_t gpa);
uint32_t ioapic_read(struct ioapic *io, uint64_t gpa);
void ioapic_write(struct ioapic *io, uint64_t gpa, uint32_t val);
/* Drive pin @pin to @level; a rising edge delivers the interrupt. */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, int level);

#endif /* VMCTL_IOAPIC_H */
