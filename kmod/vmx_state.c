// SPDX-License-Identifier: GPL-2.0
/*
 * VMX guest state: segments, control registers (with the bits the CPU
 * pins kept behind read shadows), MSRs, and event injection.
 */
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "sregs.h"
#include "vmx_vmcs.h"

/* ---- control registers ---- */

void vmx_write_cr0(struct lvmm_vmx *vmx, u64 cr0)
{
	vmx->cr0_shadow = cr0;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | lvmm_vmx_config.cr0_fixed0) & lvmm_vmx_config.cr0_fixed1);
}

void vmx_write_cr4(struct lvmm_vmx *vmx, u64 cr4)
{
	vmx->cr4_shadow = cr4;
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | lvmm_vmx_config.cr4_fixed0) & lvmm_vmx_config.cr4_fixed1);
}

/* EFER as the guest sees it, and the entry control that must match LMA. */
void vmx_write_efer(struct lvmm_vmx *vmx, u64 efer)
{
	u32 entry = vmcs_read(VM_ENTRY_CONTROLS) & ~VM_ENTRY_IA32E_MODE;

	vmcs_write(GUEST_IA32_EFER, efer);
	vmcs_write(VM_ENTRY_CONTROLS, entry | ((efer & EFER_LMA) ? VM_ENTRY_IA32E_MODE : 0));
}

static bool pae_paging(struct lvmm_vmx *vmx)
{
	return (vmx->cr0_shadow & X86_CR0_PG) && (vmx->cr4_shadow & X86_CR4_PAE) &&
	       !(vmcs_read(GUEST_IA32_EFER) & EFER_LMA);
}

/* PAE paging under EPT: VM entry takes the PDPTEs from the VMCS. */
static int vmx_load_pdptrs(struct lvmm_vcpu *vcpu)
{
	u64 pdpte[4];
	int i;

	if (!pae_paging(to_vmx(vcpu)))
		return 0;
	if (lvmm_read_guest(vcpu, vmcs_read(GUEST_CR3) & ~0x1fULL, pdpte, sizeof(pdpte)))
		return -EFAULT;
	for (i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + i * 2, pdpte[i]);
	return 0;
}

/* ---- segments and special registers ---- */

/* VMCS field numbers of each segment. */
static const struct {
	u32 sel, base, limit, ar;
} seg_fields[] = {
	[SEG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[SEG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[SEG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[SEG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[SEG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[SEG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[SEG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
	[SEG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
			     GUEST_LDTR_AR_BYTES },
};

void vmx_write_seg(unsigned int i, const struct lvmm_segment *s)
{
	u32 ar = s->type | s->s << 4 | s->dpl << 5 | s->present << 7 | s->avl << 12 |
		 s->l << 13 | s->db << 14 | s->g << 15;

	if (s->unusable || !s->present)
		ar = VMX_AR_UNUSABLE_MASK;
	vmcs_write(seg_fields[i].sel, s->selector);
	vmcs_write(seg_fields[i].base, s->base);
	vmcs_write(seg_fields[i].limit, s->limit);
	vmcs_write(seg_fields[i].ar, ar);
}

static void vmx_read_seg(unsigned int i, struct lvmm_segment *s)
{
	u32 ar = vmcs_read(seg_fields[i].ar);

	s->selector = vmcs_read(seg_fields[i].sel);
	s->base = vmcs_read(seg_fields[i].base);
	s->limit = vmcs_read(seg_fields[i].limit);
	s->unusable = !!(ar & VMX_AR_UNUSABLE_MASK);
	if (s->unusable)
		return;
	s->type = ar & 0xf;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	s->present = (ar >> 7) & 1;
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
}

static u64 vmx_guest_cr0(struct lvmm_vmx *vmx)
{
	u64 mask = lvmm_vmx_config.cr0_guest_mask;

	return (vmcs_read(GUEST_CR0) & ~mask) | (vmx->cr0_shadow & mask);
}

static u64 vmx_guest_cr4(struct lvmm_vmx *vmx)
{
	u64 mask = lvmm_vmx_config.cr4_guest_mask;

	return (vmcs_read(GUEST_CR4) & ~mask) | (vmx->cr4_shadow & mask);
}

void vmx_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *s)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);

	vmx_read_seg(SEG_CS, &s->cs);
	vmx_read_seg(SEG_DS, &s->ds);
	vmx_read_seg(SEG_ES, &s->es);
	vmx_read_seg(SEG_FS, &s->fs);
	vmx_read_seg(SEG_GS, &s->gs);
	vmx_read_seg(SEG_SS, &s->ss);
	vmx_read_seg(SEG_TR, &s->tr);
	vmx_read_seg(SEG_LDTR, &s->ldt);
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	s->cr0 = vmx_guest_cr0(vmx);
	s->cr2 = vmx->cr2;
	s->cr3 = vmcs_read(GUEST_CR3);
	s->cr4 = vmx_guest_cr4(vmx);
	s->cr8 = vmx->cr8;
	s->efer = vmcs_read(GUEST_IA32_EFER);
}

void vmx_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);

	vmx_write_seg(SEG_CS, &s->cs);
	vmx_write_seg(SEG_DS, &s->ds);
	vmx_write_seg(SEG_ES, &s->es);
	vmx_write_seg(SEG_FS, &s->fs);
	vmx_write_seg(SEG_GS, &s->gs);
	vmx_write_seg(SEG_SS, &s->ss);
	vmx_write_seg(SEG_TR, &s->tr);
	vmx_write_seg(SEG_LDTR, &s->ldt);
	vmcs_write(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s->idt.limit);
	vmx_write_cr0(vmx, s->cr0);
	vmx->cr2 = s->cr2;
	vmcs_write(GUEST_CR3, s->cr3);
	vmx_write_cr4(vmx, s->cr4);
	vmx->cr8 = s->cr8;
	vmx_write_efer(vmx, s->efer);
	/* Unreadable PDPTEs fault at entry; the guest then sees its own mistake. */
	vmx_load_pdptrs(vcpu);
	/* New paging state: no cached translation may survive. */
	vcpu->last_cpu = -1;
}

/* ---- MSRs ---- */

static int switched_index(u32 msr)
{
	int i;

	for (i = 0; i < NR_SWITCHED_MSRS; i++)
		if (lvmm_vmx_switched_msrs[i] == msr)
			return i;
	return -1;
}

int vmx_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	int i = switched_index(index);

	if (i >= 0) {
		*data = vmx->guest_msrs[i].value;
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*data = vmcs_read(GUEST_IA32_EFER);
		break;
	case MSR_CSTAR:
		*data = vmx->cstar;
		break;
	case MSR_FS_BASE:
		*data = vmcs_read(GUEST_FS_BASE);
		break;
	case MSR_GS_BASE:
		*data = vmcs_read(GUEST_GS_BASE);
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read(GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_read(GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_read(GUEST_SYSENTER_EIP);
		break;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read(GUEST_IA32_PAT);
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcs_read(TSC_OFFSET);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

int vmx_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	u64 efer;

	switch (index) {
	case MSR_EFER:
		efer = vmcs_read(GUEST_IA32_EFER);
		if (!lvmm_efer_write_ok(efer, data, vmx->cr0_shadow))
			return -EINVAL;
		/* LMA is the CPU's to set. */
		vmx_write_efer(vmx, (data & ~(u64)EFER_LMA) | (efer & EFER_LMA));
		return 0;
	case MSR_STAR:
		vmx->guest_msrs[SW_STAR].value = data;
		return 0;
	case MSR_SYSCALL_MASK:
		vmx->guest_msrs[SW_SFMASK].value = (u32)data;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (u32)data);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lvmm_pat_valid(data))
			return -EINVAL;
		vmcs_write(GUEST_IA32_PAT, data);
		return 0;
	case MSR_IA32_TSC:
		vmcs_write(TSC_OFFSET, data - rdtsc());
		return 0;
	}

	/* The rest hold addresses the hardware loads for us: canonical only. */
	if (!lvmm_is_canonical(data))
		return -EINVAL;
	switch (index) {
	case MSR_LSTAR:
		vmx->guest_msrs[SW_LSTAR].value = data;
		break;
	case MSR_KERNEL_GS_BASE:
		vmx->guest_msrs[SW_KERNEL_GS_BASE].value = data;
		break;
	case MSR_CSTAR:
		vmx->cstar = data;
		break;
	case MSR_FS_BASE:
		vmcs_write(GUEST_FS_BASE, data);
		break;
	case MSR_GS_BASE:
		vmcs_write(GUEST_GS_BASE, data);
		break;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_write(GUEST_SYSENTER_ESP, data);
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_write(GUEST_SYSENTER_EIP, data);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* ---- events ---- */

bool vmx_interrupt_allowed(struct lvmm_vcpu *vcpu)
{
	u32 shadow = vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		     (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);

	/* Past the instruction that exited, its shadow is over (see vmx_vcpu_run). */
	if (vcpu->rip != to_vmx(vcpu)->exit_rip)
		shadow = 0;
	return (vcpu->rflags & X86_EFLAGS_IF) && !shadow &&
	       !(vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

void vmx_inject_irq(struct lvmm_vcpu *vcpu, u8 vector)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
}

void vmx_inject_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* Real mode pushes no error code, and VM entry insists on that. */
	if (has_error && (to_vmx(vcpu)->cr0_shadow & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
}

static void vmx_set_proc_ctl(struct lvmm_vmx *vmx, u32 bit, bool enable)
{
	u32 ctl = enable ? vmx->proc_ctl | bit : vmx->proc_ctl & ~bit;

	if (ctl != vmx->proc_ctl) {
		vmx->proc_ctl = ctl;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, ctl);
	}
}

void vmx_set_irq_window(struct lvmm_vcpu *vcpu, bool enable)
{
	vmx_set_proc_ctl(to_vmx(vcpu), CPU_BASED_INTR_WINDOW_EXITING, enable);
}

/* With virtual NMIs the CPU tracks the guest's NMI blocking (until IRET). */
bool vmx_nmi_allowed(struct lvmm_vcpu *vcpu)
{
	u32 block = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	if (vcpu->rip != to_vmx(vcpu)->exit_rip)
		block &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	return !(block & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !(vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

void vmx_inject_nmi(struct lvmm_vcpu *vcpu)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, X86_TRAP_NMI | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
}

void vmx_request_nmi_window(struct lvmm_vcpu *vcpu)
{
	vmx_set_proc_ctl(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING, true);
}

void vmx_nmi_window_exit(struct lvmm_vcpu *vcpu)
{
	vmx_set_proc_ctl(to_vmx(vcpu), CPU_BASED_NMI_WINDOW_EXITING, false);
}

/*
 * An IRET that unblocked NMIs faulted (EPT violation, intercepted
 * exception): it runs again, so NMIs stay blocked until it completes
 * (SDM 27.2.3, "NMI unblocking due to IRET").
 */
void vmx_reblock_nmi(const struct lvmm_vmx_exit_info *e, u32 idt_info)
{
	bool unblocked;

	if (!vmx_has_nmi() || (idt_info & VECTORING_INFO_VALID_MASK))
		return;
	switch (e->reason & 0xffff) {
	case EXIT_REASON_EPT_VIOLATION:
		/* Bit 12 of the qualification, as in the interruption info. */
		unblocked = e->qual & INTR_INFO_UNBLOCK_NMI;
		break;
	case EXIT_REASON_EXCEPTION_NMI:
		unblocked = e->intr_info & INTR_INFO_UNBLOCK_NMI;
		break;
	default:
		return;
	}
	if (unblocked)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) | GUEST_INTR_STATE_NMI);
}

/* An event cut short by the exit (e.g. a fault on the IDT) is delivered again. */
void vmx_requeue_event(u32 idt_info)
{
	u32 type = idt_info & VECTORING_INFO_TYPE_MASK;

	if (!(idt_info & VECTORING_INFO_VALID_MASK))
		return;
	/* Software interrupts and exceptions re-execute their instruction. */
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		return;
	if (idt_info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read(IDT_VECTORING_ERROR_CODE));
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, idt_info & (VECTORING_INFO_VALID_MASK | 0xfff));
}

/* ---- control register exits ---- */

static bool vmx_set_cr0(struct lvmm_vcpu *vcpu, u64 val)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	u64 efer = vmcs_read(GUEST_IA32_EFER), old = vmx->cr0_shadow;

	if (val >> 32 || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return false;
	if ((val & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(vmx->cr4_shadow & X86_CR4_PAE))
			return false;
		vmx_write_efer(vmx, efer | EFER_LMA);
	} else if (!(val & X86_CR0_PG) && (old & X86_CR0_PG) && (efer & EFER_LMA)) {
		vmx_write_efer(vmx, efer & ~(u64)EFER_LMA);
	}
	vmx_write_cr0(vmx, val);
	return true;
}

static bool vmx_set_cr4(struct lvmm_vcpu *vcpu, u64 val)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);

	if (val & ~(u64)LVMM_CR4_VALID)
		return false;
	/* Bits this CPU cannot run a guest with. */
	if (val & ~lvmm_vmx_config.cr4_fixed1)
		return false;
	if (!(val & X86_CR4_PAE) && (vmcs_read(GUEST_IA32_EFER) & EFER_LMA))
		return false;
	vmx_write_cr4(vmx, val);
	return true;
}

/*
 * MOV to/from CR0, CR4 (bits the hardware pins) and CR8 (no TPR shadow).
 * Returns false to inject #GP.
 */
bool vmx_handle_cr(struct lvmm_vcpu *vcpu, u64 qual)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	unsigned int cr = qual & 15, type = (qual >> 4) & 3, reg = (qual >> 8) & 15;
	unsigned long *r = &vcpu->regs[reg];
	bool ok;

	if (type == 1 && cr == 8) {		/* MOV from CR8 */
		*r = vmx->cr8;
		return true;
	}
	if (type != 0)				/* CLTS and LMSW touch no pinned bit */
		return false;
	switch (cr) {
	case 0:
		ok = vmx_set_cr0(vcpu, *r);
		break;
	case 4:
		ok = vmx_set_cr4(vcpu, *r);
		break;
	case 8:
		ok = *r <= 15;
		if (ok)
			vmx->cr8 = *r;
		return ok;
	default:
		return false;
	}
	if (!ok)
		return false;
	/* Paging changed under cached translations: drop them. */
	if (lvmm_vmx_config.has_vpid)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vmx->vpid);
	return !vmx_load_pdptrs(vcpu);
}
