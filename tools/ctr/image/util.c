// SPDX-License-Identifier: GPL-2.0
/* Messages, removal of trees and running the runtime. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image.h"

static void message(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int img_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("ctr: ", fmt, ap);
	va_end(ap);
	return -1;
}

void img_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("ctr: warning: ", fmt, ap);
	va_end(ap);
}

char **img_strv_new(void)
{
	return calloc(1, sizeof(char *));
}

int img_strv_add(char ***v, size_t *n, const char *str)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv)), *dup = strdup(str);

	if (nv)
		*v = nv;
	if (!nv || !dup) {
		free(dup);
		return -ENOMEM;
	}
	nv[(*n)++] = dup;
	nv[*n] = NULL;
	return 0;
}

bool img_strv_has(char *const *v, const char *str)
{
	for (; v && *v; v++)
		if (!strcmp(*v, str))
			return true;
	return false;
}

void img_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (type == FTW_DP ? rmdir(path) : unlink(path))
		return errno == ENOENT ? 0 : -1;
	return 0;
}

int img_rmtree(const char *path)
{
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) && errno != ENOENT)
		return img_err("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

const char *img_runtime(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	ssize_t n;

	if (path[0])
		return path;
	if (getenv("CTR_RUNTIME")) {
		snprintf(path, sizeof(path), "%s", getenv("CTR_RUNTIME"));
		return path;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			/* beside us in the build tree (tools/ctr), or ../../bin from libexec/lvmm */
			snprintf(path, sizeof(path), "%.*s/ctr", (int)(slash - self), self);
			if (!access(path, X_OK))
				return path;
			snprintf(path, sizeof(path), "%.*s/../../bin/ctr", (int)(slash - self), self);
			if (!access(path, X_OK))
				return path;
		}
	}
	snprintf(path, sizeof(path), "ctr");
	return path;
}

int img_spawn(char *const argv[], const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return img_err("cannot fork: %s", strerror(errno));
	if (!pid) {
		if (dir && chdir(dir))
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "ctr: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
