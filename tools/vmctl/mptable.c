// SPDX-License-Identifier: GPL-2.0
/*
 * The MP table: floating pointer "_MP_" at MPTABLE_ADDR, then the "PCMP"
 * configuration table with one processor entry per vCPU, the ISA bus,
 * the I/O APIC, ISA IRQs 0-15 on its pins 0-15 (edge, active high: the
 * ISA bus default), and the local interrupt lines of every APIC (LINT0
 * ExtINT, LINT1 NMI).
 */
#include <cpuid.h>
#include <string.h>

#include "ioapic.h"
#include "mptable.h"
#include "vmctl.h"

#define APIC_VERSION	0x14
#define APIC_BASE	0xfee00000U

struct mpf {			/* floating pointer */
	char signature[4];
	uint32_t physptr;
	uint8_t length, spec_rev, checksum, feature[5];
} __attribute__((packed));

struct mpc {			/* configuration table header */
	char signature[4];
	uint16_t length;
	uint8_t spec_rev, checksum;
	char oem[8], product[12];
	uint32_t oem_ptr;
	uint16_t oem_size, count;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum, reserved;
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apic_id, apic_ver, flags;
	uint32_t signature, features;
	uint32_t reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, bus_id;
	char bus_type[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apic_id, apic_ver, flags;
	uint32_t address;
} __attribute__((packed));

struct mpc_intsrc {
	uint8_t type, irq_type;
	uint16_t flags;
	uint8_t bus_id, bus_irq, dest_apic, dest_irq;
} __attribute__((packed));

struct mpc_lintsrc {
	uint8_t type, irq_type;
	uint16_t flags;
	uint8_t bus_id, bus_irq, dest_apic, dest_lint;
} __attribute__((packed));

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT_VECTORED = 0, MP_INT_NMI = 1, MP_INT_EXTINT = 3 };
#define IOAPIC_ENABLED	1
#define ISA_IRQS	16
#define CPU_ENABLED	1
#define CPU_BSP		2

int mptable_write(uint8_t *mem, unsigned int ncpus)
{
	struct mpf *mpf = (struct mpf *)(mem + MPTABLE_ADDR);
	struct mpc *mpc = (struct mpc *)(mem + MPTABLE_ADDR + sizeof(*mpf));
	uint8_t *p = (uint8_t *)(mpc + 1);
	unsigned int a, b, c, d, i, count = 0;

	__cpuid(1, a, b, c, d);
	memset(mpf, 0, 4096);
	for (i = 0; i < ncpus; i++, count++) {
		struct mpc_cpu *cpu = (struct mpc_cpu *)p;

		*cpu = (struct mpc_cpu){
			.type = MP_PROCESSOR, .apic_id = i, .apic_ver = APIC_VERSION,
			.flags = CPU_ENABLED | (i == 0 ? CPU_BSP : 0),
			.signature = a, .features = d,
		};
		p += sizeof(*cpu);
	}
	*(struct mpc_bus *)p = (struct mpc_bus){ .type = MP_BUS, .bus_id = 0 };
	memcpy(((struct mpc_bus *)p)->bus_type, "ISA   ", 6);
	p += sizeof(struct mpc_bus);
	count++;
	*(struct mpc_ioapic *)p = (struct mpc_ioapic){
		.type = MP_IOAPIC, .apic_id = ncpus, .apic_ver = 0x11, .flags = IOAPIC_ENABLED,
		.address = IOAPIC_BASE,
	};
	p += sizeof(struct mpc_ioapic);
	count++;
	for (i = 0; i < ISA_IRQS; i++, count++) {
		*(struct mpc_intsrc *)p = (struct mpc_intsrc){
			.type = MP_INTSRC, .irq_type = MP_INT_VECTORED, .bus_id = 0,
			.bus_irq = i, .dest_apic = ncpus, .dest_irq = i,
		};
		p += sizeof(struct mpc_intsrc);
	}
	*(struct mpc_lintsrc *)p = (struct mpc_lintsrc){
		.type = MP_LINTSRC, .irq_type = MP_INT_EXTINT, .dest_apic = 0xff, .dest_lint = 0,
	};
	p += sizeof(struct mpc_lintsrc);
	*(struct mpc_lintsrc *)p = (struct mpc_lintsrc){
		.type = MP_LINTSRC, .irq_type = MP_INT_NMI, .dest_apic = 0xff, .dest_lint = 1,
	};
	p += sizeof(struct mpc_lintsrc);
	count += 2;

	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = p - (uint8_t *)mpc;
	mpc->spec_rev = 4;
	memcpy(mpc->oem, "LVMM    ", 8);
	memcpy(mpc->product, "VMCTL       ", 12);
	mpc->count = count;
	mpc->lapic = APIC_BASE;
	mpc->checksum = table_checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = MPTABLE_ADDR + sizeof(*mpf);
	mpf->length = 1;
	mpf->spec_rev = 4;
	mpf->checksum = table_checksum(mpf, sizeof(*mpf));
	return 0;
}
