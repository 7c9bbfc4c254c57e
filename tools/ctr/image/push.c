// SPDX-License-Identifier: GPL-2.0
/*
 * push: an image of the store to a registry.  Each blob is asked for
 * first (HEAD: a registry that has it is not sent it again); one that
 * sources.json knows in another repository of the same registry is
 * mounted from there (POST ...?mount=&from=, no bytes sent); the others
 * are uploaded, in one PUT when small and in PATCH chunks (Content-Range)
 * when big, so that a proxy's body limit does not stop a big layer.  The
 * manifest goes last, in its own bytes and media type: its digest on the
 * registry is the store's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

#define CHUNK_DEFAULT	(8 << 20)	/* CTR_PUSH_CHUNK_SIZE: bigger blobs go in chunks of it */

struct push {
	struct store *s;
	struct reg *r;
	const char *host, *repo;
	char scope[600];
	uint64_t chunk;
	bool quiet;
};

static void __attribute__((format(printf, 3, 4)))
say(const struct push *p, const char *digest, const char *fmt, ...)
{
	char what[600];
	va_list ap;

	if (p->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, "Copying blob %.12s %s\n", img_digest_hex(digest), what);
}

/* Sends @q; @want is the status that means success, anything else is reported. */
static int request(struct push *p, struct reg_req *q, struct reg_resp *resp, long want)
{
	char what[1200];

	if (reg_do(p->r, q, resp))
		return -1;
	if (resp->status == want)
		return 0;
	snprintf(what, sizeof(what), "%s %.1000s", q->method ? q->method : "GET", q->url);
	reg_fail(p->r, resp, what);
	reg_resp_free(resp);
	return -1;
}

/* An upload's next URL from its Location (which may be relative to the registry). */
static int next_location(struct push *p, const struct reg_resp *resp, char *out, size_t len)
{
	if (!resp->location[0])
		return img_err("registry %s started an upload without a Location: it does not follow the distribution API",
			       reg_host(p->r));
	snprintf(out, len, "%s", resp->location);
	return 0;
}

/*
 * Mounts the blob from a repository of the same registry that sources.json
 * knows has it: 0 mounted; 1 not (@loc: the upload the registry started
 * instead, or ""); -1 an error.
 */
static int try_mount(struct push *p, const char *digest, char *loc, size_t loclen)
{
	char **from = sources_repos(p->s, digest, p->host), url[2048], scope[1400];
	struct reg_req q = { .method = "POST", .fd = -1, .max = 65536 };
	struct reg_resp resp;
	int ret = 1;
	size_t i;

	for (i = 0; from && from[i] && ret == 1 && !loc[0]; i++) {
		if (!strcmp(from[i], p->repo))
			continue;
		snprintf(url, sizeof(url), "/v2/%s/blobs/uploads/?mount=%s&from=%s", p->repo, digest,
			 from[i]);
		snprintf(scope, sizeof(scope), "%s repository:%s:pull", p->scope, from[i]);
		q.url = url;
		q.scope = scope;
		if (reg_do(p->r, &q, &resp))
			ret = -1;
		else if (resp.status == 201)
			ret = 0;
		else if (resp.status == 202 && next_location(p, &resp, loc, loclen))
			ret = -1;	/* 202: not there any more (or not ours to read): an upload */
		reg_resp_free(&resp);
		if (!ret)
			say(p, digest, "skipped: mounted from %s", from[i]);
	}
	img_strv_free(from);
	return ret;
}

/* @url with ?digest= (or &digest=) added */
static void with_digest(char *out, size_t len, const char *url, const char *digest)
{
	snprintf(out, len, "%s%sdigest=sha256%%3A%s", url, strchr(url, '?') ? "&" : "?",
		 img_digest_hex(digest));
}

static int upload(struct push *p, const char *digest, uint64_t size, const char *start)
{
	struct reg_req q = { .fd = -1, .max = 65536, .scope = p->scope,
			     .content_type = "application/octet-stream" };
	char loc[4096], url[4200], range[64], path[2400], sz[32];
	struct reg_resp resp;
	uint64_t off = 0, n = 0;
	int fd, ret = -1;

	snprintf(loc, sizeof(loc), "%s", start);
	blob_path(p->s, digest, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return img_err("blob %s is not in the store %s: %s (pull or build the image again)",
			       digest, p->s->root, strerror(errno));
	q.fd = fd;
	q.progress = img_digest_hex(digest);
	q.progress_total = size;
	if (size > p->chunk) {
		/* chunks: each PATCH answers with the Location of the next */
		for (off = 0; off < size; off += q.len, n++) {
			q.method = "PATCH";
			q.url = loc;
			q.off = off;
			q.len = size - off < p->chunk ? size - off : p->chunk;
			snprintf(range, sizeof(range), "%llu-%llu", (unsigned long long)off,
				 (unsigned long long)(off + q.len - 1));
			q.content_range = range;
			if (request(p, &q, &resp, 202))
				goto out;
			ret = next_location(p, &resp, loc, sizeof(loc));
			reg_resp_free(&resp);
			if (ret)
				goto out;
			ret = -1;
		}
		q.len = 0;
		q.content_range = NULL;
	} else {
		q.len = size;
	}
	q.method = "PUT";
	with_digest(url, sizeof(url), loc, digest);
	q.url = url;
	q.off = 0;
	if (request(p, &q, &resp, 201))
		goto out;
	if (resp.digest[0] && strcmp(resp.digest, digest)) {
		img_err("registry %s stored blob %s as %s: its storage or something on the way altered it",
			reg_host(p->r), digest, resp.digest);
	} else {
		char what[96];

		img_human_size(size, sz, sizeof(sz));
		if (n)
			snprintf(what, sizeof(what), "done (%s, chunked: %llu parts)", sz,
				 (unsigned long long)n);
		else
			snprintf(what, sizeof(what), "done (%s)", sz);
		say(p, digest, "%s", what);
		ret = 0;
	}
	reg_resp_free(&resp);
out:
	close(fd);
	return ret;
}

static int push_blob(struct push *p, const char *digest, uint64_t size)
{
	struct reg_req q = { .method = "HEAD", .scope = p->scope, .fd = -1, .max = 65536 };
	char url[1024], loc[4096] = "";
	struct reg_resp resp;
	int ret;

	reg_path(url, sizeof(url), p->repo, "blobs", digest);
	q.url = url;
	if (reg_do(p->r, &q, &resp))
		return -1;
	if (resp.status == 200) {
		reg_resp_free(&resp);
		say(p, digest, "skipped: already exists");
		return 0;
	}
	if (resp.status != 404) {
		ret = reg_fail(p->r, &resp, "HEAD of a blob");
		reg_resp_free(&resp);
		return ret;
	}
	reg_resp_free(&resp);
	ret = try_mount(p, digest, loc, sizeof(loc));
	if (ret <= 0)
		return ret;
	if (!loc[0]) {
		q.method = "POST";
		reg_path(url, sizeof(url), p->repo, "blobs", "uploads/");
		if (request(p, &q, &resp, 202))
			return -1;
		ret = next_location(p, &resp, loc, sizeof(loc));
		reg_resp_free(&resp);
		if (ret)
			return -1;
	}
	return upload(p, digest, size, loc);
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int put_manifest(struct push *p, const struct image *img, const char *tag)
{
	const char *mt = str_of(img->manifest, "mediaType");
	struct reg_req q = { .method = "PUT", .scope = p->scope, .fd = -1, .max = 65536,
			     .content_type = mt ? mt : MT_OCI_MANIFEST };
	struct reg_resp resp;
	char url[1024], *data;
	size_t len;
	int ret = 0;

	if (blob_read(p->s, img->digest, IMG_MAX_MANIFEST, &data, &len))
		return -1;
	reg_path(url, sizeof(url), p->repo, "manifests", tag);
	q.url = url;
	q.body = data;
	q.body_len = len;
	if (request(p, &q, &resp, 201)) {
		free(data);
		return -1;
	}
	if (resp.digest[0] && strcmp(resp.digest, img->digest))
		ret = img_err("registry %s keeps the manifest as %s, not %s: it rewrote it",
			      reg_host(p->r), resp.digest, img->digest);
	reg_resp_free(&resp);
	free(data);
	return ret;
}

static uint64_t chunk_size(void)
{
	const char *e = getenv("CTR_PUSH_CHUNK_SIZE");
	char *end;
	unsigned long long v;

	if (!e || !*e)
		return CHUNK_DEFAULT;
	v = strtoull(e, &end, 10);
	if (*end || v < 1024) {
		img_warn("CTR_PUSH_CHUNK_SIZE=%s is not a number of bytes of at least 1024: using %d",
			 e, CHUNK_DEFAULT);
		return CHUNK_DEFAULT;
	}
	return v;
}

int image__push(struct store *s, int argc, char **argv)
{
	static const struct option lo[] = {
		REG_LONG_OPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reg_opts o = { .tls_verify = true };
	struct push p = { .s = s, .chunk = chunk_size() };
	char name[512], host[256], repo[512], tag[256];
	json_object *layers, *l, *sz;
	struct image img;
	size_t i;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		if (c == 'h')
			return img_verb_usage(stdout);
		if (c == 'q')
			o.quiet = true;
		else if (reg_opt(&o, c, optarg))
			return img_verb_usage(stderr);
	}
	if (optind >= argc || optind + 2 < argc)
		return img_verb_usage(stderr);
	if (store_lock(s) || image_find(s, argv[optind], &img))
		return 1;
	if (optind + 1 == argc && !img.name[0]) {
		img_err("image %s has no name to push it as: give one, ctr push IMAGE REGISTRY/NAME[:TAG]",
			argv[optind]);
		goto out;
	}
	if (ref_normalize(optind + 1 < argc ? argv[optind + 1] : img.name, name, sizeof(name)))
		goto out;
	ref_split(name, host, sizeof(host), repo, sizeof(repo), tag, sizeof(tag));
	if (strchr(name, '@')) {
		img_err("cannot push to a digest (%s): give a tag, REGISTRY/NAME:TAG", name);
		goto out;
	}
	if (!*host) {
		img_err("\"%s\" names no registry: push to REGISTRY/NAME[:TAG], e.g. 127.0.0.1:5000/%s",
			name, repo);
		goto out;
	}
	p.host = host;
	p.repo = repo;
	p.quiet = o.quiet;
	snprintf(p.scope, sizeof(p.scope), "repository:%s:pull,push", repo);
	if (!(p.r = reg_open(host, &o)))
		goto out;
	json_object_object_get_ex(img.manifest, "layers", &layers);
	for (i = 0; i < json_object_array_length(layers); i++) {
		l = json_object_array_get_idx(layers, i);
		json_object_object_get_ex(l, "size", &sz);
		if (push_blob(&p, str_of(l, "digest"), json_object_get_int64(sz)))
			goto out;
	}
	json_object_object_get_ex(img.manifest, "config", &l);
	json_object_object_get_ex(l, "size", &sz);
	if (push_blob(&p, img.config_digest, json_object_get_int64(sz)) || put_manifest(&p, &img, tag))
		goto out;
	for (i = 0; i < json_object_array_length(layers); i++)
		sources_add(s, str_of(json_object_array_get_idx(layers, i), "digest"), host, repo);
	sources_add(s, img.config_digest, host, repo);
	sources_add(s, img.digest, host, repo);
	if (!o.quiet)
		fprintf(stderr, "Pushed %s (manifest %s)\n", name, img.digest);
	printf("%s\n", img.digest);
	ret = 0;
out:
	reg_close(p.r);
	image_free(&img);
	return ret;
}
