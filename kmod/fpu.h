/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's x87, SSE and AVX registers while a vCPU runs. Where the
 * kernel lets any module use KVM's guest-FPU helpers, they do it all:
 * the guest's state becomes the thread's FPU state for the whole
 * LVMM_RUN (lvmm_fpu_load() to lvmm_fpu_put()), and the kernel's lazy
 * restore loads it before each entry. Where they are KVM's only
 * (LVMM_KVM_ONLY_EXPORTS, see compat.h), lvmm keeps an XSAVE area of its
 * own and swaps it in around each entry inside a kernel-FPU section
 * (fpu.c): two more instructions an exit, nothing the kernel hides.
 */
#ifndef LVMM_FPU_H
#define LVMM_FPU_H

#include <linux/types.h>
#include <asm/fpu/api.h>

#include "compat.h"

#ifdef LVMM_KVM_ONLY_EXPORTS

struct lvmm_guest_fpu {
	struct xregs_state *xsave;	/* standard (not compacted) format */
	u64 features;			/* what XSAVE and XRSTOR move */
	size_t size;
};

int lvmm_fpu_alloc(struct lvmm_guest_fpu *fpu);
void lvmm_fpu_free(struct lvmm_guest_fpu *fpu);
void lvmm_fpu_enter(struct lvmm_guest_fpu *fpu);
void lvmm_fpu_exit(struct lvmm_guest_fpu *fpu);
static inline void lvmm_fpu_load(struct lvmm_guest_fpu *fpu) { }
static inline void lvmm_fpu_put(struct lvmm_guest_fpu *fpu) { }

#else

struct lvmm_guest_fpu {
	struct fpu_guest fpstate;
};

static inline int lvmm_fpu_alloc(struct lvmm_guest_fpu *fpu)
{
	return fpu_alloc_guest_fpstate(&fpu->fpstate) ? 0 : -ENOMEM;
}

static inline void lvmm_fpu_free(struct lvmm_guest_fpu *fpu)
{
	fpu_free_guest_fpstate(&fpu->fpstate);
}

/* The guest's state becomes the thread's until lvmm_fpu_put(). */
static inline void lvmm_fpu_load(struct lvmm_guest_fpu *fpu)
{
	fpu_swap_kvm_fpstate(&fpu->fpstate, true);
}

static inline void lvmm_fpu_put(struct lvmm_guest_fpu *fpu)
{
	fpu_swap_kvm_fpstate(&fpu->fpstate, false);
}

/* Interrupts off: the registers must hold the guest's at VMRUN/VMLAUNCH. */
static inline void lvmm_fpu_enter(struct lvmm_guest_fpu *fpu)
{
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
}

static inline void lvmm_fpu_exit(struct lvmm_guest_fpu *fpu) { }

#endif /* LVMM_KVM_ONLY_EXPORTS */

#endif /* LVMM_FPU_H */
