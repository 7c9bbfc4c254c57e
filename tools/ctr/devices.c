// SPDX-License-Identifier: GPL-2.0
/*
 * Device nodes in the container's /dev: the default set every container
 * gets (bound from the host's nodes) and linux.devices (mknod, or a bind
 * of the host's node when a user namespace forbids mknod).  Whether a
 * process may open them is the device policy's business (devpolicy.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ctr.h"

int ctr_parse_devices(struct ctr_spec *s, const struct jv *arr)
{
	size_t i, n;

	if (jv_array(arr, &n) < 0)
		return -EINVAL;
	if (n > CTR_MAX_DEVICES)
		return jv_bad(arr, "expected at most %d devices", CTR_MAX_DEVICES);
	for (i = 0; i < n; i++) {
		struct jv o = jv_at(arr, i), p = jv_key(&o, "path"), t = jv_key(&o, "type");
		struct jv maj = jv_key(&o, "major"), min = jv_key(&o, "minor");
		struct jv mode = jv_key(&o, "fileMode"), uid = jv_key(&o, "uid");
		struct jv gid = jv_key(&o, "gid");
		struct ctr_device *d = &s->devices_list[i];
		const char *path, *type;
		int64_t fmode = 0666, u = 0, g = 0;

		if (jv_need(&o, jv_object(&o), "an object") ||
		    jv_need(&p, jv_string(&p, &path), "a path below /dev") ||
		    jv_need(&t, jv_string(&t, &type), "c, b, u or p"))
			return -EINVAL;
		if (strncmp(path, "/dev/", 5) || strstr(path, "/../") || strstr(path, "/./") ||
		    path[strlen(path) - 1] == '/' || !strcmp(path + strlen(path) - 3, "/.."))
			return jv_bad(&p, "expected an absolute path below /dev");
		if (strlen(type) != 1 || !strchr("cbup", type[0]))
			return jv_bad(&t, "expected c, b, u or p, not \"%s\"", type);
		d->path = path;
		d->type = type[0] == 'u' ? 'c' : type[0];
		d->major = d->minor = 0;
		if (d->type != 'p' &&
		    (jv_need(&maj, jv_int(&maj, 0, 4095, &d->major), "an integer 0..4095") ||
		     jv_need(&min, jv_int(&min, 0, 0xfffff, &d->minor), "an integer 0..1048575")))
			return -EINVAL;
		if (jv_int(&mode, 0, 07777, &fmode) < 0 ||
		    jv_int(&uid, 0, 4294967294LL, &u) < 0 || jv_int(&gid, 0, 4294967294LL, &g) < 0)
			return -EINVAL;
		d->mode = fmode;
		d->uid = u;
		d->gid = g;
	}
	s->ndevices = n;
	return 0;
}

static bool listed(const struct ctr_spec *s, const char *path)
{
	int i;

	for (i = 0; i < s->ndevices; i++)
		if (!strcmp(s->devices_list[i].path, path))
			return true;
	return false;
}

/* Bind @host_path over a fresh file at @path in the rootfs. */
static int bind_node(int root_fd, const char *path, const char *host_path)
{
	char target[64];
	int fd = ctr_mkpath_in_root(root_fd, path, true), ret;

	if (fd < 0)
		return ctr_init_fail("creating %s in the rootfs: %s", path, strerror(errno));
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	ret = mount(host_path, target, NULL, MS_BIND, NULL);
	close(fd);
	if (ret)
		return ctr_init_fail("bind-mounting %s: %s", host_path, strerror(errno));
	return 0;
}

static int make_node(int root_fd, const struct ctr_device *d)
{
	mode_t type = d->type == 'c' ? S_IFCHR : d->type == 'b' ? S_IFBLK : S_IFIFO;
	const char *slash = strrchr(d->path, '/');
	char dir[4096];
	int dfd, ret;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - d->path), d->path);
	dfd = ctr_mkpath_in_root(root_fd, dir, false);
	if (dfd < 0)
		return ctr_init_fail("creating %s in the rootfs: %s", dir, strerror(errno));
	close(dfd);
	dfd = ctr_open_in_root(root_fd, dir, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return ctr_init_fail("%s in the rootfs: %s", dir, strerror(errno));
	unlinkat(dfd, slash + 1, 0);
	ret = mknodat(dfd, slash + 1, type | (d->mode & 07777), makedev(d->major, d->minor));
	if (ret && errno == EPERM && d->type != 'p') {
		/* A user namespace may not mknod: use the host's node, like runc. */
		close(dfd);
		return bind_node(root_fd, d->path, d->path);
	}
	if (!ret)
		ret = fchmodat(dfd, slash + 1, d->mode & 07777, 0);
	if (!ret)
		ret = fchownat(dfd, slash + 1, d->uid, d->gid, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	if (ret)
		return ctr_init_fail("linux.devices %s: %s", d->path, strerror(errno));
	return 0;
}

int ctr_make_devices(const struct ctr_spec *s, int root_fd)
{
	static const char *const defaults[] = {
		"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
	};
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" }, { "/proc/kcore", "core" },
	};
	size_t i;
	int dev;

	for (i = 0; i < (size_t)s->ndevices; i++)
		if (make_node(root_fd, &s->devices_list[i]))
			return -1;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (!listed(s, defaults[i]) && bind_node(root_fd, defaults[i], defaults[i]))
			return -1;
	dev = ctr_open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
	if (dev < 0)
		return ctr_init_fail("/dev in the rootfs: %s", strerror(errno));
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/%s", links[i][1]);
		if (!listed(s, path))
			symlinkat(links[i][0], dev, links[i][1]);
	}
	close(dev);
	return 0;
}
