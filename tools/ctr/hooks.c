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

/* A JSON array of strings as a NULL-terminated vector ({@if_empty} if empty). */
char **ctr_strv(json_object *arr, const char *if_empty)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;
	char **v = calloc(n + 2, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = (char *)json_object_get_string(json_object_array_get_idx(arr, i));
	if (!n && if_empty)
		v[0] = (char *)if_empty;
	return v;
}

static int run_hook(json_object *hook, const char *state, const char *name)
{
	json_object *v;
	const char *path = json_object_object_get_ex(hook, "path", &v) ?
			   json_object_get_string(v) : NULL;
	json_object *args = json_object_object_get_ex(hook, "args", &v) ? v : NULL;
	json_object *env = json_object_object_get_ex(hook, "env", &v) ? v : NULL;
	int timeout = json_object_object_get_ex(hook, "timeout", &v) ? json_object_get_int(v) : 0;
	int fds[2], status, waited = 0;
	pid_t pid;

	if (!path || path[0] != '/') {
		ctr_err("%s hook: path must be absolute", name);
		return -EINVAL;
	}
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char **argv = ctr_strv(args, path), **envp = ctr_strv(env, NULL);

		dup2(fds[0], 0);
		execve(path, argv, envp);
		_exit(127);
	}
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
			ctr_err("%s hook %s timed out after %d s", name, path, timeout);
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
	json_object *list;
	size_t i;
	int ret = 0;

	if (!s->hooks || !json_object_object_get_ex(s->hooks, name, &list))
		return 0;
	for (i = 0; !ret && i < json_object_array_length(list); i++)
		ret = run_hook(json_object_array_get_idx(list, i), state, name);
	return ret;
}

int ctr_run_hooks(const struct ctr_spec *s, const char *name, const struct ctr_state *st)
{
	json_object *state;
	int ret;

	if (!s->hooks || !json_object_object_get_ex(s->hooks, name, NULL))
		return 0;
	state = ctr_state_json(st);
	ret = ctr_run_hooks_with(s, name, json_object_to_json_string_ext(state,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(state);
	return ret;
}
