/* SPDX-License-Identifier: GPL-2.0 */
/* linux.seccomp of config.json through libseccomp. */
#ifndef CTR_SECCOMP_H
#define CTR_SECCOMP_H

#include <stdbool.h>
#include <json-c/json.h>

#include "jv.h"

/* Check the profile without loading it: 0, or -1 after an error message. */
int ctr_seccomp_check(const struct jv *profile);
/* Build and load the filter into this process. */
int ctr_seccomp_load(json_object *profile, bool no_new_privs);

#endif /* CTR_SECCOMP_H */
