/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the instructions a guest uses to touch MMIO (the MOV
 * family): enough to forward the access to userspace and complete it.
 */
#ifndef LVMM_EMULATE_H
#define LVMM_EMULATE_H

#include <linux/types.h>

#define LVMM_MAX_INSN_LEN	15

struct lvmm_insn {
	u8 len;
	bool write;		/* a store to memory */
	u8 size;		/* bytes accessed in memory */
	u8 reg;			/* register operand, 0-15 */
	bool high_byte;		/* AH, CH, DH or BH */
	bool has_imm;
	u64 imm;		/* already sign-extended to size */
	u8 dst_size;		/* destination register width of a load */
	bool sign_extend;	/* MOVSX (MOVZX zero-extends) */
};

/* @mode: the code's default operand size in bytes (2, 4, or 8 for 64-bit). */
int lvmm_decode_mmio(const u8 *bytes, unsigned int avail, int mode, struct lvmm_insn *insn);

#endif /* LVMM_EMULATE_H */
