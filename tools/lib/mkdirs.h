/* SPDX-License-Identifier: GPL-2.0 */
/* Directories made as mkdir -p makes them; shared by ctr and ctr-image. */
#ifndef LVMM_MKDIRS_H
#define LVMM_MKDIRS_H

#include <sys/types.h>

/* Every missing parent of @path (not @path itself), @mode each: 0 or -errno. */
int mkdir_parents(const char *path, mode_t mode);

#endif /* LVMM_MKDIRS_H */
