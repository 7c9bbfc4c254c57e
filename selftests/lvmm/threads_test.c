// SPDX-License-Identifier: GPL-2.0
/* vCPUs in threads: two at once, signals interrupting RUN, and closing
 * the fds while another thread is inside RUN. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "test_util.h"

#define COUNT_LOOPS	200000

struct runner {
	struct lvmm_vcpu *vcpu;
	int ret, err;
	uint32_t exit_reason;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = lvmm_vcpu_run(r->vcpu);
	r->exit_reason = r->vcpu->run->exit_reason;
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void install_sigusr1(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: RUN must return */
}

TEST(two_vcpus_in_parallel)
{
	struct lvmm_vcpu second;
	struct runner r[2];
	pthread_t th[2];
	struct lvmm_regs regs;
	struct test_vm t;
	uint32_t c0, c1;
	int i;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	ASSERT_EQ(0, lvmm_vcpu_create(&t.vm, 1, &second));
	ASSERT_EQ(0, lvmm_vcpu_setup_real_mode(&second, GUEST_CODE));
	LOAD_SNIPPET(&t, guest_count16);
	r[0].vcpu = &t.vcpu;
	r[1].vcpu = &second;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, lvmm_get_regs(r[i].vcpu, &regs));
		regs.rsi = 0x5000 + 4 * i;
		regs.rcx = COUNT_LOOPS;
		ASSERT_EQ(0, lvmm_set_regs(r[i].vcpu, &regs));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, run_thread, &r[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, r[i].ret);
		EXPECT_EQ(LVMM_EXIT_HLT, r[i].exit_reason);
	}
	memcpy(&c0, t.mem + 0x5000, 4);
	memcpy(&c1, t.mem + 0x5004, 4);
	EXPECT_EQ(COUNT_LOOPS, c0);
	EXPECT_EQ(COUNT_LOOPS, c1);
	lvmm_vcpu_destroy(&second);
	test_vm_destroy(&t);
}

TEST(signal_interrupts_run_and_guest_resumes)
{
	uint64_t counts[2];
	struct lvmm_regs regs;
	struct runner r = { 0 };
	struct test_vm t;
	pthread_t th;
	int i;

	install_sigusr1();
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_spin16);
	r.vcpu = &t.vcpu;
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &r));
		usleep(300 * 1000);
		pthread_kill(th, SIGUSR1);
		pthread_join(th, NULL);
		ASSERT_EQ(-EINTR, r.ret);
		ASSERT_EQ(LVMM_EXIT_INTR, r.exit_reason);
		ASSERT_EQ(0, lvmm_get_regs(&t.vcpu, &regs));
		/* Still inside the two-instruction loop. */
		EXPECT_GE(regs.rip, GUEST_CODE);
		EXPECT_LT(regs.rip, GUEST_CODE + SNIPPET_SIZE(guest_spin16));
		counts[i] = regs.rbx & 0xffffffff;
	}
	EXPECT_GT(counts[0], 0);
	EXPECT_GT(counts[1], counts[0]);
	test_vm_destroy(&t);
}

TEST(immediate_exit)
{
	struct test_vm t;

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_hlt16);
	t.vcpu.run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, lvmm_vcpu_run(&t.vcpu));
	t.vcpu.run->immediate_exit = 0;
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&t);
}

/* The fds go away under a running vCPU; the signal then ends RUN. */
TEST(close_fds_while_running)
{
	struct runner r = { 0 };
	struct test_vm t, again;
	pthread_t th;

	install_sigusr1();
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	LOAD_SNIPPET(&t, guest_spin16);
	r.vcpu = &t.vcpu;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &r));
	usleep(200 * 1000);
	close(t.vcpu.fd);
	close(t.vm.vm_fd);
	close(t.vm.sys_fd);
	usleep(100 * 1000);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	munmap(t.vcpu.run, t.vcpu.run_size);
	lvmm_free_guest_mem(t.mem, t.mem_size);

	/* lvmm still works. */
	ASSERT_EQ(0, test_vm_create(&again, GUEST_RAM));
	LOAD_SNIPPET(&again, guest_hlt16);
	RUN_EXPECT(&again.vcpu, LVMM_EXIT_HLT);
	test_vm_destroy(&again);
}

TEST_HARNESS_MAIN
