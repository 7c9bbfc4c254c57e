// SPDX-License-Identifier: GPL-2.0
/*
 * The build context's .containerignore (or .dockerignore): what COPY and
 * ADD leave out.  Patterns as Docker reads them: a path's components
 * matched one by one with fnmatch, "**" for any number of them, a "!"
 * exception, the last pattern that matches deciding.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

struct build_ignore {
	char **pat;
	bool *except;
	size_t n;
};

struct build_ignore *build_ignore_load(const char *ctx)
{
	static const char *const names[] = { ".containerignore", ".dockerignore" };
	struct build_ignore *ig = calloc(1, sizeof(*ig));
	char p[4200], *line = NULL;
	size_t cap = 0, i;
	FILE *f = NULL;

	for (i = 0; i < 2 && !f; i++) {
		snprintf(p, sizeof(p), "%s/%s", ctx, names[i]);
		f = fopen(p, "re");
	}
	while (f && getline(&line, &cap, f) >= 0) {
		char *s = line, *e = line + strlen(line), clean[4096];
		bool ex = false;

		while (e > s && strchr(" \t\r\n", e[-1]))
			*--e = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (*s == '!') {
			ex = true;
			s++;
		}
		if (build_clean_path(s, clean, sizeof(clean)) || !*clean)
			continue;
		ig->pat = realloc(ig->pat, (ig->n + 1) * sizeof(*ig->pat));
		ig->except = realloc(ig->except, (ig->n + 1) * sizeof(*ig->except));
		ig->pat[ig->n] = strdup(clean);
		ig->except[ig->n++] = ex;
	}
	free(line);
	if (f)
		fclose(f);
	return ig;
}

void build_ignore_free(struct build_ignore *ig)
{
	size_t i;

	for (i = 0; ig && i < ig->n; i++)
		free(ig->pat[i]);
	if (ig) {
		free(ig->pat);
		free(ig->except);
	}
	free(ig);
}

/* Pattern segments against path segments; "**" is any number of them. */
static bool seg_match(char **pat, size_t np, char **path, size_t nq)
{
	if (!np)
		return !nq;
	if (!strcmp(pat[0], "**")) {
		for (size_t k = 0; k <= nq; k++)
			if (seg_match(pat + 1, np - 1, path + k, nq - k))
				return true;
		return false;
	}
	return nq && !fnmatch(pat[0], path[0], FNM_PERIOD * 0) &&
	       seg_match(pat + 1, np - 1, path + 1, nq - 1);
}

static size_t split(char *s, char **v, size_t max)
{
	size_t n = 0;
	char *save, *p;

	for (p = strtok_r(s, "/", &save); p && n < max; p = strtok_r(NULL, "/", &save))
		v[n++] = p;
	return n;
}

/* A pattern excludes what it matches and everything below that. */
static bool pattern_matches(const char *pattern, const char *rel)
{
	char pb[4096], qb[4096], *pv[256], *qv[256];
	size_t np, nq, k;

	snprintf(pb, sizeof(pb), "%s", pattern);
	snprintf(qb, sizeof(qb), "%s", rel);
	np = split(pb, pv, 256);
	nq = split(qb, qv, 256);
	for (k = 1; k <= nq; k++)
		if (seg_match(pv, np, qv, k))
			return true;
	return false;
}

bool build_ignored(const struct build_ignore *ig, const char *rel)
{
	bool out = false;
	size_t i;

	for (i = 0; ig && i < ig->n; i++)
		if (pattern_matches(ig->pat[i], rel))
			out = !ig->except[i];	/* the last match decides */
	return out;
}
