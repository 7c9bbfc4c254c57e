// SPDX-License-Identifier: GPL-2.0
/*
 * deny_syscall NAME... -- COMMAND [ARG...]: run COMMAND with the named
 * system calls failing with ENOSYS, as on a kernel without them or under
 * a seccomp profile that hides them, so that the tests reach ctr's
 * fallbacks (selftests/lvmm/ctr_host_test.sh).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int i, nr;

	if (!ctx)
		return 125;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		nr = seccomp_syscall_resolve_name(argv[i]);
		if (nr == __NR_SCMP_ERROR ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0)) {
			fprintf(stderr, "deny_syscall: unknown system call %s\n", argv[i]);
			return 125;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: deny_syscall NAME... -- COMMAND [ARG...]\n");
		return 125;
	}
	if (seccomp_load(ctx)) {
		fprintf(stderr, "deny_syscall: cannot load the filter\n");
		return 125;
	}
	seccomp_release(ctx);
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "deny_syscall: %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
