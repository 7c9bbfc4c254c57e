/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch.  Called with interrupts disabled and the vCPU's
 * VMCS current; HOST_RIP points at lvmm_vmx_vmexit and HOST_RSP is set
 * here, so a VM exit resumes below with this function's stack frame.
 * RSP, RIP and RFLAGS of the guest live in the VMCS; the other fifteen
 * GPRs in the regs array.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>

#include "guest_regs.inc.S"

#define HOST_RSP_FIELD	0x00006c14


	.text
/* int lvmm_vmx_vmenter(unsigned long *regs, bool launched) */
SYM_FUNC_START(lvmm_vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi		/* regs: the exit path finds it at (%rsp) */

	mov	$HOST_RSP_FIELD, %rax
	vmwrite	%rsp, %rax
	jna	.Lvmfail_early

	/* Flags survive the MOVs below and pick the instruction. */
	test	%sil, %sil
	mov	%rdi, %rax
	LOAD_GUEST_GPRS %rax
	mov	R_RAX(%rax), %rax

	UNWIND_HINT_SAVE
	jz	.Lvmlaunch
	vmresume
	jmp	.Lvmfail
.Lvmlaunch:
	vmlaunch
	jmp	.Lvmfail

SYM_INNER_LABEL(lvmm_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax	/* regs */
	pop	R_RAX(%rax)
	SAVE_GUEST_GPRS %rax
	xor	%eax, %eax
	jmp	.Lclear

.Lvmfail:
	/* The guest never ran: its values in registers are dropped. */
.Lvmfail_early:
	mov	$1, %eax

.Lclear:
	/* A guest-poisoned return stack must not steer the host's RETs. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	CLEAR_GUEST_SCRATCH

	pop	%rdi
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(lvmm_vmx_vmenter)

/*
 * void lvmm_vmx_call_handler(unsigned long entry): an NMI that caused a VM
 * exit stays blocked until the next IRET, so the host's handler runs on
 * an interrupt frame built here and returns with that IRET.
 */
SYM_FUNC_START(lvmm_vmx_call_handler)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp	/* as the CPU aligns an interrupt frame */
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	CALL_NOSPEC rdi
	/* IRET restored RSP already; say so for objtool. */
	mov	%rbp, %rsp
	pop	%rbp
	RET
SYM_FUNC_END(lvmm_vmx_call_handler)
