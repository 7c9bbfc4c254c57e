// SPDX-License-Identifier: GPL-2.0
/*
 * ctr exec: one more process in a running container.  A helper joins the
 * container's namespaces (the user namespace first: it owns the others)
 * and forks the process with CLONE_PARENT, so that it is in the
 * container's pid namespace yet ctr's own child.  ctr moves it into the
 * container's cgroup before it runs anything of the workload's.
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
#include <unistd.h>

#include "ctr.h"

static const struct {
	const char *name;
	int type;
} ns_files[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "mnt", CLONE_NEWNS },
};

#define NNS (sizeof(ns_files) / sizeof(ns_files[0]))
#define MNT_NS (NNS - 1)	/* "mnt", last in ns_files */

/* The namespaces of @pid that differ from ours (setns into our own user ns fails). */
static int open_namespaces(pid_t pid, int *fds)
{
	char path[64];
	struct stat theirs, ours;
	size_t i;

	for (i = 0; i < NNS; i++) {
		fds[i] = -1;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_files[i].name);
		if (stat(path, &ours))
			continue;	/* a kernel without this namespace type */
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_files[i].name);
		if (stat(path, &theirs)) {
			ctr_err("exec: %s: %s", path, strerror(errno));
			return -errno;
		}
		if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev)
			continue;
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			ctr_err("exec: %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* "K=V" replaces K in process.env or is appended. */
static int set_env(struct ctr_spec *s, char *kv)
{
	size_t klen = strcspn(kv, "="), i;
	char **env;

	for (i = 0; s->envp[i]; i++)
		if (!strncmp(s->envp[i], kv, klen) && s->envp[i][klen] == '=') {
			s->envp[i] = kv;
			return 0;
		}
	env = realloc(s->envp, (i + 2) * sizeof(*env));
	if (!env)
		return -ENOMEM;
	env[i] = kv;
	env[i + 1] = NULL;
	s->envp = env;
	return 0;
}

/* Build the process: the config's, or --process FILE; then the flags. */
static int make_process(struct ctr_spec *s, const struct ctr_exec_opts *o)
{
	int i;

	if (o->process_file) {
		json_object *p = json_object_from_file(o->process_file);

		if (!p) {
			ctr_err("--process %s: not readable as JSON", o->process_file);
			return -EINVAL;
		}
		if (ctr_spec_set_process(s, p, o->process_file))
			return -EINVAL;
	} else {
		if (!o->args || !o->args[0]) {
			ctr_err("exec needs a command (ctr exec ID COMMAND [ARG...]) or --process FILE");
			return -EINVAL;
		}
		for (i = 0; o->args[i]; i++)
			;
		free(s->argv);
		s->argv = calloc(i + 1, sizeof(char *));
		if (!s->argv)
			return -ENOMEM;
		memcpy(s->argv, o->args, i * sizeof(char *));
		s->terminal = o->tty;
	}
	if (o->tty)
		s->terminal = true;
	for (i = 0; i < o->nenv; i++)
		if (set_env(s, o->env[i]))
			return -ENOMEM;
	if (o->cwd) {
		if (o->cwd[0] != '/') {
			ctr_err("--cwd %s: must be an absolute path", o->cwd);
			return -EINVAL;
		}
		s->cwd = o->cwd;
	}
	if (o->user) {
		unsigned long long uid, gid;
		char *end;

		/* Digits only, below (uid_t)-1: strtoull would take "-1" and wrap. */
		uid = strspn(o->user, "0123456789") ? strtoull(o->user, &end, 10) : ~0ULL;
		gid = s->gid;
		if (uid != ~0ULL && *end == ':')
			gid = strspn(end + 1, "0123456789") ? strtoull(end + 1, &end, 10) : ~0ULL;
		if (uid > 4294967294ULL || gid > 4294967294ULL || *end) {
			ctr_err("--user %s: use UID or UID:GID (numbers 0..4294967294)", o->user);
			return -EINVAL;
		}
		s->uid = uid;
		s->gid = gid;
		s->ngroups = 0;
	}
	return ctr_check_terminal(s->terminal, o->console_socket, !o->detach);
}

/*
 * The helper: join, fork the process, report its pid ("P<pid>"), exit.
 * @root_fd: the container's root when it shares ctr's mount namespace
 * (joining one sets the root; without, the process would run in the host's).
 */
static int join_and_fork(struct ctr_spec *s, int *fds, int root_fd, int sock)
{
	char prog[4096], go, msg[32];
	int master = -1;
	size_t i;
	pid_t pid;

	ctr_init_report_to(sock);
	for (i = 0; i < NNS; i++)
		if (fds[i] >= 0 && setns(fds[i], ns_files[i].type))
			return ctr_init_fail("joining the container's %s namespace: %s",
					     ns_files[i].name, strerror(errno));
	if (root_fd >= 0 && (fchdir(root_fd) || chroot(".")))
		return ctr_init_fail("entering the container's root: %s", strerror(errno));
	pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, 0);
	if (pid < 0)
		return ctr_init_fail("fork in the container: %s", strerror(errno));
	if (pid > 0) {
		snprintf(msg, sizeof(msg), "P%d", (int)pid);
		return write(sock, msg, strlen(msg)) < 0 ? -1 : 0;
	}
	/* The process: wait until ctr has put it into the cgroup. */
	if (read(sock, &go, 1) != 1)
		_exit(1);
	if (s->terminal && ctr_tty_setup(&master))
		_exit(1);
	if (ctr_apply_process(s, prog, sizeof(prog)))
		_exit(1);
	if (master >= 0 ? ctr_send_fd(sock, master, "R") : (int)write(sock, "R", 1) != 1)
		_exit(1);
	if (master >= 0)
		close(master);
	close(sock);
	ctr_exec_process(s, prog);
	_exit(127);
}

static int read_reply(int sock, char *msg, size_t len, int *fd)
{
	ssize_t n = ctr_recv_fd(sock, msg, len - 1, fd);

	msg[n > 0 ? n : 0] = 0;
	if (n > 1 && msg[0] == 'E') {
		ctr_err("exec: %s", msg + 1);
		return -EIO;
	}
	if (n <= 0) {
		ctr_err("exec: the process died while being set up");
		return -EIO;
	}
	return 0;
}

int ctr_exec(const char *id, const struct ctr_exec_opts *o)
{
	struct ctr_state st;
	struct ctr_spec s;
	struct cg cg;
	char msg[1024];
	int fds[NNS], sock[2] = { -1, -1 }, master = -1, root_fd = -1, ret, status;
	pid_t helper, pid = -1;
	size_t i;

	for (i = 0; i < NNS; i++)
		fds[i] = -1;
	ret = ctr_state_load(&st, id);
	if (ret)
		return ret;
	json_object_put(st.annotations);
	st.annotations = NULL;
	if (strcmp(ctr_status(&st), "running")) {
		ctr_err("container \"%s\" is %s: exec needs a running container", id,
			ctr_status(&st));
		return -EINVAL;
	}
	ret = ctr_state_spec(&st, &s);
	if (!ret)
		ret = make_process(&s, o);
	if (!ret)
		ret = open_namespaces(st.pid, fds);
	if (!ret && fds[MNT_NS] < 0) {
		snprintf(msg, sizeof(msg), "/proc/%d/root", (int)st.pid);
		root_fd = open(msg, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0) {
			ret = -errno;
			ctr_err("exec: %s: %s", msg, strerror(errno));
		}
	}
	if (ret)
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock)) {
		ret = -errno;
		goto out;
	}
	helper = fork();
	if (helper == 0) {
		close(sock[0]);
		_exit(join_and_fork(&s, fds, root_fd, sock[1]) ? 1 : 0);
	}
	close(sock[1]);
	sock[1] = -1;
	if (helper < 0) {
		ret = -errno;
		goto out;
	}
	waitpid(helper, &status, 0);
	ret = read_reply(sock[0], msg, sizeof(msg), &master);
	if (ret)
		goto out;
	pid = atoi(msg + 1);
	snprintf(cg.path, sizeof(cg.path), "%s", st.cgroup);
	if (st.cgroup[0] && cg_attach(&cg, pid))
		ctr_err("warning: cannot move the process into %s", st.cgroup);
	if (write(sock[0], "G", 1) != 1) {
		ret = -errno;
		goto out;
	}
	ret = read_reply(sock[0], msg, sizeof(msg), &master);
	if (ret)
		goto out;
	if (master >= 0 && o->console_socket) {
		ret = ctr_console_send(o->console_socket, master);
		close(master);
		master = -1;
		if (ret)
			goto out;
	}
	ret = ctr_write_pid_file(o->pid_file, pid);
	if (ret)
		goto out;
	close(sock[0]);
	sock[0] = -1;
	if (o->detach) {
		ret = 0;
		pid = -1;
		goto out;
	}
	ret = ctr_wait_pid(pid, master);
	master = -1;
	pid = -1;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (master >= 0)
		close(master);
	for (i = 0; i < 2; i++)
		if (sock[i] >= 0)
			close(sock[i]);
	for (i = 0; i < NNS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (root_fd >= 0)
		close(root_fd);
	ctr_spec_free(&s);
	return ret;
}
