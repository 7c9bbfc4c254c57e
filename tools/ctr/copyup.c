// SPDX-License-Identifier: GPL-2.0
/*
 * tmpcopyup: a tmpfs mounted over a directory of the image starts with
 * that directory's contents, as with runc.  The tree comes from the
 * image, so nothing here follows a symlink: links are copied as links,
 * every open is O_NOFOLLOW relative to a directory fd.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ctr.h"

#define MAX_DEPTH 64

static int copy_data(int from, int to)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || ctr_write_all(to, buf, n))
			return -1;
	}
	return 0;
}

static int copy_tree(int from, int to, int depth);

/* One entry @name of @from into @to, with its mode, owner and times. */
static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	char link[4096];
	ssize_t n;
	int in = -1, out = -1, ret = 0;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		if (depth >= MAX_DEPTH) {
			errno = ELOOP;
			return -1;
		}
		if (mkdirat(to, name, 0700))
			return -1;
		in = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		ret = in < 0 || out < 0 ? -1 : copy_tree(in, out, depth + 1);
		break;
	case S_IFREG:
		in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		out = in < 0 ? -1 : openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					   O_CLOEXEC, 0600);
		ret = out < 0 ? -1 : copy_data(in, out);
		break;
	case S_IFLNK:
		n = readlinkat(from, name, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = 0;
		ret = symlinkat(link, to, name);
		break;
	default:	/* devices, fifos, sockets */
		ret = mknodat(to, name, st.st_mode, st.st_rdev);
		break;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (ret)
		return -1;
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW))
		return -1;
	/* After the chown, which clears set-id bits. */
	if (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0))
		return -1;
	return utimensat(to, name, (struct timespec[2]){ st.st_atim, st.st_mtim },
			 AT_SYMLINK_NOFOLLOW);
}

static int copy_tree(int from, int to, int depth)
{
	int fd = dup(from), ret = 0, err;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (!ret && (errno = 0, e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ret = copy_entry(from, to, e->d_name, depth);
	if (!ret && errno)
		ret = -1;
	err = errno;
	closedir(d);
	errno = err;
	return ret;
}

int ctr_copy_tree(int from, int to, const char *what)
{
	if (copy_tree(from, to, 0))
		return ctr_init_fail("tmpcopyup: copying the contents of %s: %s", what,
				     strerror(errno));
	return 0;
}
