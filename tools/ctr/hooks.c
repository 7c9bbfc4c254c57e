// SPDX-License-Identifier: GPL-2.0
/* OCI hooks: each gets the container state as JSON on its stdin. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctr.h"

static const char *const hook_names[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

/* Every hook of config.json: an object with an absolute path, string args and env. */
int ctr_hooks_check(json_object *hooks, const char *file)
{
	struct jv h = jv_root(hooks, file), all;
	size_t i, j, n, k;

	snprintf(h.path, sizeof(h.path), "hooks");
	if (jv_object(&h) < 0)
		return -EINVAL;
	for (i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++) {
		all = jv_key(&h, hook_names[i]);
		if (jv_array(&all, &n) < 0)
			return -EINVAL;
		for (j = 0; j < n; j++) {
			struct jv o = jv_at(&all, j), p = jv_key(&o, "path"), t = jv_key(&o, "timeout");
			struct jv args = jv_key(&o, "args"), env = jv_key(&o, "env");
			const char *path;
			char **v = NULL;
			int64_t timeout;

			if (jv_need(&o, jv_object(&o), "an object") ||
			    jv_need(&p, jv_string(&p, &path), "an absolute path"))
				return -EINVAL;
			if (path[0] != '/')
				return jv_bad(&p, "expected an absolute path");
			if (jv_int(&t, 1, 86400 * 365, &timeout) < 0 || jv_strv(&args, &v, &k) < 0)
				return -EINVAL;
			free(v);
			v = NULL;
			if (jv_strv(&env, &v, &k) < 0)
				return -EINVAL;
			free(v);
		}
	}
	return 0;
}

static int run_hook(const struct jv *hook, const char *state, const char *name)
{
	struct jv p = jv_key(hook, "path"), a = jv_key(hook, "args"), e = jv_key(hook, "env");
	struct jv t = jv_key(hook, "timeout");
	const char *path = NULL;
	char **args = NULL, **env = NULL, *none[] = { NULL };
	int64_t timeout = 0;
	int fds[2], status, waited = 0;
	size_t n;
	pid_t pid;

	/* Checked when the config was read (ctr_hooks_check): no errors here. */
	if (jv_string(&p, &path) != 1 || path[0] != '/' || jv_int(&t, 1, INT32_MAX, &timeout) < 0 ||
	    jv_strv(&a, &args, &n) < 0 || jv_strv(&e, &env, &n) < 0) {
		ctr_err("%s hook: not a valid hook", name);
		free(args);
		return -EINVAL;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		free(args);
		free(env);
		return -errno;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv0[] = { (char *)path, NULL };

		dup2(fds[0], 0);
		execve(path, args && args[0] ? args : argv0, env ? env : none);
		_exit(127);
	}
	free(args);
	free(env);
	close(fds[0]);
	ctr_write_all(fds[1], state, strlen(state));
	close(fds[1]);
	for (;;) {
		pid_t r = waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (timeout > 0 && waited++ >= timeout * 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ctr_err("%s hook %s timed out after %lld s", name, path, (long long)timeout);
			return -ETIMEDOUT;
		}
		if (timeout > 0)
			nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ctr_err("%s hook %s failed (%s %d)", name, path,
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -EIO;
	}
	return 0;
}

int ctr_run_hooks_with(const struct ctr_spec *s, const char *name, const char *state)
{
	struct jv h = jv_root(s->hooks, "config.json"), list = jv_key(&h, name);
	size_t i, n;
	int ret = 0;

	if (jv_array(&list, &n) < 0)
		return -EINVAL;
	for (i = 0; !ret && i < n; i++) {
		struct jv hook = jv_at(&list, i);

		ret = run_hook(&hook, state, name);
	}
	return ret;
}

int ctr_run_hooks(const struct ctr_spec *s, const char *name, const struct ctr_state *st)
{
	json_object *state;
	int ret;

	if (!s->hooks || !json_object_object_get_ex(s->hooks, name, NULL))
		return 0;
	state = ctr_spec_state_json(st);
	ret = ctr_run_hooks_with(s, name, json_object_to_json_string_ext(state,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(state);
	return ret;
}
