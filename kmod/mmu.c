// SPDX-License-Identifier: GPL-2.0
/*
 * Second-level page tables, filled lazily on nested page faults.  Every
 * leaf holds a page pinned by the fault handler; removing a range unpins
 * its pages only after no vCPU can still hold a stale TLB entry for them.
 * Table pages are charged to the VM creator's memory cgroup.
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/io.h>

#include "lvmm.h"

/* Pages unpinned per TLB shootdown while removing a range. */
#define UNMAP_BATCH	64

static u64 *table_va(u64 pte)
{
	return phys_to_virt(pte & LVMM_PTE_ADDR_MASK);
}

static u64 *alloc_table(struct lvmm_mmu *mmu)
{
	u64 *table = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	if (table)
		mmu->table_pages++;
	return table;
}

int lvmm_mmu_init(struct lvmm_mmu *mmu, const struct lvmm_pte_format *fmt, int levels)
{
	mmu->fmt = fmt;
	mmu->levels = levels;
	mmu->table_pages = 0;
	mmu->mapped_pages = 0;
	mmu->root = alloc_table(mmu);
	return mmu->root ? 0 : -ENOMEM;
}

u64 lvmm_mmu_root_pa(const struct lvmm_mmu *mmu)
{
	return virt_to_phys(mmu->root);
}

static void free_table(const struct lvmm_pte_format *fmt, u64 *table, int level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < 512; i++)
			if (lvmm_pte_present(fmt, table[i]))
				free_table(fmt, table_va(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

/* Frees the tables; every leaf must already have been unmapped. */
void lvmm_mmu_destroy(struct lvmm_mmu *mmu)
{
	if (mmu->root)
		free_table(mmu->fmt, mmu->root, mmu->levels);
	mmu->root = NULL;
}

/* Map the 4K guest frame at @gpa to @page; -EEXIST if already mapped. */
int lvmm_mmu_map(struct lvmm_mmu *mmu, u64 gpa, struct page *page, bool writable)
{
	const struct lvmm_pte_format *fmt = mmu->fmt;
	u64 *table = mmu->root;
	u64 *pte;
	int level;

	for (level = mmu->levels; level > 1; level--) {
		pte = &table[lvmm_pte_index(gpa, level)];
		if (!lvmm_pte_present(fmt, *pte)) {
			u64 *next = alloc_table(mmu);

			if (!next)
				return -ENOMEM;
			WRITE_ONCE(*pte, lvmm_pte_table(fmt, virt_to_phys(next)));
		}
		table = table_va(*pte);
	}
	pte = &table[lvmm_pte_index(gpa, 1)];
	if (lvmm_pte_present(fmt, *pte))
		return -EEXIST;
	WRITE_ONCE(*pte, lvmm_pte_leaf(fmt, page_to_phys(page), writable));
	WRITE_ONCE(mmu->mapped_pages, mmu->mapped_pages + 1);
	return 0;
}

/*
 * The last-level entry for @gpa, or NULL with *@span set to the size of
 * the hole that a missing upper-level table leaves.
 */
static u64 *find_leaf(struct lvmm_mmu *mmu, u64 gpa, u64 *span)
{
	u64 *table = mmu->root;
	int level;

	for (level = mmu->levels; level > 1; level--) {
		u64 pte = table[lvmm_pte_index(gpa, level)];

		if (!lvmm_pte_present(mmu->fmt, pte)) {
			*span = 1ULL << (12 + 9 * (level - 1));
			return NULL;
		}
		table = table_va(pte);
	}
	return &table[lvmm_pte_index(gpa, 1)];
}

static void flush_and_unpin(struct lvmm_vm *vm, struct page **pages, unsigned int n)
{
	if (!n)
		return;
	WRITE_ONCE(vm->tlb_gen, vm->tlb_gen + 1);
	lvmm_vm_kick_all(vm);
	unpin_user_pages(pages, n);
}

/* Remove and unpin every mapping in [gpa, gpa + size); vm->lock held. */
void lvmm_mmu_unmap_range(struct lvmm_vm *vm, u64 gpa, u64 size)
{
	struct lvmm_mmu *mmu = &vm->mmu;
	struct page *batch[UNMAP_BATCH];
	unsigned int n = 0;
	u64 addr = gpa, end = gpa + size;

	while (addr < end) {
		u64 span, *pte = find_leaf(mmu, addr, &span);

		if (!pte) {
			addr = ALIGN_DOWN(addr, span) + span;
			continue;
		}
		if (lvmm_pte_present(mmu->fmt, *pte)) {
			batch[n++] = pfn_to_page((*pte & LVMM_PTE_ADDR_MASK) >> PAGE_SHIFT);
			WRITE_ONCE(*pte, 0);
			WRITE_ONCE(mmu->mapped_pages, mmu->mapped_pages - 1);
			if (n == UNMAP_BATCH) {
				flush_and_unpin(vm, batch, n);
				n = 0;
			}
		}
		addr += PAGE_SIZE;
	}
	flush_and_unpin(vm, batch, n);
}
