// SPDX-License-Identifier: GPL-2.0
/* The verbs that act on an existing container: start, kill, delete, state, ... */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"

static void state_cg(const struct ctr_state *st, struct cg *cg)
{
	snprintf(cg->path, sizeof(cg->path), "%s", st->cgroup);
}

int ctr_start(const char *id)
{
	struct ctr_state st;
	struct ctr_spec s;
	char fifo[4200];
	int fd, ret;

	ret = ctr_state_load(&st, id);
	if (ret)
		return ret;
	if (strcmp(ctr_status(&st), "created")) {
		ctr_err("container \"%s\" is %s, not created: only a created container can start",
			id, ctr_status(&st));
		return -EINVAL;
	}
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", st.dir);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		ctr_err("starting \"%s\": its process is not waiting any more (%s)", id,
			strerror(errno));
		return -EIO;
	}
	close(fd);
	unlink(fifo);
	memset(&s, 0, sizeof(s));
	s.hooks = ctr_state_hooks(&st);
	ctr_run_hooks(&s, "poststart", &st);
	json_object_put(s.hooks);
	json_object_put(st.annotations);
	return 0;
}

static pid_t forward_to;

static void forward_signal(int sig)
{
	kill(forward_to, sig);
}

/*
 * Wait for our child @pid, passing on the signals ctr gets (as runc does)
 * and relaying @tty_master if >= 0.  Returns the exit code to report.
 */
int ctr_wait_pid(pid_t pid, int tty_master)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward_signal };
	int status = 0;
	size_t i;

	forward_to = pid;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	if (tty_master >= 0)
		status = ctr_tty_relay(tty_master, pid);
	else
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* run: wait for the container we started, report an OOM kill, delete it. */
int ctr_wait(const char *id, int tty_master)
{
	struct ctr_state st;
	struct cg cg;
	int ret = ctr_state_load(&st, id), code;

	if (ret)
		return ret;
	code = ctr_wait_pid(st.pid, tty_master);
	state_cg(&st, &cg);
	if (st.cgroup[0] && cg_oom_kills(&cg) > 0)
		ctr_err("container \"%s\" was killed by the OOM killer (memory limit %s/memory.max)",
			id, st.cgroup);
	json_object_put(st.annotations);
	/* A container that cannot be cleaned up is a failure, even after exit 0. */
	if (ctr_delete(id, true) && !code)
		return 1;
	return code;
}

/* Whether @pid is pid 1 of a pid namespace (whose death takes the rest along). */
static bool ns_init(pid_t pid)
{
	char path[64], line[256], *last;
	bool init = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "NSpid:", 6)) {
			line[strcspn(line, "\n")] = 0;
			last = strrchr(line, '\t');
			init = last && !strcmp(last + 1, "1");
			break;
		}
	if (f)
		fclose(f);
	return init;
}

int ctr_kill(const char *id, int sig, bool all)
{
	struct ctr_state st;
	struct cg cg;
	int ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	json_object_put(st.annotations);
	state_cg(&st, &cg);
	if (!ctr_alive(&st)) {
		/* runc and crun: --all still reaches what is left in the cgroup, and succeeds. */
		if (all && st.cgroup[0] && (ret = cg_kill_all(&cg, sig)) && ret != -ENOENT)
			ctr_err("signalling the processes of %s: %s", st.cgroup, strerror(-ret));
		if (all)
			return ret == -ENOENT ? 0 : ret;
		ctr_err("container \"%s\" is not running", id);
		return -ESRCH;
	}
	ctr_debug("kill: signal %d to container \"%s\" (pid %d%s)", sig, id, (int)st.pid,
		  all ? ", and the rest of its cgroup" : "");
	/*
	 * SIGKILL of a container whose process is not a pid namespace's init
	 * would leave its other processes running: the whole cgroup goes, as
	 * with runc.
	 */
	if (st.cgroup[0] && (all || (sig == SIGKILL && !ns_init(st.pid)))) {
		ret = cg_kill_all(&cg, sig);
		if (ret)
			ctr_err("signalling the processes of %s: %s", st.cgroup, strerror(-ret));
		if (!all && !ret && kill(st.pid, sig) && errno != ESRCH)
			ret = -errno;
		return ret;
	}
	if (kill(st.pid, sig)) {
		ret = -errno;
		ctr_err("signalling container \"%s\" (pid %d): %s", id, (int)st.pid, strerror(errno));
	}
	return ret;
}

/* Remove @path and the groups below it, deepest first. */
static int remove_cgroup_tree(const char *path)
{
	char sub[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir(path);

	while (dir && (d = readdir(dir)))
		if (d->d_type == DT_DIR && strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name) < sizeof(sub))
			remove_cgroup_tree(sub);
	if (dir)
		closedir(dir);
	return rmdir(path) && errno != ENOENT ? -errno : 0;
}

/*
 * Kill everything in the container's cgroup and remove it: a workload
 * without a pid namespace of its own may leave children behind, and a
 * pid in the state file that no longer matches must not hide the rest.
 */
static int reap_cgroup(const struct ctr_state *st)
{
	struct cg cg;
	int i, ret = 0;

	if (!st->cgroup[0])
		return 0;
	state_cg(st, &cg);
	cg_freeze(&cg, false);
	for (i = 0; i < 500; i++) {
		ret = cg_kill_all(&cg, SIGKILL);
		if (ret == -ENOENT)
			return 0;	/* gone already */
		ret = remove_cgroup_tree(cg.path);
		if (!ret || ret != -EBUSY)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	if (ret)
		ctr_err("container \"%s\": cannot empty and remove its cgroup %s: %s", st->id,
			st->cgroup, strerror(-ret));
	return ret;
}

/*
 * delete --force of a container that is not there succeeds silently, as
 * with runc and crun (callers clean up with it unconditionally); a state
 * directory without state.json, left by a create that died, is removed.
 * Returns 1 when there is a state to delete.
 */
static int delete_missing(const char *id)
{
	struct ctr_state st = { 0 };
	struct stat sb;
	char file[4300];

	if (!ctr_valid_id(id))
		return 1;	/* ctr_state_load says why */
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.dir, sizeof(st.dir), "%s/%s", ctr_root, id);
	if (lstat(st.dir, &sb))
		return errno == ENOENT ? 0 : 1;
	snprintf(file, sizeof(file), "%s/state.json", st.dir);
	if (S_ISDIR(sb.st_mode) && lstat(file, &sb) && errno == ENOENT) {
		ctr_debug("delete: %s has no state.json: removing what is left of it", st.dir);
		return ctr_remove_state(&st) ? 1 : 0;
	}
	return 1;
}

int ctr_delete(const char *id, bool force)
{
	struct ctr_state st;
	struct ctr_spec s;
	const char *status;
	int ret, i;

	if (force && !delete_missing(id))
		return 0;
	ret = ctr_state_load(&st, id);
	if (ret)
		return ret;
	status = ctr_status(&st);
	if (strcmp(status, "stopped") && strcmp(status, "created") && !force) {
		ctr_err("container \"%s\" is %s: stop it first, or use delete --force", id, status);
		json_object_put(st.annotations);
		return -EBUSY;
	}
	if (ctr_alive(&st))
		kill(st.pid, SIGKILL);
	ret = reap_cgroup(&st);
	for (i = 0; i < 500 && ctr_alive(&st); i++) {
		waitpid(st.pid, NULL, WNOHANG);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	if (!ret && ctr_alive(&st)) {
		ctr_err("container \"%s\": its process %d does not die", id, (int)st.pid);
		ret = -EBUSY;
	}
	if (ret) {
		/* Keep the state: it is the only handle on what is still running. */
		json_object_put(st.annotations);
		return ret;
	}
	/* The hooks as create saw them: the bundle's config may have changed since. */
	memset(&s, 0, sizeof(s));
	s.hooks = ctr_state_hooks(&st);
	ctr_run_hooks(&s, "poststop", &st);
	json_object_put(s.hooks);
	ret = ctr_remove_state(&st);
	json_object_put(st.annotations);
	return ret;
}

int ctr_print_state(const char *id)
{
	struct ctr_state st;
	json_object *o;
	int ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	o = ctr_state_json(&st);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	json_object_put(st.annotations);
	return 0;
}

/* The name of @uid from /etc/passwd (ctr is static: no NSS), else "#UID". */
static void owner_name(uid_t uid, char *buf, size_t len)
{
	char line[1024], *pw, *id;
	FILE *f = fopen("/etc/passwd", "re");

	snprintf(buf, len, "#%u", (unsigned)uid);
	while (f && fgets(line, sizeof(line), f)) {
		/* name:password:uid:... */
		pw = strchr(line, ':');
		id = pw ? strchr(pw + 1, ':') : NULL;
		if (id && strtoul(id + 1, NULL, 10) == uid && id[1] != ':') {
			*pw = 0;
			snprintf(buf, len, "%.*s", (int)(len - 1), line);
			break;
		}
	}
	if (f)
		fclose(f);
}

/* runc's columns, and its JSON: the state of each with its owner (the state directory's). */
int ctr_list(bool json, bool quiet)
{
	json_object *arr = json_object_new_array();
	struct dirent *d;
	DIR *dir = opendir(ctr_root);

	if (!json && !quiet)
		printf("%-20s %-8s %-8s %-32s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	while (dir && (d = readdir(dir))) {
		struct ctr_state st;
		json_object *o, *v;
		char owner[256];
		struct stat sb;

		if (d->d_name[0] == '.' || !ctr_valid_id(d->d_name))
			continue;
		if (ctr_state_load(&st, d->d_name))
			continue;
		if (quiet) {
			printf("%s\n", st.id);
			json_object_put(st.annotations);
			continue;
		}
		o = ctr_state_json(&st);
		owner_name(stat(st.dir, &sb) ? 0 : sb.st_uid, owner, sizeof(owner));
		json_object_object_add(o, "owner", json_object_new_string(owner));
		if (json) {
			json_object_array_add(arr, o);
			json_object_put(st.annotations);
			continue;
		}
		printf("%-20s %-8d %-8s ", st.id, ctr_alive(&st) ? st.pid : 0, ctr_status(&st));
		ctr_fputs_safe(st.bundle, stdout);
		json_object_object_get_ex(o, "created", &v);
		printf("%*s %-32s ", (int)(strlen(st.bundle) < 32 ? 32 - strlen(st.bundle) : 0), "",
		       json_object_get_string(v));
		ctr_fputs_safe(owner, stdout);
		putchar('\n');
		json_object_put(o);
		json_object_put(st.annotations);
	}
	if (dir)
		closedir(dir);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

/* The pids of the container: its cgroup's, or its process alone without one. */
static int container_pids(const char *id, pid_t *pids, int max)
{
	struct ctr_state st;
	struct cg cg;
	int ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	json_object_put(st.annotations);
	if (!st.cgroup[0]) {
		pids[0] = st.pid;
		return ctr_alive(&st) ? 1 : 0;
	}
	state_cg(&st, &cg);
	ret = cg_pids(&cg, pids, max);
	if (ret == -ENOENT)
		return 0;	/* stopped: its group is gone */
	if (ret < 0)
		ctr_err("reading the processes of %s: %s", cg.path, strerror(-ret));
	return ret;
}

/*
 * runc's table: ps(1)'s own (ps -ef, or the arguments given), the header
 * and the lines whose PID column is one of @pids.
 */
static int ps_table(const pid_t *pids, int n, char **ps_args)
{
	char *line = NULL, *argv[64] = { "ps", "-ef" }, *f, *save;
	size_t cap = 0;
	int p[2], i, col = -1, k, status;
	FILE *out;
	pid_t child;

	for (i = 0; ps_args && ps_args[i] && i < 62; i++)
		argv[i + 1] = ps_args[i];
	if (ps_args && ps_args[0])
		argv[i + 1] = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	child = fork();
	if (child == 0) {
		dup2(p[1], 1);
		execvp("ps", argv);
		ctr_err("ps: running ps(1): %s (install procps, or use ps --format json)",
			strerror(errno));
		_exit(127);
	}
	close(p[1]);
	out = fdopen(p[0], "re");
	while (out && getline(&line, &cap, out) > 0) {
		char copy[4096];
		bool show = col < 0;

		snprintf(copy, sizeof(copy), "%s", line);
		for (k = 0, f = strtok_r(copy, " \t\n", &save); f; f = strtok_r(NULL, " \t\n", &save), k++) {
			if (col < 0 && !strcmp(f, "PID"))
				col = k;
			else if (col >= 0 && k == col)
				for (i = 0; i < n; i++)
					show |= pids[i] == atoi(f);
		}
		if (show)
			fputs(line, stdout);
	}
	free(line);
	if (out)
		fclose(out);
	else
		close(p[0]);
	while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* 127: the child said why it could not run ps. */
	if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (child < 0 || WEXITSTATUS(status) != 127)
			ctr_err("ps: ps(1) failed (status %d)", child < 0 ? -1 : WEXITSTATUS(status));
		return -EIO;
	}
	if (col < 0) {
		ctr_err("ps: ps(1) printed no PID column (give it arguments that include pid)");
		return -EINVAL;
	}
	return 0;
}

int ctr_ps_as(const char *id, bool json, char **ps_args)
{
	static pid_t pids[65536];
	int n = container_pids(id, pids, 65536), i;
	json_object *arr;

	if (n < 0)
		return n;
	if (!json)
		return ps_table(pids, n, ps_args);
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_int(pids[i]));
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return 0;
}

int ctr_ps(const char *id)
{
	return ctr_ps_as(id, false, NULL);
}

int ctr_pause(const char *id, bool pause)
{
	struct ctr_state st;
	struct cg cg;
	int ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	json_object_put(st.annotations);
	if (!st.cgroup[0]) {
		ctr_err("container \"%s\" has no cgroup v2 group: it cannot be %s", id,
			pause ? "paused" : "resumed");
		return -ENOTSUP;
	}
	if (!ctr_alive(&st)) {
		ctr_err("container \"%s\" is not running", id);
		return -ESRCH;
	}
	state_cg(&st, &cg);
	ret = cg_freeze(&cg, pause);
	if (ret)
		ctr_err("%s %s: %s", pause ? "freezing" : "thawing", st.cgroup, strerror(-ret));
	return ret;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "PWR", SIGPWR }, { "SYS", SIGSYS },
};

/* "KILL", "SIGKILL" or "9"; -1 if unknown. */
int ctr_signal_number(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);
	size_t i;

	if (*name && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(name, signals[i].name))
			return signals[i].sig;
	return -1;
}
