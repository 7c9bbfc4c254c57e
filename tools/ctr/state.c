// SPDX-License-Identifier: GPL-2.0
/*
 * Container state under --root (default /run/ctr): ROOT/ID/state.json,
 * and ROOT/ID/exec.fifo while the container is created but not started.
 */
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
#include <time.h>
#include <unistd.h>

#include "ctr.h"

const char *ctr_root = "/run/ctr";

int ctr_valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (!n || n > 200 || !strcmp(id, ".") || !strcmp(id, ".."))
		return 0;
	for (i = 0; i < n; i++)
		if (!(id[i] == '-' || id[i] == '_' || id[i] == '.' || id[i] == '+' ||
		      (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z')))
			return 0;
	return 1;
}

unsigned long long ctr_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	int i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* comm may hold spaces: count fields after its closing parenthesis. */
	p = strrchr(buf, ')');
	for (i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

bool ctr_alive(const struct ctr_state *st)
{
	char path[64], buf[1024];
	FILE *f;
	char *p;

	if (st->pid <= 0 || kill(st->pid, 0))
		return false;
	if (ctr_proc_start_time(st->pid) != st->start_time)
		return false;	/* the pid was reused */
	/* A zombie has stopped. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)st->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return !(p && p[2] == 'Z');
}

const char *ctr_status(const struct ctr_state *st)
{
	char path[4200];
	char buf[64];
	FILE *f;

	if (!ctr_alive(st))
		return "stopped";
	snprintf(path, sizeof(path), "%s/creating", st->dir);
	if (access(path, F_OK) == 0)
		return "creating";
	snprintf(path, sizeof(path), "%s/exec.fifo", st->dir);
	if (access(path, F_OK) == 0)
		return "created";
	snprintf(path, sizeof(path), "%s/cgroup.events", st->cgroup);
	f = st->cgroup[0] ? fopen(path, "re") : NULL;
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (!strcmp(buf, "frozen 1\n")) {
				fclose(f);
				return "paused";
			}
		fclose(f);
	}
	return "running";
}

/*
 * ROOT/ID itself, never through a symlink: a state directory swapped for
 * a link must not make delete remove files elsewhere.
 */
static int open_state_dir(const struct ctr_state *st)
{
	int fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		ctr_err("%s is not a directory (a symlink?): refusing to use it", st->dir);
	return fd;
}

static json_object *read_json_at(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	json_object *o;

	if (fd < 0)
		return NULL;
	o = json_object_from_fd(fd);
	close(fd);
	return o;
}

/* The cgroup a state file names: a group below the v2 root, nothing else. */
static int check_cgroup(const struct jv *v, const char *path)
{
	char root[PATH_MAX];
	size_t n;

	if (!path[0])
		return 0;	/* there was no cgroup v2 group */
	if (cg_root(root, sizeof(root)))
		return jv_bad(v, "a cgroup, but this host has no cgroup v2 hierarchy");
	n = strlen(root);
	if (strncmp(path, root, n) || path[n] != '/' || !path[n + 1] || strstr(path, "/../") ||
	    strstr(path, "/./") || strstr(path, "//") || !strcmp(path + strlen(path) - 3, "/.."))
		return jv_bad(v, "expected a cgroup below %s", root);
	return 0;
}

int ctr_state_parse(struct ctr_state *st, json_object *o, const char *file)
{
	struct jv top = jv_root(o, file), id = jv_key(&top, "id"), pid = jv_key(&top, "pid");
	struct jv bundle = jv_key(&top, "bundle"), cg = jv_key(&top, "ctr_cgroup");
	struct jv start = jv_key(&top, "ctr_start_time"), created = jv_key(&top, "ctr_created");
	struct jv ann = jv_key(&top, "annotations"), ns = jv_key(&top, "ctr_created_ns");
	struct jv rootfs = jv_key(&top, "rootfs");
	const char *sid, *sbundle, *scg = "", *srootfs = "";
	int64_t v;

	if (jv_need(&top, jv_object(&top), "an object") ||
	    jv_need(&id, jv_string(&id, &sid), "the container id") ||
	    jv_need(&pid, jv_int(&pid, 0, 4194304, &v), "an integer 0..4194304"))
		return -EINVAL;
	if (strcmp(sid, st->id))
		return jv_bad(&id, "expected \"%s\" (the directory's name)", st->id);
	st->pid = v;
	if (jv_need(&bundle, jv_string(&bundle, &sbundle), "an absolute path") ||
	    jv_string(&cg, &scg) < 0 || check_cgroup(&cg, scg))
		return -EINVAL;
	if (sbundle[0] != '/')
		return jv_bad(&bundle, "expected an absolute path");
	if (strlen(sbundle) >= sizeof(st->bundle) || strlen(scg) >= sizeof(st->cgroup))
		return jv_bad(strlen(scg) >= sizeof(st->cgroup) ? &cg : &bundle, "expected a shorter path");
	snprintf(st->bundle, sizeof(st->bundle), "%s", sbundle);
	snprintf(st->cgroup, sizeof(st->cgroup), "%s", scg);
	v = 0;
	if (jv_int(&start, 0, INT64_MAX, &v) < 0)
		return -EINVAL;
	st->start_time = v;
	v = 0;
	/* Seconds that still fit in nanoseconds (created_ns() multiplies). */
	if (jv_int(&created, 0, INT64_MAX / 1000000000, &v) < 0 || jv_string_map(&ann) < 0)
		return -EINVAL;
	st->created = v;
	v = 0;
	if (jv_int(&ns, 0, INT64_MAX, &v) < 0 || jv_string(&rootfs, &srootfs) < 0)
		return -EINVAL;
	st->created_ns = v;
	if (srootfs[0] && srootfs[0] != '/')
		return jv_bad(&rootfs, "expected an absolute path");
	if (strlen(srootfs) >= sizeof(st->rootfs))
		return jv_bad(&rootfs, "expected a shorter path");
	snprintf(st->rootfs, sizeof(st->rootfs), "%s", srootfs);
	if (ann.o)
		st->annotations = json_object_get(ann.o);
	return 0;
}

int ctr_state_load(struct ctr_state *st, const char *id)
{
	char path[4200];
	json_object *o;
	int dir, ret;

	memset(st, 0, sizeof(*st));
	if (!ctr_valid_id(id)) {
		ctr_err("invalid container id \"%s\": use letters, digits and - _ . +", id);
		return -EINVAL;
	}
	snprintf(st->id, sizeof(st->id), "%s", id);
	snprintf(st->dir, sizeof(st->dir), "%s/%s", ctr_root, id);
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	dir = open_state_dir(st);
	if (dir < 0 && (errno == ELOOP || errno == ENOTDIR))
		return -ENOTDIR;
	o = dir < 0 ? NULL : read_json_at(dir, "state.json");
	if (dir >= 0)
		close(dir);
	if (!o) {
		ctr_err("container \"%s\" does not exist (no state in %s; see ctr list)", id,
			st->dir);
		return -ENOENT;
	}
	ret = ctr_state_parse(st, o, path);
	json_object_put(o);
	return ret;
}

int ctr_state_save_config(const struct ctr_state *st, json_object *config)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", st->dir, CTR_SAVED_CONFIG);
	if (json_object_to_file_ext(path, config, JSON_C_TO_STRING_PLAIN)) {
		ctr_err("saving the config to %s: %s", path, json_util_get_last_err());
		return -EIO;
	}
	return 0;
}

static json_object *saved_config(const struct ctr_state *st)
{
	int dir = open_state_dir(st);
	json_object *o = dir < 0 ? NULL : read_json_at(dir, CTR_SAVED_CONFIG);

	if (dir >= 0)
		close(dir);
	if (!o)
		ctr_err("container \"%s\": its saved config %s/%s is missing or not JSON", st->id,
			st->dir, CTR_SAVED_CONFIG);
	return o;
}

int ctr_state_spec(const struct ctr_state *st, struct ctr_spec *s)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", st->dir, CTR_SAVED_CONFIG);
	return ctr_spec_load(s, st->bundle, path);
}

json_object *ctr_state_hooks(const struct ctr_state *st)
{
	json_object *o = saved_config(st), *hooks = NULL;
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", st->dir, CTR_SAVED_CONFIG);
	if (o && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "hooks", &hooks) && !ctr_hooks_check(hooks, path))
		json_object_get(hooks);
	else
		hooks = NULL;
	json_object_put(o);
	return hooks;
}

/*
 * What the state takes from the config saved at create: root.path made
 * absolute, as runc prints it, and (if @ann) the annotations.
 */
static void from_saved_config(const struct ctr_state *st, char *rootfs, size_t len,
			      json_object **ann)
{
	json_object *o, *root, *path, *a;
	const char *p;
	int dir;

	snprintf(rootfs, len, "%s", st->rootfs);
	if (rootfs[0] && !ann)
		return;
	dir = open(st->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	o = dir < 0 ? NULL : read_json_at(dir, CTR_SAVED_CONFIG);
	if (dir >= 0)
		close(dir);
	if (!rootfs[0] && o && json_object_object_get_ex(o, "root", &root) &&
	    json_object_object_get_ex(root, "path", &path) &&
	    json_object_is_type(path, json_type_string)) {
		p = json_object_get_string(path);
		if (p[0] == '/')
			snprintf(rootfs, len, "%s", p);
		else
			snprintf(rootfs, len, "%s/%s", st->bundle, p);
	}
	/* spec.c checked them: an object of strings. */
	if (ann && o && json_object_object_get_ex(o, "annotations", &a) &&
	    json_object_is_type(a, json_type_object))
		*ann = json_object_get(a);
	json_object_put(o);
}

/* The creation time in nanoseconds: what create recorded, else its second. */
static long long created_ns(const struct ctr_state *st)
{
	return st->created_ns ? st->created_ns : st->created * 1000000000LL;
}

/* Go's RFC3339Nano, as runc prints "created": UTC, trailing zeros dropped. */
void ctr_rfc3339_nano(long long ns, char *buf, size_t len)
{
	time_t t = ns / 1000000000LL;
	char frac[16];
	struct tm tm;
	int n;

	gmtime_r(&t, &tm);
	n = snprintf(frac, sizeof(frac), ".%09lld", ns % 1000000000LL);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = 0;
	if (n == 1)
		frac[0] = 0;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, "%sZ", frac);
}

/* The annotations of the state, else of the saved config (create's hooks run before it is saved). */
static json_object *state_annotations(const struct ctr_state *st)
{
	json_object *ann = NULL;
	char rootfs[4200];

	if (st->annotations)
		return json_object_get(st->annotations);
	from_saved_config(st, rootfs, sizeof(rootfs), &ann);
	return ann;
}

/*
 * The runtime-spec state alone, in the spec's order: what hooks read on
 * stdin (runc gives them its specs.State, not the state verb's output).
 */
json_object *ctr_spec_state_json(const struct ctr_state *st)
{
	json_object *o = json_object_new_object(), *ann = state_annotations(st);

	json_object_object_add(o, "ociVersion", json_object_new_string(CTR_OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(ctr_status(st)));
	json_object_object_add(o, "pid", json_object_new_int(ctr_alive(st) ? st->pid : 0));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "annotations", ann ? ann : json_object_new_object());
	return o;
}

/*
 * The runtime-spec state with runc's extra fields, in runc's order (plus
 * ctr's own, prefixed ctr_, in the saved file).  owner is "" as in runc's
 * state; list fills it in.
 */
json_object *ctr_state_json(const struct ctr_state *st)
{
	json_object *o = json_object_new_object(), *ann = state_annotations(st);
	char buf[4200];

	json_object_object_add(o, "ociVersion", json_object_new_string(CTR_OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "pid", json_object_new_int(ctr_alive(st) ? st->pid : 0));
	json_object_object_add(o, "status", json_object_new_string(ctr_status(st)));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	from_saved_config(st, buf, sizeof(buf), NULL);
	json_object_object_add(o, "rootfs", json_object_new_string(buf));
	ctr_rfc3339_nano(created_ns(st), buf, sizeof(buf));
	json_object_object_add(o, "created", json_object_new_string(buf));
	/* Left out when there are none, as runc does. */
	if (ann && json_object_object_length(ann))
		json_object_object_add(o, "annotations", json_object_get(ann));
	json_object_put(ann);
	json_object_object_add(o, "owner", json_object_new_string(""));
	return o;
}

int ctr_state_save(const struct ctr_state *st)
{
	char path[4200], tmp[4200];
	struct ctr_state copy = *st;
	struct timespec now;
	long long ns = st->created_ns;
	json_object *o;
	int ret = 0;

	/* The first save (create's) records the time to the nanosecond, as runc does. */
	if (!ns && !clock_gettime(CLOCK_REALTIME, &now))
		ns = now.tv_sec == st->created ? now.tv_sec * 1000000000LL + now.tv_nsec
					       : st->created * 1000000000LL;
	copy.created_ns = ns;
	from_saved_config(st, copy.rootfs, sizeof(copy.rootfs), NULL);
	o = ctr_state_json(&copy);

	/* What was asked for, not what is observed now. */
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "ctr_cgroup", json_object_new_string(st->cgroup));
	json_object_object_add(o, "ctr_start_time", json_object_new_int64(st->start_time));
	json_object_object_add(o, "ctr_created", json_object_new_int64(st->created));
	json_object_object_add(o, "ctr_created_ns", json_object_new_int64(ns));
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", st->dir);
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN) || rename(tmp, path))
		ret = -errno;
	json_object_put(o);
	return ret;
}

int ctr_remove_state(const struct ctr_state *st)
{
	static const char *const files[] = {
		"exec.fifo", "creating", "state.json", ".state.json.tmp", CTR_SAVED_CONFIG,
	};
	int dir = open_state_dir(st), ret;
	size_t i;

	if (dir < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(dir, files[i], 0);
	close(dir);
	ret = rmdir(st->dir) ? -errno : 0;
	if (ret)
		ctr_err("removing %s: %s", st->dir, strerror(-ret));
	return ret;
}

/* --pid-file: nothing if @path is NULL; -errno after one error line. */
int ctr_write_pid_file(const char *path, pid_t pid)
{
	char buf[32];
	int ret;

	if (!path)
		return 0;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	ret = ctr_write_file_atomic(path, buf, 0644);
	if (ret)
		ctr_err("writing --pid-file %s: %s", path, strerror(-ret));
	return ret;
}
