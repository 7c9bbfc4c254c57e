/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that crashes: with an empty IDT, INT3 cannot be delivered and
 * the CPU shuts down (triple fault). vmctl must report it and fail.
 */
	.code16
	.text
	.globl	_start
_start:
	lidt	%cs:empty_idt
	int3
	hlt

empty_idt:
	.word	0
	.long	0
