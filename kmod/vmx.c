// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VT-x backend: VMX with EPT and unrestricted guest.  Every VMCS
 * control is computed from the capability MSRs at load; the core sees the
 * same ops as with SVM.
 *
 * A VMCS is current on at most one CPU.  vcpu_load (around every vCPU
 * ioctl) registers a preempt notifier: scheduling out VMCLEARs the VMCS
 * on the CPU it is leaving, scheduling in VMPTRLDs it where the task
 * lands, so no cross-CPU VMCLEAR (and no IPI) is ever needed.
 */
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/mmu_context.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "vmx.h"

#define VMX_RESET_PAT	0x0007040600070406ULL
#define RESET_DR7	0x400ULL
#define CR4_GUEST_VALID	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			 X86_CR4_FSGSBASE | X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP)
#define EFER_GUEST_VALID	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/*
 * MSRs the guest uses without an exit (SYSCALL, SWAPGS) and VM entry and
 * exit do not switch: loaded from the guest area at entry, stored back at
 * exit, and the host's values reloaded from the host area.
 */
/* Segment registers, in the order of their VMCS fields. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

enum { SW_STAR, SW_LSTAR, SW_SFMASK, SW_KERNEL_GS_BASE, NR_SWITCHED_MSRS };
static const u32 switched_msrs[NR_SWITCHED_MSRS] = {
	[SW_STAR] = MSR_STAR, [SW_LSTAR] = MSR_LSTAR,
	[SW_SFMASK] = MSR_SYSCALL_MASK, [SW_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
};

struct lvmm_vmx {
	struct lvmm_vcpu *vcpu;
	void *vmcs;
	u64 vmcs_pa;
	struct vmx_msr_entry *guest_msrs;	/* one page: guest, then host area */
	struct vmx_msr_entry *host_msrs;
	struct preempt_notifier pn;
	int loaded_cpu;			/* where the VMCS is active, or -1 */
	int host_fields_cpu;		/* CPU the per-CPU host fields describe */
	bool launched;
	bool gdt_dirty;			/* a VM exit left GDT/TR limits to restore */
	u16 vpid;
	u32 proc_ctl;			/* cached primary controls */
	u64 host_cr3, host_cr4;
	u64 cr0_shadow, cr4_shadow, cr2, cr8;
	u64 cstar;			/* Intel CPUs never use it: kept only */
};

static struct {
	u32 revision;
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 cr0_guest_mask, cr4_guest_mask;
	u64 ept_vpid_cap;
	u32 preemption_ticks;		/* 0: no VMX-preemption timer */
	bool has_vpid, insn_info;
} vmcs_config;

static DEFINE_PER_CPU(struct page *, vmxon_region);
static DEFINE_PER_CPU(struct lvmm_vmx *, current_vmx);
static DEFINE_IDA(vmx_vpids);

static struct lvmm_vmx *to_vmx(struct lvmm_vcpu *vcpu)
{
	return vcpu->arch;
}

/* ---- VMX instructions ---- */

static unsigned long vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %1, %0" : "=r"(value) : "r"(field) : "cc");
	return value;
}

static void vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("vmwrite %1, %0\n\tjna %l[fail]"
		 : : "r"(field), "rm"(value) : "cc" : fail);
	return;
fail:
	WARN_ONCE(1, "lvmm: vmwrite %#lx = %#lx failed, error %lu\n", field, value,
		  vmcs_read(VM_INSTRUCTION_ERROR));
}

static bool vmx_vmptrld(u64 pa)
{
	asm goto("vmptrld %0\n\tjna %l[fail]" : : "m"(pa) : "cc" : fail);
	return true;
fail:
	return false;
}

static void vmx_vmclear(u64 pa)
{
	asm goto("vmclear %0\n\tjna %l[fail]" : : "m"(pa) : "cc", "memory" : fail);
	return;
fail:
	WARN_ONCE(1, "lvmm: vmclear %#llx failed\n", pa);
}

static void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

static void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

/* ---- global setup ---- */

static int vmx_tdp_levels(void)
{
	return 4;
}

static u64 vmx_eptp(struct lvmm_vcpu *vcpu)
{
	return lvmm_mmu_root_pa(&vcpu->vm->mmu) | VMX_EPTP_PWL_4 | VMX_EPTP_MT_WB;
}

static void vmx_free_percpu(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmxon_region, cpu))
			__free_page(per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
}

static void vmx_hardware_unsetup(void)
{
	vmx_free_percpu();
	preempt_notifier_dec();
}

static int vmx_check_firmware(void)
{
	u64 feat;

	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat)) {
		pr_err("lvmm: cannot read IA32_FEATURE_CONTROL\n");
		return -ENODEV;
	}
	if (!(feat & FEAT_CTL_LOCKED) || !(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("lvmm: VMX is disabled by the firmware (IA32_FEATURE_CONTROL %#llx); enable VT-x in the BIOS setup\n",
		       feat);
		return -ENODEV;
	}
	return 0;
}

static int vmx_setup_controls(u64 basic)
{
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	u32 ept_needed = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST;
	u64 cap;

	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS, cap);
	if (lvmm_vmx_adjust_controls(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
				     PIN_BASED_VMX_PREEMPTION_TIMER, cap, &vmcs_config.pin))
		return -EIO;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS, cap);
	/* CR8 exits keep the guest off the host's TPR: there is no TPR shadow. */
	if (lvmm_vmx_adjust_controls(CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
				     CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
				     CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
				     CPU_BASED_USE_TSC_OFFSETTING |
				     CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
				     cap, &vmcs_config.proc))
		return -EIO;
	if (!((cap >> 32) & CPU_BASED_INTR_WINDOW_EXITING))
		return -EIO;
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, cap);
	if (lvmm_vmx_adjust_controls(ept_needed, SECONDARY_EXEC_ENABLE_VPID, cap,
				     &vmcs_config.proc2)) {
		pr_err("lvmm: VMX without EPT and unrestricted guest is not supported\n");
		return -ENODEV;
	}
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS, cap);
	if (lvmm_vmx_adjust_controls(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
				     VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
				     VM_EXIT_LOAD_IA32_PAT, 0, cap, &vmcs_config.exit))
		return -EIO;
	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS, cap);
	if (lvmm_vmx_adjust_controls(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT, 0,
				     cap, &vmcs_config.entry))
		return -EIO;
	/* IA-32e mode guest follows EFER.LMA at each entry. */
	if (!((cap >> 32) & VM_ENTRY_IA32E_MODE))
		return -EIO;
	vmcs_config.entry &= ~VM_ENTRY_IA32E_MODE;
	return 0;
}

static int vmx_setup_ept(void)
{
	u64 cap = vmcs_config.ept_vpid_cap;

	if (!(cap & VMX_EPT_PAGE_WALK_4_BIT) || !(cap & VMX_EPTP_WB_BIT) ||
	    !(cap & VMX_EPT_INVEPT_BIT) ||
	    !(cap & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err("lvmm: EPT lacks 4-level tables, write-back or INVEPT (cap %#llx)\n",
		       cap);
		return -ENODEV;
	}
	vmcs_config.has_vpid = (vmcs_config.proc2 & SECONDARY_EXEC_ENABLE_VPID) &&
			       ((cap >> 32) & VMX_VPID_INVVPID_BIT) &&
			       ((cap >> 32) & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT);
	if (!vmcs_config.has_vpid)
		vmcs_config.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

/*
 * A backstop for the run loop: an exit at least every millisecond even if
 * a host interrupt is not turned into an exit.  Bochs, the VMX test bed,
 * keeps host interrupts masked while a guest spins with IF clear; on
 * hardware the timer costs one exit per millisecond of guest time.
 */
static void vmx_setup_preemption_timer(void)
{
	u64 misc, ticks;

	if (!(vmcs_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	rdmsrl(MSR_IA32_VMX_MISC, misc);
	ticks = (u64)tsc_khz >> (misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK);
	vmcs_config.preemption_ticks = clamp_t(u64, ticks, 1, U32_MAX);
}

static int vmx_hardware_setup(void)
{
	u64 basic;
	int cpu, ret;

	ret = vmx_check_firmware();
	if (ret)
		return ret;
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	vmcs_config.revision = basic & 0x7fffffff;
	vmcs_config.insn_info = basic & VMX_BASIC_INOUT;
	if (((basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT) !=
	    VMX_BASIC_MEM_TYPE_WB || (basic & VMX_BASIC_64) ||
	    ((basic >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff) > PAGE_SIZE) {
		pr_err("lvmm: unsupported VMCS layout (IA32_VMX_BASIC %#llx)\n", basic);
		return -ENODEV;
	}
	ret = vmx_setup_controls(basic);
	if (ret == -EIO)
		pr_err("lvmm: VMX lacks a control lvmm needs\n");
	if (ret)
		return ret;
	vmx_setup_preemption_timer();
	rdmsrl(MSR_IA32_VMX_EPT_VPID_CAP, vmcs_config.ept_vpid_cap);
	ret = vmx_setup_ept();
	if (ret)
		return ret;

	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmcs_config.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmcs_config.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmcs_config.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmcs_config.cr4_fixed1);
	/* Unrestricted guest: PE and PG are the guest's to clear. */
	vmcs_config.cr0_fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	/* Bits the hardware pins are the host's: guest writes to them exit. */
	vmcs_config.cr0_guest_mask = vmcs_config.cr0_fixed0 | (u32)~vmcs_config.cr0_fixed1;
	vmcs_config.cr4_guest_mask = vmcs_config.cr4_fixed0 | (u32)~vmcs_config.cr4_fixed1;

	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page) {
			vmx_free_percpu();
			return -ENOMEM;
		}
		*(u32 *)page_address(page) = vmcs_config.revision;
		per_cpu(vmxon_region, cpu) = page;
	}
	preempt_notifier_inc();
	pr_info("lvmm: VMX with EPT and unrestricted guest, VPID %s\n",
		vmcs_config.has_vpid ? "yes" : "no");
	return 0;
}

static int vmx_cpu_enable(void)
{
	u64 pa = page_to_phys(this_cpu_read(vmxon_region));

	/* Someone else (kvm_intel) runs guests on this CPU. */
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	/* A fault (#GP, #UD) lands on 2: like a VMfail. */
	asm goto("1: vmxon %0\n\t"
		 "jna %l[fail]\n\t"
		 "jmp 3f\n"
		 "2: jmp %l[fail]\n"
		 "3:\n\t"
		 _ASM_EXTABLE(1b, 2b)
		 : : "m"(pa) : "cc", "memory" : fail);
	return 0;
fail:
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	return -EBUSY;
}

static void vmx_cpu_disable(void)
{
	this_cpu_write(current_vmx, NULL);
	asm volatile("vmxoff" : : : "cc", "memory");
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
}

/* ---- making a VMCS current ---- */

static void vmx_write_host_percpu(int cpu)
{
	u64 msr;

	vmcs_write(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	rdmsrl(MSR_GS_BASE, msr);
	vmcs_write(HOST_GS_BASE, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_write(HOST_IA32_SYSENTER_ESP, msr);
}

/* Make @vmx's VMCS current on this CPU; preemption is off. */
static void vmx_vmcs_load(struct lvmm_vmx *vmx)
{
	int cpu = smp_processor_id();

	if (this_cpu_read(current_vmx) == vmx)
		return;
	WARN_ON_ONCE(vmx->loaded_cpu != -1 && vmx->loaded_cpu != cpu);
	if (!vmx_vmptrld(vmx->vmcs_pa)) {
		WARN_ONCE(1, "lvmm: vmptrld failed\n");
		return;
	}
	this_cpu_write(current_vmx, vmx);
	vmx->loaded_cpu = cpu;
	if (vmx->host_fields_cpu != cpu) {
		vmx_write_host_percpu(cpu);
		vmx->host_fields_cpu = cpu;
		/* This CPU may hold stale translations for the EPTP. */
		vmx->vcpu->last_cpu = -1;
	}
}

/* The VM exits left the GDT and TR limits at their VMX defaults. */
static void vmx_restore_host_tables(struct lvmm_vmx *vmx)
{
	if (!vmx->gdt_dirty)
		return;
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
	vmx->gdt_dirty = false;
}

/* Flush @vmx's VMCS to memory and make it inactive; preemption is off. */
static void vmx_vmcs_clear(struct lvmm_vmx *vmx)
{
	if (vmx->loaded_cpu != smp_processor_id())
		return;
	vmx_vmclear(vmx->vmcs_pa);
	vmx->loaded_cpu = -1;
	vmx->launched = false;
	if (this_cpu_read(current_vmx) == vmx)
		this_cpu_write(current_vmx, NULL);
	vmx_restore_host_tables(vmx);
}

static void vmx_sched_in(struct preempt_notifier *pn, int cpu)
{
	vmx_vmcs_load(container_of(pn, struct lvmm_vmx, pn));
}

static void vmx_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	vmx_vmcs_clear(container_of(pn, struct lvmm_vmx, pn));
}

static struct preempt_ops vmx_preempt_ops = {
	.sched_in = vmx_sched_in,
	.sched_out = vmx_sched_out,
};

static void vmx_vcpu_load(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	u64 msr;

	preempt_disable();
	preempt_notifier_register(&vmx->pn);
	vmx_vmcs_load(vmx);
	/* This task's user FS base and GS base (swapped out while in kernel). */
	rdmsrl(MSR_FS_BASE, msr);
	vmcs_write(HOST_FS_BASE, msr);
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->host_msrs[SW_KERNEL_GS_BASE].value);
	preempt_enable();
}

static void vmx_vcpu_put(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);

	preempt_disable();
	vmx_vmcs_clear(vmx);
	preempt_notifier_unregister(&vmx->pn);
	preempt_enable();
}

/*
 * Outside vcpu_load (vCPU creation): make the VMCS current for a moment.
 * Returns whether it has to be cleared again by vmx_vmcs_end().
 */
static bool vmx_vmcs_begin(struct lvmm_vmx *vmx)
{
	bool was_loaded;

	preempt_disable();
	was_loaded = vmx->loaded_cpu == smp_processor_id();
	vmx_vmcs_load(vmx);
	return !was_loaded;
}

static void vmx_vmcs_end(struct lvmm_vmx *vmx, bool clear)
{
	if (clear)
		vmx_vmcs_clear(vmx);
	preempt_enable();
}

/* ---- vCPU state ---- */

static void vmx_write_cr0(struct lvmm_vmx *vmx, u64 cr0)
{
	vmx->cr0_shadow = cr0;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | vmcs_config.cr0_fixed0) & vmcs_config.cr0_fixed1);
}

static void vmx_write_cr4(struct lvmm_vmx *vmx, u64 cr4)
{
	vmx->cr4_shadow = cr4;
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | vmcs_config.cr4_fixed0) & vmcs_config.cr4_fixed1);
}

/* EFER as the guest sees it, and the entry control that must match LMA. */
static void vmx_write_efer(struct lvmm_vmx *vmx, u64 efer)
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

static void vmx_write_seg(unsigned int i, const struct lvmm_segment *s);

static void vmx_init_controls(struct lvmm_vmx *vmx)
{
	struct lvmm_vcpu *vcpu = vmx->vcpu;
	struct desc_ptr idt;
	u64 msr;
	int i;

	vmx->proc_ctl = vmcs_config.proc;
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmcs_config.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx->proc_ctl);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, vmcs_config.proc2);
	vmcs_write(VM_EXIT_CONTROLS, vmcs_config.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmcs_config.entry);
	/* #AC and #DB loops would never let the host back in (CVE-2015-5307/8104). */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_AC) | BIT(X86_TRAP_DB));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(CR0_GUEST_HOST_MASK, vmcs_config.cr0_guest_mask);
	vmcs_write(CR4_GUEST_HOST_MASK, vmcs_config.cr4_guest_mask);
	vmcs_write(EPT_POINTER, vmx_eptp(vcpu));
	if (vmcs_config.has_vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(TSC_OFFSET, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);

	for (i = 0; i < NR_SWITCHED_MSRS; i++) {
		vmx->guest_msrs[i].index = switched_msrs[i];
		vmx->guest_msrs[i].value = 0;
		vmx->host_msrs[i].index = switched_msrs[i];
		rdmsrl(switched_msrs[i], vmx->host_msrs[i].value);
	}
	vmcs_write(VM_ENTRY_MSR_LOAD_ADDR, __pa(vmx->guest_msrs));
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, NR_SWITCHED_MSRS);
	vmcs_write(VM_EXIT_MSR_STORE_ADDR, __pa(vmx->guest_msrs));
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, NR_SWITCHED_MSRS);
	vmcs_write(VM_EXIT_MSR_LOAD_ADDR, __pa(vmx->host_msrs));
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, NR_SWITCHED_MSRS);

	/* Host state that is the same on every CPU. */
	vmcs_write(HOST_CR0, read_cr0());
	vmx->host_cr3 = __get_current_cr3_fast();
	vmcs_write(HOST_CR3, vmx->host_cr3);
	vmx->host_cr4 = cr4_read_shadow();
	vmcs_write(HOST_CR4, vmx->host_cr4);
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	vmcs_write(HOST_RIP, (unsigned long)lvmm_vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_write(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write(HOST_IA32_EFER, msr);
	rdmsrl(MSR_IA32_CR_PAT, msr);
	vmcs_write(HOST_IA32_PAT, msr);
	rdmsrl(MSR_FS_BASE, msr);
	vmcs_write(HOST_FS_BASE, msr);
	vmx_write_host_percpu(smp_processor_id());
	vmx->host_fields_cpu = smp_processor_id();
}

static void vmx_vcpu_reset(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	struct lvmm_segment seg = {
		.limit = 0xffff, .type = 3, .present = 1, .s = 1,
	};
	bool clear = vmx_vmcs_begin(vmx);

	vmx_init_controls(vmx);

	/* The architectural reset state, as after INIT. */
	vmx_write_seg(SEG_DS, &seg);
	vmx_write_seg(SEG_ES, &seg);
	vmx_write_seg(SEG_FS, &seg);
	vmx_write_seg(SEG_GS, &seg);
	vmx_write_seg(SEG_SS, &seg);
	seg.type = 0xb;
	seg.selector = 0xf000;
	seg.base = 0xffff0000;
	vmx_write_seg(SEG_CS, &seg);
	seg.selector = 0;
	seg.base = 0;
	seg.s = 0;
	vmx_write_seg(SEG_TR, &seg);
	seg.type = 2;
	vmx_write_seg(SEG_LDTR, &seg);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmx_write_cr0(vmx, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	vmx_write_cr4(vmx, 0);
	vmcs_write(GUEST_CR3, 0);
	vmx_write_efer(vmx, 0);
	vmx->cr2 = 0;
	vmx->cr8 = 0;
	vmx->cstar = 0;
	vmcs_write(GUEST_DR7, RESET_DR7);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_IA32_PAT, VMX_RESET_PAT);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmx_vmcs_end(vmx, clear);

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->pending = LVMM_PENDING_NONE;
	vcpu->irq_pending = false;
	/* A fresh EPT root may reuse a page whose translations a CPU still caches. */
	vcpu->last_cpu = -1;
}

static int vmx_vcpu_create(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vmx *vmx;
	struct page *page;
	int vpid = 0;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		goto nomem;
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = vmcs_config.revision;
	vmx->guest_msrs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->guest_msrs)
		goto nomem;
	vmx->host_msrs = vmx->guest_msrs + PAGE_SIZE / 2 / sizeof(*vmx->guest_msrs);
	if (vmcs_config.has_vpid) {
		vpid = ida_alloc_range(&vmx_vpids, 1, 0xffff, GFP_KERNEL);
		if (vpid < 0)
			goto err_vpid;
	}
	vmx->vpid = vpid;
	vmx->vcpu = vcpu;
	vmx->loaded_cpu = -1;
	vmx->host_fields_cpu = -1;
	preempt_notifier_init(&vmx->pn, &vmx_preempt_ops);

	/* A new VMCS must be VMCLEARed once to set its launch state. */
	preempt_disable();
	vmx_vmclear(vmx->vmcs_pa);
	preempt_enable();
	vcpu->arch = vmx;
	return 0;

err_vpid:
	free_page((unsigned long)vmx->guest_msrs);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	return vpid;
nomem:
	if (vmx->vmcs)
		free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	return -ENOMEM;
}

static void vmx_vcpu_free(struct lvmm_vcpu *vcpu)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);

	WARN_ON_ONCE(vmx->loaded_cpu != -1);
	if (vmx->vpid)
		ida_free(&vmx_vpids, vmx->vpid);
	free_page((unsigned long)vmx->guest_msrs);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
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

static void vmx_write_seg(unsigned int i, const struct lvmm_segment *s)
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
	u64 mask = vmcs_config.cr0_guest_mask;

	return (vmcs_read(GUEST_CR0) & ~mask) | (vmx->cr0_shadow & mask);
}

static u64 vmx_guest_cr4(struct lvmm_vmx *vmx)
{
	u64 mask = vmcs_config.cr4_guest_mask;

	return (vmcs_read(GUEST_CR4) & ~mask) | (vmx->cr4_shadow & mask);
}

static void vmx_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *s)
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

static void vmx_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s)
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

static bool pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

static int switched_index(u32 msr)
{
	int i;

	for (i = 0; i < NR_SWITCHED_MSRS; i++)
		if (switched_msrs[i] == msr)
			return i;
	return -1;
}

static int vmx_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
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

static int vmx_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	u64 efer;

	switch (index) {
	case MSR_EFER:
		efer = vmcs_read(GUEST_IA32_EFER);
		if (data & ~(u64)EFER_GUEST_VALID)
			return -EINVAL;
		/* LME may not change under paging; LMA is the CPU's to set. */
		if ((vmx->cr0_shadow & X86_CR0_PG) && ((data ^ efer) & EFER_LME))
			return -EINVAL;
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
		if (!pat_valid(data))
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

static bool vmx_interrupt_allowed(struct lvmm_vcpu *vcpu)
{
	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !(vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK);
}

static void vmx_inject_irq(struct lvmm_vcpu *vcpu, u8 vector)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
}

static void vmx_inject_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* Real mode pushes no error code, and VM entry insists on that. */
	if (has_error && (to_vmx(vcpu)->cr0_shadow & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
}

static void vmx_set_irq_window(struct lvmm_vcpu *vcpu, bool enable)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	u32 ctl = vmx->proc_ctl & ~CPU_BASED_INTR_WINDOW_EXITING;

	if (enable)
		ctl |= CPU_BASED_INTR_WINDOW_EXITING;
	if (ctl != vmx->proc_ctl) {
		vmx->proc_ctl = ctl;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, ctl);
	}
}

/* An event cut short by the exit (e.g. a fault on the IDT) is delivered again. */
static void vmx_requeue_event(u32 idt_info)
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

static void vmx_inject_gp(struct lvmm_vcpu *vcpu)
{
	vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
}

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

	if (val & ~(u64)CR4_GUEST_VALID)
		return false;
	/* Bits this CPU cannot run a guest with. */
	if (val & ~vmcs_config.cr4_fixed1)
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
static bool vmx_handle_cr(struct lvmm_vcpu *vcpu, u64 qual)
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
	if (vmcs_config.has_vpid)
		vmx_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vmx->vpid);
	return !vmx_load_pdptrs(vcpu);
}

/* ---- running the guest ---- */

static void vmx_flush_tlb(struct lvmm_vcpu *vcpu)
{
	if (vmcs_config.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		vmx_invept(VMX_EPT_EXTENT_CONTEXT, vmx_eptp(vcpu));
	else
		vmx_invept(VMX_EPT_EXTENT_GLOBAL, 0);
}

static u8 vmx_code_addr_size(void)
{
	u32 ar = vmcs_read(GUEST_CS_AR_BYTES);

	if ((vmcs_read(GUEST_IA32_EFER) & EFER_LMA) && (ar & BIT(13)))
		return 8;
	return (vmcs_read(GUEST_CR0) & X86_CR0_PE) && (ar & BIT(14)) ? 4 : 2;
}

static void vmx_vcpu_run(struct lvmm_vcpu *vcpu, bool flush_tlb, struct lvmm_exit *exit)
{
	struct lvmm_vmx *vmx = to_vmx(vcpu);
	struct lvmm_vmx_exit_info e = { 0 };
	u64 cr3 = __get_current_cr3_fast(), cr4 = cr4_read_shadow();
	u32 idt_info;
	int failed;

	vmx_vmcs_load(vmx);
	if (cr3 != vmx->host_cr3) {
		vmcs_write(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_write(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	if (flush_tlb)
		vmx_flush_tlb(vcpu);
	if (vmcs_config.preemption_ticks)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmcs_config.preemption_ticks);
	vmcs_write(GUEST_RSP, vcpu->regs[LVMM_RSP]);
	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write(GUEST_RFLAGS, vcpu->rflags);
	/* VMX leaves CR2 alone: it is the guest's while it runs. */
	if (read_cr2() != vmx->cr2)
		write_cr2(vmx->cr2);

	failed = lvmm_vmx_vmenter(vcpu->regs, vmx->launched);

	vmx->cr2 = read_cr2();
	vmx->gdt_dirty = true;
	/* A VM exit leaves DR7 = 0x400: bring back the host's breakpoints. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (failed) {
		memset(exit, 0, sizeof(*exit));
		exit->kind = LVMM_X_FAIL_ENTRY;
		exit->code = vmcs_read(VM_INSTRUCTION_ERROR);
		return;
	}
	vmx->launched = true;

	e.reason = vmcs_read(VM_EXIT_REASON);
	vcpu->regs[LVMM_RSP] = vmcs_read(GUEST_RSP);
	vcpu->rip = vmcs_read(GUEST_RIP);
	vcpu->rflags = vmcs_read(GUEST_RFLAGS);
	if (e.reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		lvmm_vmx_decode_exit(&e, exit);
		return;
	}
	e.qual = vmcs_read(EXIT_QUALIFICATION);
	e.intr_info = vmcs_read(VM_EXIT_INTR_INFO);
	e.intr_error = vmcs_read(VM_EXIT_INTR_ERROR_CODE);
	e.insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	e.insn_info = vmcs_read(VMX_INSTRUCTION_INFO);
	e.insn_info_valid = vmcs_config.insn_info;
	e.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	e.rip = vcpu->rip;

	/* The host's NMI: run its handler now, while it is still blocked. */
	if ((e.reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	    (e.intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		lvmm_vmx_call_handler((unsigned long)asm_exc_nmi_noist);

	idt_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmx_requeue_event(idt_info);
	if ((e.reason & 0xffff) == EXIT_REASON_IO_INSTRUCTION)
		e.default_addr_size = vmx_code_addr_size();
	lvmm_vmx_decode_exit(&e, exit);
	exit->in_delivery = idt_info & VECTORING_INFO_VALID_MASK;

	/* Emulating a CR write may read guest memory: not with interrupts off. */
	if ((e.reason & 0xffff) == EXIT_REASON_CR_ACCESS)
		exit->kind = LVMM_X_BACKEND;
}

static int vmx_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	if ((exit->code & 0xffff) != EXIT_REASON_CR_ACCESS)
		return -EIO;
	if (vmx_handle_cr(vcpu, exit->info1))
		vcpu->rip += exit->insn_len;
	else
		vmx_inject_gp(vcpu);
	return 1;
}

/* EPT entries: RWX for tables; RX + write-back memory type for leaves. */
static const struct lvmm_pte_format vmx_ept_format = {
	.present = VMX_EPT_RWX_MASK,
	.table = VMX_EPT_RWX_MASK,
	.leaf = VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK |
		(VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT),
	.writable = VMX_EPT_WRITABLE_MASK,
};

const struct lvmm_arch_ops lvmm_vmx_ops = {
	.name = "vmx",
	.tdp_levels = vmx_tdp_levels,
	.pte_format = &vmx_ept_format,
	.hardware_setup = vmx_hardware_setup,
	.hardware_unsetup = vmx_hardware_unsetup,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_disable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_reset = vmx_vcpu_reset,
	.vcpu_load = vmx_vcpu_load,
	.vcpu_put = vmx_vcpu_put,
	.vcpu_run = vmx_vcpu_run,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.interrupt_allowed = vmx_interrupt_allowed,
	.inject_irq = vmx_inject_irq,
	.inject_exception = vmx_inject_exception,
	.set_irq_window = vmx_set_irq_window,
	.handle_exit = vmx_handle_exit,
};
