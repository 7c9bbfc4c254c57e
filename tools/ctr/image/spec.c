// SPDX-License-Identifier: GPL-2.0
/*
 * An image's config as a runtime bundle's config.json: the runtime's own
 * default spec (`ctr spec`) with the image's Entrypoint, Cmd, Env,
 * WorkingDir and User, then the command line's overrides, volumes and
 * limits.  Capabilities are Podman's default set, since images are
 * written for engines that grant it (a RUN of chown or su needs it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "image.h"

static const char *const engine_caps[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
	"CAP_SYS_CHROOT",
};

static json_object *obj(json_object *o, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
		return v;
	v = json_object_new_object();
	json_object_object_add(o, key, v);
	return v;
}

/* env: the image's, then -e K=V (a bare K takes this process's value). */
static void set_env(json_object *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv), i;
	char buf[8192];

	if (!eq) {
		const char *v = getenv(kv);

		if (!v)
			return;
		snprintf(buf, sizeof(buf), "%s=%s", kv, v);
		kv = buf;
	}
	for (i = 0; i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));

		if (!strncmp(e, kv, klen) && e[klen] == '=') {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
}

/* A line of @file in the container's root, where @key is its first field. */
static int passwd_lookup(int root_fd, const char *file, const char *key, unsigned long *id,
			 unsigned long *gid)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	char buf[65536], *line, *save = NULL;
	int fd = syscall(SYS_openat2, root_fd, file, &how, sizeof(how));
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { 0 }, *p = line;
		int i;

		for (i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = 0;
		}
		if (f[0] && f[2] && !strcmp(f[0], key)) {
			*id = strtoul(f[2], NULL, 10);
			if (gid && f[3])
				*gid = strtoul(f[3], NULL, 10);
			return 0;
		}
	}
	return -1;
}

static int open_in_root(int root_fd, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };

	return syscall(SYS_openat2, root_fd, *path ? path : "/", &how, sizeof(how));
}

/* mkdir -p @path inside the container's root (symlinks resolved inside it), as Podman does for the working directory. */
static int mkdir_in_root(int root_fd, const char *path)
{
	char buf[4096], *p;
	int fd;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1;; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = 0;
		fd = open_in_root(root_fd, buf);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(buf, '/');
			int parent;

			*slash = 0;
			parent = open_in_root(root_fd, buf);
			*slash = '/';
			if (parent < 0 || (mkdirat(parent, slash + 1, 0755) && errno != EEXIST)) {
				if (parent >= 0)
					close(parent);
				return img_err("cannot make the working directory %s in the container: %s",
					       path, strerror(errno));
			}
			close(parent);
		} else if (fd < 0) {
			return img_err("working directory %s: %s", path, strerror(errno));
		} else {
			close(fd);
		}
		*p = c;
		if (!c)
			return 0;
	}
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* USER[:GROUP], names looked up in the image's /etc/passwd and /etc/group. */
static int set_user(json_object *process, const char *spec, int root_fd)
{
	char u[256], *g;
	unsigned long uid = 0, gid = 0;
	json_object *user = obj(process, "user");

	snprintf(u, sizeof(u), "%s", spec);
	g = strchr(u, ':');
	if (g)
		*g++ = 0;
	if (numeric(u)) {
		uid = strtoul(u, NULL, 10);
		passwd_lookup(root_fd, "/etc/passwd", u, &uid, &gid);	/* only for its group */
		gid = g ? gid : 0;
		/* a uid without a passwd entry runs with group 0, as in Docker */
	} else if (passwd_lookup(root_fd, "/etc/passwd", u, &uid, &gid)) {
		return img_err("user \"%s\" is not in the image's /etc/passwd: give a numeric uid[:gid]", u);
	}
	if (g && numeric(g))
		gid = strtoul(g, NULL, 10);
	else if (g && passwd_lookup(root_fd, "/etc/group", g, &gid, NULL))
		return img_err("group \"%s\" is not in the image's /etc/group: give a numeric gid", g);
	if (uid > UINT_MAX - 1 || gid > UINT_MAX - 1)
		return img_err("user \"%s\": id out of range", spec);
	json_object_object_add(user, "uid", json_object_new_int64(uid));
	json_object_object_add(user, "gid", json_object_new_int64(gid));
	return 0;
}

/* 64m, 1g, 512k, 1024 -> bytes */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	int64_t mul = 1;

	switch (*end) {
	case 'k': case 'K': mul = 1 << 10; end++; break;
	case 'm': case 'M': mul = 1 << 20; end++; break;
	case 'g': case 'G': mul = 1 << 30; end++; break;
	case 0: break;
	default: return -1;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || end == s || v <= 0 || v * mul > (double)INT64_MAX)
		return -1;
	*out = (int64_t)(v * mul);
	return 0;
}

static int set_limits(json_object *linux_, const struct run_opts *o)
{
	json_object *res = obj(linux_, "resources");

	if (o->memory) {
		int64_t b;

		if (parse_bytes(o->memory, &b) || b < 6 << 20)
			return img_err("--memory %s: give a size of at least 6m (e.g. 64m, 1g)", o->memory);
		json_object_object_add(obj(res, "memory"), "limit", json_object_new_int64(b));
	}
	if (o->cpus) {
		char *end;
		double c = strtod(o->cpus, &end);

		if (*end || c <= 0 || c > 1024)
			return img_err("--cpus %s: give a number of CPUs such as 0.5 or 2", o->cpus);
		json_object_object_add(obj(res, "cpu"), "quota", json_object_new_int64(c * 100000));
		json_object_object_add(obj(res, "cpu"), "period", json_object_new_int64(100000));
	}
	if (o->pids_limit) {
		char *end;
		long long n = strtoll(o->pids_limit, &end, 10);

		if (*end || n < 1)
			return img_err("--pids-limit %s: give a positive number", o->pids_limit);
		json_object_object_add(obj(res, "pids"), "limit", json_object_new_int64(n));
	}
	return 0;
}

static int add_volume(json_object *mounts, const char *v)
{
	char host[PATH_MAX], real[PATH_MAX], *dest, *opt;
	json_object *m, *opts;

	snprintf(host, sizeof(host), "%s", v);
	dest = strchr(host, ':');
	if (!dest)
		return img_err("-v %s: give HOST-PATH:CONTAINER-PATH[:ro]", v);
	*dest++ = 0;
	opt = strchr(dest, ':');
	if (opt)
		*opt++ = 0;
	if (opt && strcmp(opt, "ro") && strcmp(opt, "rw"))
		return img_err("-v %s: the option after the paths is ro or rw", v);
	if (dest[0] != '/')
		return img_err("-v %s: the container path must be absolute", v);
	if (!realpath(host, real))
		return img_err("-v %s: %s: %s (create it first)", v, host, strerror(errno));
	m = json_object_new_object();
	opts = json_object_new_array();
	json_object_object_add(m, "destination", json_object_new_string(dest));
	json_object_object_add(m, "type", json_object_new_string("bind"));
	json_object_object_add(m, "source", json_object_new_string(real));
	json_object_array_add(opts, json_object_new_string("rbind"));
	json_object_array_add(opts, json_object_new_string(opt && !strcmp(opt, "ro") ? "ro" : "rw"));
	json_object_object_add(m, "options", opts);
	json_object_array_add(mounts, m);
	return 0;
}

/* The process args: Entrypoint + Cmd, each overridable (--entrypoint clears Cmd). */
static json_object *process_args(json_object *rc, char **argv, const struct run_opts *o)
{
	json_object *args = json_object_new_array(), *ep = NULL, *cmd = NULL;
	size_t i;

	if (rc) {
		json_object_object_get_ex(rc, "Entrypoint", &ep);
		json_object_object_get_ex(rc, "Cmd", &cmd);
	}
	if (o && o->entrypoint) {
		if (*o->entrypoint)
			json_object_array_add(args, json_object_new_string(o->entrypoint));
		cmd = NULL;
	} else if (ep && json_object_is_type(ep, json_type_array)) {
		for (i = 0; i < json_object_array_length(ep); i++)
			json_object_array_add(args, json_object_get(json_object_array_get_idx(ep, i)));
	}
	if (argv && *argv) {
		for (; *argv; argv++)
			json_object_array_add(args, json_object_new_string(*argv));
	} else if (cmd && json_object_is_type(cmd, json_type_array)) {
		for (i = 0; i < json_object_array_length(cmd); i++)
			json_object_array_add(args, json_object_get(json_object_array_get_idx(cmd, i)));
	}
	return args;
}

int spec_from_image(const char *bundle, json_object *rc, char **argv, const struct run_opts *o,
		    int root_fd)
{
	char path[PATH_MAX], *rt[] = { (char *)img_runtime(), "spec", "--bundle", (char *)bundle, NULL };
	json_object *spec, *process, *caps, *env, *v, *linux_;
	const char *user = NULL, *cwd = NULL;
	size_t i;
	int ret = -1;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	unlink(path);
	if (img_spawn(rt, NULL))
		return img_err("%s spec failed: is the runtime ctr beside ctr-image or on PATH?", rt[0]);
	spec = json_object_from_file(path);
	if (!spec)
		return img_err("cannot read %s", path);
	process = obj(spec, "process");
	json_object_object_add(process, "args", process_args(rc, argv, o));
	if (!json_object_array_length(json_object_object_get(process, "args"))) {
		img_err("no command: the image has no Entrypoint or Cmd; give one after the image name");
		goto out;
	}
	json_object_object_add(process, "terminal", json_object_new_boolean(o && o->tty));
	json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(0));
	caps = obj(process, "capabilities");
	for (i = 0; i < 3; i++) {
		static const char *const sets[] = { "bounding", "effective", "permitted" };
		json_object *a = json_object_new_array();
		size_t c;

		for (c = 0; c < sizeof(engine_caps) / sizeof(engine_caps[0]); c++)
			json_object_array_add(a, json_object_new_string(engine_caps[c]));
		json_object_object_add(caps, sets[i], a);
	}
	env = json_object_new_array();
	set_env(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (o && o->tty)
		set_env(env, "TERM=xterm");
	if (rc && json_object_object_get_ex(rc, "Env", &v) && json_object_is_type(v, json_type_array))
		for (i = 0; i < json_object_array_length(v); i++)
			set_env(env, json_object_get_string(json_object_array_get_idx(v, i)));
	for (i = 0; o && o->env && o->env[i]; i++)
		set_env(env, o->env[i]);
	json_object_object_add(process, "env", env);
	if (rc && json_object_object_get_ex(rc, "WorkingDir", &v) && *json_object_get_string(v))
		cwd = json_object_get_string(v);
	if (o && o->workdir)
		cwd = o->workdir;
	if (cwd && cwd[0] != '/') {
		img_err("working directory \"%s\" is not absolute", cwd);
		goto out;
	}
	if (cwd && mkdir_in_root(root_fd, cwd))
		goto out;
	json_object_object_add(process, "cwd", json_object_new_string(cwd ? cwd : "/"));
	if (rc && json_object_object_get_ex(rc, "User", &v) && *json_object_get_string(v))
		user = json_object_get_string(v);
	if (o && o->user)
		user = o->user;
	if (user && set_user(process, user, root_fd))
		goto out;
	json_object_object_add(obj(spec, "root"), "readonly", json_object_new_boolean(0));
	linux_ = obj(spec, "linux");
	if (o && (o->volumes || o->host_network)) {
		json_object *mounts;

		if (!json_object_object_get_ex(spec, "mounts", &mounts)) {
			mounts = json_object_new_array();
			json_object_object_add(spec, "mounts", mounts);
		}
		for (i = 0; o->volumes && o->volumes[i]; i++)
			if (add_volume(mounts, o->volumes[i]))
				goto out;
	}
	if (o && o->host_network) {
		json_object *ns;

		if (json_object_object_get_ex(linux_, "namespaces", &ns))
			for (i = json_object_array_length(ns); i-- > 0;) {
				json_object *t = json_object_object_get(json_object_array_get_idx(ns, i), "type");

				if (t && !strcmp(json_object_get_string(t), "network"))
					json_object_array_del_idx(ns, i, 1);
			}
	}
	if (o && set_limits(linux_, o))
		goto out;
	if (rc && json_object_object_get_ex(rc, "ExposedPorts", &v)) {
		char ports[1024] = "";
		size_t n = 0;

		json_object_object_foreach(v, port, val) {
			(void)val;
			n += snprintf(ports + n, n < sizeof(ports) ? sizeof(ports) - n : 0, "%s%s",
				      n ? "," : "", port);
		}
		json_object_object_add(obj(spec, "annotations"), "org.opencontainers.image.exposedPorts",
				       json_object_new_string(ports));
	}
	ret = json_object_to_file_ext(path, spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) ?
	      img_err("cannot write %s", path) : 0;
out:
	json_object_put(spec);
	return ret;
}
