// SPDX-License-Identifier: GPL-2.0
/*
 * The 64-bit Linux boot protocol, as a boot loader does it: read the
 * setup header out of the bzImage, put the protected-mode kernel where
 * it asks (its preferred address, aligned), fill the zero page, and
 * enter at startup_64 (load address + 0x200) in long mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/bootparam.h>

#include "bzimage.h"
#include "vmctl.h"

#define HDR_MAGIC		0x53726448	/* "HdrS" */
#define MIN_PROTOCOL		0x020c		/* 2.12: xloadflags, 64-bit entry */
#define E820_RAM		1
#define E820_RESERVED		2
#define SETUP_HDR_OFFSET	0x1f1
#define KERNEL_64_ENTRY		0x200
#define PAGE_2M			(2ULL << 20)
#define IDENTITY_MAP_GB		4		/* 2 MiB pages over the first 4 GiB */

#define PTE_P	(1ULL << 0)
#define PTE_W	(1ULL << 1)
#define PTE_PS	(1ULL << 7)

static int read_file(const char *path, const char *what, uint8_t **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		vmctl_err("%s %s: %s", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		vmctl_err("%s %s: not a regular file", what, path);
		close(fd);
		return -1;
	}
	*len = st.st_size;
	*buf = malloc(*len ? *len : 1);
	while (*buf && off < *len) {
		n = read(fd, *buf + off, *len - off);
		if (n <= 0) {
			vmctl_err("%s %s: %s", what, path, n ? strerror(errno) : "file shrank");
			free(*buf);
			*buf = NULL;
			break;
		}
		off += n;
	}
	close(fd);
	return *buf ? 0 : -1;
}

/* The setup header fields a 64-bit loader needs, checked. */
static int check_header(const struct linux_boot *b, const uint8_t *img, size_t len,
			struct setup_header *hdr, size_t *setup_bytes)
{
	unsigned int sects;

	if (len < 0x1000) {
		vmctl_err("--kernel %s: only %zu bytes, too small for a bzImage", b->kernel, len);
		return -1;
	}
	memcpy(hdr, img + SETUP_HDR_OFFSET, sizeof(*hdr));
	if (hdr->header != HDR_MAGIC || hdr->boot_flag != 0xaa55) {
		vmctl_err("--kernel %s: not a bzImage (no \"HdrS\" setup header; a vmlinux ELF or a compressed file will not do)",
			  b->kernel);
		return -1;
	}
	if (hdr->version < MIN_PROTOCOL) {
		vmctl_err("--kernel %s: boot protocol %u.%02u is older than 2.12, which vmctl needs",
			  b->kernel, hdr->version >> 8, hdr->version & 0xff);
		return -1;
	}
	if (!(hdr->xloadflags & XLF_KERNEL_64) || !(hdr->loadflags & LOADED_HIGH)) {
		vmctl_err("--kernel %s: not a 64-bit x86 kernel (no 64-bit entry point)", b->kernel);
		return -1;
	}
	sects = hdr->setup_sects ? hdr->setup_sects : 4;
	*setup_bytes = (sects + 1) * 512ULL;
	if (*setup_bytes >= len) {
		vmctl_err("--kernel %s: truncated (setup code runs past the end)", b->kernel);
		return -1;
	}
	return 0;
}

static void add_e820(struct boot_params *bp, uint64_t addr, uint64_t size, uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

/* Identity map of the first 4 GiB with 2 MiB pages: enough for startup_64. */
static void build_page_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + BOOT_PML4_ADDR);
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;
	unsigned int i;

	memset(pml4, 0, (2 + IDENTITY_MAP_GB) * 4096);
	pml4[0] = (BOOT_PML4_ADDR + 0x1000) | PTE_P | PTE_W;
	for (i = 0; i < IDENTITY_MAP_GB; i++)
		pdpt[i] = (BOOT_PML4_ADDR + 0x2000 + i * 0x1000ULL) | PTE_P | PTE_W;
	for (i = 0; i < IDENTITY_MAP_GB * 512; i++)
		pd[i] = i * PAGE_2M | PTE_P | PTE_W | PTE_PS;
}

/* Flat GDT: 0x10 the 64-bit code segment, 0x18 data (the boot protocol's). */
static void build_gdt(uint8_t *mem)
{
	uint64_t *gdt = (uint64_t *)(mem + BOOT_GDT_ADDR);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00af9b000000ffffULL;	/* code: L=1, present, DPL 0 */
	gdt[3] = 0x00cf93000000ffffULL;	/* data: 4 GiB, writable */
}

static int place_initrd(struct linux_boot *b, uint8_t *mem, const struct setup_header *hdr,
			uint64_t kernel_end)
{
	uint8_t *img;
	size_t len;
	uint64_t top = b->mem_size;

	if (!b->initrd)
		return 0;
	if (read_file(b->initrd, "--initrd", &img, &len))
		return -1;
	/* As high as allowed, page aligned, like most loaders. */
	if (top > (uint64_t)hdr->initrd_addr_max + 1)
		top = (uint64_t)hdr->initrd_addr_max + 1;
	if (len > top || ((top - len) & ~0xfffULL) < kernel_end) {
		vmctl_err("--initrd %s: %zu bytes do not fit above the kernel in %llu MiB of RAM (raise --memory)",
			  b->initrd, len, (unsigned long long)(b->mem_size >> 20));
		free(img);
		return -1;
	}
	b->initrd_addr = (top - len) & ~0xfffULL;
	b->initrd_size = len;
	memcpy(mem + b->initrd_addr, img, len);
	free(img);
	return 0;
}

int bzimage_load(struct linux_boot *b, uint8_t *mem)
{
	struct boot_params *bp = (struct boot_params *)(mem + BOOT_ZERO_PAGE_ADDR);
	struct setup_header hdr;
	size_t len, setup_bytes, hdr_len;
	uint64_t align, kernel_end;
	const char *cmdline = b->cmdline ? b->cmdline : "";
	uint8_t *img;

	if (read_file(b->kernel, "--kernel", &img, &len))
		return -1;
	if (check_header(b, img, len, &hdr, &setup_bytes))
		goto fail;
	b->protocol = hdr.version;

	/* A relocatable kernel goes to its preferred address, aligned as it asks. */
	align = hdr.kernel_alignment ? hdr.kernel_alignment : PAGE_2M;
	b->kernel_addr = hdr.pref_address ? hdr.pref_address : 0x1000000;
	b->kernel_addr = (b->kernel_addr + align - 1) & ~(align - 1);
	kernel_end = b->kernel_addr + (hdr.init_size > len - setup_bytes ?
				       hdr.init_size : len - setup_bytes);
	if (kernel_end > b->mem_size) {
		vmctl_err("--kernel %s needs %llu MiB of RAM to unpack itself, --memory gives %llu MiB",
			  b->kernel, (unsigned long long)(kernel_end >> 20) + 1,
			  (unsigned long long)(b->mem_size >> 20));
		goto fail;
	}
	if (strlen(cmdline) >= BOOT_CMDLINE_MAX ||
	    (hdr.cmdline_size && strlen(cmdline) > hdr.cmdline_size)) {
		vmctl_err("--cmdline is %zu bytes; this kernel takes at most %u",
			  strlen(cmdline), hdr.cmdline_size ? hdr.cmdline_size : BOOT_CMDLINE_MAX - 1);
		goto fail;
	}
	memcpy(mem + b->kernel_addr, img + setup_bytes, len - setup_bytes);
	if (place_initrd(b, mem, &hdr, kernel_end))
		goto fail;

	/* The zero page: the image's own setup header, then what a loader adds. */
	memset(bp, 0, sizeof(*bp));
	hdr_len = 0x202 + img[0x201] - SETUP_HDR_OFFSET;
	if (hdr_len > sizeof(bp->hdr))
		hdr_len = sizeof(bp->hdr);
	memcpy(&bp->hdr, img + SETUP_HDR_OFFSET, hdr_len);
	bp->hdr.type_of_loader = 0xff;		/* undefined loader */
	bp->hdr.loadflags &= ~KEEP_SEGMENTS;
	bp->hdr.code32_start = b->kernel_addr;
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE_ADDR;
	bp->hdr.ramdisk_image = b->initrd_addr;
	bp->hdr.ramdisk_size = b->initrd_size;
	strcpy((char *)mem + BOOT_CMDLINE_ADDR, cmdline);

	add_e820(bp, 0, BOOT_LOW_RAM_END, E820_RAM);
	add_e820(bp, BOOT_LOW_RAM_END, 0x100000 - BOOT_LOW_RAM_END, E820_RESERVED);
	add_e820(bp, 0x100000, b->mem_size - 0x100000, E820_RAM);

	build_page_tables(mem);
	build_gdt(mem);
	b->entry = b->kernel_addr + KERNEL_64_ENTRY;
	free(img);
	return 0;
fail:
	free(img);
	return -1;
}

int bzimage_setup_vcpu(const struct linux_boot *b, struct lvmm_vcpu *vcpu)
{
	struct lvmm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 0xb,
		.present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct lvmm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x18, .type = 0x3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct lvmm_regs r = { .rflags = 0x2 };
	struct lvmm_sregs s;
	int ret = lvmm_get_sregs(vcpu, &s);

	if (ret)
		return ret;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = BOOT_GDT_ADDR;
	s.gdt.limit = 4 * 8 - 1;
	s.cr3 = BOOT_PML4_ADDR;
	s.cr4 = 1ULL << 5;				/* PAE */
	s.cr0 = 1ULL << 0 | 1ULL << 4 | 1ULL << 5 | 1ULL << 31;	/* PE ET NE PG */
	s.efer = 1ULL << 8 | 1ULL << 10;		/* LME LMA */
	ret = lvmm_set_sregs(vcpu, &s);
	if (ret)
		return ret;
	r.rip = b->entry;
	r.rsi = BOOT_ZERO_PAGE_ADDR;
	r.rsp = BOOT_STACK_TOP;
	return lvmm_set_regs(vcpu, &r);
}
