// SPDX-License-Identifier: GPL-2.0
/* Every exit of ABI v0: port and string I/O, MMIO, HLT, CPUID, hypercall,
 * triple fault, and interrupt injection with an interrupt window. */
#include <errno.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "test_util.h"

FIXTURE(vm) {
	struct test_vm t;
};

FIXTURE_SETUP(vm)
{
	ASSERT_EQ(0, test_vm_create(&self->t, GUEST_RAM / 2));
}

FIXTURE_TEARDOWN(vm)
{
	test_vm_destroy(&self->t);
}

TEST_F(vm, port_io_in)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint32_t d = 0xc0ffee42;

	LOAD_SNIPPET(&self->t, guest_in16);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_IN, 0x20, 1);
	*(uint8_t *)lvmm_io_data(v) = 0xa5;
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x21, 1);
	EXPECT_EQ(0xa5, io_data32(v));
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_IN, 0x22, 4);
	memcpy(lvmm_io_data(v), &d, 4);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x23, 4);
	EXPECT_EQ(d, io_data32(v));
	RUN_EXPECT(v, LVMM_EXIT_HLT);
}

/* LVMM_GET_VCPU_STATS counts each exit once, under its kind. */
TEST_F(vm, stats_count_exits)
{
	static const unsigned int kinds[] = {
		LVMM_STAT_HOST_INTR, LVMM_STAT_IO, LVMM_STAT_MMIO, LVMM_STAT_APIC_MMIO,
		LVMM_STAT_PAGE_FAULT, LVMM_STAT_MSR, LVMM_STAT_CPUID, LVMM_STAT_HLT,
		LVMM_STAT_IRQ_WINDOW, LVMM_STAT_OTHER, LVMM_STAT_PAUSE,
	};
	struct lvmm_vcpu *v = &self->t.vcpu;
	struct lvmm_vcpu_stats st;
	uint64_t total = 0;
	unsigned int i;

	ASSERT_EQ(1, lvmm_check_extension(&self->t.vm, LVMM_CAP_VCPU_STATS));
	ASSERT_EQ(0, lvmm_get_vcpu_stats(v, &st));
	EXPECT_EQ(LVMM_STAT_NR, st.count);
	EXPECT_EQ(0, st.value[LVMM_STAT_EXITS]);
	LOAD_SNIPPET(&self->t, guest_in16);	/* IN, OUT, IN, OUT, HLT */
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_IN, 0x20, 1);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x21, 1);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_IN, 0x22, 4);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x23, 4);
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_vcpu_stats(v, &st));
	EXPECT_EQ(4, st.value[LVMM_STAT_IO]);
	EXPECT_EQ(1, st.value[LVMM_STAT_HLT]);
	EXPECT_EQ(5, st.value[LVMM_STAT_USER_EXITS]);
	EXPECT_GE(st.value[LVMM_STAT_PAGE_FAULT], 1);	/* the code page, at least */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		total += st.value[kinds[i]];
	EXPECT_EQ(st.value[LVMM_STAT_EXITS], total);
	for (i = LVMM_STAT_NR; i < LVMM_STAT_MAX; i++)
		EXPECT_EQ(0, st.value[i]);
	EXPECT_EQ(-1, ioctl(v->fd, LVMM_GET_VCPU_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(vm, string_io)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	struct lvmm_regs regs;

	memcpy(self->t.mem + 0x2000, "lvmm!", 5);
	LOAD_SNIPPET(&self->t, guest_string16);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x30, 1);
	ASSERT_EQ(5, v->run->io.count);
	EXPECT_EQ(0, memcmp(lvmm_io_data(v), "lvmm!", 5));
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_IN, 0x31, 1);
	ASSERT_EQ(6, v->run->io.count);
	memcpy(lvmm_io_data(v), "guest!", 6);
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	EXPECT_EQ(0, memcmp(self->t.mem + 0x3000, "guest!", 6));
	ASSERT_EQ(0, lvmm_get_regs(v, &regs));
	EXPECT_EQ(0, regs.rcx & 0xffff);
	EXPECT_EQ(0x2005, regs.rsi & 0xffff);
	EXPECT_EQ(0x3006, regs.rdi & 0xffff);
}

/* Slot 0 covers [0, 32K); slot 1 is one read-only page at 0xa000. */
TEST_F(vm, mmio_and_readonly_slot)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint8_t *ro = lvmm_alloc_guest_mem(4096);
	uint32_t d;

	ASSERT_NE(NULL, ro);
	memset(ro, 0x5a, 4096);
	ASSERT_EQ(0, lvmm_set_region(&self->t.vm, 1, LVMM_MEM_READONLY, 0xa000, 4096, ro));
	LOAD_SNIPPET(&self->t, guest_mmio16);

	RUN_EXPECT(v, LVMM_EXIT_MMIO);
	EXPECT_EQ(0x9000, v->run->mmio.phys_addr);
	EXPECT_EQ(4, v->run->mmio.len);
	EXPECT_EQ(1, v->run->mmio.is_write);
	memcpy(&d, v->run->mmio.data, 4);
	EXPECT_EQ(0x11223344, d);

	RUN_EXPECT(v, LVMM_EXIT_MMIO);
	EXPECT_EQ(0x9000, v->run->mmio.phys_addr);
	EXPECT_EQ(4, v->run->mmio.len);
	EXPECT_EQ(0, v->run->mmio.is_write);
	d = 0x55667788;
	memcpy(v->run->mmio.data, &d, 4);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x40, 4);
	EXPECT_EQ(0x55667788, io_data32(v));

	RUN_EXPECT(v, LVMM_EXIT_MMIO);
	EXPECT_EQ(0x9004, v->run->mmio.phys_addr);
	EXPECT_EQ(1, v->run->mmio.len);
	EXPECT_EQ(1, v->run->mmio.is_write);
	EXPECT_EQ(0x77, v->run->mmio.data[0]);

	/* The write to the read-only slot exits as MMIO... */
	RUN_EXPECT(v, LVMM_EXIT_MMIO);
	EXPECT_EQ(0xa000, v->run->mmio.phys_addr);
	EXPECT_EQ(1, v->run->mmio.is_write);
	EXPECT_EQ(0x66, v->run->mmio.data[0]);
	/* ...and the guest still reads what the host put there. */
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x41, 1);
	EXPECT_EQ(0x5a, io_data32(v));
	EXPECT_EQ(0x5a, ro[0]);
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	lvmm_free_guest_mem(ro, 4096);
}

TEST_F(vm, hlt_advances_rip)
{
	struct lvmm_regs regs;

	LOAD_SNIPPET(&self->t, guest_hlt16);
	RUN_EXPECT(&self->t.vcpu, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(&self->t.vcpu, &regs));
	EXPECT_EQ(GUEST_CODE + 1, regs.rip);
}

TEST_F(vm, cpuid_from_table)
{
	struct lvmm_cpuid_entry e = {
		.function = 0x40000000, .eax = 0x4c564d4d, .ebx = 0x11, .ecx = 0x22, .edx = 0x33,
	};
	struct lvmm_regs regs;

	ASSERT_EQ(0, lvmm_set_cpuid(&self->t.vcpu, &e, 1));
	LOAD_SNIPPET(&self->t, guest_cpuid16);
	RUN_EXPECT(&self->t.vcpu, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(&self->t.vcpu, &regs));
	EXPECT_EQ(0x4c564d4d, regs.rax);
	EXPECT_EQ(0x11, regs.rbx);
	EXPECT_EQ(0x22, regs.rcx);
	EXPECT_EQ(0x33, regs.rdx);
}

TEST_F(vm, cpuid_leaf_not_in_table_reads_zero)
{
	struct lvmm_cpuid_entry e = { .function = 0, .eax = 0xd };
	struct lvmm_regs regs;

	ASSERT_EQ(0, lvmm_set_cpuid(&self->t.vcpu, &e, 1));
	LOAD_SNIPPET(&self->t, guest_cpuid16);
	RUN_EXPECT(&self->t.vcpu, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(&self->t.vcpu, &regs));
	EXPECT_EQ(0, regs.rax | regs.rbx | regs.rcx | regs.rdx);
}

TEST_F(vm, hypercall)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	struct lvmm_regs regs;

	/* VMCALL on Intel, VMMCALL on AMD: the other vendor's raises #UD. */
	size_t len = cpu_is_intel() ? SNIPPET_SIZE(guest_vmcall16) :
				      SNIPPET_SIZE(guest_hypercall16);

	if (cpu_is_intel())
		LOAD_SNIPPET(&self->t, guest_vmcall16);
	else
		LOAD_SNIPPET(&self->t, guest_hypercall16);
	RUN_EXPECT(v, LVMM_EXIT_HYPERCALL);
	EXPECT_EQ(5, v->run->hypercall.nr);
	EXPECT_EQ(1, v->run->hypercall.args[0]);
	EXPECT_EQ(2, v->run->hypercall.args[1]);
	EXPECT_EQ(3, v->run->hypercall.args[2]);
	EXPECT_EQ(4, v->run->hypercall.args[3]);
	v->run->hypercall.ret = 99;
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(v, &regs));
	EXPECT_EQ(99, regs.rax);
	EXPECT_EQ(GUEST_CODE + len, regs.rip);
}

TEST_F(vm, triple_fault_is_shutdown)
{
	struct lvmm_sregs s;

	LOAD_SNIPPET(&self->t, guest_int3_16);
	ASSERT_EQ(0, lvmm_get_sregs(&self->t.vcpu, &s));
	s.idt.limit = 0;
	ASSERT_EQ(0, lvmm_set_sregs(&self->t.vcpu, &s));
	RUN_EXPECT(&self->t.vcpu, LVMM_EXIT_SHUTDOWN);
}

#define IRQ_VECTOR	0x20
#define IRQ_HANDLER	0x1800

static void set_stack(struct __test_metadata *_metadata, struct lvmm_vcpu *v, uint64_t sp)
{
	struct lvmm_regs r;

	ASSERT_EQ(0, lvmm_get_regs(v, &r));
	r.rsp = sp;
	ASSERT_EQ(0, lvmm_set_regs(v, &r));
}

TEST_F(vm, interrupt_window_and_injection)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint16_t ivt[2] = { IRQ_HANDLER, 0 };

	memcpy(self->t.mem + IRQ_VECTOR * 4, ivt, sizeof(ivt));
	test_vm_load(&self->t, IRQ_HANDLER, guest_irq_handler16,
		     SNIPPET_SIZE(guest_irq_handler16));
	LOAD_SNIPPET(&self->t, guest_irq16);
	set_stack(_metadata, v, 0x7000);

	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x51, 1);
	EXPECT_EQ(0, v->run->if_flag);
	EXPECT_EQ(0, v->run->ready_for_interrupt_injection);
	v->run->request_interrupt_window = 1;
	RUN_EXPECT(v, LVMM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	v->run->request_interrupt_window = 0;
	ASSERT_EQ(0, lvmm_interrupt(v, IRQ_VECTOR));
	EXPECT_EQ(-EBUSY, lvmm_interrupt(v, IRQ_VECTOR));
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x52, 1);
	EXPECT_EQ(0x99, io_data32(v));
	/* IRET returns to the HLT loop. */
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	/* An interrupt queued while halted wakes the handler again. */
	ASSERT_EQ(0, lvmm_interrupt(v, IRQ_VECTOR));
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x52, 1);
}

/* The interrupt frame would land outside RAM: no instruction to emulate. */
TEST_F(vm, interrupt_frame_in_mmio)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint16_t ivt[2] = { IRQ_HANDLER, 0 };

	memcpy(self->t.mem + IRQ_VECTOR * 4, ivt, sizeof(ivt));
	LOAD_SNIPPET(&self->t, guest_irq16);
	set_stack(_metadata, v, 0);	/* the push wraps to 0xfffe: no slot there */
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x51, 1);
	ASSERT_EQ(0, lvmm_interrupt(v, IRQ_VECTOR));
	RUN_EXPECT(v, LVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(LVMM_INTERNAL_ERROR_DELIVERY, v->run->internal.suberror);
	EXPECT_EQ(0xfffe, v->run->internal.data[1] & ~1ULL);
}

TEST_HARNESS_MAIN
