#!/bin/sh
# customize.sh ROOT DEBS — mmdebstrap's customize hook for image/build: the kiosk packages into the new root (apt
# brings cage, fonts and the input data), the appliance's files (image/files/) over it, the services set to start,
# the initramfs rebuilt with the overlay, and what a first boot must make itself (machine id, ssh keys) removed.
set -eu
root=$1 debs=$2 here=$(dirname "$0")
mkdir -p "$root/tmp/debs"
cp "$debs"/yimen-common_*.deb "$debs"/yimen-kiosk_*.deb "$root/tmp/debs/"
# The glob must be expanded inside the new root (the host has no /tmp/debs), hence the shell there.
chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    /tmp/debs/yimen-common_*.deb /tmp/debs/yimen-kiosk_*.deb'
rm -rf "$root/tmp/debs"
cp -a "$here/files/." "$root/"
mkdir -p "$root/var/lib/yimen/updates"
echo yimen-kiosk > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tyimen-kiosk\n' > "$root/etc/hosts"
# Network by DHCP on any wired port (systemd-networkd), time by NTP: certificates and receipts need the right time.
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' > "$root/etc/systemd/network/20-wired.network"
systemctl --root="$root" enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
    yimen-kiosk.service yimen-kiosk-setup.service yimen-kiosk-restart.timer yimen-update.timer
systemctl --root="$root" mask getty@tty1.service
# Only tty1 exists for a person at the hall: no other console logins, no Ctrl+Alt+Del reboot.
systemctl --root="$root" mask getty@tty2.service getty@tty3.service getty@tty4.service getty@tty5.service \
    getty@tty6.service ctrl-alt-del.target
mkdir -p "$root/etc/systemd/logind.conf.d"
printf '[Login]\nNAutoVTs=0\nReserveVT=0\nHandlePowerKey=poweroff\n' > "$root/etc/systemd/logind.conf.d/yimen.conf"
systemctl --root="$root" set-default graphical.target
chroot "$root" update-initramfs -u -k all
: > "$root/etc/machine-id"
rm -f "$root"/var/lib/dbus/machine-id "$root"/etc/ssh/ssh_host_*
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/*
