// SPDX-License-Identifier: GPL-2.0
/* KUnit: VMX control computation and VM exits to vendor-neutral exits (vmx_exit.c). */
#include <kunit/test.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "../vmx.h"

static void controls_from_capability(struct kunit *test)
{
	/* Bits 0-1 must be 1, bits 0-7 may be 1. */
	u64 cap = 0xffULL << 32 | 0x3;
	u32 ctl;

	KUNIT_EXPECT_EQ(test, 0, lvmm_vmx_adjust_controls(0x10, 0x20, cap, &ctl));
	KUNIT_EXPECT_EQ(test, 0x33U, ctl);
	/* An optional bit the CPU lacks is dropped... */
	KUNIT_EXPECT_EQ(test, 0, lvmm_vmx_adjust_controls(0x10, 0x100, cap, &ctl));
	KUNIT_EXPECT_EQ(test, 0x13U, ctl);
	/* ...a required one fails. */
	KUNIT_EXPECT_EQ(test, -EIO, lvmm_vmx_adjust_controls(0x100, 0, cap, &ctl));
}

static struct lvmm_vmx_exit_info info(u32 reason, u64 qual)
{
	return (struct lvmm_vmx_exit_info){
		.reason = reason, .qual = qual, .rip = 0x1000, .insn_len = 2,
		.default_addr_size = 2,
	};
}

static void io_decode(struct kunit *test)
{
	/* OUT DX, AL to 0x3f8: size 1 (0), OUT (bit 3 clear). */
	struct lvmm_vmx_exit_info e = info(EXIT_REASON_IO_INSTRUCTION, 0x3f8ULL << 16);
	struct lvmm_exit x;

	e.insn_len = 1;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_IO, x.kind);
	KUNIT_EXPECT_EQ(test, 0x3f8, x.io.port);
	KUNIT_EXPECT_EQ(test, 1, x.io.size);
	KUNIT_EXPECT_FALSE(test, x.io.in);
	KUNIT_EXPECT_FALSE(test, x.io.string);
	KUNIT_EXPECT_EQ(test, 0x1001ULL, x.next_rip);

	/* REP INSD from 0xcfc, 32-bit addressing reported by the CPU. */
	e = info(EXIT_REASON_IO_INSTRUCTION, 0xcfcULL << 16 | 3 | BIT(3) | BIT(4) | BIT(5));
	e.insn_info = 1 << 7;
	e.insn_info_valid = true;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, 4, x.io.size);
	KUNIT_EXPECT_TRUE(test, x.io.in);
	KUNIT_EXPECT_TRUE(test, x.io.string);
	KUNIT_EXPECT_TRUE(test, x.io.rep);
	KUNIT_EXPECT_EQ(test, 4, x.io.addr_size);

	/* Without INS/OUTS information the code segment's size is used. */
	e.insn_info_valid = false;
	e.default_addr_size = 8;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, 8, x.io.addr_size);
}

static void ept_violation_decode(struct kunit *test)
{
	struct lvmm_vmx_exit_info e = info(EXIT_REASON_EPT_VIOLATION, EPT_VIOLATION_ACC_WRITE |
					   EPT_VIOLATION_GVA_IS_VALID |
					   EPT_VIOLATION_GVA_TRANSLATED);
	struct lvmm_exit x;

	e.gpa = 0xfee00000;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NPF, x.kind);
	KUNIT_EXPECT_EQ(test, 0xfee00000ULL, x.npf.gpa);
	KUNIT_EXPECT_TRUE(test, x.npf.write);
	KUNIT_EXPECT_FALSE(test, x.npf.present);
	KUNIT_EXPECT_FALSE(test, x.npf.in_walk);

	/* A read of a readable page during the guest's page walk. */
	e.qual = BIT(0) | BIT(3) | EPT_VIOLATION_GVA_IS_VALID;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_FALSE(test, x.npf.write);
	KUNIT_EXPECT_TRUE(test, x.npf.present);
	KUNIT_EXPECT_TRUE(test, x.npf.in_walk);
}

/* VMX reports every intercepted instruction's length. */
static void instructions(struct kunit *test)
{
	static const struct {
		u32 reason;
		enum lvmm_exit_kind kind;
	} cases[] = {
		{ EXIT_REASON_HLT, LVMM_X_HLT },
		{ EXIT_REASON_CPUID, LVMM_X_CPUID },
		{ EXIT_REASON_MSR_READ, LVMM_X_RDMSR },
		{ EXIT_REASON_MSR_WRITE, LVMM_X_WRMSR },
		{ EXIT_REASON_VMCALL, LVMM_X_HYPERCALL },
		{ EXIT_REASON_INVD, LVMM_X_NOP },
		{ EXIT_REASON_PAUSE_INSTRUCTION, LVMM_X_PAUSE },
	};
	struct lvmm_exit x;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lvmm_vmx_exit_info e = info(cases[i].reason, 0);

		e.insn_len = 3;
		lvmm_vmx_decode_exit(&e, &x);
		KUNIT_EXPECT_EQ(test, cases[i].kind, x.kind);
		KUNIT_EXPECT_EQ(test, 3, x.insn_len);
		KUNIT_EXPECT_EQ(test, 0x1003ULL, x.next_rip);
	}
}

static void other_exits(struct kunit *test)
{
	struct lvmm_vmx_exit_info e = info(EXIT_REASON_TRIPLE_FAULT, 0);
	struct lvmm_exit x;

	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_SHUTDOWN, x.kind);

	/* Invalid guest state: bit 31 set, the code kept for userspace. */
	e = info(VMX_EXIT_REASONS_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE, 0);
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_FAIL_ENTRY, x.kind);
	KUNIT_EXPECT_EQ(test, 0x80000021ULL, x.code);

	/* #AC with its error code is reflected to the guest. */
	e = info(EXIT_REASON_EXCEPTION_NMI, 0);
	e.intr_info = X86_TRAP_AC | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_DELIVER_CODE_MASK |
		      INTR_INFO_VALID_MASK;
	e.intr_error = 0;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_EXCEPTION, x.kind);
	KUNIT_EXPECT_EQ(test, X86_TRAP_AC, x.exc.vector);
	KUNIT_EXPECT_TRUE(test, x.exc.has_error);

	/* A host NMI is the host's business. */
	e.intr_info = 2 | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NONE, x.kind);

	e = info(EXIT_REASON_VMLAUNCH, 0);
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_UD, x.kind);

	e = info(EXIT_REASON_EPT_MISCONFIG, 0);
	e.gpa = 0x1000;
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_UNHANDLED, x.kind);
	KUNIT_EXPECT_EQ(test, (u64)EXIT_REASON_EPT_MISCONFIG, x.code);
	KUNIT_EXPECT_EQ(test, 0x1000ULL, x.info2);

	e = info(EXIT_REASON_EXTERNAL_INTERRUPT, 0);
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NONE, x.kind);

	e = info(EXIT_REASON_NMI_WINDOW, 0);
	lvmm_vmx_decode_exit(&e, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NMI_WINDOW, x.kind);
}

static struct kunit_case vmx_exit_cases[] = {
	KUNIT_CASE(controls_from_capability),
	KUNIT_CASE(io_decode),
	KUNIT_CASE(ept_violation_decode),
	KUNIT_CASE(instructions),
	KUNIT_CASE(other_exits),
	{}
};

static struct kunit_suite vmx_exit_suite = {
	.name = "lvmm_vmx_exit",
	.test_cases = vmx_exit_cases,
};
kunit_test_suite(vmx_exit_suite);
