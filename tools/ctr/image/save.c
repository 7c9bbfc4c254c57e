// SPDX-License-Identifier: GPL-2.0
/*
 * save: images to a tar archive, in the two forms `podman save` writes.
 * docker-archive is docker save's: manifest.json ([{Config, RepoTags,
 * Layers}]), each config as HEX.json and each layer as the uncompressed
 * tar its diff_id names (HEX.tar), and repositories.  oci-archive is an
 * OCI image layout (oci-layout, index.json, blobs/) of just the images
 * named.  The archive is written beside its name and renamed when whole,
 * so a save that fails keeps the old file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "image.h"

#define CHUNK 65536

struct saver {
	struct store *s;
	struct archive *a;
	char **written;		/* names already in the archive: shared layers go once */
	size_t nwritten;
};

/* Has @name been written? (Remembers it if not.) */
static bool saver_seen(struct saver *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nwritten; i++)
		if (!strcmp(v->written[i], name))
			return true;
	v->written = realloc(v->written, (v->nwritten + 1) * sizeof(*v->written));
	v->written[v->nwritten++] = strdup(name);
	return false;
}

static int tar_header(struct saver *v, const char *name, mode_t type, int64_t size)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	archive_entry_set_size(e, type == AE_IFDIR ? 0 : size);
	archive_entry_set_mtime(e, time(NULL), 0);
	r = archive_write_header(v->a, e);
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : img_err("cannot write %s: %s", name, archive_error_string(v->a));
}

static int tar_mem(struct saver *v, const char *name, const char *data, size_t len)
{
	if (tar_header(v, name, AE_IFREG, len))
		return -1;
	if (archive_write_data(v->a, data, len) != (la_ssize_t)len)
		return img_err("cannot write %s: %s", name, archive_error_string(v->a));
	return 0;
}

/* The file @fd (@size bytes) as @name; its sha256 must be @expect. */
static int tar_fd(struct saver *v, const char *name, int fd, uint64_t size, const char *expect)
{
	struct img_hash *h = img_hash_new();
	char buf[CHUNK], got[IMG_DIGEST_LEN];
	uint64_t done = 0;
	ssize_t n;

	if (tar_header(v, name, AE_IFREG, size)) {
		img_hash_final(h, got);
		return -1;
	}
	while (done < size && (n = read(fd, buf, sizeof(buf))) > 0) {
		img_hash_update(h, buf, n);
		done += n;
		if (archive_write_data(v->a, buf, n) != n) {
			img_hash_final(h, got);
			return img_err("cannot write %s: %s", name, archive_error_string(v->a));
		}
	}
	img_hash_final(h, got);
	if (done != size)
		return img_err("%s: read %llu of %llu bytes: the store changed while saving", name,
			       (unsigned long long)done, (unsigned long long)size);
	if (strcmp(got, expect))
		return img_err("%s in the store %s is corrupt (its content is %s): remove the image and pull it again",
			       expect, v->s->root, got);
	return 0;
}

static int tar_blob(struct saver *v, const char *name, const char *digest)
{
	char p[2400];
	struct stat st;
	int fd, ret;

	if (!img_digest_valid(digest))
		return img_err("not a sha256 digest: \"%.80s\"", digest);
	blob_path(v->s, digest, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return img_err("blob %s is not in the store %s (pull the image again)", digest,
			       v->s->root);
	}
	ret = tar_fd(v, name, fd, st.st_size, digest);
	close(fd);
	return ret;
}

/*
 * Layer blob @digest uncompressed (docker-archive has plain tars), as
 * @name; it must be @diff_id.  Unpacked to an unlinked file under tmp/
 * first: a tar header gives the size before the data.
 */
static int tar_layer(struct saver *v, const char *name, const char *digest, const char *diff_id)
{
	struct archive *r = archive_read_new();
	struct archive_entry *e;
	struct img_hash *h = NULL;
	char p[2400], tmp[2400], buf[CHUNK], got[IMG_DIGEST_LEN];
	uint64_t size = 0;
	la_ssize_t n;
	int fd = -1, ret = -1;

	/* the "raw" format: libarchive's filters (zlib's gzip, zstd) without the tar parser */
	archive_read_support_filter_all(r);
	archive_read_support_format_raw(r);
	blob_path(v->s, digest, p, sizeof(p));
	if (archive_read_open_filename(r, p, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(r, &e) != ARCHIVE_OK) {
		img_err("layer %s: %s", digest, archive_error_string(r));
		goto out;
	}
	store_path(v->s, tmp, sizeof(tmp), "tmp/save.XXXXXX");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		img_err("cannot write under %s/tmp: %s", v->s->root, strerror(errno));
		goto out;
	}
	unlink(tmp);
	h = img_hash_new();
	while ((n = archive_read_data(r, buf, sizeof(buf))) > 0) {
		img_hash_update(h, buf, n);
		size += n;
		if (write(fd, buf, n) != n) {
			img_err("cannot write under %s/tmp: %s", v->s->root, strerror(errno));
			goto out;
		}
	}
	if (n < 0) {
		img_err("layer %s: %s", digest, archive_error_string(r));
		goto out;
	}
	img_hash_final(h, got);
	h = NULL;
	if (strcmp(got, diff_id)) {
		img_err("layer %s uncompressed is %s, not the diff_id %s its image gives: remove the image and pull it again",
			digest, got, diff_id);
		goto out;
	}
	if (lseek(fd, 0, SEEK_SET) == 0)
		ret = tar_fd(v, name, fd, size, diff_id);
out:
	if (h)
		img_hash_final(h, got);
	if (fd >= 0)
		close(fd);
	archive_read_free(r);
	return ret;
}

struct saved {
	struct image img;
	char **names;		/* as given on the command line, NULL-terminated */
};

static void names_add(char ***v, const char *name)
{
	size_t n = 0;

	while (*v && (*v)[n])
		if (!strcmp((*v)[n++], name))
			return;
	*v = realloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = strdup(name);
	(*v)[n + 1] = NULL;
}

static int save_docker(struct saver *v, struct saved *imgs, size_t n)
{
	json_object *man = json_object_new_array(), *repos = json_object_new_object();
	const char *text;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		json_object *layers, *rootfs, *ids, *e = json_object_new_object(), *tags, *ls;
		char name[200];

		json_object_array_add(man, e);
		snprintf(name, sizeof(name), "%s.json", img_digest_hex(imgs[i].img.config_digest));
		json_object_object_add(e, "Config", json_object_new_string(name));
		if (!saver_seen(v, name))
			ret = tar_blob(v, name, imgs[i].img.config_digest);
		tags = json_object_new_array();
		json_object_object_add(e, "RepoTags", tags);
		ls = json_object_new_array();
		json_object_object_add(e, "Layers", ls);
		if (!json_object_object_get_ex(imgs[i].img.manifest, "layers", &layers) ||
		    !json_object_object_get_ex(imgs[i].img.config, "rootfs", &rootfs) ||
		    !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
		    json_object_array_length(layers) != json_object_array_length(ids)) {
			ret = img_err("image %s: its manifest's layers and its config's diff_ids do not match",
				      imgs[i].img.digest);
			break;
		}
		for (j = 0; !ret && j < json_object_array_length(layers); j++) {
			json_object *d;
			const char *id = json_object_get_string(json_object_array_get_idx(ids, j));

			if (!img_digest_valid(id) ||
			    !json_object_object_get_ex(json_object_array_get_idx(layers, j), "digest", &d)) {
				ret = img_err("image %s: layer %zu has no valid digest", imgs[i].img.digest, j);
				break;
			}
			snprintf(name, sizeof(name), "%s.tar", img_digest_hex(id));
			json_object_array_add(ls, json_object_new_string(name));
			if (!saver_seen(v, name))
				ret = tar_layer(v, name, json_object_get_string(d), id);
		}
		for (j = 0; imgs[i].names && imgs[i].names[j]; j++) {
			const char *colon = strrchr(imgs[i].names[j], ':');
			json_object *r;

			json_object_array_add(tags, json_object_new_string(imgs[i].names[j]));
			/* repositories (docker's older index): repo -> tag -> top layer */
			if (!colon || !json_object_array_length(ids))
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(colon - imgs[i].names[j]),
				 imgs[i].names[j]);
			if (!json_object_object_get_ex(repos, name, &r)) {
				r = json_object_new_object();
				json_object_object_add(repos, name, r);
			}
			json_object_object_add(r, colon + 1, json_object_new_string(img_digest_hex(
				json_object_get_string(json_object_array_get_idx(ids,
					json_object_array_length(ids) - 1)))));
		}
	}
	if (!ret) {
		text = json_object_to_json_string_ext(man, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
		ret = tar_mem(v, "manifest.json", text, strlen(text));
	}
	if (!ret) {
		text = json_object_to_json_string_ext(repos, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
		ret = tar_mem(v, "repositories", text, strlen(text));
	}
	json_object_put(man);
	json_object_put(repos);
	return ret;
}

static int save_oci(struct saver *v, struct saved *imgs, size_t n)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	json_object *idx = json_object_new_object(), *arr = json_object_new_array();
	const char *text;
	size_t i, j;
	int ret;

	json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
	json_object_object_add(idx, "mediaType", json_object_new_string(MT_OCI_INDEX));
	json_object_object_add(idx, "manifests", arr);
	ret = tar_mem(v, "oci-layout", layout, sizeof(layout) - 1) ||
	      tar_header(v, "blobs", AE_IFDIR, 0) || tar_header(v, "blobs/sha256", AE_IFDIR, 0);
	for (i = 0; i < n && !ret; i++) {
		json_object *layers, *d;
		const char *blobs[2] = { imgs[i].img.digest, imgs[i].img.config_digest };
		char name[200], p[2400];
		struct stat st;

		json_object_object_get_ex(imgs[i].img.manifest, "layers", &layers);
		for (j = 0; !ret && j < 2 + (layers ? json_object_array_length(layers) : 0); j++) {
			const char *dg = j < 2 ? blobs[j] :
				json_object_object_get_ex(json_object_array_get_idx(layers, j - 2),
							  "digest", &d) ? json_object_get_string(d) : "";

			if (!img_digest_valid(dg)) {
				ret = img_err("image %s: layer %zu has no valid digest", imgs[i].img.digest,
					      j - 2);
				break;
			}
			snprintf(name, sizeof(name), "blobs/sha256/%s", img_digest_hex(dg));
			if (!saver_seen(v, name))
				ret = tar_blob(v, name, dg);
		}
		blob_path(v->s, imgs[i].img.digest, p, sizeof(p));
		for (j = 0; !ret && (!j || (imgs[i].names && imgs[i].names[j])); j++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
			json_object_object_add(e, "digest", json_object_new_string(imgs[i].img.digest));
			json_object_object_add(e, "size", json_object_new_int64(stat(p, &st) ? 0 : st.st_size));
			if (imgs[i].names && imgs[i].names[j]) {
				json_object *a = json_object_new_object();

				json_object_object_add(a, REF_NAME_ANNOTATION,
						       json_object_new_string(imgs[i].names[j]));
				json_object_object_add(e, "annotations", a);
			}
			json_object_array_add(arr, e);
			if (!imgs[i].names || !imgs[i].names[j])
				break;
		}
	}
	if (!ret) {
		text = json_object_to_json_string_ext(idx, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
		ret = tar_mem(v, "index.json", text, strlen(text));
	}
	json_object_put(idx);
	return ret;
}

int image__save(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *format = "docker-archive";
	struct saver v = { .s = s };
	struct saved *imgs = NULL;
	char tmp[4200] = "";
	size_t n = 0, i;
	int c, fd = 1, ret = 1;

	while ((c = getopt_long(argc, argv, "o:h", o, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "docker-archive") && strcmp(optarg, "oci-archive"))
				return img_err("--format %s: use docker-archive or oci-archive", optarg), 1;
			format = optarg;
			break;
		case 'o': out = optarg; break;
		case 'h': return img_verb_usage(stdout);
		default: return img_verb_usage(stderr);
		}
	}
	if (optind >= argc)
		return img_verb_usage(stderr);
	if ((!out || !strcmp(out, "-")) && isatty(1))
		return img_err("ctr save: give -o FILE (the archive is not written to a terminal)"), 1;
	imgs = calloc(argc - optind, sizeof(*imgs));
	for (c = optind; c < argc; c++) {
		struct image img;

		if (image_find(s, argv[c], &img))
			goto done;
		for (i = 0; i < n && strcmp(imgs[i].img.digest, img.digest); i++)
			;
		if (i == n)
			imgs[n++].img = img;
		else
			image_free(&img);
		if (imgs[i].img.name[0] || img.name[0])
			names_add(&imgs[i].names, img.name[0] ? img.name : imgs[i].img.name);
	}
	if (out && strcmp(out, "-")) {
		/* beside the target and renamed over it when whole: a failed save keeps the old file */
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			img_err("cannot write %s: %s", out, strerror(errno));
			goto done;
		}
		fchmod(fd, 0644);
	}
	v.a = archive_write_new();
	archive_write_set_format_pax_restricted(v.a);
	if (archive_write_open_fd(v.a, fd) != ARCHIVE_OK) {
		img_err("cannot write %s: %s", out ? out : "stdout", archive_error_string(v.a));
	} else {
		ret = strcmp(format, "oci-archive") ? save_docker(&v, imgs, n) : save_oci(&v, imgs, n);
		if (archive_write_close(v.a) != ARCHIVE_OK && !ret)
			ret = img_err("cannot write %s: %s", out ? out : "stdout",
				      archive_error_string(v.a));
		ret = ret ? 1 : 0;
	}
	archive_write_free(v.a);
	if (tmp[0]) {
		if (!ret && (fsync(fd) || rename(tmp, out))) {
			img_err("cannot write %s: %s", out, strerror(errno));
			ret = 1;
		}
		close(fd);
		if (ret)
			unlink(tmp);
	}
done:
	for (i = 0; i < n; i++) {
		image_free(&imgs[i].img);
		img_strv_free(imgs[i].names);
	}
	free(imgs);
	for (i = 0; i < v.nwritten; i++)
		free(v.written[i]);
	free(v.written);
	return ret;
}
