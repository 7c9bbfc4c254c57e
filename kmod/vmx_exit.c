// SPDX-License-Identifier: GPL-2.0
/*
 * Pure VMX helpers: VMCS control computation and the translation of VM
 * exits to vendor-neutral exits.  No VMCS access here, so KUnit can feed
 * any value.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "vmx.h"

int lvmm_vmx_adjust_controls(u32 min, u32 opt, u64 cap, u32 *ctl)
{
	u32 must = (u32)cap, may = cap >> 32;
	u32 c = ((min | opt) & may) | must;

	if (min & ~c)
		return -EIO;
	*ctl = c;
	return 0;
}

static void set_insn(struct lvmm_exit *x, enum lvmm_exit_kind kind,
		     const struct lvmm_vmx_exit_info *e)
{
	x->kind = kind;
	x->insn_len = e->insn_len;
	x->next_rip = e->rip + e->insn_len;
}

/* Exit qualification of I/O instructions (SDM Vol. 3, table 28-5). */
static void decode_io(const struct lvmm_vmx_exit_info *e, struct lvmm_exit *x)
{
	static const u8 addr_sizes[] = { 2, 4, 8 };
	unsigned int asz = (e->insn_info >> 7) & 7;

	set_insn(x, LVMM_X_IO, e);
	x->io.size = (e->qual & 7) + 1;
	x->io.in = e->qual & BIT(3);
	x->io.string = e->qual & BIT(4);
	x->io.rep = e->qual & BIT(5);
	x->io.port = e->qual >> 16;
	x->io.addr_size = e->default_addr_size;
	if (x->io.string && e->insn_info_valid && asz < ARRAY_SIZE(addr_sizes))
		x->io.addr_size = addr_sizes[asz];
}

static void decode_exception(const struct lvmm_vmx_exit_info *e, struct lvmm_exit *x)
{
	u32 type = e->intr_info & INTR_INFO_INTR_TYPE_MASK;

	/* NMIs are the host's: vmx.c hands them over before we get here. */
	if (type == INTR_TYPE_NMI_INTR) {
		x->kind = LVMM_X_NONE;
		return;
	}
	x->kind = LVMM_X_EXCEPTION;
	x->exc.vector = e->intr_info & INTR_INFO_VECTOR_MASK;
	x->exc.has_error = e->intr_info & INTR_INFO_DELIVER_CODE_MASK;
	x->exc.error = x->exc.has_error ? e->intr_error : 0;
}

void lvmm_vmx_decode_exit(const struct lvmm_vmx_exit_info *e, struct lvmm_exit *x)
{
	memset(x, 0, sizeof(*x));
	x->code = e->reason;
	x->info1 = e->qual;
	x->info2 = e->gpa;

	if (e->reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		x->kind = LVMM_X_FAIL_ENTRY;
		return;
	}
	switch (e->reason & 0xffff) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_PREEMPTION_TIMER:
		x->kind = LVMM_X_NONE;
		break;
	case EXIT_REASON_EXCEPTION_NMI:
		decode_exception(e, x);
		break;
	case EXIT_REASON_TRIPLE_FAULT:
		x->kind = LVMM_X_SHUTDOWN;
		break;
	case EXIT_REASON_INTERRUPT_WINDOW:
		x->kind = LVMM_X_IRQ_WINDOW;
		break;
	case EXIT_REASON_NMI_WINDOW:
		x->kind = LVMM_X_NMI_WINDOW;
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		decode_io(e, x);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		x->kind = LVMM_X_NPF;
		x->npf.gpa = e->gpa;
		x->npf.write = e->qual & EPT_VIOLATION_ACC_WRITE;
		x->npf.present = e->qual & (7 << 3);
		/* A linear address that was not the final one: a table walk. */
		x->npf.in_walk = (e->qual & EPT_VIOLATION_GVA_IS_VALID) &&
				 !(e->qual & EPT_VIOLATION_GVA_TRANSLATED);
		break;
	case EXIT_REASON_HLT:
		set_insn(x, LVMM_X_HLT, e);
		break;
	case EXIT_REASON_PAUSE_INSTRUCTION:
		set_insn(x, LVMM_X_PAUSE, e);
		break;
	case EXIT_REASON_CPUID:
		set_insn(x, LVMM_X_CPUID, e);
		break;
	case EXIT_REASON_MSR_READ:
		set_insn(x, LVMM_X_RDMSR, e);
		break;
	case EXIT_REASON_MSR_WRITE:
		set_insn(x, LVMM_X_WRMSR, e);
		break;
	case EXIT_REASON_VMCALL:
		set_insn(x, LVMM_X_HYPERCALL, e);
		break;
	case EXIT_REASON_INVD:
		set_insn(x, LVMM_X_NOP, e);
		break;
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_XSETBV:
	case EXIT_REASON_MWAIT_INSTRUCTION:
	case EXIT_REASON_MONITOR_INSTRUCTION:
		x->kind = LVMM_X_UD;
		break;
	default:
		/* EPT misconfiguration included: lvmm never writes one. */
		x->kind = LVMM_X_UNHANDLED;
	}
}
