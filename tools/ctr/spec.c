// SPDX-License-Identifier: GPL-2.0
/*
 * config.json (OCI runtime-spec 1.x) into struct ctr_spec.  Whatever
 * matters for isolation and ctr cannot honour is an error, not a silent
 * no-op.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "ctr.h"
#include "seccomp.h"

static json_object *get(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t get_int(json_object *o, const char *key, int64_t def)
{
	json_object *v = get(o, key);

	return v ? json_object_get_int64(v) : def;
}

static const struct {
	const char *name;
	int type;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int parse_namespaces(struct ctr_spec *s, json_object *arr)
{
	size_t i, j;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *n = json_object_array_get_idx(arr, i);
		const char *type = get_str(n, "type");

		for (j = 0; j < sizeof(ns_types) / sizeof(ns_types[0]); j++)
			if (type && !strcmp(type, ns_types[j].name))
				break;
		if (j == sizeof(ns_types) / sizeof(ns_types[0])) {
			ctr_err("config.json: unknown namespace type \"%s\" (known: pid, network, mount, ipc, uts, user, cgroup, time)",
				type ? type : "(none)");
			return -EINVAL;
		}
		if (ctr_spec_has_ns(s, ns_types[j].type)) {
			ctr_err("config.json: namespace \"%s\" is listed twice", type);
			return -EINVAL;
		}
		s->ns[s->nns].type = ns_types[j].type;
		s->ns[s->nns].path = get_str(n, "path");
		s->nns++;
	}
	return 0;
}

static int parse_idmap(json_object *arr, struct ctr_idmap *map, int *n, const char *what)
{
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *m = json_object_array_get_idx(arr, i);

		if (i >= 16) {
			ctr_err("config.json: more than 16 %s", what);
			return -EINVAL;
		}
		map[i].inner = get_int(m, "containerID", 0);
		map[i].outer = get_int(m, "hostID", 0);
		map[i].count = get_int(m, "size", 0);
	}
	*n = i;
	return 0;
}

static const struct {
	const char *name;
	unsigned long set, clear, propagation;
} mount_opts[] = {
	{ "ro", MS_RDONLY, 0, 0 }, { "rw", 0, MS_RDONLY, 0 },
	{ "nosuid", MS_NOSUID, 0, 0 }, { "suid", 0, MS_NOSUID, 0 },
	{ "nodev", MS_NODEV, 0, 0 }, { "dev", 0, MS_NODEV, 0 },
	{ "noexec", MS_NOEXEC, 0, 0 }, { "exec", 0, MS_NOEXEC, 0 },
	{ "noatime", MS_NOATIME, 0, 0 }, { "relatime", MS_RELATIME, 0, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0 }, { "nodiratime", MS_NODIRATIME, 0, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 }, { "defaults", 0, 0, 0 },
	{ "bind", MS_BIND, 0, 0 }, { "rbind", MS_BIND | MS_REC, 0, 0 },
	{ "private", 0, 0, MS_PRIVATE }, { "rprivate", 0, 0, MS_PRIVATE | MS_REC },
	{ "shared", 0, 0, MS_SHARED }, { "rshared", 0, 0, MS_SHARED | MS_REC },
	{ "slave", 0, 0, MS_SLAVE }, { "rslave", 0, 0, MS_SLAVE | MS_REC },
	{ "unbindable", 0, 0, MS_UNBINDABLE }, { "runbindable", 0, 0, MS_UNBINDABLE | MS_REC },
};

static int parse_mount(struct ctr_mount *m, json_object *o)
{
	json_object *opts = get(o, "options");
	size_t i, j;

	m->dest = get_str(o, "destination");
	m->type = get_str(o, "type");
	m->source = get_str(o, "source");
	if (!m->dest || m->dest[0] != '/') {
		ctr_err("config.json: a mount needs an absolute \"destination\"");
		return -EINVAL;
	}
	for (i = 0; opts && i < json_object_array_length(opts); i++) {
		const char *opt = json_object_get_string(json_object_array_get_idx(opts, i));

		for (j = 0; j < sizeof(mount_opts) / sizeof(mount_opts[0]); j++)
			if (!strcmp(opt, mount_opts[j].name))
				break;
		if (j < sizeof(mount_opts) / sizeof(mount_opts[0])) {
			m->flags = (m->flags | mount_opts[j].set) & ~mount_opts[j].clear;
			m->propagation |= mount_opts[j].propagation;
			continue;
		}
		/* Anything else is filesystem data (mode=755, size=65536k, ...). */
		if (strlen(m->data) + strlen(opt) + 2 > sizeof(m->data)) {
			ctr_err("config.json: mount options of %s are too long", m->dest);
			return -EINVAL;
		}
		if (m->data[0])
			strcat(m->data, ",");
		strcat(m->data, opt);
	}
	m->bind = m->flags & MS_BIND;
	m->recursive = m->flags & MS_REC;
	if (m->type && !strcmp(m->type, "bind"))
		m->bind = true;
	if (!m->bind && !m->type) {
		ctr_err("config.json: mount %s has neither a type nor a bind option", m->dest);
		return -EINVAL;
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int parse_process(struct ctr_spec *s, json_object *p)
{
	json_object *user = get(p, "user"), *rl = get(p, "rlimits"), *groups;
	size_t i, j;

	s->args = get(p, "args");
	if (!s->args || !json_object_is_type(s->args, json_type_array) ||
	    !json_object_array_length(s->args)) {
		ctr_err("config.json: process.args must be a non-empty array");
		return -EINVAL;
	}
	s->env = get(p, "env");
	s->cwd = get_str(p, "cwd");
	if (!s->cwd || s->cwd[0] != '/') {
		ctr_err("config.json: process.cwd must be an absolute path");
		return -EINVAL;
	}
	s->terminal = json_object_get_boolean(get(p, "terminal"));
	s->no_new_privs = json_object_get_boolean(get(p, "noNewPrivileges"));
	s->caps = get(p, "capabilities");
	if (get(p, "oomScoreAdj")) {
		s->has_oom_score_adj = true;
		s->oom_score_adj = get_int(p, "oomScoreAdj", 0);
	}
	s->uid = get_int(user, "uid", 0);
	s->gid = get_int(user, "gid", 0);
	if (get(user, "umask")) {
		s->has_umask = true;
		s->umask = get_int(user, "umask", 022);
	}
	groups = get(user, "additionalGids");
	for (i = 0; groups && i < json_object_array_length(groups) && i < 64; i++)
		s->groups[s->ngroups++] = json_object_get_int64(json_object_array_get_idx(groups, i));
	for (i = 0; rl && i < json_object_array_length(rl); i++) {
		json_object *r = json_object_array_get_idx(rl, i);
		const char *type = get_str(r, "type");

		for (j = 0; j < sizeof(rlimit_names) / sizeof(rlimit_names[0]); j++)
			if (type && !strcmp(type, rlimit_names[j].name))
				break;
		if (j == sizeof(rlimit_names) / sizeof(rlimit_names[0]) || s->nrlimits >= 32) {
			ctr_err("config.json: unknown rlimit \"%s\"", type ? type : "(none)");
			return -EINVAL;
		}
		s->rlimits[s->nrlimits].resource = rlimit_names[j].resource;
		s->rlimits[s->nrlimits].lim.rlim_cur = get_int(r, "soft", 0);
		s->rlimits[s->nrlimits].lim.rlim_max = get_int(r, "hard", 0);
		s->nrlimits++;
	}
	return 0;
}

static void parse_resources(struct ctr_spec *s, json_object *r)
{
	json_object *mem = get(r, "memory"), *cpu = get(r, "cpu"), *pids = get(r, "pids");
	int64_t shares;

	cg_limits_init(&s->limits);
	s->limits.memory_max = get_int(mem, "limit", -1);
	/* OCI's swap is memory + swap; cgroup v2 counts swap alone. */
	if (get_int(mem, "swap", -1) >= 0 && s->limits.memory_max >= 0)
		s->limits.memory_swap_max = get_int(mem, "swap", -1) - s->limits.memory_max;
	s->limits.pids_max = get_int(pids, "limit", -1);
	if (s->limits.pids_max == 0)
		s->limits.pids_max = -1;	/* 0 or -1: unlimited */
	s->limits.cpu_quota = get_int(cpu, "quota", -1);
	s->limits.cpu_period = get_int(cpu, "period", -1);
	shares = get_int(cpu, "shares", -1);
	/* The conversion crun and runc use: shares 2..262144 to weight 1..10000. */
	if (shares > 0)
		s->limits.cpu_weight = 1 + ((shares - 2) * 9999) / 262142;
	s->limits.cpuset_cpus = get_str(cpu, "cpus");
	s->limits.cpuset_mems = get_str(cpu, "mems");
}

bool ctr_spec_has_ns(const struct ctr_spec *s, int type)
{
	int i;

	for (i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return true;
	return false;
}

static int parse_linux(struct ctr_spec *s, json_object *l)
{
	const char *prop = get_str(l, "rootfsPropagation");
	int ret;

	ret = parse_namespaces(s, get(l, "namespaces"));
	if (!ret)
		ret = parse_idmap(get(l, "uidMappings"), s->uid_map, &s->nuid_map, "uidMappings");
	if (!ret)
		ret = parse_idmap(get(l, "gidMappings"), s->gid_map, &s->ngid_map, "gidMappings");
	if (ret)
		return ret;
	if (ctr_spec_has_ns(s, CLONE_NEWUSER) && (!s->nuid_map || !s->ngid_map)) {
		int i;

		for (i = 0; i < s->nns; i++)
			if (s->ns[i].type == CLONE_NEWUSER && !s->ns[i].path) {
				ctr_err("config.json: a new user namespace needs uidMappings and gidMappings");
				return -EINVAL;
			}
	}
	s->masked = get(l, "maskedPaths");
	s->readonly_paths = get(l, "readonlyPaths");
	s->sysctl = get(l, "sysctl");
	s->seccomp = get(l, "seccomp");
	s->cgroups_path = get_str(l, "cgroupsPath");
	parse_resources(s, get(l, "resources"));
	s->device_rules = get(get(l, "resources"), "devices");
	ret = ctr_parse_devices(s, get(l, "devices"));
	if (!ret)
		ret = ctr_devpolicy_check(s->device_rules);
	if (ret)
		return ret;
	s->rootfs_propagation = MS_PRIVATE | MS_REC;
	if (prop) {
		if (!strcmp(prop, "shared") || !strcmp(prop, "rshared"))
			s->rootfs_propagation = MS_SHARED | MS_REC;
		else if (!strcmp(prop, "slave") || !strcmp(prop, "rslave"))
			s->rootfs_propagation = MS_SLAVE | MS_REC;
		else if (!strcmp(prop, "unbindable") || !strcmp(prop, "runbindable"))
			s->rootfs_propagation = MS_UNBINDABLE | MS_REC;
		else if (strcmp(prop, "private") && strcmp(prop, "rprivate")) {
			ctr_err("config.json: unknown rootfsPropagation \"%s\"", prop);
			return -EINVAL;
		}
	}
	if (s->seccomp && ctr_seccomp_check(s->seccomp))
		return -EINVAL;
	if (get(l, "intelRdt") || get(l, "personality")) {
		ctr_err("config.json: linux.intelRdt and linux.personality are not supported by ctr");
		return -EINVAL;
	}
	/* The clock offsets must be set before the first task enters the namespace. */
	if (get(l, "timeOffsets")) {
		ctr_err("config.json: linux.timeOffsets is not supported by ctr "
			"(a time namespace without offsets is)");
		return -EINVAL;
	}
	return 0;
}

int ctr_spec_load(struct ctr_spec *s, const char *bundle)
{
	json_object *root, *mounts;
	char path[4200];
	const char *rp, *ver;
	struct stat st;
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!realpath(bundle, s->bundle)) {
		ctr_err("bundle %s: %s", bundle, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/config.json", s->bundle);
	s->json = json_object_from_file(path);
	if (!s->json) {
		char why[256];

		snprintf(why, sizeof(why), "%s", json_util_get_last_err());
		why[strcspn(why, "\n")] = 0;
		ctr_err("%s: not readable as JSON: %s (check the file exists and is valid JSON)",
			path, why);
		return -EINVAL;
	}
	ver = get_str(s->json, "ociVersion");
	if (!ver || strncmp(ver, "1.", 2)) {
		ctr_err("config.json: ociVersion \"%s\" is not 1.x", ver ? ver : "(missing)");
		return -EINVAL;
	}
	root = get(s->json, "root");
	rp = get_str(root, "path");
	if (!rp) {
		ctr_err("config.json: root.path is missing");
		return -EINVAL;
	}
	if (rp[0] == '/')
		snprintf(path, sizeof(path), "%s", rp);
	else
		snprintf(path, sizeof(path), "%s/%s", s->bundle, rp);
	if (!realpath(path, s->root) || stat(s->root, &st) || !S_ISDIR(st.st_mode)) {
		ctr_err("rootfs %s does not exist or is not a directory (root.path in config.json)",
			path);
		return -ENOENT;
	}
	s->root_readonly = json_object_get_boolean(get(root, "readonly"));
	s->hostname = get_str(s->json, "hostname");
	s->domainname = get_str(s->json, "domainname");
	s->hooks = get(s->json, "hooks");
	ret = parse_process(s, get(s->json, "process"));
	if (ret)
		return ret;
	ret = parse_linux(s, get(s->json, "linux"));
	if (ret)
		return ret;
	if ((s->hostname || s->domainname) && !ctr_spec_has_ns(s, CLONE_NEWUTS)) {
		ctr_err("config.json: hostname/domainname need a uts namespace");
		return -EINVAL;
	}
	mounts = get(s->json, "mounts");
	s->nmounts = mounts ? json_object_array_length(mounts) : 0;
	s->mounts = calloc(s->nmounts + 1, sizeof(*s->mounts));
	for (i = 0; i < (size_t)s->nmounts; i++) {
		ret = parse_mount(&s->mounts[i], json_object_array_get_idx(mounts, i));
		if (ret)
			return ret;
	}
	return 0;
}

int ctr_spec_set_process(struct ctr_spec *s, json_object *p)
{
	s->process_json = p;
	s->ngroups = s->nrlimits = 0;
	s->has_umask = s->has_oom_score_adj = false;
	s->caps = NULL;
	return parse_process(s, p);
}

void ctr_spec_free(struct ctr_spec *s)
{
	json_object_put(s->process_json);
	free(s->mounts);
	json_object_put(s->json);
}
