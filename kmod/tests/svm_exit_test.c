// SPDX-License-Identifier: GPL-2.0
/* KUnit: SVM #VMEXIT codes to vendor-neutral exits (svm_exit.c). */
#include <kunit/test.h>
#include <asm/svm.h>
#include <asm/trapnr.h>

#include "../svm_exit.h"

static void ioio_decode(struct kunit *test)
{
	struct lvmm_exit x;
	/* OUT DX, AL to 0x3f8: port in 31:16, SZ8, A16. */
	u64 info1 = 0x3f8ULL << 16 | 1ULL << SVM_IOIO_SIZE_SHIFT |
		    1ULL << SVM_IOIO_ASIZE_SHIFT;

	lvmm_svm_decode_exit(SVM_EXIT_IOIO, info1, 0x1234, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_IO, x.kind);
	KUNIT_EXPECT_EQ(test, 0x3f8, x.io.port);
	KUNIT_EXPECT_EQ(test, 1, x.io.size);
	KUNIT_EXPECT_EQ(test, 2, x.io.addr_size);
	KUNIT_EXPECT_FALSE(test, x.io.in);
	KUNIT_EXPECT_FALSE(test, x.io.string);
	KUNIT_EXPECT_FALSE(test, x.io.rep);
	/* EXITINFO2 is the next RIP, with or without NRIP save. */
	KUNIT_EXPECT_EQ(test, 0x1234ULL, x.next_rip);

	/* REP INSD with 32-bit addressing from port 0xcfc. */
	info1 = 0xcfcULL << 16 | SVM_IOIO_TYPE_MASK | SVM_IOIO_STR_MASK |
		SVM_IOIO_REP_MASK | 4ULL << SVM_IOIO_SIZE_SHIFT |
		2ULL << SVM_IOIO_ASIZE_SHIFT;
	lvmm_svm_decode_exit(SVM_EXIT_IOIO, info1, 0x5678, 0, &x);
	KUNIT_EXPECT_EQ(test, 0xcfc, x.io.port);
	KUNIT_EXPECT_EQ(test, 4, x.io.size);
	KUNIT_EXPECT_EQ(test, 4, x.io.addr_size);
	KUNIT_EXPECT_TRUE(test, x.io.in);
	KUNIT_EXPECT_TRUE(test, x.io.string);
	KUNIT_EXPECT_TRUE(test, x.io.rep);

	/* 16-bit OUTSW in 64-bit code (A64). */
	info1 = 0x80ULL << 16 | SVM_IOIO_STR_MASK | 2ULL << SVM_IOIO_SIZE_SHIFT |
		4ULL << SVM_IOIO_ASIZE_SHIFT;
	lvmm_svm_decode_exit(SVM_EXIT_IOIO, info1, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, 0x80, x.io.port);
	KUNIT_EXPECT_EQ(test, 2, x.io.size);
	KUNIT_EXPECT_EQ(test, 8, x.io.addr_size);
	KUNIT_EXPECT_FALSE(test, x.io.in);
}

static void npf_decode(struct kunit *test)
{
	struct lvmm_exit x;

	/* A write to a not-present page. */
	lvmm_svm_decode_exit(SVM_EXIT_NPF, BIT_ULL(1), 0xfee00000, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NPF, x.kind);
	KUNIT_EXPECT_EQ(test, 0xfee00000ULL, x.npf.gpa);
	KUNIT_EXPECT_TRUE(test, x.npf.write);
	KUNIT_EXPECT_FALSE(test, x.npf.present);
	KUNIT_EXPECT_FALSE(test, x.npf.in_walk);
	/* A read during the guest's own page walk, of a present page. */
	lvmm_svm_decode_exit(SVM_EXIT_NPF, BIT_ULL(0) | BIT_ULL(33), 0x5000, 0, &x);
	KUNIT_EXPECT_FALSE(test, x.npf.write);
	KUNIT_EXPECT_TRUE(test, x.npf.present);
	KUNIT_EXPECT_TRUE(test, x.npf.in_walk);
}

/* Without NRIP save the decoder supplies each instruction's length. */
static void fixed_length_instructions(struct kunit *test)
{
	static const struct {
		u64 code, info1;
		enum lvmm_exit_kind kind;
		u8 len;
	} cases[] = {
		{ SVM_EXIT_HLT, 0, LVMM_X_HLT, 1 },
		{ SVM_EXIT_CPUID, 0, LVMM_X_CPUID, 2 },
		{ SVM_EXIT_MSR, 0, LVMM_X_RDMSR, 2 },
		{ SVM_EXIT_MSR, 1, LVMM_X_WRMSR, 2 },
		{ SVM_EXIT_VMMCALL, 0, LVMM_X_HYPERCALL, 3 },
		{ SVM_EXIT_INVD, 0, LVMM_X_NOP, 2 },
		{ SVM_EXIT_PAUSE, 0, LVMM_X_PAUSE, 2 },
	};
	struct lvmm_exit x;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lvmm_svm_decode_exit(cases[i].code, cases[i].info1, 0, 0, &x);
		KUNIT_EXPECT_EQ_MSG(test, cases[i].kind, x.kind, "exit %#llx", cases[i].code);
		KUNIT_EXPECT_EQ_MSG(test, cases[i].len, x.insn_len, "exit %#llx", cases[i].code);
		KUNIT_EXPECT_EQ(test, 0ULL, x.next_rip);
		/* With NRIP save, the hardware's next RIP is passed on. */
		lvmm_svm_decode_exit(cases[i].code, cases[i].info1, 0, 0x7777, &x);
		KUNIT_EXPECT_EQ(test, 0x7777ULL, x.next_rip);
	}
}

static void events_and_errors(struct kunit *test)
{
	struct lvmm_exit x;

	lvmm_svm_decode_exit(SVM_EXIT_INTR, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NONE, x.kind);
	lvmm_svm_decode_exit(SVM_EXIT_NMI, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NONE, x.kind);
	lvmm_svm_decode_exit(SVM_EXIT_VINTR, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_IRQ_WINDOW, x.kind);
	/* IRET, intercepted while a guest NMI is masked: it ends the handler. */
	lvmm_svm_decode_exit(SVM_EXIT_IRET, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_NMI_WINDOW, x.kind);
	KUNIT_EXPECT_EQ(test, 0, x.insn_len);
	lvmm_svm_decode_exit(SVM_EXIT_SHUTDOWN, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_SHUTDOWN, x.kind);
	/* VMEXIT_INVALID: -1 from hardware, only its low half from QEMU. */
	lvmm_svm_decode_exit((u64)SVM_EXIT_ERR, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_FAIL_ENTRY, x.kind);
	lvmm_svm_decode_exit(0xffffffffULL, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_FAIL_ENTRY, x.kind);
	KUNIT_EXPECT_EQ(test, 0xffffffffULL, x.code);
}

static void exceptions_and_forbidden(struct kunit *test)
{
	struct lvmm_exit x;

	lvmm_svm_decode_exit(SVM_EXIT_EXCP_BASE + X86_TRAP_AC, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_EXCEPTION, x.kind);
	KUNIT_EXPECT_EQ(test, X86_TRAP_AC, x.exc.vector);
	KUNIT_EXPECT_TRUE(test, x.exc.has_error);
	lvmm_svm_decode_exit(SVM_EXIT_EXCP_BASE + X86_TRAP_DB, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, X86_TRAP_DB, x.exc.vector);
	KUNIT_EXPECT_FALSE(test, x.exc.has_error);
	/* SVM instructions in the guest get #UD: no nested virtualization. */
	lvmm_svm_decode_exit(SVM_EXIT_VMRUN, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_UD, x.kind);
	lvmm_svm_decode_exit(SVM_EXIT_CLGI, 0, 0, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_UD, x.kind);
	/* Anything else is reported, with the raw code kept. */
	lvmm_svm_decode_exit(SVM_EXIT_RDTSC, 0x11, 0x22, 0, &x);
	KUNIT_EXPECT_EQ(test, LVMM_X_UNHANDLED, x.kind);
	KUNIT_EXPECT_EQ(test, (u64)SVM_EXIT_RDTSC, x.code);
	KUNIT_EXPECT_EQ(test, 0x11ULL, x.info1);
	KUNIT_EXPECT_EQ(test, 0x22ULL, x.info2);
}

static struct kunit_case svm_exit_cases[] = {
	KUNIT_CASE(ioio_decode),
	KUNIT_CASE(npf_decode),
	KUNIT_CASE(fixed_length_instructions),
	KUNIT_CASE(events_and_errors),
	KUNIT_CASE(exceptions_and_forbidden),
	{}
};

static struct kunit_suite svm_exit_suite = {
	.name = "lvmm_svm_exit",
	.test_cases = svm_exit_cases,
};

kunit_test_suites(&svm_exit_suite);
