/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels lvmm builds against: Debian's 6.1
 * (the oldest supported; the Makefile refuses older trees), 6.12 and 7.3.
 * Every case names the kernel version that changed it and why; the rest
 * of kmod/ uses only the current upstream names, and this header maps
 * them onto older kernels.  On 6.1 each mapping expands to exactly the
 * call the code made before, so the 6.1 module is unchanged.  The
 * versions are upstream's; the builds check them against Debian's 6.1,
 * 6.12 and 7.3 headers (and 7.2's for the VMCB cases).
 */
#ifndef LVMM_COMPAT_H
#define LVMM_COMPAT_H

#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/version.h>
#include <asm/debugreg.h>
#include <asm/idtentry.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>
/* 7.x's <asm/svm.h> uses test_bit() and PAGE_SIZE without their headers. */
#include <asm/svm.h>

/*
 * 6.18 (upstream's EXPORT_SYMBOL_FOR_KVM series; Debian's 7.3 has
 * it, its 6.12 not) the kernel exported what only a hypervisor needs to
 * KVM's own modules: the guest-FPU helpers, hw_breakpoint_restore() and
 * the VMX host-state ones (CR3 and CR4 shadows, the NMI entry), while
 * VMXON moved into the kernel (x86_virt_get_ref(), also KVM's). Kbuild
 * tests <linux/kvm_types.h> for the macro and then defines
 * LVMM_KVM_ONLY_EXPORTS: the guest FPU lives in an XSAVE area of lvmm's
 * own (fpu.c), the host's breakpoints are restored from what lvmm saved
 * (below), and the VMX backend is left out (main.c says so on Intel).
 */

/* The one version test; checkpatch's LINUX_VERSION_CODE advice is for in-tree code. */
#define LVMM_KERNEL_BEFORE(major, minor) \
	(LINUX_VERSION_CODE < KERNEL_VERSION(major, minor, 0))

/*
 * 6.4 made smp_send_reschedule() a macro that also fires the exported
 * ipi_send_cpu tracepoint (the IPI tracing series), but <linux/smp.h>
 * does not declare the tracepoint: callers include its header, as KVM's
 * modules do.  Before 6.4 the header only has other IPI tracepoints and
 * including it emits nothing.
 */
#include <trace/events/ipi.h>

/*
 * 6.15 moved cpuid_eax() and friends into <asm/cpuid/api.h>, which
 * <asm/processor.h> later stopped including (7.3 takes only the types).
 */
#if !LVMM_KERNEL_BEFORE(6, 15)
#include <asm/cpuid/api.h>
#endif

/*
 * 6.16 renamed rdmsrl(), wrmsrl() and rdmsrl_safe() to rdmsrq(),
 * wrmsrq() and rdmsrq_safe() (q for the u64 they move) and later
 * kernels dropped the old names.
 */
#if LVMM_KERNEL_BEFORE(6, 16)
#define rdmsrq(msr, val)	rdmsrl(msr, val)
#define wrmsrq(msr, val)	wrmsrl(msr, val)
#define rdmsrq_safe(msr, p)	rdmsrl_safe(msr, p)
#endif

/*
 * 6.13 added hrtimer_setup(), which sets the callback with the clock
 * and mode so that no timer runs without one; hrtimer_init() is gone
 * by 7.3.
 */
#if LVMM_KERNEL_BEFORE(6, 13)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * The host NMI entry that VMX calls on the kernel stack (no IST) after
 * an NMI exit: 6.3 renamed asm_exc_nmi_noist to asm_exc_nmi_kvm_vmx
 * when 32-bit kernels got the same entry.
 */
#if LVMM_KERNEL_BEFORE(6, 3)
#define lvmm_host_nmi_entry	asm_exc_nmi_noist
#else
#define lvmm_host_nmi_entry	asm_exc_nmi_kvm_vmx
#endif

/*
 * 6.9 added FRED (X86_FEATURE_FRED), which replaces the IDT: a host
 * with FRED enabled takes events in a frame lvmm's IDT-style NMI call
 * and host state do not build, so the VMX backend refuses such a host.
 * Debian's 6.12 is built without FRED, its 7.x with it (off unless the
 * CPU has FRED and the kernel enables it).
 */
static inline bool lvmm_host_uses_fred(void)
{
#ifdef X86_FEATURE_FRED
	return cpu_feature_enabled(X86_FEATURE_FRED);
#else
	return false;
#endif
}

/*
 * The VMCB's EXITCODE (offset 0x70) is one 64-bit field in the APM, but
 * the kernel's struct vmcb_control_area split it into exit_code and
 * exit_code_hi until 7.0 made exit_code a u64 (Debian's 6.12 has the
 * halves, its 7.2 and 7.3 the u64).
 */
#if LVMM_KERNEL_BEFORE(7, 0)
#define lvmm_vmcb_exit_code(c)	((c)->exit_code | (u64)(c)->exit_code_hi << 32)
#else
#define lvmm_vmcb_exit_code(c)	((c)->exit_code)
#endif

/*
 * The VMCB field at 0x90 (nested paging enable, SEV, SEV-ES, GMET) was
 * nested_ctl with SVM_NESTED_CTL_NP_ENABLE; 7.0 renamed it misc_ctl with
 * SVM_MISC_ENABLE_NP after what else it holds (Debian's 7.2 and 7.3 have
 * the new names).  Tested by the new macro, so the version does not
 * matter.
 */
#ifdef SVM_MISC_ENABLE_NP
#define lvmm_vmcb_enable_npt(c)	((c)->misc_ctl = SVM_MISC_ENABLE_NP)
#else
#define lvmm_vmcb_enable_npt(c)	((c)->nested_ctl = SVM_NESTED_CTL_NP_ENABLE)
#endif

/*
 * After an exit the CPU holds the guest's DR0-3 and DR7 = 0x400: the
 * host's breakpoints, if any are armed, are put back. Where
 * hw_breakpoint_restore() is KVM's, from the values saved before entry.
 */
struct lvmm_host_dr {
#ifdef LVMM_KVM_ONLY_EXPORTS
	unsigned long dr[4];
	bool saved;
#endif
};

static __always_inline void lvmm_host_dr_save(struct lvmm_host_dr *d)
{
#ifdef LVMM_KVM_ONLY_EXPORTS
	d->saved = hw_breakpoint_active();
	if (d->saved) {
		get_debugreg(d->dr[0], 0);
		get_debugreg(d->dr[1], 1);
		get_debugreg(d->dr[2], 2);
		get_debugreg(d->dr[3], 3);
	}
#endif
}

static __always_inline void lvmm_host_dr_restore(struct lvmm_host_dr *d)
{
#ifdef LVMM_KVM_ONLY_EXPORTS
	if (d->saved) {
		set_debugreg(d->dr[0], 0);
		set_debugreg(d->dr[1], 1);
		set_debugreg(d->dr[2], 2);
		set_debugreg(d->dr[3], 3);
		set_debugreg(DR6_RESERVED, 6);
		set_debugreg(__this_cpu_read(cpu_dr7), 7);
	}
#else
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
#endif
}

#endif /* LVMM_COMPAT_H */
