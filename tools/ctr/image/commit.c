// SPDX-License-Identifier: GPL-2.0
/* commit: a container's changes (its overlay's upper directory) as a new layer on its image. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int container__commit(struct store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message", required_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char upper[2500], base_digest[IMG_DIGEST_LEN], diff_id[IMG_DIGEST_LEN], name[512], by[700];
	const char *message = NULL;
	json_object *config, *layers = NULL, *desc, *h;
	struct image base, out;
	int c, ret;

	while ((c = getopt_long(argc, argv, "m:h", opts, NULL)) != -1) {
		if (c == 'm')
			message = optarg;
		else
			return img_verb_usage(c == 'h' ? stdout : stderr);
	}
	if (optind + 2 != argc)
		return img_verb_usage(stderr);
	if (ref_normalize(argv[optind + 1], name, sizeof(name)))
		return 1;
	if (strchr(name, '@'))
		return img_err("%s: the new image's name has no @digest", argv[optind + 1]) ? 1 : 1;
	if (store_lock(s) || container_upper(s, argv[optind], upper, sizeof(upper), base_digest) ||
	    image_load(s, base_digest, &base))
		return 1;
	if (layer_from_dir(s, upper, true, &desc, diff_id)) {
		image_free(&base);
		return 1;
	}
	config = json_object_get(base.config);
	snprintf(by, sizeof(by), "ctr commit %s", argv[optind]);
	config_add_layer(config, diff_id, by, false);
	if (message) {
		json_object *hist = json_object_object_get(config, "history");

		h = json_object_array_get_idx(hist, json_object_array_length(hist) - 1);
		json_object_object_add(h, "comment", json_object_new_string(message));
	}
	json_object_deep_copy(json_object_object_get(base.manifest, "layers"), &layers, NULL);
	if (!layers)
		layers = json_object_new_array();
	json_object_array_add(layers, desc);
	ret = image_write(s, config, layers, name, &out);
	json_object_put(config);
	json_object_put(layers);
	image_free(&base);
	if (ret)
		return 1;
	printf("%s\n", out.config_digest);
	image_free(&out);
	return 0;
}
