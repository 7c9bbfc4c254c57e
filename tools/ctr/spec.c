// SPDX-License-Identifier: GPL-2.0
/*
 * config.json (OCI runtime-spec 1.x) into struct ctr_spec.  Whatever
 * matters for isolation and ctr cannot honour is an error, not a silent
 * no-op; every value is type-checked through jv.c, so that a config
 * written by others can make ctr refuse it but never crash or guess.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "ctr.h"
#include "jv.h"
#include "seccomp.h"

#define ID_MAX		4294967294LL	/* uid/gid: (uid_t)-1 means "unchanged" */
#define UINT32		4294967295LL
#define LEN(a)		(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	int type;
} ns_types[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* A required absolute path (or, with @optional, an absent one). */
static int abs_path(const struct jv *v, const char **out, bool optional)
{
	int ret = jv_string(v, out);

	if (ret < 0 || (!ret && optional))
		return ret < 0 ? ret : 0;
	if (ret == 0 || (*out)[0] != '/')
		return jv_bad(v, "expected an absolute path");
	return 0;
}

/* Any component of @p (split at '/') that is ".", "..", or with @empty, "". */
static bool odd_component(const char *p, bool empty)
{
	for (;;) {
		size_t n = strcspn(p, "/");

		if ((n == 0 && empty) || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		if (!p[n])
			return false;
		p += n + 1;
	}
}

/* Absolute, without "." or ".." components: for paths applied as written. */
static int plain_path(const struct jv *v, const char *p)
{
	if (p[0] != '/')
		return jv_bad(v, "expected an absolute path");
	if (odd_component(p + 1, false))
		return jv_bad(v, "expected an absolute path without . or .. components");
	return 0;
}

static int parse_namespaces(struct ctr_spec *s, const struct jv *arr)
{
	size_t i, j, n;

	if (jv_array(arr, &n) < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(arr, i), t = jv_key(&e, "type"), p = jv_key(&e, "path");
		const char *type = NULL, *path = NULL;

		if (jv_need(&e, jv_object(&e), "an object") ||
		    jv_need(&t, jv_string(&t, &type), "a namespace type") ||
		    abs_path(&p, &path, true))
			return -EINVAL;
		for (j = 0; j < LEN(ns_types); j++)
			if (!strcmp(type, ns_types[j].name))
				break;
		if (j == LEN(ns_types))
			return jv_bad(&t, "unknown namespace type \"%s\" (known: pid, network, mount, ipc, uts, user, cgroup, time)",
				      type);
		if (ctr_spec_has_ns(s, ns_types[j].type))
			return jv_bad(&t, "namespace \"%s\" is listed twice", type);
		s->ns[s->nns].type = ns_types[j].type;
		s->ns[s->nns].path = path;
		s->nns++;
	}
	return 0;
}

static int parse_idmap(const struct jv *arr, struct ctr_idmap *map, int *count)
{
	static const char *const keys[] = { "containerID", "hostID", "size" };
	size_t i, k, n;

	if (jv_array(arr, &n) < 0)
		return -EINVAL;
	if (n > 16)
		return jv_bad(arr, "expected at most 16 mappings");
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(arr, i);
		int64_t v[3];

		if (jv_need(&e, jv_object(&e), "an object"))
			return -EINVAL;
		for (k = 0; k < 3; k++) {
			struct jv f = jv_key(&e, keys[k]);

			if (jv_need(&f, jv_int(&f, 0, UINT32, &v[k]), "an integer 0..4294967295"))
				return -EINVAL;
		}
		map[i] = (struct ctr_idmap){ v[0], v[1], v[2] };
	}
	*count = n;
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

static int parse_rlimits(struct ctr_spec *s, const struct jv *arr)
{
	size_t i, j, n;

	if (jv_array(arr, &n) < 0)
		return -EINVAL;
	if (n > LEN(s->rlimits))
		return jv_bad(arr, "expected at most %zu rlimits", LEN(s->rlimits));
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(arr, i), t = jv_key(&e, "type");
		struct jv soft = jv_key(&e, "soft"), hard = jv_key(&e, "hard");
		struct ctr_rlimit *r = &s->rlimits[s->nrlimits];
		const char *type;
		uint64_t cur, max;

		if (jv_need(&e, jv_object(&e), "an object") ||
		    jv_need(&t, jv_string(&t, &type), "an RLIMIT_ name") ||
		    jv_need(&soft, jv_u64(&soft, &cur), "an integer") ||
		    jv_need(&hard, jv_u64(&hard, &max), "an integer"))
			return -EINVAL;
		for (j = 0; j < LEN(rlimit_names); j++)
			if (!strcmp(type, rlimit_names[j].name))
				break;
		if (j == LEN(rlimit_names))
			return jv_bad(&t, "unknown rlimit \"%s\"", type);
		if (cur > max)
			return jv_bad(&soft, "expected at most the hard limit");
		r->resource = rlimit_names[j].resource;
		r->lim.rlim_cur = cur;
		r->lim.rlim_max = max;
		s->nrlimits++;
	}
	return 0;
}

static int parse_caps(struct ctr_spec *s, const struct jv *caps)
{
	static const char *const sets[CTR_NCAPSETS] = {
		"bounding", "effective", "permitted", "inheritable", "ambient",
	};
	size_t i, j, n;

	memset(s->ncaps, 0, sizeof(s->ncaps));
	if (jv_object(caps) < 0)
		return -EINVAL;
	for (i = 0; i < CTR_NCAPSETS; i++) {
		struct jv set = jv_key(caps, sets[i]);

		if (jv_array(&set, &n) < 0)
			return -EINVAL;
		if (n > LEN(s->caps[i]))
			return jv_bad(&set, "expected at most %zu capabilities", LEN(s->caps[i]));
		for (j = 0; j < n; j++) {
			struct jv e = jv_at(&set, j);
			const char *name;
			cap_value_t c;

			if (jv_need(&e, jv_string(&e, &name), "a capability name"))
				return -EINVAL;
			/* libcap takes "cap_kill" and "CAP_KILL" alike. */
			if (strncasecmp(name, "CAP_", 4) || cap_from_name(name, &c))
				return jv_bad(&e, "unknown capability \"%s\"", name);
			s->caps[i][s->ncaps[i]++] = c;
		}
	}
	return 0;
}

static int parse_user(struct ctr_spec *s, const struct jv *user)
{
	struct jv uid = jv_key(user, "uid"), gid = jv_key(user, "gid");
	struct jv mask = jv_key(user, "umask"), groups = jv_key(user, "additionalGids");
	int64_t v;
	size_t i, n;
	int ret;

	s->uid = s->gid = 0;
	if (jv_object(user) < 0)
		return -EINVAL;
	if (jv_int(&uid, 0, ID_MAX, &v) < 0)
		return -EINVAL;
	if (uid.o)
		s->uid = v;
	if (jv_int(&gid, 0, ID_MAX, &v) < 0)
		return -EINVAL;
	if (gid.o)
		s->gid = v;
	ret = jv_int(&mask, 0, 0777, &v);
	if (ret < 0)
		return -EINVAL;
	s->has_umask = ret;
	s->umask = ret ? v : 0;
	if (jv_array(&groups, &n) < 0)
		return -EINVAL;
	if (n > CTR_MAX_GROUPS)
		return jv_bad(&groups, "expected at most %d groups", CTR_MAX_GROUPS);
	free(s->groups);
	s->groups = calloc(n + 1, sizeof(*s->groups));
	if (!s->groups)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(&groups, i);

		if (jv_need(&e, jv_int(&e, 0, ID_MAX, &v), "an integer 0..4294967294"))
			return -EINVAL;
		s->groups[i] = v;
	}
	s->ngroups = n;
	return 0;
}

static int parse_process(struct ctr_spec *s, const struct jv *p)
{
	struct jv args = jv_key(p, "args"), env = jv_key(p, "env"), cwd = jv_key(p, "cwd");
	struct jv term = jv_key(p, "terminal"), nnp = jv_key(p, "noNewPrivileges");
	struct jv caps = jv_key(p, "capabilities"), oom = jv_key(p, "oomScoreAdj");
	struct jv user = jv_key(p, "user"), rl = jv_key(p, "rlimits");
	char **envp = NULL;
	size_t n;
	int64_t v;
	int ret;

	free(s->argv);
	s->argv = NULL;
	if (jv_need(p, jv_object(p), "an object"))
		return -EINVAL;
	ret = jv_strv(&args, &s->argv, &n);
	if (ret < 0 || !ret || !n)
		return ret < 0 ? ret : jv_bad(&args, "expected a non-empty array of strings");
	ret = jv_strv(&env, &envp, &s->nenv);
	if (ret < 0)
		return ret;
	free(s->envp);
	s->envp = envp ? envp : calloc(1, sizeof(char *));
	if (!s->envp)
		return -ENOMEM;
	if (abs_path(&cwd, &s->cwd, false))
		return -EINVAL;
	s->terminal = s->no_new_privs = false;
	if (jv_bool(&term, &s->terminal) < 0 || jv_bool(&nnp, &s->no_new_privs) < 0)
		return -EINVAL;
	ret = jv_int(&oom, -1000, 1000, &v);
	if (ret < 0)
		return ret;
	s->has_oom_score_adj = ret;
	s->oom_score_adj = ret ? v : 0;
	s->nrlimits = 0;
	if (parse_caps(s, &caps) || parse_user(s, &user) || parse_rlimits(s, &rl))
		return -EINVAL;
	return 0;
}

static int parse_resources(struct ctr_spec *s, const struct jv *r)
{
	struct jv mem = jv_key(r, "memory"), cpu = jv_key(r, "cpu"), pids = jv_key(r, "pids");
	struct jv limit = jv_key(&mem, "limit"), swap = jv_key(&mem, "swap");
	struct jv plimit = jv_key(&pids, "limit"), quota = jv_key(&cpu, "quota");
	struct jv period = jv_key(&cpu, "period"), shares = jv_key(&cpu, "shares");
	struct jv cpus = jv_key(&cpu, "cpus"), mems = jv_key(&cpu, "mems");
	int64_t sw = -1, sh = 0;

	cg_limits_init(&s->limits);
	if (jv_object(r) < 0 || jv_object(&mem) < 0 || jv_object(&cpu) < 0 ||
	    jv_object(&pids) < 0 ||
	    jv_int(&limit, -1, INT64_MAX, &s->limits.memory_max) < 0 ||
	    jv_int(&swap, -1, INT64_MAX, &sw) < 0 ||
	    jv_int(&plimit, -1, INT64_MAX, &s->limits.pids_max) < 0 ||
	    jv_int(&quota, -1, INT64_MAX, &s->limits.cpu_quota) < 0 ||
	    jv_int(&period, 0, 1000000, &s->limits.cpu_period) < 0 ||
	    jv_int(&shares, 0, 262144, &sh) < 0 ||
	    jv_string(&cpus, &s->limits.cpuset_cpus) < 0 ||
	    jv_string(&mems, &s->limits.cpuset_mems) < 0)
		return -EINVAL;
	/* OCI's swap is memory + swap; cgroup v2 counts swap alone. */
	if (sw >= 0 && s->limits.memory_max >= 0) {
		if (sw < s->limits.memory_max)
			return jv_bad(&swap, "expected at least memory.limit (it counts memory + swap)");
		s->limits.memory_swap_max = sw - s->limits.memory_max;
	}
	if (s->limits.pids_max == 0)
		s->limits.pids_max = -1;	/* 0 or -1: unlimited */
	if (sh == 1)
		return jv_bad(&shares, "expected an integer 2..262144 (or 0: unset)");
	/* The conversion crun and runc use: shares 2..262144 to weight 1..10000. */
	if (sh > 0)
		s->limits.cpu_weight = 1 + ((sh - 2) * 9999) / 262142;
	s->cpu_shares_default = sh == 1024;
	return 0;
}

bool ctr_spec_has_ns(const struct ctr_spec *s, int type)
{
	int i;

	for (i = 0; i < s->nns; i++)
		if (s->ns[i].type == type)
			return true;
	return false;
}

/* maskedPaths, readonlyPaths: applied as written, so no "..". */
static int parse_paths(const struct jv *arr, char ***out)
{
	size_t i, n;
	int ret = jv_strv(arr, out, &n);

	if (ret < 0)
		return ret;
	if (!ret)
		*out = calloc(1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(arr, i);

		if (plain_path(&e, (*out)[i]))
			return -EINVAL;
	}
	return 0;
}

/*
 * The namespace a sysctl is set in, as runc checks it: a sysctl of none
 * (or of one the container shares) is the host's own.
 */
static int sysctl_ns(const char *key)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
		"kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	char k[256], *p;
	size_t i;

	snprintf(k, sizeof(k), "%s", key);
	for (p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	for (i = 0; i < LEN(ipc); i++)
		if (!strcmp(k, ipc[i]))
			return CLONE_NEWIPC;
	if (!strncmp(k, "fs.mqueue.", 10))
		return CLONE_NEWIPC;
	if (!strncmp(k, "net.", 4))
		return CLONE_NEWNET;
	if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname"))
		return CLONE_NEWUTS;
	return 0;
}

/* A namespace of @type not ctr's own: a new one, or a path to another (Podman's netns). */
static bool own_ns(const struct ctr_spec *s, int type)
{
	static const struct {
		int type;
		const char *file;
	} files[] = {
		{ CLONE_NEWNET, "/proc/self/ns/net" }, { CLONE_NEWIPC, "/proc/self/ns/ipc" },
		{ CLONE_NEWUTS, "/proc/self/ns/uts" },
	};
	struct stat theirs, ours;
	size_t i;
	int j;

	for (j = 0; j < s->nns && s->ns[j].type != type; j++)
		;
	if (j == s->nns)
		return false;
	if (!s->ns[j].path)
		return true;
	for (i = 0; i < LEN(files) && files[i].type != type; i++)
		;
	return i < LEN(files) && !stat(s->ns[j].path, &theirs) && !stat(files[i].file, &ours) &&
	       (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev);
}

static int parse_sysctl(struct ctr_spec *s, const struct jv *o)
{
	int ns;

	if (jv_object(o) < 0)
		return -EINVAL;
	s->sysctl = o->o;
	if (!o->o)
		return 0;
	json_object_object_foreach(o->o, key, val) {
		struct jv e = jv_key(o, key);
		const char *str;

		(void)val;
		if (jv_need(&e, jv_string(&e, &str), "a string"))
			return -EINVAL;
		if (!key[0] || strlen(key) > 200 || strspn(key, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") != strlen(key))
			return jv_bad(&e, "expected a sysctl name (letters, digits, _ - . /)");
		ns = sysctl_ns(key);
		if (!ns)
			return jv_bad(&e, "not in a namespace of the container's: it would change the host");
		if (!own_ns(s, ns))
			return jv_bad(&e, "needs a %s namespace of the container's own (it would change the host's)",
				      ns == CLONE_NEWNET ? "network" : ns == CLONE_NEWIPC ? "ipc" : "uts");
	}
	return 0;
}

/*
 * linux.cgroupsPath names a group below ctr's parent cgroup (see
 * cgpath.c): plain names only, so that it cannot climb out with "..".
 */
static int parse_cgroups_path(struct ctr_spec *s, const struct jv *v)
{
	const char *p;
	int ret = jv_string(v, &p);

	if (ret <= 0)
		return ret;
	s->cgroups_path = p;
	if (strchr(p, ':'))		/* systemd's slice:prefix:name, not supported */
		return 0;
	while (*p == '/')
		p++;
	if (strlen(p) > 1024 || !*p || odd_component(p, true))
		return jv_bad(v, "expected a cgroup path of plain names (not empty, no . or .. components)");
	return 0;
}

static int parse_linux(struct ctr_spec *s, const struct jv *l)
{
	struct jv prop = jv_key(l, "rootfsPropagation"), res = jv_key(l, "resources");
	struct jv seccomp = jv_key(l, "seccomp"), devrules = jv_key(&res, "devices");
	struct jv uidm = jv_key(l, "uidMappings"), gidm = jv_key(l, "gidMappings");
	struct jv ns = jv_key(l, "namespaces"), masked = jv_key(l, "maskedPaths");
	struct jv ro = jv_key(l, "readonlyPaths"), sysctl = jv_key(l, "sysctl");
	struct jv cgp = jv_key(l, "cgroupsPath"), devs = jv_key(l, "devices");
	static const char *const refused[] = { "intelRdt", "personality", "timeOffsets" };
	const char *p = NULL;
	size_t i;
	int ret;

	if (jv_object(l) < 0 || parse_namespaces(s, &ns) ||
	    parse_idmap(&uidm, s->uid_map, &s->nuid_map) ||
	    parse_idmap(&gidm, s->gid_map, &s->ngid_map))
		return -EINVAL;
	for (i = 0; i < (size_t)s->nns; i++)
		if (s->ns[i].type == CLONE_NEWUSER && !s->ns[i].path &&
		    (!s->nuid_map || !s->ngid_map))
			return jv_bad(&ns, "a new user namespace needs linux.uidMappings and linux.gidMappings");
	if (parse_paths(&masked, &s->masked) || parse_paths(&ro, &s->readonly_paths) ||
	    parse_sysctl(s, &sysctl) || parse_cgroups_path(s, &cgp) ||
	    parse_resources(s, &res))
		return -EINVAL;
	ret = ctr_parse_devices(s, &devs);
	if (!ret)
		ret = ctr_devpolicy_check(&devrules);
	if (ret)
		return ret;
	s->device_rules = devrules.o;
	s->rootfs_propagation = MS_PRIVATE | MS_REC;
	if (jv_string(&prop, &p) < 0)
		return -EINVAL;
	if (p) {
		/* Without one it would be the host's "/" that changes. */
		if (!ctr_spec_has_ns(s, CLONE_NEWNS))
			return jv_bad(&prop, "needs a mount namespace (linux.namespaces: {\"type\": \"mount\"})");
		if (!strcmp(p, "shared") || !strcmp(p, "rshared"))
			s->rootfs_propagation = MS_SHARED | MS_REC;
		else if (!strcmp(p, "slave") || !strcmp(p, "rslave"))
			s->rootfs_propagation = MS_SLAVE | MS_REC;
		else if (!strcmp(p, "unbindable") || !strcmp(p, "runbindable"))
			s->rootfs_propagation = MS_UNBINDABLE | MS_REC;
		else if (strcmp(p, "private") && strcmp(p, "rprivate"))
			return jv_bad(&prop, "unknown rootfsPropagation \"%s\"", p);
	}
	if (jv_object(&seccomp) < 0 || (seccomp.o && ctr_seccomp_check(&seccomp)))
		return -EINVAL;
	s->seccomp = seccomp.o;
	for (i = 0; i < LEN(refused); i++) {
		struct jv r = jv_key(l, refused[i]);

		/* The clock offsets must be set before the first task enters the namespace. */
		if (r.o)
			return jv_bad(&r, "not supported by ctr%s", i == 2 ?
				      " (a time namespace without offsets is)" : "");
	}
	return 0;
}

static int parse_root(struct ctr_spec *s, const struct jv *top)
{
	struct jv root = jv_key(top, "root"), path = jv_key(&root, "path");
	struct jv ro = jv_key(&root, "readonly");
	char buf[8300];
	const char *rp;
	struct stat st;

	if (jv_need(&root, jv_object(&root), "an object") ||
	    jv_need(&path, jv_string(&path, &rp), "the rootfs path") ||
	    jv_bool(&ro, &s->root_readonly) < 0)
		return -EINVAL;
	if (rp[0] == '/')
		snprintf(buf, sizeof(buf), "%s", rp);
	else
		snprintf(buf, sizeof(buf), "%s/%s", s->bundle, rp);
	if (strlen(buf) >= PATH_MAX || !realpath(buf, s->root) || stat(s->root, &st) ||
	    !S_ISDIR(st.st_mode)) {
		ctr_err("rootfs %s does not exist or is not a directory (root.path in config.json)",
			buf);
		return -ENOENT;
	}
	return 0;
}

/* The annotation CTR_RESOURCES_ANNOTATION: may limits this host cannot enforce be dropped? */
static int parse_resources_policy(struct ctr_spec *s, const struct jv *ann)
{
	struct jv v = jv_key(ann, CTR_RESOURCES_ANNOTATION);
	const char *policy = NULL;
	int ret = jv_string(&v, &policy);

	s->limits_best_effort = false;
	if (ret <= 0 || !strcmp(policy, "required"))
		return ret;
	if (strcmp(policy, "best-effort"))
		return jv_bad(&v, "expected \"required\" (the default) or \"best-effort\", not \"%s\"",
			      policy);
	s->limits_best_effort = true;
	return 0;
}

int ctr_spec_parse(struct ctr_spec *s, json_object *json, const char *file)
{
	struct jv top = jv_root(json, file), ver = jv_key(&top, "ociVersion");
	struct jv host = jv_key(&top, "hostname"), dom = jv_key(&top, "domainname");
	struct jv hooks = jv_key(&top, "hooks"), proc = jv_key(&top, "process");
	struct jv lnx = jv_key(&top, "linux"), mounts = jv_key(&top, "mounts");
	struct jv ann = jv_key(&top, "annotations");
	const char *v;
	size_t i, n;
	int ret;

	s->json = json;
	if (jv_need(&top, jv_object(&top), "an object") ||
	    jv_need(&ver, jv_string(&ver, &v), "a version 1.x"))
		return -EINVAL;
	if (strncmp(v, "1.", 2))
		return jv_bad(&ver, "expected a version 1.x, not \"%s\"", v);
	if (jv_string(&host, &s->hostname) < 0 || jv_string(&dom, &s->domainname) < 0 ||
	    jv_string_map(&ann) < 0)
		return -EINVAL;
	if (parse_resources_policy(s, &ann) || ctr_hooks_check(hooks.o, file))
		return -EINVAL;
	s->hooks = hooks.o;
	ret = parse_root(s, &top);
	if (!ret)
		ret = parse_process(s, &proc);
	if (!ret)
		ret = parse_linux(s, &lnx);
	if (ret)
		return ret;
	if ((s->hostname || s->domainname) && !ctr_spec_has_ns(s, CLONE_NEWUTS))
		return jv_bad(host.o ? &host : &dom, "needs a uts namespace");
	/* It would be the host's mount table that keeps the read-only bind of the rootfs. */
	if (s->root_readonly && !ctr_spec_has_ns(s, CLONE_NEWNS)) {
		struct jv ro = jv_key(&top, "root");

		ro = jv_key(&ro, "readonly");
		return jv_bad(&ro, "true needs a mount namespace (linux.namespaces: {\"type\": \"mount\"})");
	}
	if (jv_array(&mounts, &n) < 0)
		return -EINVAL;
	s->mounts = calloc(n + 1, sizeof(*s->mounts));
	if (!s->mounts)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct jv m = jv_at(&mounts, i);

		ret = ctr_parse_mount(s, &s->mounts[i], &m);
		if (ret)
			return ret;
		s->nmounts++;
	}
	return 0;
}

int ctr_spec_load(struct ctr_spec *s, const char *bundle, const char *config)
{
	char path[4200];
	json_object *json;

	memset(s, 0, sizeof(*s));
	if (!realpath(bundle, s->bundle)) {
		ctr_err("bundle %s: %s", bundle, strerror(errno));
		return -errno;
	}
	if (config)
		snprintf(path, sizeof(path), "%s", config);
	else
		snprintf(path, sizeof(path), "%s/config.json", s->bundle);
	json = json_object_from_file(path);
	if (!json) {
		char why[256];

		snprintf(why, sizeof(why), "%s", json_util_get_last_err());
		why[strcspn(why, "\n")] = 0;
		ctr_err("%s: not readable as JSON: %s (check the file exists and is valid JSON)",
			path, why);
		return -EINVAL;
	}
	return ctr_spec_parse(s, json, "config.json");
}

int ctr_spec_set_process(struct ctr_spec *s, json_object *p, const char *file)
{
	struct jv v = jv_root(p, file);

	json_object_put(s->process_json);
	s->process_json = p;
	return parse_process(s, &v);
}

void ctr_spec_free(struct ctr_spec *s)
{
	json_object_put(s->process_json);
	free(s->mounts);
	free(s->argv);
	free(s->envp);
	free(s->groups);
	free(s->masked);
	free(s->readonly_paths);
	json_object_put(s->json);
	memset(s, 0, sizeof(*s));
}
