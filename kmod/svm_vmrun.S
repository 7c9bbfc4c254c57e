/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch.  Called with interrupts disabled and GIF clear;
 * interrupts are enabled only across VMRUN so that a host interrupt
 * arriving in guest mode causes an INTR #VMEXIT (it is then taken after
 * STGI, in C).  VMLOAD/VMSAVE switch the state VMRUN leaves alone (FS, GS,
 * TR, LDTR bases, KernelGSBase, STAR family, SYSENTER MSRs).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets in the regs array: the x86 register encoding order. */
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

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
	mov	R_RCX(%rax), %rcx
	mov	R_RDX(%rax), %rdx
	mov	R_RBX(%rax), %rbx
	mov	R_RBP(%rax), %rbp
	mov	R_RSI(%rax), %rsi
	mov	R_RDI(%rax), %rdi
	mov	R_R8(%rax), %r8
	mov	R_R9(%rax), %r9
	mov	R_R10(%rax), %r10
	mov	R_R11(%rax), %r11
	mov	R_R12(%rax), %r12
	mov	R_R13(%rax), %r13
	mov	R_R14(%rax), %r14
	mov	R_R15(%rax), %r15
	pop	%rax		/* vmcb */

	vmload	%rax
	sti
	vmrun	%rax
	cli
	vmsave	%rax

	push	%rax
	mov	16(%rsp), %rax	/* regs */
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rbx, R_RBX(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)
	pop	%rax		/* vmcb */
	pop	%rax		/* host save area */
	vmload	%rax
	pop	%rax		/* regs */

	/* Leave no guest value in a register the C caller might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(lvmm_svm_vmrun)
