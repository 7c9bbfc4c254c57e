// SPDX-License-Identifier: GPL-2.0
/*
 * Reject special-register values no CPU accepts, so a bad SET_SREGS fails
 * with EINVAL instead of a puzzling FAIL_ENTRY (or worse, a host fault
 * when the hardware loads a non-canonical base on the host's behalf).
 */
#include <linux/errno.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "lvmm.h"
#include "sregs.h"

#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

static bool segment_ok(const struct lvmm_segment *seg)
{
	if (seg->padding || seg->type > 15 || seg->dpl > 3)
		return false;
	if ((seg->present | seg->db | seg->s | seg->l | seg->g | seg->avl | seg->unusable) > 1)
		return false;
	return lvmm_is_canonical(seg->base);
}

static bool dtable_ok(const struct lvmm_dtable *dt)
{
	return !dt->padding[0] && !dt->padding[1] && !dt->padding[2] &&
	       lvmm_is_canonical(dt->base);
}

int lvmm_sregs_check(const struct lvmm_sregs *s)
{
	const struct lvmm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	bool long_mode = (s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG);
	unsigned int i;

	if (s->reserved[0] || s->reserved[1] || s->reserved[2] || s->reserved[3])
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!segment_ok(segs[i]))
			return -EINVAL;
	if (!dtable_ok(&s->gdt) || !dtable_ok(&s->idt))
		return -EINVAL;

	if (s->cr0 >> 32 || s->cr4 & ~LVMM_CR4_VALID || s->efer & ~EFER_VALID || s->cr8 > 15)
		return -EINVAL;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return -EINVAL;
	if (s->cr3 >> 52)
		return -EINVAL;
	/* LMA is the CPU's own verdict: it must match LME && PG. */
	if (!!(s->efer & EFER_LMA) != long_mode)
		return -EINVAL;
	if (long_mode && !(s->cr4 & X86_CR4_PAE))
		return -EINVAL;
	return 0;
}

/* Each of the eight PAT entries must be a valid memory type (not 2, 3, or > 7). */
bool lvmm_pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/* A WRMSR to EFER: known bits only, and LME may not change under paging. */
bool lvmm_efer_write_ok(u64 old, u64 new, u64 cr0)
{
	if (new & ~(u64)EFER_VALID)
		return false;
	return !((cr0 & X86_CR0_PG) && ((new ^ old) & EFER_LME));
}
