// SPDX-License-Identifier: GPL-2.0
/*
 * The container's first process, in its new namespaces: mounts, root
 * switch, hostname, limits, identity, capabilities, seccomp; then it waits
 * for `ctr start` and execs the workload.  Errors go back to ctr create
 * as one line on the sync socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/capability.h>

#include "ctr.h"
#include "seccomp.h"

static int sync_fd = -1;
static scmp_filter_ctx filter;	/* loaded at exec: with no_new_privs */

/* Report to ctr create (or exec) and fail. */
int ctr_init_fail(const char *fmt, ...)
{
	char msg[1024] = "E";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + 1, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (write(sync_fd, msg, strlen(msg)) < 0)
		ctr_err("%s", msg + 1);
	return -1;
}

#define fail ctr_init_fail

/* Resolve @path inside @root_fd: symlinks and ".." never leave the rootfs. */
int ctr_open_in_root(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

/*
 * Make @dest exist inside the rootfs (a directory, or an empty file when
 * @file) and return an O_PATH fd to it.  Every component is resolved
 * within the rootfs.
 */
int ctr_mkpath_in_root(int root_fd, const char *dest, bool file)
{
	char path[4096], *p;
	int fd;

	snprintf(path, sizeof(path), "%s", dest);
	for (p = strchr(path + 1, '/'); ; p = strchr(p + 1, '/')) {
		if (p)
			*p = 0;
		fd = ctr_open_in_root(root_fd, path, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(path, '/');
			int dir;

			*slash = 0;
			dir = ctr_open_in_root(root_fd, path[0] ? path : "/", O_PATH | O_DIRECTORY);
			*slash = '/';
			if (dir < 0)
				return -1;
			if (!p && file) {
				fd = openat(dir, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
				if (fd >= 0)
					close(fd);
			} else {
				mkdirat(dir, slash + 1, 0755);
			}
			close(dir);
			fd = ctr_open_in_root(root_fd, path, O_PATH);
		}
		if (fd < 0)
			return -1;
		if (!p)
			return fd;
		close(fd);
		*p = '/';
	}
}

static void proc_fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int switch_root(const struct ctr_spec *s)
{
	if (chdir(s->root))
		return fail("chdir %s: %s", s->root, strerror(errno));
	/*
	 * No mount namespace of its own, as runc allows: a chroot into the
	 * rootfs (pivot_root would move the host's root).  Its mounts are in
	 * the host's mount table, as with runc, and stay there.
	 */
	if (!ctr_spec_has_ns(s, CLONE_NEWNS)) {
		if (chroot("."))
			return fail("chroot %s: %s", s->root, strerror(errno));
	} else {
		/* pivot_root(".", "."): the old root lands under the new one, then goes. */
		if (syscall(SYS_pivot_root, ".", "."))
			return fail("pivot_root: %s", strerror(errno));
		if (umount2(".", MNT_DETACH))
			return fail("detaching the old root: %s", strerror(errno));
	}
	if (chdir("/"))
		return fail("chdir /: %s", strerror(errno));
	return 0;
}

static int write_sysctls(const struct ctr_spec *s)
{
	if (!s->sysctl)
		return 0;
	json_object_object_foreach(s->sysctl, key, val) {
		char path[512], *p;
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/%s", key);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, json_object_get_string(val),
				    strlen(json_object_get_string(val))) < 0)
			return fail("sysctl %s: %s", key, strerror(errno));
		close(fd);
	}
	return 0;
}

/*
 * maskedPaths and readonlyPaths, after the root switch: each resolved in
 * the container's root like a mount destination; a path that does not
 * exist there has nothing to hide.
 */
static int mask_paths(const struct ctr_spec *s)
{
	char target[64];
	struct stat st;
	int root, fd, ret = 0;
	size_t i;

	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fail("opening the container's root: %s", strerror(errno));
	for (i = 0; !ret && s->masked[i]; i++) {
		const char *p = s->masked[i];

		fd = ctr_open_in_root(root, p, O_PATH);
		if (fd < 0) {
			if (errno != ENOENT)
				ret = fail("linux.maskedPaths %s: %s", p, strerror(errno));
			continue;
		}
		proc_fd_path(target, sizeof(target), fd);
		if (fstat(fd, &st))
			ret = fail("linux.maskedPaths %s: %s", p, strerror(errno));
		else if (S_ISDIR(st.st_mode) ? mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL) :
			 mount("/dev/null", target, NULL, MS_BIND, NULL))
			ret = fail("masking %s: %s", p, strerror(errno));
		close(fd);
	}
	for (i = 0; !ret && s->readonly_paths[i]; i++) {
		const char *p = s->readonly_paths[i];

		fd = ctr_open_in_root(root, p, O_PATH);
		if (fd < 0) {
			if (errno != ENOENT)
				ret = fail("linux.readonlyPaths %s: %s", p, strerror(errno));
			continue;
		}
		proc_fd_path(target, sizeof(target), fd);
		ret = mount(target, target, NULL, MS_BIND | MS_REC, NULL);
		close(fd);
		/* Open it again: the remount is of the bind mount now on top. */
		fd = ret ? -1 : ctr_open_in_root(root, p, O_PATH);
		proc_fd_path(target, sizeof(target), fd);
		if (fd < 0 || mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
				    MS_NODEV | MS_NOEXEC, NULL))
			ret = fail("making %s read-only: %s", p, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	close(root);
	return ret;
}

/* Mounts and devices, all below the rootfs: before the createContainer hooks. */
static int prepare_rootfs(struct ctr_spec *s)
{
	bool own_ns = ctr_spec_has_ns(s, CLONE_NEWNS);
	int root_fd, i;

	/* Nothing mounted here may propagate back to the host. */
	if (own_ns && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("making the mount tree private: %s", strerror(errno));
	if (mount(s->root, s->root, NULL, MS_BIND | MS_REC, NULL))
		return fail("bind-mounting the rootfs %s: %s", s->root, strerror(errno));
	/* In the host's mount namespace: only this new tree is made private. */
	if (!own_ns && mount(NULL, s->root, NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("making the rootfs mount private: %s", strerror(errno));
	root_fd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return fail("rootfs %s: %s", s->root, strerror(errno));
	for (i = 0; i < s->nmounts; i++)
		if (ctr_do_mount(root_fd, &s->mounts[i]))
			return -1;
	if (ctr_make_devices(s, root_fd))
		return -1;
	close(root_fd);
	return 0;
}

/* Sysctls before the read-only paths: /proc/sys is one of them. */
static int enter_rootfs(struct ctr_spec *s)
{
	bool own_ns = ctr_spec_has_ns(s, CLONE_NEWNS);

	if (switch_root(s))
		return -1;
	if (own_ns && mount(NULL, "/", NULL, s->rootfs_propagation, NULL))
		return fail("rootfsPropagation: %s", strerror(errno));
	if (write_sysctls(s) || mask_paths(s))
		return -1;
	if (s->root_readonly &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
		return fail("making the root read-only: %s", strerror(errno));
	return 0;
}

static int join_namespaces(const struct ctr_spec *s)
{
	int i, pass, fd;

	/* The user namespace first: it owns the others. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < s->nns; i++) {
			const struct ctr_ns *n = &s->ns[i];

			if (!n->path || n->type == CLONE_NEWPID ||
			    (pass == 0) != (n->type == CLONE_NEWUSER))
				continue;
			fd = open(n->path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, n->type))
				return fail("joining namespace %s: %s", n->path, strerror(errno));
			close(fd);
		}
	}
	return 0;
}

/* ctr create has moved us into the container's cgroup by now. */
static bool new_cgroup_ns(const struct ctr_spec *s)
{
	int i;

	for (i = 0; i < s->nns; i++)
		if (s->ns[i].type == CLONE_NEWCGROUP && !s->ns[i].path)
			return true;
	return false;
}

static bool in_list(const int *v, int n, int c)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == c)
			return true;
	return false;
}

static int drop_bounding(const struct ctr_spec *s)
{
	int c;

	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (!in_list(s->caps[CTR_CAP_BOUNDING], s->ncaps[CTR_CAP_BOUNDING], c) &&
		    cap_drop_bound(c) && errno != EINVAL)
			return fail("dropping capability %d from the bounding set: %s", c,
				    strerror(errno));
	return 0;
}

static int set_caps(const struct ctr_spec *s)
{
	static const int sets[] = { CTR_CAP_EFFECTIVE, CTR_CAP_PERMITTED, CTR_CAP_INHERITABLE };
	static const cap_flag_t flags[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
	const int *amb = s->caps[CTR_CAP_AMBIENT];
	cap_t caps = cap_init();
	cap_value_t v[64];
	int i, j, n;

	for (i = 0; i < 3; i++) {
		n = s->ncaps[sets[i]];
		for (j = 0; j < n; j++)
			v[j] = s->caps[sets[i]][j];
		if (n && cap_set_flag(caps, flags[i], n, v, CAP_SET))
			return fail("capabilities: %s", strerror(errno));
	}
	if (cap_set_proc(caps))
		return fail("setting capabilities: %s", strerror(errno));
	cap_free(caps);
	cap_reset_ambient();
	/*
	 * The kernel allows an ambient capability only when it is also
	 * inheritable; like runc, ctr skips the others (runc's default spec
	 * asks for ambient ones with an empty inheritable set).
	 */
	for (i = 0; i < s->ncaps[CTR_CAP_AMBIENT]; i++)
		if (cap_set_ambient(amb[i], CAP_SET) && errno != EPERM)
			return fail("ambient capability %d: %s", amb[i], strerror(errno));
	return 0;
}

static int set_identity(const struct ctr_spec *s)
{
	if (prctl(PR_SET_KEEPCAPS, 1))
		return fail("PR_SET_KEEPCAPS: %s", strerror(errno));
	if (setgroups(s->ngroups, s->groups) && !(errno == EPERM && !s->ngroups))
		return fail("setgroups: %s", strerror(errno));
	if (setresgid(s->gid, s->gid, s->gid))
		return fail("setting gid %u: %s (is it mapped?)", s->gid, strerror(errno));
	if (setresuid(s->uid, s->uid, s->uid))
		return fail("setting uid %u: %s (is it mapped?)", s->uid, strerror(errno));
	return set_caps(s);
}

/* Find the program in the container's PATH now, so create can report it. */
static int find_program(const struct ctr_spec *s, char *out, size_t len)
{
	const char *prog = s->argv[0];
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	size_t i;

	for (i = 0; s->envp[i]; i++)
		if (!strncmp(s->envp[i], "PATH=", 5))
			path = s->envp[i] + 5;
	if (strchr(prog, '/')) {
		snprintf(out, len, "%s", prog);
		return access(out, X_OK) ? fail("%s: %s", prog, strerror(errno)) : 0;
	}
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(out, len, "%.*s/%s", (int)n, path, prog);
		if (!access(out, X_OK))
			return 0;
		path += n + (path[n] == ':');
	}
	return fail("executable \"%s\" not found in the container's PATH", prog);
}

/* Wait until ctr start writes to the exec fifo (poll sleeps until a writer comes). */
static int wait_for_start(int fifo_fd)
{
	struct pollfd p = { .fd = fifo_fd, .events = POLLIN };
	char c;

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	if (read(fifo_fd, &c, 1) != 1)
		return -1;	/* the fifo's writer went away: not a start */
	close(fifo_fd);
	return 0;
}

/*
 * The working directory, resolved inside the container's root: neither
 * ".." nor a symlink nor /proc/self/fd/N (a magic link to whatever a
 * runtime or caller fd points at, CVE-2024-21626) can leave it.
 */
static int enter_cwd(const struct ctr_spec *s)
{
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), fd, ret;

	fd = root < 0 ? -1 : ctr_open_in_root(root, s->cwd, O_PATH | O_DIRECTORY);
	ret = fd < 0 ? -1 : fchdir(fd);
	if (ret)
		ret = fail("process.cwd %s: %s (it must be a directory in the container)", s->cwd,
			   strerror(errno));
	if (fd >= 0)
		close(fd);
	if (root >= 0)
		close(root);
	return ret;
}

static int set_rlimits(const struct ctr_spec *s)
{
	int i;

	for (i = 0; i < s->nrlimits; i++) {
		const struct ctr_rlimit *r = &s->rlimits[i];
		struct rlimit cur;

		if (!setrlimit(r->resource, &r->lim))
			continue;
		getrlimit(r->resource, &cur);
		return fail("process.rlimits[%d] (soft %llu, hard %llu): %s%s", i,
			    (unsigned long long)r->lim.rlim_cur, (unsigned long long)r->lim.rlim_max,
			    strerror(errno), errno == EPERM && r->lim.rlim_max > cur.rlim_max ?
			    " (raising the hard limit needs CAP_SYS_RESOURCE)" : "");
	}
	return 0;
}

/*
 * The seccomp filter, built while create still waits so that any error
 * fails it.  Without no_new_privs the kernel wants CAP_SYS_ADMIN for it,
 * so it is loaded now, before the capabilities go (as runc does);
 * with no_new_privs it waits until exec, after a trial load in a child.
 */
static int prepare_seccomp(const struct ctr_spec *s)
{
	int ret;

	filter = ctr_seccomp_build(s->seccomp, s->no_new_privs);
	if (!filter)
		return fail("building the seccomp filter (linux.seccomp) failed");
	ret = s->no_new_privs ? ctr_seccomp_try(filter) : seccomp_load(filter);
	if (ret)
		return fail("loading the seccomp filter (linux.seccomp): %s", strerror(-ret));
	if (!s->no_new_privs) {
		seccomp_release(filter);
		filter = NULL;
	}
	return 0;
}

/*
 * The process's own settings, shared by the container's first process and
 * ctr exec: session, limits, cwd, identity, capabilities.  Leaves the
 * program's path in @prog.
 */
int ctr_apply_process(const struct ctr_spec *s, char *prog, size_t len)
{
	/*
	 * Nothing of ctr's may reach the workload: every fd but stdio closes
	 * at exec (the caller's own were closed when ctr started).
	 */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	/*
	 * A session of its own, as runc does, so the workload has no
	 * controlling terminal of the caller's to push input into (TIOCSTI)
	 * or hang up; with process.terminal the pty set-up did it.
	 */
	if (!s->terminal && setsid() < 0)
		return fail("setsid: %s", strerror(errno));
	if (set_rlimits(s) || enter_cwd(s))
		return -1;
	if (s->has_umask)
		umask(s->umask);
	if (s->seccomp && prepare_seccomp(s))
		return -1;
	if (drop_bounding(s) || set_identity(s))
		return -1;
	if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail("no_new_privs: %s", strerror(errno));
	if (find_program(s, prog, len))
		return -1;
	return 0;
}

/* The last step, after start: a no_new_privs filter as close to exec as possible. */
int ctr_exec_process(const struct ctr_spec *s, const char *prog)
{
	int ret = filter ? seccomp_load(filter) : 0;

	if (ret) {
		ctr_err("loading the seccomp filter (linux.seccomp): %s", strerror(-ret));
		return -1;
	}
	execve(prog, s->argv, s->envp);
	ctr_err("exec %s: %s", prog, strerror(errno));
	return -1;
}

void ctr_init_report_to(int fd)
{
	sync_fd = fd;
}

/* Send @tag (with the pty master, if any) and wait for the next go. */
static int handshake(const char *tag, int master, char *reply, size_t len)
{
	ssize_t n;

	if (master >= 0 ? ctr_send_fd(sync_fd, master, tag) :
	    (write(sync_fd, tag, strlen(tag)) < 0 ? -errno : 0))
		return -1;
	if (!reply)
		return 0;
	n = read(sync_fd, reply, len - 1);
	if (n <= 0 || reply[0] != 'G')
		return -1;
	reply[n] = 0;
	return 0;
}

/*
 * Steps, with ctr create on the other end of @sfd: wait for the id maps
 * ("G"); namespaces, mounts and devices; "H": create runs createRuntime
 * and prestart, then sends "G" + the state JSON; createContainer hooks;
 * pivot_root and the rest; "R" (with the pty master); wait for start;
 * startContainer hooks; exec.
 */
int ctr_init(struct ctr_spec *s, int sfd, int fifo_fd)
{
	static char state[8192];
	char prog[4096], go;
	int master = -1;

	sync_fd = sfd;
	if (read(sync_fd, &go, 1) != 1)
		return -1;
	if (ctr_spec_has_ns(s, CLONE_NEWUSER) && (setresgid(0, 0, 0) || setresuid(0, 0, 0)))
		return fail("becoming root in the user namespace: %s", strerror(errno));
	if (join_namespaces(s))
		return -1;
	if (new_cgroup_ns(s) && unshare(CLONE_NEWCGROUP))
		return fail("creating the cgroup namespace: %s", strerror(errno));
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)))
		return fail("sethostname: %s", strerror(errno));
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)))
		return fail("setdomainname: %s", strerror(errno));
	if (prepare_rootfs(s) || handshake("H", -1, state, sizeof(state)))
		return -1;
	/* Still in the runtime's mount view: hook paths resolve there. */
	if (ctr_run_hooks_with(s, "createContainer", state + 1))
		return fail("a createContainer hook failed");
	if (enter_rootfs(s))
		return -1;
	if (s->terminal && ctr_tty_setup(&master))
		return -1;
	if (ctr_apply_process(s, prog, sizeof(prog)))
		return -1;
	if (handshake("R", master, NULL, 0))
		return -1;
	if (master >= 0)
		close(master);
	close(sync_fd);
	sync_fd = 2;
	if (wait_for_start(fifo_fd))
		return -1;
	/* In the container now: these hook paths resolve inside it. */
	if (s->hooks && json_object_object_get_ex(s->hooks, "startContainer", NULL)) {
		json_object *o = json_tokener_parse(state + 1);

		if (!json_object_is_type(o, json_type_object))
			return -1;
		json_object_object_add(o, "status", json_object_new_string("created"));
		if (ctr_run_hooks_with(s, "startContainer", json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)))
			return -1;
		json_object_put(o);
	}
	return ctr_exec_process(s, prog);
}
