/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX backend internals shared by vmx.c (setup, VMCS lifetime, the run
 * loop) and vmx_state.c (registers, MSRs, events): the per-vCPU state,
 * the capabilities computed at load and the VMX instruction wrappers.
 */
#ifndef LVMM_VMX_VMCS_H
#define LVMM_VMX_VMCS_H

#include <linux/bug.h>
#include <linux/preempt.h>
#include <asm/vmx.h>

#include "vmx.h"

/* Segment registers, in the order of their VMCS fields. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/*
 * MSRs the guest uses without an exit (SYSCALL, SWAPGS) and VM entry and
 * exit do not switch: loaded from the guest area at entry, stored back at
 * exit, and the host's values reloaded from the host area.
 */
enum { SW_STAR, SW_LSTAR, SW_SFMASK, SW_KERNEL_GS_BASE, NR_SWITCHED_MSRS };
extern const u32 lvmm_vmx_switched_msrs[NR_SWITCHED_MSRS];

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
	u64 exit_rip;			/* RIP at the last exit */
};

struct lvmm_vmx_caps {
	u32 revision;
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 cr0_guest_mask, cr4_guest_mask;
	u64 ept_vpid_cap;
	u32 preemption_ticks;		/* 0: no VMX-preemption timer */
	bool has_vpid, insn_info;
};

extern struct lvmm_vmx_caps lvmm_vmx_config;

static inline struct lvmm_vmx *to_vmx(struct lvmm_vcpu *vcpu)
{
	return vcpu->arch;
}


static inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %1, %0" : "=r"(value) : "r"(field) : "cc");
	return value;
}

static inline void vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("vmwrite %1, %0\n\tjna %l[fail]"
		 : : "r"(field), "rm"(value) : "cc" : fail);
	return;
fail:
	WARN_ONCE(1, "lvmm: vmwrite %#lx = %#lx failed, error %lu\n", field, value,
		  vmcs_read(VM_INSTRUCTION_ERROR));
}

static inline bool vmx_vmptrld(u64 pa)
{
	asm goto("vmptrld %0\n\tjna %l[fail]" : : "m"(pa) : "cc" : fail);
	return true;
fail:
	return false;
}

static inline void vmx_vmclear(u64 pa)
{
	asm goto("vmclear %0\n\tjna %l[fail]" : : "m"(pa) : "cc", "memory" : fail);
	return;
fail:
	WARN_ONCE(1, "lvmm: vmclear %#llx failed\n", pa);
}

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, zero; } desc = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(desc), "r"(type) : "cc", "memory");
}

/* vmx_state.c */
void vmx_write_cr0(struct lvmm_vmx *vmx, u64 cr0);
void vmx_write_cr4(struct lvmm_vmx *vmx, u64 cr4);
void vmx_write_efer(struct lvmm_vmx *vmx, u64 efer);
void vmx_write_seg(unsigned int i, const struct lvmm_segment *s);
bool vmx_handle_cr(struct lvmm_vcpu *vcpu, u64 qual);
void vmx_requeue_event(u32 idt_info);
void vmx_get_sregs(struct lvmm_vcpu *vcpu, struct lvmm_sregs *s);
void vmx_set_sregs(struct lvmm_vcpu *vcpu, const struct lvmm_sregs *s);
int vmx_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data);
bool vmx_interrupt_allowed(struct lvmm_vcpu *vcpu);
void vmx_inject_irq(struct lvmm_vcpu *vcpu, u8 vector);
void vmx_inject_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error, u32 error);
void vmx_set_irq_window(struct lvmm_vcpu *vcpu, bool enable);
bool vmx_has_nmi(void);
bool vmx_nmi_allowed(struct lvmm_vcpu *vcpu);
void vmx_inject_nmi(struct lvmm_vcpu *vcpu);
void vmx_request_nmi_window(struct lvmm_vcpu *vcpu);
void vmx_nmi_window_exit(struct lvmm_vcpu *vcpu);
void vmx_reblock_nmi(const struct lvmm_vmx_exit_info *e, u32 idt_info);

#endif /* LVMM_VMX_VMCS_H */
