/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch.  Called with interrupts disabled and GIF clear;
 * interrupts are enabled only across VMRUN so that a host interrupt
 * arriving in guest mode causes an INTR #VMEXIT (it is then taken after
 * STGI, in C).  VMLOAD/VMSAVE switch the state VMRUN leaves alone (FS, GS,
 * TR, LDTR bases, KernelGSBase, STAR family, SYSENTER MSRs).
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#include "guest_regs.inc.S"


	.text
/* void lvmm_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa) */
SYM_FUNC_START(lvmm_svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rsi		/* regs */
	push	%rdx		/* host save area */
	push	%rdi		/* vmcb */

	/* Guest GPRs; RAX and RSP live in the VMCB. */
	mov	%rsi, %rax
	LOAD_GUEST_GPRS %rax
	pop	%rax		/* vmcb */

	vmload	%rax
	sti
	vmrun	%rax
SYM_INNER_LABEL(lvmm_svm_after_vmrun, SYM_L_GLOBAL)
	/* Its address is only compared (svm_ran_host_state()), never a branch target. */
	ANNOTATE_NOENDBR
	cli
	vmsave	%rax

	push	%rax
	mov	16(%rsp), %rax	/* regs */
	SAVE_GUEST_GPRS %rax
	pop	%rax		/* vmcb */
	pop	%rax		/* host save area */
	vmload	%rax
	pop	%rax		/* regs */

	CLEAR_GUEST_SCRATCH

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(lvmm_svm_vmrun)
