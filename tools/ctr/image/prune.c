// SPDX-License-Identifier: GPL-2.0
/*
 * Removing images, and the garbage collection behind it: a blob or an
 * unpacked layer stays while an image in index.json or a container made
 * from an image needs it, and goes otherwise.  Everything runs under the
 * store lock, so tmp/ (a writer's unfinished blobs) can be emptied too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

struct keep {
	char **v;
	size_t n;
};

static void keep_add(struct keep *k, const char *hex)
{
	k->v = realloc(k->v, (k->n + 2) * sizeof(*k->v));
	k->v[k->n++] = strdup(hex);
	k->v[k->n] = NULL;	/* NULL-terminated, for img_strv_free */
}

static bool kept(const struct keep *k, const char *hex)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->v[i], hex))
			return true;
	return false;
}

static void keep_image(const struct store *s, const char *digest, struct keep *blobs,
		       struct keep *layers)
{
	json_object *arr, *rootfs, *d;
	struct image img;
	size_t i;

	if (image_load(s, digest, &img))
		return;
	keep_add(blobs, img_digest_hex(img.digest));
	keep_add(blobs, img_digest_hex(img.config_digest));
	if (json_object_object_get_ex(img.manifest, "layers", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "digest", &d) &&
			    img_digest_valid(json_object_get_string(d)))
				keep_add(blobs, img_digest_hex(json_object_get_string(d)));
	if (json_object_object_get_ex(img.config, "rootfs", &rootfs) &&
	    json_object_object_get_ex(rootfs, "diff_ids", &arr))
		for (i = 0; i < json_object_array_length(arr); i++) {
			const char *id = json_object_get_string(json_object_array_get_idx(arr, i));

			if (img_digest_valid(id))
				keep_add(layers, img_digest_hex(id));
		}
	image_free(&img);
}

/* The image (manifest digest) of every container made from one. */
char **containers_images(const struct store *s)
{
	char dir[2400], **v = calloc(1, sizeof(*v));
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	store_path(s, dir, sizeof(dir), "containers");
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char p[2700];
		json_object *c, *img;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/container.json", dir, de->d_name);
		c = json_object_from_file(p);
		if (c && json_object_object_get_ex(c, "image", &img) &&
		    img_digest_valid(json_object_get_string(img))) {
			v = realloc(v, (n + 2) * sizeof(*v));
			v[n++] = strdup(json_object_get_string(img));
			v[n] = NULL;
		}
		json_object_put(c);
	}
	if (d)
		closedir(d);
	return v;
}

static int sweep(const struct store *s, const char *sub, const struct keep *k, int *removed)
{
	char dir[2400];
	struct dirent *de;
	DIR *d;

	store_path(s, dir, sizeof(dir), "%s", sub);
	d = opendir(dir);
	if (!d)
		return img_err("cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char p[2700];

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "empty") || (k && kept(k, de->d_name)))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (img_rmtree(p))
			continue;
		if (k)
			(*removed)++;
	}
	closedir(d);
	return 0;
}

int store_gc(struct store *s, int *blobs_removed, int *layers_removed)
{
	struct keep blobs = { 0 }, layers = { 0 };
	char **all, **used;
	size_t i;
	int ret;

	if (index_manifests(s, &all))
		return -1;
	used = containers_images(s);
	for (i = 0; all[i]; i++)
		keep_image(s, all[i], &blobs, &layers);
	for (i = 0; used && used[i]; i++)
		keep_image(s, used[i], &blobs, &layers);
	*blobs_removed = *layers_removed = 0;
	ret = sweep(s, "oci/blobs/sha256", &blobs, blobs_removed) ||
	      sweep(s, "layers", &layers, layers_removed) || sweep(s, "tmp", NULL, NULL);
	img_strv_free(all);
	img_strv_free(used);
	img_strv_free(blobs.v);
	img_strv_free(layers.v);
	return ret ? -1 : 0;
}

static bool in_use(char **used, const char *digest)
{
	size_t i;

	for (i = 0; used && used[i]; i++)
		if (!strcmp(used[i], digest))
			return true;
	return false;
}

int image__remove(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	char **used;
	int c, ret = 0, b, l;

	while ((c = getopt_long(argc, argv, "fh", o, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else
			return img_verb_usage(c == 'h' ? stdout : stderr);
	}
	if (optind >= argc)
		return img_verb_usage(stderr);
	if (store_lock(s))
		return 1;
	used = containers_images(s);
	for (; optind < argc; optind++) {
		const char *ref = argv[optind];
		struct image img;
		char **names;
		size_t i, n;

		if (image_find(s, ref, &img)) {
			ret = 1;
			continue;
		}
		names = index_names(s, img.digest);
		for (n = 0; names[n]; n++)
			;
		if (img.name[0] && n > 1) {
			index_untag(s, img.name);	/* one of several names: only it goes */
			printf("Untagged: %s\n", img.name);
		} else if (in_use(used, img.digest) && !force) {
			ret = img_err("image %s is used by a container: remove the container first (ctr container rm), or pass --force to keep it only for the container",
				      ref);
		} else if (!img.name[0] && n > 1 && !force) {
			ret = img_err("image %s has %zu names: name one, or pass --force to remove them all",
				      ref, n);
		} else {
			json_object *idx = index_read(s), *arr;

			json_object_object_get_ex(idx, "manifests", &arr);
			for (i = json_object_array_length(arr); i-- > 0;) {
				json_object *d;

				if (json_object_object_get_ex(json_object_array_get_idx(arr, i), "digest", &d) &&
				    !strcmp(json_object_get_string(d), img.digest))
					json_object_array_del_idx(arr, i, 1);
			}
			if (index_write(s, idx))
				ret = 1;
			json_object_put(idx);
			for (i = 0; names[i]; i++)
				printf("Untagged: %s\n", names[i]);
			printf("Deleted: %s\n", img.config_digest);
		}
		img_strv_free(names);
		image_free(&img);
	}
	img_strv_free(used);
	if (store_gc(s, &b, &l))
		ret = 1;
	return ret;
}

int images__prune(struct store *s, int argc, char **argv)
{
	static const struct option o[] = {
		{ "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_object *idx, *arr;
	bool all = false;
	char **used;
	size_t i;
	int c, b, l, images = 0;

	while ((c = getopt_long(argc, argv, "ah", o, NULL)) != -1) {
		if (c == 'a')
			all = true;
		else
			return img_verb_usage(c == 'h' ? stdout : stderr);
	}
	if (optind < argc)
		return img_verb_usage(stderr);
	if (store_lock(s))
		return 1;
	used = containers_images(s);
	idx = index_read(s);
	json_object_object_get_ex(idx, "manifests", &arr);
	for (i = json_object_array_length(arr); i-- > 0;) {
		json_object *e = json_object_array_get_idx(arr, i), *a, *d;
		bool named = json_object_object_get_ex(e, "annotations", &a) &&
			     json_object_object_get_ex(a, REF_NAME_ANNOTATION, &d);

		json_object_object_get_ex(e, "digest", &d);
		if ((!named || all) && !in_use(used, json_object_get_string(d))) {
			json_object_array_del_idx(arr, i, 1);
			images++;
		}
	}
	c = index_write(s, idx);
	json_object_put(idx);
	img_strv_free(used);
	if (c || store_gc(s, &b, &l))
		return 1;
	printf("Removed %d image(s), %d blob(s), %d unpacked layer(s)\n", images, b, l);
	return 0;
}
