// SPDX-License-Identifier: GPL-2.0
/*
 * load: images from a tar archive of either form save writes (and podman
 * save, docker save, skopeo copy): docker-archive (manifest.json) or
 * oci-archive (an OCI image layout), plain or compressed, from a file or
 * stdin.
 *
 * An archive to load is someone else's file: its names are checked (no
 * "..", nothing absolute), every blob lands through a blob_writer (one
 * named blobs/sha256/HEX must be HEX), every layer is unpacked and
 * checked against the diff_id its config gives, and only then is a name
 * given; a bad archive leaves at most unnamed blobs, which prune removes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>

#include "image.h"

#define CHUNK 65536

struct entry {
	char *name;
	char *link;			/* a symlink's or hardlink's target, as a name in the archive */
	char digest[IMG_DIGEST_LEN];	/* a file's content, a blob now */
};

struct loader {
	struct store *s;
	const char *file;
	struct entry *v;
	size_t n;
	char *manifest, *index;		/* manifest.json, index.json */
	bool layout;			/* oci-layout is there */
};

/*
 * @in as a name inside the archive ("a/./b/" is "a/b"), relative to @dir
 * (NULL: the top).  ".." climbs only within @dir (a link's target); in a
 * name, like an absolute one, it is refused.
 */
static int archive_name(const char *dir, const char *in, char *out, size_t len)
{
	char buf[8400];

	if (in[0] == '/' || (!dir && build_has_dotdot(in)))
		return -1;
	snprintf(buf, sizeof(buf), "%s%s%s", dir ? dir : "", dir && *dir ? "/" : "", in);
	return build_clean_path(buf, out, len);
}

/* The blob holding the file @name of the archive (links followed), or NULL. */
static const char *loader_lookup(const struct loader *l, const char *name)
{
	char want[4096];
	int hops;
	size_t i;

	if (archive_name(NULL, name, want, sizeof(want)))
		return NULL;
	for (hops = 0; hops < 16; hops++) {
		for (i = 0; i < l->n && strcmp(l->v[i].name, want); i++)
			;
		if (i == l->n)
			return NULL;
		if (!l->v[i].link)
			return l->v[i].digest;
		snprintf(want, sizeof(want), "%s", l->v[i].link);
	}
	return NULL;
}

static int read_small(struct loader *l, struct archive *a, const char *name, char **out)
{
	size_t len = 0;
	la_ssize_t n;
	char *buf = malloc(IMG_MAX_MANIFEST + 1);

	while (buf && (n = archive_read_data(a, buf + len, IMG_MAX_MANIFEST + 1 - len)) > 0) {
		len += n;
		if (len > IMG_MAX_MANIFEST) {
			free(buf);
			return img_err("%s: %s is bigger than the %d bytes allowed", l->file, name,
				       IMG_MAX_MANIFEST);
		}
	}
	if (!buf || n < 0) {
		free(buf);
		return img_err("%s: cannot read %s: %s", l->file, name, archive_error_string(a));
	}
	buf[len] = 0;
	free(*out);
	*out = buf;
	return 0;
}

/* A file of the archive into the store; blobs/sha256/HEX must be HEX. */
static int read_blob(struct loader *l, struct archive *a, const char *name, char *digest)
{
	char expect[4200], buf[CHUNK];
	const char *want = NULL;
	struct blob_writer w;
	la_ssize_t n;

	if (!strncmp(name, "blobs/sha256/", 13)) {
		snprintf(expect, sizeof(expect), "sha256:%s", name + 13);
		if (!img_digest_valid(expect))
			return img_err("%s: %s is not named by a sha256 digest", l->file, name);
		want = expect;
	}
	if (blob_writer_open(l->s, &w))
		return -1;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		if (blob_writer_write(&w, buf, n)) {
			blob_writer_abort(&w);
			return -1;
		}
	if (n < 0) {
		img_err("%s: cannot read %s: %s", l->file, name, archive_error_string(a));
		blob_writer_abort(&w);
		return -1;
	}
	if (blob_writer_commit(&w, want, digest))
		return img_err("%s: %s is not the content its name promises", l->file, name);
	return 0;
}

static int read_archive(struct loader *l, int fd)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r, ret = 0;

	archive_read_support_filter_all(a);	/* a gzip'ed archive too */
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, CHUNK) != ARCHIVE_OK) {
		ret = img_err("%s: not a tar archive ctr can read: %s", l->file, archive_error_string(a));
		goto out;
	}
	while (!ret && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e), *target;
		const char *base;
		char name[4096], link[4096], *slash;
		struct entry *ent;

		if (!raw || archive_name(NULL, raw, name, sizeof(name))) {
			ret = img_err("%s: entry \"%.200s\" is absolute or has \"..\": not an image archive ctr loads",
				      l->file, raw ? raw : "");
			break;
		}
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		if (!strcmp(name, "oci-layout")) {
			l->layout = true;
			continue;
		}
		if (!strcmp(name, "manifest.json") || !strcmp(name, "index.json")) {
			if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) {
				ret = img_err("%s: %s is not a plain file", l->file, name);
				break;
			}
			ret = read_small(l, a, name, name[0] == 'm' ? &l->manifest : &l->index);
			continue;
		}
		/* docker's v1 leftovers (repositories, LAYER/json, LAYER/VERSION): unused */
		if (!strcmp(name, "repositories") ||
		    (base != name && (!strcmp(base, "json") || !strcmp(base, "VERSION"))))
			continue;
		target = archive_entry_hardlink(e);
		if (!target && archive_entry_filetype(e) == AE_IFLNK)
			target = archive_entry_symlink(e);
		else if (!target && archive_entry_filetype(e) != AE_IFREG)
			continue;	/* directories; nothing else belongs in an image archive */
		l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		ent = &l->v[l->n];
		memset(ent, 0, sizeof(*ent));
		if (target) {
			/* a hardlink names from the top, a symlink from its directory */
			slash = strrchr(name, '/');
			snprintf(link, sizeof(link), "%.*s", archive_entry_hardlink(e) || !slash ? 0 :
				 (int)(slash - name), name);
			if (archive_name(archive_entry_hardlink(e) ? "" : link, target, link, sizeof(link))) {
				ret = img_err("%s: link \"%.200s\" -> \"%.200s\" leaves the archive",
					      l->file, name, target);
				break;
			}
			ent->link = strdup(link);
		} else if (read_blob(l, a, name, ent->digest)) {
			ret = -1;
			break;
		}
		ent->name = strdup(name);
		l->n++;
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = img_err("%s: not a tar archive ctr can read: %s", l->file, archive_error_string(a));
out:
	archive_read_free(a);
	return ret;
}

static json_object *parse(const struct loader *l, const char *what, const char *text, json_type t)
{
	json_object *o = text ? json_tokener_parse(text) : NULL;

	if (!o || !json_object_is_type(o, t)) {
		json_object_put(o);
		img_err("%s: %s is not a JSON %s", l->file, what, t == json_type_array ? "array" : "object");
		return NULL;
	}
	return o;
}

static void loaded(const char *name, const struct image *img)
{
	if (name)
		printf("Loaded image: %s\n", name);
	else
		printf("Loaded image: %s\n", img->config_digest);
}

static uint64_t blob_size(const struct store *s, const char *digest)
{
	char p[2400];
	struct stat st;

	blob_path(s, digest, p, sizeof(p));
	return stat(p, &st) ? 0 : st.st_size;
}

/* One entry of manifest.json: its layers checked, then written as an image. */
static int load_docker_one(struct loader *l, json_object *item)
{
	json_object *cfg_name, *tags, *ls, *config = NULL, *rootfs, *ids, *layers = NULL;
	const char *cd, *first = NULL;
	char names[16][512];
	size_t i, n, ntags = 0;
	struct image img;
	int ret = -1;

	if (!json_object_object_get_ex(item, "Config", &cfg_name) ||
	    !json_object_object_get_ex(item, "Layers", &ls) || !json_object_is_type(ls, json_type_array))
		return img_err("%s: manifest.json: an entry without Config or Layers", l->file);
	cd = loader_lookup(l, json_object_get_string(cfg_name));
	if (!cd)
		return img_err("%s: manifest.json names the config %.200s, which the archive does not have",
			       l->file, json_object_get_string(cfg_name));
	if (blob_read_json(l->s, cd, &config))
		return -1;
	if (!json_object_object_get_ex(config, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &ids) ||
	    !json_object_is_type(ids, json_type_array) ||
	    json_object_array_length(ids) != json_object_array_length(ls)) {
		img_err("%s: config %s: its rootfs.diff_ids and manifest.json's Layers do not match",
			l->file, json_object_get_string(cfg_name));
		goto out;
	}
	if (json_object_object_get_ex(item, "RepoTags", &tags) && json_object_is_type(tags, json_type_array))
		for (i = 0; i < json_object_array_length(tags) && ntags < 16; i++) {
			if (ref_normalize(json_object_get_string(json_object_array_get_idx(tags, i)),
					  names[ntags], sizeof(names[0])))
				goto out;
			ntags++;
		}
	layers = json_object_new_array();
	n = json_object_array_length(ls);
	for (i = 0; i < n; i++) {
		const char *lname = json_object_get_string(json_object_array_get_idx(ls, i));
		const char *want = json_object_get_string(json_object_array_get_idx(ids, i));
		const char *d = loader_lookup(l, lname ? lname : "");
		char got[IMG_DIGEST_LEN];
		json_object *desc;

		if (!d) {
			img_err("%s: manifest.json names the layer %.200s, which the archive does not have",
				l->file, lname);
			goto out;
		}
		if (layer_unpack(l->s, d, NULL, got))
			goto out;
		if (!want || strcmp(got, want)) {
			img_err("%s: layer %s is %s, not the diff_id %s its config gives: refusing the image",
				l->file, lname, got, want ? want : "(none)");
			goto out;
		}
		desc = json_object_new_object();
		json_object_object_add(desc, "mediaType", json_object_new_string(layer_media_type(l->s, d)));
		json_object_object_add(desc, "digest", json_object_new_string(d));
		json_object_object_add(desc, "size", json_object_new_int64(blob_size(l->s, d)));
		json_object_array_add(layers, desc);
	}
	first = ntags ? names[0] : NULL;
	if (image_write(l->s, config, layers, first, &img))
		goto out;
	ret = 0;
	for (i = 1; i < ntags && !ret; i++)
		ret = index_tag(l->s, names[i], img.digest, blob_size(l->s, img.digest));
	for (i = 0; i < ntags || (!i && !ntags); i++)
		loaded(ntags ? names[i] : NULL, &img);
	image_free(&img);
out:
	json_object_put(config);
	json_object_put(layers);
	return ret;
}

static int load_docker(struct loader *l)
{
	json_object *m = parse(l, "manifest.json", l->manifest, json_type_array);
	size_t i;
	int ret = 0;

	if (!m)
		return -1;
	for (i = 0; i < json_object_array_length(m) && !ret; i++)
		ret = load_docker_one(l, json_object_array_get_idx(m, i));
	json_object_put(m);
	return ret;
}

static const char *str_at(json_object *o, const char *k1, const char *k2)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k1, &v) || (k2 && !json_object_object_get_ex(v, k2, &v)))
		return NULL;
	return json_object_get_string(v);
}

/* An index (several platforms) in an index: its linux/amd64 manifest. */
static int pick_platform(struct loader *l, const char *digest, char out[IMG_DIGEST_LEN])
{
	json_object *idx, *arr;
	size_t i;
	int ret = -1;

	if (blob_read_json(l->s, digest, &idx))
		return -1;
	if (json_object_object_get_ex(idx, "manifests", &arr))
		for (i = 0; i < json_object_array_length(arr) && ret; i++) {
			json_object *e = json_object_array_get_idx(arr, i);
			const char *os = str_at(e, "platform", "os"), *arch = str_at(e, "platform", "architecture");
			const char *d = str_at(e, "digest", NULL);

			if (os && arch && d && !strcmp(os, "linux") && !strcmp(arch, "amd64") &&
			    img_digest_valid(d)) {
				snprintf(out, IMG_DIGEST_LEN, "%s", d);
				ret = 0;
			}
		}
	json_object_put(idx);
	if (ret)
		img_err("%s: index %s has no linux/amd64 image", l->file, digest);
	return ret;
}

static int load_oci(struct loader *l)
{
	json_object *idx = parse(l, "index.json", l->index, json_type_object), *arr;
	size_t i;
	int ret = 0;

	if (!idx)
		return -1;
	if (!json_object_object_get_ex(idx, "manifests", &arr) || !json_object_is_type(arr, json_type_array))
		ret = img_err("%s: index.json has no manifests", l->file);
	for (i = 0; !ret && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *d = str_at(e, "digest", NULL), *mt = str_at(e, "mediaType", NULL);
		/* containerd's (docker 25's) full name first: its ref.name is a tag alone */
		const char *ref = str_at(e, "annotations", "io.containerd.image.name");
		char digest[IMG_DIGEST_LEN], name[512];
		struct image img;

		if (!ref)
			ref = str_at(e, "annotations", REF_NAME_ANNOTATION);
		if (!d || !img_digest_valid(d) || !blob_exists(l->s, d)) {
			ret = img_err("%s: index.json entry %zu: manifest %s is not in the archive",
				      l->file, i, d ? d : "(no digest)");
			break;
		}
		snprintf(digest, sizeof(digest), "%s", d);
		if (mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST)) &&
		    pick_platform(l, d, digest)) {
			ret = -1;
			break;
		}
		if ((ref && ref_normalize(ref, name, sizeof(name))) || image_load(l->s, digest, &img)) {
			ret = -1;
			break;
		}
		ret = image_unpack(l->s, &img);
		if (!ret)
			ret = index_tag(l->s, ref ? name : NULL, digest, blob_size(l->s, digest));
		if (!ret)
			loaded(ref ? name : NULL, &img);
		image_free(&img);
	}
	json_object_put(idx);
	return ret;
}

int image__load(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "input", required_argument, NULL, 'i' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct loader l = { .s = s, .file = "stdin" };
	int c, fd = 0, ret;
	size_t i;

	while ((c = getopt_long(argc, argv, "i:qh", o, NULL)) != -1) {
		switch (c) {
		case 'i': l.file = optarg; break;
		case 'q': break;
		case 'h': return img_verb_usage(stdout);
		default: return img_verb_usage(stderr);
		}
	}
	if (optind < argc)
		return img_err("ctr load takes no arguments (got \"%s\"): the archive is -i FILE",
			       argv[optind]), 1;
	if (strcmp(l.file, "stdin") && strcmp(l.file, "-"))
		fd = open(l.file, O_RDONLY | O_CLOEXEC);
	else if (isatty(0))
		return img_err("ctr load: give -i FILE, or the archive on stdin"), 1;
	if (fd < 0)
		return img_err("cannot open %s: %s", l.file, strerror(errno)), 1;
	if (store_lock(s)) {
		ret = -1;
	} else {
		ret = read_archive(&l, fd);
		if (!ret && l.manifest)
			ret = load_docker(&l);
		else if (!ret && l.layout && l.index)
			ret = load_oci(&l);
		else if (!ret)
			ret = img_err("%s is neither a docker save archive (manifest.json) nor an OCI image layout (oci-layout, index.json)",
				      l.file);
		if (ret)
			store_drop_added(s);
	}
	if (fd)
		close(fd);
	for (i = 0; i < l.n; i++) {
		free(l.v[i].name);
		free(l.v[i].link);
	}
	free(l.v);
	free(l.manifest);
	free(l.index);
	return ret ? 1 : 0;
}
