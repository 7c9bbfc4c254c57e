// SPDX-License-Identifier: GPL-2.0
/* The I/O APIC: IOREGSEL/IOWIN, ID, version, redirection table. */
#include "ioapic.h"
#include "vmctl.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define REG_ID		0x00
#define REG_VERSION	0x01
#define REG_ARB		0x02
#define REG_REDIR	0x10
#define VERSION		(0x11 | ((IOAPIC_PINS - 1) << 16))
#define REDIR_MASKED	(1ULL << 16)
#define REDIR_LOGICAL	(1ULL << 11)
#define REDIR_WRITABLE	0xff0000000001afffULL	/* dest, mask, trigger, polarity, mode, vector */

void ioapic_init(struct ioapic *io, struct lvmm_vm *vm, uint8_t id)
{
	unsigned int i;

	*io = (struct ioapic){ .vm = vm, .id = id };
	for (i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = REDIR_MASKED;
}

int ioapic_claims(uint64_t gpa)
{
	return gpa >= IOAPIC_BASE && gpa < IOAPIC_BASE + IOAPIC_SIZE;
}

uint32_t ioapic_read(struct ioapic *io, uint64_t gpa)
{
	unsigned int r = io->regsel, pin;

	if (gpa - IOAPIC_BASE == IOREGSEL)
		return io->regsel;
	if (gpa - IOAPIC_BASE != IOWIN)
		return 0;
	switch (r) {
	case REG_ID:
	case REG_ARB:
		return (uint32_t)io->id << 24;
	case REG_VERSION:
		return VERSION;
	}
	pin = (r - REG_REDIR) / 2;
	if (r < REG_REDIR || pin >= IOAPIC_PINS)
		return 0;
	return r & 1 ? io->redir[pin] >> 32 : (uint32_t)io->redir[pin];
}

void ioapic_write(struct ioapic *io, uint64_t gpa, uint32_t val)
{
	unsigned int r = io->regsel, pin;
	uint64_t e;

	if (gpa - IOAPIC_BASE == IOREGSEL) {
		io->regsel = val & 0xff;
		return;
	}
	if (gpa - IOAPIC_BASE != IOWIN)
		return;
	if (r == REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	pin = (r - REG_REDIR) / 2;
	if (r < REG_REDIR || pin >= IOAPIC_PINS)
		return;
	e = io->redir[pin];
	if (r & 1)
		e = (e & 0xffffffffULL) | (uint64_t)val << 32;
	else
		e = (e & ~0xffffffffULL) | val;
	io->redir[pin] = e & REDIR_WRITABLE;
}

void ioapic_set_irq(struct ioapic *io, unsigned int pin, int level)
{
	uint64_t e;
	uint32_t dest, address, data;
	int ret;

	if (pin >= IOAPIC_PINS)
		return;
	if (!level || io->level[pin]) {
		io->level[pin] = level;
		return;
	}
	io->level[pin] = 1;
	e = io->redir[pin];
	if (e & REDIR_MASKED)
		return;		/* an edge while masked is lost, as on hardware */
	dest = e >> 56;
	address = 0xfee00000 | dest << 12 | (e & REDIR_LOGICAL ? 1 << 2 : 0);
	/* Vector and delivery mode; the trigger bit stays clear (edge). */
	data = e & 0x7ff;
	ret = lvmm_signal_msi(io->vm, address, data);
	if (ret < 0)
		vmctl_err("warning: I/O APIC pin %u: the guest's route (entry %#llx) cannot be delivered: %d",
			  pin, (unsigned long long)e, ret);
}
