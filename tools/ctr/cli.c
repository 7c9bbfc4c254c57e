// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs' command lines, as runc's: getopt_long for the flags, and
 * every problem (an unknown flag, a missing value, a missing id, an
 * argument too many) one line naming it and where the verb's usage is.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctr.h"

static const char *verb = "ctr";
static void (*verb_help)(FILE *f);

void ctr_cli_verb(const char *name, void (*help)(FILE *f))
{
	verb = name;
	verb_help = help;
}

/*
 * What is wrong with the flag getopt_long stopped at (@c: '?' or ':'),
 * named as it was given: "needs a value", "takes no value" or "unknown".
 */
const char *ctr_flag_problem(char **argv, int c, char *name, size_t len)
{
	const char *arg = argv[optind - 1];
	bool dashes = !strncmp(arg, "--", 2);

	/* A long flag is in argv; a short one (maybe inside -abc) only in optopt. */
	if (dashes && (c == ':' || !optopt || strchr(arg, '=')))
		snprintf(name, len, "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(name, len, "-%c", optopt);
	if (c == ':')
		return "needs a value";
	return dashes && optopt && strchr(arg, '=') ? "takes no value" : "unknown";
}

int ctr_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	const char *why;
	char spec[64], name[256];
	int c;

	/* "+": options end at the first operand (exec's command, ps's arguments). */
	snprintf(spec, sizeof(spec), "+:%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	why = ctr_flag_problem(argv, c, name, sizeof(name));
	if (c == '?' && (!strcmp(name, "--help") || !strcmp(name, "-h"))) {
		if (verb_help)
			verb_help(stdout);
		return CTR_OPT_HELP;
	}
	if (!strcmp(why, "unknown"))
		ctr_err("unknown flag %s for '%s' (see ctr help %s)", name, verb, verb);
	else
		ctr_err("flag %s for '%s' %s (see ctr help %s)", name, verb, why, verb);
	return CTR_OPT_FAIL;
}

/* The exit status after ctr_getopt's last return @c: 0 after --help. */
static int opt_status(int c)
{
	return c == CTR_OPT_HELP ? 0 : 1;
}

const char *ctr_verb_id(int c, int argc, char **argv, int max, int *status)
{
	*status = 1;
	if (c != -1) {
		*status = opt_status(c);
		return NULL;
	}
	if (optind >= argc) {
		ctr_err("%s needs a container id (see ctr help %s)", verb, verb);
		return NULL;
	}
	if (max >= 0 && argc - optind - 1 > max) {
		ctr_err("%s: unexpected argument \"%s\" (see ctr help %s)", verb,
			argv[optind + 1 + max], verb);
		return NULL;
	}
	*status = 0;
	return argv[optind];
}

int ctr_verb_done(int c, int argc, char **argv)
{
	if (c != -1)
		return opt_status(c);
	if (optind < argc) {
		ctr_err("%s: unexpected argument \"%s\" (see ctr help %s)", verb, argv[optind], verb);
		return 1;
	}
	return 0;
}

