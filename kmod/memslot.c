// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slot rules.  Kept pure (no locking, no allocation) so the KUnit
 * suite can exercise every rule; the caller holds vm->lock.
 */
#include <linux/errno.h>
#include <linux/mm.h>

#include "memslot.h"

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Validate @r against the existing slots.  Deleting (size 0) needs an
 * existing slot; creating needs a free one.  @user_limit is the end of
 * the caller's address space (TASK_SIZE), passed in to stay testable.
 */
int lvmm_slots_check(const struct lvmm_slots *slots,
		     const struct lvmm_memory_region *r, u64 user_limit)
{
	unsigned int i;

	if (r->slot >= LVMM_MAX_MEM_SLOTS)
		return -EINVAL;
	if (r->flags & ~LVMM_MEM_FLAGS_VALID)
		return -EINVAL;
	if (r->reserved[0] || r->reserved[1])
		return -EINVAL;

	if (r->memory_size == 0) {
		if (r->flags || r->guest_phys_addr || r->userspace_addr)
			return -EINVAL;
		return slots->slot[r->slot].used ? 0 : -ENOENT;
	}

	if (!PAGE_ALIGNED(r->guest_phys_addr) || !PAGE_ALIGNED(r->memory_size) ||
	    !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if (r->guest_phys_addr >= LVMM_MAX_GPA ||
	    r->memory_size > LVMM_MAX_GPA - r->guest_phys_addr)
		return -EINVAL;
	if (r->userspace_addr >= user_limit ||
	    r->memory_size > user_limit - r->userspace_addr)
		return -EFAULT;
	if (slots->slot[r->slot].used)
		return -EEXIST;

	for (i = 0; i < LVMM_MAX_MEM_SLOTS; i++) {
		const struct lvmm_memslot *s = &slots->slot[i];

		if (s->used && ranges_overlap(s->gpa, s->size,
					      r->guest_phys_addr, r->memory_size))
			return -EEXIST;
	}
	return 0;
}

const struct lvmm_memslot *lvmm_slots_find(const struct lvmm_slots *slots, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < LVMM_MAX_MEM_SLOTS; i++) {
		const struct lvmm_memslot *s = &slots->slot[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}
