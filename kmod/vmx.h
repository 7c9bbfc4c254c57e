/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VT-x backend internals: the pure helpers KUnit tests (control
 * computation, exit decoding) and the world switch in vmx_vmenter.S.
 */
#ifndef LVMM_VMX_H
#define LVMM_VMX_H

#include "lvmm.h"

/*
 * Fold @min (required) and @opt (wanted if available) control bits into
 * what the capability MSR @cap allows: its low word holds the bits that
 * must be 1, its high word the bits that may be 1.  Returns -EIO when a
 * required bit is not allowed.
 */
int lvmm_vmx_adjust_controls(u32 min, u32 opt, u64 cap, u32 *ctl);

/* What vmx.c read from the VMCS after an exit, for the pure decoder. */
struct lvmm_vmx_exit_info {
	u32 reason;		/* full exit reason, bit 31 = failed entry */
	u64 qual;		/* exit qualification */
	u32 intr_info;		/* VM-exit interruption information */
	u32 intr_error;
	u32 insn_len;
	u32 insn_info;		/* VM-exit instruction information */
	bool insn_info_valid;	/* the CPU reports INS/OUTS address size */
	u8 default_addr_size;	/* 2, 4 or 8: the code segment's */
	u64 gpa;
	u64 rip;
};

void lvmm_vmx_decode_exit(const struct lvmm_vmx_exit_info *e, struct lvmm_exit *x);

/*
 * vmx_vmenter.S: load the guest GPRs (all but RSP) from @regs, VMLAUNCH
 * (@launched false) or VMRESUME, save them back.  Returns 0 after a VM
 * exit, 1 when the instruction itself failed (VM-instruction error).
 */
int lvmm_vmx_vmenter(unsigned long *regs, bool launched);
/* Where a VM exit lands (HOST_RIP), inside lvmm_vmx_vmenter. */
void lvmm_vmx_vmexit(void);
/* Run an IRQ/NMI handler with a synthetic interrupt frame (it IRETs). */
void lvmm_vmx_call_handler(unsigned long entry);

#endif /* LVMM_VMX_H */
