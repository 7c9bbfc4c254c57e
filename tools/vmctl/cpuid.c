// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID table a Linux guest sees: the host CPU's identity and only
 * the features lvmm can stand behind (each is either handled natively by
 * the CPU for the guest, or emulated by lvmm): the local APIC with x2APIC
 * when the in-kernel APIC is there, and its TSC-deadline timer when the
 * host kernel knows the TSC's rate; no MTRRs, no XSAVE/AVX (lvmm switches
 * the FPU with FXSAVE-level state for now), no performance counters, no
 * MCE; the hypervisor bit set.
 */
#include <cpuid.h>
#include <string.h>

#include "cpuid.h"

/* CPUID.1:EDX */
#define F1D_FPU		(1U << 0)
#define F1D_VME		(1U << 1)
#define F1D_DE		(1U << 2)
#define F1D_PSE		(1U << 3)
#define F1D_APIC	(1U << 9)
#define F1D_TSC		(1U << 4)
#define F1D_MSR		(1U << 5)
#define F1D_PAE		(1U << 6)
#define F1D_CX8		(1U << 8)
#define F1D_SEP		(1U << 11)
#define F1D_PGE		(1U << 13)
#define F1D_CMOV	(1U << 15)
#define F1D_PAT		(1U << 16)
#define F1D_PSE36	(1U << 17)
#define F1D_CLFSH	(1U << 19)
#define F1D_MMX		(1U << 23)
#define F1D_FXSR	(1U << 24)
#define F1D_SSE		(1U << 25)
#define F1D_SSE2	(1U << 26)
/* CPUID.1:ECX */
#define F1C_SSE3	(1U << 0)
#define F1C_PCLMUL	(1U << 1)
#define F1C_SSSE3	(1U << 9)
#define F1C_CX16	(1U << 13)
#define F1C_SSE41	(1U << 19)
#define F1C_SSE42	(1U << 20)
#define F1C_X2APIC	(1U << 21)
#define F1C_MOVBE	(1U << 22)
#define F1C_POPCNT	(1U << 23)
#define F1C_TSC_DEADLINE (1U << 24)
#define F1C_AES		(1U << 25)
#define F1C_RDRAND	(1U << 30)
#define F1C_HYPERVISOR	(1U << 31)
/* CPUID.80000001:EDX, ECX */
#define F81D_SYSCALL	(1U << 11)
#define F81D_NX		(1U << 20)
#define F81D_LM		(1U << 29)
#define F81C_LAHF	(1U << 0)
#define F81C_ABM	(1U << 5)

static const uint32_t leaf1_edx = F1D_FPU | F1D_VME | F1D_DE | F1D_PSE | F1D_TSC | F1D_MSR |
	F1D_PAE | F1D_CX8 | F1D_SEP | F1D_PGE | F1D_CMOV | F1D_PAT | F1D_PSE36 | F1D_CLFSH |
	F1D_MMX | F1D_FXSR | F1D_SSE | F1D_SSE2;
static const uint32_t leaf1_ecx = F1C_SSE3 | F1C_PCLMUL | F1C_SSSE3 | F1C_CX16 | F1C_SSE41 |
	F1C_SSE42 | F1C_MOVBE | F1C_POPCNT | F1C_AES | F1C_RDRAND;
static const uint32_t ext1_edx = F81D_SYSCALL | F81D_NX | F81D_LM;
static const uint32_t ext1_ecx = F81C_LAHF | F81C_ABM;

static void add(struct lvmm_cpuid_entry *t, unsigned int *n, uint32_t fn,
		uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	t[*n] = (struct lvmm_cpuid_entry){
		.function = fn, .eax = a, .ebx = b, .ecx = c, .edx = d,
	};
	(*n)++;
}

unsigned int vmctl_cpuid_table(struct lvmm_cpuid_entry *t, unsigned int max, unsigned int vcpu,
			       unsigned int emulated)
{
	unsigned int a, b, c, d, ext, n = 0;
	int apic = emulated & VMCTL_CPUID_APIC;
	/* Emulated by lvmm, so offered whatever the host has. */
	uint32_t apic_ecx = apic ? F1C_X2APIC : 0;
	uint32_t apic_edx = apic ? F1D_APIC : 0;

	if (apic && (emulated & VMCTL_CPUID_TSC_DEADLINE))
		apic_ecx |= F1C_TSC_DEADLINE;

	if (max < 8)
		return 0;
	__cpuid(0, a, b, c, d);
	add(t, &n, 0, 6, b, c, d);			/* vendor string, max leaf 6 */
	__cpuid(1, a, b, c, d);
	/* EBX: APIC id in 31:24, one logical CPU per package; CLFLUSH size kept. */
	add(t, &n, 1, a, (vcpu << 24) | (b & 0xff00),
	    (c & leaf1_ecx) | apic_ecx | F1C_HYPERVISOR, (d & leaf1_edx) | apic_edx);
	/* Leaf 6: the APIC timer always runs (an hrtimer has no C-states). */
	add(t, &n, 6, apic ? 1U << 2 : 0, 0, 0, 0);
	__cpuid(0x80000000, ext, b, c, d);
	if (ext > 0x80000008)
		ext = 0x80000008;
	add(t, &n, 0x80000000, ext, b, c, d);
	if (ext >= 0x80000001) {
		__cpuid(0x80000001, a, b, c, d);
		add(t, &n, 0x80000001, a, 0, c & ext1_ecx, d & ext1_edx);
	}
	for (unsigned int fn = 0x80000002; fn <= 0x80000004 && fn <= ext; fn++) {
		__cpuid(fn, a, b, c, d);		/* the brand string */
		add(t, &n, fn, a, b, c, d);
	}
	if (ext >= 0x80000008) {
		__cpuid(0x80000008, a, b, c, d);
		add(t, &n, 0x80000008, a & 0xffff, 0, 0, 0);	/* address sizes only */
	}
	return n;
}
