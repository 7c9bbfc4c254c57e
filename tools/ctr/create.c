// SPDX-License-Identifier: GPL-2.0
/*
 * ctr create, the runtime's side: state directory, cgroup, the container's
 * first process in its new namespaces (init.c), user namespace maps, and
 * the hand-shake that tells whether the container could be set up.  On
 * any error nothing is left behind: no process, cgroup or state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"
#include "mkdirs.h"

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int write_idmap(pid_t pid, const char *file, const struct ctr_idmap *m, int n)
{
	char buf[1024] = "";
	int i, ret;

	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%u %u %u\n",
			 m[i].inner, m[i].outer, m[i].count);
	ret = write_proc(pid, file, buf);
	if (ret)
		ctr_err("writing %s of the container: %s (check the %s in config.json)", file,
			strerror(-ret), file[0] == 'u' ? "uidMappings" : "gidMappings");
	return ret;
}

/* cgroup v2 files (as cg_apply names those it skipped) and the config keys behind them. */
static const struct {
	const char *file, *key;
} limit_files[] = {
	{ "memory.max", "memory.limit" }, { "memory.swap.max", "memory.swap" },
	{ "pids.max", "pids.limit" }, { "cpu.max", "cpu.quota" }, { "cpu.weight", "cpu.shares" },
	{ "cpuset.cpus", "cpu.cpus" }, { "cpuset.mems", "cpu.mems" },
};

/* The keys of @files (", "-separated), or of every limit set with @files NULL. */
static void limit_keys(const struct cg_limits *l, const char *files, char *out, size_t len)
{
	const bool set[] = {
		l->memory_max >= 0, l->memory_swap_max >= 0, l->pids_max >= 0,
		l->cpu_quota >= 0 || l->cpu_period >= 0, l->cpu_weight >= 0,
		l->cpuset_cpus, l->cpuset_mems,
	};
	size_t i, n;

	out[0] = 0;
	for (i = 0; i < sizeof(limit_files) / sizeof(limit_files[0]); i++) {
		const char *f = files ? strstr(files, limit_files[i].file) : NULL;

		n = strlen(limit_files[i].file);
		if (files ? !f || (f[n] && f[n] != ',') : !set[i])
			continue;
		snprintf(out + strlen(out), len - strlen(out), "%slinux.resources.%s",
			 out[0] ? ", " : "", limit_files[i].key);
	}
}

/*
 * A limit that cannot be enforced is an error, as with runc, unless the
 * config says it may run without: CTR_RESOURCES_ANNOTATION best-effort.
 */
static int unenforced(const struct ctr_spec *s, const char *keys, const char *why)
{
	if (s->limits_best_effort) {
		ctr_err("warning: %s not applied: %s (annotation %s is best-effort)", keys, why,
			CTR_RESOURCES_ANNOTATION);
		return 0;
	}
	ctr_err("%s cannot be enforced: %s; give ctr a cgroup v2 group with those controllers, or set the annotation \"%s\": \"best-effort\" to run without them",
		keys, why, CTR_RESOURCES_ANNOTATION);
	return -ENOTSUP;
}

/* The controllers of @skipped files ("memory.max, pids.max": "memory, pids"). */
static void controllers(const char *skipped, char *out, size_t len)
{
	const char *p = skipped;

	out[0] = 0;
	while (*p) {
		size_t n = strcspn(p, ".");
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (!strstr(out, name))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? ", " : "",
				 name);
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
}

/* Take @name out of the ", "-separated list @files. */
static void drop_file(char *files, const char *name)
{
	char *p = strstr(files, name), *end;

	if (!p)
		return;
	end = p + strlen(name);
	end += strspn(end, ", ");
	if (!*end && p > files)
		p -= p[-1] == ' ' ? 2 : 1;	/* the last one: its separator too */
	memmove(p, end, strlen(end) + 1);
}

/*
 * The cgroup (see cgpath.c).  No cgroup v2 at all is a warning when no
 * limit is asked for (the device policy is not applied then either); a
 * group that already has processes is refused: ctr would share it, and
 * later kill them.
 */
static int setup_cgroup(struct ctr_spec *s, struct ctr_state *st, struct cg *cg)
{
	char rel[4096], skipped[512], keys[512], why[5200], ctl[128];
	int ret;

	limit_keys(&s->limits, NULL, keys, sizeof(keys));
	ret = ctr_cgroup_rel(s->cgroups_path, st->id, rel, sizeof(rel));
	if (!ret)
		ret = cg_create(cg, rel, &s->limits);
	if (ret) {
		snprintf(why, sizeof(why), "no cgroup v2 hierarchy usable here (%s)", strerror(-ret));
		if (keys[0])
			return unenforced(s, keys, why);
		ctr_err("warning: %s: resource limits are not applied", why);
		return 0;
	}
	if (ctr_cgroup_populated(cg->path)) {
		ctr_err("cgroup %s already has processes: refusing to share it (linux.cgroupsPath)",
			cg->path);
		return -EBUSY;
	}
	snprintf(st->cgroup, sizeof(st->cgroup), "%s", cg->path);
	ret = cg_apply(cg, &s->limits, skipped, sizeof(skipped));
	if (ret) {
		snprintf(why, sizeof(why), "writing them to %s: %s", cg->path, strerror(-ret));
		return unenforced(s, keys, why);
	}
	/*
	 * cpu.shares 1024 is what engines write for "no preference"
	 * (containerd's default spec, Docker's): v1's default weight, which a
	 * group without the cpu controller has anyway.
	 */
	if (s->cpu_shares_default)
		drop_file(skipped, "cpu.weight");
	if (!skipped[0])
		return 0;
	limit_keys(&s->limits, skipped, keys, sizeof(keys));
	controllers(skipped, ctl, sizeof(ctl));
	snprintf(why, sizeof(why), "this cgroup v2 hierarchy has no %s controller (no %s in %s)",
		 ctl, skipped, cg->path);
	return unenforced(s, keys, why);
}

static void cleanup(struct ctr_state *st, pid_t pid)
{
	struct cg cg;

	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (st->cgroup[0]) {
		snprintf(cg.path, sizeof(cg.path), "%s", st->cgroup);
		cg_kill_all(&cg, SIGKILL);
		cg_destroy(&cg);
	}
	ctr_remove_state(st);
}

static int make_state_dir(struct ctr_state *st)
{
	/* mkdir -p, as runc and crun make their root: a fresh /run's parents 0755. */
	if ((mkdir_parents(ctr_root, 0755) || mkdir(ctr_root, 0700)) && errno != EEXIST) {
		ctr_err("cannot create the state directory %s: %s (pass --root)", ctr_root,
			strerror(errno));
		return -errno;
	}
	if (mkdir(st->dir, 0700)) {
		if (errno == EEXIST)
			ctr_err("container \"%s\" already exists (ctr delete %s, or pick another id)",
				st->id, st->id);
		else
			ctr_err("cannot create %s: %s", st->dir, strerror(errno));
		return -EEXIST;
	}
	return 0;
}

/* Join a pid namespace given by path: it applies to our next child. */
static int join_pid_ns(const struct ctr_spec *s)
{
	int i, fd, ret = 0;

	for (i = 0; i < s->nns; i++) {
		if (s->ns[i].type != CLONE_NEWPID || !s->ns[i].path)
			continue;
		fd = open(s->ns[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWPID)) {
			ret = -errno;
			ctr_err("joining pid namespace %s: %s", s->ns[i].path, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	return ret;
}

/* Read the init's next step: @tag, or "E" + one line saying what failed. */
static int expect_reply(int sock, char tag, int *fd)
{
	char msg[1024];
	int got = -1;
	ssize_t n = ctr_recv_fd(sock, msg, sizeof(msg) - 1, &got);

	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	if (n > 0 && msg[0] == tag)
		return 0;
	msg[n > 0 ? n : 0] = 0;
	ctr_err("%s", n > 1 && msg[0] == 'E' ? msg + 1 :
		"the container's process died while being set up");
	return -EIO;
}

/* "G" + the state JSON, for the createContainer and startContainer hooks. */
static int send_state(int sock, const struct ctr_state *st)
{
	json_object *o = ctr_spec_state_json(st);
	char msg[8192];
	int ret = 0;

	snprintf(msg, sizeof(msg), "G%s", json_object_to_json_string_ext(o,
		 JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (write(sock, msg, strlen(msg)) < 0)
		ret = -errno;
	return ret;
}

static void apply_device_policy(const struct ctr_spec *s, const struct cg *cg)
{
	int fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	ret = fd < 0 ? -errno : ctr_devpolicy_apply(s, fd);
	if (ret)
		ctr_err("warning: the device policy (a cgroup BPF program) could not be attached: %s; device access is not restricted",
			strerror(-ret));
	if (fd >= 0)
		close(fd);
}

int ctr_create(const char *id, const struct ctr_create_opts *o, pid_t *out, int *tty_master)
{
	struct ctr_spec s;
	struct ctr_state st;
	struct cg cg;
	char fifo[4200], buf[32];
	int sync[2] = { -1, -1 }, fifo_fd = -1, master = -1, flags = 0, attach_err, i, ret;
	pid_t pid = -1;

	memset(&st, 0, sizeof(st));
	if (!ctr_valid_id(id)) {
		ctr_err("invalid container id \"%s\": use letters, digits and - _ . +", id);
		return -EINVAL;
	}
	ret = ctr_spec_load(&s, o->bundle, NULL);
	if (ret)
		goto out_spec;
	ret = ctr_check_terminal(s.terminal, o->console_socket, o->foreground);
	if (ret)
		goto out_spec;
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.dir, sizeof(st.dir), "%s/%s", ctr_root, id);
	snprintf(st.bundle, sizeof(st.bundle), "%s", s.bundle);
	/* In the state and so in what every hook reads on its stdin. */
	if (json_object_object_get_ex(s.json, "annotations", &st.annotations))
		json_object_get(st.annotations);
	ret = make_state_dir(&st);
	if (ret)
		goto out_spec;
	/* start, exec and delete work from this copy, not the bundle's current file. */
	ret = ctr_state_save_config(&st, s.json);
	if (ret)
		goto fail;

	/* The spec's "creating" state lasts as long as this file. */
	snprintf(fifo, sizeof(fifo), "%s/creating", st.dir);
	ret = open(fifo, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (ret < 0) {
		ret = -errno;
		goto fail;
	}
	close(ret);
	/* start opens this to let the container's process exec. */
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", st.dir);
	if (mkfifo(fifo, 0600)) {
		ret = -errno;
		goto fail;
	}
	fifo_fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo_fd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync)) {
		ret = -errno;
		goto fail;
	}
	ret = setup_cgroup(&s, &st, &cg);
	if (!ret)
		ret = join_pid_ns(&s);
	if (ret)
		goto fail;
	/* A new cgroup namespace comes later, in init: rooted at the container's cgroup. */
	for (i = 0; i < s.nns; i++)
		if (!s.ns[i].path && s.ns[i].type != CLONE_NEWCGROUP)
			flags |= s.ns[i].type;

	pid = cg_clone(st.cgroup[0] ? &cg : NULL, (unsigned long)flags, &attach_err);
	if (pid < 0) {
		ret = pid;
		ctr_err("creating the container's namespaces: %s", strerror(-ret));
		goto fail;
	}
	if (pid == 0) {
		close(sync[0]);
		_exit(ctr_init(&s, sync[1], fifo_fd) ? 1 : 0);
	}
	close(sync[1]);
	sync[1] = -1;

	if (attach_err)
		ctr_err("warning: cannot move the container into %s: %s", st.cgroup,
			strerror(-attach_err));
	if (st.cgroup[0])
		apply_device_policy(&s, &cg);
	else
		ctr_err("warning: no cgroup v2 group: the device policy is not applied");
	if (flags & CLONE_NEWUSER) {
		if (write_idmap(pid, "uid_map", s.uid_map, s.nuid_map) ||
		    write_idmap(pid, "gid_map", s.gid_map, s.ngid_map)) {
			ret = -EPERM;
			goto fail;
		}
	}
	if (s.has_oom_score_adj) {
		snprintf(buf, sizeof(buf), "%d", s.oom_score_adj);
		ret = write_proc(pid, "oom_score_adj", buf);
		if (ret) {
			ctr_err("process.oomScoreAdj %d: %s%s", s.oom_score_adj, strerror(-ret),
				ret == -EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : "");
			goto fail;
		}
	}
	if (write(sync[0], "G", 1) != 1) {
		ret = -errno;
		goto fail;
	}
	/* "H": namespaces and mounts are there (hooks' turn); "E...": what went wrong. */
	ret = expect_reply(sync[0], 'H', NULL);
	if (ret)
		goto fail;
	st.pid = pid;
	st.start_time = ctr_proc_start_time(pid);
	st.created = time(NULL);
	ret = ctr_state_save(&st);
	/* The runtime spec's order, and runc's: prestart first. */
	if (!ret)
		ret = ctr_run_hooks(&s, "prestart", &st);
	if (!ret)
		ret = ctr_run_hooks(&s, "createRuntime", &st);
	if (!ret)
		ret = send_state(sync[0], &st);
	/* "R": set up and waiting for start, with the pty master if asked for. */
	if (!ret)
		ret = expect_reply(sync[0], 'R', &master);
	if (ret)
		goto fail;
	if (master >= 0 && o->console_socket) {
		ret = ctr_console_send(o->console_socket, master);
		close(master);
		master = -1;
		if (ret)
			goto fail;
	}
	snprintf(fifo, sizeof(fifo), "%s/creating", st.dir);
	unlink(fifo);
	ret = ctr_write_pid_file(o->pid_file, pid);
	if (ret)
		goto fail;
	close(sync[0]);
	close(fifo_fd);
	*out = pid;
	*tty_master = master;
	json_object_put(st.annotations);
	ctr_spec_free(&s);
	return 0;

fail:
	if (sync[0] >= 0)
		close(sync[0]);
	if (sync[1] >= 0)
		close(sync[1]);
	if (fifo_fd >= 0)
		close(fifo_fd);
	if (master >= 0)
		close(master);
	cleanup(&st, pid);
out_spec:
	json_object_put(st.annotations);
	ctr_spec_free(&s);
	return ret ? ret : -EIO;
}
