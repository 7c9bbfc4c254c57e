/* SPDX-License-Identifier: GPL-2.0 */
/* linux.seccomp of config.json through libseccomp. */
#ifndef CTR_SECCOMP_H
#define CTR_SECCOMP_H

#include <stdbool.h>
#include <json-c/json.h>
#include <seccomp.h>

#include "jv.h"

/* Check the profile without loading it: 0, or -1 after an error message. */
int ctr_seccomp_check(const struct jv *profile);
/* The filter of a checked profile, or NULL after an error message. */
scmp_filter_ctx ctr_seccomp_build(json_object *profile, bool no_new_privs);
/* Whether the kernel takes the filter (a child loads it): 0 or -errno. */
int ctr_seccomp_try(scmp_filter_ctx ctx);

#endif /* CTR_SECCOMP_H */
