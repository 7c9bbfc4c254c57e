// SPDX-License-Identifier: GPL-2.0
/* stdin -> the guest's console (COM1 or virtio), with the escape key. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "machine.h"
#include "virtio_devices.h"
#include "vmctl.h"

static struct termios saved;
static int raw;

static void restore_terminal(void)
{
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
}

static void *input_thread(void *arg)
{
	struct machine *m = arg;
	uint8_t buf[256], out[256];
	int escape = 0;
	ssize_t n, i;

	for (;;) {
		size_t len = 0;

		n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* end of input: the guest runs on */
		for (i = 0; i < n; i++) {
			if (escape) {
				escape = 0;
				if (buf[i] == 'x') {
					machine_stop(m, VMCTL_OK, "quit by Ctrl-A x");
					return NULL;
				}
				if (buf[i] != CONSOLE_ESCAPE)
					continue;	/* unknown: dropped */
			} else if (buf[i] == CONSOLE_ESCAPE) {
				escape = 1;
				continue;
			}
			out[len++] = buf[i];
		}
		pthread_mutex_lock(&m->lock);
		if (m->virtio_console)
			virtio_console_receive(m->virtio_console, out, len);
		else
			uart_receive(&m->com1, out, len);
		pthread_mutex_unlock(&m->lock);
	}
}

int console_start(struct machine *m)
{
	struct termios t;
	pthread_t th;

	if (isatty(0) && !tcgetattr(0, &saved)) {
		t = saved;
		/* Raw: ^C, ^Z and friends go to the guest; Ctrl-A x quits. */
		cfmakeraw(&t);
		t.c_oflag |= OPOST | ONLCR;	/* keep host-side line endings sane */
		if (!tcsetattr(0, TCSANOW, &t)) {
			raw = 1;
			atexit(restore_terminal);
		}
	}
	if (pthread_create(&th, NULL, input_thread, m))
		return -1;
	pthread_detach(th);
	return 0;
}
