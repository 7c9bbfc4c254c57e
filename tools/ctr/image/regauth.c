// SPDX-License-Identifier: GPL-2.0
/*
 * The registry client's authentication: what a 401's WWW-Authenticate
 * challenge asks for, Basic with the auth file's user and password, or
 * a Bearer token fetched from the challenge's realm for a scope (the
 * token server is asked through reg_attempt(), as any request).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "registry_priv.h"

/* KEY="VALUE" of a WWW-Authenticate challenge. */
static void challenge_param(const char *ch, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);
	const char *p = ch;

	out[0] = 0;
	while ((p = strstr(p, key))) {
		if ((p == ch || p[-1] == ' ' || p[-1] == ',') && p[k] == '=') {
			const char *v = p + k + 1, *end;

			if (*v == '"') {
				v++;
				end = strchr(v, '"');
			} else {
				end = v + strcspn(v, ", ");
			}
			if (!end)
				end = v + strlen(v);
			snprintf(out, len, "%.*s", (int)(end - v), v);
			return;
		}
		p += k;
	}
}

bool regauth_learn(struct reg *r, const char *ch)
{
	if (!strncasecmp(ch, "Basic", 5)) {
		r->kind = AUTH_BASIC;
		return true;
	}
	if (!strncasecmp(ch, "Bearer", 6)) {
		r->kind = AUTH_BEARER;
		challenge_param(ch + 6, "realm", r->realm, sizeof(r->realm));
		challenge_param(ch + 6, "service", r->service, sizeof(r->service));
		return r->realm[0] != 0;
	}
	return false;
}

char *regauth_basic(const struct reg *r)
{
	size_t n = strlen(r->user) + strlen(r->pass) + 1;
	char *plain = malloc(n + 1), *out = malloc(6 + 4 * (n / 3 + 1) + 1);

	if (!plain || !out) {
		free(plain);
		free(out);
		return NULL;
	}
	snprintf(plain, n + 1, "%s:%s", r->user, r->pass);
	strcpy(out, "Basic ");
	EVP_EncodeBlock((unsigned char *)out + 6, (unsigned char *)plain, n);
	free(plain);
	return out;
}

int regauth_token(struct reg *r, const char *scope)
{
	char url[4096], *esc, *basic = r->user ? regauth_basic(r) : NULL;
	const char *sc = scope ? scope : "";
	struct reg_req q = { .fd = -1, .max = 1 << 20 };
	struct reg_resp resp;
	json_object *j, *t;
	size_t o;
	CURLcode cc;
	int ret;

	esc = curl_easy_escape(r->curl, r->service, 0);
	o = snprintf(url, sizeof(url), "%s%sservice=%s", r->realm, strchr(r->realm, '?') ? "&" : "?",
		     esc ? esc : "");
	curl_free(esc);
	while (*sc && o < sizeof(url)) {
		size_t l = strcspn(sc, " ");
		char one[1024];

		snprintf(one, sizeof(one), "%.*s", (int)l, sc);
		esc = curl_easy_escape(r->curl, one, 0);
		o += snprintf(url + o, sizeof(url) - o, "&scope=%s", esc ? esc : "");
		curl_free(esc);
		sc += l;
		sc += strspn(sc, " ");
	}
	q.url = url;
	ret = reg_attempt(r, &q, basic, &resp, &cc);
	free(basic);
	if (ret) {
		reg_resp_free(&resp);
		return img_err("registry %s's token server %s: %s", r->host, r->realm,
			       curl_easy_strerror(cc));
	}
	if (resp.status == 401 || resp.status == 403) {
		reg_resp_free(&resp);
		return img_err(r->user ? "registry %s's token server refused the credentials of %s: run ctr login %s"
				       : "registry %s's token server wants credentials%.0s: run ctr login %s",
			       r->host, r->user ? r->user : "", r->host);
	}
	j = resp.body && reg_success(resp.status) ? json_tokener_parse(resp.body) : NULL;
	if (!j || (!json_object_object_get_ex(j, "token", &t) &&
		   !json_object_object_get_ex(j, "access_token", &t))) {
		json_object_put(j);
		ret = img_err("registry %s's token server %s answered %ld without a token", r->host,
			      r->realm, resp.status);
		reg_resp_free(&resp);
		return ret;
	}
	free(r->token);
	free(r->token_scope);
	r->token = malloc(strlen(json_object_get_string(t)) + 8);
	if (r->token)
		sprintf(r->token, "Bearer %s", json_object_get_string(t));
	r->token_scope = strdup(scope ? scope : "");
	json_object_put(j);
	reg_resp_free(&resp);
	return r->token ? 0 : -1;
}

/* the request's scope, or the one the registry asked for (past "Bearer") */
int regauth_renew(struct reg *r, const char *scope, const char *ch)
{
	char sc[1024];

	challenge_param(ch + 6, "scope", sc, sizeof(sc));
	return regauth_token(r, scope ? scope : sc[0] ? sc : NULL);
}
