// SPDX-License-Identifier: GPL-2.0
/* The control socket of a started VM: see control.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "machine.h"
#include "state.h"
#include "virtio_devices.h"
#include "vmctl.h"

/*
 * sun_path holds 108 bytes and the state directory may be deeper: the
 * socket is named through an fd of the VM's directory.
 */
static int socket_addr(const char *name, struct sockaddr_un *a, int *dirfd)
{
	char dir[4096];

	if (state_path(dir, sizeof(dir), name, ""))
		return -1;
	*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -1;
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "/proc/self/fd/%d/control.sock", *dirfd);
	return 0;
}

int control_listen(const char *name)
{
	struct sockaddr_un a;
	int fd, dirfd;

	if (socket_addr(name, &a, &dirfd))
		return -1;
	unlinkat(dirfd, "control.sock", 0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    fchmodat(dirfd, "control.sock", 0600, 0) || listen(fd, 4)) {
		vmctl_err("cannot create the control socket of '%s': %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	close(dirfd);
	return fd;
}

struct server {
	struct machine *m;
	int fd;
};

/* Keystrokes from an attached console, until it detaches. */
static void feed_console(struct machine *m, int c)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = read(c, buf, sizeof(buf))) > 0) {
		pthread_mutex_lock(&m->lock);
		if (m->virtio_console)
			virtio_console_receive(m->virtio_console, buf, n);
		else
			uart_receive(&m->com1, buf, n);
		pthread_mutex_unlock(&m->lock);
	}
}

struct attached {
	struct machine *m;
	int fd;
};

static void *attached_console(void *arg)
{
	struct attached *a = arg;

	feed_console(a->m, a->fd);
	close(a->fd);
	free(a);
	return NULL;
}

/* An attached console gets a thread of its own: stop must still be served. */
static int attach_console(struct machine *m, int c)
{
	struct attached *a = malloc(sizeof(*a));
	pthread_t th;

	if (!a)
		return -1;
	*a = (struct attached){ m, c };
	if (pthread_create(&th, NULL, attached_console, a)) {
		free(a);
		return -1;
	}
	pthread_detach(th);
	return 0;
}

/* 1 if the connection was handed to a console thread. */
static int serve_one(struct machine *m, int c)
{
	char req[64] = "";
	ssize_t n = read(c, req, sizeof(req) - 1);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (n <= 0)
		return 0;
	req[n] = 0;
	req[strcspn(req, "\r\n")] = 0;
	/* The directory is the owner's; check anyway, as a peer may have an fd of it. */
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != geteuid() && cred.uid != 0)) {
		dprintf(c, "error: not the VM's owner\n");
		return 0;
	}
	if (!strcmp(req, "shutdown")) {
		/* A flat guest has no OS to ask: its stop is the end. */
		dprintf(c, "ok\n");
		if (machine_power_button(m))
			machine_stop(m, VMCTL_OK, "stopped by vmctl stop");
	} else if (!strcmp(req, "stop")) {
		dprintf(c, "ok\n");
		machine_stop(m, VMCTL_FORCED_OFF, "forced off by vmctl stop");
	} else if (!strcmp(req, "console")) {
		dprintf(c, "ok\n");
		return !attach_console(m, c);
	} else {
		dprintf(c, "error: unknown request '%s'\n", req);
	}
	return 0;
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int c;

	for (;;) {
		c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0 && errno == EINTR)
			continue;
		if (c < 0)
			return NULL;
		if (!serve_one(s->m, c))
			close(c);
	}
}

int control_serve(struct machine *m, int fd)
{
	static struct server s;
	pthread_t th;

	s = (struct server){ m, fd };
	if (pthread_create(&th, NULL, serve, &s))
		return -1;
	pthread_detach(th);
	return 0;
}

int control_request(const char *name, const char *request, int *fdp)
{
	struct sockaddr_un a;
	char reply[256] = "";
	int fd, dirfd, ret = -1;
	ssize_t n;

	if (socket_addr(name, &a, &dirfd)) {
		vmctl_err("no VM '%s' is defined (see: vmctl list)", name);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		vmctl_err("cannot reach the monitor of VM '%s': %s (is it running? vmctl status %s)",
			  name, strerror(errno), name);
		goto out;
	}
	dprintf(fd, "%s\n", request);
	n = read(fd, reply, sizeof(reply) - 1);
	if (n > 0)
		reply[n] = 0;
	reply[strcspn(reply, "\n")] = 0;
	if (strcmp(reply, "ok")) {
		vmctl_err("VM '%s' refused '%s': %s", name, request, n > 0 ? reply : "no answer");
		goto out;
	}
	ret = 0;
	if (fdp) {
		*fdp = fd;
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return ret;
}
