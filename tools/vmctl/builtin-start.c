// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl start NAME: run a defined VM detached, in a monitor process of
 * its own (a new session), its console going to ROOT/NAME/console.log
 * and a control socket for stop and console; start returns once the
 * machine is built, or says why it could not be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "machine.h"
#include "state.h"
#include "vmctl.h"

static struct machine the_machine;

/* The monitor's stdio: the console log, no terminal. */
static int redirect_stdio(const char *name)
{
	char path[4200];
	int fd, null;

	if (state_path(path, sizeof(path), name, "console.log"))
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		return -1;
	close(fd);
	close(null);
	setvbuf(stderr, NULL, _IONBF, 0);
	return 0;
}

static int write_pid(const char *name)
{
	char path[4200];
	FILE *f;

	if (state_path(path, sizeof(path), name, "pid") || !(f = fopen(path, "w")))
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

static void remove_file(const char *name, const char *file)
{
	char path[4200];

	if (!state_path(path, sizeof(path), name, file))
		unlink(path);
}

/* In the monitor: build the machine, tell the parent through @ready, run it. */
static int monitor(struct vm_def *d, int ready)
{
	struct vm_config cfg;
	int ctl, status;

	if (redirect_stdio(d->name) || write_pid(d->name))
		return VMCTL_ERROR;
	fprintf(stderr, "vmctl: starting VM '%s' (pid %ld)\n", d->name, (long)getpid());
	ctl = control_listen(d->name);
	if (ctl < 0)
		return VMCTL_ERROR;
	if (chdir(d->cwd)) {
		vmctl_err("cannot enter %s, where the VM was defined: %s", d->cwd, strerror(errno));
		return VMCTL_ERROR;
	}
	if (vm_config_from_args(d->args, d->nargs, d->name, &cfg))
		return VMCTL_USAGE;
	cfg.cgroup_leaf = d->name;
	machine_signals();
	if (machine_create(&the_machine, &cfg)) {
		machine_destroy(&the_machine);
		return VMCTL_ERROR;
	}
	/* For status and list: an OOM kill shows in the leaf's memory.events. */
	if (the_machine.cgroup.entered)
		state_save_text(d->name, "cgroup", the_machine.cgroup.cg.path);
	if (control_serve(&the_machine, ctl)) {
		vmctl_err("cannot serve the control socket");
		machine_destroy(&the_machine);
		return VMCTL_ERROR;
	}
	if (write(ready, "0", 1) != 1)
		return VMCTL_ERROR;
	close(ready);
	status = machine_run(&the_machine, &cfg);
	machine_destroy(&the_machine);
	fprintf(stderr, "vmctl: VM '%s' ended with status %d\n", d->name, status);
	return status;
}

/* The last lines of the console log: why the monitor failed. */
static void show_log_tail(const char *name)
{
	char path[4200], line[512], tail[8][512];
	int n = 0, i;
	FILE *f;

	if (state_path(path, sizeof(path), name, "console.log") || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(tail[n++ % 8], sizeof(tail[0]), "%s", line);
	fclose(f);
	for (i = n > 8 ? n - 8 : 0; i < n; i++)
		fprintf(stderr, "  %s", tail[i % 8]);
}

int cmd_start(int argc, char **argv)
{
	struct vm_def d;
	int p[2], ret, status;
	pid_t pid, running;
	char c;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: vmctl [--root DIR] start NAME\n\n"
		     "Run the VM defined by vmctl create NAME, detached: its console goes to\n"
		     "ROOT/NAME/console.log (vmctl console NAME attaches to it); vmctl stop,\n"
		     "pause, resume, stats and kill act on it.");
		return VMCTL_OK;
	}
	if (argc != 2) {
		vmctl_err("start: give one VM (usage: vmctl start NAME)");
		return VMCTL_USAGE;
	}
	ret = state_def_load(argv[1], &d);
	if (ret == -2)
		vmctl_err("no VM '%s' is defined in %s (define it: vmctl create %s ...)", argv[1],
			  state_root(), argv[1]);
	if (ret)
		return VMCTL_ERROR;
	running = state_running(d.name);
	if (running) {
		vmctl_err("VM '%s' is running already (pid %ld): stop it first (vmctl stop %s)",
			  d.name, (long)running, d.name);
		state_def_free(&d);
		return VMCTL_ERROR;
	}
	remove_file(d.name, "status.json");
	if (pipe2(p, O_CLOEXEC) || (pid = fork()) < 0) {
		vmctl_err("cannot start a monitor process: %s", strerror(errno));
		return VMCTL_ERROR;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		/* The monitor lives on alone: the parent does not wait for it. */
		if (fork() > 0)
			_exit(0);
		status = monitor(&d, p[1]);
		state_save_status(d.name, status);
		remove_file(d.name, "control.sock");
		remove_file(d.name, "pid");
		_exit(status);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	ret = read(p[0], &c, 1) == 1 && c == '0' ? 0 : -1;
	close(p[0]);
	if (ret) {
		vmctl_err("VM '%s' did not start; the end of its console log:", d.name);
		show_log_tail(d.name);
	}
	state_def_free(&d);
	return ret ? VMCTL_ERROR : VMCTL_OK;
}
