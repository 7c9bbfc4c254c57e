#!/bin/sh
# /init of the lvmm test VM (busybox sh). The mode comes from the kernel
# command line: lvmm.mode=check|demo|bench (lvmm.timeout= bounds each
# selftest, in seconds). Output goes to the second serial port (ttyS1),
# framed by @@LVMM-BEGIN/END markers that parse-results.sh reads, so
# kernel messages on the console (ttyS0) never interleave with it.
# QEMU runs with -no-reboot, so `reboot -f` ends the VM.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:/bench LVMM_KO=/lvmm.ko HOME=/tmp

# The initramfs is rootfs, which pivot_root cannot leave, and ctr (like
# runc) insists on pivot_root: first move everything to a tmpfs root.
if [ ! -e /.lvmm-tmpfs-root ]; then
	mkdir /newroot
	mount -t tmpfs -o mode=755 root /newroot
	for f in /*; do
		[ "$f" = /newroot ] || cp -a "$f" /newroot/
	done
	touch /newroot/.lvmm-tmpfs-root
	exec switch_root /newroot /init
fi

mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1	# in case the cpio had no /dev/console
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmp /tmp
mkdir -p /dev/pts && mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts	# ptys for the tests
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm	# POSIX shm (Podman's locks)
mkdir -p /var/tmp	# FHS; containers/storage puts its temporary files there

# Since Linux 6.12 KVM takes the CPU's virtualization when kvm.ko loads
# (kvm.enable_virt_at_load=1), not when it creates its first VM, and so
# holds it against lvmm until unloaded: the beds' tests have lvmm and KVM
# take turns with modules loaded, as on 6.1 (older kernels ignore it).
mkdir -p /etc/modprobe.d
echo "options kvm enable_virt_at_load=0" >/etc/modprobe.d/lvmm-bed.conf

mode=check timeout=120 skip_tag='' only='' vm_cpus=''
for arg in $(cat /proc/cmdline); do
	case $arg in
	lvmm.mode=*) mode=${arg#*=} ;;
	lvmm.timeout=*) timeout=${arg#*=} ;;
	lvmm.skip_tag=*) skip_tag=${arg#*=} ;;
	lvmm.only=*) only=${arg#*=} ;;
	lvmm.vm_cpus=*) vm_cpus=${arg#*=} ;;
	esac
done
# lvmm.vm_cpus=LIST: programs that run VMs, hence every vCPU thread of
# lvmm or KVM, run on these CPUs only (multi-threaded QEMU 7.2 corrupts
# SVM state on CPU 0 only: Documentation/testing.rst). ctr's, tagged
# no-lvmm, keep every CPU.
on_vm_cpus=
if [ -n "$vm_cpus" ]; then
	on_vm_cpus="taskset -c $vm_cpus"
	echo "lvmm-test: programs with VMs run on CPUs $vm_cpus" >/dev/kmsg
fi

stty -F /dev/ttyS1 raw -echo	# no \n -> \r\n translation in results.log
exec 3>/dev/ttyS1

# run NAME CMD...: one framed block holding CMD's output and exit code.
# The name also goes to the kernel log, so a splat on the console can be
# attributed to the test that was running.
run() {
	name=$1
	shift
	echo "lvmm-test: $name" >/dev/kmsg
	echo "@@LVMM-BEGIN $name@@" >&3
	"$@" </dev/null >&3 2>&1
	rc=$?
	echo "@@LVMM-END $name rc=$rc@@" >&3
	return $rc
}

check() {
	run insmod insmod /lvmm.ko
	# KUnit suites ran at insmod; debugfs keeps each suite's full KTAP.
	# lvmm.only=PROGRAM: a bed for that one selftest (another bed of the
	# same kernel reports KUnit and the rest).
	[ -n "$only" ] || for d in /sys/kernel/debug/kunit/*; do
		[ -f "$d/results" ] && run "kunit/${d##*/}" cat "$d/results"
	done
	# Selftests: one program per line, relative to /selftests. A
	# second field raises that program's limit above lvmm.timeout
	# ("-": the default), a third tags it (a comma list): a bed may
	# skip tags (lvmm.skip_tag=, a comma list too).
	[ -f /selftests/TESTS ] && while read -r t limit tags _; do
		case $t in '' | '#'*) continue ;; esac
		[ -z "$only" ] || [ "$t" = "$only" ] || continue
		skipped=
		for tag in $(echo "$tags" | tr , ' '); do
			case ",$skip_tag," in *",$tag,"*) skipped=$tag ;; esac
		done
		if [ -n "$skipped" ]; then
			echo "lvmm-test: $t not run in this bed ($skipped)" >/dev/kmsg
			continue
		fi
		case $limit in *[!0-9]* | '') limit=$timeout ;; esac
		[ "$limit" -gt "$timeout" ] || limit=$timeout
		pin=$on_vm_cpus
		case ",$tags," in *,no-lvmm,*) pin='' ;; esac
		# shellcheck disable=SC2086 # $pin is empty or a command prefix
		(cd /selftests && run "$t" $pin timeout -s KILL "$limit" "./$t")
	done </selftests/TESTS
	# Unloading last catches teardown bugs (leaks, lockdep, WARN_ON).
	if grep -q '^lvmm ' /proc/modules; then run rmmod rmmod lvmm; fi
}

# shellcheck disable=SC2086 # $on_vm_cpus is empty or a command prefix
case $mode in
check) check ;;
demo) run insmod insmod /lvmm.ko && run demo $on_vm_cpus sh /demo.sh ;;
bench) run bench $on_vm_cpus sh /bench.sh ;;
shell) setsid cttyhack sh ;;	# for debugging by hand: -serial mon:stdio
*) run init sh -c "echo unknown lvmm.mode=$mode; exit 1" ;;
esac

echo "@@LVMM-DONE@@" >&3
# Bochs' emulated UART sends a few hundred characters a second, and the
# last close of a port gives up after 30 s (closing_wait) and drops the
# rest: wait while ttyS1's transmit count still moves (up to 10 minutes).
prev= i=0
while [ $i -lt 600 ]; do
	cur=$(sed -n 's/^1: .* tx:\([0-9]*\).*/\1/p' /proc/tty/driver/serial 2>/dev/null)
	[ -n "$cur" ] && [ "$cur" != "$prev" ] || break
	prev=$cur i=$((i + 1))
	sleep 1
done
exec 3>&-	# the last close of a serial port waits for its output to drain
# ... unless someone else still holds it open: give a slow emulated UART
# (Bochs) time to send the rest before the machine goes away.
sleep 1
reboot -f
