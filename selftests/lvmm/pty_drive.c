// SPDX-License-Identifier: GPL-2.0
/*
 * pty_drive: type into a program's terminal and print what it shows, for
 * tests of interactive sessions (ctr's process.terminal, vmctl's console).
 *
 *   pty_drive [--wait-for STR] [--input TEXT] [--timeout S] -- CMD [ARG...]
 *	run CMD on a new pty (its controlling terminal), type TEXT (once
 *	STR has appeared on the screen, with --wait-for), copy the screen
 *	to stdout until CMD exits; exit with CMD's status.
 *   pty_drive --listen SOCK [--input TEXT] [--timeout S]
 *	be an OCI console socket: receive the pty master that the runtime
 *	sends to SOCK, type TEXT, copy until the other side closes.
 *
 * TEXT understands \n, \r and \\.  Exit status 124 on timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*o++ = *s;
			continue;
		}
		s++;
		*o++ = *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
	}
	*o = 0;
}

static int receive_master(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int ls, conn, fd = -1;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) || listen(ls, 1)) {
		perror(path);
		return -1;
	}
	conn = accept(ls, NULL, NULL);
	if (conn < 0 || recvmsg(conn, &msg, 0) < 0) {
		perror("receiving the console");
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd < 0)
		fprintf(stderr, "pty_drive: no file descriptor came with the message\n");
	close(conn);
	close(ls);
	unlink(path);
	return fd;
}

static pid_t spawn_on_pty(char **argv, int *master_out)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;
	pid_t pid;

	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("pty");
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			_exit(126);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	*master_out = master;
	return pid;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "wait-for", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	char *input = NULL, *wait_for = NULL, buf[4096], seen[8192] = "";
	const char *sock = NULL;
	int c, master, timeout = 60, status = 0;
	time_t end;
	pid_t pid = -1;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'i': input = optarg; unescape(input); break;
		case 'l': sock = optarg; break;
		case 't': timeout = atoi(optarg); break;
		case 'w': wait_for = optarg; break;
		default: return 2;
		}
	}
	if (!sock == !(optind < argc)) {
		fprintf(stderr, "usage: pty_drive [--input TEXT] -- CMD... | --listen SOCK [--input TEXT]\n");
		return 2;
	}
	if (sock) {
		master = receive_master(sock);
	} else {
		pid = spawn_on_pty(argv + optind, &master);
		if (pid < 0)
			master = -1;
	}
	if (master < 0)
		return 1;
	if (input && !wait_for && write(master, input, strlen(input)) < 0)
		perror("typing");
	end = time(NULL) + timeout;
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (time(NULL) >= end) {
			fprintf(stderr, "pty_drive: timed out after %d s\n", timeout);
			if (pid > 0)
				kill(pid, SIGKILL);
			return 124;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;	/* EIO: the last slave fd closed */
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		if (wait_for) {
			/* Keep the last part of the screen to look for the prompt in. */
			size_t keep = strlen(seen), add = n < 4096 ? n : 4096;

			if (keep + add >= sizeof(seen)) {
				memmove(seen, seen + keep + add - 4096, 4096 - add);
				keep = 4096 - add;
			}
			memcpy(seen + keep, buf + n - add, add);
			seen[keep + add] = 0;
			if (strstr(seen, wait_for)) {
				wait_for = NULL;
				if (input && write(master, input, strlen(input)) < 0)
					perror("typing");
			}
		}
	}
	if (pid > 0) {
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return 0;
}
