// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "lvmm": list VMs, read vCPU statistics,
 * pause and resume, and events (Documentation/uapi.rst).
 *
 * Who may see what: the effective uid of the process that opened the
 * socket (as netlink_capable() judges by the opener, so a socket handed
 * to a setuid program gains nothing) owns its VMs; CAP_SYS_ADMIN sees
 * all.  Others' VMs do not exist for reads (ENOENT) and refuse control
 * (EPERM).
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "lvmm.h"

/* Requests name a VM, nothing else: other attributes are EINVAL. */
static const struct nla_policy lvmm_vm_policy[LVMM_ATTR_VM_ID + 1] = {
	[LVMM_ATTR_VM_ID] = { .type = NLA_U32 },
};

static struct genl_family lvmm_genl_family;

/* LVMM_CMD_SUBSCRIBE'd sockets, under lvmm_vms_lock (events are sent there). */
struct lvmm_subscriber {
	struct list_head node;
	u32 portid;
	kuid_t uid;
	bool admin;
};

static LIST_HEAD(lvmm_subscribers);

struct lvmm_caller {
	kuid_t uid;
	bool admin;
};

static struct lvmm_caller lvmm_caller_of(struct sk_buff *skb)
{
	struct socket *sock = NETLINK_CB(skb).sk->sk_socket;
	const struct cred *cred = sock && sock->file ? sock->file->f_cred : current_cred();

	return (struct lvmm_caller){
		.uid = cred->euid,
		.admin = netlink_capable(skb, CAP_SYS_ADMIN),
	};
}

static bool lvmm_may_see(const struct lvmm_caller *c, const struct lvmm_vm *vm)
{
	return c->admin || uid_eq(c->uid, vm->owner_uid);
}

/* The VM the request names; lvmm_vms_lock held. */
static struct lvmm_vm *lvmm_nl_vm(struct sk_buff *skb, struct genl_info *info,
				  bool control, int *err)
{
	struct lvmm_caller caller = lvmm_caller_of(skb);
	struct lvmm_vm *vm;

	if (!info->attrs[LVMM_ATTR_VM_ID]) {
		GENL_SET_ERR_MSG(info, "LVMM_ATTR_VM_ID is required");
		*err = -EINVAL;
		return NULL;
	}
	vm = lvmm_vm_find(nla_get_u32(info->attrs[LVMM_ATTR_VM_ID]));
	if (vm && !lvmm_may_see(&caller, vm)) {
		if (control) {
			GENL_SET_ERR_MSG(info, "the VM belongs to another user");
			*err = -EPERM;
			return NULL;
		}
		vm = NULL;
	}
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LVMM_ATTR_VM_ID], "no such VM");
		*err = -ENOENT;
	}
	return vm;
}

static int lvmm_put_owner(struct sk_buff *skb, const struct lvmm_vm *vm)
{
	if (nla_put_u32(skb, LVMM_ATTR_VM_ID, vm->id) ||
	    (vm->name[0] && nla_put_string(skb, LVMM_ATTR_VM_NAME, vm->name)) ||
	    nla_put_u32(skb, LVMM_ATTR_OWNER_PID, vm->owner_pid) ||
	    nla_put_u32(skb, LVMM_ATTR_OWNER_UID,
			from_kuid_munged(&init_user_ns, vm->owner_uid)))
		return -EMSGSIZE;
	return 0;
}

/* One VM's description; lvmm_vms_lock held, takes vm->lock. */
static int lvmm_put_vm(struct sk_buff *skb, struct lvmm_vm *vm)
{
	unsigned int i, vcpus = 0, slots = 0;
	u64 bytes = 0;

	mutex_lock(&vm->lock);
	for (i = 0; i < LVMM_MAX_VCPUS; i++)
		vcpus += !!vm->vcpus[i];
	for (i = 0; i < LVMM_MAX_MEM_SLOTS; i++) {
		if (vm->slots.slot[i].used) {
			slots++;
			bytes += vm->slots.slot[i].size;
		}
	}
	mutex_unlock(&vm->lock);

	if (lvmm_put_owner(skb, vm) ||
	    (vm->owner_cgroup && nla_put_string(skb, LVMM_ATTR_OWNER_CGROUP, vm->owner_cgroup)) ||
	    nla_put_u32(skb, LVMM_ATTR_NR_VCPUS, vcpus) ||
	    nla_put_u32(skb, LVMM_ATTR_MEM_SLOTS, slots) ||
	    nla_put_u64_64bit(skb, LVMM_ATTR_MEM_BYTES, bytes, LVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LVMM_ATTR_MEM_MAPPED,
			      (u64)READ_ONCE(vm->mmu.mapped_pages) << PAGE_SHIFT, LVMM_ATTR_PAD) ||
	    nla_put_u32(skb, LVMM_ATTR_STATE, lvmm_vm_state(vm)) ||
	    nla_put_u64_64bit(skb, LVMM_ATTR_CREATED_NS, vm->created_ns, LVMM_ATTR_PAD) ||
	    nla_put_string(skb, LVMM_ATTR_BACKEND, lvmm_ops->name))
		return -EMSGSIZE;
	return 0;
}

/*
 * An answer about the VM the request names: the message of @size and its
 * header, with lvmm_vms_lock taken (also on failure); lvmm_nl_reply_end()
 * sends it or drops it.
 */
static struct lvmm_vm *lvmm_nl_reply_vm(struct sk_buff *skb, struct genl_info *info, size_t size,
					u8 cmd, struct sk_buff **msg, void **hdr, int *err)
{
	struct lvmm_vm *vm;

	*msg = genlmsg_new(size, GFP_KERNEL);
	mutex_lock(&lvmm_vms_lock);
	if (!*msg) {
		*err = -ENOMEM;
		return NULL;
	}
	vm = lvmm_nl_vm(skb, info, false, err);
	if (!vm)
		return NULL;
	*hdr = genlmsg_put_reply(*msg, info, &lvmm_genl_family, 0, cmd);
	if (!*hdr) {
		*err = -EMSGSIZE;
		return NULL;
	}
	return vm;
}

static int lvmm_nl_reply_end(struct sk_buff *msg, void *hdr, struct genl_info *info, int err)
{
	mutex_unlock(&lvmm_vms_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int lvmm_nl_get_vm(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct lvmm_vm *vm;
	void *hdr = NULL;
	int err = 0;

	vm = lvmm_nl_reply_vm(skb, info, NLMSG_GOODSIZE, LVMM_CMD_GET_VM, &msg, &hdr, &err);
	if (vm)
		err = lvmm_put_vm(msg, vm);
	return lvmm_nl_reply_end(msg, hdr, info, err);
}

/* cb->args[0]: the last id sent, so that a dump resumes after it. */
static int lvmm_nl_dump_vms(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct lvmm_caller caller = lvmm_caller_of(cb->skb);
	struct lvmm_vm *vm;
	void *hdr;

	mutex_lock(&lvmm_vms_lock);
	list_for_each_entry(vm, &lvmm_vms, node) {
		if (vm->id <= cb->args[0] || !lvmm_may_see(&caller, vm))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &lvmm_genl_family, NLM_F_MULTI, LVMM_CMD_GET_VM);
		if (!hdr)
			break;
		if (lvmm_put_vm(skb, vm)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = vm->id;
	}
	mutex_unlock(&lvmm_vms_lock);
	return skb->len;
}

static int lvmm_put_vcpu_stats(struct sk_buff *skb, struct lvmm_vcpu *vcpu)
{
	u64 stats[LVMM_STAT_NR];
	struct nlattr *nest;
	int i;

	for (i = 0; i < LVMM_STAT_NR; i++)
		stats[i] = READ_ONCE(vcpu->stats[i]);
	nest = nla_nest_start(skb, LVMM_ATTR_VCPU);
	if (!nest ||
	    nla_put_u32(skb, LVMM_ATTR_VCPU_ID, vcpu->id) ||
	    nla_put(skb, LVMM_ATTR_STATS, sizeof(stats), stats) ||
	    nla_put_u64_64bit(skb, LVMM_ATTR_GUEST_NS, READ_ONCE(vcpu->guest_ns), LVMM_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LVMM_ATTR_LVMM_NS, READ_ONCE(vcpu->lvmm_ns), LVMM_ATTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Room for the header, the VM id and every vCPU's counters and times. */
#define LVMM_STATS_MSG_SIZE \
	(NLMSG_GOODSIZE + LVMM_MAX_VCPUS * nla_total_size(nla_total_size(4) + \
	 nla_total_size(sizeof(u64) * LVMM_STAT_NR) + 2 * nla_total_size_64bit(8)))

static int lvmm_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct lvmm_vm *vm;
	unsigned int i;
	void *hdr = NULL;
	int err = 0;

	vm = lvmm_nl_reply_vm(skb, info, LVMM_STATS_MSG_SIZE, LVMM_CMD_GET_STATS, &msg, &hdr, &err);
	if (vm && nla_put_u32(msg, LVMM_ATTR_VM_ID, vm->id))
		err = -EMSGSIZE;
	if (vm && !err) {
		/* vm->lock keeps the vCPUs; their counters are read as they run. */
		mutex_lock(&vm->lock);
		for (i = 0; i < LVMM_MAX_VCPUS && !err; i++)
			if (vm->vcpus[i])
				err = lvmm_put_vcpu_stats(msg, vm->vcpus[i]);
		mutex_unlock(&vm->lock);
	}
	return lvmm_nl_reply_end(msg, hdr, info, err);
}

static int lvmm_nl_pause(struct sk_buff *skb, struct genl_info *info, bool pause)
{
	struct lvmm_vm *vm;
	int err;

	mutex_lock(&lvmm_vms_lock);
	vm = lvmm_nl_vm(skb, info, true, &err);
	if (vm) {
		err = lvmm_vm_pause(vm, pause);
		if (err == -EALREADY && pause)
			GENL_SET_ERR_MSG(info, "the VM is already paused");
		else if (err == -EALREADY)
			GENL_SET_ERR_MSG(info, "the VM is not paused");
	}
	mutex_unlock(&lvmm_vms_lock);
	return err;
}

static int lvmm_nl_pause_vm(struct sk_buff *skb, struct genl_info *info)
{
	return lvmm_nl_pause(skb, info, true);
}

static int lvmm_nl_resume_vm(struct sk_buff *skb, struct genl_info *info)
{
	return lvmm_nl_pause(skb, info, false);
}

static int lvmm_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct lvmm_caller caller = lvmm_caller_of(skb);
	struct lvmm_subscriber *s;

	mutex_lock(&lvmm_vms_lock);
	list_for_each_entry(s, &lvmm_subscribers, node) {
		if (s->portid == info->snd_portid) {
			mutex_unlock(&lvmm_vms_lock);
			return 0;
		}
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (s) {
		s->portid = info->snd_portid;
		s->uid = caller.uid;
		s->admin = caller.admin;
		list_add_tail(&s->node, &lvmm_subscribers);
	}
	mutex_unlock(&lvmm_vms_lock);
	return s ? 0 : -ENOMEM;
}

/* The subscription of @portid, or every one if @all. */
static void lvmm_unsubscribe(u32 portid, bool all)
{
	struct lvmm_subscriber *s, *tmp;

	list_for_each_entry_safe(s, tmp, &lvmm_subscribers, node) {
		if (all || s->portid == portid) {
			list_del(&s->node);
			kfree(s);
		}
	}
}

/* With lvmm_vms_lock held: the lock also keeps the events in order. */
void lvmm_nl_event(const struct lvmm_vm *vm, enum lvmm_event event, int vcpu_id)
{
	struct lvmm_subscriber *s, *tmp;
	struct sk_buff *msg, *copy;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &lvmm_genl_family, 0, LVMM_CMD_EVENT);
	/* The cgroup too: a listener can tell a destroyed VM's OOM kill from it. */
	if (!hdr || nla_put_u32(msg, LVMM_ATTR_EVENT, event) || lvmm_put_owner(msg, vm) ||
	    (vm->owner_cgroup && nla_put_string(msg, LVMM_ATTR_OWNER_CGROUP, vm->owner_cgroup)) ||
	    (vcpu_id >= 0 && nla_put_u32(msg, LVMM_ATTR_VCPU_ID, vcpu_id))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);

	list_for_each_entry_safe(s, tmp, &lvmm_subscribers, node) {
		if (!s->admin && !uid_eq(s->uid, vm->owner_uid))
			continue;
		copy = skb_clone(msg, GFP_KERNEL);
		/* A full receive queue drops the event; a closed socket its subscription. */
		if (copy && genlmsg_unicast(&init_net, copy, s->portid) == -ECONNREFUSED) {
			list_del(&s->node);
			kfree(s);
		}
	}
	genlmsg_multicast(&lvmm_genl_family, msg, 0, 0, GFP_KERNEL);
}

static int lvmm_nl_notify(struct notifier_block *nb, unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&lvmm_vms_lock);
	lvmm_unsubscribe(n->portid, false);
	mutex_unlock(&lvmm_vms_lock);
	return NOTIFY_DONE;
}

static struct notifier_block lvmm_nl_notifier = {
	.notifier_call = lvmm_nl_notify,
};

static const struct genl_ops lvmm_genl_ops[] = {
	{
		.cmd = LVMM_CMD_GET_VM,
		.doit = lvmm_nl_get_vm,
		.dumpit = lvmm_nl_dump_vms,
		.policy = lvmm_vm_policy,
		.maxattr = LVMM_ATTR_VM_ID,
	},
	{
		.cmd = LVMM_CMD_GET_STATS,
		.doit = lvmm_nl_get_stats,
		.policy = lvmm_vm_policy,
		.maxattr = LVMM_ATTR_VM_ID,
	},
	{
		.cmd = LVMM_CMD_PAUSE_VM,
		.doit = lvmm_nl_pause_vm,
		.policy = lvmm_vm_policy,
		.maxattr = LVMM_ATTR_VM_ID,
	},
	{
		.cmd = LVMM_CMD_RESUME_VM,
		.doit = lvmm_nl_resume_vm,
		.policy = lvmm_vm_policy,
		.maxattr = LVMM_ATTR_VM_ID,
	},
	{
		/* No policy: any attribute is rejected. */
		.cmd = LVMM_CMD_SUBSCRIBE,
		.doit = lvmm_nl_subscribe,
	},
};

/* Every event to every member: joining needs CAP_SYS_ADMIN. */
static const struct genl_multicast_group lvmm_genl_mcgrps[] = {
	{ .name = LVMM_GENL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family lvmm_genl_family __ro_after_init = {
	.name = LVMM_GENL_NAME,
	.version = LVMM_GENL_VERSION,
	.module = THIS_MODULE,
	/* Our own locks, not genl_mutex: a pause waits for vCPUs to leave the guest. */
	.parallel_ops = true,
	.ops = lvmm_genl_ops,
	.n_ops = ARRAY_SIZE(lvmm_genl_ops),
	.mcgrps = lvmm_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lvmm_genl_mcgrps),
	/* resv_start_op 0: strict validation and zero reserved bytes for every command. */
};

int lvmm_nl_init(void)
{
	int ret = genl_register_family(&lvmm_genl_family);

	if (ret)
		return ret;
	ret = netlink_register_notifier(&lvmm_nl_notifier);
	if (ret)
		genl_unregister_family(&lvmm_genl_family);
	return ret;
}

void lvmm_nl_exit(void)
{
	netlink_unregister_notifier(&lvmm_nl_notifier);
	genl_unregister_family(&lvmm_genl_family);
	mutex_lock(&lvmm_vms_lock);
	lvmm_unsubscribe(0, true);
	mutex_unlock(&lvmm_vms_lock);
}
