// SPDX-License-Identifier: GPL-2.0
/*
 * build's COPY and ADD instructions: their flags (--from= a stage or an
 * image, --chown=), the files (buildcopy.c) and the step's new layer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

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

static bool is_url(const char *s)
{
	return strstr(s, "://") || !strncmp(s, "git@", 4);
}

int build_copy(struct build *b, struct stage *st, bool add)
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
		const struct stage *fs = build_find_stage(b, from);

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
