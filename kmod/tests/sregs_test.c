// SPDX-License-Identifier: GPL-2.0
/* KUnit: validation of SET_SREGS input (sregs.c). */
#include <kunit/test.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "../sregs.h"

static void flat_real_mode(struct lvmm_sregs *s)
{
	struct lvmm_segment seg = { .limit = 0xffff, .type = 3, .present = 1, .s = 1 };

	memset(s, 0, sizeof(*s));
	s->cs = s->ds = s->es = s->fs = s->gs = s->ss = seg;
	s->cs.type = 0xb;
	s->cr0 = X86_CR0_ET;
}

static void long_mode(struct lvmm_sregs *s)
{
	flat_real_mode(s);
	s->cs.l = 1;
	s->cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_ET;
	s->cr4 = X86_CR4_PAE;
	s->cr3 = 0x1000;
	s->efer = EFER_LME | EFER_LMA;
}

static void sregs_valid(struct kunit *test)
{
	struct lvmm_sregs s;

	flat_real_mode(&s);
	KUNIT_EXPECT_EQ(test, 0, lvmm_sregs_check(&s));
	long_mode(&s);
	KUNIT_EXPECT_EQ(test, 0, lvmm_sregs_check(&s));
}

static void sregs_reserved_and_ranges(struct kunit *test)
{
	struct lvmm_sregs s;

	flat_real_mode(&s);
	s.reserved[3] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.ss.padding = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.ds.type = 16;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.es.dpl = 4;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.gs.g = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.gdt.padding[1] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.cr8 = 16;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
}

static void sregs_canonical_bases(struct kunit *test)
{
	struct lvmm_sregs s;

	flat_real_mode(&s);
	s.fs.base = 0xffff800000000000ULL;
	KUNIT_EXPECT_EQ(test, 0, lvmm_sregs_check(&s));
	s.fs.base = 0x0000800000000000ULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.idt.base = 0x8000000000000000ULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
}

static void sregs_control_registers(struct kunit *test)
{
	struct lvmm_sregs s;

	/* Paging without protection, NW without CD, high CR0 bits. */
	flat_real_mode(&s);
	s.cr0 |= X86_CR0_PG;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.cr0 |= X86_CR0_NW;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	s.cr0 |= X86_CR0_CD;
	KUNIT_EXPECT_EQ(test, 0, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.cr0 |= 1ULL << 32;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	/* CR4.VMXE is not the guest's to set; nor is an unknown EFER bit. */
	flat_real_mode(&s);
	s.cr4 = X86_CR4_VMXE;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.efer = EFER_SVME;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	flat_real_mode(&s);
	s.cr3 = 1ULL << 52;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
}

static void sregs_long_mode_consistency(struct kunit *test)
{
	struct lvmm_sregs s;

	/* LMA must equal LME && PG, and long mode needs PAE. */
	long_mode(&s);
	s.efer = EFER_LME;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	long_mode(&s);
	s.cr0 &= ~X86_CR0_PG;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
	s.efer = EFER_LME;
	KUNIT_EXPECT_EQ(test, 0, lvmm_sregs_check(&s));
	long_mode(&s);
	s.cr4 = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_sregs_check(&s));
}

static struct kunit_case sregs_cases[] = {
	KUNIT_CASE(sregs_valid),
	KUNIT_CASE(sregs_reserved_and_ranges),
	KUNIT_CASE(sregs_canonical_bases),
	KUNIT_CASE(sregs_control_registers),
	KUNIT_CASE(sregs_long_mode_consistency),
	{}
};

static struct kunit_suite sregs_suite = {
	.name = "lvmm_sregs",
	.test_cases = sregs_cases,
};

kunit_test_suites(&sregs_suite);
