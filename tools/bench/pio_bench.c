// SPDX-License-Identifier: GPL-2.0
/*
 * pio_bench: the round trip of a port-I/O exit to userspace and back,
 * the hypervisor's most basic cost. The guest spins on `out %al, $0x80`;
 * each exit is checked and the vCPU run again. Prints one line per engine
 * with the median (and spread) of the per-round averages.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "engine.h"

#define GUEST_MEM	(64 * 1024)
#define GUEST_ENTRY	0x1000
#define BENCH_PORT	0x80

/* 1: out %al, $0x80 ; jmp 1b */
static const unsigned char guest_code[] = { 0xe6, BENCH_PORT, 0xeb, 0xfc };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Average ns per round trip over @n exits; negative on a wrong exit. */
static double measure(const struct engine *e, long n)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		if (e->run_to_out() != BENCH_PORT)
			return -1;
	return (now_ns() - t0) / n;
}

static void usage(FILE *f)
{
	fputs("usage: pio_bench --engine lvmm|kvm [--iterations N] [--rounds R]\n"
	      "Times N port-I/O exits (after N/10 of warm-up), R times; prints\n"
	      "the median, minimum and maximum of the per-round averages.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, 'e' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct engine *e = NULL;
	long iterations = 20000, rounds = 5, r;
	double *avg;
	void *mem;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (!strcmp(optarg, "lvmm"))
				e = &engine_lvmm;
			else if (!strcmp(optarg, "kvm"))
				e = &engine_kvm;
			else {
				fprintf(stderr, "pio_bench: unknown engine '%s' (lvmm or kvm)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			iterations = atol(optarg);
			break;
		case 'r':
			rounds = atol(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!e || iterations < 10 || rounds < 1 || rounds > 1000) {
		usage(stderr);
		return 2;
	}

	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	avg = calloc(rounds, sizeof(*avg));
	if (mem == MAP_FAILED || !avg) {
		perror("pio_bench: allocation");
		return 1;
	}
	memcpy((char *)mem + GUEST_ENTRY, guest_code, sizeof(guest_code));
	if (e->setup(mem, GUEST_MEM, GUEST_ENTRY))
		goto out;
	if (measure(e, iterations / 10) < 0) {
		fprintf(stderr, "pio_bench: %s: the guest did not exit with OUT to %#x\n",
			e->name, BENCH_PORT);
		goto out;
	}
	for (r = 0; r < rounds; r++) {
		avg[r] = measure(e, iterations);
		if (avg[r] < 0) {
			fprintf(stderr, "pio_bench: %s: unexpected exit\n", e->name);
			goto out;
		}
	}
	qsort(avg, rounds, sizeof(*avg), cmp_double);
	printf("pio_bench engine=%s iterations=%ld rounds=%ld median_ns=%.0f min_ns=%.0f max_ns=%.0f\n",
	       e->name, iterations, rounds, avg[rounds / 2], avg[0], avg[rounds - 1]);
	ret = 0;
out:
	e->teardown();
	free(avg);
	return ret;
}
