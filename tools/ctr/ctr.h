/* SPDX-License-Identifier: GPL-2.0 */
/* ctr: an OCI runtime (runtime-spec 1.0.2+) for namespace-isolated containers. */
#ifndef CTR_H
#define CTR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "cgroup.h"
#include "jv.h"

#define CTR_OCI_VERSION	"1.0.2"
#define CTR_MAX_NS	8
/* "best-effort": run even where a linux.resources limit cannot be enforced. */
#define CTR_RESOURCES_ANNOTATION "org.lvmm.ctr.resources"

struct ctr_ns {
	int type;		/* CLONE_NEW* */
	const char *path;	/* join this one instead of creating */
};

struct ctr_mount {
	const char *dest, *type, *source;
	char source_path[4096];	/* a relative bind source, below the bundle */
	unsigned long flags;		/* MS_* the options set */
	unsigned long cleared;		/* MS_* an option turned off: rw, suid, dev, exec */
	unsigned long propagation;	/* MS_PRIVATE, MS_SHARED, ... (| MS_REC) */
	uint64_t attr_set, attr_clr;	/* rro, rnosuid, ...: MOUNT_ATTR_* over the whole tree */
	char data[512];
	bool bind, recursive, copyup;
};

struct ctr_rlimit {
	int resource;
	struct rlimit lim;
};

struct ctr_idmap {
	uint32_t inner, outer, count;
};

#define CTR_MAX_DEVICES	128

struct ctr_device {		/* one linux.devices entry */
	const char *path;
	char type;		/* 'c', 'b' or 'p' ('u' is 'c') */
	int64_t major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* process.capabilities: the sets, in this order */
enum { CTR_CAP_BOUNDING, CTR_CAP_EFFECTIVE, CTR_CAP_PERMITTED, CTR_CAP_INHERITABLE,
       CTR_CAP_AMBIENT, CTR_NCAPSETS };
#define CTR_MAX_GROUPS	65536	/* the kernel's NGROUPS_MAX */

/* A parsed config.json; strings point into @json. */
struct ctr_spec {
	json_object *json;
	json_object *process_json;	/* ctr exec --process, or NULL */
	char bundle[4096];
	char root[4096];		/* absolute rootfs path */
	bool root_readonly;
	const char *hostname, *domainname;
	/* process */
	char **argv, **envp;		/* NULL-terminated, malloc'ed; strings not owned */
	size_t nenv;
	const char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	mode_t umask;
	bool has_umask, terminal, no_new_privs;
	int oom_score_adj;
	bool has_oom_score_adj;
	int caps[CTR_NCAPSETS][64];	/* cap_value_t of each set */
	int ncaps[CTR_NCAPSETS];
	struct ctr_rlimit rlimits[32];
	int nrlimits;
	/* linux */
	struct ctr_ns ns[CTR_MAX_NS];
	int nns;
	struct ctr_idmap uid_map[16], gid_map[16];
	int nuid_map, ngid_map;
	struct ctr_mount *mounts;
	int nmounts;
	char **masked, **readonly_paths;	/* NULL-terminated */
	json_object *sysctl, *seccomp;
	struct ctr_device devices_list[CTR_MAX_DEVICES];
	int ndevices;
	json_object *device_rules;	/* linux.resources.devices */
	unsigned long rootfs_propagation;
	struct cg_limits limits;
	bool limits_best_effort;	/* CTR_RESOURCES_ANNOTATION: best-effort */
	bool cpu_shares_default;	/* cpu.shares 1024: cgroup v1's default */
	const char *cgroups_path;
	/* hooks by name: prestart, createRuntime, ... */
	json_object *hooks;
};

/* mount.c: one entry of config.json's mounts */
int ctr_parse_mount(const struct ctr_spec *s, struct ctr_mount *m, const struct jv *o);
int ctr_do_mount(int root_fd, const struct ctr_mount *m);
const char *ctr_mount_option_name(size_t i);
/* copyup.c: the tree below @from (a directory fd) into @to, for tmpcopyup */
int ctr_copy_tree(int from, int to, const char *what);

/* spec.c */
/* @config: the file to read, NULL for BUNDLE/config.json. */
int ctr_spec_load(struct ctr_spec *s, const char *bundle, const char *config);
/* The parse alone, of @json (which @s then owns), for a bundle in s->bundle. */
int ctr_spec_parse(struct ctr_spec *s, json_object *json, const char *file);
/* Replace the process part with @p (ctr exec --process FILE); @p is kept. */
int ctr_spec_set_process(struct ctr_spec *s, json_object *p, const char *file);
void ctr_spec_free(struct ctr_spec *s);
bool ctr_spec_has_ns(const struct ctr_spec *s, int type);
json_object *ctr_default_spec(bool rootless);

/* state.c: the state directory, one per container under --root */
struct ctr_state {
	char id[256];
	char dir[4096];
	char bundle[4096];
	char cgroup[4096];
	pid_t pid;
	unsigned long long start_time;	/* /proc/PID/stat field 22: pid reuse guard */
	long long created;		/* seconds since the epoch */
	json_object *annotations;
	long long created_ns;		/* the same in nanoseconds (0: unknown, use created) */
	char rootfs[4096];		/* absolute; "" until saved */
};

extern const char *ctr_root;
int ctr_valid_id(const char *id);
int ctr_state_load(struct ctr_state *st, const char *id);
/* The parse of a state.json alone (@file names it in errors). */
int ctr_state_parse(struct ctr_state *st, json_object *o, const char *file);
/* The copy of config.json that create saves: delete, start and exec use it. */
#define CTR_SAVED_CONFIG "config.json"
int ctr_state_save_config(const struct ctr_state *st, json_object *config);
/* The spec as create saw it (the bundle's config.json may have changed since). */
int ctr_state_spec(const struct ctr_state *st, struct ctr_spec *s);
/* Its hooks alone, for delete: the rootfs may be gone by then. */
json_object *ctr_state_hooks(const struct ctr_state *st);
int ctr_state_save(const struct ctr_state *st);
const char *ctr_status(const struct ctr_state *st);
json_object *ctr_state_json(const struct ctr_state *st);
json_object *ctr_spec_state_json(const struct ctr_state *st);
unsigned long long ctr_proc_start_time(pid_t pid);
bool ctr_alive(const struct ctr_state *st);
int ctr_remove_state(const struct ctr_state *st);
int ctr_write_pid_file(const char *path, pid_t pid);
/* @ns since the epoch as Go's RFC3339Nano (runc's "created"). */
void ctr_rfc3339_nano(long long ns, char *buf, size_t len);

/* hooks.c: @state is the state JSON the hooks read on stdin */
int ctr_hooks_check(json_object *hooks, const char *file);
int ctr_run_hooks(const struct ctr_spec *s, const char *name, const struct ctr_state *st);
int ctr_run_hooks_with(const struct ctr_spec *s, const char *name, const char *state);

/* devices.c, devpolicy.c */
int ctr_parse_devices(struct ctr_spec *s, const struct jv *arr);
int ctr_devpolicy_check(const struct jv *rules);
int ctr_devpolicy_apply(const struct ctr_spec *s, int cgroup_fd);
int ctr_make_devices(const struct ctr_spec *s, int root_fd);

/* cgpath.c: linux.cgroupsPath (or ctr/ID) below ctr's parent cgroup, from the v2 root */
int ctr_cgroup_rel(const char *cgroups_path, const char *id, char *out, size_t len);
bool ctr_cgroup_populated(const char *path);

/* create.c */
struct ctr_create_opts {
	const char *bundle, *pid_file, *console_socket;
	bool foreground;		/* run: stay attached and wait */
};
/* *tty_master: the pty for a foreground run with process.terminal, else -1 */
int ctr_create(const char *id, const struct ctr_create_opts *o, pid_t *pid, int *tty_master);

/* init.c: runs in the new namespaces, never returns on success */
int ctr_init(struct ctr_spec *s, int sync_fd, int fifo_fd);
int ctr_apply_process(const struct ctr_spec *s, char *prog, size_t len);
int ctr_exec_process(const struct ctr_spec *s, const char *prog);
void ctr_init_report_to(int fd);
/* For init's helpers: report a setup error to ctr create; returns -1. */
int ctr_init_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctr_open_in_root(int root_fd, const char *path, int flags);
int ctr_mkpath_in_root(int root_fd, const char *dest, bool file);

/* tty.c */
int ctr_check_terminal(bool terminal, const char *console_socket, bool foreground);
int ctr_tty_setup(int *master);
int ctr_send_fd(int sock, int fd, const char *payload);
ssize_t ctr_recv_fd(int sock, char *buf, size_t len, int *fd);
int ctr_console_send(const char *path, int master);
int ctr_tty_relay(int master, pid_t pid);

/* exec.c */
struct ctr_exec_opts {
	const char *process_file, *cwd, *user, *pid_file, *console_socket;
	char **env, **args;		/* NULL-terminated */
	int nenv;
	bool tty, detach;
};
int ctr_exec(const char *id, const struct ctr_exec_opts *o);

/* verbs.c */
int ctr_start(const char *id);
/* Wait for a started container (relaying @tty_master if >= 0), then delete it. */
int ctr_wait(const char *id, int tty_master);
int ctr_wait_pid(pid_t pid, int tty_master);
int ctr_kill(const char *id, int sig, bool all);
int ctr_delete(const char *id, bool force);
int ctr_list(bool json, bool quiet);
int ctr_print_state(const char *id);
int ctr_ps(const char *id);
int ctr_pause(const char *id, bool pause);
int ctr_features(void);
int ctr_write_spec(const char *bundle, bool rootless);
int ctr_signal_number(const char *name);
/* ps --format json: a JSON array of pids; else ps(1) with @ps_args (NULL: -ef), as runc. */
int ctr_ps_as(const char *id, bool json, char **ps_args);

/* exeguard.c: re-exec from a read-only or sealed copy (CVE-2019-5736), or exit. */
void ctr_exe_guard(char **argv);

/* util.c */
void ctr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* @s with control characters as \xNN, so nothing from a config or an id drives a terminal. */
void ctr_fputs_safe(const char *s, FILE *f);
int ctr_write_all(int fd, const void *buf, size_t len);
void ctr_escape(char *out, size_t len, const char *s);
/* Write @data to @path through a temporary file and rename: all or nothing. */
int ctr_write_file_atomic(const char *path, const char *data, mode_t mode);

/*
 * log.c: ctr_err (above) and these write one line each to the --log FILE
 * (NULL: stderr) in --log-format text or json (NULL: text); ctr_debug
 * only with --debug.  A ctr_err message starting "warning: " is logged
 * as a warning.
 */
int ctr_log_setup(const char *path, const char *format, bool debug);
void ctr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ctr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli.c: the verbs' command lines */
struct option;
/* The verb being run, for messages, and what prints its --help. */
void ctr_cli_verb(const char *name, void (*help)(FILE *f));
/* The problem with the flag getopt_long returned @c ('?', ':') for, the flag in @name. */
const char *ctr_flag_problem(char **argv, int c, char *name, size_t len);
/* getopt_long for the verb being run; an unknown or incomplete flag is one error line. */
int ctr_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
#define CTR_OPT_FAIL	(-2)	/* ctr_getopt printed an error line: exit 1 */
#define CTR_OPT_HELP	(-3)	/* ctr_getopt printed the verb's help: exit 0 */
/*
 * After the flags (@c: ctr_getopt's last return, -1 when they parsed):
 * the verb's container id, argv[optind], followed by at most @max more
 * arguments (-1: any).  NULL, with the exit status in *status, after
 * --help or an error line.
 */
const char *ctr_verb_id(int c, int argc, char **argv, int max, int *status);
/* After the flags of a verb that takes no arguments: 0, or the exit status. */
int ctr_verb_done(int c, int argc, char **argv);

/* update.c, events.c: verbs with their own command lines */
int container__update(int argc, char **argv);
int container__events(int argc, char **argv);

#endif /* CTR_H */
