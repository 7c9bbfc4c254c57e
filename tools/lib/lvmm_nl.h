/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client of lvmm's generic netlink family (uapi/linux/lvmm.h), on
 * libnl-genl-3: what vmctl and the selftests use to list VMs, read their
 * statistics, pause and resume them, and follow events.  Functions return
 * 0 (or a count) on success and -errno on failure; lvmm_nl_error() has the
 * kernel's message for the last failure, when it sent one.
 */
#ifndef LVMM_NL_H
#define LVMM_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/lvmm.h>

struct lvmm_nl;
struct nl_msg;

struct lvmm_nl_vm {
	uint32_t id;
	char name[LVMM_VM_NAME_LEN];
	uint32_t owner_pid, owner_uid;
	char owner_cgroup[512];
	uint32_t vcpus, slots;
	uint64_t mem_bytes, mem_mapped;
	uint32_t state;			/* enum lvmm_vm_state */
	uint64_t created_ns;		/* CLOCK_REALTIME */
	char backend[8];
};

struct lvmm_nl_vcpu_stats {
	uint32_t vcpu_id;
	uint32_t count;			/* entries of stat[] the kernel sent */
	uint64_t stat[LVMM_STAT_MAX];	/* by enum lvmm_stat */
	uint64_t guest_ns, lvmm_ns;
};

struct lvmm_nl_event {
	uint32_t event;			/* enum lvmm_event */
	uint32_t vm_id, owner_pid, owner_uid;
	int32_t vcpu_id;		/* -1 for events of the whole VM */
	char name[LVMM_VM_NAME_LEN];
	char owner_cgroup[512];		/* "" if the kernel did not say */
};

/* NULL with errno set (ENOENT: lvmm.ko is not loaded or has no netlink). */
struct lvmm_nl *lvmm_nl_open(void);
void lvmm_nl_close(struct lvmm_nl *nl);
const char *lvmm_nl_error(const struct lvmm_nl *nl);

int lvmm_nl_get_vm(struct lvmm_nl *nl, uint32_t id, struct lvmm_nl_vm *vm);
/*
 * Calls @fn for every VM the caller may see; a non-zero return stops.
 * @fn may not make requests on @nl: the dump's answers are still coming.
 */
int lvmm_nl_list_vms(struct lvmm_nl *nl, int (*fn)(const struct lvmm_nl_vm *vm, void *arg),
		     void *arg);
/* Fills up to @max vCPUs; returns how many the VM has. */
int lvmm_nl_get_stats(struct lvmm_nl *nl, uint32_t id, struct lvmm_nl_vcpu_stats *st, int max);
int lvmm_nl_pause(struct lvmm_nl *nl, uint32_t id, bool pause);

/*
 * Events, on a socket used for nothing else: subscribe (the events of the
 * caller's VMs, all with CAP_SYS_ADMIN) or join the multicast group
 * (CAP_SYS_ADMIN only), then wait.  1: an event; 0: @timeout_ms passed
 * (-1 waits for ever).
 */
int lvmm_nl_subscribe(struct lvmm_nl *nl);
int lvmm_nl_join_events(struct lvmm_nl *nl);
int lvmm_nl_next_event(struct lvmm_nl *nl, struct lvmm_nl_event *ev, int timeout_ms);

/* For requests the helpers above do not make (the selftests' malformed ones). */
struct nl_msg *lvmm_nl_msg(struct lvmm_nl *nl, uint8_t cmd, int flags);
/* Sends @msg (and frees it), waits for the kernel's answer: 0 or -errno. */
int lvmm_nl_transact(struct lvmm_nl *nl, struct nl_msg *msg);
/* Sends @len raw bytes as one netlink message body after a generic header. */
int lvmm_nl_transact_raw(struct lvmm_nl *nl, uint8_t cmd, const void *body, int len,
			 uint16_t genl_reserved);

const char *lvmm_nl_state_name(uint32_t state);
const char *lvmm_nl_event_name(uint32_t event);

#endif /* LVMM_NL_H */
