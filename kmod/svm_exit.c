// SPDX-License-Identifier: GPL-2.0
/*
 * SVM exit decoding, pure so that KUnit can check every translation.
 * Without NRIP save (QEMU's SVM) the next RIP is known only for IOIO
 * (EXITINFO2); other intercepted instructions have fixed lengths.
 */
#include <linux/string.h>
#include <asm/trapnr.h>

#include "compat.h"
#include "svm_exit.h"

static void decode_ioio(u64 info1, u64 info2, struct lvmm_exit *x)
{
	x->kind = LVMM_X_IO;
	x->io.port = info1 >> 16;
	x->io.in = info1 & SVM_IOIO_TYPE_MASK;
	x->io.string = info1 & SVM_IOIO_STR_MASK;
	x->io.rep = info1 & SVM_IOIO_REP_MASK;
	/* One-hot fields: SZ8/SZ16/SZ32 and A16/A32/A64. */
	x->io.size = (info1 & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	switch ((info1 & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT) {
	case 1:
		x->io.addr_size = 2;
		break;
	case 2:
		x->io.addr_size = 4;
		break;
	default:
		x->io.addr_size = 8;
	}
	x->next_rip = info2;
}

static void set_insn(struct lvmm_exit *x, enum lvmm_exit_kind kind, u8 len, u64 nrip)
{
	x->kind = kind;
	x->insn_len = len;
	x->next_rip = nrip;
}

void lvmm_svm_decode_exit(u64 code, u64 info1, u64 info2, u64 nrip, struct lvmm_exit *x)
{
	memset(x, 0, sizeof(*x));
	x->code = code;
	x->info1 = info1;
	x->info2 = info2;

	/* Hardware writes -1; QEMU's SVM only the low 32 bits of it. */
	if (lower_32_bits(code) == lower_32_bits(SVM_EXIT_ERR)) {
		x->kind = LVMM_X_FAIL_ENTRY;
		return;
	}

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		x->kind = LVMM_X_NONE;
		break;
	case SVM_EXIT_VINTR:
		x->kind = LVMM_X_IRQ_WINDOW;
		break;
	case SVM_EXIT_IRET:
		x->kind = LVMM_X_NMI_WINDOW;
		break;
	case SVM_EXIT_IOIO:
		decode_ioio(info1, info2, x);
		break;
	case SVM_EXIT_NPF:
		x->kind = LVMM_X_NPF;
		x->npf.gpa = info2;
		x->npf.present = info1 & BIT_ULL(0);
		x->npf.write = info1 & BIT_ULL(1);
		x->npf.in_walk = info1 & BIT_ULL(33);
		break;
	case SVM_EXIT_HLT:
		set_insn(x, LVMM_X_HLT, 1, nrip);
		break;
	case SVM_EXIT_PAUSE:
		set_insn(x, LVMM_X_PAUSE, 2, nrip);
		break;
	case SVM_EXIT_CPUID:
		set_insn(x, LVMM_X_CPUID, 2, nrip);
		break;
	case SVM_EXIT_MSR:
		set_insn(x, info1 ? LVMM_X_WRMSR : LVMM_X_RDMSR, 2, nrip);
		break;
	case SVM_EXIT_VMMCALL:
		set_insn(x, LVMM_X_HYPERCALL, 3, nrip);
		break;
	case SVM_EXIT_INVD:
		set_insn(x, LVMM_X_NOP, 2, nrip);
		break;
	case SVM_EXIT_SHUTDOWN:
		x->kind = LVMM_X_SHUTDOWN;
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_XSETBV:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_RDPRU:
		x->kind = LVMM_X_UD;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_AC:
		x->kind = LVMM_X_EXCEPTION;
		x->exc.vector = X86_TRAP_AC;
		x->exc.has_error = true;
		x->exc.error = info1;
		break;
	case SVM_EXIT_EXCP_BASE + X86_TRAP_DB:
		x->kind = LVMM_X_EXCEPTION;
		x->exc.vector = X86_TRAP_DB;
		break;
	default:
		x->kind = LVMM_X_UNHANDLED;
	}
}
