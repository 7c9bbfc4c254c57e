/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that uses its memory: from real mode into 32-bit protected
 * mode (flat segments), then one write to every 4K page from 1 MiB to
 * 32 MiB, then "d" on COM1 and HLT. Run with --memory 32M; the cgroup
 * tests give it a --memory-limit below that.
 */
#define COM1_THR	0x3f8
#define TOP		(32 << 20)

	.code16
	.text
	.globl	_start
_start:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	movzwl	%ax, %ebx
	shl	$4, %ebx		/* the image's linear address */
	/* The GDT's and the 32-bit entry's linear addresses, patched in. */
	lea	gdt(%ebx), %eax
	mov	%eax, gdtr + 2
	lea	pm32(%ebx), %eax
	mov	%eax, entry
	lgdtl	gdtr
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	*entry

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x100000, %edi
touch:
	movl	$1, (%edi)
	add	$4096, %edi
	cmp	$TOP, %edi
	jb	touch
	mov	$COM1_THR, %dx
	mov	$'d', %al
	out	%al, %dx
	mov	$'\n', %al
	out	%al, %dx
	hlt

	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, flat 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat 4 GiB */
gdtr:
	.word	23
	.long	0
entry:
	.long	0
	.word	0x08
