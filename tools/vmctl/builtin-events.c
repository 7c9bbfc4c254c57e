// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl events: lvmm's VM events as they happen (created, destroyed,
 * paused, resumed, shutdown, internal error, failed entry), one line or
 * one JSON object each, for the VMs the caller may see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "cgroup.h"
#include "vmctl.h"
#include "vmref.h"

/*
 * A destroyed VM whose cgroup saw the OOM killer: the kernel killed its
 * VMM for memory (a VM over its --memory-limit).
 */
static int oom_killed(const struct lvmm_nl_event *ev)
{
	char root[PATH_MAX];
	struct cg cg;

	if (ev->event != LVMM_EVENT_DESTROYED || !ev->owner_cgroup[0] ||
	    !strcmp(ev->owner_cgroup, "/") || cg_root(root, sizeof(root)) ||
	    (size_t)snprintf(cg.path, sizeof(cg.path), "%s%s", root, ev->owner_cgroup) >=
	    sizeof(cg.path))
		return 0;
	return cg_oom_kills(&cg) > 0;
}

static void print_event(const struct lvmm_nl_event *ev, int json)
{
	int oom = oom_killed(ev);

	struct timespec now;
	struct tm tm;
	char when[40];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "time", json_object_new_string(when));
		json_object_object_add(o, "event", json_object_new_string(lvmm_nl_event_name(ev->event)));
		json_object_object_add(o, "id", json_object_new_int64(ev->vm_id));
		json_object_object_add(o, "name", json_object_new_string(ev->name));
		json_object_object_add(o, "owner_pid", json_object_new_int64(ev->owner_pid));
		json_object_object_add(o, "owner_uid", json_object_new_int64(ev->owner_uid));
		if (ev->vcpu_id >= 0)
			json_object_object_add(o, "vcpu", json_object_new_int(ev->vcpu_id));
		if (oom)
			json_object_object_add(o, "reason", json_object_new_string("oom-kill"));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("%s.%03ldZ %-14s id=%u name=%s pid=%u uid=%u", when, now.tv_nsec / 1000000,
		       lvmm_nl_event_name(ev->event), ev->vm_id, ev->name[0] ? ev->name : "-",
		       ev->owner_pid, ev->owner_uid);
		if (ev->vcpu_id >= 0)
			printf(" vcpu=%d", ev->vcpu_id);
		if (oom)
			printf(" reason=oom-kill");
		putchar('\n');
	}
	fflush(stdout);
}

int cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct lvmm_nl_event ev;
	struct lvmm_nl *nl;
	long count = -1;
	int opt, json = 0, ret;
	char *end;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0) {
				vmctl_err("--count '%s' is not a positive number", optarg);
				return VMCTL_USAGE;
			}
			break;
		case 'h':
			puts("usage: vmctl events [--json] [--count N]\n\n"
			     "Print lvmm's VM events as they happen, for the VMs you may see (all as\n"
			     "root): created, destroyed, paused, resumed, shutdown (a vCPU's triple\n"
			     "fault), internal-error, fail-entry. Until interrupted, or N events.");
			return VMCTL_OK;
		default:
			return vmctl_bad_option("events", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return vmctl_extra_arg("events", argv[optind]);
	nl = vmref_open();
	if (!nl)
		return VMCTL_ERROR;
	ret = lvmm_nl_subscribe(nl);
	if (ret)
		vmctl_err("cannot subscribe to lvmm's events: %s", strerror(-ret));
	while (!ret && count--) {
		ret = lvmm_nl_next_event(nl, &ev, -1);
		if (ret == 1) {
			print_event(&ev, json);
			ret = 0;
		} else if (ret < 0) {
			vmctl_err("reading events: %s%s", strerror(-ret),
				  ret == -ENOBUFS ? " (events were lost: read them faster)" : "");
		}
	}
	lvmm_nl_close(nl);
	return ret ? VMCTL_ERROR : VMCTL_OK;
}
