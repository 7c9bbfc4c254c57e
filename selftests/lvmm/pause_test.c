// SPDX-License-Identifier: GPL-2.0
/*
 * Spinning PAUSE loops (LVMM_CAP_PAUSE_EXITS): they exit, the loop still
 * runs to its end, and the spinner gives its CPU to a preempted sibling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "test_util.h"

#define SPIN_PAUSES	1000000
#define SIBLING_CODE	0x2000

static void spin_pauses(struct __test_metadata *_metadata, struct lvmm_vcpu *v)
{
	struct lvmm_regs regs;

	ASSERT_EQ(0, lvmm_get_regs(v, &regs));
	regs.rcx = SPIN_PAUSES;
	ASSERT_EQ(0, lvmm_set_regs(v, &regs));
	RUN_EXPECT(v, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_get_regs(v, &regs));
	/* Every PAUSE ran once: an exit skips it, the loop goes on. */
	EXPECT_EQ(0, regs.rcx & 0xffffffff);
}

TEST(pause_loop_exits)
{
	struct lvmm_vcpu_stats st;
	struct test_vm t;
	int cap;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	cap = lvmm_check_extension(&t.vm, LVMM_CAP_PAUSE_EXITS);
	ASSERT_GE(cap, 0);
	LOAD_SNIPPET(&t, guest_pause16);
	spin_pauses(_metadata, &t.vcpu);
	ASSERT_EQ(0, lvmm_get_vcpu_stats(&t.vcpu, &st));
	TH_LOG("LVMM_CAP_PAUSE_EXITS %d: %llu pause exits in %d PAUSEs", cap,
	       (unsigned long long)st.value[LVMM_STAT_PAUSE], SPIN_PAUSES);
	if (cap) {
		EXPECT_GT(st.value[LVMM_STAT_PAUSE], 0);
	} else {
		EXPECT_EQ(0, st.value[LVMM_STAT_PAUSE]);
	}
	/* Alone in the VM, there is nobody to yield to. */
	EXPECT_EQ(0, st.value[LVMM_STAT_DIRECTED_YIELDS]);
	test_vm_destroy(&t);
}

struct sibling {
	struct lvmm_vcpu vcpu;
	int ret;
};

static void *run_sibling(void *arg)
{
	struct sibling *s = arg;

	s->ret = lvmm_vcpu_run(&s->vcpu);
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/*
 * Both vCPU threads on one host CPU: while vCPU 0 spins, vCPU 1 is
 * runnable but preempted, the case of a lock holder the spinner waits for.
 */
TEST(pause_yields_to_preempted_sibling)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct sibling s = { 0 };
	struct lvmm_vcpu_stats st;
	struct test_vm t;
	cpu_set_t one;
	pthread_t th;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	if (lvmm_check_extension(&t.vm, LVMM_CAP_PAUSE_EXITS) <= 0) {
		test_vm_destroy(&t);
		SKIP(return, "this CPU has no PAUSE-loop exiting or pause filter (LVMM_CAP_PAUSE_EXITS 0)");
	}
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: RUN must return */

	LOAD_SNIPPET(&t, guest_pause16);
	test_vm_load(&t, SIBLING_CODE, guest_spin16, SNIPPET_SIZE(guest_spin16));
	ASSERT_EQ(0, lvmm_vcpu_create(&t.vm, 1, &s.vcpu));
	ASSERT_EQ(0, lvmm_vcpu_setup_real_mode(&s.vcpu, SIBLING_CODE));
	/* The thread inherits the affinity: it shares the CPU. */
	ASSERT_EQ(0, pthread_create(&th, NULL, run_sibling, &s));
	usleep(50 * 1000);

	spin_pauses(_metadata, &t.vcpu);
	ASSERT_EQ(0, lvmm_get_vcpu_stats(&t.vcpu, &st));
	TH_LOG("%llu pause exits, %llu directed yields",
	       (unsigned long long)st.value[LVMM_STAT_PAUSE],
	       (unsigned long long)st.value[LVMM_STAT_DIRECTED_YIELDS]);
	EXPECT_GT(st.value[LVMM_STAT_DIRECTED_YIELDS], 0);
	EXPECT_LE(st.value[LVMM_STAT_DIRECTED_YIELDS], st.value[LVMM_STAT_PAUSE]);

	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-EINTR, s.ret);
	lvmm_vcpu_destroy(&s.vcpu);
	test_vm_destroy(&t);
}

TEST_HARNESS_MAIN
