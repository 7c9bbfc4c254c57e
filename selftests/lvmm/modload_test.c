// SPDX-License-Identifier: GPL-2.0
/* Loading and unloading lvmm.ko ($LVMM_KO) 50 times leaves no trace. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

static long mem_free_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
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

TEST(load_unload_50_times)
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
	before = mem_free_kb();
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, load(ko));
		ASSERT_EQ(0, unload());
	}
	after = mem_free_kb();
	TH_LOG("MemFree before %ld kB, after %ld kB", before, after);
	EXPECT_LT(before - after, 1024);
	EXPECT_EQ(-1, access("/dev/lvmm", F_OK));

	ASSERT_EQ(0, load(ko));
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_hlt16);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
