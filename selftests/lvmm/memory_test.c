// SPDX-License-Identifier: GPL-2.0
/* Guest memory: shared both ways with the host, private to each VM, and
 * no kernel memory left behind by 1,000 VM lifetimes, nor by VMMs killed
 * with SIGKILL while their vCPU runs. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

TEST(guest_and_host_see_each_others_writes)
{
	uint32_t host_val = 0x600d600d, v;
	struct test_vm t;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_mem16);
	memcpy(t.mem + 0x6000, &host_val, 4);
	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x50, 4);
	EXPECT_EQ(host_val, io_data32(&t.vcpu));
	memcpy(&v, t.mem + 0x5000, 4);
	EXPECT_EQ(0xfeedface, v);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);
}

TEST(two_vms_same_gpa_are_isolated)
{
	struct test_vm a, b;
	uint32_t va = 0xaaaa0001, vb = 0xbbbb0002;

	ASSERT_EQ(0, test_vm_create(&a, GUEST_RAM));
	ASSERT_EQ(0, test_vm_create(&b, GUEST_RAM));
	LOAD_SNIPPET(&a, guest_mem16);
	LOAD_SNIPPET(&b, guest_mem16);
	memcpy(a.mem + 0x6000, &va, 4);
	memcpy(b.mem + 0x6000, &vb, 4);
	RUN_EXPECT_IO(&a.vcpu, LVMM_EXIT_IO_OUT, 0x50, 4);
	RUN_EXPECT_IO(&b.vcpu, LVMM_EXIT_IO_OUT, 0x50, 4);
	EXPECT_EQ(vb, io_data32(&b.vcpu));
	EXPECT_EQ(va, io_data32(&a.vcpu));
	test_vm_destroy(&a);
	test_vm_destroy(&b);
}

/* Deleting a slot unmaps it: the guest's next access is MMIO. */
TEST(deleted_slot_becomes_mmio)
{
	uint8_t *extra = lvmm_alloc_guest_mem(4096);
	struct test_vm t;

	ASSERT_NE(NULL, extra);
	ASSERT_EQ(0, test_vm_create(&t, 0x6000));
	ASSERT_EQ(0, lvmm_set_region(&t.vm, 1, 0, 0x6000, 4096, extra));
	LOAD_SNIPPET(&t, guest_mem16);
	RUN_EXPECT_IO(&t.vcpu, LVMM_EXIT_IO_OUT, 0x50, 4);
	ASSERT_EQ(0, lvmm_set_region(&t.vm, 1, 0, 0, 0, NULL));
	ASSERT_EQ(0, lvmm_vcpu_setup_real_mode(&t.vcpu, GUEST_CODE));
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_MMIO);
	EXPECT_EQ(0x6000, t.vcpu.run->mmio.phys_addr);
	test_vm_destroy(&t);
	lvmm_free_guest_mem(extra, 4096);
}

static int one_vm_lifetime(void)
{
	struct test_vm t;
	int ret = test_vm_create(&t, GUEST_RAM);

	if (!ret) {
		LOAD_SNIPPET(&t, guest_mem16);
		ret = lvmm_vcpu_run(&t.vcpu);
		if (!ret && t.vcpu.run->exit_reason != LVMM_EXIT_IO)
			ret = -EPROTO;
	}
	test_vm_destroy(&t);
	return ret;
}

/*
 * Free kernel memory lost over @rounds calls of @lifetime (after @warmup
 * more, which fill the caches), in kB; each call must return 0.
 */
static long lost_kb(struct __test_metadata *_metadata, int (*lifetime)(void), int warmup,
		    int rounds)
{
	long before, after;
	int i;

	for (i = 0; i < warmup; i++)
		ASSERT_EQ(0, lifetime());
	before = kernel_free_kb();
	for (i = 0; i < rounds; i++)
		ASSERT_EQ(0, lifetime()) TH_LOG("round %d", i);
	after = kernel_free_kb();
	TH_LOG("%s before %ld kB, after %ld kB", kernel_free_what(), before, after);
	return before - after;
}

FIXTURE(lifetimes) {};
FIXTURE_SETUP(lifetimes) {}
FIXTURE_TEARDOWN(lifetimes) {}

/*
 * Each lifetime pins guest pages and allocates NPT, VMCB and run pages.
 * Emulated machines (Bochs above all) need more than the default 30 s.
 */
TEST_F_TIMEOUT(lifetimes, thousand_vms_leak_nothing, 900)
{
	long lost = lost_kb(_metadata, one_vm_lifetime, 50, 1000);

	/*
	 * Every lifetime allocates at least a VMCB, a run page, four NPT
	 * pages and pins guest pages: a leak of any of them is >= 4000 kB.
	 * Half of that absorbs per-CPU page lists and KASAN's stack depot.
	 */
	EXPECT_LT(lost, 2048);
}

/* A VMM that maps 960 KiB of its guest, says so on @ready and runs on. */
static void __attribute__((noreturn)) touching_vmm(int ready)
{
	struct test_vm t;

	if (test_vm_create(&t, 1 << 20))
		_exit(1);
	LOAD_SNIPPET(&t, guest_touch16);
	if (lvmm_vcpu_run(&t.vcpu) || t.vcpu.run->exit_reason != LVMM_EXIT_IO ||
	    t.vcpu.run->io.port != 0x52)
		_exit(2);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	lvmm_vcpu_run(&t.vcpu);		/* the guest spins until SIGKILL */
	_exit(4);
}

/* 0 once a VMM whose vCPU was in the guest died of SIGKILL, or why not. */
static int __one_killed_vmm(void)
{
	int p[2], status;
	pid_t pid;
	char c;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		touching_vmm(p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) == 1)
		kill(pid, SIGKILL);
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return WIFEXITED(status) ? WEXITSTATUS(status) : -EPROTO;
	return 0;
}

/* vmctl kill, or a VMM that crashed: the kernel frees all of the VM. */
TEST_F_TIMEOUT(lifetimes, killed_vmms_leak_nothing, 900)
{
	long lost = lost_kb(_metadata, __one_killed_vmm, 16, 256);

	/*
	 * Each VMM had 240 guest pages pinned and mapped, a VMCB or VMCS, a
	 * run page and page-table pages: a leak of its pins is 960 kB a VMM,
	 * one of its kernel pages alone 4 MB in all.
	 */
	EXPECT_LT(lost, 2048);
}

TEST_HARNESS_MAIN
