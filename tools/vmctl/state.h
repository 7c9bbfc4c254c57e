/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state directory of defined VMs (vmctl create): ROOT/NAME/ holds
 *   config.json   the definition: run's options, the directory they are
 *                 relative to, the creation time
 *   status.json   how the last start ended (exit status, time)
 *   pid           the running monitor's pid (vmctl start), while it runs
 *   control.sock  its control socket (owner only), while it runs
 *   console.log   the guest's console output
 * ROOT is --root, else $VMCTL_ROOT, else /var/lib/lvmm/vms for root and
 * $XDG_DATA_HOME/lvmm/vms (~/.local/share/lvmm/vms) for other users.
 */
#ifndef VMCTL_STATE_H
#define VMCTL_STATE_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

#define STATE_MAX_ARGS	STATE_ARGS_MAX

struct vm_def {
	char name[64];
	char cwd[4096];
	char *args[STATE_MAX_ARGS + 1];	/* run's options, NULL-terminated */
	int nargs;
	long long created;		/* seconds since the epoch */
};

/* vmctl --root DIR */
void state_set_root(const char *dir);
const char *state_root(void);
/* ROOT/NAME/FILE (FILE may be "" for the directory). */
int state_path(char *buf, size_t size, const char *name, const char *file);

/* 0, or -1 after saying why (-2: no such VM). */
int state_def_load(const char *name, struct vm_def *d);
int state_def_save(const struct vm_def *d);
void state_def_free(struct vm_def *d);
/* The defined VMs' names, sorted; returns how many (or -1). */
int state_list(char ***names);

/* The monitor's pid if it is running, else 0 (a stale pid file is removed). */
pid_t state_running(const char *name);
/* status.json: the last start's exit status and its end, or -1 if none. */
int state_last_status(const char *name, long long *ended);
void state_save_status(const char *name, int status);
/* ROOT/NAME/FILE holding @text (and a newline); read back with state_load_text(). */
void state_save_text(const char *name, const char *file, const char *text);
int state_load_text(const char *name, const char *file, char *buf, size_t size);
/* How many times the kernel's OOM killer struck the VM's cgroup; 0 if unknown. */
long state_oom_kills(const char *name);
/* SIGKILL a started VM's monitor, wait for it, record it: 0 or -1 (said why). */
int vm_kill(const char *name, pid_t pid);

#endif /* VMCTL_STATE_H */
