/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the selftests.  Each snippet is position independent
 * (or assumes its load address, GUEST_CODE = 0x1000) and is copied into
 * guest memory by the test; GUEST_SNIPPET gives it start/end symbols.
 */
#define GUEST_SNIPPET(name)	.globl name, name##_end; name:
#define GUEST_END(name)		name##_end:

	.section .rodata.guest, "a"

	.code16
GUEST_SNIPPET(guest_hlt16)
	hlt
GUEST_END(guest_hlt16)

/* OUT of each width, then HLT. */
GUEST_SNIPPET(guest_out16)
	mov	$0x12, %al
	out	%al, $0x10
	mov	$0x3456, %ax
	out	%ax, $0x12
	mov	$0xdeadbeef, %eax
	out	%eax, $0x14
	hlt
GUEST_END(guest_out16)

/* IN from 0x20 (byte) and 0x22 (dword), echo them back on 0x21 / 0x23. */
GUEST_SNIPPET(guest_in16)
	in	$0x20, %al
	out	%al, $0x21
	in	$0x22, %eax
	out	%eax, $0x23
	hlt
GUEST_END(guest_in16)

/* rep outsb of 5 bytes at 0x2000 to port 0x30, rep insb of 6 bytes to 0x3000. */
GUEST_SNIPPET(guest_string16)
	cld
	mov	$0x2000, %si
	mov	$5, %cx
	mov	$0x30, %dx
	rep outsb
	mov	$0x3000, %di
	mov	$6, %cx
	mov	$0x31, %dx
	rep insb
	hlt
GUEST_END(guest_string16)

/* MMIO at 0x9000 (no slot): dword store, dword load echoed on port 0x40,
 * byte store of an immediate; then a byte store into the read-only slot
 * at 0xa000 and a load from it, echoed on port 0x41. */
GUEST_SNIPPET(guest_mmio16)
	mov	$0x9000, %bx
	mov	$0x11223344, %eax
	mov	%eax, (%bx)
	mov	(%bx), %ecx
	mov	%ecx, %eax
	out	%eax, $0x40
	movb	$0x77, 4(%bx)
	mov	$0xa000, %si
	movb	$0x66, (%si)
	mov	(%si), %al
	out	%al, $0x41
	hlt
GUEST_END(guest_mmio16)

/* CPUID leaf 0x40000000, then HLT: the host reads the registers. */
GUEST_SNIPPET(guest_cpuid16)
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	hlt
GUEST_END(guest_cpuid16)

GUEST_SNIPPET(guest_hypercall16)
	mov	$5, %eax
	mov	$1, %ebx
	mov	$2, %ecx
	mov	$3, %edx
	mov	$4, %esi
	vmmcall
	hlt
GUEST_END(guest_hypercall16)

/* The same with Intel's VMCALL: each vendor has its own instruction. */
GUEST_SNIPPET(guest_vmcall16)
	mov	$5, %eax
	mov	$1, %ebx
	mov	$2, %ecx
	mov	$3, %edx
	mov	$4, %esi
	vmcall
	hlt
GUEST_END(guest_vmcall16)

/* INT3 with an empty IDT: #GP, #DF, then a triple fault. */
GUEST_SNIPPET(guest_int3_16)
	int3
	hlt
GUEST_END(guest_int3_16)

/* Guest writes 0xfeedface at 0x5000 and echoes the dword at 0x6000 on 0x50. */
GUEST_SNIPPET(guest_mem16)
	movl	$0xfeedface, %eax
	mov	$0x5000, %bx
	mov	%eax, (%bx)
	mov	$0x6000, %bx
	mov	(%bx), %eax
	out	%eax, $0x50
	hlt
GUEST_END(guest_mem16)

/*
 * One write to each 4K page from 64 KiB to 1 MiB (a segment a page), OUT
 * on 0x52 once all are mapped, then spin for ever.
 */
GUEST_SNIPPET(guest_touch16)
	mov	$0x1000, %ax
1:	mov	%ax, %ds
	movb	$1, 0
	add	$0x100, %ax
	jnz	1b
	out	%al, $0x52
2:	jmp	2b
GUEST_END(guest_touch16)

/* Count in EBX forever. */
GUEST_SNIPPET(guest_spin16)
1:	inc	%ebx
	jmp	1b
GUEST_END(guest_spin16)

/* %ecx PAUSEs in a tight loop, as a spin-wait on a lock, then HLT. */
GUEST_SNIPPET(guest_pause16)
1:	pause
	dec	%ecx
	jnz	1b
	hlt
GUEST_END(guest_pause16)

/* Add 1 to the dword at (%si) %cx times, then HLT. */
GUEST_SNIPPET(guest_count16)
1:	incl	(%si)
	dec	%ecx
	jnz	1b
	hlt
GUEST_END(guest_count16)

/* Interrupts: announce on 0x51 with IF=0, STI, wait in HLT. */
GUEST_SNIPPET(guest_irq16)
	cli
	out	%al, $0x51
	sti
	nop
1:	hlt
	jmp	1b
GUEST_END(guest_irq16)

/* The handler for the injected vector: report it on 0x52. */
GUEST_SNIPPET(guest_irq_handler16)
	mov	$0x99, %al
	out	%al, $0x52
	iret
GUEST_END(guest_irq_handler16)

/*
 * The in-kernel local APIC through its x2APIC MSRs (apic_test.c). The test
 * fills in: 0x502 how many interrupts to wait for, 0x504 the LVT timer
 * value, 0x508 the initial count, 0x510 a TSC-deadline delta (0: none).
 * OUT 0x51 once armed; HLT (sleeping in the kernel) until the handler
 * (guest_apic_handler16) has counted enough at 0x500; OUT 0x50 the count.
 */
GUEST_SNIPPET(guest_apic16)
	mov	$0x1b, %ecx		/* IA32_APIC_BASE: EN | EXTD, x2APIC mode */
	rdmsr
	or	$0xc00, %eax
	wrmsr
	mov	$0x80f, %ecx		/* SVR: software-enabled, spurious vector 0xff */
	mov	$0x1ff, %eax
	xor	%edx, %edx
	wrmsr
	mov	$0x83e, %ecx		/* TDCR: divide by 1 */
	mov	$0xb, %eax
	wrmsr
	mov	$0x832, %ecx		/* LVT timer */
	mov	0x504, %eax
	wrmsr
	mov	0x510, %ebx		/* TSC deadline = now + delta */
	test	%ebx, %ebx
	jz	1f
	rdtsc
	add	%ebx, %eax
	adc	$0, %edx
	mov	$0x6e0, %ecx
	wrmsr
1:	mov	$0x838, %ecx		/* TMICT */
	mov	0x508, %eax
	xor	%edx, %edx
	wrmsr
	out	%al, $0x51
	/*
	 * Check with interrupts off, then STI; HLT: the STI shadow keeps an
	 * interrupt from slipping in between the check and the HLT.
	 */
2:	cli
	mov	0x500, %al
	cmp	0x502, %al
	jae	3f
	sti
	hlt
	jmp	2b
3:
	mov	$0x838, %ecx		/* stop the timer */
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	mov	0x500, %al
	out	%al, $0x50
	hlt
GUEST_END(guest_apic16)

/* Count the interrupt at 0x500 and EOI it through the x2APIC EOI MSR. */
GUEST_SNIPPET(guest_apic_handler16)
	pushal
	incb	0x500
	mov	$0x80b, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	wrmsr
	popal
	iret
GUEST_END(guest_apic_handler16)

/*
 * NMI IPIs (apic_test.c): x2APIC on, an NMI to itself, then wait until the
 * handler (guest_nmi_handler16) has run twice; OUT 0x56 the count.
 */
GUEST_SNIPPET(guest_nmi16)
	mov	$0x1b, %ecx		/* IA32_APIC_BASE: EN | EXTD, x2APIC mode */
	rdmsr
	or	$0xc00, %eax
	wrmsr
	mov	$0x80f, %ecx		/* SVR: software-enabled */
	mov	$0x1ff, %eax
	xor	%edx, %edx
	wrmsr
	mov	$0x830, %ecx		/* ICR: self, NMI */
	mov	$0x44400, %eax
	wrmsr
1:	cmpb	$2, 0x520
	jb	1b
	mov	0x520, %al
	out	%al, $0x56
	hlt
GUEST_END(guest_nmi16)

/*
 * Count at 0x520 and OUT it on 0x54 when entered, 0x55 when leaving; the
 * first run sends a second NMI, which must wait for this handler's IRET.
 */
GUEST_SNIPPET(guest_nmi_handler16)
	pushal
	incb	0x520
	mov	0x520, %al
	out	%al, $0x54
	cmp	$1, %al
	jne	1f
	mov	$0x830, %ecx
	mov	$0x44400, %eax
	xor	%edx, %edx
	wrmsr
1:	mov	0x520, %al
	out	%al, $0x55
	popal
	iret
GUEST_END(guest_nmi_handler16)

	.code32
GUEST_SNIPPET(guest_pmode32)
	mov	$0xabcd1234, %eax
	out	%eax, $0x70
	mov	$0x100000, %edi		/* above 1 MiB: needs 32-bit addressing */
	movl	$0x5a5a5a5a, (%edi)
	hlt
GUEST_END(guest_pmode32)

	.code64
/* 64-bit arithmetic, an OUT, and an 8-byte MMIO store to 0x400000. */
GUEST_SNIPPET(guest_long64)
	movabs	$0x123456789abcdef0, %rbx
	add	$1, %rbx
	mov	%ebx, %eax
	out	%eax, $0x60
	mov	$0x400000, %rcx
	mov	%rbx, (%rcx)
	hlt
GUEST_END(guest_long64)

	.section .note.GNU-stack,"",@progbits
