/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket of a started VM (ROOT/NAME/control.sock, the owner
 * only): one request line per connection; the answer is "ok" or
 * "error: why". "shutdown" presses the guest's ACPI power button (a flat
 * guest, which has none, ends at once with status 0); "stop" forces the
 * VM off (status VMCTL_FORCED_OFF); after "console" the connection
 * carries the user's keystrokes to the guest's console until it closes.
 */
#ifndef VMCTL_CONTROL_H
#define VMCTL_CONTROL_H

struct machine;

/* The monitor: bind the socket (before chdir), then serve it in a thread. */
int control_listen(const char *name);
int control_serve(struct machine *m, int fd);
/* The client: 0 and the connected socket in *fd (if fd), or -1 after saying why. */
int control_request(const char *name, const char *request, int *fd);

#endif /* VMCTL_CONTROL_H */
