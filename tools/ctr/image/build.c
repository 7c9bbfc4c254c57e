// SPDX-License-Identifier: GPL-2.0
/*
 * build: a Containerfile's steps, each on the image its stage has made so
 * far.  RUN runs through rootfs_exec on an overlay of the stage's layers
 * with a fresh upper directory, which becomes the step's layer; COPY and
 * ADD write their files into a fresh directory that does; the other
 * instructions change the config and add a history entry (empty_layer).
 *
 * A step found in the layer cache (buildcache.c) is not run again, and
 * the same steps give the same image.  This file drives them: the
 * stages, FROM and the global ARGs, and the image written with its tags.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "build.h"

const struct stage *build_find_stage(struct build *b, const char *name)
{
	char *end;
	unsigned long i = strtoul(name, &end, 10);

	if (*name && !*end)
		return i < b->nst - 1 ? &b->st[i] : NULL;
	for (i = 0; i + 1 < b->nst; i++)
		if (b->st[i].name[0] && !strcasecmp(b->st[i].name, name))
			return &b->st[i];
	return NULL;
}

static int do_from(struct build *b, char **w)
{
	struct stage *st;
	const struct stage *prev;
	struct image img;
	size_t n = cf_strv_len(w);

	if (n && !strncmp(w[0], "--platform=", 11)) {
		if (strcmp(w[0] + 11, "linux/amd64"))
			return step_err(b, "%s: this build makes linux/amd64 images", w[0]);
		w++;
		n--;
	}
	if (n != 1 && !(n == 3 && !strcasecmp(w[1], "AS")))
		return step_err(b, "expected FROM IMAGE [AS NAME]");
	b->st = realloc(b->st, (b->nst + 1) * sizeof(*b->st));
	st = &b->st[b->nst++];
	memset(st, 0, sizeof(*st));
	if (n == 3)
		snprintf(st->name, sizeof(st->name), "%s", w[2]);
	prev = build_find_stage(b, w[0]);
	if (!strcmp(w[0], "scratch")) {
		json_object *h;

		st->config = config_new();
		json_object_object_get_ex(st->config, "history", &h);
		st->layers = json_object_new_array();
		img_digest_buf("scratch", 7, st->chain);
	} else if (prev && !(*w[0] >= '0' && *w[0] <= '9')) {
		st->config = copy_json(prev->config);
		st->layers = copy_json(prev->layers);
		snprintf(st->chain, sizeof(st->chain), "%s", prev->chain);
	} else {
		json_object *layers;

		if (image_find(b->s, w[0], &img))
			return step_err(b, "no image %s (pull, load or build it first)", w[0]);
		if (image_unpack(b->s, &img)) {
			image_free(&img);
			return -1;
		}
		st->config = copy_json(img.config);
		json_object_object_get_ex(img.manifest, "layers", &layers);
		st->layers = layers ? copy_json(layers) : json_object_new_array();
		snprintf(st->chain, sizeof(st->chain), "%s", img.digest);
		image_free(&img);
	}
	return 0;
}

/* One instruction on the current stage. */
static int step(struct build *b, struct stage *st)
{
	if (!strcmp(b->in->cmd, "RUN"))
		return build_run(b, st);
	if (!strcmp(b->in->cmd, "COPY") || !strcmp(b->in->cmd, "ADD"))
		return build_copy(b, st, b->in->cmd[0] == 'A');
	return build_meta(b, st);
}
static int run_build(struct build *b, const char *target, char **tags)
{
	size_t i, nsteps = b->cf.n;
	struct stage *st = NULL;
	struct image img;
	int ret = 0;

	if (!nsteps)
		return img_err("%s has no instructions", b->cf.name);
	for (i = 0; i < nsteps && !ret; i++) {
		b->in = &b->cf.v[i];
		printf("STEP %zu/%zu: %s %s\n", i + 1, nsteps, b->in->cmd, b->in->args);
		fflush(stdout);
		if (!*b->in->args) {
			ret = step_err(b, "needs arguments");
			break;
		}
		if (!strcmp(b->in->cmd, "FROM")) {
			char **w;
			const char *why;

			if (cf_words(b->in->args, b->global_args, true, &w, &why)) {
				ret = step_err(b, "%s", why);
				break;
			}
			ret = do_from(b, w);
			img_strv_free(w);
			st = ret ? NULL : &b->st[b->nst - 1];
		} else if (!st && !strcmp(b->in->cmd, "ARG")) {
			char **w;
			const char *why;

			if (cf_words(b->in->args, b->global_args, true, &w, &why))
				ret = step_err(b, "%s", why);
			else
				ret = build_arg(b, &b->global_args, w);
			img_strv_free(w);
		} else if (!st) {
			ret = step_err(b, "comes before the first FROM");
		} else {
			ret = step(b, st);
		}
	}
	if (ret)
		return -1;
	if (!st)
		return img_err("%s has no FROM", b->cf.name);
	if (target) {
		for (i = 0; i < b->nst && strcasecmp(b->st[i].name, target); i++)
			;
		if (i == b->nst)
			return img_err("--target %s: no stage is named so (FROM IMAGE AS %s)", target, target);
		st = &b->st[i];
	}
	printf("COMMIT %s\n", tags && tags[0] ? tags[0] : "");
	if (image_write(b->s, st->config, st->layers, tags ? tags[0] : NULL, &img))
		return -1;
	for (i = 1; tags && tags[i] && !ret; i++) {
		char *data;
		size_t len;

		ret = blob_read(b->s, img.digest, IMG_MAX_MANIFEST, &data, &len);
		if (!ret) {
			ret = index_tag(b->s, tags[i], img.digest, len);
			free(data);
		}
	}
	printf("--> %.12s\n", img_digest_hex(img.config_digest));
	for (i = 0; tags && tags[i]; i++)
		printf("Successfully tagged %s\n", tags[i]);
	printf("%s\n", img_digest_hex(img.config_digest));
	image_free(&img);
	return ret;
}

int image__build(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "tag", required_argument, NULL, 't' }, { "file", required_argument, NULL, 'f' },
		{ "build-arg", required_argument, NULL, 'a' }, { "no-cache", no_argument, NULL, 'n' },
		{ "target", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build b = { .s = s };
	const char *file = NULL, *target = NULL;
	char **tags = NULL, name[512], path[PATH_MAX + 32];
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, "t:f:h", o, NULL)) != -1) {
		switch (c) {
		case 't':
			if (ref_normalize(optarg, name, sizeof(name)))
				return img_strv_free(tags), 1;
			strv_add(&tags, name);
			break;
		case 'f': file = optarg; break;
		case 'a':
			if (!strchr(optarg, '='))
				/* Docker: a bare NAME takes the value from the environment */
				if (getenv(optarg)) {
					char kv[8400];

					snprintf(kv, sizeof(kv), "%s=%s", optarg, getenv(optarg));
					strv_setenv(&b.build_args, kv);
					break;
				}
			strv_setenv(&b.build_args, optarg);
			break;
		case 'n': b.no_cache = true; break;
		case 'T': target = optarg; break;
		case 'h': return img_verb_usage(stdout);
		default: return img_verb_usage(stderr);
		}
	}
	if (optind + 1 < argc)
		return img_err("ctr build takes one context directory (got \"%s\" too)", argv[optind + 1]), 1;
	if (!realpath(optind < argc ? argv[optind] : ".", b.ctx))
		return img_err("build context %s: %s", optind < argc ? argv[optind] : ".", strerror(errno)), 1;
	if (!file) {
		snprintf(path, sizeof(path), "%s/Containerfile", b.ctx);
		if (access(path, F_OK))
			snprintf(path, sizeof(path), "%s/Dockerfile", b.ctx);
	} else {
		snprintf(path, sizeof(path), "%s", file);
	}
	if (containerfile_read(path, strrchr(path, '/') ? strrchr(path, '/') + 1 : path, &b.cf))
		return 1;
	/* the overlays of the steps' views are ours alone, and go with us */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return img_err("cannot make a mount namespace for the build: %s (run as root)", strerror(errno)), 1;
	b.ig = build_ignore_load(b.ctx);
	ret = store_lock(s) || run_build(&b, target, tags);
	for (i = 0; i < b.nst; i++) {
		json_object_put(b.st[i].config);
		json_object_put(b.st[i].layers);
		img_strv_free(b.st[i].args);
		img_strv_free(b.st[i].shell);
	}
	free(b.st);
	build_ignore_free(b.ig);
	containerfile_free(&b.cf);
	img_strv_free(b.build_args);
	img_strv_free(b.global_args);
	img_strv_free(tags);
	return ret ? 1 : 0;
}
