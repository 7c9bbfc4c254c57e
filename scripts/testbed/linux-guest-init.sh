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
# lvmm.bench (make bench): boot to init is all that is timed.
grep -qw lvmm.bench /proc/cmdline && poweroff -f
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
# An all-CPU backtrace (sysrq l): the kernel asks the other CPUs for
# theirs by NMI IPI, and each logs "NMI backtrace for cpu N". Only the
# CPU numbers are reported: the traces stay off the serial console, which
# under Bochs prints a few hundred characters a second. The pause lets
# the deferred console flush pass while the console is quiet.
if [ -w /proc/sysrq-trigger ]; then
	# Newer kernels (7.x) print to the console from a thread: a line
	# still queued when the level drops below it is never printed.
	read -t 1 line <&3
	read -r level rest </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	echo l >/proc/sysrq-trigger
	read -t 1 line <&3
	echo "$level" >/proc/sys/kernel/printk
	say "nmi backtraces from cpus $(dmesg | sed -n 's/.*NMI backtrace for cpu \([0-9]*\).*/\1/p' | sort -u | tr '\n' ' ')"
fi

# The virtio-mmio devices vmctl declared in the DSDT: load the stock
# kernel's drivers (when this is that kernel; the test kernel has them
# built in), then use each device; the test checks what the host sees
# (the disk image, vmctl's output, the tap).
mods=/lib/modules/$(uname -r)
if [ -f "$mods/order" ]; then
	for m in $(cat "$mods/order"); do
		insmod "$mods/$m" || say "insmod $m failed"
	done
fi
if [ -d /sys/bus/virtio ]; then
	say "virtio devices $(ls /sys/bus/virtio/devices | wc -l)"
	if [ -b /dev/vda ]; then
		say "vda reads $(dd if=/dev/vda bs=16 count=1 2>/dev/null)"
		# conv=fsync: the write must reach the image (a FLUSH request).
		echo "written-by-guest" | dd of=/dev/vda bs=512 seek=8 conv=fsync 2>/dev/null &&
			say "vda write flushed"
	fi
	if [ -b /dev/vdb ]; then
		say "vdb read-only flag $(cat /sys/block/vdb/ro)"
		if echo x | dd of=/dev/vdb bs=512 seek=1 conv=fsync 2>/dev/null; then
			say "vdb write accepted"
		else
			say "vdb write refused"
		fi
	fi
	[ -c /dev/hwrng ] &&
		say "rng $(cat /sys/class/misc/hw_random/rng_current) gave $(head -c 64 /dev/hwrng | wc -c) bytes"
	# hvc0's line reaches vmctl's stdout at once, the serial console's
	# later: 7.x prints the console from a thread, and a line still on its
	# way would be cut in two by this one. A second is enough to drain it.
	if [ -c /dev/hvc0 ]; then
		read -t 1 line <&3
		echo "lvmm-guest: hello through hvc0" >/dev/hvc0
	fi
	if ip link set eth0 up 2>/dev/null; then
		ip addr add 10.0.2.15/24 dev eth0
		if ping -c 1 -W 10 10.0.2.1 >/dev/null 2>&1; then
			say "ping 10.0.2.1 answered"
		else
			say "ping 10.0.2.1 unanswered"
		fi
	fi
fi
# lvmm.ticker (the lifecycle test): a line "tick N" a second on the
# console for ever, and a shell there for what vmctl console types;
# acpid answers the power button (vmctl stop) with a shutdown.
if grep -qw lvmm.ticker /proc/cmdline; then
	mkdir -p /etc/acpi/PWRF
	cat >/etc/acpi/PWRF/00000080 <<-'EOF'
	#!/bin/sh
	echo "lvmm-guest: power button: shutting down" >/dev/kmsg
	sync
	poweroff -f
	EOF
	chmod 755 /etc/acpi/PWRF/00000080
	if [ -c /dev/input/event0 ]; then
		acpid -d 2>/tmp/acpid.log &
	else
		say "no input device: the power button is not answered"
	fi
	i=0
	while :; do
		read -t 1 line <&3
		i=$((i + 1))
		echo "lvmm-guest: tick $i" >/dev/ttyS0
	done &
	export PS1='guest$ '
	setsid -c sh </dev/ttyS0 >/dev/ttyS0 2>&1
fi
# lvmm.shell on the command line: then an interactive shell on the console.
if grep -qw lvmm.shell /proc/cmdline; then
	export PS1='guest$ '
	setsid -c sh </dev/ttyS0 >/dev/ttyS0 2>&1
	say "the shell ended"
fi
say "powering off"
poweroff -f
