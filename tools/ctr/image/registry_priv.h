/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry client's internals, shared by its files: registry.c (the
 * transport: one HTTP exchange, reg_do(), reg_open(), the messages),
 * regauth.c (what a 401 asks for: Basic, or a Bearer token from the
 * challenge's realm) and regtls.c (the CA bundle curl verifies with).
 * Callers see only image.h's reg_* functions and an opaque struct reg.
 */
#ifndef CTR_REGISTRY_PRIV_H
#define CTR_REGISTRY_PRIV_H

#include <curl/curl.h>

#include "image.h"

enum auth_kind { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct reg {
	char host[256];		/* as the name has it */
	char base[300];		/* scheme://endpoint */
	struct reg_opts o;
	CURL *curl;
	char *ca;		/* the CA bundle (system's and the cert dir's), or NULL */
	size_t ca_len;
	char *user, *pass;
	enum auth_kind kind;
	char realm[1024], service[256];
	char *token, *token_scope;
	curl_off_t max_speed;	/* CTR_REGISTRY_MAX_SPEED (bytes/s): a slow link, for tests */
};

static inline bool reg_success(long code)
{
	return code >= 200 && code < 300;
}

/* registry.c */
/*
 * One HTTP exchange, no retry; @auth a whole Authorization header or NULL.
 * The token fetch sends its request with it too: same options, same CAs.
 */
int reg_attempt(struct reg *r, const struct reg_req *q, const char *auth, struct reg_resp *resp,
		CURLcode *cc);

/* regauth.c */
/* Learns how to authenticate from a 401's challenge; false if it is not one we know. */
bool regauth_learn(struct reg *r, const char *ch);
/* "Basic BASE64(user:pass)", malloc'ed; NULL: out of memory. */
char *regauth_basic(const struct reg *r);
/* A token for @scope (a space-separated list; NULL: none) from the challenge's realm. */
int regauth_token(struct reg *r, const char *scope);
/* After a Bearer 401 (@ch): a token for @scope, else for the scope @ch asks for. */
int regauth_renew(struct reg *r, const char *scope, const char *ch);

/* regtls.c */
/* The CAs of --cert-dir or of the host's certs.d on top of the system's; -1 printed. */
int regtls_load(struct reg *r);

#endif
