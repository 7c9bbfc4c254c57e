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

#include "compat.h"
#include "vmx_vmcs.h"

/*
 * IA32_VMX_BASIC and IA32_VMX_MISC fields (SDM Vol. 3D, A.1 and A.6),
 * named here: the kernel's names for them changed in 6.12 and are
 * KVM's business.
 */
#define LVMM_VMX_BASIC_REVISION_MASK	0x7fffffff		/* bits 30:0 */
#define LVMM_VMX_BASIC_VMCS_SIZE_SHIFT	32			/* bits 44:32 */
#define LVMM_VMX_BASIC_VMCS_SIZE_MASK	0x1fff
#define LVMM_VMX_BASIC_32BIT_PA		BIT_ULL(48)
#define LVMM_VMX_BASIC_MEM_TYPE_SHIFT	50			/* bits 53:50 */
#define LVMM_VMX_BASIC_MEM_TYPE_MASK	(0xfULL << LVMM_VMX_BASIC_MEM_TYPE_SHIFT)
#define LVMM_VMX_BASIC_INOUT		BIT_ULL(54)
#define LVMM_VMX_BASIC_TRUE_CTLS	BIT_ULL(55)
#define LVMM_VMX_MEM_TYPE_WB		6
/* Bits 4:0: the preemption timer ticks when this bit of the TSC changes. */
#define LVMM_VMX_MISC_TIMER_RATE_MASK	0x1f

#define VMX_RESET_PAT	0x0007040600070406ULL
#define RESET_DR7	0x400ULL

const u32 lvmm_vmx_switched_msrs[NR_SWITCHED_MSRS] = {
	[SW_STAR] = MSR_STAR, [SW_LSTAR] = MSR_LSTAR,
	[SW_SFMASK] = MSR_SYSCALL_MASK, [SW_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
};

struct lvmm_vmx_caps lvmm_vmx_config;

static DEFINE_PER_CPU(struct page *, vmxon_region);
static DEFINE_PER_CPU(struct lvmm_vmx *, current_vmx);
static DEFINE_IDA(vmx_vpids);

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

	if (rdmsrq_safe(MSR_IA32_FEAT_CTL, &feat)) {
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

static bool vmx_has_pause_exits(void)
{
	return lvmm_vmx_config.proc2 & SECONDARY_EXEC_PAUSE_LOOP_EXITING;
}

bool vmx_has_nmi(void)
{
	return lvmm_vmx_config.pin & PIN_BASED_VIRTUAL_NMIS;
}

static int vmx_setup_controls(u64 basic)
{
	bool true_ctls = basic & LVMM_VMX_BASIC_TRUE_CTLS;
	u32 ept_needed = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST;
	u64 cap;

	rdmsrq(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS, cap);
	if (lvmm_vmx_adjust_controls(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
				     PIN_BASED_VMX_PREEMPTION_TIMER | PIN_BASED_VIRTUAL_NMIS,
				     cap, &lvmm_vmx_config.pin))
		return -EIO;
	rdmsrq(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS, cap);
	/* CR8 exits keep the guest off the host's TPR: there is no TPR shadow. */
	if (lvmm_vmx_adjust_controls(CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
				     CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
				     CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING |
				     CPU_BASED_USE_TSC_OFFSETTING |
				     CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 0,
				     cap, &lvmm_vmx_config.proc))
		return -EIO;
	if (!((cap >> 32) & CPU_BASED_INTR_WINDOW_EXITING))
		return -EIO;
	/* Guest NMIs need the CPU to track their blocking, and an NMI window. */
	if (!((cap >> 32) & CPU_BASED_NMI_WINDOW_EXITING))
		lvmm_vmx_config.pin &= ~PIN_BASED_VIRTUAL_NMIS;
	rdmsrq(MSR_IA32_VMX_PROCBASED_CTLS2, cap);
	if (lvmm_vmx_adjust_controls(ept_needed, SECONDARY_EXEC_ENABLE_VPID |
				     SECONDARY_EXEC_PAUSE_LOOP_EXITING, cap,
				     &lvmm_vmx_config.proc2)) {
		pr_err("lvmm: VMX without EPT and unrestricted guest is not supported\n");
		return -ENODEV;
	}
	rdmsrq(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS, cap);
	if (lvmm_vmx_adjust_controls(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
				     VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_IA32_PAT |
				     VM_EXIT_LOAD_IA32_PAT, 0, cap, &lvmm_vmx_config.exit))
		return -EIO;
	rdmsrq(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS, cap);
	if (lvmm_vmx_adjust_controls(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT, 0,
				     cap, &lvmm_vmx_config.entry))
		return -EIO;
	/* IA-32e mode guest follows EFER.LMA at each entry. */
	if (!((cap >> 32) & VM_ENTRY_IA32E_MODE))
		return -EIO;
	lvmm_vmx_config.entry &= ~VM_ENTRY_IA32E_MODE;
	return 0;
}

static int vmx_setup_ept(void)
{
	u64 cap = lvmm_vmx_config.ept_vpid_cap;

	if (!(cap & VMX_EPT_PAGE_WALK_4_BIT) || !(cap & VMX_EPTP_WB_BIT) ||
	    !(cap & VMX_EPT_INVEPT_BIT) ||
	    !(cap & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		pr_err("lvmm: EPT lacks 4-level tables, write-back or INVEPT (cap %#llx)\n",
		       cap);
		return -ENODEV;
	}
	lvmm_vmx_config.has_vpid = (lvmm_vmx_config.proc2 & SECONDARY_EXEC_ENABLE_VPID) &&
			       ((cap >> 32) & VMX_VPID_INVVPID_BIT) &&
			       ((cap >> 32) & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT);
	if (!lvmm_vmx_config.has_vpid)
		lvmm_vmx_config.proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

/*
 * A backstop for the run loop: an exit at least every 10 ms even if a
 * host interrupt is not turned into an exit.  Bochs, the VMX test bed,
 * keeps host interrupts masked while a guest spins with IF clear.  At
 * 1 ms the timer was 43 % of a nested Linux boot's exits in Bochs; on
 * hardware it costs one exit per 10 ms of guest time.
 */
static void vmx_setup_preemption_timer(void)
{
	u64 misc, ticks;

	if (!(lvmm_vmx_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return;
	rdmsrq(MSR_IA32_VMX_MISC, misc);
	ticks = (u64)tsc_khz * 10 >> (misc & LVMM_VMX_MISC_TIMER_RATE_MASK);
	lvmm_vmx_config.preemption_ticks = clamp_t(u64, ticks, 1, U32_MAX);
}

static int vmx_hardware_setup(void)
{
	u64 basic;
	int cpu, ret;

	if (lvmm_host_uses_fred()) {
		pr_err("lvmm: VMX on a host that runs FRED is not supported\n");
		return -ENODEV;
	}
	ret = vmx_check_firmware();
	if (ret)
		return ret;
	rdmsrq(MSR_IA32_VMX_BASIC, basic);
	lvmm_vmx_config.revision = basic & LVMM_VMX_BASIC_REVISION_MASK;
	lvmm_vmx_config.insn_info = basic & LVMM_VMX_BASIC_INOUT;
	if (((basic & LVMM_VMX_BASIC_MEM_TYPE_MASK) >> LVMM_VMX_BASIC_MEM_TYPE_SHIFT) !=
	    LVMM_VMX_MEM_TYPE_WB || (basic & LVMM_VMX_BASIC_32BIT_PA) ||
	    ((basic >> LVMM_VMX_BASIC_VMCS_SIZE_SHIFT) & LVMM_VMX_BASIC_VMCS_SIZE_MASK) >
	    PAGE_SIZE) {
		pr_err("lvmm: unsupported VMCS layout (IA32_VMX_BASIC %#llx)\n", basic);
		return -ENODEV;
	}
	ret = vmx_setup_controls(basic);
	if (ret == -EIO)
		pr_err("lvmm: VMX lacks a control lvmm needs\n");
	if (ret)
		return ret;
	vmx_setup_preemption_timer();
	rdmsrq(MSR_IA32_VMX_EPT_VPID_CAP, lvmm_vmx_config.ept_vpid_cap);
	ret = vmx_setup_ept();
	if (ret)
		return ret;

	rdmsrq(MSR_IA32_VMX_CR0_FIXED0, lvmm_vmx_config.cr0_fixed0);
	rdmsrq(MSR_IA32_VMX_CR0_FIXED1, lvmm_vmx_config.cr0_fixed1);
	rdmsrq(MSR_IA32_VMX_CR4_FIXED0, lvmm_vmx_config.cr4_fixed0);
	rdmsrq(MSR_IA32_VMX_CR4_FIXED1, lvmm_vmx_config.cr4_fixed1);
	/* Unrestricted guest: PE and PG are the guest's to clear. */
	lvmm_vmx_config.cr0_fixed0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	/* Bits the hardware pins are the host's: guest writes to them exit. */
	lvmm_vmx_config.cr0_guest_mask = lvmm_vmx_config.cr0_fixed0 | (u32)~lvmm_vmx_config.cr0_fixed1;
	lvmm_vmx_config.cr4_guest_mask = lvmm_vmx_config.cr4_fixed0 | (u32)~lvmm_vmx_config.cr4_fixed1;

	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page) {
			vmx_free_percpu();
			return -ENOMEM;
		}
		*(u32 *)page_address(page) = lvmm_vmx_config.revision;
		per_cpu(vmxon_region, cpu) = page;
	}
	preempt_notifier_inc();
	pr_info("lvmm: VMX with EPT and unrestricted guest, VPID %s, PAUSE-loop exiting %s, virtual NMIs %s\n",
		lvmm_vmx_config.has_vpid ? "yes" : "no",
		vmx_has_pause_exits() ? "yes" : "no", vmx_has_nmi() ? "yes" : "no");
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
	rdmsrq(MSR_GS_BASE, msr);
	vmcs_write(HOST_GS_BASE, msr);
	rdmsrq(MSR_IA32_SYSENTER_ESP, msr);
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
	rdmsrq(MSR_FS_BASE, msr);
	vmcs_write(HOST_FS_BASE, msr);
	rdmsrq(MSR_KERNEL_GS_BASE, vmx->host_msrs[SW_KERNEL_GS_BASE].value);
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

static void vmx_init_controls(struct lvmm_vmx *vmx)
{
	struct lvmm_vcpu *vcpu = vmx->vcpu;
	struct desc_ptr idt;
	u64 msr;
	int i;

	vmx->proc_ctl = lvmm_vmx_config.proc;
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, lvmm_vmx_config.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx->proc_ctl);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, lvmm_vmx_config.proc2);
	if (lvmm_vmx_config.proc2 & SECONDARY_EXEC_PAUSE_LOOP_EXITING) {
		/* PAUSEs at most 128 cycles apart for 4096 cycles: a spin loop (KVM's defaults). */
		vmcs_write(PLE_GAP, 128);
		vmcs_write(PLE_WINDOW, 4096);
	}
	vmcs_write(VM_EXIT_CONTROLS, lvmm_vmx_config.exit);
	vmcs_write(VM_ENTRY_CONTROLS, lvmm_vmx_config.entry);
	/* #AC and #DB loops would never let the host back in (CVE-2015-5307/8104). */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_AC) | BIT(X86_TRAP_DB));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(CR0_GUEST_HOST_MASK, lvmm_vmx_config.cr0_guest_mask);
	vmcs_write(CR4_GUEST_HOST_MASK, lvmm_vmx_config.cr4_guest_mask);
	vmcs_write(EPT_POINTER, vmx_eptp(vcpu));
	if (lvmm_vmx_config.has_vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(TSC_OFFSET, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);

	for (i = 0; i < NR_SWITCHED_MSRS; i++) {
		vmx->guest_msrs[i].index = lvmm_vmx_switched_msrs[i];
		vmx->guest_msrs[i].value = 0;
		vmx->host_msrs[i].index = lvmm_vmx_switched_msrs[i];
		rdmsrq(lvmm_vmx_switched_msrs[i], vmx->host_msrs[i].value);
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
	rdmsrq(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write(HOST_IA32_SYSENTER_CS, msr);
	rdmsrq(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_write(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrq(MSR_EFER, msr);
	vmcs_write(HOST_IA32_EFER, msr);
	rdmsrq(MSR_IA32_CR_PAT, msr);
	vmcs_write(HOST_IA32_PAT, msr);
	rdmsrq(MSR_FS_BASE, msr);
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
	*(u32 *)vmx->vmcs = lvmm_vmx_config.revision;
	vmx->guest_msrs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->guest_msrs)
		goto nomem;
	vmx->host_msrs = vmx->guest_msrs + PAGE_SIZE / 2 / sizeof(*vmx->guest_msrs);
	if (lvmm_vmx_config.has_vpid) {
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

/* ---- running the guest ---- */

static void vmx_flush_tlb(struct lvmm_vcpu *vcpu)
{
	if (lvmm_vmx_config.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
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
	if (lvmm_vmx_config.preemption_ticks)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, lvmm_vmx_config.preemption_ticks);
	vmcs_write(GUEST_RSP, vcpu->regs[LVMM_RSP]);
	/*
	 * The core moved RIP past an intercepted instruction (an HLT right
	 * after STI, say): the STI or MOV SS shadow the exit recorded is over.
	 */
	if (vcpu->rip != vmx->exit_rip)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO, vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
			   ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
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
	vmx->exit_rip = vcpu->rip;
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
	e.insn_info_valid = lvmm_vmx_config.insn_info;
	e.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	e.rip = vcpu->rip;

	/* The host's NMI: run its handler now, while it is still blocked. */
	if ((e.reason & 0xffff) == EXIT_REASON_EXCEPTION_NMI &&
	    (e.intr_info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		lvmm_vmx_call_handler((unsigned long)lvmm_host_nmi_entry);

	idt_info = vmcs_read(IDT_VECTORING_INFO_FIELD);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmx_requeue_event(idt_info);
	vmx_reblock_nmi(&e, idt_info);
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
		vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
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
	.has_nmi = vmx_has_nmi,
	.nmi_allowed = vmx_nmi_allowed,
	.inject_nmi = vmx_inject_nmi,
	.request_nmi_window = vmx_request_nmi_window,
	.nmi_window_exit = vmx_nmi_window_exit,
	.has_pause_exits = vmx_has_pause_exits,
	.handle_exit = vmx_handle_exit,
};
