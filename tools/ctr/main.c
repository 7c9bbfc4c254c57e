// SPDX-License-Identifier: GPL-2.0
/*
 * ctr: an OCI runtime.  Verbs, flags, exit statuses and log formats
 * follow runc's command line contract, so that Podman's conmon and
 * containerd's runc shim can drive ctr as they drive runc: one function
 * per verb (object__verb), each parsing its own flags through ctr_getopt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <seccomp.h>

#include "cgtop.h"
#include "ctr.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args, *help;
	bool sealed;		/* starts container processes: runs from a guarded copy (exeguard.c) */
};

static const struct verb *current;	/* the verb being run, for messages */

/*
 * The image verbs live in ctr-image (tools/ctr/image/): a dynamic program
 * with libcurl and libarchive, which the runtime verbs Podman and
 * containerd call many times a second need not load.  It is beside ctr
 * in the build tree and in PREFIX/libexec/lvmm once installed.
 */
static const char *const image_verbs[] = {
	"image", "container", "images", "rmi", "tag", "history", "import", "save", "load",
	"build", "pull", "push", "login", "logout", "commit", "inspect",
};

static bool is_image_verb(const char *name)
{
	size_t i;

	for (i = 0; i < LEN(image_verbs); i++)
		if (!strcmp(name, image_verbs[i]))
			return true;
	return false;
}

static void exec_image_tool(char **argv)
{
	char self[4096], path[4200];
	const char *env = getenv("CTR_IMAGE");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (env) {
		execv(env, argv);
	} else if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			snprintf(path, sizeof(path), "%.*s/ctr-image", (int)(slash - self), self);
			execv(path, argv);
			snprintf(path, sizeof(path), "%.*s/../libexec/lvmm/ctr-image", (int)(slash - self), self);
			execv(path, argv);
		}
	}
	ctr_err("the image commands need ctr-image, which is not beside %s nor in ../libexec/lvmm (make install, or set CTR_IMAGE)",
		n > 0 ? self : "ctr");
	exit(1);
}

static void verb_help(const struct verb *v, FILE *f)
{
	fprintf(f, "usage: ctr [GLOBAL OPTIONS] %s %s\n%s", v->name, v->args, v->help);
}

static void current_help(FILE *f)
{
	verb_help(current, f);
}

/* A verb without flags still refuses unknown ones and answers --help. */
static int no_flags(int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	return ctr_getopt(argc, argv, "", none);
}

/* --preserve-fds N: only 0, since ctr closes the caller's fds 3 and up when it starts. */
static int preserve_fds(const char *n)
{
	if (!strcmp(n, "0"))
		return 0;
	ctr_err("--preserve-fds %s: ctr passes no extra file descriptors to containers (it closes fds 3 and up); drop the flag",
		n);
	return -1;
}

static int create_or_run(int argc, char **argv, bool run)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ "preserve-fds", required_argument, NULL, 'P' },
		{ "detach", no_argument, NULL, 'd' },	/* run only */
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_create_opts o = { .bundle = "." };
	bool detach = false;
	const char *id;
	pid_t pid;
	int c, master, ret;

	while ((c = ctr_getopt(argc, argv, run ? "b:d" : "b:", opts)) >= 0) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'p': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		case 'k': break;	/* ctr never makes a session keyring: this is what it does */
		case 'P':
			if (preserve_fds(optarg))
				return 1;
			break;
		case 'd':
			if (!run) {
				ctr_err("unknown flag --detach for 'create' (see ctr help create)");
				return 1;
			}
			detach = true;
			break;
		case 'n':
			ctr_err("--no-pivot is refused: ctr always uses pivot_root (drop the flag)");
			return 1;
		}
	}
	id = ctr_verb_id(c, argc, argv, 0, &ret);
	if (!id)
		return ret;
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
	if (detach)
		return 0;
	ret = ctr_wait(id, master);
	return ret < 0 ? 1 : ret;
}

static int container__create(int argc, char **argv)
{
	return create_or_run(argc, argv, false);
}

static int container__run(int argc, char **argv)
{
	return create_or_run(argc, argv, true);
}

static int container__exec(int argc, char **argv)
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
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_exec_opts o = { .env = calloc(argc, sizeof(char *)) };
	const char *id;
	int c, ret = 1;

	if (!o.env)
		return 1;
	while ((c = ctr_getopt(argc, argv, "p:te:u:d", opts)) >= 0) {
		switch (c) {
		case 'p': o.process_file = optarg; break;
		case 't': o.tty = true; break;
		case 'e':
			if (!strchr(optarg, '=')) {
				ctr_err("--env %s: use NAME=VALUE", optarg);
				goto out;
			}
			o.env[o.nenv++] = optarg;
			break;
		case 'w': o.cwd = optarg; break;
		case 'u': o.user = optarg; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		case 'F':
			if (preserve_fds(optarg))
				goto out;
			break;
		}
	}
	id = ctr_verb_id(c, argc, argv, -1, &ret);
	if (!id)
		goto out;
	o.args = argv + optind + 1;
	if (o.process_file && o.args[0]) {
		ctr_err("exec: give either --process FILE or a command, not both");
		goto out;
	}
	/* The process's own status in the foreground; 1 for ctr's errors. */
	ret = ctr_exec(id, &o);
	ret = ret < 0 ? 1 : ret;
out:
	free(o.env);
	return ret;
}

/* The verbs that take an id and nothing else. */
static int container__start(int argc, char **argv)
{
	int status;
	const char *id = ctr_verb_id(no_flags(argc, argv), argc, argv, 0, &status);

	return id ? !!ctr_start(id) : status;
}

static int container__state(int argc, char **argv)
{
	int status;
	const char *id = ctr_verb_id(no_flags(argc, argv), argc, argv, 0, &status);

	return id ? !!ctr_print_state(id) : status;
}

static int container__pause(int argc, char **argv)
{
	int status;
	const char *id = ctr_verb_id(no_flags(argc, argv), argc, argv, 0, &status);

	return id ? !!ctr_pause(id, true) : status;
}

static int container__resume(int argc, char **argv)
{
	int status;
	const char *id = ctr_verb_id(no_flags(argc, argv), argc, argv, 0, &status);

	return id ? !!ctr_pause(id, false) : status;
}

static int container__kill(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
	};
	bool all = false;
	const char *id;
	int c, sig = SIGTERM, status;

	while ((c = ctr_getopt(argc, argv, "a", opts)) >= 0)
		all = true;
	id = ctr_verb_id(c, argc, argv, 1, &status);
	if (!id)
		return status;
	if (optind + 1 < argc) {
		sig = ctr_signal_number(argv[optind + 1]);
		if (sig < 0) {
			ctr_err("unknown signal \"%s\" (use a name like TERM or KILL, or a number)",
				argv[optind + 1]);
			return 1;
		}
	}
	return !!ctr_kill(id, sig, all);
}

static int container__delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	bool force = false;
	const char *id;
	int c, status;

	while ((c = ctr_getopt(argc, argv, "f", opts)) >= 0)
		force = true;
	id = ctr_verb_id(c, argc, argv, 0, &status);
	return id ? !!ctr_delete(id, force) : status;
}

/* --format table|json into *json; -1 after an error line. */
static int format_flag(const char *v, bool *json)
{
	if (strcmp(v, "table") && strcmp(v, "json")) {
		ctr_err("--format %s: use table or json", v);
		return -1;
	}
	*json = !strcmp(v, "json");
	return 0;
}

static int containers__list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' }, { NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	int c;

	while ((c = ctr_getopt(argc, argv, "f:q", opts)) >= 0) {
		if (c == 'q')
			quiet = true;
		else if (format_flag(optarg, &json))
			return 1;
	}
	c = ctr_verb_done(c, argc, argv);
	return c ? c : !!ctr_list(json, quiet);
}

static int container__ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 },
	};
	bool json = false;
	const char *id;
	int c, status;

	while ((c = ctr_getopt(argc, argv, "f:", opts)) >= 0)
		if (format_flag(optarg, &json))
			return 1;
	id = ctr_verb_id(c, argc, argv, json ? 0 : -1, &status);
	return id ? !!ctr_ps_as(id, json, argv + optind + 1) : status;
}

static int spec__create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	int c;

	while ((c = ctr_getopt(argc, argv, "b:", opts)) >= 0) {
		if (c == 'b')
			bundle = optarg;
		else
			rootless = true;
	}
	c = ctr_verb_done(c, argc, argv);
	return c ? c : !!ctr_write_spec(bundle, rootless);
}

static int runtime__features(int argc, char **argv)
{
	int c = ctr_verb_done(no_flags(argc, argv), argc, argv);

	return c ? c : !!ctr_features();
}

/* checkpoint, restore: refused in one line, whatever the flags. */
static int container__checkpoint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctr_err("%s is not supported by ctr (no CRIU support)", current->name);
	return 1;
}

static int runtime__help(int argc, char **argv);

/* The same view as vmctl top: tools/lib/cgtop.c. */
static int containers__top(int argc, char **argv)
{
	return cgtop_main(argc, argv, "ctr");
}

static const struct verb verbs[] = {
	{ "create", container__create,
	  "[--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--no-new-keyring] ID",
	  "  Set a container up; its process waits for start.\n", true },
	{ "start", container__start, "ID", "  Run the process of a created container.\n", false },
	{ "run", container__run,
	  "[--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--no-new-keyring] [--detach] ID",
	  "  create + start; without --detach wait for it (relaying its terminal if\n"
	  "  process.terminal), delete it and exit with its status (128+N: signal N).\n", true },
	{ "exec", container__exec,
	  "[--tty] [--env K=V]... [--cwd DIR] [--user UID[:GID]] [--detach] [--pid-file FILE]\n"
	  "       [--console-socket SOCK] ID COMMAND [ARG...] | [options] --process FILE ID",
	  "  Run one more process in a running container; in the foreground exit\n"
	  "  with its status (128+N: signal N).\n", true },
	{ "state", container__state, "ID",
	  "  The runtime-spec state as JSON, with runc's fields.\n", false },
	{ "kill", container__kill, "[--all] ID [SIGNAL]",
	  "  Send SIGNAL (name or number, default TERM); --all: every process of its\n"
	  "  cgroup (a stopped container's leftovers too).\n", false },
	{ "delete", container__delete, "[--force] ID",
	  "  Remove a stopped or created container; --force: any, and a missing one\n"
	  "  is no error.\n", false },
	{ "list", containers__list, "[--format table|json] [--quiet]",
	  "  All containers under --root; --quiet: ids only.\n", false },
	{ "ps", container__ps, "[--format table|json] ID [PS_ARGS...]",
	  "  The container's processes: ps(1)'s table (ps -ef, or PS_ARGS) for them,\n"
	  "  or a JSON array of pids.\n", false },
	{ "pause", container__pause, "ID", "  Freeze every process of the container.\n", false },
	{ "resume", container__resume, "ID", "  Thaw a paused container.\n", false },
	{ "update", container__update,
	  "[--memory N] [--memory-swap N] [--memory-reservation N] [--cpu-shares N]\n"
	  "       [--cpu-quota N] [--cpu-period N] [--cpuset-cpus L] [--cpuset-mems L]\n"
	  "       [--pids-limit N] [--blkio-weight N] ID | --resources FILE|- ID",
	  "  Change the limits of a container's cgroup (N: bytes, or with k, m, g;\n"
	  "  -1: unlimited); --resources: an OCI linux.resources JSON object.\n", false },
	{ "events", container__events, "[--stats] [--interval DURATION] ID",
	  "  Its resource use as JSON lines (type \"stats\"; \"oom\" when the OOM killer\n"
	  "  struck) every DURATION (default 5s) until it stops; --stats: once.\n", false },
	{ "spec", spec__create, "[--bundle DIR] [--rootless]",
	  "  Write a default config.json.\n", false },
	{ "features", runtime__features, "", "  What this runtime supports, as JSON.\n", false },
	{ "checkpoint", container__checkpoint, "ID", "  Not supported (no CRIU support).\n", false },
	{ "restore", container__checkpoint, "ID", "  Not supported (no CRIU support).\n", false },
	{ "top", containers__top, "[-n ROUNDS] [--interval SECONDS]",
	  "  Containers and vmctl's VMs side by side, from their cgroups.\n", false },
	{ "help", runtime__help, "[COMMAND]", "  This text, or a command's.\n", false },
};

static const char global_usage[] =
	"\nGlobal options (before the command):\n"
	"  --root DIR              state directory (default /run/ctr)\n"
	"  --log FILE              errors, warnings (and --debug lines) go there, not to stderr\n"
	"  --log-format text|json  json: one {\"level\",\"msg\",\"time\"} object a line\n"
	"  --debug                 more log lines\n"
	"  --rootless auto|false   accepted (true is refused: ctr runs as root)\n"
	"  --criu PATH             accepted and unused (no checkpoint/restore)\n"
	"  --systemd-cgroup        refused: ctr has no systemd cgroup driver\n"
	"  --store DIR             the image store (default /var/lib/lvmm/ctr; image commands)\n"
	"  --version, --help\n"
	"Exit status: 0, 1 for any error, or the process's own for run and exec.\n"
	"\nImages (see ctr image --help, ctr container --help):\n"
	"  images, inspect, pull, push, build, tag, rmi, history, import, save, load, login, logout,\n"
	"  commit; ctr container run IMAGE [COMMAND] runs a container from an image.\n";

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < LEN(verbs); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: ctr [GLOBAL OPTIONS] COMMAND [OPTIONS] [ID]\n\nCommands:\n", f);
	for (i = 0; i < LEN(verbs); i++)
		fprintf(f, "  %-10s %s", verbs[i].name, verbs[i].help + 2);
	fputs(global_usage, f);
}

static int runtime__help(int argc, char **argv)
{
	const struct verb *v;
	int c = no_flags(argc, argv);

	if (c != -1)
		return c == CTR_OPT_HELP ? 0 : 1;
	if (optind >= argc) {
		usage(stdout);
		return 0;
	}
	v = find_verb(argv[optind]);
	if (!v) {
		ctr_err("unknown command \"%s\" (see ctr --help)", argv[optind]);
		return 1;
	}
	verb_help(v, stdout);
	return 0;
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("ctr (lvmm)\nspec: %s\n", CTR_OCI_VERSION);
	if (v)
		printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

/*
 * The global flags.  A problem is reported only once --log is known, so
 * that it goes where the caller looks: *bad holds the first one.
 */
struct globals {
	const char *log, *log_format;
	bool debug, help, version;
	char bad[512];
};

static void global_flags(int argc, char **argv, struct globals *g)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'D' },
		{ "systemd-cgroup", no_argument, NULL, 'S' },
		{ "rootless", required_argument, NULL, 'R' },
		{ "criu", required_argument, NULL, 'C' },
		{ "store", required_argument, NULL, 's' },	/* ctr-image's */
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	char name[256];
	int c;

#define BAD(...) (g->bad[0] ? 0 : snprintf(g->bad, sizeof(g->bad), __VA_ARGS__))
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': ctr_root = optarg; break;
		case 'l': g->log = optarg; break;
		case 'f': g->log_format = optarg; break;
		case 'D': g->debug = true; break;
		case 'h': g->help = true; break;
		case 'v': g->version = true; break;
		case 'C': break;	/* ctr has no checkpoint/restore: nothing runs CRIU */
		case 's': break;	/* the image store: the image verbs' (ctr-image) */
		case 'S':
			BAD("--systemd-cgroup: ctr has no systemd cgroup driver; drop the flag and use cgroupfs (Podman: cgroup_manager = \"cgroupfs\" in containers.conf; containerd: SystemdCgroup = false)");
			break;
		case 'R':
			if (!strcmp(optarg, "true"))
				BAD("--rootless true is not supported: ctr runs containers as root (use --rootless auto or false)");
			else if (strcmp(optarg, "false") && strcmp(optarg, "auto"))
				BAD("--rootless %s: use auto or false", optarg);
			break;
		default:	/* '?', ':' */
			why = ctr_flag_problem(argv, c, name, sizeof(name));
			if (!strcmp(why, "unknown"))
				BAD("unknown flag %s (see ctr --help)", name);
			else
				BAD("flag %s %s (see ctr --help)", name, why);
		}
	}
#undef BAD
}

int main(int argc, char **argv)
{
	struct globals g = { 0 };
	const struct verb *v;
	char **verb_argv;

	/*
	 * The caller's file descriptors are not the container's business
	 * (no --preserve-fds): a directory fd left open here would otherwise
	 * be a way out through /proc/self/fd/N until the workload's exec.
	 */
	syscall(SYS_close_range, 3, ~0U, 0);
	global_flags(argc, argv, &g);
	if (ctr_log_setup(g.log, g.log_format, g.debug))
		return 1;
	if (g.bad[0]) {
		ctr_err("%s", g.bad);
		return 1;
	}
	if (g.help || g.version) {
		g.help ? usage(stdout) : version();
		return 0;
	}
	if (optind >= argc) {
		ctr_err("no command given (see ctr --help)");
		return 1;
	}
	if (is_image_verb(argv[optind]))
		exec_image_tool(argv);
	v = find_verb(argv[optind]);
	if (!v) {
		ctr_err("unknown command \"%s\" (see ctr --help)", argv[optind]);
		return 1;
	}
	/* Verbs that start container processes run from a guarded copy. */
	if (v->sealed)
		ctr_exe_guard(argv);
	current = v;
	ctr_cli_verb(v->name, current_help);
	ctr_debug("%s (root %s, %d arguments)", v->name, ctr_root, argc - optind - 1);
	/* The verb's own options start after it. */
	verb_argv = argv + optind;
	argc -= optind;
	optind = 0;	/* glibc: start getopt afresh */
	return v->run(argc, verb_argv);
}
