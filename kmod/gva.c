// SPDX-License-Identifier: GPL-2.0
/*
 * A software walk of the guest's page tables, needed only on slow paths
 * (string I/O, fetching an MMIO instruction): no permission checks, since
 * the hardware already performed the access this walk re-traces.
 */
#include <linux/errno.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "gva.h"

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	0x000ffffffffff000ULL

int lvmm_gva_to_gpa(const struct lvmm_paging *p, u64 gva, lvmm_read_phys_t read,
		    void *ctx, u64 *gpa)
{
	int level, levels, size, shift;
	u64 table, pte;

	if (!(p->cr0 & X86_CR0_PG)) {
		*gpa = p->efer & EFER_LMA ? gva : (u32)gva;
		return 0;
	}

	if (p->efer & EFER_LMA) {
		levels = p->cr4 & X86_CR4_LA57 ? 5 : 4;
		size = 8;
		table = p->cr3 & PTE_ADDR;
	} else if (p->cr4 & X86_CR4_PAE) {
		gva = (u32)gva;
		if (read(ctx, (p->cr3 & 0xffffffe0) + ((gva >> 30) & 3) * 8, &pte, 8))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		levels = 2;
		size = 8;
		table = pte & PTE_ADDR;
	} else {
		gva = (u32)gva;
		levels = 2;
		size = 4;
		table = p->cr3 & 0xfffff000;
	}

	for (level = levels; level >= 1; level--) {
		u64 index;

		if (size == 8) {
			shift = 12 + 9 * (level - 1);
			index = (gva >> shift) & 511;
		} else {
			shift = 12 + 10 * (level - 1);
			index = (gva >> shift) & 1023;
		}
		if (read(ctx, table + index * size, &pte, size))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		if (level == 1)
			break;
		/* Large page: 1G/2M (8-byte entries) or 4M (PSE, 4-byte entries). */
		if ((pte & PTE_PS) && (size == 8 ? level <= 3 : (p->cr4 & X86_CR4_PSE))) {
			u64 base = size == 8 ? pte & PTE_ADDR : pte & 0xffc00000;

			*gpa = (base & ~((1ULL << shift) - 1)) | (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = size == 8 ? pte & PTE_ADDR : pte & 0xfffff000;
	}
	*gpa = (pte & (size == 8 ? PTE_ADDR : 0xfffff000)) | (gva & 0xfff);
	return 0;
}
