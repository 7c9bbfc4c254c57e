// SPDX-License-Identifier: GPL-2.0
/*
 * The registry client's CA bundle: the registry's own CAs (--cert-dir,
 * or the host's certs.d directory as Podman and Docker keep them) and
 * the system's, in one buffer that reg_attempt() hands curl.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry_priv.h"

/* Appends file @path to the CA bundle. */
static void ca_add(struct reg *r, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *p = realloc(r->ca, r->ca_len + n + 2);

		if (!p)
			break;
		r->ca = p;
		memcpy(r->ca + r->ca_len, buf, n);
		r->ca_len += n;
	}
	if (r->ca) {
		r->ca[r->ca_len++] = '\n';
		r->ca[r->ca_len] = 0;
	}
	close(fd);
}

/* Adds DIR's .crt files; false if DIR is not a directory. */
static bool ca_dir(struct reg *r, const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	char p[4200];

	if (!d)
		return false;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".crt")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			ca_add(r, p);
		}
	}
	closedir(d);
	return true;
}

/*
 * --cert-dir, else /etc/containers/certs.d/HOST and /etc/docker/certs.d/HOST
 * as Podman and Docker look: their CAs on top of the system's (curl takes
 * one bundle, so both go in one).
 */
int regtls_load(struct reg *r)
{
	char p[600];
	bool found;

	if (r->o.cert_dir) {
		if (!ca_dir(r, r->o.cert_dir))
			return img_err("--cert-dir %s: %s (give a directory with the registry's CA as NAME.crt)",
				       r->o.cert_dir, strerror(errno));
	} else {
		snprintf(p, sizeof(p), "/etc/containers/certs.d/%s", r->host);
		found = ca_dir(r, p);
		snprintf(p, sizeof(p), "/etc/docker/certs.d/%s", r->host);
		found |= ca_dir(r, p);
		if (!found)
			return 0;
	}
	if (r->ca || r->o.cert_dir)
		ca_add(r, "/etc/ssl/certs/ca-certificates.crt");
	return 0;
}
