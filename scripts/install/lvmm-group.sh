#!/bin/sh
# make install: the lvmm group and the udev rule that gives it /dev/lvmm
# (0660, like KVM's kvm group). With DESTDIR set (packaging) only the rule
# is staged: the package's postinst creates the group.
set -eu
rules=${DESTDIR:-}${UDEVDIR:-/etc/udev/rules.d}
install -D -m 0644 "$(dirname "$0")/60-lvmm.rules" "$rules/60-lvmm.rules"
[ -z "${DESTDIR:-}" ] || exit 0
getent group lvmm >/dev/null || groupadd --system lvmm
echo "install: users in group 'lvmm' may run VMs (add one: usermod -aG lvmm USER)"
# A loaded module's device gets the group now, not at the next boot.
if command -v udevadm >/dev/null && [ -d /run/udev ]; then
	udevadm control --reload || :
	udevadm trigger --name-match=lvmm || :
elif [ -e /dev/lvmm ]; then
	chgrp lvmm /dev/lvmm && chmod 0660 /dev/lvmm
fi
