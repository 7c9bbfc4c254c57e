// SPDX-License-Identifier: GPL-2.0
/* linux.seccomp (defaultAction, syscalls with names, action, errnoRet, args). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <seccomp.h>

#include "ctr.h"
#include "seccomp.h"

static int parse_action(const char *name, json_object *errno_ret, uint32_t *act)
{
	int e = errno_ret ? json_object_get_int(errno_ret) : EPERM;

	if (!name)
		return -1;
	if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*act = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*act = SCMP_ACT_ERRNO(e);
	else if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*act = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*act = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*act = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*act = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*act = SCMP_ACT_TRACE(e);
	else
		return -1;
	return 0;
}

static int parse_op(const char *name, enum scmp_compare *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i;

	for (i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(name, ops[i].name)) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* Build the filter; with @load false it only validates. */
static int build(json_object *p, bool load, bool no_new_privs)
{
	json_object *rules = get(p, "syscalls");
	uint32_t def;
	scmp_filter_ctx ctx;
	size_t i, j, k;
	int ret = -1;

	if (parse_action(json_object_get_string(get(p, "defaultAction")),
			 get(p, "defaultErrnoRet"), &def)) {
		ctr_err("config.json: unknown seccomp defaultAction \"%s\"",
			json_object_get_string(get(p, "defaultAction")));
		return -1;
	}
	if (get(p, "listenerPath") || get(p, "flags")) {
		ctr_err("config.json: seccomp listenerPath and flags are not supported by ctr");
		return -1;
	}
	ctx = seccomp_init(def);
	if (!ctx)
		return -1;
	/* Without no_new_privs the filter needs CAP_SYS_ADMIN, which init still has. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs);
	for (i = 0; rules && i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i), *names = get(r, "names");
		json_object *args = get(r, "args");
		struct scmp_arg_cmp cmp[6];
		uint32_t act;
		unsigned int ncmp = 0;

		if (parse_action(json_object_get_string(get(r, "action")), get(r, "errnoRet"), &act)) {
			ctr_err("config.json: unknown seccomp action \"%s\"",
				json_object_get_string(get(r, "action")));
			goto out;
		}
		for (k = 0; args && k < json_object_array_length(args) && ncmp < 6; k++) {
			json_object *a = json_object_array_get_idx(args, k);
			enum scmp_compare op;

			if (parse_op(json_object_get_string(get(a, "op")), &op)) {
				ctr_err("config.json: unknown seccomp op \"%s\"",
					json_object_get_string(get(a, "op")));
				goto out;
			}
			cmp[ncmp++] = (struct scmp_arg_cmp){
				.arg = json_object_get_int(get(a, "index")), .op = op,
				.datum_a = json_object_get_uint64(get(a, "value")),
				.datum_b = json_object_get_uint64(get(a, "valueTwo")),
			};
		}
		for (j = 0; names && j < json_object_array_length(names); j++) {
			const char *name = json_object_get_string(json_object_array_get_idx(names, j));
			int nr = seccomp_syscall_resolve_name(name);

			/* Profiles list syscalls of every kernel: unknown ones are skipped. */
			if (nr == __NR_SCMP_ERROR || act == def)
				continue;
			if (seccomp_rule_add_array(ctx, act, nr, ncmp, cmp)) {
				ctr_err("config.json: seccomp rule for %s rejected", name);
				goto out;
			}
		}
	}
	ret = load ? seccomp_load(ctx) : 0;
out:
	seccomp_release(ctx);
	return ret ? -1 : 0;
}

int ctr_seccomp_check(json_object *profile)
{
	return build(profile, false, false);
}

int ctr_seccomp_load(json_object *profile, bool no_new_privs)
{
	return build(profile, true, no_new_privs);
}
