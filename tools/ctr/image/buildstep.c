// SPDX-License-Identifier: GPL-2.0
/*
 * What every step of a build uses: its messages, its words, the stage's
 * variables, a view of the stage's files and paths in the image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

/* "ctr: Containerfile:7: COPY: ..." */
int step_err(struct build *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ctr: %s:%d: %s: ", b->cf.name, b->in->line, b->in->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void strv_add(char ***v, const char *s)
{
	size_t n = cf_strv_len(*v);

	*v = realloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = strdup(s);
	(*v)[n + 1] = NULL;
}

/* K=V into @v, replacing K's earlier value. */
void strv_setenv(char ***v, const char *kv)
{
	size_t k = strchrnul(kv, '=') - kv, i;

	for (i = 0; *v && (*v)[i]; i++)
		if (!strncmp((*v)[i], kv, k) && (*v)[i][k] == '=') {
			free((*v)[i]);
			(*v)[i] = strdup(kv);
			return;
		}
	strv_add(v, kv);
}

json_object *copy_json(json_object *o)
{
	json_object *c = NULL;

	if (o && json_object_deep_copy(o, &c, NULL))
		c = NULL;
	return c;
}

/* The variables of a stage's instructions: its ARGs, then its config's Env over them. */
char **stage_env(const struct stage *st)
{
	json_object *env;
	char **v = NULL;
	size_t i;

	for (i = 0; st->args && st->args[i]; i++)
		strv_add(&v, st->args[i]);
	if (json_object_object_get_ex(config_runtime(st->config), "Env", &env) &&
	    json_object_is_type(env, json_type_array))
		for (i = 0; i < json_object_array_length(env); i++)
			strv_add(&v, json_object_get_string(json_object_array_get_idx(env, i)));
	if (!v)
		v = calloc(1, sizeof(*v));
	return v;
}

/* The words of the step's arguments, expanded with @env. */
char **step_words(struct build *b, const char *args, char **env, bool json_form)
{
	const char *why;
	char **w = json_form ? cf_json(args) : NULL;
	size_t i;

	if (w) {
		for (i = 0; w[i]; i++) {
			char *e = cf_expand(w[i], env, &why);

			if (!e) {
				img_strv_free(w);
				return step_err(b, "%s", why), NULL;
			}
			free(w[i]);
			w[i] = e;
		}
		return w;
	}
	if (cf_words(args, env, true, &w, &why))
		return step_err(b, "%s", why), NULL;
	return w;
}

/* A read-only view of the stage's files at @dir (no mount for scratch: @dir is empty). */
int stage_view(struct build *b, const struct stage *st, char *dir, size_t len, bool *mounted)
{
	struct image img = { .config = st->config };
	char lower[16384], empty[2400], opts[20000];
	json_object *rootfs, *ids;

	*mounted = false;
	store_path(b->s, empty, sizeof(empty), "layers/empty");
	mkdir(empty, 0755);
	if (!json_object_object_get_ex(st->config, "rootfs", &rootfs) ||
	    !json_object_object_get_ex(rootfs, "diff_ids", &ids) || !json_object_array_length(ids)) {
		snprintf(dir, len, "%s", empty);
		return 0;
	}
	if (image_lowerdir(b->s, &img, lower, sizeof(lower)) || store_tmpdir(b->s, dir, len))
		return -1;
	/* overlayfs without an upper directory wants two lower ones */
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", lower, empty);
	if (mount("overlay", dir, "overlay", MS_RDONLY, opts)) {
		rmdir(dir);
		return step_err(b, "cannot mount the stage's layers: %s", strerror(errno));
	}
	*mounted = true;
	return 0;
}

void view_done(const char *dir, bool mounted)
{
	if (!mounted)
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* An absolute, clean path in the image: @p from the stage's WorkingDir. */
void image_path(const struct stage *st, const char *p, char *out, size_t len)
{
	json_object *wd;
	char joined[8400];

	if (p[0] == '/' || !json_object_object_get_ex(config_runtime(st->config), "WorkingDir", &wd))
		snprintf(joined, sizeof(joined), "/%s", p);
	else
		snprintf(joined, sizeof(joined), "%s/%s", json_object_get_string(wd), p);
	if (build_clean_path(joined, out + 1, len - 1))
		snprintf(out + 1, len - 1, "%s", "");
	out[0] = '/';
}
