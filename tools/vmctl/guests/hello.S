/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guest: 16-bit real-mode code that prints a greeting on COM1
 * the way an 8250 driver does (wait for THRE, then write THR) and halts.
 * Linked at offset 0 and entered with IP = 0, so DS = CS finds the text.
 */
#define COM1_THR	0x3f8
#define COM1_LSR	0x3fd
#define LSR_THRE	0x20

	.code16
	.text
	.globl	_start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	cld
	mov	$message, %si
next:
	lodsb
	test	%al, %al
	jz	done
	mov	%al, %bl
	mov	$COM1_LSR, %dx
wait_thre:
	in	%dx, %al
	test	$LSR_THRE, %al
	jz	wait_thre
	mov	$COM1_THR, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	next
done:
	hlt
	jmp	done

message:
	.asciz	"Hello from an lvmm guest\n"
