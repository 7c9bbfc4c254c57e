// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 groups for containers and VMs: create, limit, freeze, kill. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/sched.h>	/* struct clone_args, CLONE_INTO_CGROUP */

#include "cgroup.h"

void cg_limits_init(struct cg_limits *l)
{
	*l = (struct cg_limits){
		.memory_max = -1, .memory_swap_max = -1, .pids_max = -1,
		.cpu_quota = -1, .cpu_period = -1, .cpu_weight = -1,
		.memory_low = -1, .io_weight = -1,
	};
}

static bool is_cgroup2(const char *path)
{
	struct statfs fs;

	return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

int cg_root(char *buf, size_t len)
{
	static const char *const candidates[] = {
		"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
	};
	size_t i;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (is_cgroup2(candidates[i])) {
			snprintf(buf, len, "%s", candidates[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_file(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* Controllers @l needs, as "+memory +pids ..." for cgroup.subtree_control. */
/*
 * Memory, CPU and pids always: every VM and container is accounted (top,
 * memory.current) whether or not it has limits; the others on demand.
 */
static void needed_controllers(const struct cg_limits *l, char *buf, size_t len)
{
	snprintf(buf, len, "+memory +pids +cpu ");
	if (l->cpuset_cpus || l->cpuset_mems)
		strncat(buf, "+cpuset ", len - strlen(buf) - 1);
	if (l->io_weight >= 0)
		strncat(buf, "+io ", len - strlen(buf) - 1);
}

/* Enable each wanted controller separately: one missing must not block the rest. */
static void enable_controllers(const char *dir, const char *wanted)
{
	char copy[128], *tok, *save;

	snprintf(copy, sizeof(copy), "%s", wanted);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		write_file(dir, "cgroup.subtree_control", tok);
}

void cg_self(char *buf, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");

	snprintf(buf, len, "/");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::/", 4))
			continue;
		line[strcspn(line, "\n")] = 0;
		if ((size_t)snprintf(buf, len, "%s", line + 3) >= len)
			snprintf(buf, len, "/");
		break;
	}
	if (f)
		fclose(f);
}

void cg_parent_rel(char *buf, size_t len)
{
	char self[4096], *slash;

	cg_self(self, sizeof(self));
	slash = strrchr(self, '/');
	*slash = 0;	/* "/a/b" -> "/a"; "/a" -> ""; "/" -> "" */
	if ((size_t)snprintf(buf, len, "%s", self + (slash > self)) >= len)
		buf[0] = 0;
}

int cg_create(struct cg *cg, const char *rel, const struct cg_limits *l)
{
	char dir[PATH_MAX], ctl[128];
	const char *p = rel;
	int ret;

	ret = cg_root(dir, sizeof(dir));
	if (ret)
		return ret;
	if (strlen(dir) + strlen(rel) + 2 > sizeof(cg->path))
		return -ENAMETOOLONG;
	needed_controllers(l, ctl, sizeof(ctl));
	/* Each level: enable the controllers in its parent, then mkdir. */
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n) {
			if (ctl[0])
				enable_controllers(dir, ctl);
			snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%.*s", (int)n, p);
			if (mkdir(dir, 0755) && errno != EEXIST)
				return -errno;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	snprintf(cg->path, sizeof(cg->path), "%s", dir);
	return 0;
}

static void skip(char *skipped, size_t len, const char *what)
{
	if (!skipped || !len)
		return;
	if (skipped[0])
		strncat(skipped, ", ", len - strlen(skipped) - 1);
	strncat(skipped, what, len - strlen(skipped) - 1);
}

/* Write one limit; a missing file means the controller is not there. */
static int set_limit(const struct cg *cg, const char *file, const char *val,
		     char *skipped, size_t len)
{
	int ret = write_file(cg->path, file, val);

	if (ret == -ENOENT || ret == -EACCES || ret == -EROFS) {
		skip(skipped, len, file);
		return 0;
	}
	return ret;
}

static void fmt_max(char *buf, size_t len, int64_t v)
{
	if (v < 0 || v == INT64_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

int cg_apply(const struct cg *cg, const struct cg_limits *l, char *skipped, size_t len)
{
	char val[64];
	int ret = 0;

	if (skipped && len)
		skipped[0] = 0;
	if (!ret && l->cpuset_cpus)
		ret = set_limit(cg, "cpuset.cpus", l->cpuset_cpus, skipped, len);
	if (!ret && l->cpuset_mems)
		ret = set_limit(cg, "cpuset.mems", l->cpuset_mems, skipped, len);
	if (!ret && l->memory_max >= 0) {
		fmt_max(val, sizeof(val), l->memory_max);
		ret = set_limit(cg, "memory.max", val, skipped, len);
	}
	if (!ret && l->memory_low >= 0) {
		fmt_max(val, sizeof(val), l->memory_low);
		ret = set_limit(cg, "memory.low", val, skipped, len);
	}
	if (!ret && l->memory_swap_max >= 0) {
		fmt_max(val, sizeof(val), l->memory_swap_max);
		ret = set_limit(cg, "memory.swap.max", val, skipped, len);
	}
	if (!ret && l->pids_max >= 0) {
		fmt_max(val, sizeof(val), l->pids_max);
		ret = set_limit(cg, "pids.max", val, skipped, len);
	}
	if (!ret && (l->cpu_quota >= 0 || l->cpu_period >= 0)) {
		char quota[32];

		fmt_max(quota, sizeof(quota), l->cpu_quota);
		snprintf(val, sizeof(val), "%s %lld", quota,
			 (long long)(l->cpu_period > 0 ? l->cpu_period : 100000));
		ret = set_limit(cg, "cpu.max", val, skipped, len);
	}
	if (!ret && l->cpu_weight >= 0) {
		snprintf(val, sizeof(val), "%lld", (long long)l->cpu_weight);
		ret = set_limit(cg, "cpu.weight", val, skipped, len);
	}
	if (!ret && l->io_weight >= 0) {
		snprintf(val, sizeof(val), "default %lld", (long long)l->io_weight);
		ret = set_limit(cg, "io.weight", val, skipped, len);
	}
	return ret;
}

int cg_read(const struct cg *cg, const char *file, char *buf, size_t len)
{
	return read_file(cg->path, file, buf, len);
}

int cg_attach(const struct cg *cg, pid_t pid)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", (int)pid);
	return write_file(cg->path, "cgroup.procs", val);
}

/*
 * clone3's CLONE_INTO_CGROUP (Linux 5.7) makes the child in the group: a
 * write to cgroup.procs migrates it, which can wait for an RCU grace
 * period under cgroup_threadgroup_rwsem (that write took 10 ms under
 * strace on a 6.1 host). Any failure of clone3 (an older kernel, a seccomp filter
 * that hides it, a group that cannot take the child) falls back to clone
 * and that write, which then says what is wrong.
 */
pid_t cg_clone(const struct cg *cg, unsigned long flags, int *attach_err)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
	pid_t pid = -1;
	int fd = -1;

	*attach_err = 0;
	if (cg)
		fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned int)fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		/* Both sides: no descriptor of the host's hierarchy stays open. */
		close(fd);
		if (pid >= 0)
			return pid;
	}
	pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return -errno;
	if (pid > 0 && cg)
		*attach_err = cg_attach(cg, pid);
	return pid;
}

int cg_freeze(const struct cg *cg, bool frozen)
{
	char buf[256];
	int ret, i;

	ret = write_file(cg->path, "cgroup.freeze", frozen ? "1" : "0");
	if (ret)
		return ret;
	/* Freezing is asynchronous: wait (up to 5 s) until cgroup.events says so. */
	for (i = 0; i < 500; i++) {
		if (read_file(cg->path, "cgroup.events", buf, sizeof(buf)))
			return 0;
		if (strstr(buf, frozen ? "frozen 1" : "frozen 0"))
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return -ETIMEDOUT;
}

int cg_pids(const struct cg *cg, pid_t *pids, int max)
{
	char path[PATH_MAX + 16];
	int n = 0, pid;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (n < max && fscanf(f, "%d", &pid) == 1)
		pids[n++] = pid;
	fclose(f);
	return n;
}

int cg_kill_all(const struct cg *cg, int sig)
{
	pid_t pids[1024];
	int i, n;

	if (sig == SIGKILL && write_file(cg->path, "cgroup.kill", "1") == 0)
		return 0;
	n = cg_pids(cg, pids, 1024);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		kill(pids[i], sig);
	return 0;
}

long cg_oom_kills(const struct cg *cg)
{
	char buf[512], *p;
	int ret = read_file(cg->path, "memory.events", buf, sizeof(buf));

	if (ret)
		return ret;
	p = strstr(buf, "oom_kill ");
	return p ? strtol(p + 9, NULL, 10) : 0;
}

int cg_destroy(const struct cg *cg)
{
	int i;

	/* The last processes may take a moment to leave after being killed. */
	for (i = 0; i < 200; i++) {
		if (rmdir(cg->path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return -EBUSY;
}
