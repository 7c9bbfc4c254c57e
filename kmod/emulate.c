// SPDX-License-Identifier: GPL-2.0
/*
 * MOV-family decoder for MMIO.  The hardware already knows the address;
 * we need the direction, the width, the register or immediate, and the
 * instruction length (no NRIP save under QEMU, so we advance RIP ourselves).
 */
#include <linux/errno.h>

#include "emulate.h"

static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3:
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		return true;
	}
	return false;
}

/* Bytes of displacement (and SIB) after ModRM, or -1 for a register operand. */
static int modrm_extra(const u8 *b, unsigned int avail, unsigned int i, int addr_size)
{
	u8 mod = b[i] >> 6, rm = b[i] & 7;

	if (mod == 3)
		return -1;
	if (addr_size == 2) {
		if (mod == 0)
			return rm == 6 ? 2 : 0;
		return mod == 1 ? 1 : 2;
	}
	if (rm == 4) {
		if (i + 1 >= avail)
			return -1;
		if (mod == 0)
			return 1 + ((b[i + 1] & 7) == 5 ? 4 : 0);
		return 1 + (mod == 1 ? 1 : 4);
	}
	if (mod == 0)
		return rm == 5 ? 4 : 0;
	return mod == 1 ? 1 : 4;
}

static u64 read_imm(const u8 *b, int size)
{
	switch (size) {
	case 1:
		return (u64)(s64)(s8)b[0];
	case 2:
		return (u64)(s64)(s16)(b[0] | b[1] << 8);
	default:
		return (u64)(s64)(s32)(b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24);
	}
}

int lvmm_decode_mmio(const u8 *b, unsigned int avail, int mode, struct lvmm_insn *insn)
{
	bool opsize_override = false, addr_override = false;
	unsigned int i = 0;
	int opsize, addr_size, extra, imm_size = 0;
	u8 rex = 0, op;

	if (avail > LVMM_MAX_INSN_LEN)
		avail = LVMM_MAX_INSN_LEN;
	for (; i < avail; i++) {
		if (b[i] == 0x66)
			opsize_override = true;
		else if (b[i] == 0x67)
			addr_override = true;
		else if (!is_legacy_prefix(b[i]))
			break;
	}
	if (i < avail && mode == 8 && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i >= avail)
		return -EINVAL;

	if (mode == 8)
		opsize = rex & 8 ? 8 : (opsize_override ? 2 : 4);
	else
		opsize = (mode == 4) ^ opsize_override ? 4 : 2;
	if (mode == 8)
		addr_size = addr_override ? 4 : 8;
	else
		addr_size = (mode == 4) ^ addr_override ? 4 : 2;

	*insn = (struct lvmm_insn){ 0 };
	op = b[i++];
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		insn->write = op <= 0x89;
		insn->size = op & 1 ? opsize : 1;
		break;
	case 0xc6: case 0xc7:
		insn->write = true;
		insn->size = op & 1 ? opsize : 1;
		insn->has_imm = true;
		imm_size = insn->size > 4 ? 4 : insn->size;
		break;
	case 0x0f:
		if (i >= avail)
			return -EINVAL;
		op = b[i++];
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -EOPNOTSUPP;
		insn->size = op & 1 ? 2 : 1;
		insn->sign_extend = op >= 0xbe;
		insn->dst_size = opsize;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!insn->dst_size)
		insn->dst_size = insn->size;

	if (i >= avail)
		return -EINVAL;
	insn->reg = ((b[i] >> 3) & 7) | (rex & 4 ? 8 : 0);
	if (insn->has_imm && (b[i] & 0x38))
		return -EOPNOTSUPP;	/* C6/C7 with reg != 0 is not MOV */
	extra = modrm_extra(b, avail, i, addr_size);
	if (extra < 0)
		return -EINVAL;
	i += 1 + extra + imm_size;
	if (i > avail)
		return -EINVAL;
	if (insn->has_imm)
		insn->imm = read_imm(&b[i - imm_size], imm_size);

	/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
	if (insn->size == 1 && insn->dst_size == 1 && !rex && !insn->has_imm &&
	    insn->reg >= 4) {
		insn->high_byte = true;
		insn->reg -= 4;
	}
	insn->len = i;
	return 0;
}
