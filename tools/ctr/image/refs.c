// SPDX-License-Identifier: GPL-2.0
/*
 * Image names and the store's index.json.  index.json is the OCI layout's
 * own list of manifests, so a name given here is the one skopeo and umoci
 * see (oci:STORE/oci:NAME); an image that lost its name (a tag moved on)
 * stays listed without one, as Podman's <none>, until prune.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-' || c == '/';
}

/* The first component names a registry host if it has '.' or ':' or is localhost. */
static size_t host_len(const char *name)
{
	const char *slash = strchr(name, '/');
	size_t n;

	if (!slash)
		return 0;
	n = slash - name;
	if (memchr(name, '.', n) || memchr(name, ':', n) || (n == 9 && !strncmp(name, "localhost", 9)))
		return n;
	return 0;
}

int ref_normalize(const char *in, char *out, size_t len)
{
	size_t h = host_len(in), i;
	const char *at = strchr(in, '@'), *repo = in + (h ? h + 1 : 0), *colon;
	size_t rlen;

	if (!*in || strlen(in) >= len - 8 || strlen(in) > 255)
		return img_err("invalid image name \"%.80s\": empty or longer than 255 characters", in);
	if (at && !img_digest_valid(at + 1))
		return img_err("invalid image name \"%.80s\": after @ comes sha256: and 64 hex digits", in);
	for (i = 0; i < h; i++)
		if (!isalnum((unsigned char)in[i]) && !strchr(".-:", in[i]))
			return img_err("invalid registry \"%.*s\" in image name \"%.80s\"", (int)h, in, in);
	colon = strrchr(repo, ':');
	if (colon && at && colon > at)
		colon = NULL;	/* the digest's own */
	rlen = colon ? (size_t)(colon - repo) : at ? (size_t)(at - repo) : strlen(repo);
	if (!rlen || repo[0] == '/' || repo[rlen - 1] == '/' || strstr(repo, "//"))
		return img_err("invalid image name \"%.80s\" (expected [REGISTRY/]NAME[:TAG])", in);
	for (i = 0; i < rlen; i++)
		if (!name_char(repo[i]))
			return img_err("invalid image name \"%.80s\": a name has lowercase letters, digits and . _ - / only",
				       in);
	if (colon) {
		size_t tlen = (at ? (size_t)(at - colon) : strlen(colon)) - 1;

		if (!tlen || tlen > 128)
			return img_err("invalid tag in \"%.80s\": 1 to 128 characters", in);
		for (i = 1; i <= tlen; i++)
			if (!isalnum((unsigned char)colon[i]) && !strchr("_.-", colon[i]))
				return img_err("invalid tag in \"%.80s\": letters, digits and _ . - only", in);
		snprintf(out, len, "%s", in);
	} else if (at) {
		snprintf(out, len, "%s", in);
	} else {
		snprintf(out, len, "%s:latest", in);
	}
	return 0;
}

int ref_split(const char *name, char *host, size_t hlen, char *repo, size_t rlen, char *tag,
	      size_t tlen)
{
	size_t h = host_len(name);
	const char *r = name + (h ? h + 1 : 0), *at = strchr(r, '@'), *colon = strrchr(r, ':');

	if (colon && at && colon > at)
		colon = NULL;
	snprintf(host, hlen, "%.*s", (int)h, name);
	snprintf(repo, rlen, "%.*s", (int)(colon ? colon - r : at ? at - r : (long)strlen(r)), r);
	snprintf(tag, tlen, "%s", at ? at + 1 : colon ? colon + 1 : "latest");
	return 0;
}

json_object *index_read(const struct store *s)
{
	char p[2400];
	json_object *idx, *m;

	store_path(s, p, sizeof(p), "oci/index.json");
	idx = json_object_from_file(p);
	if (!idx || !json_object_is_type(idx, json_type_object)) {
		json_object_put(idx);
		idx = json_object_new_object();
		json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
		json_object_object_add(idx, "mediaType", json_object_new_string(MT_OCI_INDEX));
	}
	if (!json_object_object_get_ex(idx, "manifests", &m) ||
	    !json_object_is_type(m, json_type_array))
		json_object_object_add(idx, "manifests", json_object_new_array());
	return idx;
}

int index_write(const struct store *s, json_object *index)
{
	char p[2400], tmp[2500];
	const char *text = json_object_to_json_string_ext(index, JSON_C_TO_STRING_PLAIN);
	FILE *f;

	store_path(s, p, sizeof(p), "oci/index.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "we");
	if (!f)
		return img_err("cannot write %s: %s", tmp, strerror(errno));
	fputs(text, f);
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, p))
		return img_err("cannot write %s: %s", p, strerror(errno));
	return 0;
}

static const char *entry_name(json_object *e)
{
	json_object *a, *n;

	if (json_object_object_get_ex(e, "annotations", &a) &&
	    json_object_object_get_ex(a, REF_NAME_ANNOTATION, &n))
		return json_object_get_string(n);
	return NULL;
}

static const char *entry_digest(json_object *e)
{
	json_object *d;

	return json_object_object_get_ex(e, "digest", &d) ? json_object_get_string(d) : "";
}

/* Is @digest listed under any name, or none, other than at @skip? */
static bool listed_elsewhere(json_object *arr, const char *digest, size_t skip)
{
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++)
		if (i != skip && !strcmp(entry_digest(json_object_array_get_idx(arr, i)), digest))
			return true;
	return false;
}

static json_object *new_entry(const char *digest, uint64_t size, const char *name)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	json_object_object_add(e, "digest", json_object_new_string(digest));
	json_object_object_add(e, "size", json_object_new_int64(size));
	if (name) {
		json_object *a = json_object_new_object();

		json_object_object_add(a, REF_NAME_ANNOTATION, json_object_new_string(name));
		json_object_object_add(e, "annotations", a);
	}
	return e;
}

/* Drops the name of entry @i; the image stays, unnamed, if nothing else lists it. */
static void drop_name(json_object *arr, size_t i)
{
	json_object *e = json_object_array_get_idx(arr, i);
	const char *d = entry_digest(e);

	if (listed_elsewhere(arr, d, i)) {
		json_object_array_del_idx(arr, i, 1);
		return;
	}
	json_object_object_del(e, "annotations");
}

int index_tag(struct store *s, const char *name, const char *manifest_digest, uint64_t size)
{
	json_object *idx = index_read(s), *arr;
	size_t i;
	int ret;

	json_object_object_get_ex(idx, "manifests", &arr);
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *n = entry_name(e);

		if (name && n && !strcmp(n, name)) {
			if (!strcmp(entry_digest(e), manifest_digest)) {
				json_object_put(idx);
				return 0;
			}
			drop_name(arr, i);
			break;
		}
	}
	/* An unnamed entry of the same image is replaced by the named one. */
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (!entry_name(e) && !strcmp(entry_digest(e), manifest_digest)) {
			json_object_array_del_idx(arr, i, 1);
			break;
		}
	}
	if (!name && listed_elsewhere(arr, manifest_digest, (size_t)-1)) {
		json_object_put(idx);
		return 0;
	}
	json_object_array_add(arr, new_entry(manifest_digest, size, name));
	ret = index_write(s, idx);
	json_object_put(idx);
	return ret;
}

int index_for_each(const struct store *s, index_fn *fn, void *arg)
{
	json_object *idx = index_read(s), *arr;
	size_t i;
	int ret = 0;

	json_object_object_get_ex(idx, "manifests", &arr);
	for (i = 0; !ret && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);

		ret = fn(entry_digest(e), entry_name(e), arg);
	}
	json_object_put(idx);
	return ret;
}

int index_remove_if(struct store *s, index_fn *fn, void *arg)
{
	json_object *idx = index_read(s), *arr;
	size_t i;
	int removed = 0;

	json_object_object_get_ex(idx, "manifests", &arr);
	for (i = json_object_array_length(arr); i-- > 0;) {
		json_object *e = json_object_array_get_idx(arr, i);

		if (fn(entry_digest(e), entry_name(e), arg)) {
			json_object_array_del_idx(arr, i, 1);
			removed++;
		}
	}
	if (removed && index_write(s, idx))
		removed = -1;
	json_object_put(idx);
	return removed;
}

static int named(const char *digest, const char *name, void *want)
{
	(void)digest;
	return name && !strcmp(name, want);
}

int index_untag(struct store *s, const char *name)
{
	int n = index_remove_if(s, named, (void *)name);

	return n < 0 ? -1 : n ? 0 : -ENOENT;
}

struct collect {
	char **v;
	size_t n;
	const char *digest;	/* index_names: whose names */
};

static int add_manifest(const char *digest, const char *name, void *arg)
{
	struct collect *c = arg;

	(void)name;
	if (!img_digest_valid(digest) || img_strv_has(c->v, digest))
		return 0;
	return img_strv_add(&c->v, &c->n, digest);
}

int index_manifests(const struct store *s, char ***out)
{
	struct collect c = { .v = img_strv_new() };

	if (!c.v || index_for_each(s, add_manifest, &c)) {
		img_strv_free(c.v);
		return -ENOMEM;
	}
	*out = c.v;
	return 0;
}

static int add_name(const char *digest, const char *name, void *arg)
{
	struct collect *c = arg;

	if (!name || strcmp(digest, c->digest))
		return 0;
	return img_strv_add(&c->v, &c->n, name);
}

/* The names index.json gives @digest, in a NULL-terminated vector. */
char **index_names(const struct store *s, const char *digest)
{
	struct collect c = { .v = img_strv_new(), .digest = digest };

	if (!c.v || index_for_each(s, add_name, &c)) {
		img_strv_free(c.v);
		return NULL;
	}
	return c.v;
}

struct lookup {
	const char *name;
	char *digest;
};

static int find_name(const char *digest, const char *name, void *arg)
{
	struct lookup *l = arg;

	if (!name || strcmp(name, l->name))
		return 0;
	l->digest = strdup(digest);
	return 1;
}

/* The manifest digest named @name, or NULL. */
static char *index_lookup(const struct store *s, const char *name)
{
	struct lookup l = { .name = name };

	index_for_each(s, find_name, &l);
	return l.digest;
}

void image_free(struct image *img)
{
	json_object_put(img->manifest);
	json_object_put(img->config);
	img->manifest = img->config = NULL;
}

int image_load(const struct store *s, const char *manifest_digest, struct image *img)
{
	json_object *c, *d;

	memset(img, 0, sizeof(*img));
	if (blob_read_json(s, manifest_digest, &img->manifest))
		return -1;
	snprintf(img->digest, sizeof(img->digest), "%s", manifest_digest);
	if (!json_object_object_get_ex(img->manifest, "config", &c) ||
	    !json_object_object_get_ex(c, "digest", &d) ||
	    !img_digest_valid(json_object_get_string(d))) {
		image_free(img);
		return img_err("manifest %s has no valid config descriptor", manifest_digest);
	}
	snprintf(img->config_digest, sizeof(img->config_digest), "%s", json_object_get_string(d));
	if (blob_read_json(s, img->config_digest, &img->config)) {
		image_free(img);
		return -1;
	}
	return 0;
}

static bool all_hex(const char *p)
{
	for (; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

int __image_find(const struct store *s, const char *ref, struct image *img)
{
	char name[512], *digest, **all;
	const char *want = ref;
	size_t i, hits = 0;
	int ret = -ENOENT;

	if (!strncmp(want, "sha256:", 7))
		want += 7;
	if (strlen(want) >= 4 && strlen(want) <= 64 && all_hex(want)) {
		/* an id (the config's digest) or a manifest digest, or a prefix of one */
		if (index_manifests(s, &all))
			return -ENOMEM;
		for (i = 0; all[i]; i++) {
			struct image cand;

			if (image_load(s, all[i], &cand))
				continue;
			if (!strncmp(img_digest_hex(cand.config_digest), want, strlen(want)) ||
			    !strncmp(img_digest_hex(cand.digest), want, strlen(want))) {
				if (hits++)
					image_free(img);
				*img = cand;
			} else {
				image_free(&cand);
			}
		}
		for (i = 0; all[i]; i++)
			free(all[i]);
		free(all);
		if (hits > 1) {
			image_free(img);
			img_err("image id %s is ambiguous: give more of it", ref);
			return -EINVAL;
		}
		if (hits == 1)
			return 0;
	}
	if (ref_normalize(ref, name, sizeof(name)))
		return -EINVAL;
	digest = index_lookup(s, name);
	if (!digest) {
		const char *at = strchr(name, '@');

		if (at && blob_exists(s, at + 1))
			digest = strdup(at + 1);
		else
			return -ENOENT;
	}
	ret = image_load(s, digest, img) ? -EIO : 0;
	free(digest);
	if (!ret)
		snprintf(img->name, sizeof(img->name), "%s", strchr(name, '@') ? "" : name);
	return ret;
}

int image_find(const struct store *s, const char *ref, struct image *img)
{
	int ret = __image_find(s, ref, img);

	if (ret == -ENOENT)
		img_err("image \"%.200s\" is not in the store %s (see ctr images; pull, load or build it first)",
			ref, s->root);
	return ret ? -1 : 0;
}
