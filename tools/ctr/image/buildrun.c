// SPDX-License-Identifier: GPL-2.0
/*
 * build's RUN: the command runs through rootfs_exec on an overlay of the
 * stage's layers with a fresh upper directory, which becomes the step's
 * layer.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

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

int build_run(struct build *b, struct stage *st)
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
