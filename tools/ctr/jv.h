/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed access to config.json, process.json and state.json.  json-c's
 * accessors assert (or convert silently) on a value of the wrong type, so
 * every read goes through these: a wrong type, a fraction or a number out
 * of range is one error line naming the value's JSON path, never a
 * default.  JSON null counts as absent, as in runc.
 */
#ifndef CTR_JV_H
#define CTR_JV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

struct jv {
	json_object *o;		/* NULL: absent (or null) */
	bool null;		/* it was there, as null */
	const char *file;	/* for messages: "config.json", a state.json path */
	char path[256];		/* "process.user.uid", "mounts[2].options[0]" */
};

struct jv jv_root(json_object *o, const char *file);
/* Member @key of an object (absent if @obj is absent or not an object). */
struct jv jv_key(const struct jv *obj, const char *key);
/* Element @i of an array (absent if @arr is absent or not an array). */
struct jv jv_at(const struct jv *arr, size_t i);

/* "FILE: PATH: expected WHAT" on stderr; returns -EINVAL. */
int jv_bad(const struct jv *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Each returns 1 when the value is there and valid (and sets *out), 0
 * when it is absent (*out untouched), -EINVAL after an error line.
 */
int jv_object(const struct jv *v);
int jv_array(const struct jv *v, size_t *n);	/* *n = 0 when absent */
int jv_string(const struct jv *v, const char **out);
int jv_bool(const struct jv *v, bool *out);
int jv_int(const struct jv *v, int64_t min, int64_t max, int64_t *out);
int jv_u64(const struct jv *v, uint64_t *out);
/* An array of strings as a NULL-terminated vector (malloc'ed, strings not copied). */
int jv_strv(const struct jv *v, char ***out, size_t *n);
/* An object whose every member is a string (annotations, labels). */
int jv_string_map(const struct jv *v);

/* For required values: an error unless jv_* returned 1. */
int jv_need(const struct jv *v, int got, const char *what);

#endif /* CTR_JV_H */
