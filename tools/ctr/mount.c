// SPDX-License-Identifier: GPL-2.0
/*
 * config.json's mounts: the options, read the way runc reads them, and
 * the mounts made from them inside the rootfs.  The kernel takes a bind
 * mount's flags only in steps, so a bind is the bind, then a remount of
 * the new mount for ro, nosuid, ... (keeping the flags a user namespace
 * locks on the source), then the propagation, then the recursive
 * attributes (rro, rnosuid, ...) through mount_setattr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ctr.h"

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define fail	ctr_init_fail

enum { FLAG, PROPAGATION, ATTR_SET, ATTR_CLEAR, COPYUP };

/* runc 1.1's list (runc features), with what each does. */
static const struct {
	const char *name;
	int kind;
	unsigned long set, clear;	/* MS_*, or MOUNT_ATTR_* for ATTR_* */
} opts[] = {
	{ "defaults", FLAG, 0, 0 },
	{ "ro", FLAG, MS_RDONLY, 0 }, { "rw", FLAG, 0, MS_RDONLY },
	{ "nosuid", FLAG, MS_NOSUID, 0 }, { "suid", FLAG, 0, MS_NOSUID },
	{ "nodev", FLAG, MS_NODEV, 0 }, { "dev", FLAG, 0, MS_NODEV },
	{ "noexec", FLAG, MS_NOEXEC, 0 }, { "exec", FLAG, 0, MS_NOEXEC },
	{ "noatime", FLAG, MS_NOATIME, 0 }, { "atime", FLAG, 0, MS_NOATIME },
	{ "nodiratime", FLAG, MS_NODIRATIME, 0 }, { "diratime", FLAG, 0, MS_NODIRATIME },
	{ "relatime", FLAG, MS_RELATIME, 0 }, { "norelatime", FLAG, 0, MS_RELATIME },
	{ "strictatime", FLAG, MS_STRICTATIME, 0 }, { "nostrictatime", FLAG, 0, MS_STRICTATIME },
	{ "sync", FLAG, MS_SYNCHRONOUS, 0 }, { "async", FLAG, 0, MS_SYNCHRONOUS },
	{ "dirsync", FLAG, MS_DIRSYNC, 0 },
	{ "mand", FLAG, MS_MANDLOCK, 0 }, { "nomand", FLAG, 0, MS_MANDLOCK },
	{ "acl", FLAG, MS_POSIXACL, 0 }, { "noacl", FLAG, 0, MS_POSIXACL },
	{ "iversion", FLAG, MS_I_VERSION, 0 }, { "noiversion", FLAG, 0, MS_I_VERSION },
	{ "lazytime", FLAG, MS_LAZYTIME, 0 }, { "nolazytime", FLAG, 0, MS_LAZYTIME },
	{ "silent", FLAG, MS_SILENT, 0 }, { "loud", FLAG, 0, MS_SILENT },
	{ "nosymfollow", FLAG, MS_NOSYMFOLLOW, 0 }, { "symfollow", FLAG, 0, MS_NOSYMFOLLOW },
	{ "remount", FLAG, MS_REMOUNT, 0 },
	{ "bind", FLAG, MS_BIND, 0 }, { "rbind", FLAG, MS_BIND | MS_REC, 0 },
	{ "private", PROPAGATION, MS_PRIVATE, 0 }, { "rprivate", PROPAGATION, MS_PRIVATE | MS_REC, 0 },
	{ "shared", PROPAGATION, MS_SHARED, 0 }, { "rshared", PROPAGATION, MS_SHARED | MS_REC, 0 },
	{ "slave", PROPAGATION, MS_SLAVE, 0 }, { "rslave", PROPAGATION, MS_SLAVE | MS_REC, 0 },
	{ "unbindable", PROPAGATION, MS_UNBINDABLE, 0 },
	{ "runbindable", PROPAGATION, MS_UNBINDABLE | MS_REC, 0 },
	{ "rro", ATTR_SET, MOUNT_ATTR_RDONLY, 0 }, { "rrw", ATTR_CLEAR, MOUNT_ATTR_RDONLY, 0 },
	{ "rnosuid", ATTR_SET, MOUNT_ATTR_NOSUID, 0 }, { "rsuid", ATTR_CLEAR, MOUNT_ATTR_NOSUID, 0 },
	{ "rnodev", ATTR_SET, MOUNT_ATTR_NODEV, 0 }, { "rdev", ATTR_CLEAR, MOUNT_ATTR_NODEV, 0 },
	{ "rnoexec", ATTR_SET, MOUNT_ATTR_NOEXEC, 0 }, { "rexec", ATTR_CLEAR, MOUNT_ATTR_NOEXEC, 0 },
	{ "rnodiratime", ATTR_SET, MOUNT_ATTR_NODIRATIME, 0 },
	{ "rdiratime", ATTR_CLEAR, MOUNT_ATTR_NODIRATIME, 0 },
	{ "rrelatime", ATTR_SET, MOUNT_ATTR_RELATIME, 0 },
	{ "rnorelatime", ATTR_CLEAR, MOUNT_ATTR_RELATIME, 0 },
	{ "rnoatime", ATTR_SET, MOUNT_ATTR_NOATIME, 0 }, { "ratime", ATTR_CLEAR, MOUNT_ATTR_NOATIME, 0 },
	{ "rstrictatime", ATTR_SET, MOUNT_ATTR_STRICTATIME, 0 },
	{ "rnostrictatime", ATTR_CLEAR, MOUNT_ATTR_STRICTATIME, 0 },
	{ "rnosymfollow", ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "rsymfollow", ATTR_CLEAR, MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "tmpcopyup", COPYUP, 0, 0 },
};

/* The option names mounts[].options take, for ctr features; NULL past the end. */
const char *ctr_mount_option_name(size_t i)
{
	return i < sizeof(opts) / sizeof(opts[0]) ? opts[i].name : NULL;
}

/* The flags a bind remount can change; the others belong to the superblock. */
#define BIND_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
		    MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)

/* MOUNT_ATTR_RELATIME, _NOATIME, _STRICTATIME: values of one field, not bits. */
#define IS_ATIME(a) (((a) & ~(unsigned long)MOUNT_ATTR__ATIME) == 0)

static void apply_opt(struct ctr_mount *m, size_t i)
{
	switch (opts[i].kind) {
	case FLAG:
		m->flags = (m->flags | opts[i].set) & ~opts[i].clear;
		m->cleared = (m->cleared | opts[i].clear) & ~opts[i].set;
		break;
	case PROPAGATION:	/* the last one counts */
		m->propagation = opts[i].set;
		break;
	case ATTR_SET:
		/* mount_setattr(2): an atime mode is set by clearing them all first. */
		if (IS_ATIME(opts[i].set)) {
			m->attr_set = (m->attr_set & ~MOUNT_ATTR__ATIME) | opts[i].set;
			m->attr_clr |= MOUNT_ATTR__ATIME;
		} else {
			m->attr_set |= opts[i].set;
			m->attr_clr &= ~opts[i].set;
		}
		break;
	case ATTR_CLEAR:
		/* ratime, rnostrictatime: back to relatime, the kernel's default. */
		if (IS_ATIME(opts[i].set)) {
			if (opts[i].set) {
				m->attr_set &= ~MOUNT_ATTR__ATIME;
				m->attr_clr |= MOUNT_ATTR__ATIME;
			}
		} else {
			m->attr_clr |= opts[i].set;
			m->attr_set &= ~opts[i].set;
		}
		break;
	case COPYUP:
		m->copyup = true;
		break;
	}
}

/* Anything else is filesystem data (mode=755, size=65536k, ...). */
static int add_data(struct ctr_mount *m, const struct jv *opts_v, const char *opt)
{
	if (strlen(m->data) + strlen(opt) + 2 > sizeof(m->data))
		return jv_bad(opts_v, "expected options shorter than %zu bytes in all",
			      sizeof(m->data));
	if (m->data[0])
		strcat(m->data, ",");
	strcat(m->data, opt);
	return 0;
}

int ctr_parse_mount(const struct ctr_spec *s, struct ctr_mount *m, const struct jv *o)
{
	struct jv d = jv_key(o, "destination"), t = jv_key(o, "type"), src = jv_key(o, "source");
	struct jv opts_v = jv_key(o, "options");
	struct jv first_data = { 0 };
	size_t i, j, n;

	if (jv_need(o, jv_object(o), "an object") ||
	    jv_need(&d, jv_string(&d, &m->dest), "an absolute path") ||
	    jv_string(&t, &m->type) < 0 || jv_string(&src, &m->source) < 0 ||
	    jv_array(&opts_v, &n) < 0)
		return -EINVAL;
	if (m->dest[0] != '/')
		return jv_bad(&d, "expected an absolute path");
	for (i = 0; i < n; i++) {
		struct jv e = jv_at(&opts_v, i);
		const char *opt;

		if (jv_need(&e, jv_string(&e, &opt), "a mount option"))
			return -EINVAL;
		if (!strcmp(opt, "idmap") || !strcmp(opt, "ridmap"))
			return jv_bad(&e, "\"%s\": idmapped mounts are not supported by ctr", opt);
		for (j = 0; j < LEN(opts); j++)
			if (!strcmp(opt, opts[j].name))
				break;
		if (j < LEN(opts)) {
			apply_opt(m, j);
			continue;
		}
		if (!first_data.o)
			first_data = e;
		if (add_data(m, &opts_v, opt))
			return -EINVAL;
	}
	m->bind = m->flags & MS_BIND;
	m->recursive = m->flags & MS_REC;
	if (m->type && !strcmp(m->type, "bind"))
		m->bind = true;
	if (!m->bind && !m->type)
		return jv_bad(o, "expected a \"type\" or a bind option");
	/* A bind mount passes no data: an unknown option would be dropped unseen. */
	if (m->bind && first_data.o)
		return jv_bad(&first_data, "unknown bind mount option \"%s\"",
			      json_object_get_string(first_data.o));
	if (m->copyup && (m->bind || strcmp(m->type, "tmpfs")))
		return jv_bad(&opts_v, "expected tmpcopyup on a tmpfs mount only");
	if (m->bind && !m->source)
		return jv_bad(&src, "missing (a bind mount needs a source)");
	/* The runtime spec: a relative source is relative to the bundle. */
	if (m->bind && m->source[0] != '/') {
		if ((size_t)snprintf(m->source_path, sizeof(m->source_path), "%s/%s", s->bundle,
				     m->source) >= sizeof(m->source_path))
			return jv_bad(&src, "expected a shorter path");
		m->source = m->source_path;
	}
	return 0;
}

static void fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * The remount that gives a bind mount its flags.  In a user namespace the
 * kernel locks the flags a mount came with (nosuid, nodev, noexec, ro):
 * when the plain remount is refused, keep those of them that no option
 * asked to clear.
 */
static int remount_bind(int fd, const char *target, const struct ctr_mount *m)
{
	unsigned long flags = m->flags & BIND_FLAGS, keep = 0;
	struct statvfs sv;

	if (!mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL))
		return 0;
	if (errno != EPERM)
		return -1;
	if (fstatvfs(fd, &sv)) {
		errno = EPERM;
		return -1;
	}
	keep |= sv.f_flag & ST_RDONLY ? MS_RDONLY : 0;
	keep |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
	keep |= sv.f_flag & ST_NODEV ? MS_NODEV : 0;
	keep |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	keep &= ~m->cleared;
	if (!(keep & ~flags)) {
		errno = EPERM;
		return -1;
	}
	return mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags | keep, NULL);
}

/* The steps after the mount itself, on @fd: the new mount. */
static int finish_mount(int fd, int below, const struct ctr_mount *m)
{
	struct mount_attr attr = { .attr_set = m->attr_set, .attr_clr = m->attr_clr };
	char target[64];
	int dir;

	fd_path(target, sizeof(target), fd);
	if (m->bind && (m->flags & BIND_FLAGS) && remount_bind(fd, target, m))
		return fail("remounting the bind mount %s with its options: %s", m->dest,
			    strerror(errno));
	if (m->propagation && mount(NULL, target, NULL, m->propagation, NULL))
		return fail("setting the propagation of mount %s: %s", m->dest, strerror(errno));
	if ((m->attr_set || m->attr_clr) &&
	    mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)))
		return fail("recursive mount options of %s (rro, rnosuid, ...): %s", m->dest,
			    strerror(errno));
	if (!m->copyup)
		return 0;
	dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return fail("tmpcopyup into %s: %s", m->dest, strerror(errno));
	if (ctr_copy_tree(below, dir, m->dest)) {
		close(dir);
		return -1;
	}
	close(dir);
	return 0;
}

int ctr_do_mount(int root_fd, const struct ctr_mount *m)
{
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC);
	const char *how = m->bind ? "bind" : m->type;
	char target[64];
	bool file = false;
	struct stat st;
	int fd, below = -1, ret;

	if (m->bind) {
		if (stat(m->source, &st))
			return fail("bind mount source %s of %s: %s", m->source, m->dest,
				    strerror(errno));
		file = !S_ISDIR(st.st_mode);
	}
	/* A file for a file (or a device, a socket), a directory for a directory. */
	fd = ctr_mkpath_in_root(root_fd, m->dest, file);
	if (fd < 0)
		return fail("mount destination %s inside the rootfs: %s", m->dest, strerror(errno));
	/* tmpcopyup copies from what the mount is about to hide. */
	if (m->copyup && (below = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		close(fd);
		return fail("tmpcopyup: %s in the rootfs: %s", m->dest, strerror(errno));
	}
	fd_path(target, sizeof(target), fd);
	if (m->bind)
		ret = mount(m->source, target, NULL, MS_BIND | (m->recursive ? MS_REC : 0), NULL);
	else if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))
		ret = mount("cgroup2", target, "cgroup2", flags, NULL);
	else
		ret = mount(m->source ? m->source : m->type, target, m->type, flags,
			    m->data[0] ? m->data : NULL);
	close(fd);
	if (ret) {
		ret = fail("mounting %s (%s) on %s: %s", m->source ? m->source : "-", how, m->dest,
			   strerror(errno));
		goto out;
	}
	/* fd named the directory below the mount; the rest is of the new mount. */
	fd = ctr_open_in_root(root_fd, m->dest, O_PATH);
	if (fd < 0) {
		ret = fail("mount %s inside the rootfs: %s", m->dest, strerror(errno));
		goto out;
	}
	ret = finish_mount(fd, below, m);
	close(fd);
out:
	if (below >= 0)
		close(below);
	return ret;
}
