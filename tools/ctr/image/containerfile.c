// SPDX-License-Identifier: GPL-2.0
/*
 * Containerfiles (Dockerfiles): instructions, one a line, continued with
 * a trailing backslash; comment lines (# ..., the "# syntax=" directive
 * among them) are dropped, also between continued lines, as Docker does.
 * Words are split the way Docker's own lexer does: quotes removed,
 * backslash escapes, and $VAR ${VAR} ${VAR:-word} ${VAR:+word} expanded
 * (not inside single quotes) in the instructions that Docker expands.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static void add_insn(struct containerfile *cf, int line, char *text)
{
	struct cf_insn *in;
	char *p = text, *e;
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = 0;
	if (!*p)
		return;
	cf->v = realloc(cf->v, (cf->n + 1) * sizeof(*cf->v));
	in = &cf->v[cf->n++];
	memset(in, 0, sizeof(*in));
	in->line = line;
	for (n = 0; p[n] && !isspace((unsigned char)p[n]) && n < sizeof(in->cmd) - 1; n++)
		in->cmd[n] = toupper((unsigned char)p[n]);
	in->cmd[n] = 0;
	p += n;
	while (*p && !isspace((unsigned char)*p))
		p++;	/* an overlong word: not an instruction, cmd says which */
	while (isspace((unsigned char)*p))
		p++;
	in->args = strdup(p);
}

int containerfile_read(const char *path, const char *name, struct containerfile *cf)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, *acc = NULL;
	size_t cap = 0, alen = 0;
	ssize_t len;
	int lineno = 0, start = 0;

	memset(cf, 0, sizeof(*cf));
	snprintf(cf->name, sizeof(cf->name), "%s", name);
	if (!f)
		return img_err("cannot read %s: %s (give the Containerfile with -f FILE)", path,
			       strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *p = line;
		bool cont;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#')
			continue;	/* a comment, or a parser directive: only \ escapes here */
		if (!acc) {
			if (!*p)
				continue;
			start = lineno;
		}
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = 0;
		cont = len && line[len - 1] == '\\';
		if (cont)
			line[--len] = 0;
		acc = realloc(acc, alen + len + 2);
		memcpy(acc + alen, line, len);
		alen += len;
		acc[alen] = 0;
		if (!cont) {
			add_insn(cf, start, acc);
			free(acc);
			acc = NULL;
			alen = 0;
		}
	}
	if (acc) {
		add_insn(cf, start, acc);
		free(acc);
	}
	free(line);
	fclose(f);
	return 0;
}

void containerfile_free(struct containerfile *cf)
{
	size_t i;

	for (i = 0; i < cf->n; i++)
		free(cf->v[i].args);
	free(cf->v);
	cf->v = NULL;
	cf->n = 0;
}

struct buf {
	char *s;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

const char *cf_getenv(char *const *env, const char *name, size_t len)
{
	const char *found = NULL;
	size_t i;

	/* the last one wins: a stage's ENV after its ARGs */
	for (i = 0; env && env[i]; i++)
		if (!strncmp(env[i], name, len) && env[i][len] == '=')
			found = env[i] + len + 1;
	return found;
}

/* $NAME or ${NAME...} at *@pp (just after '$'), expanded into @b; NULL ok, else why. */
static const char *expand(const char **pp, char *const *env, struct buf *b)
{
	const char *p = *pp, *name, *v;
	size_t len;

	if (*p == '{') {
		const char *end = strchr(p, '}'), *mod;

		if (!end)
			return "${ without its }";
		name = p + 1;
		for (len = 0; isalnum((unsigned char)name[len]) || name[len] == '_'; len++)
			;
		if (!len)
			return "${} without a variable name";
		mod = name + len;
		v = cf_getenv(env, name, len);
		if (mod == end) {
			if (v)
				put(b, v, strlen(v));
		} else if (mod[0] == ':' && (mod[1] == '-' || mod[1] == '+')) {
			const char *word = mod + 2;

			if (mod[1] == '-' && (!v || !*v))
				put(b, word, end - word);
			else if (mod[1] == '-')
				put(b, v, strlen(v));
			else if (v && *v)
				put(b, word, end - word);
		} else {
			return "only ${VAR}, ${VAR:-default} and ${VAR:+word} are supported";
		}
		*pp = end + 1;
		return NULL;
	}
	for (len = 0; isalnum((unsigned char)p[len]) || p[len] == '_'; len++)
		;
	if (!len) {
		put(b, "$", 1);
		return NULL;
	}
	v = cf_getenv(env, p, len);
	if (v)
		put(b, v, strlen(v));
	*pp = p + len;
	return NULL;
}

int cf_words(const char *s, char *const *env, bool expand_vars, char ***out, const char **why)
{
	struct buf w = { 0 };
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;
	bool in_word = false;
	char q = 0;

	*why = NULL;
	for (const char *p = s;; ) {
		if (!*p || (!q && isspace((unsigned char)*p))) {
			if (in_word) {
				v = realloc(v, (n + 2) * sizeof(*v));
				v[n++] = w.s ? w.s : strdup("");
				v[n] = NULL;
				w = (struct buf){ 0 };
				in_word = false;
			}
			if (!*p)
				break;
			p++;
			continue;
		}
		in_word = true;
		if (!q && (*p == '"' || *p == '\'')) {
			q = *p++;
			put(&w, "", 0);
		} else if (q && *p == q) {
			q = 0;
			p++;
		} else if (*p == '\\' && q != '\'' && p[1]) {
			put(&w, p + 1, 1);
			p += 2;
		} else if (*p == '$' && q != '\'' && expand_vars) {
			p++;
			*why = expand(&p, env, &w);
			if (*why)
				break;
		} else {
			put(&w, p++, 1);
		}
	}
	if (!*why && q)
		*why = "a quote is not closed";
	free(w.s);
	if (*why) {
		img_strv_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

char *cf_expand(const char *s, char *const *env, const char **why)
{
	struct buf b = { 0 };

	put(&b, "", 0);
	*why = NULL;
	for (const char *p = s; *p && !*why; ) {
		if (*p == '\\' && p[1] == '$') {
			put(&b, "$", 1);
			p += 2;
		} else if (*p == '$') {
			p++;
			*why = expand(&p, env, &b);
		} else {
			put(&b, p++, 1);
		}
	}
	if (*why) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char **cf_json(const char *s)
{
	json_object *o;
	char **v;
	size_t i, n;

	if (*s != '[')
		return NULL;
	o = json_tokener_parse(s);
	if (!o || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return NULL;	/* not JSON: the shell form, as Docker takes it */
	}
	n = json_object_array_length(o);
	v = calloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(o, i);

		if (!json_object_is_type(e, json_type_string)) {
			img_strv_free(v);
			json_object_put(o);
			return NULL;
		}
		v[i] = strdup(json_object_get_string(e));
	}
	json_object_put(o);
	return v;
}

size_t cf_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}
