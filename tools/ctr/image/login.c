// SPDX-License-Identifier: GPL-2.0
/*
 * login and logout.  login checks the credentials against the registry
 * (GET /v2/, through its Basic or Bearer challenge) before it keeps them:
 * a wrong password is refused now, not at the next push.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "image.h"

/* A line from the terminal (no echo for a password); NULL without one. */
static char *prompt(const char *what, bool secret)
{
	struct termios old, quiet;
	char buf[1024];
	FILE *tty = fopen("/dev/tty", "r+e");
	bool hidden = false;
	char *ret = NULL;

	if (!tty)
		return NULL;
	fprintf(tty, "%s: ", what);
	fflush(tty);
	if (secret && !tcgetattr(fileno(tty), &old)) {
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		hidden = !tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	if (fgets(buf, sizeof(buf), tty)) {
		buf[strcspn(buf, "\r\n")] = 0;
		ret = strdup(buf);
	}
	if (hidden) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputc('\n', tty);
	}
	fclose(tty);
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

/* The password from stdin, as Podman's --password-stdin: the first line, or all of it. */
static char *read_stdin(void)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;
	ssize_t n;

	for (;;) {
		if (len + 1024 > cap) {
			p = realloc(buf, cap += 4096);
			if (!p)
				break;
			buf = p;
		}
		n = read(0, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (!buf)
		return NULL;
	buf[len] = 0;
	buf[strcspn(buf, "\r\n")] = 0;
	return buf;
}

int registry__login(struct store *s, int argc, char **argv)
{
	static const struct option lo[] = {
		REG_LONG_OPTS,
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct reg_opts o = { .tls_verify = true };
	char *user = NULL, *pass = NULL, path[4096];
	bool from_stdin = false;
	struct reg *r;
	int c, ret = 1;

	(void)s;
	while ((c = getopt_long(argc, argv, "u:p:h", lo, NULL)) != -1) {
		if (c == 'h')
			return img_verb_usage(stdout);
		if (c == 'u') {
			free(user);
			user = strdup(optarg);
		} else if (c == 'p') {
			free(pass);
			pass = strdup(optarg);
		} else if (c == 'S') {
			from_stdin = true;
		} else if (reg_opt(&o, c, optarg)) {
			return img_verb_usage(stderr);
		}
	}
	if (optind + 1 != argc)
		return img_verb_usage(stderr);
	if (pass && from_stdin)
		return img_err("-p and --password-stdin both give the password: pass one") ? 1 : 1;
	if (strchr(argv[optind], '/'))
		return img_err("login takes a registry (HOST[:PORT]), not \"%s\"", argv[optind]) ? 1 : 1;
	if (!user && !(user = prompt("Username", false)))
		return img_err("no user name: pass -u USER") ? 1 : 1;
	if (from_stdin)
		pass = read_stdin();
	else if (!pass)
		pass = prompt("Password", true);
	if (!pass || !*user)
		goto out;
	o.user = user;
	o.pass = pass;
	r = reg_open(argv[optind], &o);
	if (!r)
		goto out;
	if (!reg_check_login(r) && !auth_set(o.authfile, argv[optind], user, pass)) {
		auth_file(o.authfile, path, sizeof(path));
		fprintf(stderr, "Login Succeeded (credentials in %s)\n", path);
		ret = 0;
	}
	reg_close(r);
out:
	if (!pass)
		img_err("no password: pass -p PASSWORD or --password-stdin");
	else if (!*user)
		img_err("an empty user name: pass -u USER");
	free(user);
	if (pass)
		explicit_bzero(pass, strlen(pass));
	free(pass);
	return ret;
}

int registry__logout(struct store *s, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "authfile", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *authfile = NULL;
	char path[4096];
	int c, ret;

	(void)s;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h')
			return img_verb_usage(stdout);
		if (c != 'A')
			return img_verb_usage(stderr);
		authfile = optarg;
	}
	if (optind + 1 != argc)
		return img_verb_usage(stderr);
	auth_file(authfile, path, sizeof(path));
	ret = auth_remove(authfile, argv[optind]);
	if (ret == -ENOENT)
		return img_err("not logged in to %s (no entry in %s)", argv[optind], path) ? 1 : 1;
	if (ret)
		return 1;
	fprintf(stderr, "Removed login credentials for %s from %s\n", argv[optind], path);
	return 0;
}
