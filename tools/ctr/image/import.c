// SPDX-License-Identifier: GPL-2.0
/* import: a root filesystem tarball as an image of one layer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

/* The media type of a layer blob, from its first bytes. */
const char *layer_media_type(const struct store *s, const char *digest)
{
	unsigned char m[4] = { 0 };
	char p[2400];
	int fd;

	blob_path(s, digest, p, sizeof(p));
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, m, sizeof(m)) < 0)
			m[0] = 0;
		close(fd);
	}
	if (m[0] == 0x1f && m[1] == 0x8b)
		return MT_OCI_LAYER_GZIP;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return MT_OCI_LAYER_ZSTD;
	return MT_OCI_LAYER;
}

int image__import(struct store *s, int argc, char **argv)
{
	char digest[IMG_DIGEST_LEN], diff_id[IMG_DIGEST_LEN], name[512], by[600];
	json_object *config, *layers, *desc;
	struct image img;
	uint64_t size;
	int fd, ret;

	if (!img_args(argc, argv, NULL, NULL, 1, 2, &ret))
		return ret;
	if (optind + 1 < argc && ref_normalize(argv[optind + 1], name, sizeof(name)))
		return 1;
	if (store_lock(s))
		return 1;
	fd = strcmp(argv[optind], "-") ? open(argv[optind], O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return img_err("cannot open %s: %s", argv[optind], strerror(errno)) ? 1 : 1;
	ret = blob_put_fd(s, fd, NULL, digest, &size);
	if (fd)
		close(fd);
	if (ret || layer_unpack(s, digest, NULL, diff_id)) {
		store_drop_added(s);
		return 1;
	}
	config = config_new();
	snprintf(by, sizeof(by), "ctr import %s", argv[optind]);
	config_add_layer(config, diff_id, by, false);
	layers = json_object_new_array();
	desc = json_object_new_object();
	json_object_object_add(desc, "mediaType", json_object_new_string(layer_media_type(s, digest)));
	json_object_object_add(desc, "digest", json_object_new_string(digest));
	json_object_object_add(desc, "size", json_object_new_int64(size));
	json_object_array_add(layers, desc);
	ret = image_write(s, config, layers, optind + 1 < argc ? name : NULL, &img);
	json_object_put(config);
	json_object_put(layers);
	if (ret) {
		store_drop_added(s);
		return 1;
	}
	printf("%s\n", img.config_digest);
	image_free(&img);
	return 0;
}
