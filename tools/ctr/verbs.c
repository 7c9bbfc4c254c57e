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
	if (!ctr_alive(&st)) {
		ctr_err("container \"%s\" is not running", id);
		return -ESRCH;
	}
	state_cg(&st, &cg);
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

int ctr_delete(const char *id, bool force)
{
	struct ctr_state st;
	struct ctr_spec s;
	const char *status;
	int ret = ctr_state_load(&st, id), i;

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

int ctr_list(bool json, bool quiet)
{
	json_object *arr = json_object_new_array();
	struct dirent *d;
	DIR *dir = opendir(ctr_root);

	if (!json && !quiet)
		printf("%-20s %-8s %-8s %-20s %s\n", "ID", "PID", "STATUS", "CREATED", "BUNDLE");
	while (dir && (d = readdir(dir))) {
		struct ctr_state st;
		char created[32];
		struct tm tm;
		time_t t;

		if (d->d_name[0] == '.' || !ctr_valid_id(d->d_name))
			continue;
		if (ctr_state_load(&st, d->d_name))
			continue;
		if (json) {
			json_object *o = ctr_state_json(&st);

			t = st.created;
			gmtime_r(&t, &tm);
			strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
			json_object_object_add(o, "created", json_object_new_string(created));
			json_object_array_add(arr, o);
			json_object_put(st.annotations);
			continue;
		}
		if (quiet) {
			printf("%s\n", st.id);
			json_object_put(st.annotations);
			continue;
		}
		t = st.created;
		gmtime_r(&t, &tm);
		strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%-20s %-8d %-8s %-20s ", st.id, ctr_alive(&st) ? st.pid : 0,
		       ctr_status(&st), created);
		ctr_fputs_safe(st.bundle, stdout);
		putchar('\n');
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

int ctr_ps(const char *id)
{
	struct ctr_state st;
	struct cg cg;
	pid_t pids[4096];
	int n, i, ret = ctr_state_load(&st, id);

	if (ret)
		return ret;
	json_object_put(st.annotations);
	if (!st.cgroup[0]) {
		printf("PID\n%d\n", ctr_alive(&st) ? st.pid : 0);
		return 0;
	}
	state_cg(&st, &cg);
	n = cg_pids(&cg, pids, 4096);
	if (n < 0)
		return n;
	printf("PID\n");
	for (i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	return 0;
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

int ctr_features(void)
{
	printf("{\n"
	       "  \"ociVersionMin\": \"1.0.0\",\n"
	       "  \"ociVersionMax\": \"1.1.0\",\n"
	       "  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", \"startContainer\", \"poststart\", \"poststop\"],\n"
	       "  \"mountOptions\": [\"ro\", \"rw\", \"nosuid\", \"suid\", \"nodev\", \"dev\", \"noexec\", \"exec\", \"bind\", \"rbind\", \"private\", \"rprivate\", \"shared\", \"rshared\", \"slave\", \"rslave\", \"unbindable\", \"runbindable\", \"noatime\", \"relatime\", \"strictatime\", \"nodiratime\", \"sync\"],\n"
	       "  \"linux\": {\n"
	       "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"time\", \"user\", \"uts\"],\n"
	       "    \"cgroup\": {\"v1\": false, \"v2\": true, \"systemd\": false},\n"
	       "    \"seccomp\": {\"enabled\": true},\n"
	       "    \"apparmor\": {\"enabled\": false},\n"
	       "    \"selinux\": {\"enabled\": false}\n"
	       "  }\n"
	       "}\n");
	return 0;
}
