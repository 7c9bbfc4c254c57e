// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU state on kernels that keep the guest-FPU helpers to
 * KVM (see fpu.h): an XSAVE area of the vCPU's own, loaded with XRSTOR
 * right before each entry and saved with XSAVE right after the exit,
 * inside kernel_fpu_begin()/kernel_fpu_end(). kernel_fpu_begin() saves
 * the thread's user state once per LVMM_RUN (it then stays saved until
 * the return to userspace), so an exit costs the two instructions.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>

#include "fpu.h"

#ifdef LVMM_KVM_ONLY_EXPORTS

/*
 * The user features the host enabled, but not AMX's tiles (the kernel
 * arms them per thread with XFD, and lvmm's guests are not offered
 * them) nor PKRU (not an FPU register: the guest runs with the host's).
 */
static u64 guest_features(void)
{
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) & ~(XFEATURE_MASK_XTILE | XFEATURE_MASK_PKRU);
}

int lvmm_fpu_alloc(struct lvmm_guest_fpu *fpu)
{
	u32 eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return -EOPNOTSUPP;
	/* CPUID.(0xd, 0).EBX: the standard-format size for what XCR0 enables. */
	cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
	fpu->size = PAGE_ALIGN(ebx);
	fpu->xsave = alloc_pages_exact(fpu->size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!fpu->xsave)
		return -ENOMEM;
	fpu->features = guest_features();
	/* An empty header is every component in its reset state, but MXCSR is always loaded. */
	fpu->xsave->i387.mxcsr = MXCSR_DEFAULT;
	return 0;
}

void lvmm_fpu_free(struct lvmm_guest_fpu *fpu)
{
	if (fpu->xsave)
		free_pages_exact(fpu->xsave, fpu->size);
	fpu->xsave = NULL;
}

void lvmm_fpu_enter(struct lvmm_guest_fpu *fpu)
{
	u32 lo = fpu->features, hi = fpu->features >> 32;

	kernel_fpu_begin_mask(0);
	asm volatile("xrstor64 %[xs]" : : [xs] "m" (*fpu->xsave), "a" (lo), "d" (hi) : "memory");
}

void lvmm_fpu_exit(struct lvmm_guest_fpu *fpu)
{
	u32 lo = fpu->features, hi = fpu->features >> 32;

	asm volatile("xsave64 %[xs]" : [xs] "+m" (*fpu->xsave) : "a" (lo), "d" (hi) : "memory");
	kernel_fpu_end();
}

#endif /* LVMM_KVM_ONLY_EXPORTS */
