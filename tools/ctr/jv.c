// SPDX-License-Identifier: GPL-2.0
/* Typed JSON getters that name the path of a bad value (see jv.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "jv.h"

struct jv jv_root(json_object *o, const char *file)
{
	struct jv v = { .o = o, .file = file };

	return v;
}

/* json-c keeps a JSON null as a NULL member or element: @there tells it from absent. */
static void child(struct jv *c, const struct jv *parent, json_object *o, bool there)
{
	c->null = there && (!o || json_object_is_type(o, json_type_null));
	c->o = c->null ? NULL : o;
	c->file = parent->file;
}

/* A path too deep for the buffer ends in "..." in messages. */
static void ellipsis(struct jv *c, int n)
{
	if (n < 0 || (size_t)n >= sizeof(c->path))
		strcpy(c->path + sizeof(c->path) - 4, "...");
}

struct jv jv_key(const struct jv *obj, const char *key)
{
	struct jv c;
	json_object *o = NULL;
	bool there = obj->o && json_object_is_type(obj->o, json_type_object) &&
		     json_object_object_get_ex(obj->o, key, &o);

	child(&c, obj, o, there);
	ellipsis(&c, snprintf(c.path, sizeof(c.path), "%s%s%s", obj->path,
			      obj->path[0] ? "." : "", key));
	return c;
}

struct jv jv_at(const struct jv *arr, size_t i)
{
	struct jv c;
	json_object *o = NULL;
	bool there = arr->o && json_object_is_type(arr->o, json_type_array) &&
		     i < json_object_array_length(arr->o);

	if (there)
		o = json_object_array_get_idx(arr->o, i);
	child(&c, arr, o, there);
	ellipsis(&c, snprintf(c.path, sizeof(c.path), "%s[%zu]", arr->path, i));
	return c;
}

int jv_bad(const struct jv *v, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ctr_err("%s: %s: %s", v->file, v->path[0] ? v->path : "(top level)", what);
	return -EINVAL;
}

static int typed(const struct jv *v, json_type t, const char *what)
{
	if (!v->o)
		return 0;
	return json_object_is_type(v->o, t) ? 1 : jv_bad(v, "expected %s", what);
}

int jv_object(const struct jv *v)
{
	return typed(v, json_type_object, "an object");
}

int jv_array(const struct jv *v, size_t *n)
{
	int ret = typed(v, json_type_array, "an array");

	*n = ret == 1 ? json_object_array_length(v->o) : 0;
	return ret;
}

int jv_string(const struct jv *v, const char **out)
{
	int ret = typed(v, json_type_string, "a string");
	const char *s;

	if (ret != 1)
		return ret;
	s = json_object_get_string(v->o);
	/* "\u0000" would cut a path or an argument short without a word. */
	if ((size_t)json_object_get_string_len(v->o) != strlen(s))
		return jv_bad(v, "expected a string without NUL characters");
	*out = s;
	return 1;
}

int jv_bool(const struct jv *v, bool *out)
{
	int ret = typed(v, json_type_boolean, "true or false");

	if (ret == 1)
		*out = json_object_get_boolean(v->o);
	return ret;
}

/* json-c keeps integers as int64 or, above INT64_MAX, uint64; doubles are fractions. */
int jv_int(const struct jv *v, int64_t min, int64_t max, int64_t *out)
{
	int64_t i;

	if (!v->o)
		return 0;
	if (!json_object_is_type(v->o, json_type_int))
		goto bad;
	i = json_object_get_int64(v->o);
	if (i == INT64_MAX && json_object_get_uint64(v->o) != (uint64_t)INT64_MAX)
		goto bad;	/* a uint64 above INT64_MAX */
	if (i < min || i > max)
		goto bad;
	*out = i;
	return 1;
bad:
	return jv_bad(v, "expected an integer %lld..%lld", (long long)min, (long long)max);
}

int jv_u64(const struct jv *v, uint64_t *out)
{
	if (!v->o)
		return 0;
	if (!json_object_is_type(v->o, json_type_int) || json_object_get_int64(v->o) < 0)
		return jv_bad(v, "expected an integer 0..18446744073709551615");
	*out = json_object_get_uint64(v->o);
	return 1;
}

int jv_strv(const struct jv *v, char ***out, size_t *n)
{
	char **strv;
	size_t i;
	int ret = jv_array(v, n);

	if (ret != 1)
		return ret;
	strv = calloc(*n + 1, sizeof(*strv));
	if (!strv)
		return -ENOMEM;
	for (i = 0; i < *n; i++) {
		struct jv e = jv_at(v, i);
		const char *s = NULL;

		if (jv_string(&e, &s) != 1) {
			free(strv);
			return e.o ? -EINVAL : jv_bad(&e, "expected a string");
		}
		strv[i] = (char *)s;
	}
	*out = strv;
	return 1;
}

int jv_string_map(const struct jv *v)
{
	int ret = jv_object(v);

	if (ret <= 0)
		return ret;
	json_object_object_foreach(v->o, key, val) {
		struct jv e = jv_key(v, key);
		const char *str;

		(void)val;
		if (jv_need(&e, jv_string(&e, &str), "a string"))
			return -EINVAL;
	}
	return 1;
}

int jv_need(const struct jv *v, int got, const char *what)
{
	if (got < 0)
		return got;
	if (got)
		return 0;
	return v->null ? jv_bad(v, "expected %s, not null", what) :
			 jv_bad(v, "missing (expected %s)", what);
}
