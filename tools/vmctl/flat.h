/* SPDX-License-Identifier: GPL-2.0 */
/* Loading a flat binary (raw machine code, no headers) into guest RAM. */
#ifndef VMCTL_FLAT_H
#define VMCTL_FLAT_H

#include <stdint.h>

/*
 * Copy @path to guest RAM @mem (@mem_size bytes) at @addr. Returns 0, or
 * -1 after printing an error naming the problem.
 */
int flat_load(const char *path, uint8_t *mem, uint64_t mem_size, uint64_t addr);

#endif /* VMCTL_FLAT_H */
