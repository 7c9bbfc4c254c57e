/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctr build's internals, shared by its files: build.c (the driver: the
 * Containerfile's steps, stages, FROM, the image written), buildstep.c
 * (what every step uses: messages, words, the stage's variables and
 * files), buildcache.c (the layer cache and a step's result), buildmeta.c
 * (the instructions that change the config), buildrun.c (RUN) and
 * buildcopystep.c (COPY and ADD; buildcopy.c has their files).
 */
#ifndef CTR_BUILD_H
#define CTR_BUILD_H

#include <limits.h>

#include "image.h"

struct stage {
	char name[128];
	json_object *config, *layers;	/* the image being made: its config, its layers */
	char chain[IMG_DIGEST_LEN];	/* the cache key of the last step */
	char **args;			/* ARG values in scope, K=V */
	char **shell;			/* SHELL, for RUN's shell form */
	bool cmd_set;			/* CMD given in this stage (ENTRYPOINT keeps it) */
};

struct build {
	struct store *s;
	char ctx[PATH_MAX];
	struct containerfile cf;
	char **build_args, **global_args;
	struct stage *st;
	size_t nst;
	struct build_ignore *ig;
	bool no_cache;
	const struct cf_insn *in;	/* the step being run, for messages */
};

/* ---- buildstep.c ---- */
/* "ctr: Containerfile:7: COPY: ...": -1 */
int step_err(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* @s appended to the NULL-terminated @v (NULL: empty) */
void strv_add(char ***v, const char *s);
/* K=V into @v, replacing K's earlier value. */
void strv_setenv(char ***v, const char *kv);
/* A deep copy (NULL for NULL). */
json_object *copy_json(json_object *o);
/* The variables of a stage's instructions: its ARGs, then its config's Env over them. */
char **stage_env(const struct stage *st);
/* The words of the step's arguments, expanded with @env (@json_form: the exec form too). */
char **step_words(struct build *b, const char *args, char **env, bool json_form);
/* A read-only view of the stage's files at @dir; view_done() when done with it. */
int stage_view(struct build *b, const struct stage *st, char *dir, size_t len, bool *mounted);
void view_done(const char *dir, bool mounted);
/* An absolute, clean path in the image: @p from the stage's WorkingDir. */
void image_path(const struct stage *st, const char *p, char *out, size_t len);

/* ---- buildcache.c ---- */
/* The cache key of the step @text (@extra: what else it depends on) after the stage's last. */
void step_key(const struct stage *st, const char *text, const char *extra,
	      char key[IMG_DIGEST_LEN]);
/* The step @key from the cache into the stage, if it is there (and --no-cache is not). */
bool from_cache(struct build *b, struct stage *st, const char *key);
/* A step that changes the config only: its history entry (cached, so the image repeats). */
int nop_step(struct build *b, struct stage *st, const char *text);
/* A layer of @dir (@upper: an overlay upper directory): cached under @key, applied to @st. */
int layer_step(struct build *b, struct stage *st, const char *key, const char *dir, bool upper,
	       const char *by);

/* ---- the instructions; b->in is the step ---- */
int build_run(struct build *b, struct stage *st);		/* buildrun.c */
int build_copy(struct build *b, struct stage *st, bool add);	/* buildcopystep.c */
/* buildmeta.c: every other instruction but FROM */
int build_meta(struct build *b, struct stage *st);
/* ARG's words @w into @scope (a stage's args, or before the first FROM the global ones) */
int build_arg(struct build *b, char ***scope, char **w);
/* build.c: an earlier stage by name or number, or NULL */
const struct stage *build_find_stage(struct build *b, const char *name);

#endif /* CTR_BUILD_H */
