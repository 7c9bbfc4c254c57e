// SPDX-License-Identifier: GPL-2.0
/* Guest code in real mode, 32-bit protected mode and 64-bit long mode. */
#include "kselftest_harness.h"
#include "test_util.h"

#define X86_CR0_PE	(1ULL << 0)
#define X86_CR0_PG	(1ULL << 31)
#define X86_CR4_PAE	(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

/* A flat code segment: 32-bit (db) or 64-bit (l). */
static void flat_code(struct lvmm_segment *s, int db, int l)
{
	*s = (struct lvmm_segment){ .base = 0, .limit = 0xffffffff, .selector = 8,
		.type = 0xb, .present = 1, .s = 1, .db = db, .l = l, .g = 1 };
}

static void flat_data(struct lvmm_segment *s)
{
	*s = (struct lvmm_segment){ .base = 0, .limit = 0xffffffff, .selector = 16,
		.type = 0x3, .present = 1, .s = 1, .db = 1, .g = 1 };
}

TEST(real_mode)
{
	struct test_vm t;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_out16);
	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x10, 1);
	EXPECT_EQ(0x12, io_data32(&t.vcpu));
	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x12, 2);
	EXPECT_EQ(0x3456, io_data32(&t.vcpu));
	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x14, 4);
	EXPECT_EQ(0xdeadbeef, io_data32(&t.vcpu));
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);
}

TEST(protected_mode_32)
{
	struct lvmm_sregs s;
	struct test_vm t;
	uint32_t v;

	ASSERT_EQ(0, test_vm_create(&t, 2 << 20));
	LOAD_SNIPPET(&t, guest_pmode32);
	ASSERT_EQ(0, lvmm_get_sregs(&t.vcpu, &s));
	flat_code(&s.cs, 1, 0);
	flat_data(&s.ds);
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.cr0 |= X86_CR0_PE;
	ASSERT_EQ(0, lvmm_set_sregs(&t.vcpu, &s));

	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x70, 4);
	EXPECT_EQ(0xabcd1234, io_data32(&t.vcpu));
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	memcpy(&v, t.mem + 0x100000, 4);
	EXPECT_EQ(0x5a5a5a5a, v);
	test_vm_destroy(&t);
}

/* Identity-map the first 1 GiB with 2 MiB pages at 0x10000. */
static void build_page_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + 0x10000);
	uint64_t *pdpt = (uint64_t *)(mem + 0x11000);
	uint64_t *pd = (uint64_t *)(mem + 0x12000);
	int i;

	pml4[0] = 0x11000 | 3;
	pdpt[0] = 0x12000 | 3;
	for (i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* P, RW, PS */
}

static void enter_long_mode(struct __test_metadata *_metadata, struct test_vm *t, int cs_db)
{
	struct lvmm_sregs s;

	build_page_tables(t->mem);
	ASSERT_EQ(0, lvmm_get_sregs(&t->vcpu, &s));
	flat_code(&s.cs, cs_db, 1);
	flat_data(&s.ds);
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.cr3 = 0x10000;
	s.cr4 = X86_CR4_PAE;
	s.cr0 = X86_CR0_PE | X86_CR0_PG | 0x10;
	s.efer = EFER_LME | EFER_LMA;
	ASSERT_EQ(0, lvmm_set_sregs(&t->vcpu, &s));
}

TEST(long_mode_64)
{
	struct lvmm_regs regs;
	struct test_vm t;
	uint64_t v;

	ASSERT_EQ(0, test_vm_create(&t, 2 << 20));
	LOAD_SNIPPET(&t, guest_long64);
	enter_long_mode(_metadata, &t, 0);

	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x60, 4);
	EXPECT_EQ(0x9abcdef1, io_data32(&t.vcpu));
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_MMIO);
	EXPECT_EQ(0x400000, t.vcpu.run->mmio.phys_addr);
	EXPECT_EQ(8, t.vcpu.run->mmio.len);
	EXPECT_EQ(1, t.vcpu.run->mmio.is_write);
	memcpy(&v, t.vcpu.run->mmio.data, 8);
	EXPECT_EQ(0x123456789abcdef1ULL, v);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(&t.vcpu, &regs));
	EXPECT_EQ(0x123456789abcdef1ULL, regs.rbx);
	test_vm_destroy(&t);
}

/* CS.L and CS.D both set in long mode: the CPU refuses VMRUN. */
TEST(fail_entry)
{
	struct test_vm t;

	ASSERT_EQ(0, test_vm_create(&t, 2 << 20));
	LOAD_SNIPPET(&t, guest_long64);
	enter_long_mode(_metadata, &t, 1);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_FAIL_ENTRY);
	TH_LOG("hardware reason %#llx",
	       (unsigned long long)t.vcpu.run->fail_entry.hardware_entry_failure_reason);
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
