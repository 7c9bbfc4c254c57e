// SPDX-License-Identifier: GPL-2.0
/*
 * build's instructions that change the image's config (ENV, ARG, LABEL,
 * USER, WORKDIR, EXPOSE, VOLUME, CMD, ENTRYPOINT, SHELL, ...), each with
 * a history entry (empty_layer); WORKDIR makes its directory in a layer
 * when the image has none.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

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

int build_arg(struct build *b, char ***scope, char **w)
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

/* An instruction that is not FROM, RUN, COPY or ADD on the current stage. */
int build_meta(struct build *b, struct stage *st)
{
	const char *cmd = b->in->cmd;
	json_object *rc = config_runtime(st->config);
	char text[8400], **env, **w = NULL, **v;
	size_t i;
	int ret = 0;

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
		ret = build_arg(b, &st->args, w);
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
