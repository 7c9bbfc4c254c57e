/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the world switches (svm_vmrun.S, vmx_vmenter.S): moving the guest's
 * general registers between the CPU and the vCPU's regs array, which is in
 * the x86 register encoding order.  RAX and RSP are each backend's own
 * business (VMCB / VMCS and the exit path).
 */
#ifndef LVMM_GUEST_REGS_INC_S
#define LVMM_GUEST_REGS_INC_S

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

/* Load RCX..R15 (not RAX, RSP) from the array at \base. */
.macro LOAD_GUEST_GPRS base
	mov	R_RCX(\base), %rcx
	mov	R_RDX(\base), %rdx
	mov	R_RBX(\base), %rbx
	mov	R_RBP(\base), %rbp
	mov	R_RSI(\base), %rsi
	mov	R_RDI(\base), %rdi
	mov	R_R8(\base), %r8
	mov	R_R9(\base), %r9
	mov	R_R10(\base), %r10
	mov	R_R11(\base), %r11
	mov	R_R12(\base), %r12
	mov	R_R13(\base), %r13
	mov	R_R14(\base), %r14
	mov	R_R15(\base), %r15
.endm

/* Store RCX..R15 into the array at \base. */
.macro SAVE_GUEST_GPRS base
	mov	%rcx, R_RCX(\base)
	mov	%rdx, R_RDX(\base)
	mov	%rbx, R_RBX(\base)
	mov	%rbp, R_RBP(\base)
	mov	%rsi, R_RSI(\base)
	mov	%rdi, R_RDI(\base)
	mov	%r8, R_R8(\base)
	mov	%r9, R_R9(\base)
	mov	%r10, R_R10(\base)
	mov	%r11, R_R11(\base)
	mov	%r12, R_R12(\base)
	mov	%r13, R_R13(\base)
	mov	%r14, R_R14(\base)
	mov	%r15, R_R15(\base)
.endm

/* Leave no guest value in a caller-saved register the C caller might speculate on. */
.macro CLEAR_GUEST_SCRATCH
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
.endm

#endif /* LVMM_GUEST_REGS_INC_S */
