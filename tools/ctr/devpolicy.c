// SPDX-License-Identifier: GPL-2.0
/*
 * The device policy: cgroup v2 has no devices.allow file, so the rules of
 * linux.resources.devices become a BPF_PROG_TYPE_CGROUP_DEVICE program
 * attached to the container's cgroup.  Rules are tried last to first and
 * the first match decides (a later rule overrides an earlier one, as the
 * runtime spec says); no match denies.  The default set (what every
 * container needs) and the devices of linux.devices come after the
 * config's rules, so they always stay usable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "ctr.h"

struct dev_rule {
	bool allow;
	char type;		/* 'a', 'c' or 'b' */
	int64_t major, minor;	/* -1: any */
	unsigned int access;	/* BPF_DEVCG_ACC_* bits */
};

/* runc's and crun's defaults: mknod of anything, and the basic nodes. */
static const struct dev_rule default_rules[] = {
	{ true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD },
	{ true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD },
	{ true, 'c', 1, 3, 7 },		/* null */
	{ true, 'c', 1, 5, 7 },		/* zero */
	{ true, 'c', 1, 7, 7 },		/* full */
	{ true, 'c', 1, 8, 7 },		/* random */
	{ true, 'c', 1, 9, 7 },		/* urandom */
	{ true, 'c', 5, 0, 7 },		/* tty */
	{ true, 'c', 5, 1, 7 },		/* console */
	{ true, 'c', 5, 2, 7 },		/* ptmx */
	{ true, 'c', 136, -1, 7 },	/* pts */
};

#define MAX_RULES 256
#define ALL_ACCESS (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

int ctr_parse_access(const char *access, unsigned int *bits)
{
	*bits = 0;
	for (; access && *access; access++) {
		if (*access == 'r')
			*bits |= BPF_DEVCG_ACC_READ;
		else if (*access == 'w')
			*bits |= BPF_DEVCG_ACC_WRITE;
		else if (*access == 'm')
			*bits |= BPF_DEVCG_ACC_MKNOD;
		else
			return -EINVAL;
	}
	return 0;
}

/* One linux.resources.devices entry; errors name the field. */
static int parse_rule(const struct jv *o, struct dev_rule *r)
{
	struct jv allow = jv_key(o, "allow"), t = jv_key(o, "type"), a = jv_key(o, "access");
	struct jv maj = jv_key(o, "major"), min = jv_key(o, "minor");
	const char *type = "a", *access = NULL;

	r->major = r->minor = -1;
	if (jv_need(o, jv_object(o), "an object") ||
	    jv_need(&allow, jv_bool(&allow, &r->allow), "true or false") ||
	    jv_string(&t, &type) < 0 || jv_string(&a, &access) < 0 ||
	    jv_int(&maj, -1, UINT32_MAX, &r->major) < 0 ||
	    jv_int(&min, -1, UINT32_MAX, &r->minor) < 0)
		return -EINVAL;
	r->type = type[0];
	if (strlen(type) != 1 || !strchr("acb", r->type))
		return jv_bad(&t, "expected a, c or b, not \"%s\"", type);
	if (!access)
		r->access = ALL_ACCESS;
	else if (ctr_parse_access(access, &r->access))
		return jv_bad(&a, "expected letters of r, w, m, not \"%s\"", access);
	return 0;
}

int ctr_devpolicy_check(const struct jv *rules)
{
	struct dev_rule r;
	size_t i, n;

	if (jv_array(rules, &n) < 0)
		return -EINVAL;
	if (n > MAX_RULES - 64)
		return jv_bad(rules, "expected at most %d rules", MAX_RULES - 64);
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(rules, i);

		if (parse_rule(&e, &r))
			return -EINVAL;
	}
	return 0;
}

struct prog {
	struct bpf_insn insn[MAX_RULES * 9 + 8];
	int n;
};

static void emit(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	p->insn[p->n++] = (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm,
	};
}

/*
 * r2 = device type, r3 = requested access, r4 = major, r5 = minor.
 * Returns false once a rule matches everything: what follows is dead.
 */
static bool emit_rule(struct prog *p, const struct dev_rule *r)
{
	bool by_type = r->type != 'a', by_access = (r->access & ALL_ACCESS) != ALL_ACCESS;
	int len = by_type + 3 * by_access + (r->major >= 0) + (r->minor >= 0) + 2;
	int next = p->n + len;

	if (by_type)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 2, 0, next - p->n - 1,
		     r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	if (by_access) {
		/* Every requested bit must be allowed: (r3 & ~access) == 0. */
		emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, ~r->access & ALL_ACCESS);
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 1, 0, next - p->n - 1, 0);
	}
	if (r->major >= 0)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 4, 0, next - p->n - 1, (__s32)r->major);
	if (r->minor >= 0)
		emit(p, BPF_JMP | BPF_JNE | BPF_K, 5, 0, next - p->n - 1, (__s32)r->minor);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return by_type || by_access || r->major >= 0 || r->minor >= 0;
}

/* Every rule, in the order they apply (later overrides earlier). */
static int collect(const struct ctr_spec *s, struct dev_rule *rules)
{
	struct jv arr = jv_root(s->device_rules, "config.json");
	size_t i, n = 0, nrules;

	/* Checked by ctr_devpolicy_check when the config was read. */
	jv_array(&arr, &nrules);
	for (i = 0; i < nrules; i++) {
		struct jv e = jv_at(&arr, i);

		if (!parse_rule(&e, &rules[n]))
			n++;
	}
	for (i = 0; i < sizeof(default_rules) / sizeof(default_rules[0]); i++)
		rules[n++] = default_rules[i];
	for (i = 0; i < (size_t)s->ndevices && n < MAX_RULES; i++) {
		const struct ctr_device *d = &s->devices_list[i];

		if (d->type != 'c' && d->type != 'b')
			continue;	/* fifos are not devices to the cgroup */
		rules[n++] = (struct dev_rule){ true, d->type, d->major, d->minor, ALL_ACCESS };
	}
	return n;
}

int ctr_devpolicy_apply(const struct ctr_spec *s, int cgroup_fd)
{
	static struct prog p;
	struct dev_rule rules[MAX_RULES];
	static char log[4096];
	union bpf_attr attr;
	int n = collect(s, rules), i, fd, ret;

	p.n = 0;
	/* ctx: access_type = (access << 16) | type, then major, minor. */
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
	emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	emit(&p, BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	emit(&p, BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);
	for (i = n - 1; i >= 0; i--)
		if (!emit_rule(&p, &rules[i]))
			break;
	if (i < 0) {
		emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
		emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (__u64)(unsigned long)p.insn;
	attr.insn_cnt = p.n;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0 && errno == ENOSPC) {
		/* The verifier's log did not fit: load again without it. */
		attr.log_buf = attr.log_size = attr.log_level = 0;
		fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	if (fd < 0) {
		ret = -errno;
		if (log[0] && getenv("CTR_DEBUG"))
			fprintf(stderr, "%s", log);
		return ret;
	}

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgroup_fd;
	attr.attach_bpf_fd = fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	ret = syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) ? -errno : 0;
	close(fd);	/* the attachment holds the program */
	return ret;
}
