// SPDX-License-Identifier: GPL-2.0
/*
 * CVE-2019-5736: a container process must never be able to open ctr's
 * own binary for writing through /proc/PID/exe (a container entrypoint
 * "#!/proc/self/exe" makes the kernel run ctr itself inside the
 * container).  The verbs that start container processes run ctr again
 * from a place where that open fails:
 *  - a read-only clone of the binary's mount (open_tree + mount_setattr):
 *    detached, so attached to no mount namespace and seen by no one, and
 *    nothing is copied (crun uses a read-only bind mount for the same);
 *  - else a sealed memfd copy of the binary, as runc does: 1.3 MB copied
 *    on every run, 30 ms in the test VM, so only the fallback (a kernel
 *    before 5.12, or no CAP_SYS_ADMIN for the mount).
 * A binary already on a read-only mount needs neither.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ctr.h"

#ifndef MFD_EXEC
#define MFD_EXEC	0x0010U		/* Linux 6.3: say so, or vm.memfd_noexec may refuse */
#endif

#define ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool exe_is_guarded(int exe)
{
	struct statvfs sv;
	int seals;

	if (fstatvfs(exe, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return true;
	/*
	 * A binary that is not a memfd (ext4, say) has no seals: F_GET_SEALS
	 * fails with -1, whose every bit is set, so check for that first.
	 * Any tmpfs file reports F_SEAL_SEAL: only all four mean our copy.
	 */
	seals = fcntl(exe, F_GET_SEALS);
	return seals != -1 && (seals & ALL_SEALS) == ALL_SEALS;
}

/* Returns only if the read-only clone cannot be made. */
static void exec_readonly_clone(char **argv)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	int fd = open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return;
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0)
		execveat(fd, "", argv, environ, AT_EMPTY_PATH);
	close(fd);
}

/* Returns only on failure, with errno set. */
static void exec_sealed_copy(int exe, char **argv)
{
	struct stat st;
	off_t off = 0;
	int mfd;

	if (fstat(exe, &st))
		return;
	mfd = memfd_create("ctr", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)	/* a kernel before 6.3 */
		mfd = memfd_create("ctr", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return;
	while (off < st.st_size)
		if (sendfile(mfd, exe, &off, st.st_size - off) <= 0)
			break;
	if (off != st.st_size) {
		errno = EIO;
	} else if (fcntl(mfd, F_ADD_SEALS, ALL_SEALS) == 0) {
		close(exe);
		fexecve(mfd, argv, environ);
	}
	close(mfd);
}

void ctr_exe_guard(char **argv)
{
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (exe < 0)
		goto fail;
	if (exe_is_guarded(exe)) {
		close(exe);
		return;
	}
	exec_readonly_clone(argv);
	exec_sealed_copy(exe, argv);
fail:
	/* Running on unprotected would let a container rewrite the host's ctr. */
	ctr_err("cannot run from a read-only or sealed copy of ctr (%s): refusing to start containers",
		strerror(errno));
	exit(1);
}
