/* SPDX-License-Identifier: GPL-2.0 */
/* A VM's definition: what run and create take on the command line. */
#ifndef VMCTL_CONFIG_H
#define VMCTL_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "lvmm.h"
#include "virtio_mmio.h"

/* Slots for disks: the others go to the net card, the rng and the console. */
#define MAX_DISKS	(VIRTIO_MAX_DEVICES - 3)
#define MAX_NAME	32

struct vm_config {
	const char *flat, *kernel, *initrd, *cmdline, *name;
	uint64_t memory, load_addr;
	unsigned long cpus;
	int memory_given;
	const char *disks[MAX_DISKS];
	int disk_ro[MAX_DISKS];
	unsigned int nr_disks;
	const char *tap;		/* --net tap:NAME; NULL for none */
	int virtio_console;		/* --console virtio */
	int stats;			/* --stats */
	/* The VM's cgroup leaf; -1: not set. */
	int64_t memory_limit;		/* --memory-limit: memory.max, bytes */
	int64_t cpu_quota;		/* --cpu-limit: cpu.max, microseconds per 100 ms */
	int64_t cpu_weight;		/* --cpu-weight: cpu.weight */
	const char *cgroup_leaf;	/* vmctl start: the VM's name; run: run-PID */
	enum lvmm_engine engine;	/* --engine */
};

/* 0, or -1 after saying what is wrong; --help prints the usage and exits. */
int vm_config_parse(int argc, char **argv, struct vm_config *o);
void vm_config_usage(FILE *f);
/* The same from a stored definition's options, named @name (argv is kept: static). */
#define STATE_ARGS_MAX	64
int vm_config_from_args(char **args, int nargs, const char *name, struct vm_config *o);
/* 0 if @name is a valid VM name, else -1 after saying why. */
int vm_name_check(const char *name);

#endif /* VMCTL_CONFIG_H */
