// SPDX-License-Identifier: GPL-2.0
/* The state directory of defined VMs: see state.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cgroup.h"
#include "state.h"
#include "vmctl.h"

static char root[4096];

void state_set_root(const char *dir)
{
	snprintf(root, sizeof(root), "%s", dir);
}

const char *state_root(void)
{
	const char *env = getenv("VMCTL_ROOT"), *home, *data;

	if (root[0])
		return root;
	if (env && *env)
		snprintf(root, sizeof(root), "%s", env);
	else if (geteuid() == 0)
		snprintf(root, sizeof(root), "/var/lib/lvmm/vms");
	else if ((data = getenv("XDG_DATA_HOME")) && *data)
		snprintf(root, sizeof(root), "%s/lvmm/vms", data);
	else if ((home = getenv("HOME")) && *home)
		snprintf(root, sizeof(root), "%s/.local/share/lvmm/vms", home);
	else
		snprintf(root, sizeof(root), "/tmp/lvmm-%u/vms", (unsigned int)geteuid());
	return root;
}

int state_path(char *buf, size_t size, const char *name, const char *file)
{
	int n = snprintf(buf, size, "%s/%s%s%s", state_root(), name, *file ? "/" : "", file);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* mkdir -p, owner only: the control socket and logs are the owner's. */
static int make_dirs(const char *path)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) && errno != EEXIST ? -1 : 0;
}

/* Write @text to @path through a temporary file and a rename: never half. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int state_def_save(const struct vm_def *d)
{
	struct json_object *o = json_object_new_object(), *args = json_object_new_array();
	char dir[4096], path[4200];
	int i, ret;

	for (i = 0; i < d->nargs; i++)
		json_object_array_add(args, json_object_new_string(d->args[i]));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "cwd", json_object_new_string(d->cwd));
	json_object_object_add(o, "args", args);
	json_object_object_add(o, "created", json_object_new_int64(d->created));
	if (state_path(dir, sizeof(dir), d->name, "") || make_dirs(dir)) {
		vmctl_err("cannot create the VM's directory %s: %s", dir, strerror(errno));
		json_object_put(o);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	ret = write_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_SPACED |
								JSON_C_TO_STRING_NOSLASHESCAPE));
	if (ret)
		vmctl_err("cannot write %s: %s", path, strerror(errno));
	json_object_put(o);
	return ret;
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int state_def_load(const char *name, struct vm_def *d)
{
	struct json_object *o, *args, *created;
	char path[4200];
	const char *s, *cwd;
	size_t i, n;

	memset(d, 0, sizeof(*d));
	if (state_path(path, sizeof(path), name, "config.json"))
		return -1;
	if (access(path, F_OK))
		return -2;
	o = json_object_from_file(path);
	if (!o) {
		vmctl_err("%s is not valid JSON (%s): delete the VM and create it again",
			  path, json_util_get_last_err());
		return -1;
	}
	s = json_str(o, "name");
	cwd = json_str(o, "cwd");
	if (!s || !cwd || !json_object_object_get_ex(o, "args", &args) ||
	    !json_object_is_type(args, json_type_array) ||
	    (n = json_object_array_length(args)) > STATE_MAX_ARGS) {
		vmctl_err("%s lacks name, cwd or args: delete the VM and create it again", path);
		json_object_put(o);
		return -1;
	}
	snprintf(d->name, sizeof(d->name), "%s", s);
	snprintf(d->cwd, sizeof(d->cwd), "%s", cwd);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(args, i));
		d->args[d->nargs++] = strdup(s ? s : "");
	}
	if (json_object_object_get_ex(o, "created", &created))
		d->created = json_object_get_int64(created);
	json_object_put(o);
	return 0;
}

void state_def_free(struct vm_def *d)
{
	int i;

	for (i = 0; i < d->nargs; i++)
		free(d->args[i]);
	d->nargs = 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list(char ***names)
{
	DIR *dir = opendir(state_root());
	char path[4200], **v = NULL;
	struct dirent *e;
	int n = 0;

	*names = NULL;
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dir))) {
		char **grown;

		if (e->d_name[0] == '.' || state_path(path, sizeof(path), e->d_name, "config.json") ||
		    access(path, F_OK))
			continue;
		grown = realloc(v, (n + 1) * sizeof(*v));
		if (!grown)
			break;
		v = grown;
		v[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), by_name);
	*names = v;
	return n;
}

/* argv[0] of process @pid is a vmctl (its threads carry the VM's name). */
static int is_vmctl(long pid)
{
	char proc[64], cmd[256] = "", *base;
	size_t n = 0;
	FILE *f;

	snprintf(proc, sizeof(proc), "/proc/%ld/cmdline", pid);
	f = fopen(proc, "r");
	if (f) {
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
	}
	cmd[n] = 0;
	base = strrchr(cmd, '/');
	return n && !strncmp(base ? base + 1 : cmd, "vmctl", 5);
}

pid_t state_running(const char *name)
{
	char path[4200];
	long pid = 0;
	FILE *f;

	if (state_path(path, sizeof(path), name, "pid"))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	/* Alive and still a vmctl: pids are reused after a SIGKILL. */
	if (pid > 0 && is_vmctl(pid))
		return pid;
	unlink(path);
	return 0;
}

int state_last_status(const char *name, long long *ended)
{
	struct json_object *o, *v;
	char path[4200];
	int status = -1;

	if (state_path(path, sizeof(path), name, "status.json") || access(path, F_OK))
		return -1;
	o = json_object_from_file(path);
	if (!o)
		return -1;
	if (json_object_object_get_ex(o, "exit_status", &v))
		status = json_object_get_int(v);
	if (ended && json_object_object_get_ex(o, "ended", &v))
		*ended = json_object_get_int64(v);
	json_object_put(o);
	return status;
}

void state_save_text(const char *name, const char *file, const char *text)
{
	char path[4200];

	if (!state_path(path, sizeof(path), name, file))
		write_atomic(path, text);
}

int state_load_text(const char *name, const char *file, char *buf, size_t size)
{
	char path[4200];
	FILE *f;
	int ok;

	buf[0] = 0;
	if (state_path(path, sizeof(path), name, file) || !(f = fopen(path, "re")))
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

long state_oom_kills(const char *name)
{
	struct cg cg;
	long n;

	if (state_load_text(name, "cgroup", cg.path, sizeof(cg.path)))
		return 0;
	n = cg_oom_kills(&cg);
	return n > 0 ? n : 0;
}

void state_save_status(const char *name, int status)
{
	struct json_object *o = json_object_new_object();
	char path[4200];

	json_object_object_add(o, "exit_status", json_object_new_int(status));
	json_object_object_add(o, "ended", json_object_new_int64(time(NULL)));
	if (!state_path(path, sizeof(path), name, "status.json"))
		write_atomic(path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}
