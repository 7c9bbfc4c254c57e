// SPDX-License-Identifier: GPL-2.0
/* vmctl status NAME [--json]: a defined VM's definition, state and last end. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "state.h"
#include "vmctl.h"
#include "vmref.h"

/* "running" and lvmm's view, or "stopped" and how the last start ended. */
static void describe(const struct vm_def *d, pid_t pid, const struct lvmm_nl_vm *vm, int have_vm,
		     int json)
{
	long long ended = 0;
	int last = state_last_status(d->name, &ended);
	long oom = pid ? 0 : state_oom_kills(d->name);
	const char *state = pid ? (have_vm ? lvmm_nl_state_name(vm->state) : "starting") :
			    oom ? "oom-killed" : "stopped";
	char log[4200];
	int i;

	state_path(log, sizeof(log), d->name, "console.log");
	if (json) {
		struct json_object *o = json_object_new_object(), *args = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(d->name));
		json_object_object_add(o, "state", json_object_new_string(state));
		if (pid)
			json_object_object_add(o, "pid", json_object_new_int64(pid));
		if (have_vm) {
			json_object_object_add(o, "id", json_object_new_int64(vm->id));
			json_object_object_add(o, "vcpus", json_object_new_int(vm->vcpus));
			json_object_object_add(o, "memory_bytes", json_object_new_int64(vm->mem_bytes));
			json_object_object_add(o, "memory_mapped_bytes",
					       json_object_new_int64(vm->mem_mapped));
		}
		if (!pid && last >= 0) {
			json_object_object_add(o, "exit_status", json_object_new_int(last));
			json_object_object_add(o, "ended", json_object_new_int64(ended));
		}
		for (i = 0; i < d->nargs; i++)
			json_object_array_add(args, json_object_new_string(d->args[i]));
		json_object_object_add(o, "args", args);
		json_object_object_add(o, "cwd", json_object_new_string(d->cwd));
		json_object_object_add(o, "console_log", json_object_new_string(log));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	printf("name:        %s\nstate:       %s\n", d->name, state);
	if (oom)
		printf("             the kernel's OOM killer ended it: the guest used more than its "
		       "--memory-limit\n");
	if (pid)
		printf("pid:         %ld\n", (long)pid);
	if (have_vm)
		printf("lvmm id:     %u\nvcpus:       %u\nmemory:      %llu MiB, %llu MiB touched\n",
		       vm->id, vm->vcpus, (unsigned long long)(vm->mem_bytes >> 20),
		       (unsigned long long)(vm->mem_mapped >> 20));
	if (!pid && last >= 0) {
		char when[64];
		time_t t = ended;

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
		printf("last exit:   status %d at %s\n", last, when);
	}
	printf("definition: ");
	for (i = 0; i < d->nargs; i++)
		printf(" %s", d->args[i]);
	printf("\n             (in %s)\nconsole log: %s\n", d->cwd, log);
}

int cmd_status(int argc, char **argv)
{
	struct lvmm_nl_vm vm;
	struct lvmm_nl *nl;
	struct vm_def d;
	const char *name = NULL;
	int json = 0, have_vm = 0, i, ret;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: vmctl [--root DIR] status NAME [--json]\n\n"
			     "A defined VM: running, paused or stopped (and how its last start\n"
			     "ended), its lvmm id, vCPUs and memory while it runs, its definition\n"
			     "and where its console log is.");
			return VMCTL_OK;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			vmctl_err("status: unexpected '%s' (usage: vmctl status NAME [--json])", argv[i]);
			return VMCTL_USAGE;
		}
	}
	if (!name) {
		vmctl_err("status: give one VM (usage: vmctl status NAME [--json])");
		return VMCTL_USAGE;
	}
	ret = state_def_load(name, &d);
	if (ret == -2)
		vmctl_err("no VM '%s' is defined in %s (see: vmctl list)", name, state_root());
	if (ret)
		return VMCTL_ERROR;
	pid = state_running(name);
	if (pid && (nl = lvmm_nl_open())) {
		have_vm = !vmref_of_pid(nl, pid, &vm);
		lvmm_nl_close(nl);
	}
	describe(&d, pid, &vm, have_vm, json);
	state_def_free(&d);
	return VMCTL_OK;
}
