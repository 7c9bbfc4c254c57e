/* SPDX-License-Identifier: GPL-2.0 */
/* The CPUID table vmctl gives a Linux guest (see cpuid.c). */
#ifndef VMCTL_CPUID_H
#define VMCTL_CPUID_H

#include <stdint.h>
#include <linux/lvmm.h>

/* What the hypervisor emulates for the guest, beyond the host's CPU features. */
#define VMCTL_CPUID_APIC		1U	/* the in-kernel local APIC */
#define VMCTL_CPUID_TSC_DEADLINE	2U	/* its TSC-deadline mode: needs the TSC rate */

/* Fill up to @max entries for vCPU @vcpu with @emulated (VMCTL_CPUID_*); returns how many. */
unsigned int vmctl_cpuid_table(struct lvmm_cpuid_entry *t, unsigned int max, unsigned int vcpu,
			       unsigned int emulated);

#endif /* VMCTL_CPUID_H */
