#!/bin/sh
# customize.sh ROOT DEBS — mmdebstrap's customize hook for image/build: the kiosk packages into the new root (apt
# brings cage, fonts and the input data), the appliance's files (image/files/) over it, the services set to start,
# the initramfs rebuilt with the overlay, and what a first boot must make itself (machine id, ssh keys) removed.
set -eu
root=$1 debs=$2 here=$(dirname "$0")
mkdir -p "$root/tmp/debs"
cp "$debs"/yimen-common_*.deb "$debs"/yimen-kiosk_*.deb "$root/tmp/debs/"
# systemd-resolved made /etc/resolv.conf a link to its stub, which nothing serves inside a chroot: apt resolves
# Debian's archive with the host's file meanwhile, and the link is put back for the kiosk.
resolv_link=""
if [ -L "$root/etc/resolv.conf" ]; then
    resolv_link=$(readlink "$root/etc/resolv.conf")
    rm "$root/etc/resolv.conf" && cp -L /etc/resolv.conf "$root/etc/resolv.conf"
fi
# The glob must be expanded inside the new root (the host has no /tmp/debs), hence the shell there.
chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    /tmp/debs/yimen-common_*.deb /tmp/debs/yimen-kiosk_*.deb'
[ -z "$resolv_link" ] || { rm -f "$root/etc/resolv.conf"; ln -s "$resolv_link" "$root/etc/resolv.conf"; }
rm -rf "$root/tmp/debs"
# Debian 12 merges /usr: /lib is a link to usr/lib, which tar follows (cp would refuse to put a folder over it).
tar -C "$here/files" -cf - . | tar -C "$root" -xf - --keep-directory-symlink --no-same-owner
mkdir -p "$root/var/lib/yimen/updates"
echo yimen-kiosk > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tyimen-kiosk\n' > "$root/etc/hosts"
# Network by DHCP on any wired port (systemd-networkd), time by NTP: certificates and receipts need the right time.
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' > "$root/etc/systemd/network/20-wired.network"
systemctl --root="$root" enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
    yimen-kiosk.service yimen-kiosk-setup.service yimen-kiosk-restart.timer yimen-update.timer
systemctl --root="$root" mask getty@tty1.service
# Only tty1 exists for a person at the hall: no other console logins (nor on the serial port, which keeps the
# kernel's messages for a technician), no Ctrl+Alt+Del reboot.
systemctl --root="$root" mask getty@tty2.service getty@tty3.service getty@tty4.service getty@tty5.service \
    getty@tty6.service serial-getty@ttyS0.service ctrl-alt-del.target
mkdir -p "$root/etc/systemd/logind.conf.d"
printf '[Login]\nNAutoVTs=0\nReserveVT=0\nHandlePowerKey=poweroff\n' > "$root/etc/systemd/logind.conf.d/yimen.conf"
systemctl --root="$root" set-default graphical.target
chroot "$root" update-initramfs -u -k all
: > "$root/etc/machine-id"
rm -f "$root"/var/lib/dbus/machine-id "$root"/etc/ssh/ssh_host_*
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/*
