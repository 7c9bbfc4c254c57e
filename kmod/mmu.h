/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Second-level address translation (AMD NPT, Intel EPT): one table walker,
 * with the entry format supplied by the backend.
 */
#ifndef LVMM_MMU_H
#define LVMM_MMU_H

#include <linux/types.h>
#include <linux/mutex.h>

struct lvmm_pte_format {
	u64 present;	/* any of these bits set: the entry is valid */
	u64 table;	/* bits of an entry pointing to a lower table */
	u64 leaf;	/* bits of a read-only leaf */
	u64 writable;	/* added to a leaf the guest may write */
};

#define LVMM_PTE_ADDR_MASK	0x000ffffffffff000ULL

static inline u64 lvmm_pte_table(const struct lvmm_pte_format *f, u64 pa)
{
	return (pa & LVMM_PTE_ADDR_MASK) | f->table;
}

static inline u64 lvmm_pte_leaf(const struct lvmm_pte_format *f, u64 pa, bool writable)
{
	return (pa & LVMM_PTE_ADDR_MASK) | f->leaf | (writable ? f->writable : 0);
}

static inline bool lvmm_pte_present(const struct lvmm_pte_format *f, u64 pte)
{
	return pte & f->present;
}

/* Index of @gpa in the table at @level (1 = last level, 4K pages). */
static inline unsigned int lvmm_pte_index(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

struct lvmm_mmu {
	const struct lvmm_pte_format *fmt;
	int levels;
	u64 *root;
	unsigned long table_pages;
	unsigned long mapped_pages;	/* leaves present: guest memory in use */
};

struct lvmm_vm;

int lvmm_mmu_init(struct lvmm_mmu *mmu, const struct lvmm_pte_format *fmt, int levels);
void lvmm_mmu_destroy(struct lvmm_mmu *mmu);
u64 lvmm_mmu_root_pa(const struct lvmm_mmu *mmu);
int lvmm_mmu_map(struct lvmm_mmu *mmu, u64 gpa, struct page *page, bool writable);
void lvmm_mmu_unmap_range(struct lvmm_vm *vm, u64 gpa, u64 size);

#endif /* LVMM_MMU_H */
