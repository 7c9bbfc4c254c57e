// SPDX-License-Identifier: GPL-2.0
/* KUnit: the MMIO instruction decoder (emulate.c). */
#include <kunit/test.h>

#include "../emulate.h"

static int decode(const u8 *b, unsigned int n, int mode, struct lvmm_insn *insn)
{
	return lvmm_decode_mmio(b, n, mode, insn);
}

static void stores(struct kunit *test)
{
	struct lvmm_insn i;
	/* mov %eax,(%rcx) */
	static const u8 mov32[] = { 0x89, 0x01 };
	/* mov %r9,0x10(%rax) */
	static const u8 mov64[] = { 0x4c, 0x89, 0x48, 0x10 };
	/* mov %ah,(%bx) in 16-bit code */
	static const u8 mov_ah[] = { 0x88, 0x27 };
	/* mov %spl,(%rax): with REX, register 4 is SPL, not AH */
	static const u8 mov_spl[] = { 0x40, 0x88, 0x20 };

	KUNIT_ASSERT_EQ(test, 0, decode(mov32, sizeof(mov32), 8, &i));
	KUNIT_EXPECT_TRUE(test, i.write);
	KUNIT_EXPECT_EQ(test, 4, i.size);
	KUNIT_EXPECT_EQ(test, 0, i.reg);
	KUNIT_EXPECT_EQ(test, 2, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(mov64, sizeof(mov64), 8, &i));
	KUNIT_EXPECT_EQ(test, 8, i.size);
	KUNIT_EXPECT_EQ(test, 9, i.reg);
	KUNIT_EXPECT_EQ(test, 4, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(mov_ah, sizeof(mov_ah), 2, &i));
	KUNIT_EXPECT_EQ(test, 1, i.size);
	KUNIT_EXPECT_TRUE(test, i.high_byte);
	KUNIT_EXPECT_EQ(test, 0, i.reg);

	KUNIT_ASSERT_EQ(test, 0, decode(mov_spl, sizeof(mov_spl), 8, &i));
	KUNIT_EXPECT_FALSE(test, i.high_byte);
	KUNIT_EXPECT_EQ(test, 4, i.reg);
	KUNIT_EXPECT_EQ(test, 3, i.len);
}

static void immediates(struct kunit *test)
{
	struct lvmm_insn i;
	/* movl $0x12345678,0x400000 (SIB, disp32) in 64-bit code */
	static const u8 movl[] = { 0xc7, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00,
				   0x78, 0x56, 0x34, 0x12 };
	/* movq $-1,(%rax): the imm32 is sign-extended */
	static const u8 movq[] = { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff };
	/* movw $0xbeef,(%di) in 16-bit code, then with a 0x66 prefix in 32-bit */
	static const u8 movw16[] = { 0xc7, 0x05, 0xef, 0xbe };
	static const u8 movw32[] = { 0x66, 0xc7, 0x00, 0xef, 0xbe };
	/* movb $0x5a,(%esi) */
	static const u8 movb[] = { 0xc6, 0x06, 0x5a };

	KUNIT_ASSERT_EQ(test, 0, decode(movl, sizeof(movl), 8, &i));
	KUNIT_EXPECT_TRUE(test, i.has_imm);
	KUNIT_EXPECT_EQ(test, 4, i.size);
	KUNIT_EXPECT_EQ(test, 0x12345678ULL, i.imm);
	KUNIT_EXPECT_EQ(test, 11, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(movq, sizeof(movq), 8, &i));
	KUNIT_EXPECT_EQ(test, 8, i.size);
	KUNIT_EXPECT_EQ(test, ~0ULL, i.imm);
	KUNIT_EXPECT_EQ(test, 7, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(movw16, sizeof(movw16), 2, &i));
	KUNIT_EXPECT_EQ(test, 2, i.size);
	KUNIT_EXPECT_EQ(test, 0xbeefULL, i.imm & 0xffff);
	KUNIT_EXPECT_EQ(test, 4, i.len);
	KUNIT_ASSERT_EQ(test, 0, decode(movw32, sizeof(movw32), 4, &i));
	KUNIT_EXPECT_EQ(test, 2, i.size);
	KUNIT_EXPECT_EQ(test, 5, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(movb, sizeof(movb), 4, &i));
	KUNIT_EXPECT_EQ(test, 1, i.size);
	KUNIT_EXPECT_EQ(test, 0x5aULL, i.imm);
	KUNIT_EXPECT_FALSE(test, i.high_byte);
}

static void loads(struct kunit *test)
{
	struct lvmm_insn i;
	/* mov (%rdi),%r12d */
	static const u8 load[] = { 0x44, 0x8b, 0x27 };
	/* movzbl 0x8(%ebx),%eax ; movswq (%rax),%rdx */
	static const u8 movzx[] = { 0x0f, 0xb6, 0x43, 0x08 };
	static const u8 movsx[] = { 0x48, 0x0f, 0xbf, 0x10 };
	/* mov %fs:(%eax),%ecx: segment and address-size prefixes */
	static const u8 prefixed[] = { 0x64, 0x67, 0x8b, 0x08 };

	KUNIT_ASSERT_EQ(test, 0, decode(load, sizeof(load), 8, &i));
	KUNIT_EXPECT_FALSE(test, i.write);
	KUNIT_EXPECT_EQ(test, 12, i.reg);
	KUNIT_EXPECT_EQ(test, 4, i.size);
	KUNIT_EXPECT_EQ(test, 4, i.dst_size);

	KUNIT_ASSERT_EQ(test, 0, decode(movzx, sizeof(movzx), 4, &i));
	KUNIT_EXPECT_EQ(test, 1, i.size);
	KUNIT_EXPECT_EQ(test, 4, i.dst_size);
	KUNIT_EXPECT_FALSE(test, i.sign_extend);
	KUNIT_EXPECT_FALSE(test, i.high_byte);
	KUNIT_EXPECT_EQ(test, 4, i.len);

	KUNIT_ASSERT_EQ(test, 0, decode(movsx, sizeof(movsx), 8, &i));
	KUNIT_EXPECT_EQ(test, 2, i.size);
	KUNIT_EXPECT_EQ(test, 8, i.dst_size);
	KUNIT_EXPECT_TRUE(test, i.sign_extend);
	KUNIT_EXPECT_EQ(test, 2, i.reg);

	KUNIT_ASSERT_EQ(test, 0, decode(prefixed, sizeof(prefixed), 8, &i));
	KUNIT_EXPECT_EQ(test, 1, i.reg);
	KUNIT_EXPECT_EQ(test, 4, i.len);
}

static void rejects(struct kunit *test)
{
	struct lvmm_insn i;
	static const u8 add[] = { 0x01, 0x01 };		/* add: not a MOV */
	static const u8 c7_reg1[] = { 0xc7, 0x08, 0, 0, 0, 0 };	/* /1 is not MOV */
	static const u8 reg_reg[] = { 0x89, 0xc1 };	/* no memory operand */
	static const u8 cut[] = { 0xc7, 0x04, 0x25, 0x00 };	/* truncated */
	static const u8 prefixes[LVMM_MAX_INSN_LEN + 1] = {
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x01,
	};

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, decode(add, sizeof(add), 8, &i));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, decode(c7_reg1, sizeof(c7_reg1), 8, &i));
	KUNIT_EXPECT_EQ(test, -EINVAL, decode(reg_reg, sizeof(reg_reg), 8, &i));
	KUNIT_EXPECT_EQ(test, -EINVAL, decode(cut, sizeof(cut), 8, &i));
	KUNIT_EXPECT_EQ(test, -EINVAL, decode(add, 0, 8, &i));
	/* Longer than 15 bytes is not an instruction. */
	KUNIT_EXPECT_EQ(test, -EINVAL, decode(prefixes, sizeof(prefixes), 8, &i));
}

static struct kunit_case emulate_cases[] = {
	KUNIT_CASE(stores),
	KUNIT_CASE(immediates),
	KUNIT_CASE(loads),
	KUNIT_CASE(rejects),
	{}
};

static struct kunit_suite emulate_suite = {
	.name = "lvmm_emulate",
	.test_cases = emulate_cases,
};

kunit_test_suites(&emulate_suite);
