// SPDX-License-Identifier: GPL-2.0
/* KUnit: second-level entry encoding with the NPT format (mmu.h, svm.c). */
#include <kunit/test.h>
#include <asm/pgtable_types.h>

#include "../lvmm.h"

static void npt_table_entry(struct kunit *test)
{
	const struct lvmm_pte_format *f = lvmm_svm_ops.pte_format;
	u64 pte = lvmm_pte_table(f, 0x123456789000ULL);

	/* Tables are present, writable and user: the leaf decides. */
	KUNIT_EXPECT_EQ(test, 0x123456789000ULL | _PAGE_PRESENT | _PAGE_RW |
			_PAGE_USER | _PAGE_ACCESSED, pte);
	KUNIT_EXPECT_TRUE(test, lvmm_pte_present(f, pte));
	/* Low bits of an unaligned address never leak into the flags. */
	KUNIT_EXPECT_EQ(test, pte, lvmm_pte_table(f, 0x123456789fffULL));
}

static void npt_leaf_entry(struct kunit *test)
{
	const struct lvmm_pte_format *f = lvmm_svm_ops.pte_format;
	u64 ro = lvmm_pte_leaf(f, 0xabcde000ULL, false);
	u64 rw = lvmm_pte_leaf(f, 0xabcde000ULL, true);

	KUNIT_EXPECT_EQ(test, 0xabcde000ULL | _PAGE_PRESENT | _PAGE_USER |
			_PAGE_ACCESSED | _PAGE_DIRTY, ro);
	KUNIT_EXPECT_EQ(test, ro | _PAGE_RW, rw);
	KUNIT_EXPECT_FALSE(test, ro & _PAGE_RW);
	/* Executable (NX clear) and 4K (PS clear) leaves. */
	KUNIT_EXPECT_FALSE(test, rw & (_PAGE_NX | _PAGE_PSE));
	/* Bits above the 52-bit physical address space are dropped. */
	KUNIT_EXPECT_EQ(test, rw, lvmm_pte_leaf(f, 0xfff00000abcde000ULL, true));
	KUNIT_EXPECT_FALSE(test, lvmm_pte_present(f, 0));
	KUNIT_EXPECT_FALSE(test, lvmm_pte_present(f, 0xabcde000ULL));
}

static void pte_index_per_level(struct kunit *test)
{
	u64 gpa = (0x1aULL << 39) | (0x1bULL << 30) | (0x1cULL << 21) |
		  (0x1dULL << 12) | 0xfff;

	KUNIT_EXPECT_EQ(test, 0x1dU, lvmm_pte_index(gpa, 1));
	KUNIT_EXPECT_EQ(test, 0x1cU, lvmm_pte_index(gpa, 2));
	KUNIT_EXPECT_EQ(test, 0x1bU, lvmm_pte_index(gpa, 3));
	KUNIT_EXPECT_EQ(test, 0x1aU, lvmm_pte_index(gpa, 4));
	KUNIT_EXPECT_EQ(test, 511U, lvmm_pte_index(~0ULL, 1));
	KUNIT_EXPECT_EQ(test, 511U, lvmm_pte_index(~0ULL, 4));
	KUNIT_EXPECT_EQ(test, 0U, lvmm_pte_index(0xfff, 1));
}

static struct kunit_case mmu_cases[] = {
	KUNIT_CASE(npt_table_entry),
	KUNIT_CASE(npt_leaf_entry),
	KUNIT_CASE(pte_index_per_level),
	{}
};

static struct kunit_suite mmu_suite = {
	.name = "lvmm_mmu",
	.test_cases = mmu_cases,
};

kunit_test_suites(&mmu_suite);
