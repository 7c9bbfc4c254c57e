// SPDX-License-Identifier: GPL-2.0
/* The lvmm generic netlink client: see lvmm_nl.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "lvmm_nl.h"

/*
 * A subscribed socket gets events (sequence number 0) at any time, also
 * between a request and its answer: the first of those wait here for
 * lvmm_nl_next_event(); more are lost, and it says so.
 */
#define EARLY_EVENTS 16

struct lvmm_nl {
	struct nl_sock *sk;
	int family;
	char error[256];
	struct lvmm_nl_event early[EARLY_EVENTS];
	int nearly, early_next;
	bool early_lost;
};

/* What one request collects from the answers to it. */
struct lvmm_nl_call {
	struct lvmm_nl *nl;
	int (*parse)(struct nlmsghdr *nlh, struct nlattr **tb, struct lvmm_nl_call *call);
	void *out;
	int max, count, err;
	unsigned int seq;	/* the request's */
	bool done, stopped;
	int (*fn)(const struct lvmm_nl_vm *vm, void *arg);
	void *arg;
};

static void str_attr(char *dst, size_t size, const struct nlattr *a)
{
	if (a)
		snprintf(dst, size, "%.*s", nla_len(a), (const char *)nla_data(a));
}

static uint32_t u32_attr(struct nlattr **tb, int type, uint32_t dflt)
{
	return tb[type] ? nla_get_u32(tb[type]) : dflt;
}

static uint64_t u64_attr(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

struct lvmm_nl *lvmm_nl_open(void)
{
	struct lvmm_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk) < 0)
		goto err;
	nl->family = genl_ctrl_resolve(nl->sk, LVMM_GENL_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sk);
		free(nl);
		errno = ENOENT;
		return NULL;
	}
	/* The kernel's reason (extack) in error answers; libnl 3.7 has no call for it. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return nl;
err:
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
	errno = EIO;
	return NULL;
}

void lvmm_nl_close(struct lvmm_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

const char *lvmm_nl_error(const struct lvmm_nl *nl)
{
	return nl->error;
}

/* NLMSGERR_ATTR_MSG of an error answer: after the request, or its header if capped. */
static void save_extack(struct lvmm_nl *nl, struct nlmsgerr *e)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int off = sizeof(*e);

	nl->error[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if ((int)nlmsg_datalen(nlh) <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      nlmsg_datalen(nlh) - off, NULL) == 0)
		str_attr(nl->error, sizeof(nl->error), tb[NLMSGERR_ATTR_MSG]);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct lvmm_nl_call *call = arg;

	(void)who;
	call->err = e->error;
	if (e->error)
		save_extack(call->nl, e);
	call->done = true;
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct lvmm_nl_call *call = arg;

	(void)msg;
	call->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct lvmm_nl_call *call = arg;
	struct nlattr *tb[LVMM_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LVMM_ATTR_MAX, NULL) < 0) {
		call->err = -EPROTO;
		return NL_SKIP;
	}
	if (call->parse && !call->stopped && call->parse(nlmsg_hdr(msg), tb, call))
		call->stopped = true;
	return NL_OK;
}

static bool event_from_attrs(struct nlattr **tb, struct lvmm_nl_event *ev)
{
	if (!tb[LVMM_ATTR_EVENT])
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->event = u32_attr(tb, LVMM_ATTR_EVENT, 0);
	ev->vm_id = u32_attr(tb, LVMM_ATTR_VM_ID, 0);
	ev->owner_pid = u32_attr(tb, LVMM_ATTR_OWNER_PID, 0);
	ev->owner_uid = u32_attr(tb, LVMM_ATTR_OWNER_UID, 0);
	ev->vcpu_id = (int32_t)u32_attr(tb, LVMM_ATTR_VCPU_ID, (uint32_t)-1);
	str_attr(ev->name, sizeof(ev->name), tb[LVMM_ATTR_VM_NAME]);
	str_attr(ev->owner_cgroup, sizeof(ev->owner_cgroup), tb[LVMM_ATTR_OWNER_CGROUP]);
	return true;
}

/* Instead of libnl's check: the request's answers, and events kept aside. */
static int answer_or_event(struct nl_msg *msg, void *arg)
{
	struct lvmm_nl_call *call = arg;
	struct lvmm_nl *nl = call->nl;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[LVMM_ATTR_MAX + 1];
	struct lvmm_nl_event ev;

	if (nlh->nlmsg_seq == call->seq)
		return NL_OK;
	if (nlh->nlmsg_seq == 0) {
		if (genlmsg_parse(nlh, 0, tb, LVMM_ATTR_MAX, NULL) == 0 && event_from_attrs(tb, &ev)) {
			if (nl->nearly < EARLY_EVENTS)
				nl->early[nl->nearly++] = ev;
			else
				nl->early_lost = true;
		}
		return NL_SKIP;
	}
	call->err = -EPROTO;	/* an answer to no request of ours */
	call->done = true;
	return NL_STOP;
}

static int lvmm_nl_run(struct lvmm_nl *nl, struct nl_msg *msg, struct lvmm_nl_call *call)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	call->nl = nl;
	nl->error[0] = 0;
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, call);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, call);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, call);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, answer_or_event, call);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, call);
	ret = nl_send_auto(nl->sk, msg);
	call->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	/* Answers until the ack, the error or the end of a dump. */
	while (ret >= 0 && !call->done)
		ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (call->done)
		return call->err;
	snprintf(nl->error, sizeof(nl->error), "netlink: %s", nl_geterror(ret));
	return -EIO;
}

struct nl_msg *lvmm_nl_msg(struct lvmm_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
				LVMM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *vm_msg(struct lvmm_nl *nl, uint8_t cmd, uint32_t id)
{
	struct nl_msg *msg = lvmm_nl_msg(nl, cmd, 0);

	if (msg && nla_put_u32(msg, LVMM_ATTR_VM_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int lvmm_nl_transact(struct lvmm_nl *nl, struct nl_msg *msg)
{
	struct lvmm_nl_call call = { 0 };

	return msg ? lvmm_nl_run(nl, msg, &call) : -ENOMEM;
}

int lvmm_nl_transact_raw(struct lvmm_nl *nl, uint8_t cmd, const void *body, int len,
			 uint16_t genl_reserved)
{
	struct genlmsghdr hdr = { .cmd = cmd, .version = LVMM_GENL_VERSION,
				  .reserved = genl_reserved };
	struct nl_msg *msg = nlmsg_alloc_simple(nl->family, 0);

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &hdr, sizeof(hdr), 0) < 0 ||
	    (len && nlmsg_append(msg, (void *)body, len, 0) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return lvmm_nl_transact(nl, msg);
}

static void parse_vm(struct nlattr **tb, struct lvmm_nl_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->id = u32_attr(tb, LVMM_ATTR_VM_ID, 0);
	str_attr(vm->name, sizeof(vm->name), tb[LVMM_ATTR_VM_NAME]);
	vm->owner_pid = u32_attr(tb, LVMM_ATTR_OWNER_PID, 0);
	vm->owner_uid = u32_attr(tb, LVMM_ATTR_OWNER_UID, 0);
	str_attr(vm->owner_cgroup, sizeof(vm->owner_cgroup), tb[LVMM_ATTR_OWNER_CGROUP]);
	vm->vcpus = u32_attr(tb, LVMM_ATTR_NR_VCPUS, 0);
	vm->slots = u32_attr(tb, LVMM_ATTR_MEM_SLOTS, 0);
	vm->mem_bytes = u64_attr(tb, LVMM_ATTR_MEM_BYTES);
	vm->mem_mapped = u64_attr(tb, LVMM_ATTR_MEM_MAPPED);
	vm->state = u32_attr(tb, LVMM_ATTR_STATE, 0);
	vm->created_ns = u64_attr(tb, LVMM_ATTR_CREATED_NS);
	str_attr(vm->backend, sizeof(vm->backend), tb[LVMM_ATTR_BACKEND]);
}

static int parse_one_vm(struct nlmsghdr *nlh, struct nlattr **tb, struct lvmm_nl_call *call)
{
	(void)nlh;
	parse_vm(tb, call->out);
	call->count++;
	return 0;
}

static int parse_each_vm(struct nlmsghdr *nlh, struct nlattr **tb, struct lvmm_nl_call *call)
{
	struct lvmm_nl_vm vm;

	(void)nlh;
	parse_vm(tb, &vm);
	call->count++;
	return call->fn(&vm, call->arg);
}

int lvmm_nl_get_vm(struct lvmm_nl *nl, uint32_t id, struct lvmm_nl_vm *vm)
{
	struct lvmm_nl_call call = { .parse = parse_one_vm, .out = vm };
	struct nl_msg *msg = vm_msg(nl, LVMM_CMD_GET_VM, id);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = lvmm_nl_run(nl, msg, &call);
	return ret ? ret : call.count == 1 ? 0 : -EPROTO;
}

int lvmm_nl_list_vms(struct lvmm_nl *nl, int (*fn)(const struct lvmm_nl_vm *vm, void *arg),
		     void *arg)
{
	struct lvmm_nl_call call = { .parse = parse_each_vm, .fn = fn, .arg = arg };
	struct nl_msg *msg = lvmm_nl_msg(nl, LVMM_CMD_GET_VM, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = lvmm_nl_run(nl, msg, &call);
	return ret ? ret : call.count;
}

/* Every LVMM_ATTR_VCPU of the reply: tb[] holds only the last one. */
static int parse_stats(struct nlmsghdr *nlh, struct nlattr **tb, struct lvmm_nl_call *call)
{
	struct lvmm_nl_vcpu_stats *st = call->out;
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *a, *v[LVMM_ATTR_MAX + 1];
	int rem;

	(void)tb;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		struct lvmm_nl_vcpu_stats *s;

		if (nla_type(a) != LVMM_ATTR_VCPU)
			continue;
		if (call->count++ >= call->max || nla_parse_nested(v, LVMM_ATTR_MAX, a, NULL) < 0)
			continue;
		s = &st[call->count - 1];
		memset(s, 0, sizeof(*s));
		s->vcpu_id = u32_attr(v, LVMM_ATTR_VCPU_ID, 0);
		if (v[LVMM_ATTR_STATS]) {
			int n = nla_len(v[LVMM_ATTR_STATS]) / (int)sizeof(uint64_t);

			s->count = n < LVMM_STAT_MAX ? n : LVMM_STAT_MAX;
			memcpy(s->stat, nla_data(v[LVMM_ATTR_STATS]), s->count * sizeof(uint64_t));
		}
		s->guest_ns = u64_attr(v, LVMM_ATTR_GUEST_NS);
		s->lvmm_ns = u64_attr(v, LVMM_ATTR_LVMM_NS);
	}
	return 0;
}

int lvmm_nl_get_stats(struct lvmm_nl *nl, uint32_t id, struct lvmm_nl_vcpu_stats *st, int max)
{
	struct lvmm_nl_call call = { .parse = parse_stats, .out = st, .max = max };
	struct nl_msg *msg = vm_msg(nl, LVMM_CMD_GET_STATS, id);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = lvmm_nl_run(nl, msg, &call);
	return ret ? ret : call.count;
}

int lvmm_nl_pause(struct lvmm_nl *nl, uint32_t id, bool pause)
{
	return lvmm_nl_transact(nl, vm_msg(nl, pause ? LVMM_CMD_PAUSE_VM : LVMM_CMD_RESUME_VM, id));
}

int lvmm_nl_subscribe(struct lvmm_nl *nl)
{
	return lvmm_nl_transact(nl, lvmm_nl_msg(nl, LVMM_CMD_SUBSCRIBE, 0));
}

int lvmm_nl_join_events(struct lvmm_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, LVMM_GENL_NAME, LVMM_GENL_MCGRP_EVENTS);
	int ret;

	if (grp < 0)
		return -ENOENT;
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0)
		return ret == -NLE_PERM ? -EPERM : -EIO;
	return 0;
}

/* Events come unasked, with sequence number 0. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int parse_event(struct nlmsghdr *nlh, struct nlattr **tb, struct lvmm_nl_call *call)
{
	(void)nlh;
	if (!event_from_attrs(tb, call->out))
		return 0;
	call->count++;
	return 1;	/* one event per call */
}

int lvmm_nl_next_event(struct lvmm_nl *nl, struct lvmm_nl_event *ev, int timeout_ms)
{
	struct lvmm_nl_call call = { .nl = nl, .parse = parse_event, .out = ev };
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct nl_cb *cb;
	int ret;

	if (nl->early_next < nl->nearly) {
		*ev = nl->early[nl->early_next++];
		if (nl->early_next == nl->nearly)
			nl->early_next = nl->nearly = 0;
		return 1;
	}
	if (nl->early_lost) {
		nl->early_lost = false;
		snprintf(nl->error, sizeof(nl->error), "events came faster than they were read");
		return -ENOBUFS;
	}
	while (!call.count) {
		ret = poll(&p, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
		cb = nl_cb_alloc(NL_CB_DEFAULT);
		if (!cb)
			return -ENOMEM;
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &call);
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
		ret = nl_recvmsgs(nl->sk, cb);
		nl_cb_put(cb);
		if (ret < 0) {
			snprintf(nl->error, sizeof(nl->error), "netlink: %s", nl_geterror(ret));
			/* Events were lost to a full receive buffer. */
			return ret == -NLE_NOMEM ? -ENOBUFS : -EIO;
		}
	}
	return 1;
}

const char *lvmm_nl_state_name(uint32_t state)
{
	static const char *const names[] = {
		[LVMM_VM_CREATED] = "created", [LVMM_VM_RUNNING] = "running",
		[LVMM_VM_PAUSED] = "paused", [LVMM_VM_SHUTDOWN] = "shutdown",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

const char *lvmm_nl_event_name(uint32_t event)
{
	static const char *const names[] = {
		[LVMM_EVENT_CREATED] = "created", [LVMM_EVENT_DESTROYED] = "destroyed",
		[LVMM_EVENT_PAUSED] = "paused", [LVMM_EVENT_RESUMED] = "resumed",
		[LVMM_EVENT_SHUTDOWN] = "shutdown",
		[LVMM_EVENT_INTERNAL_ERROR] = "internal-error",
		[LVMM_EVENT_FAIL_ENTRY] = "fail-entry",
	};

	return event < sizeof(names) / sizeof(names[0]) ? names[event] : "unknown";
}
