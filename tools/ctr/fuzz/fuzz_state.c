// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for ctr's state.json parser (state.c) and the state
 * it reports back (ctr state): no input may crash it or make it read
 * anything but what it validated.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"

static char dir[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/ctr-fuzz-state.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok;
	struct ctr_state st;
	json_object *o;

	if (size > 1 << 20)
		return 0;
	tok = json_tokener_new();
	if (!tok)
		return 0;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!o)
		return 0;
	memset(&st, 0, sizeof(st));
	snprintf(st.id, sizeof(st.id), "fuzz");
	snprintf(st.dir, sizeof(st.dir), "%s", dir);
	if (!ctr_state_parse(&st, o, "state.json")) {
		/* What ctr state and list print (the pid is only probed, kill(pid, 0)). */
		json_object *out = ctr_state_json(&st);

		json_object_to_json_string(out);
		json_object_put(out);
	}
	json_object_put(st.annotations);
	json_object_put(o);
	return 0;
}
