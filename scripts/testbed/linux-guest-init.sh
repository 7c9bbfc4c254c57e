#!/bin/sh
# /init of the Linux guest that vmctl boots inside the test VM
# (selftests/lvmm/vmctl_linux_test.sh). It reports through /dev/kmsg, so
# its lines reach vmctl's stdout through the kernel's console even before
# the UART has interrupts; the test on the outside checks them.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
say() { echo "lvmm-guest: $*" >/dev/kmsg; }
say "init running"
# lvmm.shell on the command line: an interactive shell on the console.
if grep -qw lvmm.shell /proc/cmdline; then
	export PS1='guest$ '
	setsid -c sh </dev/ttyS0 >/dev/ttyS0 2>&1
	say "the shell ended"
	poweroff -f
fi
say "cpus online $(grep -c '^processor' /proc/cpuinfo)"
say "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
say "clockevent $(cat /sys/devices/system/clockevents/clockevent0/current_device)"
say "local timer interrupts $(grep LOC: /proc/interrupts | tr -s ' ' | cut -d' ' -f3)"
# The shell itself waits (read -t on a fifo nobody writes), so no
# fork and exec of a sleep program blurs the two seconds.
mkfifo /tmp/never && exec 3<>/tmp/never
say "sleep 2 begins"
read -t 2 line <&3
say "sleep 2 ends"
say "powering off"
poweroff -f
