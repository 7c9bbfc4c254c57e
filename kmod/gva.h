/* SPDX-License-Identifier: GPL-2.0 */
/* Guest-virtual to guest-physical translation through the guest's own tables. */
#ifndef LVMM_GVA_H
#define LVMM_GVA_H

#include <linux/types.h>

struct lvmm_paging {
	u64 cr0, cr3, cr4, efer;
};

/* Reads @size (4 or 8) bytes of guest-physical memory; 0 or -errno. */
typedef int (*lvmm_read_phys_t)(void *ctx, u64 gpa, u64 *val, int size);

int lvmm_gva_to_gpa(const struct lvmm_paging *p, u64 gva, lvmm_read_phys_t read,
		    void *ctx, u64 *gpa);

#endif /* LVMM_GVA_H */
