/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pio_bench engines: one small ops table per hypervisor, so that the
 * timing loop in pio_bench.c is the same code for lvmm and for KVM.
 */
#ifndef PIO_BENCH_ENGINE_H
#define PIO_BENCH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

/* The guest: flat 16-bit real mode, CS = DS = ... = 0, code at GUEST_ENTRY. */
#define GUEST_MEM_SIZE	(64 * 1024)
#define GUEST_ENTRY	0x1000
#define GUEST_PORT	0x80

/* One port-I/O exit as the engine saw it. */
struct pio_exit {
	int is_io;		/* 0: some other exit, described in what[] */
	int out;		/* direction: 1 = OUT */
	unsigned int size;	/* bytes per element */
	unsigned int port;
	unsigned int count;	/* elements (>1 only for string I/O) */
	uint8_t data;		/* first data byte */
	char what[160];		/* for a non-I/O exit: its name and details */
};

struct engine_vm;

struct engine {
	const char *name;
	/*
	 * Create a VM with @mem (GUEST_MEM_SIZE bytes, the guest code
	 * already in place) at guest physical 0 and one vCPU in real mode at
	 * GUEST_ENTRY.  Returns -errno and prints the failing step to stderr.
	 */
	int (*open)(struct engine_vm **vm, void *mem);
	/* One RUN ioctl; fills @exit.  -errno if the ioctl itself failed. */
	int (*run)(struct engine_vm *vm, struct pio_exit *exit);
	/* A vCPU ioctl that does not enter the guest (GET_REGS): the baseline. */
	int (*null_ioctl)(struct engine_vm *vm);
	void (*close)(struct engine_vm *vm);
};

extern const struct engine engine_lvmm, engine_kvm;

#endif /* PIO_BENCH_ENGINE_H */
