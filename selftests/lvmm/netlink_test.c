// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "lvmm": names and the VM listing across
 * processes, pause and resume of a running guest, access control for a
 * non-root user, events in order (also before a request's answer), and
 * malformed requests.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "kselftest_harness.h"
#include "test_util.h"
#include "lvmm_nl.h"

#define OTHER_UID	1000
#define COUNTER		0x5000

static int find_by_name(const struct lvmm_nl_vm *vm, void *arg)
{
	struct lvmm_nl_vm *want = arg;

	if (strcmp(vm->name, want->name) || vm->owner_pid != want->owner_pid)
		return 0;
	*want = *vm;
	return 1;
}

/* The id of this process's VM called @name, or 0. */
static uint32_t vm_id_of(struct lvmm_nl *nl, const char *name)
{
	struct lvmm_nl_vm want = { .owner_pid = getpid() };

	snprintf(want.name, sizeof(want.name), "%s", name);
	if (lvmm_nl_list_vms(nl, find_by_name, &want) < 0)
		return 0;
	return want.id;
}

static int count_pid(const struct lvmm_nl_vm *vm, void *arg)
{
	int *n = arg;

	if (vm->owner_pid == (uint32_t)n[0])
		n[1]++;
	return 0;
}

/* How many VMs the listing shows for @pid. */
static int vms_of(struct lvmm_nl *nl, pid_t pid)
{
	int n[2] = { pid, 0 };

	return lvmm_nl_list_vms(nl, count_pid, n) < 0 ? -1 : n[1];
}

static void named_vm(struct __test_metadata *_metadata, struct test_vm *t, const char *name)
{
	ASSERT_EQ(0, test_vm_create(t, GUEST_RAM));
	ASSERT_EQ(0, lvmm_set_vm_name(&t->vm, name));
}

static void become_other_user(void)
{
	if (setresgid(OTHER_UID, OTHER_UID, OTHER_UID) || setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
		_exit(90);
}

/* A VM made by the caller's uid through an fd of /dev/lvmm opened before. */
static int create_vm_on(int sys_fd)
{
	return ioctl(sys_fd, LVMM_CREATE_VM, 0);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

TEST(name_and_description)
{
	struct lvmm_vm_name bad = { { 0 } };
	struct lvmm_nl_vm vm;
	struct lvmm_nl *nl;
	struct test_vm t;
	uint32_t id;

	nl = lvmm_nl_open();
	ASSERT_NE(NULL, nl) TH_LOG("lvmm_nl_open: %s", strerror(errno));
	named_vm(_metadata, &t, "nl-desc");
	id = vm_id_of(nl, "nl-desc");
	ASSERT_NE(0, id);

	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm)) TH_LOG("%s", lvmm_nl_error(nl));
	EXPECT_STREQ("nl-desc", vm.name);
	EXPECT_EQ(getpid(), vm.owner_pid);
	EXPECT_EQ(geteuid(), vm.owner_uid);
	EXPECT_EQ(1, vm.vcpus);
	EXPECT_EQ(1, vm.slots);
	EXPECT_EQ(GUEST_RAM, vm.mem_bytes);
	EXPECT_EQ(0, vm.mem_mapped);
	EXPECT_EQ(LVMM_VM_CREATED, vm.state);
	EXPECT_STREQ(cpu_is_intel() ? "vmx" : "svm", vm.backend);
	EXPECT_EQ('/', vm.owner_cgroup[0]) TH_LOG("cgroup '%s'", vm.owner_cgroup);
	EXPECT_LT(time(NULL) - 60, (time_t)(vm.created_ns / 1000000000ULL));

	/* The guest touches its code page and stops: running, memory mapped. */
	LOAD_SNIPPET(&t, guest_hlt16);
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_HLT);
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_EQ(LVMM_VM_RUNNING, vm.state);
	EXPECT_LE(4096, vm.mem_mapped);
	EXPECT_GE(GUEST_RAM, vm.mem_mapped);

	/* Renaming is allowed; bad names are not. */
	ASSERT_EQ(0, lvmm_set_vm_name(&t.vm, "nl-desc.2_x"));
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_STREQ("nl-desc.2_x", vm.name);
	EXPECT_EQ(-EINVAL, lvmm_set_vm_name(&t.vm, ""));
	EXPECT_EQ(-EINVAL, lvmm_set_vm_name(&t.vm, "a b"));
	EXPECT_EQ(-EINVAL, lvmm_set_vm_name(&t.vm, "a/b"));
	memset(bad.name, 'a', sizeof(bad.name));
	EXPECT_EQ(-1, ioctl(t.vm.vm_fd, LVMM_SET_VM_NAME, &bad));
	EXPECT_EQ(EINVAL, errno);
	memset(bad.name, 0, sizeof(bad.name));
	bad.name[0] = 'a';
	bad.name[10] = 'b';	/* junk after the NUL */
	EXPECT_EQ(-1, ioctl(t.vm.vm_fd, LVMM_SET_VM_NAME, &bad));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_STREQ("nl-desc.2_x", vm.name);

	test_vm_destroy(&t);
	EXPECT_EQ(-ENOENT, lvmm_nl_get_vm(nl, id, &vm));
	lvmm_nl_close(nl);
}

TEST(dump_with_vms_of_two_processes)
{
	int ready[2], done[2], status;
	struct lvmm_nl *nl;
	struct test_vm t;
	pid_t child;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct test_vm a, b;

		if (test_vm_create(&a, GUEST_RAM) || test_vm_create(&b, GUEST_RAM) ||
		    lvmm_set_vm_name(&a.vm, "nl-child-a") || lvmm_set_vm_name(&b.vm, "nl-child-b"))
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	named_vm(_metadata, &t, "nl-parent");
	ASSERT_EQ(1, read(ready[0], &c, 1));
	nl = lvmm_nl_open();
	ASSERT_NE(NULL, nl);
	EXPECT_EQ(2, vms_of(nl, child));
	EXPECT_EQ(1, vms_of(nl, getpid()));
	EXPECT_NE(0, vm_id_of(nl, "nl-parent"));

	/* The child exits: its VMs go with its fds. */
	ASSERT_EQ(1, write(done[1], "d", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, vms_of(nl, child));
	EXPECT_EQ(1, vms_of(nl, getpid()));
	test_vm_destroy(&t);
	EXPECT_EQ(0, vms_of(nl, getpid()));
	lvmm_nl_close(nl);
}

struct runner {
	struct lvmm_vcpu *vcpu;
	int ret;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = lvmm_vcpu_run(r->vcpu);
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static volatile uint32_t *counter(struct test_vm *t)
{
	return (volatile uint32_t *)(t->mem + COUNTER);
}

/* The guest's counter moves within @ms. */
static int counter_moves(struct test_vm *t, int ms)
{
	uint32_t before = *counter(t);
	int i;

	for (i = 0; i < ms / 10; i++) {
		sleep_ms(10);
		if (*counter(t) != before)
			return 1;
	}
	return 0;
}

TEST(pause_and_resume)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct lvmm_nl_vcpu_stats st[2];
	struct lvmm_regs regs;
	struct lvmm_nl_vm vm;
	struct runner r;
	struct lvmm_nl *nl;
	struct test_vm t;
	pthread_t th;
	uint64_t exits;
	uint32_t id;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: RUN returns EINTR */
	nl = lvmm_nl_open();
	ASSERT_NE(NULL, nl);
	named_vm(_metadata, &t, "nl-pause");
	id = vm_id_of(nl, "nl-pause");
	ASSERT_NE(0, id);
	LOAD_SNIPPET(&t, guest_count16);
	ASSERT_EQ(0, lvmm_get_regs(&t.vcpu, &regs));
	regs.rsi = COUNTER;
	regs.rcx = 0xffffffff;	/* counts for minutes */
	ASSERT_EQ(0, lvmm_set_regs(&t.vcpu, &regs));

	EXPECT_EQ(-EALREADY, lvmm_nl_pause(nl, id, false));
	r.vcpu = &t.vcpu;
	ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &r));
	ASSERT_TRUE(counter_moves(&t, 20000));

	ASSERT_EQ(0, lvmm_nl_pause(nl, id, true)) TH_LOG("%s", lvmm_nl_error(nl));
	EXPECT_EQ(-EALREADY, lvmm_nl_pause(nl, id, true));
	EXPECT_STREQ("the VM is already paused", lvmm_nl_error(nl));
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_EQ(LVMM_VM_PAUSED, vm.state);
	/* Paused: the guest executes nothing, statistics still read. */
	EXPECT_FALSE(counter_moves(&t, 500));
	ASSERT_EQ(1, lvmm_nl_get_stats(nl, id, st, 2));
	exits = st[0].stat[LVMM_STAT_EXITS];
	EXPECT_EQ(LVMM_STAT_NR, st[0].count);

	/* A signal still ends RUN; a new RUN waits for the resume. */
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(LVMM_EXIT_INTR, t.vcpu.run->exit_reason);
	ASSERT_EQ(0, pthread_create(&th, NULL, run_thread, &r));
	EXPECT_FALSE(counter_moves(&t, 500));

	ASSERT_EQ(0, lvmm_nl_pause(nl, id, false)) TH_LOG("%s", lvmm_nl_error(nl));
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_EQ(LVMM_VM_RUNNING, vm.state);
	EXPECT_TRUE(counter_moves(&t, 20000));

	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-EINTR, r.ret);
	/* The guest resumed where it was: the count went on, no reset. */
	ASSERT_EQ(0, lvmm_get_regs(&t.vcpu, &regs));
	/* Stopped between the increment and the loop's DEC: one ahead. */
	EXPECT_GE(1, *counter(&t) - (0xffffffffu - (uint32_t)regs.rcx));
	ASSERT_EQ(1, lvmm_nl_get_stats(nl, id, st, 2));
	EXPECT_EQ(0, st[0].vcpu_id);
	EXPECT_LT(exits, st[0].stat[LVMM_STAT_EXITS]);
	EXPECT_LT(0, st[0].guest_ns);
	EXPECT_LT(0, st[0].lvmm_ns);
	test_vm_destroy(&t);
	lvmm_nl_close(nl);
}

/* As uid 1000 (with an fd of /dev/lvmm from before), in a child: 0 if all held. */
static int other_user_checks(uint32_t root_vm, int sys_fd)
{
	struct lvmm_nl_vcpu_stats st;
	struct lvmm_nl_vm vm;
	struct lvmm_nl *nl;
	int vm_fd;

	become_other_user();
	nl = lvmm_nl_open();
	if (!nl)
		return 10;
	if (vms_of(nl, getppid()) != 0)
		return 11;	/* root's VM is not listed */
	if (lvmm_nl_get_vm(nl, root_vm, &vm) != -ENOENT ||
	    lvmm_nl_get_stats(nl, root_vm, &st, 1) != -ENOENT)
		return 12;
	if (lvmm_nl_pause(nl, root_vm, true) != -EPERM ||
	    lvmm_nl_pause(nl, root_vm, false) != -EPERM)
		return 13;
	vm_fd = create_vm_on(sys_fd);
	if (vm_fd < 0)
		return 14;
	if (vms_of(nl, getpid()) != 1)
		return 15;	/* its own is */
	lvmm_nl_close(nl);
	pause();	/* until the parent has looked */
	return 0;
}

TEST(access_control)
{
	struct lvmm_nl_vm vm;
	struct lvmm_nl *nl;
	struct test_vm t;
	int sys_fd, status, i;
	uint32_t id;
	pid_t child;

	nl = lvmm_nl_open();
	ASSERT_NE(NULL, nl);
	named_vm(_metadata, &t, "nl-root");
	id = vm_id_of(nl, "nl-root");
	ASSERT_NE(0, id);
	sys_fd = open(lvmm_dev_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, sys_fd);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(other_user_checks(id, sys_fd));
	close(sys_fd);

	/* Root sees the other user's VM, owned by uid 1000. */
	for (i = 0; i < 500 && vms_of(nl, child) != 1; i++)
		sleep_ms(10);
	ASSERT_EQ(1, vms_of(nl, child)) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		TH_LOG("child exited with %d", WEXITSTATUS(status));
	}
	kill(child, SIGTERM);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_EQ(LVMM_VM_CREATED, vm.state);	/* the pause attempts changed nothing */
	test_vm_destroy(&t);
	lvmm_nl_close(nl);
}

/* The next event of VM @id on @nl, skipping other VMs' (10 s at most). */
static int next_event_of(struct lvmm_nl *nl, uint32_t id, struct lvmm_nl_event *ev)
{
	int ret;

	do {
		ret = lvmm_nl_next_event(nl, ev, 10000);
	} while (ret == 1 && id && ev->vm_id != id);
	return ret;
}

#define EXPECT_EVENT(nl, id, type, vcpu) do {					\
	struct lvmm_nl_event ev_;						\
	ASSERT_EQ(1, next_event_of(nl, id, &ev_));				\
	EXPECT_STREQ(lvmm_nl_event_name(type), lvmm_nl_event_name(ev_.event));	\
	EXPECT_EQ((vcpu), ev_.vcpu_id);						\
	EXPECT_EQ(getpid(), ev_.owner_pid);					\
	EXPECT_EQ(geteuid(), ev_.owner_uid);					\
} while (0)

TEST(events_in_order)
{
	struct lvmm_nl *nl, *sub, *grp;
	struct lvmm_nl_event ev;
	struct lvmm_sregs s;
	struct test_vm t;
	uint32_t id;

	nl = lvmm_nl_open();
	sub = lvmm_nl_open();
	grp = lvmm_nl_open();
	ASSERT_NE(NULL, nl);
	ASSERT_NE(NULL, sub);
	ASSERT_NE(NULL, grp);
	ASSERT_EQ(0, lvmm_nl_subscribe(sub));
	ASSERT_EQ(0, lvmm_nl_join_events(grp));

	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	/* The first event carries the id: it is how a listener learns it. */
	ASSERT_EQ(1, next_event_of(sub, 0, &ev));
	EXPECT_EQ(LVMM_EVENT_CREATED, ev.event);
	id = ev.vm_id;
	EXPECT_EQ(getpid(), ev.owner_pid);
	ASSERT_EQ(0, lvmm_set_vm_name(&t.vm, "nl-events"));
	EXPECT_EQ(id, vm_id_of(nl, "nl-events"));
	EXPECT_EVENT(grp, id, LVMM_EVENT_CREATED, -1);

	ASSERT_EQ(0, lvmm_nl_pause(nl, id, true));
	ASSERT_EQ(0, lvmm_nl_pause(nl, id, false));
	LOAD_SNIPPET(&t, guest_int3_16);
	ASSERT_EQ(0, lvmm_get_sregs(&t.vcpu, &s));
	s.idt.limit = 0;	/* #BP with no IDT: a triple fault */
	ASSERT_EQ(0, lvmm_set_sregs(&t.vcpu, &s));
	RUN_EXPECT(&t.vcpu, LVMM_EXIT_SHUTDOWN);
	test_vm_destroy(&t);

	EXPECT_EVENT(sub, id, LVMM_EVENT_PAUSED, -1);
	EXPECT_EVENT(sub, id, LVMM_EVENT_RESUMED, -1);
	EXPECT_EVENT(sub, id, LVMM_EVENT_SHUTDOWN, 0);
	EXPECT_EVENT(sub, id, LVMM_EVENT_DESTROYED, -1);
	EXPECT_EVENT(grp, id, LVMM_EVENT_PAUSED, -1);
	EXPECT_EVENT(grp, id, LVMM_EVENT_RESUMED, -1);
	EXPECT_EVENT(grp, id, LVMM_EVENT_SHUTDOWN, 0);
	ASSERT_EQ(1, next_event_of(grp, id, &ev));
	EXPECT_EQ(LVMM_EVENT_DESTROYED, ev.event);
	EXPECT_STREQ("nl-events", ev.name);
	lvmm_nl_close(grp);
	lvmm_nl_close(sub);
	lvmm_nl_close(nl);
}

/*
 * A request on a subscribed socket while an event waits there: the event
 * comes before the request's answer, and neither is lost (vmctl events
 * subscribed while VMs were being created and failed with EIO).
 */
TEST(request_behind_an_event)
{
	struct lvmm_nl_event ev;
	struct lvmm_nl *sub;
	struct test_vm t;
	uint32_t id;

	sub = lvmm_nl_open();
	ASSERT_NE(NULL, sub);
	ASSERT_EQ(0, lvmm_nl_subscribe(sub));
	ASSERT_EQ(0, test_vm_create(&t, GUEST_RAM));
	ASSERT_EQ(0, lvmm_set_vm_name(&t.vm, "nl-behind"));
	id = vm_id_of(sub, "nl-behind");
	EXPECT_NE(0, id);
	ASSERT_EQ(1, next_event_of(sub, 0, &ev));
	EXPECT_EQ(LVMM_EVENT_CREATED, ev.event);
	EXPECT_EQ(id, ev.vm_id);
	test_vm_destroy(&t);
	ASSERT_EQ(1, next_event_of(sub, id, &ev));
	EXPECT_EQ(LVMM_EVENT_DESTROYED, ev.event);
	lvmm_nl_close(sub);
}

/* uid 1000's subscriber gets its own VMs' events, not root's; no group for it. */
TEST(events_of_own_vms_only)
{
	int go[2], ready[2], sys_fd, status;
	struct test_vm t;
	pid_t child;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	sys_fd = open(lvmm_dev_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, sys_fd);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct lvmm_nl_event ev;
		struct lvmm_nl *sub;
		int vm_fd;

		become_other_user();
		sub = lvmm_nl_open();
		if (!sub || lvmm_nl_subscribe(sub))
			_exit(10);
		if (lvmm_nl_join_events(sub) != -EPERM)
			_exit(11);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(12);
		/* Root's VM came and went; now one of ours. */
		vm_fd = create_vm_on(sys_fd);
		if (vm_fd < 0)
			_exit(13);
		if (lvmm_nl_next_event(sub, &ev, 10000) != 1)
			_exit(14);
		if (ev.event != LVMM_EVENT_CREATED || ev.owner_uid != OTHER_UID)
			_exit(15);
		close(vm_fd);
		if (lvmm_nl_next_event(sub, &ev, 10000) != 1 || ev.event != LVMM_EVENT_DESTROYED)
			_exit(16);
		_exit(0);
	}
	close(sys_fd);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	named_vm(_metadata, &t, "nl-root-only");
	test_vm_destroy(&t);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A request with @attr of @len bytes (type @type) on GET_VM: the kernel's answer. */
static int get_vm_with(struct lvmm_nl *nl, int type, const void *data, int len)
{
	struct nl_msg *msg = lvmm_nl_msg(nl, LVMM_CMD_GET_VM, 0);

	if (!msg || nla_put(msg, type, len, data) < 0)
		return -ENOMEM;
	return lvmm_nl_transact(nl, msg);
}

TEST(malformed_requests)
{
	struct { struct nlattr a; uint32_t v; } truncated = {
		{ .nla_len = 64, .nla_type = LVMM_ATTR_VM_ID }, 1 };
	struct { struct nlattr a; uint32_t v; } good = {
		{ .nla_len = 8, .nla_type = LVMM_ATTR_VM_ID }, 0 };
	uint64_t wide = 1;
	uint8_t narrow = 1;
	struct lvmm_nl_vm vm;
	struct nl_msg *msg;
	struct lvmm_nl *nl;
	struct test_vm t;
	uint32_t id;

	nl = lvmm_nl_open();
	ASSERT_NE(NULL, nl);
	named_vm(_metadata, &t, "nl-malformed");
	id = vm_id_of(nl, "nl-malformed");
	ASSERT_NE(0, id);
	good.v = id;

	EXPECT_EQ(-EINVAL, lvmm_nl_transact(nl, lvmm_nl_msg(nl, LVMM_CMD_GET_VM, 0)));
	EXPECT_STREQ("LVMM_ATTR_VM_ID is required", lvmm_nl_error(nl));
	EXPECT_EQ(-EINVAL, lvmm_nl_transact(nl, lvmm_nl_msg(nl, LVMM_CMD_PAUSE_VM, 0)));
	EXPECT_EQ(-EINVAL, get_vm_with(nl, LVMM_ATTR_VM_ID, &narrow, 1));
	EXPECT_EQ(-EINVAL, get_vm_with(nl, LVMM_ATTR_VM_ID, &wide, 8));
	/* Attributes the request does not take, known or not. */
	EXPECT_EQ(-EINVAL, get_vm_with(nl, LVMM_ATTR_VM_NAME, "x", 2));
	EXPECT_EQ(-EINVAL, get_vm_with(nl, LVMM_ATTR_MAX + 20, &id, 4));
	EXPECT_EQ(-EINVAL, get_vm_with(nl, 0, &id, 4));
	msg = lvmm_nl_msg(nl, LVMM_CMD_SUBSCRIBE, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, LVMM_ATTR_VM_ID, id));
	EXPECT_EQ(-EINVAL, lvmm_nl_transact(nl, msg));
	/* Broken framing: an attribute longer than the message, reserved bytes. */
	EXPECT_EQ(-EINVAL, lvmm_nl_transact_raw(nl, LVMM_CMD_GET_VM, &truncated,
						sizeof(truncated), 0));
	EXPECT_EQ(-EINVAL, lvmm_nl_transact_raw(nl, LVMM_CMD_GET_VM, &good, sizeof(good), 1));
	/* Commands the family does not have (genetlink answers for it). */
	EXPECT_EQ(-EOPNOTSUPP, lvmm_nl_transact_raw(nl, 99, &good, sizeof(good), 0));
	EXPECT_EQ(-EOPNOTSUPP, lvmm_nl_transact_raw(nl, LVMM_CMD_EVENT, &good, sizeof(good), 0));
	EXPECT_EQ(-EOPNOTSUPP, lvmm_nl_transact_raw(nl, LVMM_CMD_UNSPEC, &good, sizeof(good), 0));
	EXPECT_EQ(-ENOENT, lvmm_nl_get_vm(nl, 0xfffffff0u, &vm));

	/* The same request, well formed, still works. */
	EXPECT_EQ(0, lvmm_nl_transact_raw(nl, LVMM_CMD_GET_VM, &good, sizeof(good), 0));
	ASSERT_EQ(0, lvmm_nl_get_vm(nl, id, &vm));
	EXPECT_STREQ("nl-malformed", vm.name);
	test_vm_destroy(&t);
	lvmm_nl_close(nl);
}

TEST_HARNESS_MAIN
