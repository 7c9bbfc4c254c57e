// SPDX-License-Identifier: GPL-2.0
/*
 * The store's directories and its blobs.  Every blob is written to tmp/,
 * hashed while written, fsync'ed and renamed into blobs/sha256/ only when
 * whole and matching the digest it was asked for: a reader never sees a
 * partial or wrong blob, whatever interrupted the writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "mkdirs.h"

void store_path(const struct store *s, char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, len, "%s/", s->root);

	va_start(ap, fmt);
	vsnprintf(out + n, len - n, fmt, ap);
	va_end(ap);
}

int store_open(struct store *s, const char *root)
{
	static const char *const dirs[] = { "oci/blobs/sha256", "layers", "containers", "tmp" };
	char p[2400];
	size_t i;

	if (strlen(root) >= sizeof(s->root) - 200)
		return img_err("store path too long: %.64s...", root);
	memset(s, 0, sizeof(*s));
	snprintf(s->root, sizeof(s->root), "%s", root);
	s->lock_fd = -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		store_path(s, p, sizeof(p), "%s", dirs[i]);
		if ((mkdir_parents(p, 0700) || mkdir(p, 0700)) && errno != EEXIST)
			return img_err("cannot create the image store %s: %s (pass --store DIR, or run as root)",
				       root, strerror(errno));
	}
	store_path(s, p, sizeof(p), "oci/oci-layout");
	if (access(p, F_OK)) {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

		if (fd >= 0) {
			static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

			if (write(fd, layout, sizeof(layout) - 1) != sizeof(layout) - 1)
				img_warn("cannot write %s: %s", p, strerror(errno));
			close(fd);
		}
	}
	return 0;
}

int store_lock(struct store *s)
{
	char p[2400];

	if (s->lock_fd >= 0)
		return 0;
	store_path(s, p, sizeof(p), "lock");
	s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return img_err("cannot open %s: %s", p, strerror(errno));
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK)
			return img_err("cannot lock %s: %s", p, strerror(errno));
		img_warn("waiting for another ctr using the store %s", s->root);
		if (flock(s->lock_fd, LOCK_EX))
			return img_err("cannot lock %s: %s", p, strerror(errno));
	}
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}

int store_tmpdir(struct store *s, char *out, size_t len)
{
	store_path(s, out, len, "tmp/d.XXXXXX");
	if (!mkdtemp(out))
		return img_err("cannot make a directory under %s/tmp: %s", s->root, strerror(errno));
	return 0;
}

void blob_path(const struct store *s, const char *digest, char *out, size_t len)
{
	store_path(s, out, len, "oci/blobs/sha256/%s", img_digest_hex(digest));
}

bool blob_exists(const struct store *s, const char *digest)
{
	char p[2400];

	if (!img_digest_valid(digest))
		return false;
	blob_path(s, digest, p, sizeof(p));
	return access(p, F_OK) == 0;
}

int blob_writer_open(struct store *s, struct blob_writer *w)
{
	w->s = s;
	w->size = 0;
	store_path(s, w->tmp, sizeof(w->tmp), "tmp/blob.XXXXXX");
	w->fd = mkostemp(w->tmp, O_CLOEXEC);
	if (w->fd < 0)
		return img_err("cannot write under %s/tmp: %s", s->root, strerror(errno));
	w->hash = img_hash_new();
	return 0;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t len)
{
	const char *p = data;

	img_hash_update(w->hash, data, len);
	w->size += len;
	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return img_err("cannot write a blob to %s: %s", w->s->root,
				       n < 0 ? strerror(errno) : "short write");
		p += n;
		len -= n;
	}
	return 0;
}

void blob_writer_abort(struct blob_writer *w)
{
	char d[IMG_DIGEST_LEN];

	if (w->fd < 0)
		return;
	close(w->fd);
	w->fd = -1;
	unlink(w->tmp);
	img_hash_final(w->hash, d);
}

int blob_writer_commit(struct blob_writer *w, const char *expect, char digest[IMG_DIGEST_LEN])
{
	char d[IMG_DIGEST_LEN], p[2400];
	int err = 0;

	img_hash_final(w->hash, d);
	if (fsync(w->fd) || close(w->fd))
		err = img_err("cannot write a blob to %s: %s", w->s->root, strerror(errno));
	w->fd = -1;
	if (!err && expect && strcmp(d, expect))
		err = img_err("blob digest mismatch: expected %s, got %s (%llu bytes): not kept",
			      expect, d, (unsigned long long)w->size);
	if (!err) {
		bool had = blob_exists(w->s, d);

		blob_path(w->s, d, p, sizeof(p));
		if (rename(w->tmp, p))
			err = img_err("cannot store blob %s: %s", d, strerror(errno));
		else if (!had)
			img_strv_add(&w->s->added_blobs, &w->s->n_added_blobs, img_digest_hex(d));
	}
	if (err) {
		unlink(w->tmp);
		return err;
	}
	if (digest)
		strcpy(digest, d);
	return 0;
}

int blob_put(struct store *s, const void *data, size_t len, const char *expect,
	     char digest[IMG_DIGEST_LEN])
{
	struct blob_writer w;

	if (blob_writer_open(s, &w))
		return -1;
	if (blob_writer_write(&w, data, len)) {
		blob_writer_abort(&w);
		return -1;
	}
	return blob_writer_commit(&w, expect, digest);
}

int blob_put_fd(struct store *s, int fd, const char *expect, char digest[IMG_DIGEST_LEN],
		uint64_t *size)
{
	struct blob_writer w;
	char buf[65536];
	ssize_t n;

	if (blob_writer_open(s, &w))
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			img_err("read error: %s", strerror(errno));
			goto fail;
		}
		if (blob_writer_write(&w, buf, n))
			goto fail;
	}
	if (size)
		*size = w.size;
	return blob_writer_commit(&w, expect, digest);
fail:
	blob_writer_abort(&w);
	return -1;
}

int blob_read(const struct store *s, const char *digest, size_t max, char **data, size_t *len)
{
	char p[2400], d[IMG_DIGEST_LEN];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd;

	if (!img_digest_valid(digest))
		return img_err("not a sha256 digest: \"%.80s\"", digest);
	blob_path(s, digest, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return img_err("blob %s is not in the store %s (pull the image again)", digest,
			       s->root);
	if (fstat(fd, &st) || (size_t)st.st_size > max) {
		close(fd);
		return img_err("blob %s is %lld bytes, more than the %zu allowed", digest,
			       (long long)st.st_size, max);
	}
	buf = malloc(st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		return img_err("cannot read blob %s", digest);
	}
	buf[got] = 0;
	img_digest_buf(buf, got, d);
	if (strcmp(d, digest)) {
		free(buf);
		return img_err("blob %s in the store is corrupt (its content is %s): remove the image and pull it again",
			       digest, d);
	}
	*data = buf;
	if (len)
		*len = got;
	return 0;
}

int blob_read_json(const struct store *s, const char *digest, json_object **out)
{
	enum json_tokener_error jerr;
	char *data;
	size_t len;

	if (blob_read(s, digest, IMG_MAX_MANIFEST, &data, &len))
		return -1;
	*out = json_tokener_parse_verbose(data, &jerr);
	free(data);
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return img_err("blob %s is not a JSON object (%s)", digest,
			       json_tokener_error_desc(jerr));
	}
	return 0;
}
