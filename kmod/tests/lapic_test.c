// SPDX-License-Identifier: GPL-2.0
/* KUnit: the local APIC's pure logic (lapic.c): divider, PPR, destinations, MSI. */
#include <kunit/test.h>
#include <asm/apicdef.h>

#include "../lapic.h"

static void divisor(struct kunit *test)
{
	/* TDCR bits 3,1,0: 000 = /2 ... 110 = /128, 111 = /1. */
	KUNIT_EXPECT_EQ(test, 2U, lvmm_apic_divisor(0x0));
	KUNIT_EXPECT_EQ(test, 4U, lvmm_apic_divisor(0x1));
	KUNIT_EXPECT_EQ(test, 16U, lvmm_apic_divisor(0x3));
	KUNIT_EXPECT_EQ(test, 32U, lvmm_apic_divisor(0x8));
	KUNIT_EXPECT_EQ(test, 128U, lvmm_apic_divisor(0xa));
	KUNIT_EXPECT_EQ(test, 1U, lvmm_apic_divisor(0xb));
}

static void priority(struct kunit *test)
{
	/* PPR: the TPR if its class is not below the highest in service. */
	KUNIT_EXPECT_EQ(test, 0U, lvmm_apic_ppr(0, -1));
	KUNIT_EXPECT_EQ(test, 0x30U, lvmm_apic_ppr(0x20, 0x31));
	KUNIT_EXPECT_EQ(test, 0x45U, lvmm_apic_ppr(0x45, 0x31));
	KUNIT_EXPECT_EQ(test, 0x30U, lvmm_apic_ppr(0x3f & 0x0f, 0x3a));
}

static void destinations(struct kunit *test)
{
	/* Physical: the id or the broadcast id. */
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(3, false, false, 3, 0, APIC_DFR_FLAT));
	KUNIT_EXPECT_FALSE(test, lvmm_apic_match_dest(2, false, false, 3, 0, APIC_DFR_FLAT));
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(0xff, false, false, 3, 0, APIC_DFR_FLAT));
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(0xffffffff, false, true, 300, 0, 0));
	/* Flat logical: a bit of the 8-bit LDR. */
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(0x06, true, false, 1, 0x02000000,
						     APIC_DFR_FLAT));
	KUNIT_EXPECT_FALSE(test, lvmm_apic_match_dest(0x05, true, false, 1, 0x02000000,
						      APIC_DFR_FLAT));
	/* Cluster logical: same cluster nibble and a common bit. */
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(0x13, true, false, 1, 0x12000000,
						     APIC_DFR_CLUSTER));
	KUNIT_EXPECT_FALSE(test, lvmm_apic_match_dest(0x23, true, false, 1, 0x12000000,
						      APIC_DFR_CLUSTER));
	/* x2APIC logical: cluster in 31:16, bit mask in 15:0. */
	KUNIT_EXPECT_TRUE(test, lvmm_apic_match_dest(0x10003, true, true, 17, 0x10002, 0));
	KUNIT_EXPECT_FALSE(test, lvmm_apic_match_dest(0x20003, true, true, 17, 0x10002, 0));
}

static void msi(struct kunit *test)
{
	bool logical;
	u32 dest;
	u8 vector;

	KUNIT_EXPECT_EQ(test, 0, lvmm_msi_decode(0xfee01000, 0, 0x0041, &dest, &logical,
						 &vector));
	KUNIT_EXPECT_EQ(test, 1U, dest);
	KUNIT_EXPECT_FALSE(test, logical);
	KUNIT_EXPECT_EQ(test, 0x41, vector);
	KUNIT_EXPECT_EQ(test, 0, lvmm_msi_decode(0xfee0300c, 0, 0x0130, &dest, &logical,
						 &vector));
	KUNIT_EXPECT_EQ(test, 3U, dest);
	KUNIT_EXPECT_TRUE(test, logical);
	/* Not the MSI window, NMI delivery, level trigger, a reserved vector. */
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_msi_decode(0xfed00000, 0, 0x41, &dest, &logical,
						       &vector));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_msi_decode(0xfee00000, 0, 0x441, &dest, &logical,
						       &vector));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_msi_decode(0xfee00000, 0, 0x8041, &dest, &logical,
						       &vector));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_msi_decode(0xfee00000, 0, 0x0f, &dest, &logical,
						       &vector));
	KUNIT_EXPECT_EQ(test, -EINVAL, lvmm_msi_decode(0xfee00000, 1, 0x41, &dest, &logical,
						       &vector));
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(divisor),
	KUNIT_CASE(priority),
	KUNIT_CASE(destinations),
	KUNIT_CASE(msi),
	{}
};

static struct kunit_suite lapic_suite = {
	.name = "lvmm_lapic",
	.test_cases = lapic_cases,
};
kunit_test_suite(lapic_suite);
