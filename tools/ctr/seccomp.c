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

static int parse_action(const struct jv *name_v, const struct jv *errno_v, uint32_t *act)
{
	const char *name;
	int64_t e = EPERM;

	if (jv_need(name_v, jv_string(name_v, &name), "an SCMP_ACT_ name") ||
	    jv_int(errno_v, 0, 65535, &e) < 0)
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
		return jv_bad(name_v, "unknown seccomp action \"%s\"", name), -1;
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

/* Build the filter; with @load false it only validates. */
static int build(const struct jv *p, bool load, bool no_new_privs)
{
	struct jv rules = jv_key(p, "syscalls"), defact = jv_key(p, "defaultAction");
	struct jv deferr = jv_key(p, "defaultErrnoRet"), archs = jv_key(p, "architectures");
	struct jv listener = jv_key(p, "listenerPath"), flags = jv_key(p, "flags");
	uint32_t def;
	scmp_filter_ctx ctx;
	size_t i, j, k, nrules, n;
	int ret = -1;

	if (jv_need(p, jv_object(p), "an object") || parse_action(&defact, &deferr, &def))
		return -1;
	if (listener.o || flags.o) {
		jv_bad(listener.o ? &listener : &flags, "not supported by ctr");
		return -1;
	}
	if (jv_array(&archs, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct jv a = jv_at(&archs, i);
		const char *arch;

		if (jv_need(&a, jv_string(&a, &arch), "an SCMP_ARCH_ name"))
			return -1;
	}
	if (jv_array(&rules, &nrules) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx) {
		jv_bad(&defact, "rejected by libseccomp");
		return -1;
	}
	/* Without no_new_privs the filter needs CAP_SYS_ADMIN, which init still has. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs);
	for (i = 0; i < nrules; i++) {
		struct jv r = jv_at(&rules, i), names = jv_key(&r, "names");
		struct jv args = jv_key(&r, "args"), action = jv_key(&r, "action");
		struct jv eret = jv_key(&r, "errnoRet");
		struct scmp_arg_cmp cmp[6];
		uint32_t act;
		unsigned int ncmp = 0;
		size_t nargs, nnames;

		if (jv_need(&r, jv_object(&r), "an object") || parse_action(&action, &eret, &act) ||
		    jv_array(&args, &nargs) < 0 || jv_array(&names, &nnames) < 0)
			goto out;
		if (nargs > 6) {
			jv_bad(&args, "expected at most 6 argument comparisons");
			goto out;
		}
		for (k = 0; k < nargs; k++) {
			struct jv a = jv_at(&args, k), op = jv_key(&a, "op"), idx = jv_key(&a, "index");
			struct jv val = jv_key(&a, "value"), two = jv_key(&a, "valueTwo");
			enum scmp_compare c;
			const char *opname;
			int64_t index;
			uint64_t va = 0, vb = 0;

			if (jv_need(&a, jv_object(&a), "an object") ||
			    jv_need(&op, jv_string(&op, &opname), "an SCMP_CMP_ name") ||
			    jv_need(&idx, jv_int(&idx, 0, 5, &index), "an integer 0..5") ||
			    jv_need(&val, jv_u64(&val, &va), "an integer") || jv_u64(&two, &vb) < 0)
				goto out;
			if (parse_op(opname, &c)) {
				jv_bad(&op, "unknown seccomp op \"%s\"", opname);
				goto out;
			}
			cmp[ncmp++] = (struct scmp_arg_cmp){
				.arg = index, .op = c, .datum_a = va, .datum_b = vb,
			};
		}
		for (j = 0; j < nnames; j++) {
			struct jv e = jv_at(&names, j);
			const char *name;
			int nr;

			if (jv_need(&e, jv_string(&e, &name), "a syscall name"))
				goto out;
			nr = seccomp_syscall_resolve_name(name);
			/* Profiles list syscalls of every kernel: unknown ones are skipped. */
			if (nr == __NR_SCMP_ERROR || act == def)
				continue;
			if (seccomp_rule_add_array(ctx, act, nr, ncmp, cmp)) {
				jv_bad(&e, "seccomp rejected the rule for %s (check its args)", name);
				goto out;
			}
		}
	}
	ret = load ? seccomp_load(ctx) : 0;
out:
	seccomp_release(ctx);
	return ret ? -1 : 0;
}

int ctr_seccomp_check(const struct jv *profile)
{
	return build(profile, false, false);
}

int ctr_seccomp_load(json_object *profile, bool no_new_privs)
{
	struct jv p = jv_root(profile, "config.json");

	return build(&p, true, no_new_privs);
}
