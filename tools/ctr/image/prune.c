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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

/* What garbage collection keeps: hex digests, NULL-terminated */
struct keep {
	char **v;
	size_t n;
	bool incomplete;	/* out of memory: nothing may be swept */
};

static void keep_add(struct keep *k, const char *hex)
{
	if (!k->v)
		k->v = img_strv_new();
	if (!k->v || img_strv_add(&k->v, &k->n, hex))
		k->incomplete = true;
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
	char dir[2400], **v = img_strv_new();
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
			img_strv_add(&v, &n, json_object_get_string(img));
		}
		json_object_put(c);
	}
	if (d)
		closedir(d);
	return v;
}

/* Removes what is in @sub but not in @k (NULL: everything); with @only, only its names. */
static int sweep(const struct store *s, const char *sub, const struct keep *k, char **only,
		 int *removed)
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

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "empty") || (k && img_strv_has(k->v, de->d_name)) ||
		    (only && !img_strv_has(only, de->d_name)))
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

/* What every image in index.json and every container needs; -1 if that is not known. */
static int needed(const struct store *s, struct keep *blobs, struct keep *layers)
{
	char **all, **used;
	size_t i;

	if (index_manifests(s, &all))
		return -1;
	used = containers_images(s);
	for (i = 0; all[i]; i++)
		keep_image(s, all[i], blobs, layers);
	for (i = 0; used && used[i]; i++)
		keep_image(s, used[i], blobs, layers);
	img_strv_free(all);
	img_strv_free(used);
	if (blobs->incomplete || layers->incomplete)
		return img_err("out of memory: nothing removed");
	return 0;
}

int store_gc(struct store *s, int *blobs_removed, int *layers_removed)
{
	struct keep blobs = { 0 }, layers = { 0 };
	int ret;

	*blobs_removed = *layers_removed = 0;
	ret = needed(s, &blobs, &layers) ||
	      sweep(s, "oci/blobs/sha256", &blobs, NULL, blobs_removed) ||
	      sweep(s, "layers", &layers, NULL, layers_removed) || sweep(s, "tmp", NULL, NULL, NULL);
	img_strv_free(blobs.v);
	img_strv_free(layers.v);
	return ret ? -1 : 0;
}

void store_drop_added(struct store *s)
{
	struct keep blobs = { 0 }, layers = { 0 };
	int n = 0;

	if ((s->added_blobs || s->added_layers) && !needed(s, &blobs, &layers)) {
		if (s->added_blobs)
			sweep(s, "oci/blobs/sha256", &blobs, s->added_blobs, &n);
		if (s->added_layers)
			sweep(s, "layers", &layers, s->added_layers, &n);
	}
	img_strv_free(blobs.v);
	img_strv_free(layers.v);
}

static int of_image(const char *digest, const char *name, void *manifest_digest)
{
	(void)name;
	return !strcmp(digest, manifest_digest);
}

int image__remove(struct store *s, int argc, char **argv)
{
	bool force = false;
	char **used;
	int ret = 0, b, l;

	if (!img_args(argc, argv, "force", &force, 1, -1, &ret))
		return ret;
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
		} else if (img_strv_has(used, img.digest) && !force) {
			ret = img_err("image %s is used by a container: remove the container first (ctr container rm), or pass --force to keep it only for the container",
				      ref);
		} else if (!img.name[0] && n > 1 && !force) {
			ret = img_err("image %s has %zu names: name one, or pass --force to remove them all",
				      ref, n);
		} else {
			if (index_remove_if(s, of_image, img.digest) < 0)
				ret = 1;
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

struct prune {
	char **used;
	bool all;
};

/* An unnamed image (@all: any image) that no container uses */
static int prunable(const char *digest, const char *name, void *arg)
{
	const struct prune *p = arg;

	return (!name || p->all) && !img_strv_has(p->used, digest);
}

int images__prune(struct store *s, int argc, char **argv)
{
	struct prune p = { 0 };
	int b, l, images;

	if (!img_args(argc, argv, "all", &p.all, 0, 0, &images))
		return images;
	if (store_lock(s))
		return 1;
	p.used = containers_images(s);
	images = index_remove_if(s, prunable, &p);
	img_strv_free(p.used);
	if (images < 0 || store_gc(s, &b, &l))
		return 1;
	printf("Removed %d image(s), %d blob(s), %d unpacked layer(s)\n", images, b, l);
	return 0;
}
