// SPDX-License-Identifier: GPL-2.0
/*
 * build: a Containerfile's steps, each on the image its stage has made so
 * far.  RUN runs through rootfs_exec on an overlay of the stage's layers
 * with a fresh upper directory, which becomes the step's layer; COPY and
 * ADD write their files into a fresh directory that does; the other
 * instructions change the config and add a history entry (empty_layer).
 *
 * The layer cache: each step's key is the sha256 of the key before it
 * (the base image's manifest digest at FROM), the instruction after
 * substitution and, for COPY and ADD, the digest of the files copied
 * (names, modes, contents); build-cache/KEY.json keeps what the step gave
 * (its history entry, and its layer's descriptor and diff_id).  A step
 * found there is not run again, and the same steps give the same image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* "ctr: Containerfile:7: COPY: ..." */
static int step_err(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int step_err(struct build *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ctr: %s:%d: %s: ", b->cf.name, b->in->line, b->in->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void strv_add(char ***v, const char *s)
{
	size_t n = cf_strv_len(*v);

	*v = realloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = strdup(s);
	(*v)[n + 1] = NULL;
}

/* K=V into @v, replacing K's earlier value. */
static void strv_setenv(char ***v, const char *kv)
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

static json_object *copy_json(json_object *o)
{
	json_object *c = NULL;

	if (o && json_object_deep_copy(o, &c, NULL))
		c = NULL;
	return c;
}

/* The variables of a stage's instructions: its ARGs, then its config's Env over them. */
static char **stage_env(const struct stage *st)
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
static char **step_words(struct build *b, const char *args, char **env, bool json_form)
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

/* ---- the cache ---- */

static void step_key(const struct stage *st, const char *text, const char *extra,
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
	json_object *h, *l, *id, *rootfs, *ids, *hist, *created;

	json_object_object_get_ex(result, "history", &h);
	if (!json_object_object_get_ex(st->config, "history", &hist) ||
	    !json_object_is_type(hist, json_type_array)) {
		hist = json_object_new_array();
		json_object_object_add(st->config, "history", hist);
	}
	json_object_array_add(hist, json_object_get(h));
	if (json_object_object_get_ex(h, "created", &created))
		json_object_object_add(st->config, "created", json_object_get(created));
	if (json_object_object_get_ex(result, "layer", &l) &&
	    json_object_object_get_ex(result, "diff_id", &id)) {
		json_object_array_add(st->layers, json_object_get(l));
		if (!json_object_object_get_ex(st->config, "rootfs", &rootfs)) {
			rootfs = json_object_new_object();
			json_object_object_add(rootfs, "type", json_object_new_string("layers"));
			json_object_object_add(st->config, "rootfs", rootfs);
		}
		if (!json_object_object_get_ex(rootfs, "diff_ids", &ids)) {
			ids = json_object_new_array();
			json_object_object_add(rootfs, "diff_ids", ids);
		}
		json_object_array_add(ids, json_object_get(id));
	}
	snprintf(st->chain, sizeof(st->chain), "%s", key);
}

/* The step @key from the cache into the stage, if it is there. */
static bool from_cache(struct build *b, struct stage *st, const char *key)
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
	json_object *r = json_object_new_object(), *h = json_object_new_object();
	char now[64];

	img_now(now, sizeof(now));
	json_object_object_add(h, "created", json_object_new_string(now));
	json_object_object_add(h, "created_by", json_object_new_string(created_by));
	if (empty)
		json_object_object_add(h, "empty_layer", json_object_new_boolean(1));
	json_object_object_add(r, "history", h);
	return r;
}

/* A step that changes the config only: its history entry (cached, so the image repeats). */
static int nop_step(struct build *b, struct stage *st, const char *text)
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

/* ---- the stage's files ---- */

/* A read-only view of the stage's files at @dir (no mount for scratch: @dir is empty). */
static int stage_view(struct build *b, const struct stage *st, char *dir, size_t len, bool *mounted)
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

static void view_done(const char *dir, bool mounted)
{
	if (!mounted)
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* The id of user or group @name in the stage's /etc/passwd or /etc/group (numeric: itself). */
static int lookup_id(const char *view, const char *file, const char *name, unsigned *id)
{
	char p[2400], *line = NULL, *end;
	size_t cap = 0, n = strlen(name);
	int ret = -1;
	FILE *f;

	*id = strtoul(name, &end, 10);
	if (*name && !*end)
		return 0;
	snprintf(p, sizeof(p), "%s/etc/%s", view, file);
	f = fopen(p, "re");
	while (f && ret && getline(&line, &cap, f) >= 0) {
		char *c = strchr(line, ':');

		if (c && (size_t)(c - line) == n && !strncmp(line, name, n) && (c = strchr(c + 1, ':'))) {
			*id = strtoul(c + 1, NULL, 10);
			ret = 0;
		}
	}
	free(line);
	if (f)
		fclose(f);
	return ret;
}

/*
 * A layer of the directory @dir (@upper: an overlay upper directory) as
 * the step's result: cached under @key and applied to @st.
 */
static int layer_step(struct build *b, struct stage *st, const char *key, const char *dir,
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

/* An absolute, clean path in the image: @p from the stage's WorkingDir. */
static void image_path(const struct stage *st, const char *p, char *out, size_t len)
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

/* ---- instructions ---- */

/*
 * The mount points the runtime made for RUN (/proc, /dev, ...) where the
 * image had none: not the command's doing, so not in its layer.
 */
static void drop_mount_points(struct build *b, const struct stage *st, const char *upper)
{
	static const char *const points[] = { "proc", "sys", "dev", "run", "etc/hosts",
					      "etc/resolv.conf", "etc/hostname" };
	char view[2400], p[8400], v[8400];
	struct stat sb;
	bool mounted;
	size_t i;

	if (stage_view(b, st, view, sizeof(view), &mounted))
		return;
	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		snprintf(v, sizeof(v), "%s/%s", view, points[i]);
		snprintf(p, sizeof(p), "%s/%s", upper, points[i]);
		if (!lstat(v, &sb) || lstat(p, &sb))
			continue;
		if (S_ISDIR(sb.st_mode))
			rmdir(p);	/* only if empty */
		else if (S_ISREG(sb.st_mode) && !sb.st_size)
			unlink(p);
	}
	view_done(view, mounted);
}

static int do_run(struct build *b, struct stage *st)
{
	char key[IMG_DIGEST_LEN], text[8400], dir[2400], upper[2500], lower[16384], by[8400];
	struct image img = { .config = st->config };
	char **argv = cf_json(b->in->args), **env, *extra;
	json_object *rc;
	size_t i, len = 0;
	int status, ret;

	if (!strncmp(b->in->args, "--", 2))
		return step_err(b, "RUN's flags (%.40s) are not supported", b->in->args);
	if (!argv) {
		char *const def[] = { "/bin/sh", "-c", NULL };
		char *const *sh = st->shell ? st->shell : def;

		for (i = 0; sh[i]; i++)
			strv_add(&argv, sh[i]);
		strv_add(&argv, b->in->args);
	}
	if (!argv[0]) {
		img_strv_free(argv);
		return step_err(b, "nothing to run");
	}
	snprintf(text, sizeof(text), "RUN %s", b->in->args);
	/* the build arguments are the command's environment too */
	for (i = 0; st->args && st->args[i]; i++)
		len += strlen(st->args[i]) + 1;
	extra = calloc(1, len + 1);
	for (i = 0; st->args && st->args[i]; i++)
		strcat(strcat(extra, st->args[i]), "\n");
	step_key(st, text, extra, key);
	free(extra);
	if (from_cache(b, st, key)) {
		img_strv_free(argv);
		return 0;
	}
	if (image_lowerdir(b->s, &img, lower, sizeof(lower)) || store_tmpdir(b->s, dir, sizeof(dir))) {
		img_strv_free(argv);
		return -1;
	}
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	rc = copy_json(config_runtime(st->config));
	env = stage_env(st);
	{
		json_object *e = json_object_new_array();

		for (i = 0; env[i]; i++) {
			size_t j, k = strchrnul(env[i], '=') - env[i];

			/* ENV over ARG: the last of a name wins */
			for (j = i + 1; env[j] && !(!strncmp(env[j], env[i], k) && env[j][k] == '='); j++)
				;
			if (!env[j])
				json_object_array_add(e, json_object_new_string(env[i]));
		}
		json_object_object_add(rc, "Env", e);
	}
	img_strv_free(env);
	fflush(stdout);
	ret = rootfs_exec(b->s, lower, upper, rc, argv, NULL, &status);
	json_object_put(rc);
	if (!ret && status) {
		ret = step_err(b, "%s exited with status %d", b->in->args, status);
	} else if (!ret) {
		drop_mount_points(b, st, upper);
		snprintf(by, sizeof(by), "/bin/sh -c %s", b->in->args);
		ret = layer_step(b, st, key, upper, true, by);
	}
	img_strv_free(argv);
	img_rmtree(dir);
	return ret;
}

static const struct stage *find_stage(struct build *b, const char *name)
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

static bool is_url(const char *s)
{
	return strstr(s, "://") || !strncmp(s, "git@", 4);
}

static int do_copy(struct build *b, struct stage *st, bool add)
{
	char key[IMG_DIGEST_LEN], files[IMG_DIGEST_LEN], text[8400], dest[4200], why[1024];
	char view[2400], from_view[2400], dir[2400], upper[2500], extra[200], by[9000];
	const char *from = NULL, *chown = NULL, *args = b->in->args;
	struct copy_list l = { 0 };
	char **env = stage_env(st), **w = NULL, flag[256];
	bool mounted = false, from_mounted = false, dest_dir;
	struct stat sb;
	size_t n, i;
	unsigned uid = 0, gid = 0;
	struct stage from_st = { 0 };
	struct image from_img = { 0 };
	int ret = -1;

	/* --from=, --chown=, --chmod= and --link before the sources */
	while (!strncmp(args, "--", 2)) {
		size_t fl = strcspn(args, " \t");

		snprintf(flag, sizeof(flag), "%.*s", (int)fl, args);
		args += fl;
		while (*args == ' ' || *args == '\t')
			args++;
		if (!strncmp(flag, "--from=", 7) && !add)
			from = flag[7] ? strdup(flag + 7) : NULL;
		else if (!strncmp(flag, "--chown=", 8))
			chown = strdup(flag + 8);
		else if (strcmp(flag, "--link"))
			return img_strv_free(env), step_err(b, "the flag %s is not supported", flag);
	}
	w = step_words(b, args, env, true);
	if (!w)
		goto out;
	n = cf_strv_len(w);
	if (n < 2) {
		step_err(b, "give at least one source and a destination");
		goto out;
	}
	for (i = 0; add && i + 1 < n; i++)
		if (is_url(w[i])) {
			step_err(b, "%s: ctr build does not download (no network fetch in builds): fetch it into the build context, then COPY it",
				 w[i]);
			goto out;
		}
	image_path(st, w[n - 1], dest, sizeof(dest));
	if (stage_view(b, st, view, sizeof(view), &mounted))
		goto out;
	dest_dir = w[n - 1][strlen(w[n - 1]) - 1] == '/' || n > 2;
	for (i = 0; i + 1 < n; i++)
		dest_dir |= strpbrk(w[i], "*?[") != NULL;
	{
		char vp[8400];

		snprintf(vp, sizeof(vp), "%s%s", view, dest);
		dest_dir |= !stat(vp, &sb) && S_ISDIR(sb.st_mode);
	}
	free(w[n - 1]);
	w[n - 1] = NULL;
	snprintf(extra, sizeof(extra), "context");
	if (from) {
		const struct stage *fs = find_stage(b, from);

		if (fs) {
			from_st = *fs;
			snprintf(extra, sizeof(extra), "%s", fs->chain);
		} else {
			if (image_find(b->s, from, &from_img) || image_unpack(b->s, &from_img)) {
				step_err(b, "--from=%s: neither an earlier stage nor an image in the store", from);
				goto out;
			}
			from_st.config = from_img.config;
			snprintf(extra, sizeof(extra), "%s", from_img.digest);
		}
		if (stage_view(b, &from_st, from_view, sizeof(from_view), &from_mounted))
			goto out;
	}
	if (copy_collect(from ? from_view : b->ctx, from ? NULL : b->ig, w, dest + 1, dest_dir, add, &l,
			 why, sizeof(why))) {
		step_err(b, "%s", why);
		goto out;
	}
	if (chown) {
		char u[256], *colon;

		snprintf(u, sizeof(u), "%s", chown);
		colon = strchr(u, ':');
		if (colon)
			*colon++ = 0;
		if (lookup_id(view, "passwd", u, &uid) ||
		    lookup_id(view, "group", colon ? colon : u, &gid)) {
			step_err(b, "--chown=%s: no such user or group in the image's /etc/passwd, /etc/group", chown);
			goto out;
		}
	}
	if (copy_digest(&l, files))
		goto out;
	snprintf(text, sizeof(text), "%s %s", b->in->cmd, b->in->args);
	snprintf(by, sizeof(by), "%s:%s", extra, files);
	step_key(st, text, by, key);
	if (from_cache(b, st, key)) {
		ret = 0;
		goto out;
	}
	if (store_tmpdir(b->s, dir, sizeof(dir)))
		goto out;
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	if (mkdir(upper, 0755)) {
		img_err("cannot make %s: %s", upper, strerror(errno));
	} else if (copy_apply(&l, upper, view, chown != NULL, uid, gid, why, sizeof(why))) {
		if (why[0])
			step_err(b, "%s", why);
	} else {
		snprintf(by, sizeof(by), "/bin/sh -c #(nop) %s %s in %s", b->in->cmd, files, dest);
		ret = layer_step(b, st, key, upper, false, by);
	}
	img_rmtree(dir);
out:
	view_done(view, mounted);
	if (from)
		view_done(from_view, from_mounted);
	image_free(&from_img);
	copy_list_free(&l);
	img_strv_free(w);
	img_strv_free(env);
	free((char *)from);
	free((char *)chown);
	return ret;
}

static int do_workdir(struct build *b, struct stage *st, char **w)
{
	char path[4200], view[2400], vp[8400], text[4400], key[IMG_DIGEST_LEN], dir[2400], up[2500];
	bool mounted;
	struct stat sb;
	int ret = 0;

	if (cf_strv_len(w) != 1)
		return step_err(b, "give one directory");
	image_path(st, w[0], path, sizeof(path));
	json_object_object_add(config_runtime(st->config), "WorkingDir", json_object_new_string(path));
	snprintf(text, sizeof(text), "WORKDIR %s", path);
	step_key(st, text, NULL, key);
	if (from_cache(b, st, key))
		return 0;
	if (stage_view(b, st, view, sizeof(view), &mounted))
		return -1;
	snprintf(vp, sizeof(vp), "%s%s", view, path);
	if (!lstat(vp, &sb)) {
		view_done(view, mounted);
		if (!S_ISDIR(sb.st_mode))
			return step_err(b, "%s is not a directory in the image", path);
		return nop_step(b, st, text);
	}
	/* made, as BuildKit does, in a layer of its own */
	if (store_tmpdir(b->s, dir, sizeof(dir))) {
		view_done(view, mounted);
		return -1;
	}
	snprintf(up, sizeof(up), "%s/upper", dir);
	{
		struct copy_list l = { 0 };
		struct stat dst = { .st_mode = S_IFDIR | 0755 };
		char why[512];

		l.v = &(struct copy_item){ .src = "", .dst = path + 1, .st = dst };
		l.n = 1;
		if (mkdir(up, 0755) || copy_apply(&l, up, view, false, 0, 0, why, sizeof(why)))
			ret = step_err(b, "cannot make %s", path);
	}
	view_done(view, mounted);
	if (!ret) {
		snprintf(vp, sizeof(vp), "/bin/sh -c #(nop) %s", text);
		ret = layer_step(b, st, key, up, false, vp);
	}
	img_rmtree(dir);
	return ret;
}

static void set_array(json_object *rc, const char *key, char **v)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(rc, key, a);
}

/* CMD and ENTRYPOINT: the exec (JSON) form, or the shell form. */
static char **exec_or_shell(const struct stage *st, const char *args)
{
	char **v = cf_json(args);
	size_t i;

	if (v)
		return v;
	if (st->shell) {
		for (i = 0; st->shell[i]; i++)
			strv_add(&v, st->shell[i]);
	} else {
		strv_add(&v, "/bin/sh");
		strv_add(&v, "-c");
	}
	strv_add(&v, args);
	return v;
}

static int do_arg(struct build *b, char ***scope, char **w)
{
	size_t i, k;

	for (i = 0; w[i]; i++) {
		const char *eq = strchr(w[i], '='), *v;
		char kv[8400];

		k = eq ? (size_t)(eq - w[i]) : strlen(w[i]);
		if (!k)
			return step_err(b, "\"%s\" is not NAME or NAME=default", w[i]);
		v = cf_getenv(b->build_args, w[i], k);
		if (!v)
			v = eq ? eq + 1 : NULL;
		if (!v && scope != &b->global_args)
			v = cf_getenv(b->global_args, w[i], k);
		if (v) {
			snprintf(kv, sizeof(kv), "%.*s=%s", (int)k, w[i], v);
			strv_setenv(scope, kv);
		}
	}
	return 0;
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
	prev = find_stage(b, w[0]);
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

/* ENV K=V ..., or the older ENV K V. */
static int do_env(struct build *b, struct stage *st, char **w, char *text, size_t tlen)
{
	json_object *rc = config_runtime(st->config), *env;
	char **kv = NULL, **cur = NULL;
	size_t i, n = cf_strv_len(w), o;

	if (!n)
		return step_err(b, "give NAME=VALUE");
	if (!strchr(w[0], '=')) {
		char joined[8400] = "";

		for (i = 1; i < n; i++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
				 i > 1 ? " " : "", w[i]);
		if (n < 2)
			return step_err(b, "%s has no value", w[0]);
		snprintf(text, tlen, "%s=%s", w[0], joined);
		strv_add(&kv, text);
	} else {
		for (i = 0; i < n; i++) {
			if (!strchr(w[i], '=') || w[i][0] == '=') {
				img_strv_free(kv);
				return step_err(b, "\"%s\" is not NAME=VALUE", w[i]);
			}
			strv_add(&kv, w[i]);
		}
	}
	if (json_object_object_get_ex(rc, "Env", &env) && json_object_is_type(env, json_type_array))
		for (i = 0; i < json_object_array_length(env); i++)
			strv_add(&cur, json_object_get_string(json_object_array_get_idx(env, i)));
	o = snprintf(text, tlen, "ENV");
	for (i = 0; kv[i]; i++) {
		strv_setenv(&cur, kv[i]);
		o += snprintf(text + o, o < tlen ? tlen - o : 0, " %s", kv[i]);
	}
	set_array(rc, "Env", cur);
	img_strv_free(cur);
	img_strv_free(kv);
	return 0;
}

static json_object *obj_at(json_object *rc, const char *key)
{
	json_object *o;

	if (!json_object_object_get_ex(rc, key, &o) || !json_object_is_type(o, json_type_object)) {
		o = json_object_new_object();
		json_object_object_add(rc, key, o);
	}
	return o;
}

/* One instruction on the current stage. */
static int step(struct build *b, struct stage *st)
{
	const char *cmd = b->in->cmd;
	json_object *rc = config_runtime(st->config);
	char text[8400], **env, **w = NULL, **v;
	size_t i;
	int ret = 0;

	if (!strcmp(cmd, "RUN"))
		return do_run(b, st);
	if (!strcmp(cmd, "COPY") || !strcmp(cmd, "ADD"))
		return do_copy(b, st, cmd[0] == 'A');
	snprintf(text, sizeof(text), "%s %s", cmd, b->in->args);
	if (!strcmp(cmd, "CMD") || !strcmp(cmd, "ENTRYPOINT")) {
		v = exec_or_shell(st, b->in->args);
		set_array(rc, cmd[0] == 'C' ? "Cmd" : "Entrypoint", v);
		if (cmd[0] == 'C')
			st->cmd_set = true;
		else if (!st->cmd_set)
			json_object_object_del(rc, "Cmd");	/* the base's Cmd was for its Entrypoint */
		img_strv_free(v);
		return nop_step(b, st, text);
	}
	if (!strcmp(cmd, "SHELL")) {
		v = cf_json(b->in->args);
		if (!v || !v[0])
			return img_strv_free(v), step_err(b, "SHELL takes the JSON form: SHELL [\"/bin/sh\", \"-c\"]");
		img_strv_free(st->shell);
		st->shell = v;
		return nop_step(b, st, text);
	}
	if (!strcmp(cmd, "ONBUILD") || !strcmp(cmd, "HEALTHCHECK")) {
		img_warn("%s:%d: %s is not kept in OCI images: ignored", b->cf.name, b->in->line, cmd);
		return nop_step(b, st, text);
	}
	env = stage_env(st);
	w = step_words(b, b->in->args, env, !strcmp(cmd, "VOLUME"));
	img_strv_free(env);
	if (!w)
		return -1;
	if (!strcmp(cmd, "ARG")) {
		ret = do_arg(b, &st->args, w);
		snprintf(text, sizeof(text), "ARG");
		for (i = 0; !ret && w[i]; i++) {
			size_t k = strchrnul(w[i], '=') - w[i];
			const char *val = cf_getenv(st->args, w[i], k);

			snprintf(text + strlen(text), sizeof(text) - strlen(text), " %.*s%s%s", (int)k,
				 w[i], val ? "=" : "", val ? val : "");
		}
		if (!ret)
			ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "ENV")) {
		ret = do_env(b, st, w, text, sizeof(text));
		if (!ret)
			ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "LABEL")) {
		json_object *labels = obj_at(rc, "Labels");

		for (i = 0; w[i] && !ret; i++) {
			char *eq = strchr(w[i], '=');

			if (!eq || eq == w[i]) {
				ret = step_err(b, "\"%s\" is not KEY=VALUE", w[i]);
				break;
			}
			*eq = 0;
			json_object_object_add(labels, w[i], json_object_new_string(eq + 1));
			*eq = '=';
		}
		if (!ret)
			ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "EXPOSE")) {
		json_object *ports = obj_at(rc, "ExposedPorts");

		for (i = 0; w[i]; i++) {
			char port[300];

			snprintf(port, sizeof(port), "%s%s", w[i], strchr(w[i], '/') ? "" : "/tcp");
			json_object_object_add(ports, port, json_object_new_object());
		}
		ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "VOLUME")) {
		json_object *vols = obj_at(rc, "Volumes");

		for (i = 0; w[i]; i++)
			json_object_object_add(vols, w[i], json_object_new_object());
		ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "USER") || !strcmp(cmd, "STOPSIGNAL")) {
		if (cf_strv_len(w) != 1)
			ret = step_err(b, "give one value");
		else
			json_object_object_add(rc, cmd[0] == 'U' ? "User" : "StopSignal",
					       json_object_new_string(w[0]));
		snprintf(text, sizeof(text), "%s %s", cmd, w[0] ? w[0] : "");
		if (!ret)
			ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "MAINTAINER")) {
		json_object_object_add(st->config, "author", json_object_new_string(b->in->args));
		ret = nop_step(b, st, text);
	} else if (!strcmp(cmd, "WORKDIR")) {
		ret = do_workdir(b, st, w);
	} else {
		ret = step_err(b, "unknown instruction (see the Containerfile reference)");
	}
	img_strv_free(w);
	return ret;
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
				ret = do_arg(b, &b->global_args, w);
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
