// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's definition (struct vm_config): the machine options of run and
 * create, parsed from the command line and checked before anything is
 * built.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "config.h"
#include "machine.h"
#include "virtio_mmio.h"
#include "vmctl.h"

#define DEFAULT_MEMORY		(1ULL << 20)
#define DEFAULT_LINUX_MEMORY	(512ULL << 20)
#define MAX_LINUX_MEMORY	(3ULL << 30)	/* RAM stays below the 32-bit MMIO hole */
#define DEFAULT_LOAD_ADDR	0x1000ULL
#define REAL_MODE_LIMIT		(1ULL << 20)	/* what CS:IP can reach */
#define MAX_MEMORY		(1ULL << 40)


void vm_config_usage(FILE *f)
{
	fputs("usage: vmctl run --flat FILE [--memory SIZE] [--load-addr ADDR]\n"
	      "       vmctl run --kernel BZIMAGE [--initrd FILE] [--cmdline STR]\n"
	      "                 [--memory SIZE] [--cpus N] [--disk FILE[,ro]]...\n"
	      "                 [--net tap:NAME|none] [--console serial|virtio] [--name NAME]\n"
	      "                 [--stats] [--engine lvmm|kvm]\n"
	      "\n"
	      "Run FILE, raw 16-bit real-mode code, on one vCPU until it halts; or\n"
	      "boot a 64-bit Linux bzImage through the 64-bit boot protocol.\n"
	      "The guest's writes to the serial port COM1 (0x3f8) go to stdout.\n"
	      "\n"
	      "  --flat FILE        the guest image (no headers: code at byte 0)\n"
	      "  --kernel BZIMAGE   an x86-64 Linux kernel (boot protocol 2.12+)\n"
	      "  --initrd FILE      its initial ramdisk, placed at the top of RAM\n"
	      "  --cmdline STR      its command line (e.g. \"console=ttyS0\")\n"
	      "  --cpus N           vCPUs, 1 to 8 (default 1)\n"
	      "  --memory SIZE      guest RAM from address 0, in bytes or with a\n"
	      "                     K/M/G suffix, page aligned (default 1M; for\n"
	      "                     --kernel 512M, between 64M and 3G)\n"
	      "  --disk FILE[,ro]   a raw disk image as virtio-blk (vda, vdb, ... in\n"
	      "                     order; up to 5); ,ro attaches it read-only\n"
	      "  --net tap:NAME     a virtio-net card on tap device NAME (created if\n"
	      "                     missing, removed at exit); none (default): no card\n"
	      "  --console DEV      where stdin goes: serial (COM1, default) or virtio\n"
	      "                     (hvc0); the guest's output on either reaches stdout\n"
	      "  --name NAME        the VM's name (1-32 of A-Z a-z 0-9 . _ -), given\n"
	      "                     to the vCPU threads (NAME/0, NAME/1, ...)\n"
	      "  --stats            at the end, print lvmm's exit counters (by kind,\n"
	      "                     per second) to stderr\n"
	      "  --memory-limit SIZE  the VM's cgroup memory.max: guest RAM as the\n"
	      "                     guest touches it, vmctl and lvmm's tables; above\n"
	      "                     it the kernel's OOM killer ends the VM\n"
	      "  --cpu-limit CPUS   its cpu.max, in CPUs (0.5: half of one CPU)\n"
	      "  --cpu-weight N     its cpu.weight, 1 to 10000 (default 100)\n"
	      "  --engine E         lvmm (default), or kvm: the same machine on\n"
	      "                     /dev/kvm, for comparisons\n"
	      "  --load-addr ADDR   where FILE goes and execution starts, below\n"
	      "                     1 MiB (default 0x1000); CS = ADDR >> 4\n"
	      "\n"
	      "vmctl adds tsc_early_khz=<the TSC's frequency>, tsc=reliable and\n"
	      "panic=-1 to a Linux command line that does not set them. A Linux\n"
	      "guest always has a virtio-rng and a virtio-console; the virtio\n"
	      "devices are virtio-mmio, declared in the ACPI DSDT (the guest needs\n"
	      "the virtio_mmio driver). Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.\n"
	      "\n"
	      "Exit status: 0 the guest halted (flat) or powered off (Linux), or\n"
	      "Ctrl-A x; 1 vmctl failed, 2 bad usage,\n"
	      "3 the guest crashed (triple fault, failed entry, internal error,\n"
	      "HLT with interrupts off), 4 the guest reset the machine (reboot,\n"
	      "or a panic), 5 forced off by vmctl stop, 128+N stopped by signal N.\n", f);
}

static int check_linux_opts(struct vm_config *o)
{
	if (!o->memory_given)
		o->memory = DEFAULT_LINUX_MEMORY;
	if (o->memory < BOOT_MIN_MEMORY || o->memory > MAX_LINUX_MEMORY || o->memory % 4096) {
		vmctl_err("--memory %llu MiB: a Linux guest needs between %llu MiB and %llu MiB, page aligned",
			  (unsigned long long)(o->memory >> 20),
			  (unsigned long long)(BOOT_MIN_MEMORY >> 20),
			  (unsigned long long)(MAX_LINUX_MEMORY >> 20));
		return -1;
	}
	if (o->cmdline && strlen(o->cmdline) > BOOT_CMDLINE_MAX - 64) {
		vmctl_err("--cmdline is %zu bytes; vmctl takes at most %d",
			  strlen(o->cmdline), BOOT_CMDLINE_MAX - 64);
		return -1;
	}
	if (o->cpus > VMCTL_MAX_CPUS) {
		vmctl_err("--cpus %lu: at most %d", o->cpus, VMCTL_MAX_CPUS);
		return -1;
	}
	return 0;
}

static int parse_disk(struct vm_config *o, char *arg)
{
	char *comma = strrchr(arg, ',');

	if (o->nr_disks == MAX_DISKS) {
		vmctl_err("--disk %s: at most %d disks", arg, MAX_DISKS);
		return -1;
	}
	o->disk_ro[o->nr_disks] = 0;
	if (comma && !strcmp(comma, ",ro")) {
		*comma = 0;
		o->disk_ro[o->nr_disks] = 1;
	} else if (comma && !strcmp(comma, ",rw")) {
		*comma = 0;
	}
	if (!*arg) {
		vmctl_err("--disk: give an image file (example: --disk root.img,ro)");
		return -1;
	}
	o->disks[o->nr_disks++] = arg;
	return 0;
}

int vm_name_check(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > MAX_NAME || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "abcdefghijklmnopqrstuvwxyz0123456789._-") != len) {
		vmctl_err("--name '%s': use 1 to %d letters, digits, '.', '_' or '-'", name, MAX_NAME);
		return -1;
	}
	return 0;
}

int vm_config_from_args(char **args, int nargs, const char *name, struct vm_config *o)
{
	static char *argv[STATE_ARGS_MAX + 4];
	int argc = 0, i;

	if (nargs > STATE_ARGS_MAX)
		return -1;
	argv[argc++] = "start";
	for (i = 0; i < nargs; i++)
		argv[argc++] = args[i];
	argv[argc++] = "--name";
	argv[argc++] = (char *)name;
	argv[argc] = NULL;
	optind = 1;
	return vm_config_parse(argc, argv, o);
}

int vm_config_parse(int argc, char **argv, struct vm_config *o)
{
	static const struct option longopts[] = {
		{ "flat", required_argument, NULL, 'f' },
		{ "memory", required_argument, NULL, 'm' },
		{ "load-addr", required_argument, NULL, 'l' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'N' },
		{ "console", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, 's' },
		{ "memory-limit", required_argument, NULL, 'M' },
		{ "cpu-limit", required_argument, NULL, 'P' },
		{ "cpu-weight", required_argument, NULL, 'W' },
		{ "engine", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*o = (struct vm_config){ .memory = DEFAULT_MEMORY, .load_addr = DEFAULT_LOAD_ADDR,
				.cpus = 1, .memory_limit = -1, .cpu_quota = -1, .cpu_weight = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->flat = optarg;
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'd':
			if (parse_disk(o, optarg))
				return -1;
			break;
		case 'N':
			if (!strcmp(optarg, "none")) {
				o->tap = NULL;
			} else if (!strncmp(optarg, "tap:", 4)) {
				o->tap = optarg + 4;
			} else {
				vmctl_err("--net '%s': use tap:NAME or none", optarg);
				return -1;
			}
			break;
		case 'C':
			if (strcmp(optarg, "serial") && strcmp(optarg, "virtio")) {
				vmctl_err("--console '%s': use serial or virtio", optarg);
				return -1;
			}
			o->virtio_console = !strcmp(optarg, "virtio");
			break;
		case 's':
			o->stats = 1;
			break;
		case 'M': {
			uint64_t v;

			if (parse_size(optarg, &v) || v < 4096 || v > INT64_MAX) {
				vmctl_err("--memory-limit '%s' is not a size of 4K or more (example: 256M)",
					  optarg);
				return -1;
			}
			o->memory_limit = v;
			break;
		}
		case 'P': {
			char *end;
			double cpus = strtod(optarg, &end);

			if (*end || !(cpus >= 0.01 && cpus <= 1024)) {
				vmctl_err("--cpu-limit '%s': give CPUs between 0.01 and 1024 (example: 1.5)",
					  optarg);
				return -1;
			}
			o->cpu_quota = (int64_t)(cpus * 100000 + 0.5);
			break;
		}
		case 'W': {
			char *end;
			long w = strtol(optarg, &end, 10);

			if (*end || w < 1 || w > 10000) {
				vmctl_err("--cpu-weight '%s': give a weight from 1 to 10000", optarg);
				return -1;
			}
			o->cpu_weight = w;
			break;
		}
		case 'e':
			if (strcmp(optarg, "lvmm") && strcmp(optarg, "kvm")) {
				vmctl_err("--engine '%s': use lvmm or kvm", optarg);
				return -1;
			}
			o->engine = strcmp(optarg, "kvm") ? LVMM_ENGINE_LVMM : LVMM_ENGINE_KVM;
			break;
		case 'a':
			if (vm_name_check(optarg))
				return -1;
			o->name = optarg;
			break;
		case 'n': {
			char *end;

			o->cpus = strtoul(optarg, &end, 10);
			if (*end || !o->cpus) {
				vmctl_err("--cpus '%s' is not a positive number", optarg);
				return -1;
			}
			break;
		}
		case 'm':
			o->memory_given = 1;
			if (parse_size(optarg, &o->memory)) {
				vmctl_err("--memory '%s' is not a size (examples: 65536, 64K, 16M)",
					  optarg);
				return -1;
			}
			break;
		case 'l':
			if (parse_u64(optarg, &o->load_addr)) {
				vmctl_err("--load-addr '%s' is not an address (example: 0x1000)",
					  optarg);
				return -1;
			}
			break;
		case 'h':
			vm_config_usage(stdout);
			exit(VMCTL_OK);
		default:
			vmctl_err("run: unknown or incomplete option '%s' (see: vmctl run --help)",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		vmctl_err("run: unexpected argument '%s' (see: vmctl run --help)", argv[optind]);
		return -1;
	}
	if (!o->flat == !o->kernel) {
		vmctl_err("run: give one guest: --kernel BZIMAGE or --flat FILE");
		return -1;
	}
	if (o->kernel)
		return check_linux_opts(o);
	if (o->initrd || o->cmdline || o->cpus != 1 || o->nr_disks || o->tap || o->virtio_console) {
		vmctl_err("run: --initrd, --cmdline, --cpus, --disk, --net and --console go with "
			  "--kernel, not --flat");
		return -1;
	}
	if (o->memory < 4096 || o->memory % 4096 || o->memory > MAX_MEMORY) {
		vmctl_err("--memory %llu: must be a multiple of 4K between 4K and 1T",
			  (unsigned long long)o->memory);
		return -1;
	}
	if (o->load_addr >= REAL_MODE_LIMIT) {
		vmctl_err("--load-addr %#llx: a real-mode guest must start below 1 MiB",
			  (unsigned long long)o->load_addr);
		return -1;
	}
	return 0;
}
