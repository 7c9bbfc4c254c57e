// SPDX-License-Identifier: GPL-2.0
/* The verbs that look at and name images: ls, inspect, tag, rm, history. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

bool img_args(int argc, char **argv, const char *flag, bool *set, int min, int max, int *status)
{
	const struct option o[] = {
		{ flag ? flag : "help", no_argument, NULL, flag ? flag[0] : 'h' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	char shorts[3] = { 'h', flag ? flag[0] : 0, 0 };
	int c, n;

	while ((c = getopt_long(argc, argv, shorts, o, NULL)) != -1) {
		if (!flag || c != flag[0]) {
			*status = img_verb_usage(c == 'h' ? stdout : stderr);
			return false;
		}
		*set = true;
	}
	n = argc - optind;
	if (n < min || (max >= 0 && n > max)) {
		*status = img_verb_usage(stderr);
		return false;
	}
	return true;
}

uint64_t image_size(const struct image *img)
{
	json_object *layers, *sz;
	uint64_t total = 0;
	size_t i;

	if (json_object_object_get_ex(img->manifest, "layers", &layers))
		for (i = 0; i < json_object_array_length(layers); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(layers, i), "size", &sz))
				total += json_object_get_int64(sz);
	return total;
}

void img_human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.3g %s" : "%.0f %s", v, unit[u]);
}

void img_print_json(json_object *j)
{
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char *config_string(json_object *config, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(config, key, &v) ? json_object_get_string(v) : "";
}

int images__list(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_object *out = json_object_new_array();
	bool json = false, quiet = false;
	char **all;
	size_t i, j;
	int c;

	while ((c = getopt_long(argc, argv, "qah", o, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "table"))
				return img_err("--format %s: use table or json", optarg) ? 1 : 1;
			json = !strcmp(optarg, "json");
			break;
		case 'q': quiet = true; break;
		case 'a': break;	/* every image is listed: there are no intermediate ones */
		case 'h': return img_verb_usage(stdout);
		default: return img_verb_usage(stderr);
		}
	}
	if (optind < argc)
		return img_err("ctr images takes no arguments (got \"%s\")", argv[optind]) ? 1 : 1;
	if (index_manifests(s, &all))
		return 1;
	if (!json && !quiet)
		printf("%-40s %-16s %-14s %-22s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
	for (i = 0; all[i]; i++) {
		struct image img;
		char **names, size[32], repo[512], tag[160];
		json_object *jn;

		if (image_load(s, all[i], &img))
			continue;
		names = index_names(s, all[i]);
		img_human_size(image_size(&img), size, sizeof(size));
		if (json) {
			json_object *e = json_object_new_object();

			jn = json_object_new_array();
			for (j = 0; names[j]; j++)
				json_object_array_add(jn, json_object_new_string(names[j]));
			json_object_object_add(e, "Id", json_object_new_string(img_digest_hex(img.config_digest)));
			json_object_object_add(e, "Digest", json_object_new_string(img.digest));
			json_object_object_add(e, "Names", jn);
			json_object_object_add(e, "Created", json_object_new_string(config_string(img.config, "created")));
			json_object_object_add(e, "Size", json_object_new_int64(image_size(&img)));
			json_object_array_add(out, e);
		} else if (quiet) {
			printf("%.12s\n", img_digest_hex(img.config_digest));
		} else {
			for (j = 0; names[j] || !j; j++) {
				const char *colon;

				if (!names[j]) {
					strcpy(repo, "<none>");
					strcpy(tag, "<none>");
				} else {
					colon = strrchr(names[j], ':');
					snprintf(repo, sizeof(repo), "%.*s", (int)(colon - names[j]), names[j]);
					snprintf(tag, sizeof(tag), "%s", colon + 1);
				}
				printf("%-40s %-16s %-14.12s %-22s %s\n", repo, tag,
				       img_digest_hex(img.config_digest),
				       config_string(img.config, "created"), size);
				if (!names[j])
					break;
			}
		}
		img_strv_free(names);
		image_free(&img);
	}
	img_strv_free(all);
	if (json)
		img_print_json(out);
	json_object_put(out);
	return 0;
}

int image__inspect(struct store *s, int argc, char **argv)
{
	json_object *o, *names;
	struct image img;
	char **n;
	size_t i;
	int st;

	if (!img_args(argc, argv, NULL, NULL, 1, 1, &st))
		return st;
	if (image_find(s, argv[optind], &img))
		return 1;
	o = json_object_new_object();
	names = json_object_new_array();
	n = index_names(s, img.digest);
	for (i = 0; n[i]; i++)
		json_object_array_add(names, json_object_new_string(n[i]));
	img_strv_free(n);
	json_object_object_add(o, "Id", json_object_new_string(img_digest_hex(img.config_digest)));
	json_object_object_add(o, "Digest", json_object_new_string(img.digest));
	json_object_object_add(o, "Names", names);
	json_object_object_add(o, "Size", json_object_new_int64(image_size(&img)));
	json_object_object_add(o, "Manifest", json_object_get(img.manifest));
	json_object_object_add(o, "Config", json_object_get(img.config));
	img_print_json(o);
	json_object_put(o);
	image_free(&img);
	return 0;
}

int image__tag(struct store *s, int argc, char **argv)
{
	char name[512], *data;
	struct image img;
	size_t len;
	int c, ret;

	if (!img_args(argc, argv, NULL, NULL, 2, -1, &ret))
		return ret;
	if (store_lock(s) || image_find(s, argv[optind], &img))
		return 1;
	if (blob_read(s, img.digest, IMG_MAX_MANIFEST, &data, &len)) {
		image_free(&img);
		return 1;
	}
	free(data);	/* read for its size (and its digest, checked) */
	for (ret = 0, c = optind + 1; !ret && c < argc; c++) {
		if (ref_normalize(argv[c], name, sizeof(name)))
			ret = 1;
		else if (strchr(name, '@'))
			ret = img_err("%s: a new name has no @digest", argv[c]) ? 1 : 1;
		else if (index_tag(s, name, img.digest, len))
			ret = 1;
	}
	image_free(&img);
	return ret;
}

int image__history(struct store *s, int argc, char **argv)
{
	json_object *hist, *layers;
	struct image img;
	size_t n, li;
	int st;

	if (!img_args(argc, argv, NULL, NULL, 1, 1, &st))
		return st;
	if (image_find(s, argv[optind], &img))
		return 1;
	printf("%-22s %-60s %s\n", "CREATED", "CREATED BY", "SIZE");
	json_object_object_get_ex(img.manifest, "layers", &layers);
	li = layers ? json_object_array_length(layers) : 0;
	if (json_object_object_get_ex(img.config, "history", &hist) &&
	    json_object_is_type(hist, json_type_array)) {
		n = json_object_array_length(hist);
		while (n--) {
			json_object *h = json_object_array_get_idx(hist, n), *v, *sz;
			char size[32] = "0 B";
			bool empty = json_object_object_get_ex(h, "empty_layer", &v) &&
				     json_object_get_boolean(v);

			if (!empty && li > 0 &&
			    json_object_object_get_ex(json_object_array_get_idx(layers, --li), "size", &sz))
				img_human_size(json_object_get_int64(sz), size, sizeof(size));
			printf("%-22s %-60.60s %s\n", config_string(h, "created"),
			       config_string(h, "created_by"), size);
		}
	}
	image_free(&img);
	return 0;
}
