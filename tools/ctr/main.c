// SPDX-License-Identifier: GPL-2.0
/*
 * ctr: an OCI runtime.  Verbs and flags follow runc's, so tools that
 * drive runc or crun can drive ctr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ctr.h"

static const char usage[] =
"usage: ctr [--root DIR] COMMAND [OPTIONS] [ID]\n"
"\n"
"  create [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] ID\n"
"                       set up a container; its process waits for start\n"
"  start ID             run the process of a created container\n"
"  run [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--detach] ID\n"
"                       create + start; without --detach wait for it (relaying\n"
"                       its terminal if process.terminal), exit with its\n"
"                       status and delete it\n"
"  exec [--tty] [--env K=V]... [--cwd DIR] [--user UID[:GID]] [--detach]\n"
"       [--pid-file FILE] [--console-socket SOCK] ID COMMAND [ARG...]\n"
"  exec [options] --process FILE ID   the process as a process.json\n"
"                       run one more process in a running container\n"
"  state ID             print the runtime-spec state as JSON\n"
"  kill [--all] ID [SIGNAL]   send SIGNAL (name or number, default TERM)\n"
"  delete [--force] ID  remove a stopped (or, with --force, any) container\n"
"  list [--format table|json] [--quiet]   --quiet: ids only\n"
"  ps ID                list the container's processes\n"
"  pause ID | resume ID freeze or thaw all its processes\n"
"  spec [--bundle DIR] [--rootless]   write a default config.json\n"
"  features             what this runtime supports, as JSON\n"
"\n"
"  --root DIR           state directory (default /run/ctr)\n";

/*
 * CVE-2019-5736: a container process must never be able to open ctr's
 * own binary for writing through /proc/PID/exe.  ctr runs from a sealed,
 * read-only memfd copy of itself, as runc does.
 */
#ifndef MFD_EXEC
#define MFD_EXEC	0x0010U		/* Linux 6.3: say so, or vm.memfd_noexec may refuse */
#endif

static void reexec_sealed(char **argv)
{
	const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	int exe, mfd, have;
	struct stat st;
	off_t off = 0;

	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0 || fstat(exe, &st))
		goto fail;
	/*
	 * A binary that is not a memfd (ext4, say) has no seals: F_GET_SEALS
	 * fails with -1, whose every bit is set, so check for that first.
	 * Any tmpfs file reports F_SEAL_SEAL: only all four mean our copy.
	 */
	have = fcntl(exe, F_GET_SEALS);
	if (have != -1 && (have & seals) == seals) {
		close(exe);
		return;		/* already the sealed copy */
	}
	mfd = memfd_create("ctr", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)	/* a kernel before 6.3 */
		mfd = memfd_create("ctr", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		goto fail;
	while (off < st.st_size)
		if (sendfile(mfd, exe, &off, st.st_size - off) <= 0)
			break;
	close(exe);
	exe = -1;
	if (off != st.st_size || fcntl(mfd, F_ADD_SEALS, seals))
		goto fail;
	fexecve(mfd, argv, environ);
fail:
	/* Running on unprotected would let a container rewrite the host's ctr. */
	ctr_err("cannot run from a sealed copy of ctr (%s): refusing to start containers",
		strerror(errno));
	exit(1);
}

static int need_id(int argc, const char *verb)
{
	if (optind >= argc) {
		ctr_err("%s needs a container id (ctr %s ID)", verb, verb);
		return -1;
	}
	return 0;
}

static int cmd_create(int argc, char **argv, bool run)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_create_opts o = { .bundle = "." };
	bool detach = false;
	const char *id;
	pid_t pid;
	int c, master;

	while ((c = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'p': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		case 'd': detach = true; break;
		case 'n':
			ctr_err("--no-pivot is refused: ctr always uses pivot_root");
			return 2;
		default: return 2;
		}
	}
	if (need_id(argc, run ? "run" : "create"))
		return 2;
	id = argv[optind];
	o.foreground = run && !detach;
	if (ctr_create(id, &o, &pid, &master))
		return 1;
	if (!run)
		return 0;
	if (ctr_start(id)) {
		if (master >= 0)
			close(master);
		ctr_delete(id, true);
		return 1;
	}
	return detach ? 0 : ctr_wait(id, master);
}

static int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "env", required_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_exec_opts o = { .env = calloc(argc, sizeof(char *)) };
	int c, ret;

	while ((c = getopt_long(argc, argv, "+p:te:u:d", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.process_file = optarg; break;
		case 't': o.tty = true; break;
		case 'e':
			if (!strchr(optarg, '=')) {
				ctr_err("--env %s: use NAME=VALUE", optarg);
				return 2;
			}
			o.env[o.nenv++] = optarg;
			break;
		case 'w': o.cwd = optarg; break;
		case 'u': o.user = optarg; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		default: return 2;
		}
	}
	if (need_id(argc, "exec"))
		return 2;
	o.args = argv + optind + 1;
	if (o.process_file && o.args[0]) {
		ctr_err("exec: give either --process FILE or a command, not both");
		return 2;
	}
	ret = ctr_exec(argv[optind], &o);
	free(o.env);
	return ret < 0 ? 1 : ret;
}

static int cmd_simple(int argc, char **argv, const char *verb)
{
	const char *id;

	if (need_id(argc, verb))
		return 2;
	id = argv[optind];
	if (!strcmp(verb, "start"))
		return ctr_start(id) ? 1 : 0;
	if (!strcmp(verb, "state"))
		return ctr_print_state(id) ? 1 : 0;
	if (!strcmp(verb, "ps"))
		return ctr_ps(id) ? 1 : 0;
	if (!strcmp(verb, "pause"))
		return ctr_pause(id, true) ? 1 : 0;
	return ctr_pause(id, false) ? 1 : 0;
}

static int cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
	};
	bool all = false;
	int c, sig = SIGTERM;

	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return 2;
		all = true;
	}
	if (need_id(argc, "kill"))
		return 2;
	if (optind + 1 < argc) {
		sig = ctr_signal_number(argv[optind + 1]);
		if (sig < 0) {
			ctr_err("unknown signal \"%s\" (use a name like TERM or KILL, or a number)",
				argv[optind + 1]);
			return 2;
		}
	}
	return ctr_kill(argv[optind], sig, all) ? 1 : 0;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return 2;
		force = true;
	}
	if (need_id(argc, "delete"))
		return 2;
	return ctr_delete(argv[optind], force) ? 1 : 0;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && !strcmp(optarg, "json"))
			json = true;
		else if (c == 'f' && strcmp(optarg, "table")) {
			ctr_err("unknown --format \"%s\" (table or json)", optarg);
			return 2;
		} else if (c != 'f' && c != 'q') {
			return 2;
		}
	}
	return ctr_list(json, quiet) ? 1 : 0;
}

static int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	int c;

	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
		else
			return 2;
	}
	return ctr_write_spec(bundle, rootless) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *verb;
	int c, i;

	/*
	 * The caller's file descriptors are not the container's business
	 * (no --preserve-fds): a directory fd left open here would otherwise
	 * be a way out through /proc/self/fd/N until the workload's exec.
	 */
	syscall(SYS_close_range, 3, ~0U, 0);
	/* Verbs that start container processes run from the sealed copy. */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "create") || !strcmp(argv[i], "run") ||
		    !strcmp(argv[i], "exec")) {
			reexec_sealed(argv);
			break;
		}
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': ctr_root = optarg; break;
		case 'l': case 'f': break;	/* accepted for runc compatibility */
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	verb = argv[optind];
	/* The verb's own options start after it. */
	argc -= optind;
	argv += optind;
	optind = 1;
	if (!strcmp(verb, "create") || !strcmp(verb, "run"))
		return cmd_create(argc, argv, verb[0] == 'r');
	if (!strcmp(verb, "start") || !strcmp(verb, "state") || !strcmp(verb, "ps") ||
	    !strcmp(verb, "pause") || !strcmp(verb, "resume"))
		return cmd_simple(argc, argv, verb);
	if (!strcmp(verb, "kill"))
		return cmd_kill(argc, argv);
	if (!strcmp(verb, "exec"))
		return cmd_exec(argc, argv);
	if (!strcmp(verb, "delete"))
		return cmd_delete(argc, argv);
	if (!strcmp(verb, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(verb, "spec"))
		return cmd_spec(argc, argv);
	if (!strcmp(verb, "features"))
		return ctr_features();
	ctr_err("unknown command \"%s\" (see ctr --help)", verb);
	return 2;
}
