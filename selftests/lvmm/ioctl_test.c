// SPDX-License-Identifier: GPL-2.0
/* Invalid input to every ioctl gets a precise errno and changes nothing. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

#define EXPECT_ERRNO(err, call) do {				\
	errno = 0;						\
	EXPECT_EQ(-1, (call));					\
	EXPECT_EQ((err), errno);				\
} while (0)

FIXTURE(bad) {
	struct test_vm t;
};

FIXTURE_SETUP(bad)
{
	ASSERT_EQ(0, test_vm_create(&self->t, GUEST_RAM));
}

FIXTURE_TEARDOWN(bad)
{
	test_vm_destroy(&self->t);
}

TEST_F(bad, system_ioctls)
{
	int fd = self->t.vm.sys_fd;

	EXPECT_EQ(LVMM_API_VERSION, ioctl(fd, LVMM_GET_API_VERSION, 0));
	EXPECT_EQ(4096, ioctl(fd, LVMM_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_CREATE_VM, 1));
	EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO(LVMMIO, 0x7f), 0));
	/* A VM fd is not /dev/lvmm, nor a vCPU fd. */
	EXPECT_ERRNO(ENOTTY, ioctl(self->t.vm.vm_fd, LVMM_CREATE_VM, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->t.vcpu.fd, LVMM_CREATE_VCPU, 1));
	EXPECT_ERRNO(ENOTTY, ioctl(self->t.vm.vm_fd, LVMM_RUN, 0));
}

static int set_region(struct test_vm *t, struct lvmm_memory_region r)
{
	return ioctl(t->vm.vm_fd, LVMM_SET_MEMORY_REGION, &r);
}

TEST_F(bad, memory_regions)
{
	uint8_t *m = lvmm_alloc_guest_mem(0x4000);
	uint64_t hva = (uint64_t)(uintptr_t)m;
	struct lvmm_memory_region r = {
		.slot = 1, .guest_phys_addr = 0x100000, .memory_size = 0x4000, .userspace_addr = hva,
	};

	ASSERT_NE(NULL, m);
	EXPECT_ERRNO(EINVAL, set_region(&self->t, (struct lvmm_memory_region){ .slot = LVMM_MAX_MEM_SLOTS,
		.guest_phys_addr = 0x100000, .memory_size = 0x1000, .userspace_addr = hva }));
	r.flags = 2;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));
	r.flags = 0;
	r.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));
	r.reserved[1] = 0;
	r.guest_phys_addr = 0x100800;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));		/* unaligned gpa */
	r.guest_phys_addr = 0x100000;
	r.memory_size = 0x1800;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));		/* unaligned size */
	r.memory_size = 0x4000;
	r.userspace_addr = hva + 8;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));		/* unaligned hva */
	r.userspace_addr = 0xffff800000000000ULL;
	EXPECT_ERRNO(EFAULT, set_region(&self->t, r));		/* kernel address */
	r.userspace_addr = hva;
	r.guest_phys_addr = 1ULL << 52;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));		/* beyond 52 bits */
	r.guest_phys_addr = (1ULL << 52) - 0x1000;
	EXPECT_ERRNO(EINVAL, set_region(&self->t, r));		/* wraps past the limit */
	r.guest_phys_addr = 0x8000;
	EXPECT_ERRNO(EEXIST, set_region(&self->t, r));		/* overlaps slot 0 */
	r.slot = 0;
	r.guest_phys_addr = 0x100000;
	EXPECT_ERRNO(EEXIST, set_region(&self->t, r));		/* slot 0 in use */
	EXPECT_ERRNO(ENOENT, set_region(&self->t, (struct lvmm_memory_region){ .slot = 5 }));
	EXPECT_ERRNO(EINVAL, set_region(&self->t, (struct lvmm_memory_region){ .slot = 0,
		.guest_phys_addr = 0x1000 }));			/* delete with junk */
	EXPECT_ERRNO(EFAULT, ioctl(self->t.vm.vm_fd, LVMM_SET_MEMORY_REGION, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(self->t.vm.vm_fd, LVMM_SET_MEMORY_REGION, (void *)8));

	/* The valid region still goes in, and the guest still runs. */
	r.slot = 1;
	EXPECT_EQ(0, set_region(&self->t, r));
	LOAD_SNIPPET(&self->t, guest_hlt16);
	RUN_EXPECT(&self->t.vcpu, LVMM_EXIT_HLT);
	lvmm_free_guest_mem(m, 0x4000);
}

TEST_F(bad, vcpu_creation)
{
	EXPECT_ERRNO(EEXIST, ioctl(self->t.vm.vm_fd, LVMM_CREATE_VCPU, 0));
	EXPECT_ERRNO(EINVAL, ioctl(self->t.vm.vm_fd, LVMM_CREATE_VCPU, LVMM_MAX_VCPUS));
	EXPECT_ERRNO(EINVAL, ioctl(self->t.vm.vm_fd, LVMM_CREATE_VCPU, -1UL));
}

TEST_F(bad, registers)
{
	int fd = self->t.vcpu.fd;
	struct lvmm_regs regs;
	struct lvmm_sregs s, good;

	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_GET_REGS, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_SET_REGS, (void *)16));
	ASSERT_EQ(0, lvmm_get_regs(&self->t.vcpu, &regs));
	regs.rflags |= 1ULL << 40;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_REGS, &regs));

	ASSERT_EQ(0, lvmm_get_sregs(&self->t.vcpu, &good));
	s = good; s.reserved[2] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.cr0 = 1ULL << 31;				/* PG without PE */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.cr4 = 1ULL << 30;				/* reserved bit */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.efer = 1ULL << 20;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.efer = 1ULL << 10;				/* LMA without LME+PG */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.fs.base = 0x0000800000000000ULL;		/* non-canonical */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.cs.dpl = 4;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	s = good; s.cr8 = 16;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_SREGS, &s));
	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_SET_SREGS, NULL));
	/* Nothing changed. */
	ASSERT_EQ(0, lvmm_get_sregs(&self->t.vcpu, &s));
	EXPECT_EQ(0, memcmp(&s, &good, sizeof(s)));
}

TEST_F(bad, msrs)
{
	struct {
		struct lvmm_msrs h;
		struct lvmm_msr_entry e[2];
	} m = { .h = { .nmsrs = 2 } };
	int fd = self->t.vcpu.fd;
	uint64_t v;

	m.e[0].index = 0xc0000081;		/* STAR */
	m.e[0].data = 0x0023001000000000ULL;
	m.e[1].index = 0x12345678;		/* unknown: processing stops */
	EXPECT_EQ(1, ioctl(fd, LVMM_SET_MSRS, &m));
	ASSERT_EQ(0, lvmm_get_msr(&self->t.vcpu, 0xc0000081, &v));
	EXPECT_EQ(0x0023001000000000ULL, v);
	m.e[0].index = 0xc0000100;		/* FS_BASE */
	m.e[0].data = 0x0000800000000000ULL;	/* non-canonical */
	EXPECT_EQ(0, ioctl(fd, LVMM_SET_MSRS, &m));
	m.h.nmsrs = LVMM_MAX_MSR_ENTRIES + 1;
	EXPECT_ERRNO(E2BIG, ioctl(fd, LVMM_SET_MSRS, &m));
	m.h.nmsrs = 1;
	m.h.pad = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_GET_MSRS, &m));
	m.h.pad = 0;
	m.e[0].reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_GET_MSRS, &m));
	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_GET_MSRS, NULL));
}

/* The two MSRs Intel's Linux reads without a #GP fixup, on both vendors. */
TEST_F(bad, misc_enable_and_ucode_rev)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint64_t val;

	ASSERT_EQ(0, lvmm_get_msr(v, 0x1a0, &val));
	EXPECT_EQ((1ULL << 0) | (1ULL << 11) | (1ULL << 12), val);	/* fast strings, no BTS/PEBS */
	EXPECT_EQ(0, lvmm_set_msr(v, 0x1a0, val & ~1ULL));		/* fast strings may go */
	EXPECT_NE(0, lvmm_set_msr(v, 0x1a0, val | (1ULL << 34)));	/* XD disable may not */
	ASSERT_EQ(0, lvmm_get_msr(v, 0x1a0, &val));
	EXPECT_EQ((1ULL << 11) | (1ULL << 12), val);
	EXPECT_EQ(0, lvmm_set_msr(v, 0x8b, 0));				/* ignored */
	ASSERT_EQ(0, lvmm_get_msr(v, 0x8b, &val));
	EXPECT_EQ(1ULL << 32, val);
}

TEST_F(bad, cpuid)
{
	struct {
		struct lvmm_cpuid h;
		struct lvmm_cpuid_entry e[2];
	} c = { .h = { .nent = 2 } };
	int fd = self->t.vcpu.fd;

	c.e[0].function = 1;
	c.e[1].function = 1;				/* duplicate leaf */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_CPUID, &c));
	c.e[1].function = 2;
	c.e[1].flags = 4;				/* unknown flag */
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_CPUID, &c));
	c.e[1].flags = 0;
	c.e[1].reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_SET_CPUID, &c));
	c.e[1].reserved[0] = 0;
	c.h.nent = LVMM_MAX_CPUID_ENTRIES + 1;
	EXPECT_ERRNO(E2BIG, ioctl(fd, LVMM_SET_CPUID, &c));
	c.h.nent = 1000000;
	EXPECT_ERRNO(E2BIG, ioctl(fd, LVMM_SET_CPUID, &c));
	c.h.nent = 2;
	EXPECT_EQ(0, ioctl(fd, LVMM_SET_CPUID, &c));
	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_SET_CPUID, (void *)4096));
}

TEST_F(bad, interrupts_and_run)
{
	struct lvmm_interrupt irq = { .vector = 8 };
	int fd = self->t.vcpu.fd;

	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_INTERRUPT, &irq));	/* an exception vector */
	irq.vector = 256;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_INTERRUPT, &irq));
	irq.vector = 0x30;
	irq.reserved = 1;
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_INTERRUPT, &irq));
	EXPECT_ERRNO(EFAULT, ioctl(fd, LVMM_INTERRUPT, NULL));
	EXPECT_ERRNO(EINVAL, ioctl(fd, LVMM_RUN, 1));
}

/* A child process may not drive its parent's VM: guest RAM is not its. */
TEST_F(bad, other_process)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ok = ioctl(self->t.vcpu.fd, LVMM_RUN, 0) == -1 && errno == EIO &&
			 ioctl(self->t.vm.vm_fd, LVMM_CREATE_VCPU, 3) == -1 && errno == EIO;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
