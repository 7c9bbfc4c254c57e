// SPDX-License-Identifier: GPL-2.0
/*
 * STORE/sources.json: {"sha256:...": ["host/repo", ...]}, the repositories
 * a blob was pulled from or pushed to.  push asks a registry to mount a
 * blob from one of them (cross-repository mount) instead of sending it
 * again.  Only a hint: a registry that no longer has it just starts an
 * upload, so entries of blobs pruned since do no harm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

#define SOURCES_MAX	32	/* repositories kept per blob: the latest */

static json_object *sources_read(const struct store *s)
{
	char p[2400];
	json_object *j;

	store_path(s, p, sizeof(p), "sources.json");
	j = json_object_from_file(p);
	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		j = json_object_new_object();
	}
	return j;
}

void sources_add(struct store *s, const char *digest, const char *host, const char *repo)
{
	json_object *j = sources_read(s), *arr;
	char where[1024], p[2400], tmp[2500];
	size_t i;

	snprintf(where, sizeof(where), "%s/%s", host, repo);
	if (!json_object_object_get_ex(j, digest, &arr) || !json_object_is_type(arr, json_type_array)) {
		arr = json_object_new_array();
		json_object_object_add(j, digest, arr);
	}
	for (i = 0; i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), where))
			goto out;
	json_object_array_add(arr, json_object_new_string(where));
	if (json_object_array_length(arr) > SOURCES_MAX)
		json_object_array_del_idx(arr, 0, 1);
	store_path(s, p, sizeof(p), "sources.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if (json_object_to_file_ext(tmp, j, JSON_C_TO_STRING_PLAIN) || rename(tmp, p))
		img_warn("cannot write %s: %s (only cross-repository mounts are lost)", p,
			 strerror(errno));
out:
	json_object_put(j);
}

char **sources_repos(const struct store *s, const char *digest, const char *host)
{
	json_object *j = sources_read(s), *arr;
	size_t i, n = 0, hl = strlen(host);
	char **v;

	if (!json_object_object_get_ex(j, digest, &arr) || !json_object_is_type(arr, json_type_array))
		arr = NULL;
	v = calloc((arr ? json_object_array_length(arr) : 0) + 1, sizeof(*v));
	/* newest first: the likeliest to be there still */
	for (i = arr ? json_object_array_length(arr) : 0; v && i-- > 0;) {
		const char *w = json_object_get_string(json_object_array_get_idx(arr, i));

		if (!strncmp(w, host, hl) && w[hl] == '/' && w[hl + 1])
			v[n++] = strdup(w + hl + 1);
	}
	json_object_put(j);
	return v;
}
