/* SPDX-License-Identifier: GPL-2.0 */
/* Guest memory slots: validation and lookup, free of any hardware detail. */
#ifndef LVMM_MEMSLOT_H
#define LVMM_MEMSLOT_H

#include <linux/types.h>
#include <linux/lvmm.h>

struct lvmm_memslot {
	bool used;
	u32 flags;
	u64 gpa;
	u64 size;
	u64 hva;
};

struct lvmm_slots {
	struct lvmm_memslot slot[LVMM_MAX_MEM_SLOTS];
};

/* Largest guest-physical address + 1 a slot may reach (52-bit physical). */
#define LVMM_MAX_GPA	BIT_ULL(52)

int lvmm_slots_check(const struct lvmm_slots *slots,
		     const struct lvmm_memory_region *r, u64 user_limit);
const struct lvmm_memslot *lvmm_slots_find(const struct lvmm_slots *slots, u64 gpa);

static inline u64 lvmm_slot_hva(const struct lvmm_memslot *s, u64 gpa)
{
	return s->hva + (gpa - s->gpa);
}

#endif /* LVMM_MEMSLOT_H */
