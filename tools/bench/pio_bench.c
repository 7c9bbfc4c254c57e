// SPDX-License-Identifier: GPL-2.0
/*
 * pio_bench: the round trip of a port-I/O exit to userspace and back, the
 * most basic cost of a hypervisor, on lvmm or on KVM with the same guest.
 * The guest is 16-bit real-mode code that spins on `out %al, $0x80;
 * inc %al`; every exit is checked (an OUT of one byte to port 0x80
 * carrying the next counter value) and the vCPU is run again.  After a
 * warm-up, R rounds of N exits are timed with CLOCK_MONOTONIC; one line
 * reports the median, minimum and maximum of the per-round averages.
 *
 * --coexist checks instead that lvmm and KVM share SVM cleanly when both
 * modules are loaded: whichever has a VM holds SVM, and the other's VM
 * creation must fail (EBUSY) without disturbing the holder's guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "engine.h"

/*
 * 0x1000: mov $0, %al
 * 0x1002: out %al, $0x80
 * 0x1004: inc %al
 * 0x1006: jmp 0x1002
 */
static const unsigned char guest_code[] = {
	0xb0, 0x00, 0xe6, GUEST_PORT, 0xfe, 0xc0, 0xeb, 0xfa,
};

struct bench {
	const struct engine *e;
	struct engine_vm *vm;
	uint8_t next;		/* the value the guest's next OUT must carry */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static const char *err_name(int err)
{
	switch (-err) {
	case 0: return "ok";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	case EINTR: return "EINTR";
	}
	return "other";
}

/* Run @n exits, checking each; 0, or -1 after printing what went wrong. */
static int run_exits(struct bench *b, long n)
{
	struct pio_exit x;
	long i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = b->e->run(b->vm, &x);
		if (ret) {
			fprintf(stderr, "pio_bench: %s: RUN failed: %s\n", b->e->name,
				strerror(-ret));
			return -1;
		}
		if (!x.is_io) {
			fprintf(stderr, "pio_bench: %s: unexpected exit: %s\n", b->e->name,
				x.what);
			return -1;
		}
		if (!x.out || x.size != 1 || x.port != GUEST_PORT || x.count != 1 ||
		    x.data != b->next) {
			fprintf(stderr, "pio_bench: %s: unexpected I/O exit: %s port %#x size %u count %u data %#x (want out port %#x size 1 count 1 data %#x)\n",
				b->e->name, x.out ? "out" : "in", x.port, x.size, x.count,
				x.data, GUEST_PORT, b->next);
			return -1;
		}
		b->next++;
	}
	return 0;
}

/* Guest memory with the code in place; NULL on error. */
static void *guest_mem(void)
{
	void *mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		perror("pio_bench: mmap guest memory");
		return NULL;
	}
	memcpy((char *)mem + GUEST_ENTRY, guest_code, sizeof(guest_code));
	return mem;
}

static int open_bench(struct bench *b, const struct engine *e, void *mem)
{
	b->e = e;
	b->next = 0;
	return e->open(&b->vm, mem);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int bench(const struct engine *e, long iterations, long rounds, long warmup)
{
	uint64_t *avg, t0, null_ns;
	struct bench b;
	void *mem;
	long r, i;
	int ret = 1;

	mem = guest_mem();
	avg = calloc(rounds, sizeof(*avg));
	if (!mem || !avg) {
		fprintf(stderr, "pio_bench: out of memory\n");
		return 1;
	}
	if (open_bench(&b, e, mem))
		goto out;
	if (run_exits(&b, warmup))
		goto out_close;
	for (r = 0; r < rounds; r++) {
		t0 = now_ns();
		if (run_exits(&b, iterations))
			goto out_close;
		avg[r] = (now_ns() - t0 + iterations / 2) / iterations;
	}
	/* The baseline: a vCPU ioctl that does not enter the guest. */
	t0 = now_ns();
	for (i = 0; i < iterations; i++) {
		if (e->null_ioctl(b.vm)) {
			fprintf(stderr, "pio_bench: %s: GET_REGS failed\n", e->name);
			goto out_close;
		}
	}
	null_ns = (now_ns() - t0 + iterations / 2) / iterations;

	printf("pio_bench engine=%s iterations=%ld rounds=%ld", e->name, iterations, rounds);
	for (r = 0; r < rounds; r++)
		printf("%s%llu", r ? "," : " rounds_ns=", (unsigned long long)avg[r]);
	qsort(avg, rounds, sizeof(*avg), cmp_u64);
	printf(" round_trip_ns=%llu min=%llu max=%llu null_ioctl_ns=%llu\n",
	       (unsigned long long)avg[rounds / 2], (unsigned long long)avg[0],
	       (unsigned long long)avg[rounds - 1], (unsigned long long)null_ns);
	ret = 0;
out_close:
	e->close(b.vm);
out:
	free(avg);
	munmap(mem, GUEST_MEM_SIZE);
	return ret;
}

/*
 * With @holder's VM alive (SVM is on and belongs to it), creating a VM of
 * @other must fail; the holder's guest must still run afterwards.
 */
static int coexist_pair(const struct engine *holder, const struct engine *other)
{
	void *hmem = guest_mem(), *omem = guest_mem();
	struct bench h, o;
	int ret, ok = 0;

	if (!hmem || !omem)
		return -1;
	if (open_bench(&h, holder, hmem)) {
		printf("pio_bench coexist holder=%s: its VM cannot be created (see above)\n",
		       holder->name);
		goto out;
	}
	if (run_exits(&h, 100) == 0) {
		ret = open_bench(&o, other, omem);
		printf("pio_bench coexist holder=%s other=%s other_vm_create=%s",
		       holder->name, other->name, err_name(ret));
		if (ret == 0) {
			o.e->close(o.vm);
			printf(" (UNEXPECTED: both hold SVM)");
		} else {
			ok = 1;
		}
		ok &= run_exits(&h, 100) == 0;
		printf(" holder_still_runs=%s\n", ok ? "yes" : "NO");
	}
	holder->close(h.vm);
out:
	munmap(hmem, GUEST_MEM_SIZE);
	munmap(omem, GUEST_MEM_SIZE);
	return ok ? 0 : -1;
}

/* Both modules loaded: each VM is refused while the other's lives, and each
 * engine works once the other has let go. */
static int coexist(void)
{
	int ret = 0;

	ret |= coexist_pair(&engine_kvm, &engine_lvmm);
	ret |= coexist_pair(&engine_lvmm, &engine_kvm);
	ret |= bench(&engine_lvmm, 1000, 1, 100);
	ret |= bench(&engine_kvm, 1000, 1, 100);
	printf("pio_bench coexist result=%s\n", ret ? "FAIL" : "ok");
	return ret ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: pio_bench --engine lvmm|kvm [--iterations N] [--rounds R]\n"
	      "                 [--warmup W] [--cpu C]\n"
	      "       pio_bench --coexist [--cpu C]\n"
	      "Times R rounds of N port-I/O exits (after W exits of warm-up, default\n"
	      "N/10) and prints the median, minimum and maximum of the per-round\n"
	      "averages in ns per round trip.  --cpu pins the process to CPU C.\n"
	      "--coexist needs both lvmm.ko and kvm_amd loaded.  The lvmm engine\n"
	      "opens $LVMM_DEV (default /dev/lvmm), the kvm engine $KVM_DEV\n"
	      "(default /dev/kvm).\n", f);
}

static long number(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "pio_bench: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "coexist", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long iterations = 20000, rounds = 5, warmup = -1, cpu = -1;
	const struct engine *e = NULL;
	int c, do_coexist = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!strcmp(optarg, "lvmm")) {
				e = &engine_lvmm;
			} else if (!strcmp(optarg, "kvm")) {
				e = &engine_kvm;
			} else {
				fprintf(stderr, "pio_bench: unknown engine '%s' (lvmm or kvm)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			iterations = number(optarg, "iteration count");
			break;
		case 'r':
			rounds = number(optarg, "round count");
			break;
		case 'w':
			warmup = number(optarg, "warm-up count");
			break;
		case 'c':
			cpu = number(optarg, "CPU number");
			break;
		case 'x':
			do_coexist = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (!e && !do_coexist) || (e && do_coexist) ||
	    iterations < 1 || rounds < 1 || rounds > 1000) {
		usage(stderr);
		return 2;
	}
	if (warmup < 0)
		warmup = iterations / 10 > 100 ? iterations / 10 : 100;
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "pio_bench: pinning to CPU %ld: %s\n", cpu,
				strerror(errno));
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (do_coexist)
		return coexist();
	return bench(e, iterations, rounds, warmup);
}
