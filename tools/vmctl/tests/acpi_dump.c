// SPDX-License-Identifier: GPL-2.0
/*
 * acpi_dump CPUS VIRTIO DIR: write the ACPI tables vmctl gives a Linux
 * guest with CPUS vCPUs and VIRTIO virtio-mmio devices into DIR, one
 * file per table (rsdp.dat, xsdt.dat, facp.dat, dsdt.dat, apic.dat), for
 * iasl to check (selftests/lvmm/vmctl_acpi_test.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../acpi.h"

#define MEM_SIZE	(1 << 20)	/* the tables live below 1 MiB */

static int dump(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

/* A table's length field, bounded by guest memory. */
static size_t table_len(const uint8_t *mem, uint64_t at)
{
	uint32_t len;

	if (at + 8 > MEM_SIZE)
		return 0;
	memcpy(&len, mem + at + 4, 4);
	return at + len <= MEM_SIZE ? len : 0;
}

int main(int argc, char **argv)
{
	uint8_t *mem = calloc(1, MEM_SIZE);
	uint64_t xsdt, fadt, dsdt, madt;
	uint32_t dsdt32;

	if (argc != 4 || !mem) {
		fprintf(stderr, "usage: acpi_dump CPUS VIRTIO DIR\n");
		return 2;
	}
	acpi_write_tables(mem, atoi(argv[1]), atoi(argv[2]));
	/* Follow the pointers as a guest does: RSDP -> XSDT -> FADT -> DSDT. */
	memcpy(&xsdt, mem + ACPI_RSDP_ADDR + 24, 8);
	memcpy(&fadt, mem + xsdt + 36, 8);
	memcpy(&madt, mem + xsdt + 44, 8);
	memcpy(&dsdt32, mem + fadt + 40, 4);
	memcpy(&dsdt, mem + fadt + 140, 8);
	if (dsdt != dsdt32) {
		fprintf(stderr, "acpi_dump: FADT's DSDT %#x and X_DSDT %#llx differ\n", dsdt32,
			(unsigned long long)dsdt);
		return 1;
	}
	return dump(argv[3], "rsdp", mem + ACPI_RSDP_ADDR, 36) ||
	       dump(argv[3], "xsdt", mem + xsdt, table_len(mem, xsdt)) ||
	       dump(argv[3], "facp", mem + fadt, table_len(mem, fadt)) ||
	       dump(argv[3], "dsdt", mem + dsdt, table_len(mem, dsdt)) ||
	       dump(argv[3], "apic", mem + madt, table_len(mem, madt));
}
