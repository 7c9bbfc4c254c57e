// SPDX-License-Identifier: GPL-2.0
/*
 * process.terminal: the pty is made inside the container (its devpts), the
 * slave becomes the process's controlling terminal and stdio, and the
 * master goes to the caller: over --console-socket (runc's protocol: one
 * SCM_RIGHTS message whose payload names the pty), or to ctr run/exec,
 * which relay it to their own terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ctr.h"

int ctr_tty_setup(int *master_out)
{
	int master, slave;
	char *name;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return ctr_init_fail("process.terminal: opening /dev/ptmx: %s (mount devpts on /dev/pts)",
				     strerror(errno));
	name = ptsname(master);
	if (!name || unlockpt(master))
		return ctr_init_fail("process.terminal: unlocking the pty: %s", strerror(errno));
	slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return ctr_init_fail("process.terminal: opening %s: %s", name, strerror(errno));
	if (setsid() < 0 && errno != EPERM)
		return ctr_init_fail("setsid: %s", strerror(errno));
	if (ioctl(slave, TIOCSCTTY, 0))
		return ctr_init_fail("process.terminal: TIOCSCTTY: %s", strerror(errno));
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return ctr_init_fail("process.terminal: stdio: %s", strerror(errno));
	if (slave > 2)
		close(slave);
	*master_out = master;
	return 0;
}

int ctr_send_fd(int sock, int fd, const char *payload)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = strlen(payload) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

ssize_t ctr_recv_fd(int sock, char *buf, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

int ctr_console_send(const char *path, int master)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int sock, ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		ctr_err("--console-socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr))) {
		ret = -errno;
		ctr_err("--console-socket %s: %s (is something listening there?)", path,
			strerror(errno));
		if (sock >= 0)
			close(sock);
		return ret;
	}
	ret = ctr_send_fd(sock, master, "/dev/ptmx");
	if (ret)
		ctr_err("--console-socket %s: sending the pty: %s", path, strerror(-ret));
	close(sock);
	return ret;
}

static int copy_once(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	return ctr_write_all(to, buf, n) ? -1 : 0;
}

/*
 * Relay between our stdin/stdout and the pty master until the process
 * exits; our terminal is raw meanwhile so that ^C, ^Z and friends reach
 * the container.  Returns the process's wait status.
 */
int ctr_tty_relay(int master, pid_t pid)
{
	struct termios saved, raw;
	struct winsize ws;
	bool tty = isatty(0) && !tcgetattr(0, &saved);
	int pidfd = syscall(SYS_pidfd_open, pid, 0), status = 0;
	struct pollfd p[3] = {
		{ .fd = 0, .events = POLLIN },
		{ .fd = master, .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};

	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		if (!ioctl(0, TIOCGWINSZ, &ws))
			ioctl(master, TIOCSWINSZ, &ws);
	}
	while (p[1].fd >= 0) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && copy_once(0, master))
			p[0].fd = -1;		/* our stdin ended: keep reading */
		if (p[1].revents && copy_once(master, 1))
			p[1].fd = -1;		/* EIO: every slave fd is closed */
		if (p[2].revents) {
			/* Exited: drain what the pty still holds, then stop. */
			p[0].fd = p[2].fd = -1;
			fcntl(master, F_SETFL, O_NONBLOCK);
			while (!copy_once(master, 1))
				;
			break;
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
	close(master);
	return status;
}

int ctr_check_terminal(bool terminal, const char *console_socket, bool foreground)
{
	if (terminal && !console_socket && !foreground) {
		ctr_err("process.terminal is true: pass --console-socket SOCK to receive the pty, or use ctr run without --detach");
		return -EINVAL;
	}
	if (!terminal && console_socket) {
		ctr_err("--console-socket given, but process.terminal is false (set it to true, or drop the flag)");
		return -EINVAL;
	}
	return 0;
}
