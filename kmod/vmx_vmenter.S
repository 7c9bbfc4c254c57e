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

#define HOST_RSP_FIELD	0x00006c14

/* Offsets in the regs array: the x86 register encoding order. */
#define R_RAX	(0 * 8)
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
	/* Leave no guest value in a register the C caller might speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

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
