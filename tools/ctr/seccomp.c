// SPDX-License-Identifier: GPL-2.0
/* linux.seccomp (defaultAction, syscalls with names, action, errnoRet, args). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
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

/* linux.seccomp.architectures: "SCMP_ARCH_X86_64" is libseccomp's "x86_64". */
static int add_archs(scmp_filter_ctx ctx, const struct jv *archs)
{
	size_t i, j, n;

	if (jv_array(archs, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct jv a = jv_at(archs, i);
		const char *arch;
		char lower[32];
		uint32_t token;
		int ret;

		if (jv_need(&a, jv_string(&a, &arch), "an SCMP_ARCH_ name"))
			return -1;
		for (j = 0; arch[j] && j + 1 < sizeof(lower); j++)
			lower[j] = arch[j] >= 'A' && arch[j] <= 'Z' ? arch[j] - 'A' + 'a' : arch[j];
		lower[j] = 0;
		token = strncmp(arch, "SCMP_ARCH_", 10) ? 0 : seccomp_arch_resolve_name(lower + 10);
		if (!token)
			return jv_bad(&a, "unknown architecture \"%s\"", arch), -1;
		ret = seccomp_arch_add(ctx, token);
		if (ret && ret != -EEXIST)	/* the native one is there already */
			return jv_bad(&a, "libseccomp cannot add %s: %s", arch, strerror(-ret)), -1;
	}
	return 0;
}

/* linux.seccomp.flags, as the attributes libseccomp sets them through. */
static int set_flags(scmp_filter_ctx ctx, const struct jv *flags)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
	} known[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
	};
	size_t i, j, n;

	if (jv_array(flags, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct jv f = jv_at(flags, i);
		const char *name;
		int ret;

		if (jv_need(&f, jv_string(&f, &name), "a SECCOMP_FILTER_FLAG_ name"))
			return -1;
		for (j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			if (!strcmp(name, known[j].name))
				break;
		if (j == sizeof(known) / sizeof(known[0]))
			return jv_bad(&f, "unknown or unsupported flag \"%s\" (known: SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW)",
				      name), -1;
		ret = seccomp_attr_set(ctx, known[j].attr, 1);
		if (ret)
			return jv_bad(&f, "libseccomp cannot set %s: %s", name, strerror(-ret)), -1;
	}
	return 0;
}

/* One syscalls[] entry's args; *one_each: conditions to add as rules of their own. */
static int parse_args(const struct jv *args, struct scmp_arg_cmp *cmp, unsigned int *ncmp,
		      bool *one_each)
{
	size_t k, nargs;
	unsigned int seen = 0;

	*ncmp = 0;
	*one_each = false;
	if (jv_array(args, &nargs) < 0)
		return -1;
	if (nargs > 6)
		return jv_bad(args, "expected at most 6 argument comparisons"), -1;
	for (k = 0; k < nargs; k++) {
		struct jv a = jv_at(args, k), op = jv_key(&a, "op"), idx = jv_key(&a, "index");
		struct jv val = jv_key(&a, "value"), two = jv_key(&a, "valueTwo");
		enum scmp_compare c;
		const char *opname;
		int64_t index;
		uint64_t va = 0, vb = 0;

		if (jv_need(&a, jv_object(&a), "an object") ||
		    jv_need(&op, jv_string(&op, &opname), "an SCMP_CMP_ name") ||
		    jv_need(&idx, jv_int(&idx, 0, 5, &index), "an integer 0..5") ||
		    jv_need(&val, jv_u64(&val, &va), "an integer") || jv_u64(&two, &vb) < 0)
			return -1;
		if (parse_op(opname, &c))
			return jv_bad(&op, "unknown seccomp op \"%s\"", opname), -1;
		/*
		 * libseccomp takes one comparison per argument in a rule; several
		 * on the same argument mean any of them, as runc and crun read
		 * profiles (personality(0), personality(8), ...).
		 */
		if (seen & (1u << index))
			*one_each = true;
		seen |= 1u << index;
		cmp[(*ncmp)++] = (struct scmp_arg_cmp){
			.arg = index, .op = c, .datum_a = va, .datum_b = vb,
		};
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct jv *name_v, uint32_t act, int nr,
		    const struct scmp_arg_cmp *cmp, unsigned int ncmp, bool one_each)
{
	unsigned int k;
	int ret = 0;

	if (!one_each)
		ret = seccomp_rule_add_array(ctx, act, nr, ncmp, cmp);
	for (k = 0; one_each && !ret && k < ncmp; k++)
		ret = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
	if (ret)
		jv_bad(name_v, "libseccomp rejected the rule for %s: %s (check its args)",
		       json_object_get_string(name_v->o), strerror(-ret));
	return ret ? -1 : 0;
}

/* Build the filter into *out, or with @out NULL only check the profile. */
static int build(const struct jv *p, bool no_new_privs, scmp_filter_ctx *out)
{
	struct jv rules = jv_key(p, "syscalls"), defact = jv_key(p, "defaultAction");
	struct jv deferr = jv_key(p, "defaultErrnoRet"), archs = jv_key(p, "architectures");
	struct jv listener = jv_key(p, "listenerPath"), flags = jv_key(p, "flags");
	uint32_t def;
	scmp_filter_ctx ctx;
	size_t i, j, nrules;
	int ret = -1;

	if (jv_need(p, jv_object(p), "an object") || parse_action(&defact, &deferr, &def))
		return -1;
	if (listener.o) {
		jv_bad(&listener, "not supported by ctr (no SCMP_ACT_NOTIFY agents)");
		return -1;
	}
	if (jv_array(&rules, &nrules) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx) {
		jv_bad(&defact, "rejected by libseccomp");
		return -1;
	}
	/* Without no_new_privs the filter needs CAP_SYS_ADMIN: init loads it before dropping it. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs);
	/* The kernel's errno from a failed load, not libseccomp's ECANCELED. */
	seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	/* The architectures first: a rule covers those in the filter when it is added. */
	if (add_archs(ctx, &archs) || set_flags(ctx, &flags))
		goto out;
	for (i = 0; i < nrules; i++) {
		struct jv r = jv_at(&rules, i), names = jv_key(&r, "names");
		struct jv args = jv_key(&r, "args"), action = jv_key(&r, "action");
		struct jv eret = jv_key(&r, "errnoRet");
		struct scmp_arg_cmp cmp[6];
		unsigned int ncmp;
		bool one_each;
		uint32_t act;
		size_t nnames;

		if (jv_need(&r, jv_object(&r), "an object") || parse_action(&action, &eret, &act) ||
		    parse_args(&args, cmp, &ncmp, &one_each) || jv_array(&names, &nnames) < 0)
			goto out;
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
			if (add_rule(ctx, &e, act, nr, cmp, ncmp, one_each))
				goto out;
		}
	}
	ret = 0;
	if (out) {
		*out = ctx;
		return 0;
	}
out:
	seccomp_release(ctx);
	return ret;
}

int ctr_seccomp_check(const struct jv *profile)
{
	return build(profile, false, NULL);
}

scmp_filter_ctx ctr_seccomp_build(json_object *profile, bool no_new_privs)
{
	struct jv p = jv_root(profile, "config.json");
	scmp_filter_ctx ctx = NULL;

	snprintf(p.path, sizeof(p.path), "linux.seccomp");
	return build(&p, no_new_privs, &ctx) ? NULL : ctx;
}

/* For a filter loaded only at exec, after create has returned: see now that it loads. */
int ctr_seccomp_try(scmp_filter_ctx ctx)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(-seccomp_load(ctx) & 0xff);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* Killed: by the filter, which a failed load never installed. */
	return WIFEXITED(status) ? -WEXITSTATUS(status) : 0;
}
