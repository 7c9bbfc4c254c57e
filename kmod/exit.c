// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor-neutral exit handling: the backend has translated the hardware
 * exit into a struct lvmm_exit; here each kind is either finished in the
 * kernel (return 1: re-enter) or described in the run page for userspace
 * (return 0).  Work that needs userspace's answer (IN, MMIO reads,
 * hypercalls) is completed by lvmm_complete_pending() on the next RUN.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>

#include "lvmm.h"
#include "cpuid.h"
#include "emulate.h"
#include "gva.h"
#include "lapic.h"

/* Without NRIP save the backend gives the intercepted instruction's length. */
static u64 next_rip(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	return x->next_rip ? x->next_rip : vcpu->rip + x->insn_len;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static u64 reg_read(struct lvmm_vcpu *vcpu, u8 reg, u8 size, bool high_byte)
{
	if (high_byte)
		return (vcpu->regs[reg] >> 8) & 0xff;
	return vcpu->regs[reg] & size_mask(size);
}

/* Write like the CPU does: 8/16-bit writes merge, 32-bit zero-extends. */
static void reg_write(struct lvmm_vcpu *vcpu, u8 reg, u64 val, u8 size, bool high_byte)
{
	unsigned long *r = &vcpu->regs[reg];

	if (high_byte)
		*r = (*r & ~0xff00UL) | ((val & 0xff) << 8);
	else if (size < 4)
		*r = (*r & ~size_mask(size)) | (val & size_mask(size));
	else
		*r = val & size_mask(size);
}

static int internal_error(struct lvmm_vcpu *vcpu, u32 suberror, u32 ndata,
			  u64 d0, u64 d1, u64 d2)
{
	struct lvmm_run *run = vcpu->run;

	run->exit_reason = LVMM_EXIT_INTERNAL_ERROR;
	vcpu->exit_event = LVMM_EVENT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = d2;
	return 0;
}

static int read_phys(void *ctx, u64 gpa, u64 *val, int size)
{
	*val = 0;
	return lvmm_read_guest(ctx, gpa, val, size);
}

static int linear_to_gpa(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s, u64 la, u64 *gpa)
{
	struct lvmm_paging p = {
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
	};

	return lvmm_gva_to_gpa(&p, la, read_phys, vcpu, gpa);
}

static bool long_mode_code(const struct lvmm_sregs *s)
{
	return (s->efer & EFER_LMA) && s->cs.l;
}

/* Default operand size of the code at CS, in bytes. */
static int code_mode(const struct lvmm_sregs *s)
{
	if (long_mode_code(s))
		return 8;
	return (s->cr0 & X86_CR0_PE) && s->cs.db ? 4 : 2;
}

static u64 linear(const struct lvmm_sregs *s, u64 base, u64 off)
{
	return (s->efer & EFER_LMA) ? base + off : (u32)(base + off);
}

/* Up to 15 instruction bytes at CS:RIP; returns how many could be read. */
static unsigned int fetch_insn(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s, u8 *buf)
{
	u64 la = linear(s, long_mode_code(s) ? 0 : s->cs.base, vcpu->rip);
	unsigned int got = 0;

	while (got < LVMM_MAX_INSN_LEN) {
		unsigned int chunk = min_t(unsigned int, LVMM_MAX_INSN_LEN - got,
					   PAGE_SIZE - ((la + got) & ~PAGE_MASK));
		u64 gpa;

		if (linear_to_gpa(vcpu, s, la + got, &gpa) ||
		    lvmm_read_guest(vcpu, gpa, buf + got, chunk))
			break;
		got += chunk;
	}
	return got;
}

/* Update RSI/RDI (and RCX under REP) after @count string I/O elements. */
static void advance_string(struct lvmm_vcpu *vcpu, u8 reg, u32 count, u8 size,
			   u8 addr_size, bool rep, u64 rip_after)
{
	u64 mask = size_mask(addr_size), delta = (u64)count * size;
	unsigned long *r = &vcpu->regs[reg];
	unsigned long *rcx = &vcpu->regs[LVMM_RCX];

	if (vcpu->rflags & X86_EFLAGS_DF)
		delta = -delta;
	*r = (*r & ~mask) | ((*r + delta) & mask);
	if (!rep) {
		vcpu->rip = rip_after;
		return;
	}
	*rcx = (*rcx & ~mask) | ((*rcx - count) & mask);
	/* Leave RIP on the instruction while elements remain: it runs again. */
	if (!(*rcx & mask))
		vcpu->rip = rip_after;
}

static int handle_string_io(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x, void *data)
{
	u64 mask = size_mask(x->io.addr_size), rcx = vcpu->regs[LVMM_RCX] & mask;
	u8 size = x->io.size;
	struct lvmm_sregs s;
	u64 la, gpa, count;
	unsigned int room;

	if (x->io.rep && !rcx) {
		vcpu->rip = x->next_rip;
		return 1;
	}
	lvmm_ops->get_sregs(vcpu, &s);
	/* INS writes ES:RDI; OUTS reads DS:RSI (segment overrides unsupported). */
	if (x->io.in)
		la = linear(&s, s.es.base, vcpu->regs[LVMM_RDI] & mask);
	else
		la = linear(&s, s.ds.base, vcpu->regs[LVMM_RSI] & mask);
	if (linear_to_gpa(vcpu, &s, la, &gpa))
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_EMULATION, 1, la, 0, 0);

	/* Stay within one guest page and the run page's data area. */
	room = min_t(unsigned int, PAGE_SIZE - (gpa & ~PAGE_MASK),
		     PAGE_SIZE - LVMM_RUN_IO_DATA_OFFSET);
	count = x->io.rep ? rcx : 1;
	if (vcpu->rflags & X86_EFLAGS_DF)
		count = 1;
	count = min_t(u64, count, room / size);
	if (!count)
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_EMULATION, 1, gpa, 0, 0);
	vcpu->run->io.count = count;

	if (x->io.in) {
		vcpu->pending = LVMM_PENDING_IO_IN;
		vcpu->pend.string = true;
		vcpu->pend.gpa = gpa;
		vcpu->pend.count = count;
		vcpu->pend.size = size;
		vcpu->pend.addr_size = x->io.addr_size;
		vcpu->pend.rep = x->io.rep;
		vcpu->pend.next_rip = x->next_rip;
		return 0;
	}
	if (lvmm_read_guest(vcpu, gpa, data, count * size))
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_EMULATION, 1, gpa, 0, 0);
	advance_string(vcpu, LVMM_RSI, count, size, x->io.addr_size, x->io.rep, x->next_rip);
	return 0;
}

static int handle_io(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	struct lvmm_run *run = vcpu->run;
	void *data = (char *)run + LVMM_RUN_IO_DATA_OFFSET;

	run->exit_reason = LVMM_EXIT_IO;
	run->io.direction = x->io.in ? LVMM_EXIT_IO_IN : LVMM_EXIT_IO_OUT;
	run->io.size = x->io.size;
	run->io.port = x->io.port;
	run->io.count = 1;
	run->io.data_offset = LVMM_RUN_IO_DATA_OFFSET;

	if (x->io.string)
		return handle_string_io(vcpu, x, data);
	if (x->io.in) {
		vcpu->pending = LVMM_PENDING_IO_IN;
		vcpu->pend.string = false;
		vcpu->pend.size = x->io.size;
		vcpu->pend.next_rip = x->next_rip;
		return 0;
	}
	memcpy(data, &vcpu->regs[LVMM_RAX], x->io.size);
	vcpu->rip = x->next_rip;
	return 0;
}

/* The xAPIC page: finished here, without a trip to userspace. */
static int lapic_mmio(struct lvmm_vcpu *vcpu, u64 gpa, const struct lvmm_insn *insn)
{
	u32 off = gpa & 0xfff;
	u64 val;

	if (insn->write) {
		val = insn->has_imm ? insn->imm : reg_read(vcpu, insn->reg, insn->size,
							   insn->high_byte);
		if (insn->size == 4)
			lvmm_lapic_mmio_write(vcpu, off, val);
	} else {
		val = lvmm_lapic_mmio_read(vcpu, off) >> (off & 3) * 8;
		val &= size_mask(insn->size);
		if (insn->sign_extend)
			val = insn->size == 1 ? (u64)(s64)(s8)val : (u64)(s64)(s16)val;
		reg_write(vcpu, insn->reg, val, insn->dst_size, insn->high_byte);
	}
	vcpu->rip += insn->len;
	return 1;
}

static int handle_mmio(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	struct lvmm_run *run = vcpu->run;
	u8 bytes[LVMM_MAX_INSN_LEN] = { 0 };
	struct lvmm_insn insn;
	struct lvmm_sregs s;
	unsigned int got;
	u64 b0, b1, val;

	lvmm_ops->get_sregs(vcpu, &s);
	got = fetch_insn(vcpu, &s, bytes);
	if (lvmm_decode_mmio(bytes, got, code_mode(&s), &insn)) {
		memcpy(&b0, bytes, 8);
		memcpy(&b1, bytes + 8, 7);
		b1 &= (1ULL << 56) - 1;
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_EMULATION, 3, x->npf.gpa, b0, b1);
	}

	if (lvmm_lapic_in_xapic_page(vcpu, x->npf.gpa)) {
		lvmm_stat_inc(vcpu, LVMM_STAT_APIC_MMIO);
		return lapic_mmio(vcpu, x->npf.gpa, &insn);
	}
	lvmm_stat_inc(vcpu, LVMM_STAT_MMIO);

	run->exit_reason = LVMM_EXIT_MMIO;
	run->mmio.phys_addr = x->npf.gpa;
	run->mmio.len = insn.size;
	run->mmio.is_write = insn.write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (insn.write) {
		val = insn.has_imm ? insn.imm : reg_read(vcpu, insn.reg, insn.size, insn.high_byte);
		memcpy(run->mmio.data, &val, insn.size);
		vcpu->rip += insn.len;
		return 0;
	}
	vcpu->pending = LVMM_PENDING_MMIO_READ;
	vcpu->pend.reg = insn.reg;
	vcpu->pend.size = insn.size;
	vcpu->pend.high_byte = insn.high_byte;
	vcpu->pend.dst_size = insn.dst_size;
	vcpu->pend.sign_extend = insn.sign_extend;
	vcpu->pend.next_rip = vcpu->rip + insn.len;
	return 0;
}

static int handle_npf(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	int ret = lvmm_fault_in(vcpu, x->npf.gpa, x->npf.write);

	if (ret) {
		lvmm_stat_inc(vcpu, LVMM_STAT_PAGE_FAULT);
		return ret;
	}
	/* An interrupt frame pushed to MMIO: no instruction to emulate. */
	if (x->in_delivery)
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_DELIVERY, 2, x->code,
				      x->npf.gpa, 0);
	/* The guest keeps its page tables in MMIO: nothing we can emulate. */
	if (x->npf.in_walk)
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_EMULATION, 1, x->npf.gpa, 0, 0);
	return handle_mmio(vcpu, x);
}

static int handle_cpuid(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	const struct lvmm_cpuid_entry *e;
	unsigned long *r = vcpu->regs;

	e = lvmm_cpuid_find(vcpu->cpuid, vcpu->cpuid_nent, (u32)r[LVMM_RAX], (u32)r[LVMM_RCX]);
	r[LVMM_RAX] = e ? e->eax : 0;
	r[LVMM_RBX] = e ? e->ebx : 0;
	r[LVMM_RCX] = e ? e->ecx : 0;
	r[LVMM_RDX] = e ? e->edx : 0;
	vcpu->rip = next_rip(vcpu, x);
	return 1;
}

static int handle_msr(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	unsigned long *r = vcpu->regs;
	u32 index = r[LVMM_RCX];
	u64 data;

	if (x->kind == LVMM_X_RDMSR) {
		if (lvmm_get_msr(vcpu, index, &data))
			goto gp;
		r[LVMM_RAX] = (u32)data;
		r[LVMM_RDX] = data >> 32;
	} else {
		data = (u32)r[LVMM_RAX] | (u64)r[LVMM_RDX] << 32;
		if (lvmm_set_msr(vcpu, index, data))
			goto gp;
	}
	vcpu->rip = next_rip(vcpu, x);
	return 1;
gp:
	lvmm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

static int handle_hypercall(struct lvmm_vcpu *vcpu, const struct lvmm_exit *x)
{
	struct lvmm_run *run = vcpu->run;
	unsigned long *r = vcpu->regs;

	run->exit_reason = LVMM_EXIT_HYPERCALL;
	run->hypercall.nr = r[LVMM_RAX];
	run->hypercall.args[0] = r[LVMM_RBX];
	run->hypercall.args[1] = r[LVMM_RCX];
	run->hypercall.args[2] = r[LVMM_RDX];
	run->hypercall.args[3] = r[LVMM_RSI];
	run->hypercall.ret = 0;
	vcpu->pending = LVMM_PENDING_HYPERCALL;
	vcpu->pend.next_rip = next_rip(vcpu, x);
	return 0;
}

/* What each kind of exit counts as (NPF is sorted out in handle_npf()). */
static const u8 exit_stat[] = {
	[LVMM_X_NONE] = LVMM_STAT_HOST_INTR,
	[LVMM_X_IO] = LVMM_STAT_IO,
	[LVMM_X_NOP] = LVMM_STAT_OTHER,
	[LVMM_X_HLT] = LVMM_STAT_HLT,
	[LVMM_X_PAUSE] = LVMM_STAT_PAUSE,
	[LVMM_X_CPUID] = LVMM_STAT_CPUID,
	[LVMM_X_RDMSR] = LVMM_STAT_MSR,
	[LVMM_X_WRMSR] = LVMM_STAT_MSR,
	[LVMM_X_HYPERCALL] = LVMM_STAT_OTHER,
	[LVMM_X_SHUTDOWN] = LVMM_STAT_OTHER,
	[LVMM_X_FAIL_ENTRY] = LVMM_STAT_OTHER,
	[LVMM_X_IRQ_WINDOW] = LVMM_STAT_IRQ_WINDOW,
	[LVMM_X_NMI_WINDOW] = LVMM_STAT_IRQ_WINDOW,
	[LVMM_X_EXCEPTION] = LVMM_STAT_OTHER,
	[LVMM_X_UD] = LVMM_STAT_OTHER,
	[LVMM_X_BACKEND] = LVMM_STAT_OTHER,
	[LVMM_X_UNHANDLED] = LVMM_STAT_OTHER,
	[LVMM_X_HOST_STATE] = LVMM_STAT_OTHER,
};

int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *x)
{
	struct lvmm_run *run = vcpu->run;

	if (x->entered && x->kind != LVMM_X_NPF && x->kind < ARRAY_SIZE(exit_stat))
		lvmm_stat_inc(vcpu, exit_stat[x->kind]);

	switch (x->kind) {
	case LVMM_X_NONE:
		return 1;
	case LVMM_X_IO:
		return handle_io(vcpu, x);
	case LVMM_X_NPF:
		return handle_npf(vcpu, x);
	case LVMM_X_NOP:
		vcpu->rip = next_rip(vcpu, x);
		return 1;
	case LVMM_X_HLT:
		vcpu->rip = next_rip(vcpu, x);
		if (vcpu->lapic && (vcpu->rflags & X86_EFLAGS_IF))
			return lvmm_lapic_halt(vcpu);
		run->exit_reason = LVMM_EXIT_HLT;
		return 0;
	case LVMM_X_PAUSE:
		vcpu->rip = next_rip(vcpu, x);
		lvmm_vcpu_on_spin(vcpu);
		return 1;
	case LVMM_X_CPUID:
		return handle_cpuid(vcpu, x);
	case LVMM_X_RDMSR:
	case LVMM_X_WRMSR:
		return handle_msr(vcpu, x);
	case LVMM_X_HYPERCALL:
		return handle_hypercall(vcpu, x);
	case LVMM_X_SHUTDOWN:
		/* The hardware leaves the state undefined: back to reset. */
		lvmm_vcpu_reset(vcpu);
		run->exit_reason = LVMM_EXIT_SHUTDOWN;
		vcpu->exit_event = LVMM_EVENT_SHUTDOWN;
		return 0;
	case LVMM_X_FAIL_ENTRY:
		run->exit_reason = LVMM_EXIT_FAIL_ENTRY;
		vcpu->exit_event = LVMM_EVENT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = x->code;
		run->fail_entry.cpu = vcpu->last_cpu;
		return 0;
	case LVMM_X_IRQ_WINDOW:
		lvmm_ops->set_irq_window(vcpu, false);
		return 1;
	case LVMM_X_NMI_WINDOW:
		lvmm_ops->nmi_window_exit(vcpu);
		return 1;
	case LVMM_X_EXCEPTION:
		lvmm_ops->inject_exception(vcpu, x->exc.vector, x->exc.has_error, x->exc.error);
		return 1;
	case LVMM_X_UD:
		lvmm_ops->inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	case LVMM_X_BACKEND:
		return lvmm_ops->handle_exit(vcpu, x);
	case LVMM_X_HOST_STATE:
		pr_warn_ratelimited("lvmm: vCPU %u came back from the guest with the host's state (an emulated SVM?); its state is lost, vCPU reset\n",
				    vcpu->id);
		lvmm_vcpu_reset(vcpu);
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_HOST_STATE, 1,
				      vcpu->last_cpu, 0, 0);
	case LVMM_X_UNHANDLED:
	default:
		return internal_error(vcpu, LVMM_INTERNAL_ERROR_UNHANDLED_EXIT, 3,
				      x->code, x->info1, x->info2);
	}
}

/* Finish what the last exit left to userspace, using the run page. */
int lvmm_complete_pending(struct lvmm_vcpu *vcpu)
{
	struct lvmm_run *run = vcpu->run;
	void *data = (char *)run + LVMM_RUN_IO_DATA_OFFSET;
	enum lvmm_pending p = vcpu->pending;
	u64 val = 0;

	vcpu->pending = LVMM_PENDING_NONE;
	switch (p) {
	case LVMM_PENDING_NONE:
		return 0;
	case LVMM_PENDING_IO_IN:
		if (!vcpu->pend.string) {
			memcpy(&val, data, vcpu->pend.size);
			reg_write(vcpu, LVMM_RAX, val, vcpu->pend.size, false);
			vcpu->rip = vcpu->pend.next_rip;
			return 0;
		}
		if (lvmm_write_guest(vcpu, vcpu->pend.gpa, data,
				     vcpu->pend.count * vcpu->pend.size))
			return -EFAULT;
		advance_string(vcpu, LVMM_RDI, vcpu->pend.count, vcpu->pend.size,
			       vcpu->pend.addr_size, vcpu->pend.rep,
			       vcpu->pend.next_rip);
		return 0;
	case LVMM_PENDING_MMIO_READ:
		memcpy(&val, run->mmio.data, vcpu->pend.size);
		if (vcpu->pend.sign_extend)
			val = vcpu->pend.size == 1 ? (u64)(s64)(s8)val : (u64)(s64)(s16)val;
		reg_write(vcpu, vcpu->pend.reg, val, vcpu->pend.dst_size, vcpu->pend.high_byte);
		vcpu->rip = vcpu->pend.next_rip;
		return 0;
	case LVMM_PENDING_HYPERCALL:
		vcpu->regs[LVMM_RAX] = run->hypercall.ret;
		vcpu->rip = vcpu->pend.next_rip;
		return 0;
	}
	return 0;
}
