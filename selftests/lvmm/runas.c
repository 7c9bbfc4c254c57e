// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID GID[,GID...] CMD [ARG...]: run CMD as another user, with
 * those groups (the first is the primary one): how the shell tests play
 * a user in or out of the lvmm group without a login.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	gid_t groups[16];
	int n = 0;
	char *p;

	if (argc < 4) {
		fprintf(stderr, "usage: runas UID GID[,GID...] CMD [ARG...]\n");
		return 2;
	}
	for (p = strtok(argv[2], ","); p && n < 16; p = strtok(NULL, ","))
		groups[n++] = (gid_t)strtoul(p, NULL, 10);
	if (!n || setgroups(n, groups) || setresgid(groups[0], groups[0], groups[0]) ||
	    setresuid(atoi(argv[1]), atoi(argv[1]), atoi(argv[1]))) {
		perror("runas");
		return 126;
	}
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}
