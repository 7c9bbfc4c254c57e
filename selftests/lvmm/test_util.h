/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the lvmm selftests: a VM with RAM at guest-physical 0,
 * guest snippets from guest_code.S, and checks for the exits they cause.
 */
#ifndef LVMM_TEST_UTIL_H
#define LVMM_TEST_UTIL_H

#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lvmm.h"

#define GUEST_CODE	0x1000
#define GUEST_RAM	(64 * 1024)

#define DECLARE_SNIPPET(name) extern const uint8_t name[], name##_end[]
#define SNIPPET_SIZE(name) ((size_t)(name##_end - name))

DECLARE_SNIPPET(guest_hlt16);
DECLARE_SNIPPET(guest_out16);
DECLARE_SNIPPET(guest_in16);
DECLARE_SNIPPET(guest_string16);
DECLARE_SNIPPET(guest_mmio16);
DECLARE_SNIPPET(guest_cpuid16);
DECLARE_SNIPPET(guest_hypercall16);
DECLARE_SNIPPET(guest_vmcall16);
DECLARE_SNIPPET(guest_int3_16);
DECLARE_SNIPPET(guest_mem16);
DECLARE_SNIPPET(guest_spin16);
DECLARE_SNIPPET(guest_touch16);
DECLARE_SNIPPET(guest_count16);
DECLARE_SNIPPET(guest_pause16);
DECLARE_SNIPPET(guest_irq16);
DECLARE_SNIPPET(guest_irq_handler16);
DECLARE_SNIPPET(guest_apic16);
DECLARE_SNIPPET(guest_apic_handler16);
DECLARE_SNIPPET(guest_nmi16);
DECLARE_SNIPPET(guest_nmi_handler16);
DECLARE_SNIPPET(guest_pmode32);
DECLARE_SNIPPET(guest_long64);

struct test_vm {
	struct lvmm_vm vm;
	struct lvmm_vcpu vcpu;
	uint8_t *mem;
	size_t mem_size;
};

/* VM + one vCPU in real mode at GUEST_CODE, RAM [0, size) in slot 0. */
static inline int test_vm_create(struct test_vm *t, size_t size)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->mem_size = size;
	t->mem = lvmm_alloc_guest_mem(size);
	if (!t->mem)
		return -ENOMEM;
	ret = lvmm_vm_create(&t->vm);
	if (ret)
		return ret;
	ret = lvmm_set_region(&t->vm, 0, 0, 0, size, t->mem);
	if (ret)
		return ret;
	ret = lvmm_vcpu_create(&t->vm, 0, &t->vcpu);
	if (ret)
		return ret;
	return lvmm_vcpu_setup_real_mode(&t->vcpu, GUEST_CODE);
}

static inline void test_vm_load(struct test_vm *t, uint64_t gpa, const void *code, size_t len)
{
	memcpy(t->mem + gpa, code, len);
}

#define LOAD_SNIPPET(t, name) test_vm_load((t), GUEST_CODE, name, SNIPPET_SIZE(name))

static inline void test_vm_destroy(struct test_vm *t)
{
	lvmm_vcpu_destroy(&t->vcpu);
	lvmm_vm_destroy(&t->vm);
	if (t->mem)
		lvmm_free_guest_mem(t->mem, t->mem_size);
	t->mem = NULL;
}

/* RUN, asserting success and the exit reason. */
#define RUN_EXPECT(vcpu, reason) do {						\
	ASSERT_EQ(0, lvmm_vcpu_run(vcpu));					\
	ASSERT_EQ((reason), (vcpu)->run->exit_reason)				\
		TH_LOG("exit %s, expected %s (internal: suberror %u data %#llx %#llx %#llx)", \
		       lvmm_exit_name((vcpu)->run->exit_reason), lvmm_exit_name(reason), \
		       (vcpu)->run->internal.suberror,				\
		       (unsigned long long)(vcpu)->run->internal.data[0],	\
		       (unsigned long long)(vcpu)->run->internal.data[1],	\
		       (unsigned long long)(vcpu)->run->internal.data[2]);	\
} while (0)

/* RUN to a port I/O exit on @port_ in direction @dir_ with @size_. */
#define RUN_EXPECT_IO(vcpu, dir_, port_, size_) do {				\
	RUN_EXPECT(vcpu, LVMM_EXIT_IO);						\
	ASSERT_EQ((dir_), (vcpu)->run->io.direction);				\
	ASSERT_EQ((port_), (vcpu)->run->io.port);				\
	ASSERT_EQ((size_), (vcpu)->run->io.size);				\
} while (0)

static inline uint32_t io_data32(struct lvmm_vcpu *vcpu)
{
	uint32_t v = 0;

	memcpy(&v, lvmm_io_data(vcpu), vcpu->run->io.size);
	return v;
}

/* The host CPU's vendor picks the backend, and with it some guest code. */
static inline int cpu_is_intel(void)
{
	unsigned int eax, ebx, ecx, edx;

	__cpuid(0, eax, ebx, ecx, edx);
	(void)eax;
	return ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e;
}

/* Generic KASAN keeps freed slab objects in a quarantine for a while. */
static inline int kernel_has_kasan(void)
{
	static int cached = -1;
	char line[256];
	FILE *f;

	if (cached >= 0)
		return cached;
	cached = 0;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 0;
	while (!cached && fgets(line, sizeof(line), f))
		cached = strstr(line, " kasan_save_stack\n") != NULL;
	fclose(f);
	return cached;
}

static inline const char *kernel_free_what(void)
{
	return kernel_has_kasan() ? "MemFree+PCP+Slab (KASAN)" : "MemFree+PCP";
}

/*
 * Free pages the per-CPU page lists hold, in kB: free, but not in
 * MemFree. Since 6.7 the lists grow and shrink with the allocation
 * pattern (auto-tuned), so they swing by megabytes between two reads.
 */
static inline long pcp_free_kb(void)
{
	long pages, sum = 0;
	char line[128];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &pages) == 1)
			sum += pages;
	fclose(f);
	return sum * (getpagesize() / 1024);
}

/*
 * Free kernel memory for leak checks, in kB: MemFree and the per-CPU
 * lists' free pages, plus the slab caches under KASAN, whose quarantine
 * would read as a leak. Leaked pages (pinned guest memory, page tables,
 * VMCBs, run pages) show either way.
 */
static inline long kernel_free_kb(void)
{
	long kb, free_kb = -1, slab_kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			free_kb = kb;
		else if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			slab_kb = kb;
	}
	fclose(f);
	if (free_kb < 0)
		return -1;
	return free_kb + pcp_free_kb() + (kernel_has_kasan() ? slab_kb : 0);
}

#endif /* LVMM_TEST_UTIL_H */
