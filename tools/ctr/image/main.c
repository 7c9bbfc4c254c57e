// SPDX-License-Identifier: GPL-2.0
/*
 * ctr-image: ctr's image verbs (ctr runs this program for them, with its
 * own command line).  One function per verb, object__verb() as in the
 * runtime; `ctr image VERB` reaches all of them, and the verbs users
 * type most (`ctr images`, `ctr pull`, `ctr build`, ...) also stand alone
 * where they do not clash with runc's verbs, whose meaning Podman and
 * containerd depend on: `ctr run` stays runc's (a bundle), so running an
 * image is `ctr container run IMAGE`.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

const char *img_state_root = "/run/ctr";	/* the runtime's --root */
const char *img_store_root;

struct img_verb {
	const char *name;
	int (*run)(struct store *s, int argc, char **argv);
	const char *args, *help;
};

static const struct img_verb image_verbs[] = {
	{ "ls", images__list, "[--format table|json] [--quiet] [--all]", "List the images in the store." },
	{ "inspect", image__inspect, "IMAGE", "Print an image's manifest, config and names as JSON." },
	{ "tag", image__tag, "IMAGE NAME[:TAG]", "Give an image another name." },
	{ "rm", image__remove, "[--force] IMAGE...", "Remove names; an image goes with its last one." },
	{ "prune", images__prune, "[--all]", "Remove unnamed images (--all: unused ones too) and unreferenced blobs and layers." },
	{ "history", image__history, "IMAGE", "The steps that made an image, newest first." },
	{ "import", image__import, "TARBALL|- [NAME[:TAG]]", "An image of one layer from a root filesystem tarball." },
	{ "save", image__save, "[--format docker-archive|oci-archive] -o FILE IMAGE...", "Write images to a tar archive." },
	{ "load", image__load, "[-i FILE] [--quiet]", "Read images from a docker save or OCI layout archive (stdin without -i)." },
	{ "build", image__build, "-t NAME[:TAG]... [-f Containerfile] [--build-arg K=V]... [--no-cache] [--target STAGE] DIR", "Build an image from a Containerfile." },
	{ "pull", image__pull, "[--tls-verify=false] [--cert-dir DIR] [--authfile FILE] [--platform OS/ARCH] [--quiet] REGISTRY/NAME[:TAG|@DIGEST]", "Fetch an image from a registry." },
	{ "push", image__push, "[--tls-verify=false] [--cert-dir DIR] [--authfile FILE] [--quiet] IMAGE [REGISTRY/NAME[:TAG]]", "Send an image to a registry." },
	{ "login", registry__login, "[-u USER] [-p PASS | --password-stdin] [--authfile FILE] [--tls-verify=false] [--cert-dir DIR] REGISTRY", "Store credentials for a registry (auth.json)." },
	{ "logout", registry__logout, "[--authfile FILE] REGISTRY", "Forget a registry's credentials." },
};

static const struct img_verb container_verbs[] = {
	{ "run", container__run_image, "[--name N] [--rm] [-d] [-i] [-t] [-e K=V] [-w DIR] [-u USER[:GROUP]] [--entrypoint P] [-v HOST:CTR[:ro]] [--memory SIZE] [--cpus N] [--pids-limit N] [--network none|host] IMAGE [COMMAND [ARG...]]", "Run a container from an image." },
	{ "commit", container__commit, "[-m MESSAGE] CONTAINER NAME[:TAG]", "A new image from a container's changes." },
	{ "rm", container__rm, "[--force] CONTAINER...", "Remove containers made from images, their writable layer with them." },
	{ "ls", containers__list_images, "[--format table|json]", "List the containers made from images." },
};

/* The stand-alone spellings: `ctr images` is `ctr image ls`, ... */
static const struct { const char *alias, *group, *verb; } aliases[] = {
	{ "images", "image", "ls" }, { "rmi", "image", "rm" }, { "tag", "image", "tag" },
	{ "history", "image", "history" }, { "import", "image", "import" },
	{ "save", "image", "save" }, { "load", "image", "load" }, { "build", "image", "build" },
	{ "pull", "image", "pull" }, { "push", "image", "push" }, { "login", "image", "login" },
	{ "logout", "image", "logout" }, { "commit", "container", "commit" },
	{ "inspect", "image", "inspect" },
};

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void group_usage(FILE *f, const char *group, const struct img_verb *v, size_t n)
{
	size_t i;

	fprintf(f, "usage: ctr %s COMMAND\n\nCommands:\n", group);
	for (i = 0; i < n; i++)
		fprintf(f, "  %s %s\n      %s\n", v[i].name, v[i].args, v[i].help);
}

void img_usage(FILE *f)
{
	group_usage(f, "image", image_verbs, LEN(image_verbs));
	fputc('\n', f);
	group_usage(f, "container", container_verbs, LEN(container_verbs));
	fputs("\nAlso: ctr images, inspect, rmi, tag, history, import, save, load, build, pull, push, login, logout, commit.\n"
	      "Global options: --store DIR (the image store, default /var/lib/lvmm/ctr), --root DIR (the runtime's state).\n",
	      f);
}

static const struct img_verb *current;

/* A verb's --help, or an error about its arguments. */
int img_verb_usage(FILE *f)
{
	if (current)
		fprintf(f, "usage: ctr %s %s\n  %s\n", current->name, current->args, current->help);
	return f == stdout ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "store", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct img_verb *table;
	const char *group, *verb;
	struct store s;
	size_t i, n;
	int c;

	img_store_root = getenv("CTR_STORE") ? getenv("CTR_STORE") : "/var/lib/lvmm/ctr";
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': img_state_root = optarg; break;
		case 's': img_store_root = optarg; break;
		case 'h': img_usage(stdout); return 0;
		case 'l': case 'f': case 'D': break;	/* the runtime's; messages go to stderr here */
		default:
			img_err("unknown or incomplete global flag %s (see ctr image --help)",
				argv[optind - 1]);
			return 1;
		}
	}
	if (optind >= argc) {
		img_usage(stderr);
		return 1;
	}
	group = argv[optind++];
	verb = NULL;
	for (i = 0; i < LEN(aliases); i++)
		if (!strcmp(group, aliases[i].alias)) {
			group = aliases[i].group;
			verb = aliases[i].verb;
		}
	if (strcmp(group, "image") && strcmp(group, "container")) {
		img_err("unknown command \"%s\" (see ctr --help)", group);
		return 1;
	}
	table = strcmp(group, "image") ? container_verbs : image_verbs;
	n = strcmp(group, "image") ? LEN(container_verbs) : LEN(image_verbs);
	if (!verb) {
		if (optind >= argc || !strcmp(argv[optind], "--help") || !strcmp(argv[optind], "-h")) {
			group_usage(optind >= argc ? stderr : stdout, group, table, n);
			return optind >= argc;
		}
		verb = argv[optind++];
	}
	for (i = 0; i < n && strcmp(table[i].name, verb); i++)
		;
	if (i == n) {
		img_err("unknown command \"%s %s\" (see ctr %s --help)", group, verb, group);
		return 1;
	}
	current = &table[i];
	if (store_open(&s, img_store_root))
		return 1;
	/* the verb's own options: argv[0] is the verb, getopt starts afresh */
	argv[optind - 1] = (char *)verb;
	argc -= optind - 1;
	argv += optind - 1;
	optind = 0;
	opterr = 1;
	return current->run(&s, argc, argv);
}
