// SPDX-License-Identifier: GPL-2.0
/*
 * The registry client: the OCI distribution API (v2) over libcurl.
 *
 * reg_open() asks GET /v2/ once: that picks the scheme (https; http
 * only with --tls-verify=false, as Podman's insecure registries) and
 * tells how the registry authenticates (its 401's WWW-Authenticate).
 * reg_do() then sends a request with the credentials it needs: Basic
 * with the auth file's user and password, or a Bearer token fetched
 * from the challenge's realm for the request's scope; a 401 teaches a
 * new challenge and the request is sent once more (its body rewound:
 * bodies come from a buffer or from a file at an offset, never a pipe).
 *
 * This file is the transport and the messages; the challenges and the
 * tokens are regauth.c's, the CA bundle regtls.c's.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "registry_priv.h"

/* What one transfer needs in curl's callbacks. */
struct xfer {
	struct reg *r;
	const struct reg_req *q;
	struct reg_resp *resp;
	const char *up;		/* the body sent: a buffer, or q->fd */
	uint64_t up_off, up_left;
	uint64_t got;
	bool write_failed, shown;
	struct timespec last;
};

int reg_opt(struct reg_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'T':
		if (!strcmp(arg, "true") || !strcmp(arg, "1"))
			o->tls_verify = true;
		else if (!strcmp(arg, "false") || !strcmp(arg, "0"))
			o->tls_verify = false;
		else
			return img_err("--tls-verify takes true or false, not \"%s\"", arg);
		return 0;
	case 'C':
		o->cert_dir = arg;
		return 0;
	case 'A':
		o->authfile = arg;
		return 0;
	}
	return 1;
}

const char *reg_host(const struct reg *r)
{
	return r->host;
}

const char *reg_endpoint(const char *host)
{
	return strcmp(host, "docker.io") ? host : "registry-1.docker.io";
}

void reg_path(char *out, size_t len, const char *repo, const char *kind, const char *ref)
{
	snprintf(out, len, "/v2/%s/%s/%s", repo, kind, ref ? ref : "");
}

void reg_resp_free(struct reg_resp *resp)
{
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

static size_t on_header(char *p, size_t sz, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	struct reg_resp *resp = x->resp;
	size_t len = sz * n, l = len;
	static const struct { const char *name; size_t off, size; } keep[] = {
		{ "location:", offsetof(struct reg_resp, location), sizeof(resp->location) },
		{ "docker-content-digest:", offsetof(struct reg_resp, digest), sizeof(resp->digest) },
		{ "content-type:", offsetof(struct reg_resp, content_type), sizeof(resp->content_type) },
		{ "www-authenticate:", offsetof(struct reg_resp, challenge), sizeof(resp->challenge) },
	};
	size_t i;

	while (l && (p[l - 1] == '\r' || p[l - 1] == '\n'))
		l--;
	if (l >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a redirect or a 100): only the last one counts */
		resp->location[0] = resp->digest[0] = resp->content_type[0] = resp->challenge[0] = 0;
		resp->len = 0;
		return len;
	}
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		size_t k = strlen(keep[i].name);
		const char *v = p + k;

		if (l < k || strncasecmp(p, keep[i].name, k))
			continue;
		while (v < p + l && *v == ' ')
			v++;
		snprintf((char *)resp + keep[i].off, keep[i].size, "%.*s", (int)(p + l - v), v);
	}
	return len;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	struct reg_resp *resp = x->resp;
	size_t len = sz * n, max;
	long code = 0;
	char *b;

	curl_easy_getinfo(x->r->curl, CURLINFO_RESPONSE_CODE, &code);
	if (reg_success(code) && x->q->blob) {
		if (x->got + len > x->q->blob_max) {
			resp->too_big = true;
			return 0;
		}
		if (blob_writer_write(x->q->blob, p, len)) {
			x->write_failed = true;
			return 0;
		}
		x->got += len;
		return len;
	}
	max = reg_success(code) ? x->q->max : 65536;	/* error bodies: enough for the message */
	if (resp->len + len > max) {
		resp->too_big = true;
		return 0;
	}
	b = realloc(resp->body, resp->len + len + 1);
	if (!b)
		return 0;
	resp->body = b;
	memcpy(b + resp->len, p, len);
	resp->len += len;
	b[resp->len] = 0;
	return len;
}

static size_t on_read(char *p, size_t sz, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = sz * n;
	ssize_t got;

	if (len > x->up_left)
		len = x->up_left;
	if (!len)
		return 0;
	if (x->up) {
		memcpy(p, x->up + x->up_off, len);
		got = len;
	} else {
		got = pread(x->q->fd, p, len, x->up_off);
		if (got <= 0)
			return CURL_READFUNC_ABORT;
	}
	x->up_off += got;
	x->up_left -= got;
	return got;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct xfer *x = ctx;
	uint64_t now = (uint64_t)(dlnow ? dlnow : ulnow);
	uint64_t total = x->q->progress_total ? x->q->progress_total : (uint64_t)(dltotal ? dltotal : ultotal);
	struct timespec t;
	char a[32], b[32];

	clock_gettime(CLOCK_MONOTONIC, &t);
	if ((t.tv_sec - x->last.tv_sec) * 1000 + (t.tv_nsec - x->last.tv_nsec) / 1000000 < 200)
		return 0;
	x->last = t;
	img_human_size(now, a, sizeof(a));
	img_human_size(total, b, sizeof(b));
	fprintf(stderr, "\r\033[KCopying blob %.12s %s / %s", x->q->progress, a, b);
	x->shown = true;
	return 0;
}

static struct curl_slist *header(struct curl_slist *h, const char *name, const char *val)
{
	char *line;

	if (!val || asprintf(&line, "%s: %s", name, val) < 0)
		return h;
	h = curl_slist_append(h, line);
	free(line);
	return h;
}

int reg_attempt(struct reg *r, const struct reg_req *q, const char *auth, struct reg_resp *resp,
		CURLcode *cc)
{
	const char *method = q->method ? q->method : "GET";
	struct curl_slist *h = NULL;
	struct xfer x = { .r = r, .q = q, .resp = resp };
	char url[8192];
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	if (q->url[0] == '/')
		snprintf(url, sizeof(url), "%s%s", r->base, q->url);
	else
		snprintf(url, sizeof(url), "%s", q->url);
	curl_easy_reset(r->curl);
	curl_easy_setopt(r->curl, CURLOPT_URL, url);
	curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->curl, CURLOPT_USERAGENT, "ctr-image (lvmm)");
	curl_easy_setopt(r->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(r->curl, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(r->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a transfer stalled for a minute is given up, not waited on forever */
	curl_easy_setopt(r->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(r->curl, CURLOPT_LOW_SPEED_TIME, 60L);
	if (r->max_speed) {
		curl_easy_setopt(r->curl, CURLOPT_MAX_RECV_SPEED_LARGE, r->max_speed);
		curl_easy_setopt(r->curl, CURLOPT_MAX_SEND_SPEED_LARGE, r->max_speed);
	}
	if (!r->o.tls_verify) {
		curl_easy_setopt(r->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (r->ca) {
		struct curl_blob blob = { .data = r->ca, .len = r->ca_len, .flags = CURL_BLOB_NOCOPY };

		curl_easy_setopt(r->curl, CURLOPT_CAINFO_BLOB, &blob);
	}
	curl_easy_setopt(r->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->curl, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &x);
	if (q->progress && !r->o.quiet && isatty(2)) {
		/* only transfers that last: the first report after 200 ms */
		clock_gettime(CLOCK_MONOTONIC, &x.last);
		curl_easy_setopt(r->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(r->curl, CURLOPT_XFERINFODATA, &x);
		curl_easy_setopt(r->curl, CURLOPT_NOPROGRESS, 0L);
	}
	h = curl_slist_append(h, "Expect:");	/* no 100-continue round trip */
	h = header(h, "Accept", q->accept);
	h = header(h, "Content-Type", q->content_type);
	h = header(h, "Content-Range", q->content_range);
	h = header(h, "Authorization", auth);	/* tokens run to kilobytes */
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(r->curl, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "PUT") || !strcmp(method, "PATCH") || !strcmp(method, "POST")) {
		x.up = q->fd >= 0 && !q->body ? NULL : q->body ? q->body : "";
		x.up_off = x.up ? 0 : q->off;
		x.up_left = x.up ? q->body_len : q->len;
		curl_easy_setopt(r->curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(r->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)x.up_left);
		curl_easy_setopt(r->curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(r->curl, CURLOPT_READDATA, &x);
		if (strcmp(method, "PUT"))
			curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(r->curl);
	curl_slist_free_all(h);
	if (x.shown)
		fputs("\r\033[K", stderr);
	curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	*cc = rc;
	if (x.write_failed) {
		*cc = CURLE_OK;	/* the blob writer said why */
		return -1;
	}
	if (rc == CURLE_WRITE_ERROR && resp->too_big)
		return 0;	/* the caller says what was too big */
	if (rc != CURLE_OK)
		return -1;
	return 0;
}

static int transport_err(const struct reg *r, CURLcode cc, const char *what)
{
	if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
		return img_err("cannot verify the TLS certificate of registry %s (%s): give its CA with --cert-dir DIR (DIR/ca.crt; /etc/containers/certs.d/%s/ by default), or pass --tls-verify=false",
			       r->host, curl_easy_strerror(cc), r->host);
	if (cc == CURLE_SSL_CONNECT_ERROR && r->o.tls_verify)
		return img_err("no TLS connection to registry %s (%s): if it serves plain http, pass --tls-verify=false",
			       r->host, curl_easy_strerror(cc));
	return img_err("%s: no answer from registry %s (%s): check that it runs and the name is right",
		       what, r->host, curl_easy_strerror(cc));
}

int reg_do(struct reg *r, const struct reg_req *q, struct reg_resp *resp)
{
	int tries;

	for (tries = 0;; tries++) {
		char *basic = NULL;
		const char *auth = NULL;
		CURLcode cc;
		int ret;

		if (r->kind == AUTH_BEARER && q->scope &&
		    (!r->token || strcmp(r->token_scope, q->scope)) && regauth_token(r, q->scope))
			return -1;
		if (r->kind == AUTH_BEARER)
			auth = r->token;
		else if (r->kind == AUTH_BASIC && r->user)
			auth = basic = regauth_basic(r);
		ret = reg_attempt(r, q, auth, resp, &cc);
		free(basic);
		if (ret) {
			if (cc != CURLE_OK)
				transport_err(r, cc, q->url);
			return -1;
		}
		if (resp->status != 401 || tries || !regauth_learn(r, resp->challenge) ||
		    (r->kind == AUTH_BASIC && !r->user))
			return 0;
		if (r->kind == AUTH_BEARER && regauth_renew(r, q->scope, resp->challenge)) {
			reg_resp_free(resp);
			return -1;
		}
		reg_resp_free(resp);
	}
}

/* The registry's own words: errors[0] of its JSON body. */
static void registry_message(const struct reg_resp *resp, char *out, size_t len)
{
	json_object *j = resp->body ? json_tokener_parse(resp->body) : NULL, *e, *c, *m;

	out[0] = 0;
	if (j && json_object_object_get_ex(j, "errors", &e) &&
	    json_object_is_type(e, json_type_array) && json_object_array_length(e)) {
		e = json_object_array_get_idx(e, 0);
		json_object_object_get_ex(e, "code", &c);
		json_object_object_get_ex(e, "message", &m);
		snprintf(out, len, " (%s: %s)", c ? json_object_get_string(c) : "?",
			 m ? json_object_get_string(m) : "");
	}
	json_object_put(j);
}

int reg_fail(const struct reg *r, const struct reg_resp *resp, const char *what)
{
	char msg[600], fix[600];

	registry_message(resp, msg, sizeof(msg));
	switch (resp->status) {
	case 401:
		if (r->user)
			snprintf(fix, sizeof(fix), "the credentials of %s were refused: run ctr login %s",
				 r->user, r->host);
		else
			snprintf(fix, sizeof(fix), "run ctr login %s", r->host);
		break;
	case 403:
		snprintf(fix, sizeof(fix), "%s may not do that: log in as a user who may (ctr login %s)",
			 r->user ? r->user : "an anonymous user", r->host);
		break;
	case 404:
		snprintf(fix, sizeof(fix), "check the name, the tag or the digest");
		break;
	case 429:
		snprintf(fix, sizeof(fix), "too many requests: try again later");
		break;
	default:
		snprintf(fix, sizeof(fix), resp->status >= 500 ? "the registry failed: try again, or see its log"
							: "see the registry's log");
	}
	return img_err("registry %s answered %ld to %s%s: %s", r->host, resp->status, what, msg, fix);
}

struct reg *reg_open(const char *host, const struct reg_opts *o)
{
	static const char *const schemes[] = { "https", "http" };
	struct reg_req q = { .url = "/v2/", .fd = -1, .max = 65536 };
	struct reg_resp resp = { 0 };
	struct reg *r;
	CURLcode cc = CURLE_OK;
	size_t i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		img_err("cannot start libcurl");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->curl = curl_easy_init())) {
		img_err("cannot start libcurl (out of memory?)");
		free(r);
		return NULL;
	}
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->o = *o;
	if (getenv("CTR_REGISTRY_MAX_SPEED"))
		r->max_speed = strtoll(getenv("CTR_REGISTRY_MAX_SPEED"), NULL, 10);
	if (o->user) {
		r->user = strdup(o->user);
		r->pass = strdup(o->pass ? o->pass : "");
	} else {
		auth_get(o->authfile, host, &r->user, &r->pass);
	}
	if (regtls_load(r))
		goto fail;
	for (i = 0; i < (o->tls_verify ? 1 : 2); i++) {
		snprintf(r->base, sizeof(r->base), "%s://%s", schemes[i], reg_endpoint(host));
		if (!reg_attempt(r, &q, NULL, &resp, &cc))
			break;
		reg_resp_free(&resp);
	}
	if (cc != CURLE_OK && !resp.status) {
		transport_err(r, cc, "GET /v2/");
		goto fail;
	}
	if (resp.status == 401 && !regauth_learn(r, resp.challenge)) {
		img_err("registry %s wants an authentication ctr does not know (\"%.100s\"): only Basic and Bearer are",
			host, resp.challenge);
		goto fail;
	}
	if (resp.status != 200 && resp.status != 401) {
		reg_fail(r, &resp, "GET /v2/ (is it a registry? it should answer the distribution API v2 there)");
		goto fail;
	}
	reg_resp_free(&resp);
	return r;
fail:
	reg_resp_free(&resp);
	reg_close(r);
	return NULL;
}

int reg_check_login(struct reg *r)
{
	struct reg_req q = { .url = "/v2/", .fd = -1, .max = 65536 };
	struct reg_resp resp;
	int ret = 0;

	if (r->kind == AUTH_NONE)
		return 0;	/* it lets anyone in: nothing to check */
	if (reg_do(r, &q, &resp))
		return -1;
	if (resp.status == 401)
		ret = img_err("registry %s refused the password of %s: check the user name and password",
			      r->host, r->user ? r->user : "");
	else if (resp.status != 200)
		ret = reg_fail(r, &resp, "GET /v2/");
	reg_resp_free(&resp);
	return ret;
}

void reg_close(struct reg *r)
{
	if (!r)
		return;
	if (r->curl)
		curl_easy_cleanup(r->curl);
	free(r->ca);
	free(r->user);
	if (r->pass)
		explicit_bzero(r->pass, strlen(r->pass));
	free(r->pass);
	free(r->token);
	free(r->token_scope);
	free(r);
}
