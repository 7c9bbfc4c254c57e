/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel local APIC (LVMM_CREATE_IRQCHIP): one per vCPU, reached
 * through the xAPIC page and the x2APIC MSRs; its timer runs on an
 * hrtimer; IPIs and MSIs set IRR bits from any context and kick the
 * target, whose run loop injects the highest-priority vector.
 */
#ifndef LVMM_LAPIC_H
#define LVMM_LAPIC_H

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/types.h>

struct lvmm_vcpu;
struct lvmm_vm;

#define LVMM_APIC_DEFAULT_BASE	0xfee00000ULL
#define LVMM_APIC_BASE_BSP	(1ULL << 8)
#define LVMM_APIC_BASE_EXTD	(1ULL << 10)
#define LVMM_APIC_BASE_EN	(1ULL << 11)

#define LVMM_LVT_NR		6	/* timer, thermal, perf, LINT0, LINT1, error */

struct lvmm_lapic {
	struct lvmm_vcpu *vcpu;
	u64 base_msr;			/* IA32_APIC_BASE */
	u32 id, tpr, ldr, dfr, svr, esr, icr_hi;
	u32 lvt[LVMM_LVT_NR];
	u32 timer_icr, timer_dcr;
	/* IRR bits are set from anywhere (atomic ops); ISR/TMR by the vCPU only. */
	DECLARE_BITMAP(irr, 256);
	DECLARE_BITMAP(isr, 256);
	struct hrtimer timer;
	u64 timer_period_ns;		/* periodic mode; 0 when one-shot */
	u64 tsc_deadline;
	/* INIT/SIPI: set by the sender, acted on by the vCPU's own thread. */
	bool init_pending, sipi_pending, wait_sipi;
	u8 sipi_vector;
	/* An NMI IPI: set by the sender, injected by the vCPU (several merge). */
	bool nmi_pending;
};

/* The pure parts, for KUnit. */
unsigned int lvmm_apic_divisor(u32 dcr);
u32 lvmm_apic_ppr(u32 tpr, int highest_isr);
bool lvmm_apic_match_dest(u32 dest, bool logical, bool x2apic, u32 id, u32 ldr, u32 dfr);
/* MSI -> destination, logical, vector; -EINVAL for what lvmm cannot deliver. */
int lvmm_msi_decode(u32 addr_lo, u32 addr_hi, u32 data, u32 *dest, bool *logical, u8 *vector);

int lvmm_lapic_create(struct lvmm_vcpu *vcpu);
void lvmm_lapic_free(struct lvmm_vcpu *vcpu);
void lvmm_lapic_reset(struct lvmm_vcpu *vcpu, bool init);

bool lvmm_lapic_in_xapic_page(struct lvmm_vcpu *vcpu, u64 gpa);
u32 lvmm_lapic_mmio_read(struct lvmm_vcpu *vcpu, u32 offset);
void lvmm_lapic_mmio_write(struct lvmm_vcpu *vcpu, u32 offset, u32 val);
/* 0, 1 (#GP), or -ENOENT: not an APIC MSR. */
int lvmm_lapic_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int lvmm_lapic_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data);

/* Set @vector in the APIC's IRR and make the vCPU notice. Any context. */
void lvmm_lapic_set_irq(struct lvmm_vcpu *vcpu, u8 vector);
/* Highest vector deliverable now (above the PPR), or -1. */
int lvmm_lapic_pending_vector(struct lvmm_vcpu *vcpu);
/* The guest took @vector: IRR -> ISR. */
void lvmm_lapic_accept(struct lvmm_vcpu *vcpu, u8 vector);
/* HLT with IF=1: sleep until something can wake the vCPU; returns 1. */
int lvmm_lapic_halt(struct lvmm_vcpu *vcpu);
/* INIT/SIPI work; -EINTR on a signal while waiting for SIPI. */
int lvmm_lapic_service(struct lvmm_vcpu *vcpu);
/* Fixed delivery of @vector to every APIC of @vm matching the destination. */
int lvmm_apic_deliver(struct lvmm_vm *vm, u32 dest, bool logical, u8 vector, bool lowest);

#endif /* LVMM_LAPIC_H */
