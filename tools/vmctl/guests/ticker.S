/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that keeps running: 16-bit real-mode code counting in a loop
 * and printing a line "t" on COM1 every 2^18 rounds, for ever. The
 * management tests watch its output stop while the VM is paused.
 */
#define COM1_THR	0x3f8

	.code16
	.text
	.globl	_start
_start:
	xor	%ecx, %ecx
	xor	%ebx, %ebx
spin:
	inc	%ecx
	test	$0x3ffff, %ecx
	jnz	spin
	inc	%bx
	mov	$COM1_THR, %dx
	mov	$'t', %al
	out	%al, %dx
	mov	$'\n', %al
	out	%al, %dx
	jmp	spin
