// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for ctr's config.json parser (spec.c and everything
 * it calls: devices, device rules, seccomp, hooks).  Every input either
 * parses or is refused with an error line; neither may crash, leak or hit
 * undefined behaviour (built with ASan and UBSan).  Each input is also
 * tried as an exec --process file against the default config.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr.h"

static char bundle[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char rootfs[128];

	(void)argc;
	(void)argv;
	/* A bundle whose rootfs exists, so root.path "rootfs" resolves. */
	snprintf(bundle, sizeof(bundle), "/tmp/ctr-fuzz.XXXXXX");
	if (!mkdtemp(bundle))
		abort();
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	mkdir(rootfs, 0755);
	return 0;
}

static json_object *parse(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new();
	json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctr_spec s;
	json_object *o;

	if (size > 1 << 20)
		return 0;
	o = parse(data, size);
	if (!o)
		return 0;
	memset(&s, 0, sizeof(s));
	snprintf(s.bundle, sizeof(s.bundle), "%s", bundle);
	ctr_spec_parse(&s, o, "config.json");	/* @s owns @o now */
	ctr_spec_free(&s);

	/* The same bytes as process.json for ctr exec --process. */
	o = parse(data, size);
	memset(&s, 0, sizeof(s));
	snprintf(s.bundle, sizeof(s.bundle), "%s", bundle);
	if (!ctr_spec_parse(&s, ctr_default_spec(false), "config.json") && o)
		ctr_spec_set_process(&s, o, "process.json");
	else
		json_object_put(o);
	ctr_spec_free(&s);
	return 0;
}
