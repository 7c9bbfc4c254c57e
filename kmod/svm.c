// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend: VMCB setup, the world switch, state accessors and
 * event injection.  Policy lives in the vendor-neutral core.
 */
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "lvmm.h"
#include "compat.h"
#include "sregs.h"
#include "svm_exit.h"

#define IOPM_SIZE	(3 * PAGE_SIZE)
#define MSRPM_SIZE	(2 * PAGE_SIZE)
#define SVM_RESET_PAT	0x0007040600070406ULL
#define RESET_DR6	0xffff0ff0ULL
#define RESET_DR7	0x400ULL

struct lvmm_svm {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;			/* valid on asid_cpu in asid_generation */
	int asid_cpu;
	u64 asid_generation;
	u64 exit_rip;			/* RIP at the last exit */
	/*
	 * SVM does not track the guest's NMI blocking: lvmm does, from the
	 * injection to the IRET that ends the handler (intercepted), and on
	 * until that IRET has run, i.e. RIP has left it.
	 */
	bool nmi_masked, awaiting_iret;
	u64 iret_rip;
};

static DEFINE_PER_CPU(struct page *, svm_hsave);	/* MSR_VM_HSAVE_PA */
static DEFINE_PER_CPU(struct page *, svm_host_vmcb);	/* VMSAVE of the host */
static void *svm_iopm, *svm_msrpm;
/*
 * ASIDs are handed out per CPU, as KVM does, not held for a vCPU's life:
 * QEMU's SVM has only 16. A vCPU takes the next free one of the CPU it
 * enters on (flushing it: its last user's entries may remain); when they
 * run out, the CPU starts a new generation and flushes them all, and
 * every vCPU takes a new one at its next entry there.
 */
struct svm_asid_state {
	u64 generation;
	u32 next;
};

static DEFINE_PER_CPU(struct svm_asid_state, svm_asids);
static u32 svm_max_asid;
static bool svm_has_nrips, svm_has_flushbyasid, svm_has_pause_filter;

static struct lvmm_svm *to_svm(struct lvmm_vcpu *vcpu)
{
	return vcpu->arch;
}

static void svm_free_percpu(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(svm_hsave, cpu))
			__free_page(per_cpu(svm_hsave, cpu));
		if (per_cpu(svm_host_vmcb, cpu))
			__free_page(per_cpu(svm_host_vmcb, cpu));
		per_cpu(svm_hsave, cpu) = NULL;
		per_cpu(svm_host_vmcb, cpu) = NULL;
	}
}

static void svm_hardware_unsetup(void)
{
	svm_free_percpu();
	free_pages_exact(svm_iopm, IOPM_SIZE);
	free_pages_exact(svm_msrpm, MSRPM_SIZE);
	svm_iopm = NULL;
	svm_msrpm = NULL;
}

/* NPT walks tables in the host's paging mode. */
static int svm_tdp_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

static int svm_hardware_setup(void)
{
	u64 vm_cr;
	int cpu;

	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("lvmm: SVM without nested paging (NPT) is not supported\n");
		return -ENODEV;
	}
	rdmsrq(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err("lvmm: SVM is disabled by the firmware; enable it in the BIOS setup\n");
		return -ENODEV;
	}
	svm_max_asid = cpuid_ebx(SVM_CPUID_FUNC) - 1;
	if (!svm_max_asid || svm_max_asid == U32_MAX) {
		pr_err("lvmm: this CPU's SVM offers no ASID for guests\n");
		return -ENODEV;
	}
	svm_has_nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	svm_has_flushbyasid = boot_cpu_has(X86_FEATURE_FLUSHBYASID);
	svm_has_pause_filter = boot_cpu_has(X86_FEATURE_PAUSEFILTER);

	/* Every port and every MSR exits: the core decides what to allow. */
	svm_iopm = alloc_pages_exact(IOPM_SIZE, GFP_KERNEL);
	svm_msrpm = alloc_pages_exact(MSRPM_SIZE, GFP_KERNEL);
	if (!svm_iopm || !svm_msrpm)
		goto nomem;
	memset(svm_iopm, 0xff, IOPM_SIZE);
	memset(svm_msrpm, 0xff, MSRPM_SIZE);

	for_each_possible_cpu(cpu) {
		per_cpu(svm_asids, cpu) = (struct svm_asid_state){ .generation = 1, .next = 1 };
		per_cpu(svm_hsave, cpu) = alloc_pages_node(cpu_to_node(cpu),
							   GFP_KERNEL | __GFP_ZERO, 0);
		per_cpu(svm_host_vmcb, cpu) = alloc_pages_node(cpu_to_node(cpu),
							       GFP_KERNEL | __GFP_ZERO, 0);
		if (!per_cpu(svm_hsave, cpu) || !per_cpu(svm_host_vmcb, cpu))
			goto nomem;
	}
	pr_info("lvmm: SVM with NPT, %u ASIDs, NRIP save %s, pause filter %s\n", svm_max_asid,
		svm_has_nrips ? "yes" : "no", svm_has_pause_filter ? "yes" : "no");
	return 0;

nomem:
	svm_hardware_unsetup();
	return -ENOMEM;
}

static int svm_cpu_enable(void)
{
	u64 efer;

	rdmsrq(MSR_EFER, efer);
	/* Someone else (kvm_amd) runs guests on this CPU. */
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrq(MSR_EFER, efer | EFER_SVME);
	wrmsrq(MSR_VM_HSAVE_PA, page_to_phys(this_cpu_read(svm_hsave)));
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrq(MSR_VM_HSAVE_PA, 0);
	rdmsrq(MSR_EFER, efer);
	wrmsrq(MSR_EFER, efer & ~EFER_SVME);
}

static void set_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] |= 1U << (bit % 32);
}

static void clear_intercept(struct vmcb_control_area *c, unsigned int bit)
{
	c->intercepts[bit / 32] &= ~(1U << (bit % 32));
}

static void init_seg(struct vmcb_seg *seg, u16 sel, u16 attrib, u64 base)
{
	seg->selector = sel;
	seg->attrib = attrib;
	seg->limit = 0xffff;
	seg->base = base;
}

static void svm_vcpu_reset(struct lvmm_vcpu *vcpu)
{
	static const unsigned int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_HLT, INTERCEPT_INVD, INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT,
		INTERCEPT_SHUTDOWN, INTERCEPT_INVLPGA, INTERCEPT_VMRUN,
		INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_XSETBV,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_RDPRU,
		/* #AC and #DB loops would never let the host back in (CVE-2015-5307/8104). */
		INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_AC,
		INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_DB,
	};
	struct lvmm_svm *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	struct vmcb_save_area *s = &svm->vmcb->save;
	unsigned int i;

	memset(svm->vmcb, 0, PAGE_SIZE);
	svm->nmi_masked = false;
	svm->awaiting_iret = false;
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		set_intercept(c, intercepts[i]);
	c->iopm_base_pa = virt_to_phys(svm_iopm);
	c->msrpm_base_pa = virt_to_phys(svm_msrpm);
	c->asid = svm->asid;
	c->int_ctl = V_INTR_MASKING_MASK;
	lvmm_vmcb_enable_npt(c);
	c->nested_cr3 = lvmm_mmu_root_pa(&vcpu->vm->mmu);
	if (svm_has_pause_filter) {
		/* Exit after 3000 PAUSEs, each at most 128 cycles apart: a spin loop. */
		set_intercept(c, INTERCEPT_PAUSE);
		c->pause_filter_count = 3000;
		if (boot_cpu_has(X86_FEATURE_PFTHRESHOLD))
			c->pause_filter_thresh = 128;
	}

	/* The architectural reset state, as after INIT. */
	init_seg(&s->cs, 0xf000, 0x9b, 0xffff0000);
	init_seg(&s->ds, 0, 0x93, 0);
	init_seg(&s->es, 0, 0x93, 0);
	init_seg(&s->fs, 0, 0x93, 0);
	init_seg(&s->gs, 0, 0x93, 0);
	init_seg(&s->ss, 0, 0x93, 0);
	init_seg(&s->gdtr, 0, 0, 0);
	init_seg(&s->idtr, 0, 0, 0);
	init_seg(&s->ldtr, 0, 0x82, 0);
	init_seg(&s->tr, 0, 0x8b, 0);
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->efer = EFER_SVME;
	s->dr6 = RESET_DR6;
	s->dr7 = RESET_DR7;
	s->g_pat = SVM_RESET_PAT;
}

static int svm_vcpu_create(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm;
	struct page *page;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->asid_cpu = -1;	/* an ASID at the first entry */
	vcpu->arch = svm;
	return 0;
}

static void svm_vcpu_free(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm = to_svm(vcpu);

	free_page((unsigned long)svm->vmcb);
	kfree(svm);
}

/* An event cut short by the exit (e.g. a fault on the IDT) is delivered again. */
static void svm_requeue_event(struct vmcb_control_area *c)
{
	u32 info = c->exit_int_info;

	c->event_inj = 0;
	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	/* Software interrupts re-execute their instruction instead. */
	if ((info & SVM_EXITINTINFO_TYPE_MASK) == SVM_EXITINTINFO_TYPE_SOFT)
		return;
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/*
 * An exit that reports lvmm's own RIP and CR3 means the CPU ran the host
 * as the guest: the guest's state is gone.  Multi-threaded QEMU 7.2 does
 * this (another vCPU's FPU restore rewrites CPU 0's SVM flags, see
 * Documentation/testing.rst); running on would execute the host's code
 * in the guest's world, so the core reports an internal error instead.
 */
static bool svm_ran_host_state(const struct vmcb *vmcb)
{
	return vmcb->save.rip == (unsigned long)lvmm_svm_after_vmrun &&
	       vmcb->save.cr3 == __read_cr3();
}

/* This CPU's ASID for @svm, a new one if it has none here; irqs off. */
static void svm_pick_asid(struct lvmm_svm *svm, bool *flush, bool *flush_all)
{
	struct svm_asid_state *a = this_cpu_ptr(&svm_asids);
	int cpu = smp_processor_id();

	if (svm->asid_cpu == cpu && svm->asid_generation == a->generation)
		return;
	if (a->next > svm_max_asid) {
		a->generation++;
		a->next = 1;
		*flush_all = true;
	}
	svm->asid = a->next++;
	svm->asid_cpu = cpu;
	svm->asid_generation = a->generation;
	svm->vmcb->control.asid = svm->asid;
	*flush = true;
}

static void svm_vcpu_run(struct lvmm_vcpu *vcpu, bool flush_tlb, struct lvmm_exit *exit)
{
	struct lvmm_svm *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_control_area *c = &vmcb->control;
	struct lvmm_host_dr host_dr;
	bool flush_all = false;

	vmcb->save.rax = vcpu->regs[LVMM_RAX];
	vmcb->save.rsp = vcpu->regs[LVMM_RSP];
	/*
	 * The core moved RIP past an intercepted instruction (an HLT right
	 * after STI, say): the shadow the exit recorded is over, and an
	 * interrupt may be taken at once, as after the real instruction.
	 */
	if (vcpu->rip != svm->exit_rip)
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	svm_pick_asid(svm, &flush_tlb, &flush_all);
	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	if (flush_tlb)
		c->tlb_ctl = svm_has_flushbyasid && !flush_all ? TLB_CONTROL_FLUSH_ASID
							       : TLB_CONTROL_FLUSH_ALL_ASID;
	c->clean = 0;

	lvmm_host_dr_save(&host_dr);
	asm volatile("clgi" ::: "memory");
	lvmm_svm_vmrun(svm->vmcb_pa, vcpu->regs,
		       page_to_phys(this_cpu_read(svm_host_vmcb)));
	asm volatile("stgi" ::: "memory");
	/* #VMEXIT leaves DR7 = 0x400: bring back the host's breakpoints. */
	lvmm_host_dr_restore(&host_dr);

	if (unlikely(svm_ran_host_state(vmcb))) {
		exit->kind = LVMM_X_HOST_STATE;
		exit->in_delivery = false;
		return;
	}
	vcpu->regs[LVMM_RAX] = vmcb->save.rax;
	vcpu->regs[LVMM_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	svm->exit_rip = vcpu->rip;
	vcpu->rflags = vmcb->save.rflags;
	svm_requeue_event(c);
	lvmm_svm_decode_exit(lvmm_vmcb_exit_code(c),
			     c->exit_info_1, c->exit_info_2,
			     svm_has_nrips ? c->next_rip : 0, exit);
	exit->in_delivery = c->exit_int_info & SVM_EXITINTINFO_VALID;
}

/* Host VMSAVE area for this CPU, written before the first entry. */
static void svm_save_host(void)
{
	u64 pa = page_to_phys(this_cpu_read(svm_host_vmcb));

	asm volatile("vmsave %0" :: "a"(pa) : "memory");
}

static void svm_vcpu_run_outer(struct lvmm_vcpu *vcpu, bool flush_tlb, struct lvmm_exit *exit)
{
	svm_save_host();
	svm_vcpu_run(vcpu, flush_tlb, exit);
}

static u16 seg_attrib(const struct lvmm_segment *seg)
{
	if (seg->unusable)
		return 0;
	return seg->type | seg->s << 4 | seg->dpl << 5 | seg->present << 7 |
	       seg->avl << 8 | seg->l << 9 | seg->db << 10 | seg->g << 11;
}

static void to_vmcb_seg(struct vmcb_seg *v, const struct lvmm_segment *seg)
{
	v->selector = seg->selector;
	v->attrib = seg_attrib(seg);
	v->limit = seg->limit;
	v->base = seg->base;
}

static void from_vmcb_seg(struct lvmm_segment *seg, const struct vmcb_seg *v)
{
	seg->selector = v->selector;
	seg->base = v->base;
	seg->limit = v->limit;
	seg->type = v->attrib & 0xf;
	seg->s = (v->attrib >> 4) & 1;
	seg->dpl = (v->attrib >> 5) & 3;
	seg->present = (v->attrib >> 7) & 1;
	seg->avl = (v->attrib >> 8) & 1;
	seg->l = (v->attrib >> 9) & 1;
	seg->db = (v->attrib >> 10) & 1;
	seg->g = (v->attrib >> 11) & 1;
	seg->unusable = !seg->present;
}

static void svm_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *s)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	from_vmcb_seg(&s->cs, &v->cs);
	from_vmcb_seg(&s->ds, &v->ds);
	from_vmcb_seg(&s->es, &v->es);
	from_vmcb_seg(&s->fs, &v->fs);
	from_vmcb_seg(&s->gs, &v->gs);
	from_vmcb_seg(&s->ss, &v->ss);
	from_vmcb_seg(&s->tr, &v->tr);
	from_vmcb_seg(&s->ldt, &v->ldtr);
	s->gdt.base = v->gdtr.base;
	s->gdt.limit = v->gdtr.limit;
	s->idt.base = v->idtr.base;
	s->idt.limit = v->idtr.limit;
	s->cr0 = v->cr0;
	s->cr2 = v->cr2;
	s->cr3 = v->cr3;
	s->cr4 = v->cr4;
	s->cr8 = vmcb->control.int_ctl & V_TPR_MASK;
	s->efer = v->efer & ~EFER_SVME;
}

static void svm_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	to_vmcb_seg(&v->cs, &s->cs);
	to_vmcb_seg(&v->ds, &s->ds);
	to_vmcb_seg(&v->es, &s->es);
	to_vmcb_seg(&v->fs, &s->fs);
	to_vmcb_seg(&v->gs, &s->gs);
	to_vmcb_seg(&v->ss, &s->ss);
	to_vmcb_seg(&v->tr, &s->tr);
	to_vmcb_seg(&v->ldtr, &s->ldt);
	v->gdtr.base = s->gdt.base;
	v->gdtr.limit = s->gdt.limit;
	v->idtr.base = s->idt.base;
	v->idtr.limit = s->idt.limit;
	v->cpl = (s->cr0 & X86_CR0_PE) ? s->ss.dpl : 0;
	v->cr0 = s->cr0;
	v->cr2 = s->cr2;
	v->cr3 = s->cr3;
	v->cr4 = s->cr4;
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) | s->cr8;
	/* VMRUN requires EFER.SVME in the guest's EFER; the guest never sees it. */
	v->efer = s->efer | EFER_SVME;
}

static int svm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	switch (index) {
	case MSR_EFER:
		*data = v->efer & ~EFER_SVME;
		break;
	case MSR_STAR:
		*data = v->star;
		break;
	case MSR_LSTAR:
		*data = v->lstar;
		break;
	case MSR_CSTAR:
		*data = v->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = v->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = v->kernel_gs_base;
		break;
	case MSR_FS_BASE:
		*data = v->fs.base;
		break;
	case MSR_GS_BASE:
		*data = v->gs.base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = v->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = v->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = v->sysenter_eip;
		break;
	case MSR_IA32_CR_PAT:
		*data = v->g_pat;
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int svm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *v = &vmcb->save;

	switch (index) {
	case MSR_EFER:
		if (!lvmm_efer_write_ok(v->efer, data, v->cr0))
			return -EINVAL;
		/* LMA is the CPU's to set. */
		v->efer = (data & ~(u64)EFER_LMA) | (v->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_STAR:
		v->star = data;
		return 0;
	case MSR_SYSCALL_MASK:
		v->sfmask = (u32)data;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		v->sysenter_cs = (u32)data;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!lvmm_pat_valid(data))
			return -EINVAL;
		v->g_pat = data;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	}

	/* The rest hold addresses the hardware loads for us: canonical only. */
	if (!lvmm_is_canonical(data))
		return -EINVAL;
	switch (index) {
	case MSR_LSTAR:
		v->lstar = data;
		break;
	case MSR_CSTAR:
		v->cstar = data;
		break;
	case MSR_KERNEL_GS_BASE:
		v->kernel_gs_base = data;
		break;
	case MSR_FS_BASE:
		v->fs.base = data;
		break;
	case MSR_GS_BASE:
		v->gs.base = data;
		break;
	case MSR_IA32_SYSENTER_ESP:
		v->sysenter_esp = data;
		break;
	case MSR_IA32_SYSENTER_EIP:
		v->sysenter_eip = data;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static bool svm_interrupt_allowed(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	/* Past the instruction that exited, its shadow is over (see svm_vcpu_run). */
	bool shadow = (c->int_state & SVM_INTERRUPT_SHADOW_MASK) && vcpu->rip == svm->exit_rip;

	return (vcpu->rflags & X86_EFLAGS_IF) && !shadow && !(c->event_inj & SVM_EVTINJ_VALID);
}

static void svm_inject_irq(struct lvmm_vcpu *vcpu, u8 vector)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR;
}

static void svm_inject_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

static bool svm_has_nmi(void)
{
	return true;
}

static bool svm_nmi_allowed(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	bool shadow = (c->int_state & SVM_INTERRUPT_SHADOW_MASK) && vcpu->rip == svm->exit_rip;

	if (svm->awaiting_iret && vcpu->rip != svm->iret_rip) {
		svm->awaiting_iret = false;
		svm->nmi_masked = false;
	}
	return !svm->nmi_masked && !shadow && !(c->event_inj & SVM_EVTINJ_VALID);
}

static void svm_inject_nmi(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;

	c->event_inj = X86_TRAP_NMI | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI;
	svm->nmi_masked = true;
	set_intercept(c, INTERCEPT_IRET);
}

/*
 * The IRET intercept is on while an NMI is masked; once it has run, the
 * next exit (at the latest a host tick) finds the window open.
 */
static void svm_request_nmi_window(struct lvmm_vcpu *vcpu)
{
}

/* The IRET exit comes before the instruction: NMIs unmask once it has run. */
static void svm_nmi_window_exit(struct lvmm_vcpu *vcpu)
{
	struct lvmm_svm *svm = to_svm(vcpu);

	clear_intercept(&svm->vmcb->control, INTERCEPT_IRET);
	svm->awaiting_iret = true;
	svm->iret_rip = vcpu->rip;
}

/* A virtual interrupt pending makes the CPU exit (VINTR) once the guest can take it. */
static void svm_set_irq_window(struct lvmm_vcpu *vcpu, bool enable)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	if (enable) {
		c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | (0xf << V_INTR_PRIO_SHIFT);
		set_intercept(c, INTERCEPT_VINTR);
	} else {
		c->int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
		clear_intercept(c, INTERCEPT_VINTR);
	}
}

/* NPT entries are ordinary x86-64 page-table entries, user-accessible. */
static const struct lvmm_pte_format svm_npt_format = {
	.present = _PAGE_PRESENT,
	.table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED,
	.leaf = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY,
	.writable = _PAGE_RW,
};

static bool svm_has_pause_exits(void)
{
	return svm_has_pause_filter;
}

const struct lvmm_arch_ops lvmm_svm_ops = {
	.name = "svm",
	.tdp_levels = svm_tdp_levels,
	.pte_format = &svm_npt_format,
	.hardware_setup = svm_hardware_setup,
	.hardware_unsetup = svm_hardware_unsetup,
	.cpu_enable = svm_cpu_enable,
	.cpu_disable = svm_cpu_disable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_reset = svm_vcpu_reset,
	.vcpu_run = svm_vcpu_run_outer,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.interrupt_allowed = svm_interrupt_allowed,
	.inject_irq = svm_inject_irq,
	.inject_exception = svm_inject_exception,
	.set_irq_window = svm_set_irq_window,
	.has_pause_exits = svm_has_pause_exits,
	.has_nmi = svm_has_nmi,
	.nmi_allowed = svm_nmi_allowed,
	.inject_nmi = svm_inject_nmi,
	.request_nmi_window = svm_request_nmi_window,
	.nmi_window_exit = svm_nmi_window_exit,
};
