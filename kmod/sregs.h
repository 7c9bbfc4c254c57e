/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of special registers set by userspace, before any backend sees them. */
#ifndef LVMM_SREGS_H
#define LVMM_SREGS_H

#include <linux/types.h>
#include <asm/processor-flags.h>
#include <linux/lvmm.h>

/* The CR4 bits a guest may set: what lvmm can virtualize on both vendors. */
#define LVMM_CR4_VALID	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			 X86_CR4_FSGSBASE | X86_CR4_OSXSAVE | X86_CR4_SMEP | X86_CR4_SMAP)

int lvmm_sregs_check(const struct lvmm_sregs *s);
bool lvmm_pat_valid(u64 pat);
bool lvmm_efer_write_ok(u64 old, u64 new, u64 cr0);

#endif /* LVMM_SREGS_H */
