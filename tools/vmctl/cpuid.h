/* SPDX-License-Identifier: GPL-2.0 */
/* The CPUID table vmctl gives a Linux guest (see cpuid.c). */
#ifndef VMCTL_CPUID_H
#define VMCTL_CPUID_H

#include <stdint.h>
#include <linux/lvmm.h>

/* Fill up to @max entries for vCPU @vcpu (@apic: in-kernel APIC); returns how many. */
unsigned int vmctl_cpuid_table(struct lvmm_cpuid_entry *t, unsigned int max, unsigned int vcpu,
			       int apic);

#endif /* VMCTL_CPUID_H */
