// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID is answered only from the table userspace set: a leaf it did not
 * set reads as all zeroes, so the guest sees no feature by accident.
 */
#include <linux/errno.h>

#include "cpuid.h"

static bool same_leaf(const struct lvmm_cpuid_entry *a, const struct lvmm_cpuid_entry *b)
{
	if (a->function != b->function)
		return false;
	if (!(a->flags & LVMM_CPUID_FLAG_SIGNIFICANT_INDEX) ||
	    !(b->flags & LVMM_CPUID_FLAG_SIGNIFICANT_INDEX))
		return true;
	return a->index == b->index;
}

/* Flags known, reserved words zero, and no leaf given twice. */
int lvmm_cpuid_check(const struct lvmm_cpuid_entry *e, u32 nent)
{
	u32 i, j;

	for (i = 0; i < nent; i++) {
		if (e[i].flags & ~LVMM_CPUID_FLAG_SIGNIFICANT_INDEX)
			return -EINVAL;
		if (e[i].reserved[0] || e[i].reserved[1] || e[i].reserved[2])
			return -EINVAL;
		if (!(e[i].flags & LVMM_CPUID_FLAG_SIGNIFICANT_INDEX) && e[i].index)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (same_leaf(&e[i], &e[j]))
				return -EINVAL;
	}
	return 0;
}

const struct lvmm_cpuid_entry *lvmm_cpuid_find(const struct lvmm_cpuid_entry *e,
					       u32 nent, u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < nent; i++) {
		if (e[i].function != function)
			continue;
		if (!(e[i].flags & LVMM_CPUID_FLAG_SIGNIFICANT_INDEX) || e[i].index == index)
			return &e[i];
	}
	return NULL;
}
