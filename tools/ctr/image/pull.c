// SPDX-License-Identifier: GPL-2.0
/*
 * pull: an image from a registry into the store.  The manifest is asked
 * for in every type the store keeps (OCI and Docker, images and lists);
 * from a list, the platform's image.  Every blob goes through a
 * blob_writer, so it is renamed into the store only whole and with the
 * digest its descriptor names; an interrupted pull leaves only tmp/
 * files behind, and the next one skips the blobs already there.  The
 * manifest is stored last and the name moved to it only after its
 * layers are unpacked: a name always points at a whole image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "image.h"

#define MANIFEST_ACCEPT MT_OCI_MANIFEST ", " MT_OCI_INDEX ", " MT_DOCKER_MANIFEST ", " MT_DOCKER_LIST

struct pull {
	struct store *s;
	struct reg *r;
	const char *repo;
	char scope[600];
	bool quiet, tty;
};

static const char *desc_str(json_object *d, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(d, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

/* The manifest @ref (a tag or a digest), its bytes checked against @expect if set. */
static int get_manifest(struct pull *p, const char *ref, const char *expect, char **body,
			size_t *len, char digest[IMG_DIGEST_LEN], char mt[256])
{
	struct reg_req q = { .scope = p->scope, .accept = MANIFEST_ACCEPT, .fd = -1,
			     .max = IMG_MAX_MANIFEST };
	struct reg_resp resp;
	char url[1024], what[1200];

	reg_path(url, sizeof(url), p->repo, "manifests", ref);
	q.url = url;
	snprintf(what, sizeof(what), "GET %s", url);
	if (reg_do(p->r, &q, &resp))
		return -1;
	if (resp.too_big) {
		reg_resp_free(&resp);
		return img_err("registry %s sent a manifest for %s:%s of more than %d bytes: refused",
			       reg_host(p->r), p->repo, ref, IMG_MAX_MANIFEST);
	}
	if (resp.status != 200) {
		reg_fail(p->r, &resp, what);
		reg_resp_free(&resp);
		return -1;
	}
	img_digest_buf(resp.body ? resp.body : "", resp.len, digest);
	if ((expect && strcmp(digest, expect)) || (resp.digest[0] && strcmp(digest, resp.digest))) {
		img_err("registry %s sent a manifest for %s@%s whose content is %s: refused (the registry's storage is corrupt, or something on the way altered it)",
			reg_host(p->r), p->repo, expect ? expect : resp.digest, digest);
		reg_resp_free(&resp);
		return -1;
	}
	snprintf(mt, 256, "%.*s", (int)strcspn(resp.content_type, ";"), resp.content_type);
	*body = resp.body ? resp.body : strdup("");
	*len = resp.len;
	return 0;
}

static void say(const struct pull *p, const char *digest, const char *what)
{
	if (!p->quiet)
		fprintf(stderr, "Copying blob %.12s %s\n", img_digest_hex(digest), what);
}

/* Blob @digest of at most @max bytes (its descriptor's size) into the store. */
static int get_blob(struct pull *p, const char *digest, uint64_t max)
{
	struct blob_writer w;
	struct reg_req q = { .scope = p->scope, .fd = -1, .blob = &w, .blob_max = max,
			     .progress = img_digest_hex(digest), .progress_total = max };
	struct reg_resp resp;
	char url[1024], what[1200], size[32], done[48];

	if (blob_exists(p->s, digest)) {
		say(p, digest, "skipped: already in the store");
		return 0;
	}
	reg_path(url, sizeof(url), p->repo, "blobs", digest);
	q.url = url;
	snprintf(what, sizeof(what), "GET %s", url);
	if (blob_writer_open(p->s, &w))
		return -1;
	if (reg_do(p->r, &q, &resp))
		goto fail;
	if (resp.status != 200) {
		reg_fail(p->r, &resp, what);
		goto fail;
	}
	if (resp.too_big) {
		img_err("registry %s sent more of blob %s than the %llu bytes its descriptor gives: refused, not kept",
			reg_host(p->r), digest, (unsigned long long)max);
		goto fail;
	}
	reg_resp_free(&resp);
	if (blob_writer_commit(&w, digest, NULL))
		return img_err("registry %s sent other content for blob %s (of %s): the registry's storage is corrupt, or something on the way altered it",
			       reg_host(p->r), digest, p->repo);
	img_human_size(w.size, size, sizeof(size));
	snprintf(done, sizeof(done), "done (%s)", size);
	say(p, digest, done);
	return 0;
fail:
	reg_resp_free(&resp);
	blob_writer_abort(&w);
	return -1;
}

/* The host's platform, as OCI names it. */
static void host_platform(char *out, size_t len)
{
	struct utsname u;
	const char *arch = "amd64";

	if (!uname(&u)) {
		if (!strcmp(u.machine, "aarch64"))
			arch = "arm64";
		else if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
			arch = "386";
		else if (strcmp(u.machine, "x86_64"))
			arch = u.machine;
	}
	snprintf(out, len, "linux/%s", arch);
}

static void platform_of(json_object *m, char *out, size_t len)
{
	json_object *pl;
	const char *os = NULL, *arch = NULL, *var = NULL;

	if (json_object_object_get_ex(m, "platform", &pl)) {
		os = desc_str(pl, "os");
		arch = desc_str(pl, "architecture");
		var = desc_str(pl, "variant");
	}
	snprintf(out, len, "%s/%s%s%s", os ? os : "?", arch ? arch : "?", var ? "/" : "",
		 var ? var : "");
}

/* From an index (or a Docker list), the digest of @platform's manifest. */
static int pick(json_object *index, const char *platform, const char *name,
		char digest[IMG_DIGEST_LEN])
{
	json_object *ms;
	char have[2048] = "", pl[256];
	size_t i, o = 0, n;

	if (!json_object_object_get_ex(index, "manifests", &ms) ||
	    !json_object_is_type(ms, json_type_array))
		return img_err("the index of %s has no manifests", name);
	n = json_object_array_length(ms);
	for (i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(ms, i);
		const char *d = desc_str(m, "digest");

		platform_of(m, pl, sizeof(pl));
		/* "linux/arm64" matches linux/arm64/v8; "linux/arm/v7" only itself */
		if (d && img_digest_valid(d) &&
		    (!strcmp(pl, platform) ||
		     (!strncmp(pl, platform, strlen(platform)) && pl[strlen(platform)] == '/'))) {
			snprintf(digest, IMG_DIGEST_LEN, "%s", d);
			return 0;
		}
		if (o < sizeof(have))
			o += snprintf(have + o, sizeof(have) - o, "%s%s", i ? ", " : "", pl);
	}
	return img_err("%s has no %s image; it has %s (pick one with --platform OS/ARCH)", name,
		       platform, n ? have : "none");
}

static json_object *parse(const char *body, const char *what)
{
	json_object *j = json_tokener_parse(body);

	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		img_err("%s is not a JSON object: refused", what);
		return NULL;
	}
	return j;
}

static bool is_index(json_object *m, const char *mt)
{
	const char *t = desc_str(m, "mediaType");

	if (!t)
		t = mt;
	return !strcmp(t, MT_OCI_INDEX) || !strcmp(t, MT_DOCKER_LIST) ||
	       (!desc_str(m, "mediaType") && json_object_object_get_ex(m, "manifests", NULL));
}

/* Config and layers of manifest @m into the store. */
static int get_blobs(struct pull *p, json_object *m, const char *name)
{
	json_object *cfg, *layers, *sz;
	size_t i;

	if (!json_object_object_get_ex(m, "config", &cfg) || !desc_str(cfg, "digest") ||
	    !img_digest_valid(desc_str(cfg, "digest")) ||
	    !json_object_object_get_ex(m, "layers", &layers) ||
	    !json_object_is_type(layers, json_type_array))
		return img_err("the manifest of %s has no valid config or layers: refused", name);
	if (!json_object_object_get_ex(cfg, "size", &sz) || json_object_get_int64(sz) < 0 ||
	    json_object_get_int64(sz) > IMG_MAX_MANIFEST)
		return img_err("the config of %s is not of 0 to %d bytes: refused", name,
			       IMG_MAX_MANIFEST);
	if (get_blob(p, desc_str(cfg, "digest"), json_object_get_int64(sz)))
		return -1;
	for (i = 0; i < json_object_array_length(layers); i++) {
		json_object *l = json_object_array_get_idx(layers, i);
		const char *d = desc_str(l, "digest");

		if (!d || !img_digest_valid(d) || !json_object_object_get_ex(l, "size", &sz) ||
		    json_object_get_int64(sz) < 0)
			return img_err("layer %zu of %s has no valid digest and size: refused", i, name);
		if (get_blob(p, d, json_object_get_int64(sz)))
			return -1;
	}
	return 0;
}

/* Every blob of @m was in @repo: a push may mount them from there. */
static void record_sources(struct pull *p, json_object *m, const char *host, const char *digest)
{
	json_object *cfg, *layers;
	size_t i;

	sources_add(p->s, digest, host, p->repo);
	if (json_object_object_get_ex(m, "config", &cfg))
		sources_add(p->s, desc_str(cfg, "digest"), host, p->repo);
	if (json_object_object_get_ex(m, "layers", &layers))
		for (i = 0; i < json_object_array_length(layers); i++)
			sources_add(p->s, desc_str(json_object_array_get_idx(layers, i), "digest"),
				    host, p->repo);
}

int image__pull(struct store *s, int argc, char **argv)
{
	static const struct option lo[] = {
		REG_LONG_OPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "platform", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reg_opts o = { .tls_verify = true };
	struct pull p = { .s = s };
	char name[512], host[256], repo[512], ref[256], platform[128], digest[IMG_DIGEST_LEN];
	char mt[256], *body = NULL;
	json_object *m = NULL;
	struct image img;
	size_t len;
	int c, ret = 1;

	host_platform(platform, sizeof(platform));
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		if (c == 'h')
			return img_verb_usage(stdout);
		if (c == 'q')
			o.quiet = true;
		else if (c == 'P')
			snprintf(platform, sizeof(platform), "%s", optarg);
		else if (reg_opt(&o, c, optarg))
			return img_verb_usage(stderr);
	}
	if (optind + 1 != argc)
		return img_verb_usage(stderr);
	if (!strchr(platform, '/'))
		return img_err("--platform %s: write OS/ARCH[/VARIANT], e.g. linux/amd64", platform) ? 1 : 1;
	if (ref_normalize(argv[optind], name, sizeof(name)))
		return 1;
	ref_split(name, host, sizeof(host), repo, sizeof(repo), ref, sizeof(ref));
	if (!*host)
		return img_err("\"%s\" names no registry, and ctr has no default one: write REGISTRY/NAME, e.g. docker.io/library/%s or 127.0.0.1:5000/%s",
			       argv[optind], repo, repo) ? 1 : 1;
	p.repo = repo;
	p.quiet = o.quiet;
	snprintf(p.scope, sizeof(p.scope), "repository:%s:pull", repo);
	if (store_lock(s) || !(p.r = reg_open(host, &o)))
		return 1;
	if (get_manifest(&p, ref, strchr(name, '@') ? ref : NULL, &body, &len, digest, mt) ||
	    !(m = parse(body, "the manifest")))
		goto out;
	if (is_index(m, mt)) {
		char want[IMG_DIGEST_LEN];

		if (pick(m, platform, name, want))
			goto out;
		json_object_put(m);
		free(body);
		m = NULL;
		body = NULL;
		if (get_manifest(&p, want, want, &body, &len, digest, mt) ||
		    !(m = parse(body, "the manifest")))
			goto out;
		if (is_index(m, mt)) {
			img_err("%s: the index's %s entry is an index again: refused", name, platform);
			goto out;
		}
	}
	if (json_object_object_get_ex(m, "schemaVersion", NULL) &&
	    json_object_get_int(json_object_object_get(m, "schemaVersion")) != 2) {
		img_err("%s has a Docker schema 1 manifest, which ctr does not read: push it again with a current client",
			name);
		goto out;
	}
	if (get_blobs(&p, m, name) || blob_put(s, body, len, digest, NULL))
		goto out;
	if (image_load(s, digest, &img))
		goto out;
	if (!image_unpack(s, &img) && !index_tag(s, name, digest, len)) {
		record_sources(&p, m, host, digest);
		if (!o.quiet)
			fprintf(stderr, "Writing manifest %s to the store as %s\n", digest, name);
		printf("%s\n", img.config_digest);
		ret = 0;
	}
	image_free(&img);
out:
	json_object_put(m);
	free(body);
	reg_close(p.r);
	return ret;
}
