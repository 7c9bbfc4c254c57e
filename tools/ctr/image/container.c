// SPDX-License-Identifier: GPL-2.0
/*
 * Containers from images.  Each gets containers/NAME/ in the store: its
 * bundle (config.json), its overlay (the image's layers read-only under
 * upper/, which keeps its changes for commit) and container.json.  The
 * overlay is mounted in a mount namespace of ctr-image's own, so that it
 * never outlives its users whatever kills them: the runtime's container
 * holds its own copy of the mount as its root.  A detached container
 * gets a monitor process (what conmon is to Podman) that waits for it,
 * records its exit status and, with --rm, removes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "image.h"

static int private_mounts(void)
{
	static bool done;

	if (done)
		return 0;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return img_err("cannot make a mount namespace for the overlay: %s (run as root)",
			       strerror(errno));
	done = true;
	return 0;
}

/* The runtime with @args; stdin from /dev/null unless @keep_stdin. */
static int __runtime(const char *const *args, bool keep_stdin, bool quiet)
{
	char *argv[16];
	int n = 0, status;
	pid_t pid;

	argv[n++] = (char *)img_runtime();
	argv[n++] = "--root";
	argv[n++] = (char *)img_state_root;
	while (*args && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return img_err("cannot fork: %s", strerror(errno));
	if (!pid) {
		int fd = open("/dev/null", O_RDWR);

		if (fd > 0 && !keep_stdin)
			dup2(fd, 0);
		if (fd > 0 && quiet)
			dup2(fd, 2);
		if (fd > 2)
			close(fd);
		signal(SIGINT, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "ctr: cannot run the runtime %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	/* ^C is for the container (the runtime forwards it), not for us */
	signal(SIGINT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	signal(SIGINT, SIG_DFL);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int runtime(const char *const *args, bool keep_stdin)
{
	return __runtime(args, keep_stdin, false);
}

static void random_id(char *out, size_t len)
{
	unsigned char r[6];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		unsigned long t = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);

		memcpy(r, &t, sizeof(r));
	}
	snprintf(out, len, "ctr-");
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + 4 + 2 * i, len - 4 - 2 * i, "%02x", r[i]);
}

static bool valid_name(const char *n)
{
	size_t i;

	if (!*n || strlen(n) > 128 || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n[0]))
		return false;
	for (i = 0; n[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", n[i]))
			return false;
	return true;
}

int rootfs_exec(struct store *s, const char *lowerdir, const char *upper,
		json_object *runtime_cfg, char **argv, const struct run_opts *o, int *exit_status)
{
	char dir[2400], work[2500], rootfs[2500], opts[16384], id[160];
	const char *slash = strrchr(upper, '/');
	const char *args[8];
	int root_fd, rc, n = 0;

	(void)s;
	if (!slash)
		return img_err("rootfs_exec: upper %s is not a path", upper);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - upper), upper);
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir);
	if ((mkdir(upper, 0755) && errno != EEXIST) || (mkdir(work, 0700) && errno != EEXIST) ||
	    (mkdir(rootfs, 0755) && errno != EEXIST))
		return img_err("cannot make the container's directories in %s: %s", dir, strerror(errno));
	if ((size_t)snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lowerdir,
			     upper, work) >= sizeof(opts))
		return img_err("too many layers for one overlayfs mount");
	if (private_mounts())
		return -1;
	if (mount("overlay", rootfs, "overlay", 0, opts))
		return img_err("cannot mount the container's overlay on %s: %s", rootfs, strerror(errno));
	root_fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = root_fd < 0 ? img_err("cannot open %s: %s", rootfs, strerror(errno)) :
			   spec_from_image(dir, runtime_cfg, argv, o, root_fd);
	if (root_fd >= 0)
		close(root_fd);
	if (!rc) {
		if (o && o->name)
			snprintf(id, sizeof(id), "%s", o->name);
		else
			random_id(id, sizeof(id));
		args[n++] = "run";
		args[n++] = "--bundle";
		args[n++] = dir;
		args[n++] = id;
		args[n] = NULL;
		*exit_status = runtime(args, o && (o->interactive || o->tty));
		if (*exit_status < 0)
			rc = -1;
	}
	umount2(rootfs, MNT_DETACH);
	img_rmtree(work);
	return rc;
}

static void container_dir(const struct store *s, const char *name, char *out, size_t len)
{
	store_path(s, out, len, "containers/%s", name);
}

static json_object *container_read(const struct store *s, const char *name)
{
	char p[2500];

	container_dir(s, name, p, sizeof(p));
	strcat(p, "/container.json");
	return json_object_from_file(p);
}

static void container_record(const struct store *s, const char *name, json_object *c)
{
	char p[2500], tmp[2600];

	container_dir(s, name, p, sizeof(p));
	if (access(p, F_OK))
		return;		/* removed meanwhile (ctr container rm) */
	strcat(p, "/container.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if (json_object_to_file_ext(tmp, c, JSON_C_TO_STRING_PLAIN) || rename(tmp, p))
		img_warn("cannot record %s: %s", p, strerror(errno));
}

static void container_exited(const struct store *s, const char *name, int status)
{
	json_object *c = container_read(s, name);
	char now[64];

	if (!c)
		return;
	img_now(now, sizeof(now));
	json_object_object_add(c, "status", json_object_new_string("exited"));
	json_object_object_add(c, "exitCode", json_object_new_int(status));
	json_object_object_add(c, "finished", json_object_new_string(now));
	container_record(s, name, c);
	json_object_put(c);
}

/* Waits (at most 10 s) until the runtime knows container @id, or the monitor died. */
static int wait_started(const char *id, pid_t monitor)
{
	char p[4200];
	int i;

	snprintf(p, sizeof(p), "%s/%s/state.json", img_state_root, id);
	for (i = 0; i < 1000; i++) {
		int status;

		if (!access(p, F_OK))
			return 0;
		if (waitpid(monitor, &status, WNOHANG) == monitor)
			return -1;
		usleep(10000);
	}
	return -1;
}

int container_run(struct store *s, const struct run_opts *o, int *exit_status)
{
	char dir[2400], upper[2500], lower[16384], name[160], now[64];
	struct run_opts ro = *o;
	json_object *c, *rc;
	struct image img;
	int ret;

	if (o->name && !valid_name(o->name))
		return img_err("--name %s: a name is letters, digits and _ . - (starting with a letter or digit)",
			       o->name);
	if (o->detach && o->tty)
		return img_err("-d with -t: a detached container has no terminal here; drop -t, or run it in the foreground");
	if (o->name)
		snprintf(name, sizeof(name), "%s", o->name);
	else
		random_id(name, sizeof(name));
	ro.name = name;
	if (store_lock(s) || image_find(s, o->image, &img))
		return -1;
	if (image_unpack(s, &img) || image_lowerdir(s, &img, lower, sizeof(lower))) {
		image_free(&img);
		return -1;
	}
	container_dir(s, name, dir, sizeof(dir));
	if (mkdir(dir, 0700)) {
		image_free(&img);
		return img_err(errno == EEXIST ?
			       "the name %s is in use by a container: remove it (ctr container rm %s) or pick another --name" :
			       "cannot make the container %s: %s", name, errno == EEXIST ? name : strerror(errno));
	}
	c = json_object_new_object();
	img_now(now, sizeof(now));
	json_object_object_add(c, "name", json_object_new_string(name));
	json_object_object_add(c, "image", json_object_new_string(img.digest));
	json_object_object_add(c, "imageName", json_object_new_string(img.name[0] ? img.name : o->image));
	json_object_object_add(c, "created", json_object_new_string(now));
	json_object_object_add(c, "status", json_object_new_string("running"));
	json_object_object_add(c, "runtimeRoot", json_object_new_string(img_state_root));
	container_record(s, name, c);
	json_object_put(c);
	/* the lock is for the store's writers, not for as long as the container runs */
	store_unlock(s);
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	rc = json_object_object_get(img.config, "config");
	if (o->detach) {
		pid_t pid = fork();

		if (pid < 0) {
			ret = img_err("cannot fork: %s", strerror(errno));
		} else if (!pid) {
			char log[2600];
			int fd, st = -1;

			setsid();
			snprintf(log, sizeof(log), "%s/ctr.log", dir);
			fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			ro.interactive = false;
			if (rootfs_exec(s, lower, upper, rc, o->cmd, &ro, &st))
				st = 125;
			container_exited(s, name, st);
			if (o->rm)
				container_remove(s, name, true);
			_exit(0);
		} else {
			ret = wait_started(name, pid) ? img_err("container %s did not start: see %s/ctr.log", name, dir) : 0;
			if (!ret)
				printf("%s\n", name);
			*exit_status = ret ? 125 : 0;
		}
		image_free(&img);
		return ret;
	}
	ret = rootfs_exec(s, lower, upper, rc, o->cmd, &ro, exit_status);
	container_exited(s, name, ret ? 125 : *exit_status);
	image_free(&img);
	if (o->rm)
		container_remove(s, name, true);
	return ret;
}

/* The runtime's --root the container was started with (it is where the runtime keeps it). */
static const char *runtime_root(json_object *c)
{
	json_object *v;

	return json_object_object_get_ex(c, "runtimeRoot", &v) ? json_object_get_string(v) :
								img_state_root;
}

static bool runtime_knows(json_object *c, const char *name)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s/%s", runtime_root(c), name);
	return access(p, F_OK) == 0;
}

int container_remove(struct store *s, const char *name, bool force)
{
	char dir[2400];
	json_object *c;

	if (!valid_name(name))
		return img_err("\"%s\" is not a container name", name);
	container_dir(s, name, dir, sizeof(dir));
	c = container_read(s, name);
	if (!c)
		return img_err("no container %s made from an image (see ctr container ls)", name);
	img_state_root = strdup(runtime_root(c));
	if (runtime_knows(c, name)) {
		const char *del[] = { "delete", "--force", name, NULL };
		const char *del_soft[] = { "delete", name, NULL };

		/* a foreground runtime may delete it itself as it dies: gone is gone */
		if (__runtime(force ? del : del_soft, false, true) && runtime_knows(c, name)) {
			json_object_put(c);
			return img_err("container %s is running: stop it (ctr kill %s KILL) or pass --force",
				       name, name);
		}
	}
	json_object_put(c);
	return img_rmtree(dir);
}

int container_upper(const struct store *s, const char *name, char *upper, size_t len,
		    char image_digest[IMG_DIGEST_LEN])
{
	json_object *c = container_read(s, name), *img;

	if (!c)
		return img_err("no container %s made from an image (see ctr container ls)", name);
	if (!json_object_object_get_ex(c, "image", &img) ||
	    !img_digest_valid(json_object_get_string(img))) {
		json_object_put(c);
		return img_err("container %s: its container.json names no image", name);
	}
	snprintf(image_digest, IMG_DIGEST_LEN, "%s", json_object_get_string(img));
	json_object_put(c);
	container_dir(s, name, upper, len);
	strncat(upper, "/upper", len - strlen(upper) - 1);
	return 0;
}

/* --flag VALUE, collected into a NULL-terminated vector */
static void push(char ***v, size_t *n, char *s)
{
	*v = realloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

int container__run_image(struct store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' }, { "rm", no_argument, NULL, 'R' },
		{ "detach", no_argument, NULL, 'd' }, { "tty", no_argument, NULL, 't' },
		{ "interactive", no_argument, NULL, 'i' }, { "env", required_argument, NULL, 'e' },
		{ "workdir", required_argument, NULL, 'w' }, { "user", required_argument, NULL, 'u' },
		{ "entrypoint", required_argument, NULL, 'E' }, { "volume", required_argument, NULL, 'v' },
		{ "memory", required_argument, NULL, 'm' }, { "cpus", required_argument, NULL, 'c' },
		{ "pids-limit", required_argument, NULL, 'p' }, { "network", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	size_t ne = 0, nv = 0;
	int c, status = 0;

	/* "+": options end at the image; what follows is the container's command */
	while ((c = getopt_long(argc, argv, "+dtie:w:u:v:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'R': o.rm = true; break;
		case 'd': o.detach = true; break;
		case 't': o.tty = true; break;
		case 'i': o.interactive = true; break;
		case 'e': push(&o.env, &ne, optarg); break;
		case 'w': o.workdir = optarg; break;
		case 'u': o.user = optarg; break;
		case 'E': o.entrypoint = optarg; break;
		case 'v': push(&o.volumes, &nv, optarg); break;
		case 'm': o.memory = optarg; break;
		case 'c': o.cpus = optarg; break;
		case 'p': o.pids_limit = optarg; break;
		case 'N':
			if (!strcmp(optarg, "host"))
				o.host_network = true;
			else if (strcmp(optarg, "none"))
				return img_err("--network %s: ctr has none (the default: loopback only) and host", optarg) ? 1 : 1;
			break;
		case 'h': return img_verb_usage(stdout);
		default: return img_verb_usage(stderr);
		}
	}
	if (optind >= argc) {
		img_err("no image given: ctr container run [OPTIONS] IMAGE [COMMAND...]");
		return 125;
	}
	o.image = argv[optind];
	o.cmd = argv + optind + 1;
	if (container_run(s, &o, &status))
		return 125;	/* Podman's and Docker's status for "the engine failed" */
	return status;
}

int container__rm(struct store *s, int argc, char **argv)
{
	bool force = false;
	int ret = 0;

	if (!img_args(argc, argv, "force", &force, 1, -1, &ret))
		return ret;
	for (; optind < argc; optind++)
		if (container_remove(s, argv[optind], force))
			ret = 1;
	return ret;
}

int containers__list_images(struct store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_object *all = json_object_new_array();
	char dir[2400];
	bool json = false;
	struct dirent *de;
	DIR *d;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else
			return img_verb_usage(c == 'h' ? stdout : stderr);
	}
	store_path(s, dir, sizeof(dir), "containers");
	d = opendir(dir);
	if (!json)
		printf("%-24s %-40s %-10s %s\n", "NAME", "IMAGE", "STATUS", "CREATED");
	while (d && (de = readdir(d))) {
		json_object *ct, *v;
		const char *st;

		if (de->d_name[0] == '.' || !(ct = container_read(s, de->d_name)))
			continue;
		st = json_object_object_get_ex(ct, "status", &v) ? json_object_get_string(v) : "?";
		if (!strcmp(st, "running") && !runtime_knows(ct, de->d_name))
			st = "exited";	/* its monitor was killed: the runtime has no such container */
		json_object_object_add(ct, "status", json_object_new_string(st));
		if (json) {
			json_object_array_add(all, ct);
			continue;
		}
		printf("%-24s %-40s %-10s %s\n", de->d_name,
		       json_object_get_string(json_object_object_get(ct, "imageName")), st,
		       json_object_get_string(json_object_object_get(ct, "created")));
		json_object_put(ct);
	}
	if (d)
		closedir(d);
	if (json)
		img_print_json(all);
	json_object_put(all);
	return 0;
}
