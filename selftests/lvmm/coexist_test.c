// SPDX-License-Identifier: GPL-2.0
/*
 * lvmm and KVM (kvm_amd or kvm_intel) share the CPU's virtualization:
 * whoever has a VM holds it (EFER.SVME, or CR4.VMXE and VMXON), and the
 * other must refuse cleanly (EBUSY) instead of clobbering it. Needs KVM
 * as modules (the test bed's kernels have them).
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

static int kvm_create_vm(int kvm_fd)
{
	int fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);

	return fd < 0 ? -errno : fd;
}

static int run_hlt_guest(void)
{
	struct test_vm t;
	int ret = test_vm_create(&t, GUEST_RAM);

	if (!ret) {
		LOAD_SNIPPET(&t, guest_hlt16);
		ret = lvmm_vcpu_run(&t.vcpu);
		if (!ret && t.vcpu.run->exit_reason != LVMM_EXIT_HLT)
			ret = -EPROTO;
	}
	test_vm_destroy(&t);
	return ret;
}

TEST(svm_is_shared_with_kvm)
{
	struct test_vm t;
	int kvm_fd, kvm_vm;

	const char *kvm = cpu_is_intel() ? "kvm_intel" : "kvm_amd";
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "modprobe %s 2>/dev/null", kvm);
	if (system(cmd) != 0)
		SKIP(return, "%s cannot be loaded here", kvm);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, kvm_fd);

	/* A KVM VM switches SVM on: lvmm must refuse, not take it over. */
	kvm_vm = kvm_create_vm(kvm_fd);
	ASSERT_LE(0, kvm_vm);
	memset(&t, 0, sizeof(t));
	EXPECT_EQ(-EBUSY, lvmm_vm_create(&t.vm));
	close(kvm_vm);

	/* Released: lvmm runs guests; now KVM is refused while lvmm holds it. */
	ASSERT_EQ(0, run_hlt_guest());
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	kvm_vm = kvm_create_vm(kvm_fd);
	EXPECT_GT(0, kvm_vm);
	if (kvm_vm >= 0)
		close(kvm_vm);
	LOAD_SNIPPET(&t, guest_hlt16);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);

	/* And KVM gets it back once lvmm's last VM is gone. */
	kvm_vm = kvm_create_vm(kvm_fd);
	EXPECT_LE(0, kvm_vm);
	if (kvm_vm >= 0)
		close(kvm_vm);
	close(kvm_fd);
	snprintf(cmd, sizeof(cmd), "rmmod %s kvm", kvm);
	EXPECT_EQ(0, system(cmd));
	EXPECT_EQ(0, run_hlt_guest());
}

TEST_HARNESS_MAIN
