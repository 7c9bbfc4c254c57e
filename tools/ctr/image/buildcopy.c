// SPDX-License-Identifier: GPL-2.0
/*
 * build's COPY and ADD: which files (globs, directories' contents, less
 * what the context's .containerignore leaves out), a digest of them
 * (names, modes and contents: the layer cache's key) and their copy into
 * a step's new layer directory.  ADD unpacks a local tar archive, in a
 * child chrooted into the destination as layer.c unpacks layers, with
 * ".." and absolute names refused before anything is written.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "image.h"

bool build_has_dotdot(const char *path)
{
	const char *p = path;

	for (;;) {
		const char *e = strchrnul(p, '/');

		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return true;
		if (!*e)
			return false;
		p = e + 1;
	}
}

int build_clean_path(const char *in, char *out, size_t len)
{
	char buf[4096], *save, *p;
	size_t o = 0;

	snprintf(buf, sizeof(buf), "%s", in);
	out[0] = 0;
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (!strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			char *slash;

			if (!o)
				return -1;	/* above the top */
			slash = strrchr(out, '/');
			o = slash ? (size_t)(slash - out) : 0;
			out[o] = 0;
			continue;
		}
		if (o + strlen(p) + 2 > len)
			return -1;
		o += sprintf(out + o, "%s%s", o ? "/" : "", p);
	}
	return 0;
}

static void item_add(struct copy_list *l, const char *src, const char *dst, const struct stat *st,
		     bool unpack)
{
	struct copy_item *it;

	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	it = &l->v[l->n++];
	it->src = strdup(src);
	it->dst = strdup(dst);
	it->st = *st;
	it->unpack = unpack;
}

void copy_list_free(struct copy_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].src);
		free(l->v[i].dst);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The contents of directory @root/@rel (not ignored) below @dst, sorted. */
static int walk(const char *root, const char *rel, const char *dst,
		const struct build_ignore *ig, struct copy_list *l)
{
	char p[8192], **names = NULL;
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	d = opendir(p);
	if (!d)
		return img_err("cannot read %s: %s", p, strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char r[4200], q[4200];
		struct stat st;

		snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "", names[i]);
		snprintf(q, sizeof(q), "%s%s%s", dst, *dst ? "/" : "", names[i]);
		snprintf(p, sizeof(p), "%s/%s", root, r);
		if (lstat(p, &st) || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)))
			continue;	/* gone meanwhile; sockets, fifos and devices are not copied */
		if (!S_ISDIR(st.st_mode) && build_ignored(ig, r))
			continue;
		/* an ignored directory still gives what a ! exception keeps below it */
		if (!build_ignored(ig, r))
			item_add(l, p, q, &st, false);
		if (S_ISDIR(st.st_mode) && walk(root, r, q, ig, l))
			break;
	}
	for (size_t j = 0; j < n; j++)
		free(names[j]);
	free(names);
	return i < n ? -1 : 0;
}

static bool is_archive(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool yes;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	yes = archive_read_open_filename(a, path, 16384) == ARCHIVE_OK &&
	      archive_read_next_header(a, &e) == ARCHIVE_OK;
	archive_read_free(a);
	return yes;
}

int copy_collect(const char *root, const struct build_ignore *ig, char *const *srcs,
		 const char *dest, bool dest_dir, bool add, struct copy_list *l, char *why,
		 size_t whylen)
{
	size_t i, k;

	for (i = 0; srcs[i]; i++) {
		char clean[4096], p[8192];
		glob_t g = { 0 };
		size_t nmatch;

		if (build_clean_path(srcs[i], clean, sizeof(clean)))
			return snprintf(why, whylen, "%s is outside the build context", srcs[i]), -1;
		snprintf(p, sizeof(p), "%s/%s", root, clean);
		if (strpbrk(clean, "*?[")) {
			if (glob(p, GLOB_NOSORT * 0, NULL, &g) && !g.gl_pathc) {
				globfree(&g);
				return snprintf(why, whylen, "no file matches %s", srcs[i]), -1;
			}
		} else {
			static char *one[2];

			one[0] = p;
			g.gl_pathv = one;
			g.gl_pathc = 1;
		}
		nmatch = 0;
		for (k = 0; k < g.gl_pathc; k++) {
			const char *m = g.gl_pathv[k], *rel = m + strlen(root) + 1;
			const char *base = strrchr(m, '/') + 1;
			char dst[8192];
			struct stat st;

			if (lstat(m, &st) || (*rel && build_ignored(ig, rel)))
				continue;
			nmatch++;
			if (S_ISDIR(st.st_mode)) {
				/* a directory's contents, not the directory, as Docker has it */
				item_add(l, m, dest, &st, false);
				if (walk(root, rel, dest, ig, l)) {
					if (strpbrk(clean, "*?["))
						globfree(&g);
					return snprintf(why, whylen, "cannot read %s", srcs[i]), -1;
				}
				continue;
			}
			if (add && S_ISREG(st.st_mode) && is_archive(m)) {
				item_add(l, m, dest, &st, true);
				continue;
			}
			snprintf(dst, sizeof(dst), "%s%s%s", dest, dest_dir ? (*dest ? "/" : "") : "",
				 dest_dir ? base : "");
			item_add(l, m, dst, &st, false);
		}
		if (strpbrk(clean, "*?["))
			globfree(&g);
		if (!nmatch)
			return snprintf(why, whylen, "no such file %s", srcs[i]), -1;
	}
	return 0;
}

static int hash_file(struct img_hash *h, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return img_err("cannot read %s: %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		img_hash_update(h, buf, n);
	close(fd);
	return n < 0 ? img_err("cannot read %s: %s", path, strerror(errno)) : 0;
}

int copy_digest(const struct copy_list *l, char out[IMG_DIGEST_LEN])
{
	struct img_hash *h = img_hash_new();
	size_t i;
	int ret = 0;

	for (i = 0; i < l->n && !ret; i++) {
		const struct copy_item *it = &l->v[i];
		char meta[8400], target[4096];
		ssize_t n;

		snprintf(meta, sizeof(meta), "%s\n%o %d\n", it->dst, (unsigned)it->st.st_mode, it->unpack);
		img_hash_update(h, meta, strlen(meta) + 1);
		if (S_ISREG(it->st.st_mode)) {
			ret = hash_file(h, it->src);
		} else if (S_ISLNK(it->st.st_mode)) {
			n = readlink(it->src, target, sizeof(target));
			img_hash_update(h, target, n > 0 ? (size_t)n : 0);
		}
	}
	img_hash_final(h, out);
	return ret;
}

/* mkdir -p of @rel's parents in @upper, modes and owners from the stage's @view. */
static int make_parents(const char *upper, const char *view, const char *rel)
{
	char part[8192], p[8400], v[8400];
	const char *s;

	for (s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		struct stat st;

		snprintf(part, sizeof(part), "%.*s", (int)(s - rel), rel);
		snprintf(p, sizeof(p), "%s/%s", upper, part);
		snprintf(v, sizeof(v), "%s/%s", view, part);
		if (!lstat(v, &st) && !S_ISDIR(st.st_mode))
			return img_err("/%s in the image is not a directory", part);
		if (mkdir(p, 0755) && errno != EEXIST)
			return img_err("cannot make %s: %s", p, strerror(errno));
		if (!lstat(v, &st)) {
			chmod(p, st.st_mode & 07777);
			if (lchown(p, st.st_uid, st.st_gid))
				return img_err("cannot chown %s: %s", p, strerror(errno));
		}
	}
	return 0;
}

static int copy_file(const struct copy_item *it, const char *to, uid_t uid, gid_t gid)
{
	int in = open(it->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), out, ret = 0;
	struct timespec t[2] = { it->st.st_atim, it->st.st_mtim };
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return img_err("cannot read %s: %s", it->src, strerror(errno));
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		close(in);
		return img_err("cannot write %s: %s", to, strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = img_err("cannot write %s: %s", to, strerror(errno));
			break;
		}
	if (n < 0)
		ret = img_err("cannot read %s: %s", it->src, strerror(errno));
	if (!ret && (fchown(out, uid, gid) || fchmod(out, it->st.st_mode & 07777) || futimens(out, t)))
		ret = img_err("cannot set the owner and mode of %s: %s", to, strerror(errno));
	close(in);
	close(out);
	return ret;
}

/* In a child chrooted into @dir: the archive @path, names checked first. */
static int unpack_into(const char *path, const char *dir, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (fd < 0)
		return snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno)), -1;
	if (pipe2(pfd, O_CLOEXEC)) {
		close(fd);
		return snprintf(why, whylen, "pipe: %s", strerror(errno)), -1;
	}
	pid = fork();
	if (!pid) {
		struct archive *a = archive_read_new(), *w = archive_write_disk_new();
		struct archive_entry *e;
		char msg[9000] = "", clean[4096];
		int r;

		close(pfd[0]);
		archive_read_support_filter_all(a);
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		archive_write_disk_set_options(w, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
					       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK |
					       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
		if (chroot(dir) || chdir("/")) {
			snprintf(msg, sizeof(msg), "cannot chroot into %s: %s", dir, strerror(errno));
		} else if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
			snprintf(msg, sizeof(msg), "%s: %s", path, archive_error_string(a));
		} else {
			umask(0);
			while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
				const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
				mode_t type = archive_entry_filetype(e);

				if (!name || name[0] == '/' || build_has_dotdot(name) ||
				    build_clean_path(name, clean, sizeof(clean)) ||
				    (hl && (hl[0] == '/' || build_has_dotdot(hl)))) {
					snprintf(msg, sizeof(msg), "%s has the entry \"%.200s\", which leaves the destination: refusing it",
						 path, name ? name : "");
					break;
				}
				if (type == AE_IFCHR || type == AE_IFBLK || !*clean)
					continue;
				archive_entry_set_pathname(e, clean);
				r = archive_write_header(w, e);
				if (r == ARCHIVE_OK && archive_entry_size(e) > 0)
					r = layer_copy_data(a, w, NULL);
				if (r == ARCHIVE_OK)
					r = archive_write_finish_entry(w);
				if (r < ARCHIVE_WARN) {
					char why[256];

					snprintf(msg, sizeof(msg), "%s: cannot unpack \"%.200s\": %s", path,
						 name, layer_why(w, why, sizeof(why)));
					break;
				}
			}
			if (!msg[0] && r != ARCHIVE_EOF)
				snprintf(msg, sizeof(msg), "%s: %s", path, archive_error_string(a));
		}
		archive_write_close(w);
		if (msg[0] && write(pfd[1], msg, strlen(msg)) < 0)
			_exit(2);
		_exit(msg[0] ? 1 : 0);
	}
	close(fd);
	close(pfd[1]);
	why[0] = 0;
	n = pid > 0 ? read(pfd[0], why, whylen - 1) : -1;
	why[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!why[0])
			snprintf(why, whylen, "cannot unpack %s", path);
		return -1;
	}
	return 0;
}

int copy_apply(const struct copy_list *l, const char *upper, const char *view, bool chown_set,
	       unsigned uid, unsigned gid, char *why, size_t whylen)
{
	size_t i;

	why[0] = 0;
	for (i = 0; i < l->n; i++) {
		const struct copy_item *it = &l->v[i];
		uid_t u = chown_set ? uid : 0;
		gid_t g = chown_set ? gid : 0;
		char to[8400];

		snprintf(to, sizeof(to), "%s/%s", upper, it->dst);
		if (make_parents(upper, view, it->dst))
			return -1;
		if (it->unpack || S_ISDIR(it->st.st_mode)) {
			struct stat st;
			char v[8400];

			snprintf(v, sizeof(v), "%s/%s", view, it->dst);
			if (mkdir(to, 0755) && errno != EEXIST)
				return img_err("cannot make %s: %s", to, strerror(errno));
			if (it->unpack) {
				/* an existing directory keeps its mode and owner */
				if (!lstat(v, &st) && (chmod(to, st.st_mode & 07777) ||
						       lchown(to, st.st_uid, st.st_gid)))
					return img_err("cannot chown %s: %s", to, strerror(errno));
				if (unpack_into(it->src, to, why, whylen))
					return -1;
				continue;
			}
			if (chmod(to, it->st.st_mode & 07777) || lchown(to, u, g))
				return img_err("cannot chown %s: %s", to, strerror(errno));
		} else if (S_ISLNK(it->st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(it->src, target, sizeof(target) - 1);

			if (n < 0)
				return img_err("cannot read the symlink %s: %s", it->src, strerror(errno));
			target[n] = 0;
			unlink(to);
			if (symlink(target, to) || lchown(to, u, g))
				return img_err("cannot make the symlink %s: %s", to, strerror(errno));
		} else if (copy_file(it, to, u, g)) {
			return -1;
		}
	}
	return 0;
}
