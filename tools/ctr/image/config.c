// SPDX-License-Identifier: GPL-2.0
/* Image configs and manifests: what a new image is made of. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image.h"

void img_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *get_or_add(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type))
		return v;
	v = type == json_type_array ? json_object_new_array() : json_object_new_object();
	json_object_object_add(o, key, v);
	return v;
}

json_object *config_new(void)
{
	json_object *c = json_object_new_object(), *rootfs;
	char now[64];

	img_now(now, sizeof(now));
	json_object_object_add(c, "created", json_object_new_string(now));
	json_object_object_add(c, "architecture", json_object_new_string("amd64"));
	json_object_object_add(c, "os", json_object_new_string("linux"));
	rootfs = get_or_add(c, "rootfs", json_type_object);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	get_or_add(rootfs, "diff_ids", json_type_array);
	get_or_add(c, "history", json_type_array);
	return c;
}

json_object *config_runtime(json_object *config)
{
	return get_or_add(config, "config", json_type_object);
}

json_object *config_history_entry(const char *created_by, bool empty_layer)
{
	json_object *h = json_object_new_object();
	char now[64];

	img_now(now, sizeof(now));
	json_object_object_add(h, "created", json_object_new_string(now));
	json_object_object_add(h, "created_by", json_object_new_string(created_by));
	if (empty_layer)
		json_object_object_add(h, "empty_layer", json_object_new_boolean(1));
	return h;
}

void config_append(json_object *config, json_object *entry, const char *diff_id)
{
	json_object *rootfs, *created;

	if (diff_id) {
		rootfs = get_or_add(config, "rootfs", json_type_object);
		if (!json_object_object_get_ex(rootfs, "type", NULL))
			json_object_object_add(rootfs, "type", json_object_new_string("layers"));
		json_object_array_add(get_or_add(rootfs, "diff_ids", json_type_array),
				      json_object_new_string(diff_id));
	}
	json_object_array_add(get_or_add(config, "history", json_type_array), entry);
	if (json_object_object_get_ex(entry, "created", &created))
		json_object_object_add(config, "created", json_object_get(created));
}

void config_add_layer(json_object *config, const char *diff_id, const char *created_by,
		      bool empty_layer)
{
	config_append(config, config_history_entry(created_by, empty_layer),
		      empty_layer ? NULL : diff_id);
}

int image_write(struct store *s, json_object *config, json_object *layers, const char *name,
		struct image *out)
{
	const char *text = json_object_to_json_string_ext(config, JSON_C_TO_STRING_PLAIN);
	char cdigest[IMG_DIGEST_LEN], mdigest[IMG_DIGEST_LEN];
	json_object *m = json_object_new_object(), *cd = json_object_new_object();
	size_t mlen;
	int ret;

	if (blob_put(s, text, strlen(text), NULL, cdigest)) {
		json_object_put(m);
		json_object_put(cd);
		return -1;
	}
	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	json_object_object_add(cd, "mediaType", json_object_new_string(MT_OCI_CONFIG));
	json_object_object_add(cd, "digest", json_object_new_string(cdigest));
	json_object_object_add(cd, "size", json_object_new_int64(strlen(text)));
	json_object_object_add(m, "config", cd);
	json_object_object_add(m, "layers", json_object_get(layers));
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN);
	mlen = strlen(text);
	ret = blob_put(s, text, mlen, NULL, mdigest);
	json_object_put(m);
	if (!ret)
		ret = index_tag(s, name, mdigest, mlen);
	if (!ret && out)
		ret = image_load(s, mdigest, out);
	if (!ret && out && name)
		snprintf(out->name, sizeof(out->name), "%s", name);
	return ret;
}
