// SPDX-License-Identifier: GPL-2.0
/*
 * build's layer cache: each step's key is the sha256 of the key before it
 * (the base image's manifest digest at FROM), the instruction after
 * substitution and, for COPY and ADD, the digest of the files copied
 * (names, modes, contents); build-cache/KEY.json keeps what the step gave
 * (its history entry, and its layer's descriptor and diff_id).  A step
 * found there is not run again, and the same steps give the same image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"

void step_key(const struct stage *st, const char *text, const char *extra,
	      char key[IMG_DIGEST_LEN])
{
	struct img_hash *h = img_hash_new();

	img_hash_update(h, st->chain, strlen(st->chain) + 1);
	img_hash_update(h, text, strlen(text) + 1);
	img_hash_update(h, extra ? extra : "", extra ? strlen(extra) + 1 : 1);
	img_hash_final(h, key);
}

static json_object *cache_get(struct build *b, const char *key)
{
	json_object *c, *l, *d, *id;
	char p[2400];

	if (b->no_cache)
		return NULL;
	store_path(b->s, p, sizeof(p), "build-cache/%s.json", img_digest_hex(key));
	c = json_object_from_file(p);
	if (!c || !json_object_is_type(c, json_type_object) ||
	    !json_object_object_get_ex(c, "history", &d)) {
		json_object_put(c);
		return NULL;
	}
	/* a layer that prune took is made again */
	if (json_object_object_get_ex(c, "layer", &l) &&
	    (!json_object_object_get_ex(l, "digest", &d) || !json_object_object_get_ex(c, "diff_id", &id) ||
	     !blob_exists(b->s, json_object_get_string(d)) ||
	     layer_unpack(b->s, json_object_get_string(d), json_object_get_string(id), NULL))) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

static void cache_put(struct build *b, const char *key, json_object *c)
{
	char p[2400], tmp[2500];

	store_path(b->s, p, sizeof(p), "build-cache");
	mkdir(p, 0700);
	store_path(b->s, p, sizeof(p), "build-cache/%s.json", img_digest_hex(key));
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if (json_object_to_file_ext(tmp, c, JSON_C_TO_STRING_PLAIN) || rename(tmp, p))
		img_warn("cannot keep the build cache entry %s: %s", p, strerror(errno));
}

/* The step's result into the stage: its history entry, and its layer if it made one. */
static void stage_apply(struct stage *st, json_object *result, const char *key)
{
	json_object *h, *l, *id = NULL;

	json_object_object_get_ex(result, "history", &h);
	if (json_object_object_get_ex(result, "layer", &l) &&
	    json_object_object_get_ex(result, "diff_id", &id))
		json_object_array_add(st->layers, json_object_get(l));
	else
		id = NULL;
	config_append(st->config, json_object_get(h), id ? json_object_get_string(id) : NULL);
	snprintf(st->chain, sizeof(st->chain), "%s", key);
}

/* The step @key from the cache into the stage, if it is there. */
bool from_cache(struct build *b, struct stage *st, const char *key)
{
	json_object *r = cache_get(b, key);

	if (!r)
		return false;
	printf("--> Using cache %s\n", img_digest_hex(key));
	stage_apply(st, r, key);
	json_object_put(r);
	return true;
}

static json_object *new_result(const char *created_by, bool empty)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "history", config_history_entry(created_by, empty));
	return r;
}

/* A step that changes the config only: its history entry (cached, so the image repeats). */
int nop_step(struct build *b, struct stage *st, const char *text)
{
	char key[IMG_DIGEST_LEN], by[8400];
	json_object *r;

	step_key(st, text, NULL, key);
	if (from_cache(b, st, key))
		return 0;
	snprintf(by, sizeof(by), "/bin/sh -c #(nop) %s", text);
	r = new_result(by, true);
	cache_put(b, key, r);
	stage_apply(st, r, key);
	json_object_put(r);
	return 0;
}

/*
 * A layer of the directory @dir (@upper: an overlay upper directory) as
 * the step's result: cached under @key and applied to @st.
 */
int layer_step(struct build *b, struct stage *st, const char *key, const char *dir,
	       bool upper, const char *by)
{
	char diff_id[IMG_DIGEST_LEN];
	json_object *desc, *r;

	if (layer_from_dir(b->s, dir, upper, &desc, diff_id))
		return -1;
	r = new_result(by, false);
	json_object_object_add(r, "layer", desc);
	json_object_object_add(r, "diff_id", json_object_new_string(diff_id));
	cache_put(b, key, r);
	stage_apply(st, r, key);
	json_object_put(r);
	return 0;
}
