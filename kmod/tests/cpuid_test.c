// SPDX-License-Identifier: GPL-2.0
/* KUnit: the CPUID table's validation and lookup (cpuid.c). */
#include <kunit/test.h>

#include "../cpuid.h"

#define SIG	LVMM_CPUID_FLAG_SIGNIFICANT_INDEX

static void cpuid_find_plain_and_indexed(struct kunit *test)
{
	const struct lvmm_cpuid_entry t[] = {
		{ .function = 0, .eax = 0xd },
		{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x70 },
		{ .function = 7, .index = 1, .flags = SIG, .ebx = 0x71 },
		{ .function = 0x80000000, .eax = 0x80000008 },
	};
	const struct lvmm_cpuid_entry *e;

	KUNIT_ASSERT_EQ(test, 0, lvmm_cpuid_check(t, ARRAY_SIZE(t)));
	e = lvmm_cpuid_find(t, ARRAY_SIZE(t), 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, 0xdU, e->eax);
	/* Without SIGNIFICANT_INDEX the subleaf in ECX does not matter. */
	e = lvmm_cpuid_find(t, ARRAY_SIZE(t), 0, 0x1234);
	KUNIT_EXPECT_PTR_EQ(test, &t[0], e);
	e = lvmm_cpuid_find(t, ARRAY_SIZE(t), 7, 1);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, 0x71U, e->ebx);
	KUNIT_EXPECT_EQ(test, 0x70U, lvmm_cpuid_find(t, ARRAY_SIZE(t), 7, 0)->ebx);
	KUNIT_EXPECT_NULL(test, lvmm_cpuid_find(t, ARRAY_SIZE(t), 7, 2));
	KUNIT_EXPECT_PTR_EQ(test, &t[3], lvmm_cpuid_find(t, ARRAY_SIZE(t), 0x80000000, 0));
	KUNIT_EXPECT_NULL(test, lvmm_cpuid_find(t, ARRAY_SIZE(t), 1, 0));
	KUNIT_EXPECT_NULL(test, lvmm_cpuid_find(t, 0, 0, 0));
}

static void cpuid_check_rejects(struct kunit *test)
{
	struct lvmm_cpuid_entry t[2] = {};

	t[0].flags = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 1));
	t[0].flags = 0;
	t[0].reserved[2] = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 1));
	t[0].reserved[2] = 0;
	/* An index is meaningless without SIGNIFICANT_INDEX. */
	t[0].index = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 1));
	t[0].index = 0;
	KUNIT_EXPECT_EQ(test, 0, lvmm_cpuid_check(t, 1));
	/* The same leaf twice, with or without subleaves. */
	t[1].function = t[0].function;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 2));
	t[0].flags = SIG;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 2));
	t[1].flags = SIG;
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_cpuid_check(t, 2));
	t[1].index = 1;
	KUNIT_EXPECT_EQ(test, 0, lvmm_cpuid_check(t, 2));
}

static struct kunit_case cpuid_cases[] = {
	KUNIT_CASE(cpuid_find_plain_and_indexed),
	KUNIT_CASE(cpuid_check_rejects),
	{}
};

static struct kunit_suite cpuid_suite = {
	.name = "lvmm_cpuid",
	.test_cases = cpuid_cases,
};

kunit_test_suites(&cpuid_suite);
