// SPDX-License-Identifier: GPL-2.0
/*
 * Registry credentials in auth.json, the file Podman, Buildah and skopeo
 * share: {"auths": {"HOST[:PORT]": {"auth": base64("USER:PASSWORD")}}}.
 * Read from login's file, then from Docker's ~/.docker/config.json (the
 * same "auths"); written only to login's, 0600 and atomically (a new
 * file renamed over the old), keeping whatever else the file holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "image.h"
#include "mkdirs.h"

void auth_file(const char *authfile, char *out, size_t len)
{
	const char *env = getenv("REGISTRY_AUTH_FILE"), *xdg = getenv("XDG_RUNTIME_DIR");

	if (authfile)
		snprintf(out, len, "%s", authfile);
	else if (env && *env)
		snprintf(out, len, "%s", env);
	else if (!getuid())
		snprintf(out, len, "/run/containers/0/auth.json");
	else if (xdg && *xdg)
		snprintf(out, len, "%s/containers/auth.json", xdg);
	else
		snprintf(out, len, "/run/user/%u/containers/auth.json", (unsigned)getuid());
}

/* An auths key names @host: "host", "https://host", "http://host/v1/" (Docker's). */
static bool key_is(const char *key, const char *host)
{
	size_t l;

	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	l = strcspn(key, "/");
	if (strlen(host) == l && !strncmp(key, host, l))
		return true;
	/* Docker keeps docker.io's as https://index.docker.io/v1/ */
	return !strcmp(host, "docker.io") && l == 15 && !strncmp(key, "index.docker.io", 15);
}

static int creds_from(const char *path, const char *host, char **user, char **pass)
{
	json_object *j = json_object_from_file(path), *auths, *a;
	unsigned char *plain;
	const char *b64;
	int n, ret = -ENOENT;
	size_t l;
	char *colon;

	if (!j)
		return -ENOENT;
	if (!json_object_object_get_ex(j, "auths", &auths) ||
	    !json_object_is_type(auths, json_type_object))
		goto out;
	json_object_object_foreach(auths, key, entry) {
		if (!key_is(key, host) || !json_object_object_get_ex(entry, "auth", &a))
			continue;
		b64 = json_object_get_string(a);
		plain = malloc(strlen(b64) + 4);
		n = plain ? EVP_DecodeBlock(plain, (const unsigned char *)b64, strlen(b64)) : -1;
		if (n < 0) {
			free(plain);
			img_warn("%s: the entry of %s is not base64: ignored (run ctr login %s)", path,
				 host, host);
			continue;
		}
		/* EVP_DecodeBlock counts the padding as zero bytes: drop them */
		for (l = strlen(b64); n > 0 && l && b64[l - 1] == '='; l--)
			n--;
		plain[n] = 0;
		colon = strchr((char *)plain, ':');
		if (!colon) {
			free(plain);
			img_warn("%s: the entry of %s is not USER:PASSWORD: ignored", path, host);
			continue;
		}
		*colon = 0;
		*user = strdup((char *)plain);
		*pass = strdup(colon + 1);
		explicit_bzero(plain, n);
		free(plain);
		ret = 0;
		break;
	}
out:
	json_object_put(j);
	return ret;
}

int auth_get(const char *authfile, const char *host, char **user, char **pass)
{
	char p[4096];
	const char *home = getenv("HOME");

	*user = *pass = NULL;
	auth_file(authfile, p, sizeof(p));
	if (!creds_from(p, host, user, pass))
		return 0;
	if (authfile || !home)
		return -ENOENT;	/* an --authfile is the only one looked at, as Podman */
	snprintf(p, sizeof(p), "%s/.docker/config.json", home);
	return creds_from(p, host, user, pass);
}

/* Writes @j to @path: a 0600 file beside it, renamed over it. */
static int auth_write(const char *path, json_object *j)
{
	const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY);
	char tmp[4200];
	size_t len = strlen(text);
	int fd;

	if (mkdir_parents(path, 0700))
		return img_err("cannot create the directory of %s: %s (pass --authfile FILE)", path,
			       strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return img_err("cannot write %s: %s (pass --authfile FILE)", tmp, strerror(errno));
	if (fchmod(fd, 0600) || write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) || close(fd) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return img_err("cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

/* login's file as JSON, "auths" made; NULL (printed) if it is there but not JSON. */
static json_object *auth_load(const char *path, json_object **auths)
{
	json_object *j;

	if (access(path, F_OK)) {
		j = json_object_new_object();
	} else {
		j = json_object_from_file(path);
		if (!j || !json_object_is_type(j, json_type_object)) {
			json_object_put(j);
			img_err("%s is not a JSON object: fix or remove it (nothing was changed)", path);
			return NULL;
		}
	}
	if (!json_object_object_get_ex(j, "auths", auths) ||
	    !json_object_is_type(*auths, json_type_object)) {
		*auths = json_object_new_object();
		json_object_object_add(j, "auths", *auths);
	}
	return j;
}

int auth_set(const char *authfile, const char *host, const char *user, const char *pass)
{
	size_t n = strlen(user) + strlen(pass) + 1;
	char path[4096], *plain = malloc(n + 1), *b64 = malloc(4 * (n / 3 + 1) + 1);
	json_object *j = NULL, *auths, *entry;
	int ret = -1;

	auth_file(authfile, path, sizeof(path));
	if (!plain || !b64 || !(j = auth_load(path, &auths)))
		goto out;
	snprintf(plain, n + 1, "%s:%s", user, pass);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)plain, n);
	entry = json_object_new_object();
	json_object_object_add(entry, "auth", json_object_new_string(b64));
	json_object_object_add(auths, host, entry);
	ret = auth_write(path, j);
out:
	if (plain)
		explicit_bzero(plain, n);
	free(plain);
	free(b64);
	json_object_put(j);
	return ret;
}

int auth_remove(const char *authfile, const char *host)
{
	char path[4096];
	json_object *j, *auths;
	int ret = -ENOENT;

	auth_file(authfile, path, sizeof(path));
	if (access(path, F_OK) || !(j = auth_load(path, &auths)))
		return access(path, F_OK) ? -ENOENT : -1;
	json_object_object_foreach(auths, key, entry) {
		(void)entry;
		if (key_is(key, host)) {
			json_object_object_del(auths, key);
			ret = 0;
			break;
		}
	}
	if (!ret)
		ret = auth_write(path, j);
	json_object_put(j);
	return ret;
}
