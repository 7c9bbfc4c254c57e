// SPDX-License-Identifier: GPL-2.0
/*
 * Unpacking layers.  A layer comes from a registry or an archive someone
 * else made, so it is treated as hostile:
 *  - the child that writes it is chrooted into the new layer directory,
 *    so no path, symlink or hardlink in it can reach the host's files;
 *  - libarchive writes with its SECURE_* checks on top (no write through
 *    a symlink, no "..", no absolute paths);
 *  - ".." in a name (or a whiteout of ".."), and a layer whose content is
 *    not its diff_id, fail the whole layer; device nodes are not made
 *    (a container gets its /dev from the runtime), leading '/' is dropped;
 *  - it is unpacked to tmp/ and renamed into layers/ only when whole.
 * The tar stream is decompressed here (zlib, zstd) rather than by
 * libarchive so that the uncompressed bytes can be hashed for diff_id.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include "image.h"

#define CHUNK	65536

/* The blob, decompressed, hashed as it is read. */
struct layer_src {
	int fd;
	enum { RAW, GZIP, ZSTD } kind;
	z_stream z;
	ZSTD_DStream *zs;
	bool eof, done;		/* end of the file; end of the compressed stream */
	unsigned char in[CHUNK], out[CHUNK];
	size_t in_len, in_pos;
	struct img_hash *hash;
	char why[128];
};

const char *layer_why(struct archive *a, char *buf, size_t len)
{
	const char *msg = archive_error_string(a);

	if (archive_errno(a) > 0)
		snprintf(buf, len, "%s: %s", msg ? msg : "error", strerror(archive_errno(a)));
	else
		snprintf(buf, len, "%s", msg ? msg : "error");
	return buf;
}

int layer_copy_data(struct archive *in, struct archive *out, struct archive **failed)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK) {
		la_ssize_t w = archive_write_data_block(out, buf, len, off);

		/* disk writes fail with ARCHIVE_WARN: the entry is short all the same */
		if (w < ARCHIVE_OK) {
			if (failed)
				*failed = out;
			return ARCHIVE_FAILED;
		}
	}
	if (failed)
		*failed = in;
	return r == ARCHIVE_EOF ? ARCHIVE_OK : r;
}

static int src_fill(struct layer_src *src)
{
	ssize_t n;

	if (src->in_pos < src->in_len || src->eof)
		return 0;
	do
		n = read(src->fd, src->in, sizeof(src->in));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(src->why, sizeof(src->why), "read error: %s", strerror(errno));
		return -1;
	}
	src->in_len = n;
	src->in_pos = 0;
	src->eof = n == 0;
	return 0;
}

/* Up to CHUNK decompressed bytes into src->out; 0 at the end. */
static ssize_t src_read(struct layer_src *src)
{
	for (;;) {
		size_t got;

		if (src->done)
			return 0;
		if (src_fill(src))
			return -1;
		if (src->kind == RAW) {
			got = src->in_len - src->in_pos;
			memcpy(src->out, src->in + src->in_pos, got);
			src->in_pos = src->in_len;
		} else if (src->kind == GZIP) {
			int r;

			if (src->eof && !src->z.avail_in) {
				snprintf(src->why, sizeof(src->why), "gzip stream ends early");
				return -1;
			}
			src->z.next_in = src->in + src->in_pos;
			src->z.avail_in = src->in_len - src->in_pos;
			src->z.next_out = src->out;
			src->z.avail_out = sizeof(src->out);
			r = inflate(&src->z, Z_NO_FLUSH);
			src->in_pos = src->in_len - src->z.avail_in;
			got = sizeof(src->out) - src->z.avail_out;
			if (r == Z_STREAM_END) {
				/* concatenated gzip members are one stream, as gzip -d has it */
				if (src->z.avail_in || (!src_fill(src) && !src->eof))
					inflateReset(&src->z);
				else
					src->done = true;
			} else if (r != Z_OK && r != Z_BUF_ERROR) {
				snprintf(src->why, sizeof(src->why), "corrupt gzip data (%s)",
					 src->z.msg ? src->z.msg : "zlib error");
				return -1;
			}
		} else {
			ZSTD_inBuffer in = { src->in, src->in_len, src->in_pos };
			ZSTD_outBuffer out = { src->out, sizeof(src->out), 0 };
			size_t r = ZSTD_decompressStream(src->zs, &out, &in);

			if (ZSTD_isError(r)) {
				snprintf(src->why, sizeof(src->why), "corrupt zstd data (%s)",
					 ZSTD_getErrorName(r));
				return -1;
			}
			src->in_pos = in.pos;
			got = out.pos;
			if (!got && src->eof && r) {
				snprintf(src->why, sizeof(src->why), "zstd stream ends early");
				return -1;
			}
		}
		if (got) {
			img_hash_update(src->hash, src->out, got);
			return got;
		}
		if (src->eof && src->in_pos >= src->in_len)
			return 0;
	}
}

static la_ssize_t src_archive_read(struct archive *a, void *data, const void **buf)
{
	struct layer_src *src = data;
	ssize_t n = src_read(src);

	if (n < 0) {
		archive_set_error(a, EIO, "%s", src->why);
		return -1;
	}
	*buf = src->out;
	return n;
}

static int src_open(struct layer_src *src, int fd)
{
	unsigned char magic[4];
	ssize_t n = pread(fd, magic, sizeof(magic), 0);

	memset(src, 0, offsetof(struct layer_src, in));
	src->fd = fd;
	src->in_len = src->in_pos = 0;
	src->hash = img_hash_new();
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		src->kind = GZIP;
		if (inflateInit2(&src->z, 15 + 16) != Z_OK)
			return -1;
	} else if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
		   magic[3] == 0xfd) {
		src->kind = ZSTD;
		src->zs = ZSTD_createDStream();
		if (!src->zs || ZSTD_isError(ZSTD_initDStream(src->zs)))
			return -1;
	}
	return 0;
}

static void src_close(struct layer_src *src, char diff_id[IMG_DIGEST_LEN])
{
	if (src->kind == GZIP)
		inflateEnd(&src->z);
	if (src->zs)
		ZSTD_freeDStream(src->zs);
	img_hash_final(src->hash, diff_id);
}

/*
 * @path as a name inside the layer: leading "/" and "./" dropped, ".."
 * refused.  "" is the layer's root.
 */
static int clean_path(const char *in, char *out, size_t len)
{
	const char *p = in;

	while (*p == '/' || (p[0] == '.' && p[1] == '/'))
		p += *p == '/' ? 1 : 2;
	if (!strcmp(p, "."))
		p = "";
	if (strlen(p) >= len)
		return -1;
	strcpy(out, p);
	for (p = out; *p; ) {
		const char *e = strchrnul(p, '/');

		if (e - p == 2 && !strncmp(p, "..", 2))
			return -1;
		p = *e ? e + 1 : e;
	}
	/* no trailing slash: libarchive and mkdir take "dir" */
	len = strlen(out);
	while (len && out[len - 1] == '/')
		out[--len] = 0;
	return 0;
}

/* An OCI whiteout (.wh.NAME, .wh..wh..opq) as overlayfs has it. */
static int whiteout(const char *path)
{
	char parent[4096];
	const char *base = strrchr(path, '/');
	const char *name;

	snprintf(parent, sizeof(parent), "%.*s", base ? (int)(base - path) : 1, base ? path : ".");
	name = (base ? base + 1 : path) + 4;
	if (mkdir(parent, 0755) && errno != EEXIST)
		return -1;	/* libarchive made the parents of earlier entries; this one is new */
	if (!strcmp(name, ".wh..opq"))
		return setxattr(parent, "trusted.overlay.opaque", "y", 1, 0);
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return errno = EINVAL, -1;
	snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/%s", name);
	return mknod(parent, S_IFCHR | 0, makedev(0, 0));
}

/* In the chrooted child: the tar stream into "/". Returns an exit status. */
static int unpack_child(struct layer_src *src, const char *digest)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *e;
	char path[4096], link[4096];
	int r, skipped = 0;

	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_UNLINK |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (archive_read_open(in, src, NULL, src_archive_read, NULL) != ARCHIVE_OK) {
		img_err("layer %s: %s", digest, archive_error_string(in));
		return 1;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
		const char *base;
		mode_t type = archive_entry_filetype(e);

		if (!name || clean_path(name, path, sizeof(path))) {
			img_err("layer %s: entry \"%.200s\" leaves the layer (..): refusing the layer",
				digest, name ? name : "");
			return 1;
		}
		if (hl && clean_path(hl, link, sizeof(link))) {
			img_err("layer %s: hardlink \"%.200s\" to \"%.200s\" leaves the layer: refusing the layer",
				digest, name, hl);
			return 1;
		}
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!strncmp(base, ".wh.", 4)) {
			if (whiteout(path)) {
				img_err("layer %s: bad whiteout \"%.200s\": %s", digest, name,
					strerror(errno));
				return 1;
			}
			continue;
		}
		if (type == AE_IFCHR || type == AE_IFBLK) {
			skipped++;	/* no device nodes from images */
			continue;
		}
		if (!*path) {
			chmod("/", archive_entry_perm(e));
			continue;
		}
		archive_entry_set_pathname(e, path);
		if (hl)
			archive_entry_set_hardlink(e, link);
		r = archive_write_header(out, e);
		if (r == ARCHIVE_OK && archive_entry_size(e) > 0 && !hl) {
			struct archive *failed;

			r = layer_copy_data(in, out, &failed);
			if (r != ARCHIVE_OK && failed == in)
				img_err("layer %s: %s: %s", digest, name, archive_error_string(in));
		}
		if (r == ARCHIVE_OK)
			r = archive_write_finish_entry(out);
		if (r < ARCHIVE_WARN) {
			char why[256];

			img_err("layer %s: cannot unpack \"%.200s\": %s: refusing the layer", digest,
				name, layer_why(out, why, sizeof(why)));
			return 1;
		}
	}
	if (r != ARCHIVE_EOF) {
		img_err("layer %s: not a valid tar archive: %s", digest, archive_error_string(in));
		return 1;
	}
	/* the rest of the stream counts for diff_id too (tar's padding) */
	while ((r = src_read(src)) > 0)
		;
	if (r < 0) {
		img_err("layer %s: %s", digest, src->why);
		return 1;
	}
	archive_write_close(out);
	archive_write_free(out);
	archive_read_free(in);
	if (skipped)
		img_warn("layer %s: %d device node(s) not created (the runtime makes /dev)", digest,
			 skipped);
	return 0;
}

void layer_dir(const struct store *s, const char *diff_id, char *out, size_t len)
{
	store_path(s, out, len, "layers/%s", img_digest_hex(diff_id));
}

int layer_unpack(struct store *s, const char *digest, const char *diff_id,
		 char found[IMG_DIGEST_LEN])
{
	char dir[2400], tmp[2400], blob[2400], got[IMG_DIGEST_LEN];
	int fd, hash_pipe[2], status;
	pid_t pid;

	if (!img_digest_valid(digest) || (diff_id && !img_digest_valid(diff_id)))
		return img_err("invalid layer digest \"%.80s\" / diff_id \"%.80s\"", digest,
			       diff_id ? diff_id : "");
	if (diff_id) {
		layer_dir(s, diff_id, dir, sizeof(dir));
		if (!access(dir, F_OK))
			return 0;
	}
	blob_path(s, digest, blob, sizeof(blob));
	fd = open(blob, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return img_err("layer %s is not in the store (pull the image again)", digest);
	if (store_tmpdir(s, tmp, sizeof(tmp)) || pipe2(hash_pipe, O_CLOEXEC)) {
		close(fd);
		return -1;
	}
	chmod(tmp, 0755);
	pid = fork();
	if (pid == 0) {
		struct layer_src src;
		int rc;

		close(hash_pipe[0]);
		if (chroot(tmp) || chdir("/")) {
			img_err("cannot chroot into %s: %s", tmp, strerror(errno));
			_exit(1);
		}
		umask(0);
		if (src_open(&src, fd)) {
			img_err("layer %s: cannot start decompressing", digest);
			_exit(1);
		}
		rc = unpack_child(&src, digest);
		src_close(&src, got);
		if (!rc && write(hash_pipe[1], got, strlen(got)) != (ssize_t)strlen(got))
			rc = 1;
		_exit(rc);
	}
	close(fd);
	close(hash_pipe[1]);
	memset(got, 0, sizeof(got));
	if (pid > 0 && read(hash_pipe[0], got, sizeof(got) - 1) < 0)
		got[0] = 0;
	close(hash_pipe[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		img_rmtree(tmp);
		return pid < 0 ? img_err("cannot fork: %s", strerror(errno)) : -1;
	}
	if (!img_digest_valid(got)) {
		img_rmtree(tmp);
		return img_err("layer %s: unpacking it gave no digest", digest);
	}
	if (found)
		strcpy(found, got);
	layer_dir(s, got, dir, sizeof(dir));
	if (diff_id && strcmp(got, diff_id)) {
		img_rmtree(tmp);
		return img_err("layer %s: its content is %s, not the diff_id %s the image config gives: refusing the layer",
			       digest, got, diff_id);
	}
	if (rename(tmp, dir)) {
		int e = errno;

		img_rmtree(tmp);
		if (e != EEXIST && e != ENOTEMPTY)
			return img_err("cannot store layer %s: %s", diff_id, strerror(e));
	} else {
		img_strv_add(&s->added_layers, &s->n_added_layers, img_digest_hex(got));
	}
	return 0;
}

/* diff_ids[i] belongs to layers[i]. */
int image_unpack(struct store *s, const struct image *img)
{
	json_object *layers, *rootfs, *ids;
	size_t i, n;

	if (!json_object_object_get_ex(img->manifest, "layers", &layers) ||
	    !json_object_object_get_ex(img->config, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
	    !json_object_is_type(layers, json_type_array) ||
	    !json_object_is_type(ids, json_type_array) ||
	    json_object_array_length(layers) != json_object_array_length(ids))
		return img_err("image %s: its manifest's layers and its config's rootfs.diff_ids do not match",
			       img->digest);
	n = json_object_array_length(layers);
	for (i = 0; i < n; i++) {
		json_object *d;

		if (!json_object_object_get_ex(json_object_array_get_idx(layers, i), "digest", &d))
			return img_err("image %s: layer %zu has no digest", img->digest, i);
		if (layer_unpack(s, json_object_get_string(d),
				 json_object_get_string(json_object_array_get_idx(ids, i)), NULL))
			return -1;
	}
	return 0;
}

int image_lowerdir(const struct store *s, const struct image *img, char *out, size_t len)
{
	json_object *rootfs, *ids;
	size_t o = 0, n;

	out[0] = 0;
	if (strpbrk(s->root, ",:"))
		return img_err("the store path %s has ',' or ':', which overlayfs options cannot name",
			       s->root);
	if (!json_object_object_get_ex(img->config, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &ids))
		return img_err("image %s has no rootfs.diff_ids", img->digest);
	n = json_object_array_length(ids);
	if (!n) {
		/* scratch: overlayfs wants a lower layer, an empty one */
		store_path(s, out, len, "layers/empty");
		mkdir(out, 0755);
		return 0;
	}
	while (n--) {
		char d[2400];

		layer_dir(s, json_object_get_string(json_object_array_get_idx(ids, n)), d, sizeof(d));
		o += snprintf(out + o, len > o ? len - o : 0, "%s%s", o ? ":" : "", d);
	}
	if (o >= len)
		return img_err("image %s has too many layers for one overlayfs mount", img->digest);
	return 0;
}
