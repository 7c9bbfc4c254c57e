/* SPDX-License-Identifier: GPL-2.0 */
/* The CPUID table userspace sets for a vCPU. */
#ifndef LVMM_CPUID_H
#define LVMM_CPUID_H

#include <linux/types.h>
#include <linux/lvmm.h>

int lvmm_cpuid_check(const struct lvmm_cpuid_entry *e, u32 nent);
const struct lvmm_cpuid_entry *lvmm_cpuid_find(const struct lvmm_cpuid_entry *e,
					       u32 nent, u32 function, u32 index);

#endif /* LVMM_CPUID_H */
