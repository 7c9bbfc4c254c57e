// SPDX-License-Identifier: GPL-2.0
/*
 * A directory as a layer: commit's overlay upper directory or a build
 * step's.  The tar (pax, names sorted so that the same tree gives the
 * same diff_id) is hashed for its diff_id and gzip'ed into a blob as it
 * is written; overlayfs whiteouts become OCI's .wh. entries.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "image.h"

struct layer_sink {
	struct blob_writer w;
	struct img_hash *diff;
	z_stream z;
	unsigned char buf[65536];
	int err;
};

static int sink_deflate(struct layer_sink *k, const void *data, size_t len, int flush)
{
	k->z.next_in = (unsigned char *)data;
	k->z.avail_in = len;
	do {
		k->z.next_out = k->buf;
		k->z.avail_out = sizeof(k->buf);
		deflate(&k->z, flush);
		if (blob_writer_write(&k->w, k->buf, sizeof(k->buf) - k->z.avail_out))
			return -1;
	} while (k->z.avail_out == 0);
	return 0;
}

static la_ssize_t sink_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct layer_sink *k = data;

	img_hash_update(k->diff, buf, len);
	if (sink_deflate(k, buf, len, Z_NO_FLUSH)) {
		k->err = -1;
		archive_set_error(a, EIO, "cannot write the layer blob");
		return -1;
	}
	return len;
}

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct walk {
	struct archive *a;
	bool upper;
	struct hardlink *links;
	size_t nlinks;
	const char *root;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_entry(struct walk *w, int dirfd, const char *name, const char *rel,
		     const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();
	int ret = 0;

	archive_entry_copy_stat(e, st);
	archive_entry_set_pathname(e, rel);
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

		if (n < 0) {
			archive_entry_free(e);
			return img_err("cannot read the symlink %s/%s: %s", w->root, rel, strerror(errno));
		}
		target[n] = 0;
		archive_entry_set_symlink(e, target);
	} else if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
		size_t i;

		for (i = 0; i < w->nlinks; i++)
			if (w->links[i].dev == st->st_dev && w->links[i].ino == st->st_ino)
				break;
		if (i < w->nlinks) {
			archive_entry_set_hardlink(e, w->links[i].path);
			archive_entry_set_size(e, 0);
		} else {
			w->links = realloc(w->links, (w->nlinks + 1) * sizeof(*w->links));
			w->links[w->nlinks++] = (struct hardlink){ st->st_dev, st->st_ino, strdup(rel) };
		}
	}
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		ret = img_err("cannot pack %s: %s", rel, archive_error_string(w->a));
	if (!ret && S_ISREG(st->st_mode) && archive_entry_size(e) > 0) {
		int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		char buf[65536];
		ssize_t n;

		if (fd < 0)
			return archive_entry_free(e), img_err("cannot read %s/%s: %s", w->root, rel,
							     strerror(errno));
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (archive_write_data(w->a, buf, n) != n) {
				ret = img_err("cannot pack %s: %s", rel, archive_error_string(w->a));
				break;
			}
		if (n < 0)
			ret = img_err("cannot read %s/%s: %s", w->root, rel, strerror(errno));
		close(fd);
	}
	archive_entry_free(e);
	return ret;
}

/* An empty regular file, for the whiteouts. */
static int add_marker(struct walk *w, const char *rel)
{
	struct archive_entry *e = archive_entry_new();
	int ret = 0;

	archive_entry_set_pathname(e, rel);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		ret = img_err("cannot pack %s: %s", rel, archive_error_string(w->a));
	archive_entry_free(e);
	return ret;
}

static int walk_dir(struct walk *w, int dirfd, const char *prefix)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (!d)
		return img_err("cannot read %s/%s: %s", w->root, prefix, strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !ret; i++) {
		char rel[4096];
		struct stat st;

		snprintf(rel, sizeof(rel), "%s%s", prefix, names[i]);
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW)) {
			ret = img_err("cannot stat %s/%s: %s", w->root, rel, strerror(errno));
			break;
		}
		if (w->upper && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
			snprintf(rel, sizeof(rel), "%s.wh.%s", prefix, names[i]);
			ret = add_marker(w, rel);
			continue;
		}
		if (S_ISSOCK(st.st_mode))
			continue;	/* sockets are not content */
		ret = add_entry(w, dirfd, names[i], rel, &st);
		if (!ret && S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			char opq[2];

			if (sub < 0) {
				ret = img_err("cannot open %s/%s: %s", w->root, rel, strerror(errno));
				break;
			}
			strcat(rel, "/");
			if (w->upper && fgetxattr(sub, "trusted.overlay.opaque", opq, sizeof(opq)) == 1 &&
			    opq[0] == 'y') {
				char wh[4200];

				snprintf(wh, sizeof(wh), "%s.wh..wh..opq", rel);
				ret = add_marker(w, wh);
			}
			if (!ret)
				ret = walk_dir(w, sub, rel);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

int layer_from_dir(struct store *s, const char *dir, bool upper, json_object **desc,
		   char diff_id[IMG_DIGEST_LEN])
{
	struct layer_sink *k = calloc(1, sizeof(*k));
	struct walk w = { .upper = upper, .root = dir };
	char digest[IMG_DIGEST_LEN];
	uint64_t size;
	int fd, ret = -1;
	size_t i;

	if (!k || blob_writer_open(s, &k->w)) {
		free(k);
		return -1;
	}
	k->diff = img_hash_new();
	deflateInit2(&k->z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	w.a = archive_write_new();
	archive_write_set_format_pax_restricted(w.a);
	archive_write_set_bytes_in_last_block(w.a, 1);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		img_err("cannot open %s: %s", dir, strerror(errno));
	} else if (archive_write_open(w.a, k, NULL, sink_write, NULL) != ARCHIVE_OK) {
		img_err("cannot start a layer: %s", archive_error_string(w.a));
		close(fd);
	} else {
		ret = walk_dir(&w, fd, "");
		if (archive_write_close(w.a) != ARCHIVE_OK && !ret)
			ret = img_err("cannot finish the layer: %s", archive_error_string(w.a));
	}
	archive_write_free(w.a);
	for (i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	if (!ret && !k->err)
		ret = sink_deflate(k, NULL, 0, Z_FINISH);
	deflateEnd(&k->z);
	img_hash_final(k->diff, diff_id);
	size = k->w.size;
	if (ret || k->err) {
		blob_writer_abort(&k->w);
		free(k);
		return -1;
	}
	ret = blob_writer_commit(&k->w, NULL, digest);
	free(k);
	if (ret)
		return -1;
	*desc = json_object_new_object();
	json_object_object_add(*desc, "mediaType", json_object_new_string(MT_OCI_LAYER_GZIP));
	json_object_object_add(*desc, "digest", json_object_new_string(digest));
	json_object_object_add(*desc, "size", json_object_new_int64(size));
	return layer_unpack(s, digest, diff_id, NULL);
}
