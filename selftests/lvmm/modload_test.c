// SPDX-License-Identifier: GPL-2.0
/* Loading and unloading lvmm.ko ($LVMM_KO) 50 times leaves no trace. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

static int file_contains(const char *path, const char *text)
{
	char line[256];
	int found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

static int load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "lvmm", O_NONBLOCK) ? -errno : 0;
}

FIXTURE(module) {};
FIXTURE_SETUP(module) {}
FIXTURE_TEARDOWN(module) {}

/* Each load runs the KUnit suites: emulated machines need minutes. */
TEST_F_TIMEOUT(module, load_unload_50_times, 900)
{
	const char *ko = getenv("LVMM_KO");
	struct test_vm t;
	long before, after;
	int i;

	if (!ko)
		SKIP(return, "LVMM_KO is not set: path of lvmm.ko to reload");
	/* A VM keeps the module busy. */
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	EXPECT_EQ(-EWOULDBLOCK, unload());
	test_vm_destroy(&t);

	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load(ko));
	ASSERT_EQ(0, unload());
	before = kernel_free_kb();
	/* Each round also enables SVM, runs a guest and tears it all down. */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, load(ko));
		ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
		LOAD_SNIPPET(&t, guest_hlt16);
		RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
		test_vm_destroy(&t);
		ASSERT_EQ(0, unload());
	}
	after = kernel_free_kb();
	TH_LOG("%s before %ld kB, after %ld kB", kernel_free_what(), before, after);
	/*
	 * KASAN records every allocation's stack in its stack depot, which
	 * never shrinks, and each load puts the module at a new address:
	 * ~40 kB per load that is not ours. The memory figure is therefore
	 * compared on kernels without KASAN (the stock kernel in make check).
	 * Even there MemFree drifts by 0.8-2.8 MB over 50 loads of any
	 * version of lvmm.ko (measured: the kernel's own per-load bookkeeping
	 * and per-CPU page lists), so 4 MB catches leaks of 80 kB or more per
	 * round (the module image, a VM's tables and pinned memory), not a
	 * few pages; memory_test covers the per-VM objects more finely.
	 */
	if (kernel_has_kasan())
		TH_LOG("KASAN kernel: memory not compared");
	else
		EXPECT_LT(before - after, 4096);
	/* No device, no module directory, no CPU hotplug callback left. */
	EXPECT_EQ(-1, access("/dev/lvmm", F_OK));
	EXPECT_EQ(-1, access("/sys/module/lvmm", F_OK));
	EXPECT_EQ(0, file_contains("/sys/devices/system/cpu/hotplug/states", "lvmm"));

	ASSERT_EQ(0, load(ko));
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_hlt16);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
