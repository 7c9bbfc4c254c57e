// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC (LVMM_CAP_IRQCHIP): its ioctls, and a guest
 * that arms the timer in each mode or waits for an MSI, then HLTs: the
 * vCPU must sleep in the kernel (RUN does not return at the HLT) until
 * the interrupt, which the guest counts and EOIs.
 */
#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "test_util.h"

#define HANDLER		0x2000
#define COUNT		0x500
#define WANT		0x502
#define LVT_TIMER	0x504
#define INITIAL_COUNT	0x508
#define TSC_DELTA	0x510
#define LVT_MASKED	(1U << 16)
#define LVT_PERIODIC	(1U << 17)
#define LVT_DEADLINE	(2U << 17)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

FIXTURE(apic) {
	struct test_vm t;
};

/* Like test_vm_create(), with LVMM_CREATE_IRQCHIP before the vCPU. */
FIXTURE_SETUP(apic)
{
	struct test_vm *t = &self->t;
	uint16_t *ivt;

	memset(t, 0, sizeof(*t));
	t->mem_size = GUEST_RAM;
	t->mem = lvmm_alloc_guest_mem(GUEST_RAM);
	ASSERT_NE(NULL, t->mem);
	ASSERT_EQ(0, lvmm_vm_create(&t->vm));
	ASSERT_EQ(1, lvmm_check_extension(&t->vm, LVMM_CAP_IRQCHIP));
	ASSERT_EQ(0, lvmm_create_irqchip(&t->vm));
	ASSERT_EQ(0, lvmm_set_region(&t->vm, 0, 0, 0, GUEST_RAM, t->mem));
	ASSERT_EQ(0, lvmm_vcpu_create(&t->vm, 0, &t->vcpu));
	ASSERT_EQ(0, lvmm_vcpu_setup_real_mode(&t->vcpu, GUEST_CODE));
	LOAD_SNIPPET(t, guest_apic16);
	test_vm_load(t, HANDLER, guest_apic_handler16, SNIPPET_SIZE(guest_apic_handler16));
	/* Real-mode IVT: vectors 0x40 and 0x41 -> 0000:HANDLER. */
	ivt = (uint16_t *)t->mem;
	ivt[0x40 * 2] = ivt[0x41 * 2] = HANDLER;
	ivt[0x40 * 2 + 1] = ivt[0x41 * 2 + 1] = 0;
}

FIXTURE_TEARDOWN(apic)
{
	test_vm_destroy(&self->t);
}

static void arm(struct test_vm *t, uint8_t want, uint32_t lvt, uint32_t count, uint32_t tsc_delta)
{
	t->mem[WANT] = want;
	memcpy(t->mem + LVT_TIMER, &lvt, 4);
	memcpy(t->mem + INITIAL_COUNT, &count, 4);
	memcpy(t->mem + TSC_DELTA, &tsc_delta, 4);
}

/*
 * Time from before the guest arms its timer (the RUN that ends at its
 * "armed" OUT) to its report: at least the programmed time.
 */
#define RUN_TIMED(v, ms) do {							\
	double t0_ = now_ms();							\
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x51, 1);				\
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x50, 1);				\
	(ms) = now_ms() - t0_;							\
} while (0)

TEST_F(apic, oneshot_timer_wakes_hlt)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	double ms;

	arm(&self->t, 1, 0x40, 20 * 1000 * 1000, 0);	/* 20 ms at 1 GHz */
	RUN_TIMED(v, ms);
	EXPECT_EQ(1, io_data32(v));
	EXPECT_GE(ms, 20.0);
	TH_LOG("one-shot 20 ms timer fired after %.1f ms", ms);
	/* Then HLT with interrupts off: that one does come to userspace. */
	RUN_EXPECT(v, LVMM_EXIT_HLT);
}

TEST_F(apic, periodic_timer)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	double ms;

	arm(&self->t, 5, 0x40 | LVT_PERIODIC, 5 * 1000 * 1000, 0);
	RUN_TIMED(v, ms);
	/* A host that delays the vCPU may let one more period end before CLI. */
	EXPECT_GE(io_data32(v), 5);
	EXPECT_LE(io_data32(v), (uint32_t)(ms / 5) + 1);
	EXPECT_GE(ms, 25.0);
	TH_LOG("5 periods of 5 ms took %.1f ms", ms);
}

TEST_F(apic, tsc_deadline_timer)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	int khz = lvmm_get_tsc_khz(&self->t.vm);
	double ms;

	ASSERT_GT(khz, 0);
	arm(&self->t, 1, 0x40 | LVT_DEADLINE, 0, (uint32_t)khz * 20);	/* now + 20 ms */
	RUN_TIMED(v, ms);
	EXPECT_EQ(1, io_data32(v));
	EXPECT_GE(ms, 20.0);
	TH_LOG("TSC deadline 20 ms ahead fired after %.1f ms (tsc %d kHz)", ms, khz);
}

struct msi_sender {
	struct lvmm_vm *vm;
	uint32_t address, data;
	int delivered;
};

static void *send_msi_later(void *arg)
{
	struct msi_sender *s = arg;

	usleep(50 * 1000);
	s->delivered = lvmm_signal_msi(s->vm, s->address, s->data);
	return NULL;
}

TEST_F(apic, msi_wakes_hlt)
{
	struct lvmm_vcpu *v = &self->t.vcpu;
	struct msi_sender s = { .vm = &self->t.vm, .address = 0xfee00000, .data = 0x41 };
	pthread_t th;
	double ms;

	arm(&self->t, 1, 0x40 | LVT_MASKED, 0, 0);
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x51, 1);
	ms = now_ms();
	ASSERT_EQ(0, pthread_create(&th, NULL, send_msi_later, &s));
	RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, 0x50, 1);
	ms = now_ms() - ms;
	pthread_join(th, NULL);
	EXPECT_EQ(1, s.delivered);
	EXPECT_EQ(1, io_data32(v));
	EXPECT_GE(ms, 50.0);
	/* Nobody has APIC id 5. */
	EXPECT_EQ(0, lvmm_signal_msi(&self->t.vm, 0xfee05000, 0x41));
}

/*
 * An NMI IPI to itself runs the vector 2 handler; a second one sent from
 * inside that handler waits for its IRET (NMIs block NMIs), then runs.
 */
TEST_F(apic, nmi_ipi_blocked_until_iret)
{
	static const struct { uint16_t port; uint8_t count; } order[] = {
		{ 0x54, 1 }, { 0x55, 1 }, { 0x54, 2 }, { 0x55, 2 }, { 0x56, 2 },
	};
	struct lvmm_vcpu *v = &self->t.vcpu;
	uint16_t *ivt = (uint16_t *)self->t.mem;
	struct lvmm_vcpu_stats st;
	unsigned int i;

	LOAD_SNIPPET(&self->t, guest_nmi16);
	test_vm_load(&self->t, HANDLER, guest_nmi_handler16, SNIPPET_SIZE(guest_nmi_handler16));
	ivt[2 * 2] = HANDLER;
	ivt[2 * 2 + 1] = 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		RUN_EXPECT_IO(v, LVMM_EXIT_IO_OUT, order[i].port, 1);
		EXPECT_EQ(order[i].count, io_data32(v) & 0xff);
	}
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_vcpu_stats(v, &st));
	EXPECT_EQ(2, st.value[LVMM_STAT_NMI_INJECTED]);
}

TEST_F(apic, ioctl_errors)
{
	struct lvmm_msi msi = { .address_lo = 0xfee00000, .data = 0x41 };
	struct lvmm_vm *vm = &self->t.vm;

	EXPECT_EQ(-EEXIST, lvmm_create_irqchip(vm));
	EXPECT_EQ(0, lvmm_check_extension(vm, 9999));
	msi.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(vm->vm_fd, LVMM_SIGNAL_MSI, &msi));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, lvmm_signal_msi(vm, 0xfed00000, 0x41));	/* not the MSI window */
	EXPECT_EQ(-EINVAL, lvmm_signal_msi(vm, 0xfee00000, 0x441));	/* NMI delivery */
	EXPECT_EQ(-EINVAL, lvmm_signal_msi(vm, 0xfee00000, 0x8041));	/* level triggered */
	EXPECT_EQ(-EINVAL, lvmm_signal_msi(vm, 0xfee00000, 0x05));	/* reserved vector */
}

TEST(irqchip_needs_no_vcpus_yet)
{
	struct test_vm t;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	EXPECT_EQ(-EBUSY, lvmm_create_irqchip(&t.vm));
	/* Without an irqchip there is nobody to take an MSI. */
	EXPECT_EQ(-ENXIO, lvmm_signal_msi(&t.vm, 0xfee00000, 0x41));
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
