/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an x86-64 Linux bzImage through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst): the protected-mode kernel in RAM,
 * a zero page (boot_params) with the setup header, an e820 map, the
 * command line and the initrd, identity page tables and a GDT, and the
 * vCPU in long mode at the kernel's 64-bit entry with RSI = zero page.
 */
#ifndef VMCTL_BZIMAGE_H
#define VMCTL_BZIMAGE_H

#include <stdint.h>

#include "lvmm.h"

/* Guest-physical layout below 1 MiB (the e820 map reserves 0x9fc00-1M). */
#define BOOT_GDT_ADDR		0x0500ULL
#define BOOT_ZERO_PAGE_ADDR	0x7000ULL
#define BOOT_PML4_ADDR		0x9000ULL	/* + PDPT and 4 page directories */
#define BOOT_CMDLINE_ADDR	0x20000ULL
#define BOOT_CMDLINE_MAX	2048
#define BOOT_STACK_TOP		0x8ff0ULL
#define BOOT_LOW_RAM_END	0x9fc00ULL
#define BOOT_MIN_MEMORY		(64ULL << 20)

struct linux_boot {
	const char *kernel, *initrd, *cmdline;
	uint64_t mem_size;
	/* filled in by bzimage_load */
	uint64_t entry;			/* 64-bit entry point */
	uint64_t kernel_addr, initrd_addr, initrd_size;
	uint16_t protocol;		/* boot protocol version, e.g. 0x20f */
};

/*
 * Load the kernel (and initrd) into guest RAM @mem and write the zero
 * page, command line, page tables and GDT. Returns 0, or -1 after one
 * error line naming the problem (not a bzImage, too old a protocol, no
 * 64-bit entry, does not fit, ...).
 */
int bzimage_load(struct linux_boot *b, uint8_t *mem);

/* The vCPU state the 64-bit boot protocol asks for. */
int bzimage_setup_vcpu(const struct linux_boot *b, struct lvmm_vcpu *vcpu);

#endif /* VMCTL_BZIMAGE_H */
