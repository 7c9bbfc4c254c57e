// SPDX-License-Identifier: GPL-2.0
/* vmctl list: every VM the caller may see, from lvmm's netlink listing. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "config.h"
#include "state.h"
#include "vmctl.h"
#include "vmref.h"

struct list_ctx {
	struct lvmm_nl *nl;
	struct json_object *array;	/* --json */
	uint64_t now_ns;
	/* The dump first: no other request may interleave with its answers. */
	struct lvmm_nl_vm *vms;
	size_t nr, cap;
};

static uint64_t realtime_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Average CPU use since creation, in % of one CPU: guest plus lvmm time. */
static double cpu_percent(struct lvmm_nl *nl, const struct lvmm_nl_vm *vm, uint64_t now)
{
	struct lvmm_nl_vcpu_stats st[LVMM_MAX_VCPUS];
	uint64_t busy = 0;
	int n, i;

	n = lvmm_nl_get_stats(nl, vm->id, st, LVMM_MAX_VCPUS);
	if (n <= 0 || now <= vm->created_ns)
		return 0;
	for (i = 0; i < n && i < LVMM_MAX_VCPUS; i++)
		busy += st[i].guest_ns + st[i].lvmm_ns;
	return 100.0 * busy / (now - vm->created_ns);
}

static void format_uptime(char *buf, size_t size, uint64_t seconds)
{
	if (seconds < 3600)
		snprintf(buf, size, "%um%02us", (unsigned int)(seconds / 60),
			 (unsigned int)(seconds % 60));
	else
		snprintf(buf, size, "%uh%02um", (unsigned int)(seconds / 3600),
			 (unsigned int)(seconds / 60 % 60));
}

static int collect(const struct lvmm_nl_vm *vm, void *arg)
{
	struct list_ctx *c = arg;

	if (c->nr == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct lvmm_nl_vm *vms = realloc(c->vms, cap * sizeof(*vms));

		if (!vms)
			return -1;
		c->vms = vms;
		c->cap = cap;
	}
	c->vms[c->nr++] = *vm;
	return 0;
}

static void list_one(struct list_ctx *c, const struct lvmm_nl_vm *vm)
{
	uint64_t up = c->now_ns > vm->created_ns ? (c->now_ns - vm->created_ns) / 1000000000ULL : 0;
	double cpu = cpu_percent(c->nl, vm, c->now_ns);
	char uptime[32];

	if (c->array) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64(vm->id));
		json_object_object_add(o, "name", json_object_new_string(vm->name));
		json_object_object_add(o, "state",
				       json_object_new_string(lvmm_nl_state_name(vm->state)));
		json_object_object_add(o, "vcpus", json_object_new_int(vm->vcpus));
		json_object_object_add(o, "memory_bytes", json_object_new_int64(vm->mem_bytes));
		json_object_object_add(o, "memory_mapped_bytes",
				       json_object_new_int64(vm->mem_mapped));
		json_object_object_add(o, "cpu_percent", json_object_new_double(cpu));
		json_object_object_add(o, "uptime_seconds", json_object_new_int64(up));
		json_object_object_add(o, "owner_pid", json_object_new_int64(vm->owner_pid));
		json_object_object_add(o, "owner_uid", json_object_new_int64(vm->owner_uid));
		json_object_object_add(o, "cgroup", json_object_new_string(vm->owner_cgroup));
		json_object_object_add(o, "backend", json_object_new_string(vm->backend));
		json_object_array_add(c->array, o);
		return;
	}
	format_uptime(uptime, sizeof(uptime), up);
	printf("%-6u %-20s %-9s %5u %8lluM %6.1f %9s %8u\n", vm->id,
	       vm->name[0] ? vm->name : "-", lvmm_nl_state_name(vm->state), vm->vcpus,
	       (unsigned long long)(vm->mem_bytes >> 20), cpu, uptime, vm->owner_pid);
}

/* A defined VM that is not running: its definition's size, how it ended. */
static void list_stopped(struct list_ctx *c, const char *name, const char *state)
{
	struct vm_config cfg = { 0 };
	struct vm_def d;
	int last;

	if (state_def_load(name, &d))
		return;
	if (vm_config_from_args(d.args, d.nargs, name, &cfg))
		cfg.cpus = cfg.memory = 0;
	state_def_free(&d);
	last = state_last_status(name, NULL);
	if (c->array) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "state", json_object_new_string(state));
		json_object_object_add(o, "vcpus", json_object_new_int(cfg.cpus));
		json_object_object_add(o, "memory_bytes", json_object_new_int64(cfg.memory));
		if (last >= 0)
			json_object_object_add(o, "exit_status", json_object_new_int(last));
		json_object_array_add(c->array, o);
		return;
	}
	printf("%-6s %-20s %-9s %5lu %8lluM %6s %9s %8s\n", "-", name, state, cfg.cpus,
	       (unsigned long long)(cfg.memory >> 20), "-", "-", "-");
}

/* Defined VMs first (running ones with lvmm's data), then others lvmm runs. */
static void list_all(struct list_ctx *c)
{
	char *used = calloc(c->nr ? c->nr : 1, 1), **names;
	int n = state_list(&names), i;
	size_t k;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = state_running(names[i]);
		for (k = 0; pid && k < c->nr; k++)
			if (c->vms[k].owner_pid == (uint32_t)pid)
				break;
		if (pid && k < c->nr) {
			if (used)
				used[k] = 1;
			list_one(c, &c->vms[k]);
		} else {
			list_stopped(c, names[i], pid ? "starting" :
				     state_oom_kills(names[i]) ? "oom-killed" : "stopped");
		}
		free(names[i]);
	}
	free(names);
	for (k = 0; k < c->nr; k++)
		if (!used || !used[k])
			list_one(c, &c->vms[k]);
	free(used);
}

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct list_ctx c = { .now_ns = realtime_ns() };
	int opt, json = 0, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'h':
			puts("usage: vmctl [--root DIR] list [--json]\n\n"
			     "The VMs defined in the state directory (running or stopped), then every\n"
			     "other VM lvmm runs that you may see (all of them as root): id, name,\n"
			     "state, vCPUs, guest memory, CPU use since it started (% of one CPU,\n"
			     "guest and lvmm time), uptime and the owning process.");
			return VMCTL_OK;
		default:
			return vmctl_bad_option("list", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return vmctl_extra_arg("list", argv[optind]);
	/* Without lvmm.ko the defined VMs are still listed, as stopped. */
	c.nl = vmref_open();
	if (json)
		c.array = json_object_new_array();
	else
		printf("%-6s %-20s %-9s %5s %9s %6s %9s %8s\n", "ID", "NAME", "STATE", "VCPUS",
		       "MEMORY", "CPU%", "UPTIME", "PID");
	ret = c.nl ? lvmm_nl_list_vms(c.nl, collect, &c) : 0;
	if (ret < 0)
		vmctl_err("cannot list VMs: %s", strerror(-ret));
	if (ret >= 0)
		list_all(&c);
	free(c.vms);
	if (json && ret >= 0)
		puts(json_object_to_json_string_ext(c.array, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(c.array);
	lvmm_nl_close(c.nl);
	return ret < 0 || !c.nl ? VMCTL_ERROR : VMCTL_OK;
}
