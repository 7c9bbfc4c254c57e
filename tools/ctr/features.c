// SPDX-License-Identifier: GPL-2.0
/*
 * ctr features: what this runtime implements, in the runtime-spec's
 * features.md schema (runc 1.1's "runc features" prints the same keys).
 * Each list says what ctr's parsers accept: the mount options are
 * spec.c's table (a test mounts with every one of them), the hooks
 * hooks.c's, the seccomp names seccomp.c's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <seccomp.h>

#include "ctr.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static json_object *strings(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* Every option mount.c takes (its table is the one list). */
static json_object *mount_options(void)
{
	json_object *a = json_object_new_array();
	const char *name;
	size_t i;

	for (i = 0; (name = ctr_mount_option_name(i)); i++)
		json_object_array_add(a, json_object_new_string(name));
	return a;
}

static json_object *flag(const char *key, bool on)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_boolean(on));
	return o;
}

/* Every capability this kernel and libcap know, as "CAP_CHOWN", ... */
static json_object *capabilities(void)
{
	json_object *a = json_object_new_array();
	char name[64];
	cap_value_t c;
	size_t i;

	for (c = 0; c <= CAP_LAST_CAP; c++) {
		char *n = cap_to_name(c);

		if (!n)
			continue;
		for (i = 0; n[i] && i + 1 < sizeof(name); i++)
			name[i] = toupper((unsigned char)n[i]);
		name[i] = 0;
		cap_free(n);
		if (!strncmp(name, "CAP_", 4))
			json_object_array_add(a, json_object_new_string(name));
	}
	return a;
}

static json_object *seccomp(void)
{
	static const char *const actions[] = {
		"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
	};
	static const char *const operators[] = {
		"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
		"SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
	};
	/* seccomp.c builds for the native architecture only (architectures is not applied). */
	static const char *const archs[] = {
#if defined(__x86_64__)
		"SCMP_ARCH_X86_64",
#elif defined(__aarch64__)
		"SCMP_ARCH_AARCH64",
#elif defined(__i386__)
		"SCMP_ARCH_X86",
#endif
	};
	json_object *o = flag("enabled", true);

	json_object_object_add(o, "actions", strings(actions, LEN(actions)));
	json_object_object_add(o, "operators", strings(operators, LEN(operators)));
	json_object_object_add(o, "archs", strings(archs, LEN(archs)));
	return o;
}

int ctr_features(void)
{
	static const char *const hooks[] = {
		"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
		"poststop",
	};
	static const char *const namespaces[] = {
		"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
	};
	const struct scmp_version *v = seccomp_version();
	json_object *o = json_object_new_object(), *linux = json_object_new_object();
	json_object *cgroup = flag("v1", false), *ann = json_object_new_object();
	char buf[64];

	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string("1.1.0"));
	json_object_object_add(o, "hooks", strings(hooks, LEN(hooks)));
	json_object_object_add(o, "mountOptions", mount_options());
	json_object_object_add(linux, "namespaces", strings(namespaces, LEN(namespaces)));
	json_object_object_add(linux, "capabilities", capabilities());
	json_object_object_add(cgroup, "v2", json_object_new_boolean(true));
	json_object_object_add(cgroup, "systemd", json_object_new_boolean(false));
	json_object_object_add(cgroup, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(linux, "cgroup", cgroup);
	json_object_object_add(linux, "seccomp", seccomp());
	json_object_object_add(linux, "apparmor", flag("enabled", false));
	json_object_object_add(linux, "selinux", flag("enabled", false));
	json_object_object_add(o, "linux", linux);
	if (v) {
		snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
		json_object_object_add(ann, "io.github.seccomp.libseccomp.version",
				       json_object_new_string(buf));
	}
	json_object_object_add(o, "annotations", ann);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
