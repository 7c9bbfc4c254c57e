// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC.  Registers live in struct lvmm_lapic; the
 * xAPIC page and the x2APIC MSRs are two views of them.  The timer's
 * bus clock is 1 GHz (one count per ns before the divider), as in KVM;
 * TSC-deadline mode converts the guest's deadline with the host's
 * tsc_khz.  Only edge-triggered fixed and lowest-priority interrupts,
 * NMI (where the backend can track NMI blocking), INIT and SIPI are
 * delivered: SMI and level-triggered interrupts are not
 * (Documentation/uapi.rst).
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>

#include "lvmm.h"
#include "compat.h"
#include "lapic.h"

#define APIC_VERSION		(0x14 | ((LVMM_LVT_NR - 1) << 16))
#define LVT_TIMER_MODE		(3 << 17)
#define X2APIC_MSR_FIRST	APIC_BASE_MSR
#define X2APIC_MSR_LAST		(APIC_BASE_MSR + 0xff)
#define ICR_WRITABLE		0x000ccfff	/* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_SHORTHAND		0x000c0000

static const u32 lvt_offset[LVMM_LVT_NR] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR,
};

/* Bits a guest may set in each LVT: vector, mode, mask (and timer mode). */
static const u32 lvt_mask[LVMM_LVT_NR] = {
	0x000700ff | LVT_TIMER_MODE, 0x000107ff, 0x000107ff,
	0x0001a7ff, 0x0001a7ff, 0x000100ff,
};

unsigned int lvmm_apic_divisor(u32 dcr)
{
	unsigned int v = (dcr & 3) | ((dcr & 8) >> 1);

	return 1U << ((v + 1) & 7);
}

u32 lvmm_apic_ppr(u32 tpr, int highest_isr)
{
	u32 isrv = highest_isr < 0 ? 0 : highest_isr & 0xf0;

	return (tpr & 0xf0) >= isrv ? tpr & 0xff : isrv;
}

bool lvmm_apic_match_dest(u32 dest, bool logical, bool x2apic, u32 id, u32 ldr, u32 dfr)
{
	if (!logical)
		return dest == (x2apic ? 0xffffffffU : 0xff) || dest == id;
	if (x2apic)
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	ldr >>= 24;
	if (dfr == APIC_DFR_FLAT)
		return dest & ldr;
	/* Cluster model: high nibble the cluster, low nibble a bit mask. */
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

int lvmm_msi_decode(u32 addr_lo, u32 addr_hi, u32 data, u32 *dest, bool *logical, u8 *vector)
{
	u32 mode = data & APIC_DM_FIXED_MASK;

	if (addr_hi || (addr_lo & 0xfff00000) != 0xfee00000 || (data & 0xffff0000))
		return -EINVAL;
	if (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST)
		return -EINVAL;
	/* Level-triggered MSIs would need an EOI back to the device model. */
	if (data & APIC_INT_LEVELTRIG)
		return -EINVAL;
	*vector = data & APIC_VECTOR_MASK;
	if (*vector < 16)
		return -EINVAL;
	*dest = (addr_lo >> 12) & 0xff;
	*logical = addr_lo & (1 << 2);
	return 0;
}

static bool x2apic_mode(const struct lvmm_lapic *a)
{
	return a->base_msr & LVMM_APIC_BASE_EXTD;
}

static bool hw_enabled(const struct lvmm_lapic *a)
{
	return a->base_msr & LVMM_APIC_BASE_EN;
}

static bool sw_enabled(const struct lvmm_lapic *a)
{
	return a->svr & APIC_SPIV_APIC_ENABLED;
}

static int highest_bit(const unsigned long *map)
{
	int bit = find_last_bit(map, 256);

	return bit < 256 ? bit : -1;
}

static u32 ppr(const struct lvmm_lapic *a)
{
	return lvmm_apic_ppr(a->tpr, highest_bit(a->isr));
}

/* ---- the timer ---- */

static u32 timer_mode(const struct lvmm_lapic *a)
{
	return a->lvt[0] & LVT_TIMER_MODE;
}

static void timer_fire(struct lvmm_lapic *a)
{
	u32 lvt = READ_ONCE(a->lvt[0]);

	if (!(lvt & APIC_LVT_MASKED))
		lvmm_lapic_set_irq(a->vcpu, lvt & APIC_VECTOR_MASK);
}

static enum hrtimer_restart timer_expired(struct hrtimer *t)
{
	struct lvmm_lapic *a = container_of(t, struct lvmm_lapic, timer);

	timer_fire(a);
	if (a->timer_period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(a->timer_period_ns));
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

static void timer_stop(struct lvmm_lapic *a)
{
	hrtimer_cancel(&a->timer);
	a->timer_period_ns = 0;
}

/* One-shot or periodic, from the initial count. */
static void timer_start_count(struct lvmm_lapic *a)
{
	u64 ns;

	timer_stop(a);
	if (!a->timer_icr || timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE)
		return;
	ns = (u64)a->timer_icr * lvmm_apic_divisor(a->timer_dcr);
	/* Periods below 50 us would only flood the host: KVM's limit too. */
	if (timer_mode(a) == APIC_LVT_TIMER_PERIODIC)
		a->timer_period_ns = max_t(u64, ns, 50 * NSEC_PER_USEC);
	hrtimer_start(&a->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

static u32 timer_current_count(struct lvmm_lapic *a)
{
	ktime_t left;

	if (!a->timer_icr || timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE ||
	    !hrtimer_active(&a->timer))
		return 0;
	left = hrtimer_get_remaining(&a->timer);
	if (ktime_to_ns(left) <= 0)
		return 0;
	return div_u64(ktime_to_ns(left), lvmm_apic_divisor(a->timer_dcr));
}

static u64 guest_tsc(struct lvmm_vcpu *vcpu)
{
	u64 tsc = 0;

	lvmm_ops->get_msr(vcpu, MSR_IA32_TSC, &tsc);
	return tsc;
}

static void timer_set_deadline(struct lvmm_lapic *a, u64 deadline)
{
	u64 now, ns = 0;

	timer_stop(a);
	a->tsc_deadline = deadline;
	if (!deadline || timer_mode(a) != APIC_LVT_TIMER_TSCDEADLINE)
		return;
	now = guest_tsc(a->vcpu);
	if (deadline > now && tsc_khz)
		ns = mul_u64_u32_div(deadline - now, 1000000, tsc_khz);
	hrtimer_start(&a->timer, ns_to_ktime(ns), HRTIMER_MODE_REL_HARD);
}

/* ---- delivery ---- */

void lvmm_lapic_set_irq(struct lvmm_vcpu *vcpu, u8 vector)
{
	set_bit(vector, vcpu->lapic->irr);
	lvmm_vcpu_kick(vcpu);
}

int lvmm_lapic_pending_vector(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	int v;

	if (!hw_enabled(a) || !sw_enabled(a))
		return -1;
	v = highest_bit(a->irr);
	if (v < 0 || (u32)(v & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return v;
}

void lvmm_lapic_accept(struct lvmm_vcpu *vcpu, u8 vector)
{
	clear_bit(vector, vcpu->lapic->irr);
	__set_bit(vector, vcpu->lapic->isr);
}

static void eoi(struct lvmm_lapic *a)
{
	int v = highest_bit(a->isr);

	if (v >= 0)
		__clear_bit(v, a->isr);
}

static bool accepts(struct lvmm_vcpu *vcpu, u32 dest, bool logical)
{
	struct lvmm_lapic *a = vcpu->lapic;

	return hw_enabled(a) &&
	       lvmm_apic_match_dest(dest, logical, x2apic_mode(a), a->id, a->ldr, a->dfr);
}

int lvmm_apic_deliver(struct lvmm_vm *vm, u32 dest, bool logical, u8 vector, bool lowest)
{
	unsigned int i, n = 0;

	mutex_lock(&vm->lock);
	for (i = 0; i < LVMM_MAX_VCPUS; i++) {
		struct lvmm_vcpu *t = vm->vcpus[i];

		if (!t || !t->lapic || !accepts(t, dest, logical) || !sw_enabled(t->lapic))
			continue;
		lvmm_lapic_set_irq(t, vector);
		n++;
		/* Lowest priority: the first match (lvmm does not arbitrate). */
		if (lowest)
			break;
	}
	mutex_unlock(&vm->lock);
	return n;
}

static void send_init_sipi(struct lvmm_vcpu *t, u32 mode, u8 vector)
{
	struct lvmm_lapic *a = t->lapic;

	if (mode == APIC_DM_INIT) {
		WRITE_ONCE(a->init_pending, true);
	} else {
		WRITE_ONCE(a->sipi_vector, vector);
		smp_wmb();	/* the vector before the flag */
		WRITE_ONCE(a->sipi_pending, true);
	}
	lvmm_vcpu_kick(t);
}

/* An ICR write: @dest is already the destination field of this mode. */
static void send_ipi(struct lvmm_vcpu *vcpu, u32 icr, u32 dest)
{
	struct lvmm_lapic *a = vcpu->lapic;
	struct lvmm_vm *vm = vcpu->vm;
	u32 mode = icr & APIC_DM_FIXED_MASK, shorthand = icr & ICR_SHORTHAND;
	bool logical = icr & APIC_DEST_LOGICAL;
	u8 vector = icr & APIC_VECTOR_MASK;
	unsigned int i;

	/* INIT level de-assert: nothing to do on anything newer than a 486. */
	if (mode == APIC_DM_INIT && !(icr & APIC_INT_ASSERT) && (icr & APIC_INT_LEVELTRIG))
		return;
	if (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST && mode != APIC_DM_INIT &&
	    mode != APIC_DM_STARTUP && (mode != APIC_DM_NMI || !lvmm_ops->has_nmi())) {
		pr_warn_ratelimited("lvmm: vCPU %u: IPI delivery mode %#x not emulated\n",
				    vcpu->id, mode);
		return;
	}
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		a->esr |= APIC_ESR_SENDILL;
		return;
	}
	mutex_lock(&vm->lock);
	for (i = 0; i < LVMM_MAX_VCPUS; i++) {
		struct lvmm_vcpu *t = vm->vcpus[i];
		bool hit;

		if (!t || !t->lapic)
			continue;
		switch (shorthand) {
		case APIC_DEST_SELF:
			hit = t == vcpu;
			break;
		case APIC_DEST_ALLINC:
			hit = true;
			break;
		case APIC_DEST_ALLBUT:
			hit = t != vcpu;
			break;
		default:
			hit = accepts(t, dest, logical);
		}
		if (!hit)
			continue;
		if (mode == APIC_DM_INIT || mode == APIC_DM_STARTUP) {
			send_init_sipi(t, mode, vector);
		} else if (mode == APIC_DM_NMI) {
			/* Even to a software-disabled APIC, as on hardware. */
			WRITE_ONCE(t->lapic->nmi_pending, true);
			lvmm_vcpu_kick(t);
		} else if (sw_enabled(t->lapic))
			lvmm_lapic_set_irq(t, vector);
	}
	mutex_unlock(&vm->lock);
}

/* ---- registers ---- */

/* The 32-bit register view (ISR0..7, IRR0..7) of a 256-bit map. */
static u32 bitmap_word(const unsigned long *map, unsigned int word)
{
	BUILD_BUG_ON(BITS_PER_LONG != 64);
	return map[word / 2] >> (word % 2 * 32);
}

static u32 read_reg(struct lvmm_lapic *a, u32 off)
{
	unsigned int i;

	switch (off) {
	case APIC_ID:
		return x2apic_mode(a) ? a->id : a->id << 24;
	case APIC_LVR:
		return APIC_VERSION;
	case APIC_TASKPRI:
		return a->tpr;
	case APIC_PROCPRI:
		return ppr(a);
	case APIC_LDR:
		return a->ldr;
	case APIC_DFR:
		return x2apic_mode(a) ? 0 : a->dfr;
	case APIC_SPIV:
		return a->svr;
	case APIC_ESR:
		return a->esr;
	case APIC_ICR:
		return 0;	/* delivery status: idle */
	case APIC_ICR2:
		return a->icr_hi;
	case APIC_TMICT:
		return a->timer_icr;
	case APIC_TMCCT:
		return timer_current_count(a);
	case APIC_TDCR:
		return a->timer_dcr;
	}
	for (i = 0; i < 8; i++) {
		if (off == APIC_ISR + i * 0x10)
			return bitmap_word(a->isr, i);
		if (off == APIC_IRR + i * 0x10)
			return bitmap_word(a->irr, i);
		if (off == APIC_TMR + i * 0x10)
			return 0;	/* edge only */
	}
	for (i = 0; i < LVMM_LVT_NR; i++)
		if (off == lvt_offset[i])
			return a->lvt[i];
	return 0;
}

/* Returns false for a register the guest may not write (x2APIC: #GP). */
static bool write_reg(struct lvmm_vcpu *vcpu, u32 off, u32 val)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned int i;

	switch (off) {
	case APIC_ID:
		if (x2apic_mode(a))
			return false;
		a->id = val >> 24;
		return true;
	case APIC_TASKPRI:
		a->tpr = val & 0xff;
		return true;
	case APIC_EOI:
		eoi(a);
		return true;
	case APIC_LDR:
		if (x2apic_mode(a))
			return false;
		a->ldr = val & 0xff000000;
		return true;
	case APIC_DFR:
		if (x2apic_mode(a))
			return false;
		a->dfr = val | 0x0fffffff;
		return true;
	case APIC_SPIV:
		a->svr = val & 0x3ff;
		if (!sw_enabled(a))
			for (i = 0; i < LVMM_LVT_NR; i++)
				a->lvt[i] |= APIC_LVT_MASKED;
		return true;
	case APIC_ESR:
		a->esr = 0;
		return true;
	case APIC_ICR:
		send_ipi(vcpu, val & ICR_WRITABLE, a->icr_hi >> 24);
		return true;
	case APIC_ICR2:
		if (x2apic_mode(a))
			return false;
		a->icr_hi = val & 0xff000000;
		return true;
	case APIC_TMICT:
		/* Ignored in TSC-deadline mode (SDM 10.5.4.1). */
		if (timer_mode(a) == APIC_LVT_TIMER_TSCDEADLINE)
			return true;
		a->timer_icr = val;
		timer_start_count(a);
		return true;
	case APIC_TDCR:
		a->timer_dcr = val & 0xb;
		return true;
	case APIC_SELF_IPI:
		if (!x2apic_mode(a))
			return true;
		if ((val & 0xff) >= 16)
			lvmm_lapic_set_irq(vcpu, val & 0xff);
		return true;
	}
	for (i = 0; i < LVMM_LVT_NR; i++) {
		if (off != lvt_offset[i])
			continue;
		if (!sw_enabled(a))
			val |= APIC_LVT_MASKED;
		if (i == 0 && (val & LVT_TIMER_MODE) != timer_mode(a)) {
			/* A mode change disarms the timer, as on hardware. */
			timer_stop(a);
			a->tsc_deadline = 0;
		}
		a->lvt[i] = val & lvt_mask[i];
		return true;
	}
	/* Read-only or reserved: ignored in xAPIC mode, #GP in x2APIC mode. */
	return !x2apic_mode(a);
}

bool lvmm_lapic_in_xapic_page(struct lvmm_vcpu *vcpu, u64 gpa)
{
	struct lvmm_lapic *a = vcpu->lapic;

	return a && hw_enabled(a) && !x2apic_mode(a) &&
	       (gpa & ~0xfffULL) == (a->base_msr & ~0xfffULL);
}

u32 lvmm_lapic_mmio_read(struct lvmm_vcpu *vcpu, u32 offset)
{
	return read_reg(vcpu->lapic, offset & 0xff0);
}

void lvmm_lapic_mmio_write(struct lvmm_vcpu *vcpu, u32 offset, u32 val)
{
	/* Only aligned 32-bit stores reach a register; others are dropped. */
	if (!(offset & 0xf))
		write_reg(vcpu, offset, val);
}

static int set_base(struct lvmm_lapic *a, u64 val)
{
	u64 allowed = LVMM_APIC_BASE_BSP | LVMM_APIC_BASE_EXTD | LVMM_APIC_BASE_EN |
		      (0xffffff000ULL);
	bool was_x2 = x2apic_mode(a), to_x2 = val & LVMM_APIC_BASE_EXTD;

	if (val & ~allowed)
		return 1;
	/* EXTD without EN, and x2APIC straight back to xAPIC, are invalid. */
	if ((to_x2 && !(val & LVMM_APIC_BASE_EN)) ||
	    (was_x2 && !to_x2 && (val & LVMM_APIC_BASE_EN)))
		return 1;
	if ((val & LVMM_APIC_BASE_BSP) != (a->base_msr & LVMM_APIC_BASE_BSP))
		return 1;
	/* Disabling loses the state, as on hardware. */
	if (!(val & LVMM_APIC_BASE_EN))
		lvmm_lapic_reset(a->vcpu, true);
	a->base_msr = val;
	if (to_x2 && !was_x2)	/* x2APIC: the logical id follows the APIC id */
		a->ldr = ((a->id >> 4) << 16) | (1U << (a->id & 0xf));
	return 0;
}

int lvmm_lapic_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct lvmm_lapic *a = vcpu->lapic;
	u32 off;

	if (!a)
		return -ENOENT;
	if (index == MSR_IA32_APICBASE) {
		*data = a->base_msr;
		return 0;
	}
	if (index == MSR_IA32_TSC_DEADLINE) {
		*data = a->tsc_deadline;
		return 0;
	}
	if (index < X2APIC_MSR_FIRST || index > X2APIC_MSR_LAST)
		return -ENOENT;
	off = (index - APIC_BASE_MSR) << 4;
	if (!x2apic_mode(a) || off == APIC_EOI || off == APIC_SELF_IPI)
		return 1;
	*data = read_reg(a, off);
	if (off == APIC_ICR)
		*data |= (u64)a->icr_hi << 32;
	return 0;
}

int lvmm_lapic_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct lvmm_lapic *a = vcpu->lapic;
	u32 off;

	if (!a)
		return -ENOENT;
	if (index == MSR_IA32_APICBASE)
		return set_base(a, data);
	if (index == MSR_IA32_TSC_DEADLINE) {
		timer_set_deadline(a, data);
		return 0;
	}
	if (index < X2APIC_MSR_FIRST || index > X2APIC_MSR_LAST)
		return -ENOENT;
	off = (index - APIC_BASE_MSR) << 4;
	if (!x2apic_mode(a))
		return 1;
	if (off == APIC_ICR) {
		if (data & ~((u64)~0U << 32 | ICR_WRITABLE))
			return 1;
		a->icr_hi = data >> 32;
		send_ipi(vcpu, (u32)data, a->icr_hi);
		return 0;
	}
	if (data >> 32 || (off == APIC_EOI && data))
		return 1;
	return write_reg(vcpu, off, data) ? 0 : 1;
}

/* ---- life cycle ---- */

void lvmm_lapic_reset(struct lvmm_vcpu *vcpu, bool init)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned int i;

	timer_stop(a);
	if (!init)
		a->base_msr = LVMM_APIC_DEFAULT_BASE | LVMM_APIC_BASE_EN |
			      (vcpu->id == 0 ? LVMM_APIC_BASE_BSP : 0);
	a->id = vcpu->id;
	a->tpr = a->esr = a->icr_hi = a->ldr = 0;
	a->dfr = APIC_DFR_FLAT;
	a->svr = 0xff;
	for (i = 0; i < LVMM_LVT_NR; i++)
		a->lvt[i] = APIC_LVT_MASKED;
	a->timer_icr = a->timer_dcr = 0;
	a->tsc_deadline = 0;
	bitmap_zero(a->irr, 256);
	bitmap_zero(a->isr, 256);
	if (x2apic_mode(a))
		a->ldr = ((a->id >> 4) << 16) | (1U << (a->id & 0xf));
}

int lvmm_lapic_create(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);

	if (!a)
		return -ENOMEM;
	a->vcpu = vcpu;
	hrtimer_setup(&a->timer, timer_expired, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vcpu->lapic = a;
	lvmm_lapic_reset(vcpu, false);
	/* Application processors wait for INIT and SIPI, as on a PC. */
	a->wait_sipi = vcpu->id != 0;
	return 0;
}

void lvmm_lapic_free(struct lvmm_vcpu *vcpu)
{
	if (!vcpu->lapic)
		return;
	hrtimer_cancel(&vcpu->lapic->timer);
	kfree(vcpu->lapic);
	vcpu->lapic = NULL;
}

static void start_at_sipi(struct lvmm_vcpu *vcpu, u8 vector)
{
	struct lvmm_sregs s;

	lvmm_ops->get_sregs(vcpu, &s);
	s.cs.selector = vector << 8;
	s.cs.base = (u64)vector << 12;
	lvmm_ops->set_sregs(vcpu, &s);
	vcpu->rip = 0;
}

static bool service_due(struct lvmm_lapic *a)
{
	return READ_ONCE(a->init_pending) || READ_ONCE(a->sipi_pending);
}

int lvmm_lapic_service(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	int ret;
	u64 t;

	for (;;) {
		if (READ_ONCE(a->init_pending)) {
			WRITE_ONCE(a->init_pending, false);
			lvmm_vcpu_reset(vcpu);
			lvmm_lapic_reset(vcpu, true);
			a->wait_sipi = true;
		}
		if (READ_ONCE(a->sipi_pending)) {
			WRITE_ONCE(a->sipi_pending, false);
			smp_rmb();	/* pairs with send_init_sipi() */
			if (a->wait_sipi) {
				a->wait_sipi = false;
				start_at_sipi(vcpu, READ_ONCE(a->sipi_vector));
			}
		}
		if (!a->wait_sipi)
			return 0;
		t = local_clock();
		ret = wait_event_interruptible(vcpu->wq, service_due(a));
		lvmm_sleep_end(vcpu, t);
		if (ret)
			return -EINTR;
	}
}

/*
 * HLT with interrupts on: sleep until an interrupt can be delivered,
 * INIT/SIPI, or a signal (the run loop then returns EINTR and the guest
 * resumes after the HLT, like a spurious wake-up). With interrupts off
 * only NMI or INIT could wake it: exit.c leaves that to userspace.
 */
int lvmm_lapic_halt(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	u64 t;

	if (lvmm_lapic_pending_vector(vcpu) >= 0 || service_due(a) ||
	    READ_ONCE(a->nmi_pending))
		return 1;
	lvmm_stat_inc(vcpu, LVMM_STAT_HALT_SLEEPS);
	t = local_clock();
	wait_event_interruptible(vcpu->wq, lvmm_lapic_pending_vector(vcpu) >= 0 ||
				 service_due(a) || READ_ONCE(a->nmi_pending));
	lvmm_sleep_end(vcpu, t);
	return 1;
}
