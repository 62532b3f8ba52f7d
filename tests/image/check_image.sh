#!/usr/bin/env bash
# check_image.sh BUILD_DIR [IMAGE_DIR] — the slow image test (./yimen test --slow): image/build --disk into a
# scratch folder, then the root file system as built (packages, enabled and masked units, the overlay in the initramfs, fstab,
# journald, the first-start and update services), the disk (two partitions, their labels, GRUB), and, where
# qemu-system-x86_64 is installed, a boot of the disk as a kiosk would boot it: the data partition preset as the
# first-start setup leaves it (a kiosk certificate from the build's county-server, the county at the host's address
# on qemu's user network), a county server running here, and the kiosk must reach it over mutual TLS (its pulls in
# the server's access log). Then the machine is switched off hard, as at the wall, and the root partition must be
# bit for bit what it was before the boot (the overlay kept every write in RAM) while the kiosk's database is on the
# data partition. With IMAGE_DIR, the image already built there (image/build --disk --out IMAGE_DIR) is checked
# instead of a new one: for working on the boot without ten minutes of building each time.
set -uo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUILD_DIR [IMAGE_DIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "check_image: needs root (mmdebstrap, loop devices)"; exit 77; }
work=$(mktemp -d /var/tmp/yimen-image.XXXXXX)
loop="" server="" qemu=""
cleanup() {
  [ -n "$qemu" ] && kill "$qemu" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null
  umount "$work/mnt" 2>/dev/null
  [ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$top/image/loop-partitions.sh"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

image=${2:-}
if [ -z "$image" ]; then
  image=$work
  echo "check_image: image/build --disk (Debian's archive; several minutes)"
  if ! "$top/image/build" --disk --out "$image" --debs "$build/packages" > "$work/build.log" 2>&1; then
    tail -30 "$work/build.log"; bad "image/build --disk"; echo "$passed passed, $failed failed"; exit 1
  fi
  ok "image/build --disk"
fi
image=$(cd "$image" && pwd)
root=$image/rootfs img=$image/yimen-kiosk.img
check "rootfs tarball written" test -s "$image/yimen-kiosk-rootfs.tar.xz"

# --- the root file system as built
installed() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
for p in yimen-kiosk yimen-common cage fonts-noto-cjk libpam-systemd libgl1-mesa-dri linux-image-amd64 grub-pc; do
  check "package $p installed" installed "$p"
done
check "hall-kiosk runs in the image (--help)" chroot "$root" hall-kiosk --help
enabled() { ls "$root"/etc/systemd/system/*.wants/"$1"; }
for u in yimen-kiosk.service yimen-kiosk-setup.service yimen-kiosk-restart.timer yimen-update.timer \
         systemd-networkd.service systemd-timesyncd.service; do
  check "$u enabled" enabled "$u"
done
masked() { [ "$(readlink "$root/etc/systemd/system/$1")" = /dev/null ]; }
for u in getty@tty1.service getty@tty2.service serial-getty@ttyS0.service ctrl-alt-del.target; do check "$u masked" masked "$u"; done
check "default target graphical" sh -c "readlink '$root/etc/systemd/system/default.target' | grep -q graphical.target"
# lsinitramfs of the image's own initramfs-tools (the host may have none)
initramfs_list=$(chroot "$root" sh -c 'lsinitramfs /boot/initrd.img-*' 2>/dev/null)
check "initramfs holds the overlay script" grep -q 'scripts/local-bottom/yimen-overlay' <<< "$initramfs_list"
check "initramfs holds the overlay module" grep -q '/overlay.ko' <<< "$initramfs_list"
check "fstab mounts the data partition on /var/lib/yimen" grep -q '^LABEL=yimen-data[[:space:]]*/var/lib/yimen' "$root/etc/fstab"
check "journal in RAM, size-limited" grep -q '^Storage=volatile' "$root/etc/systemd/journald.conf.d/yimen.conf"
check "kiosk-setup and kiosk-update executable" test -x "$root/usr/lib/yimen/kiosk-setup" -a -x "$root/usr/lib/yimen/kiosk-update"
check "machine id left for the first boot" test ! -s "$root/etc/machine-id"
check "systemd-analyze verify of the image's own units" chroot "$root" systemd-analyze verify \
  /lib/systemd/system/yimen-kiosk-setup.service /lib/systemd/system/yimen-update.service /lib/systemd/system/yimen-update.timer

# --- the disk
check "disk: two partitions" sh -c "sfdisk -d '$img' | grep -c '^$img' | grep -qx 2"
loop=$(attach_disk "$img" 2)
check "partition 1 labelled yimen-root" sh -c "[ \"\$(blkid -s LABEL -o value ${loop}p1)\" = yimen-root ]"
check "partition 2 labelled yimen-data" sh -c "[ \"\$(blkid -s LABEL -o value ${loop}p2)\" = yimen-data ]"
mkdir -p "$work/mnt"
mount -o ro "${loop}p1" "$work/mnt"
check "GRUB boots the root by label, read-only" grep -q 'root=LABEL=yimen-root ro' "$work/mnt/boot/grub/grub.cfg"
umount "$work/mnt"

qemu_bin=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu_bin" ]; then
  echo "skip boot: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 to boot the image here)"
  losetup -d "$loop"; loop=""
  echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit
fi

# --- a kiosk as its first start leaves it, and a county for it to reach
county=$work/county
"$build/bin/county-server" pki init --dir "$county" --host 10.0.2.2 > /dev/null
"$build/bin/county-server" pki issue-kiosk --dir "$county" --kiosk 230523104-01 --township 230523104 > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])')
"$build/bin/county-server" serve --dir "$county" --assets "$top/assets" --listen "0.0.0.0:$port" \
  > "$work/serve.out" 2> "$work/serve.err" &
server=$!
mount "${loop}p2" "$work/mnt"
kiosk_uid=$(awk -F: '$1 == "kiosk" {print $3 ":" $4}' "$root/etc/passwd")
mkdir -p "$work/mnt/kiosk/certs"
cp "$county/kiosks/230523104-01/"* "$work/mnt/kiosk/certs/"
install -m 0644 "$county/bundle-signing.pub" "$work/mnt/update-key.pem"
sed -e "s|^url = .*|url = \"https://10.0.2.2:$port\"|" "$root/etc/yimen/kiosk.toml" > "$work/mnt/kiosk/kiosk.toml"
chmod 0600 "$work/mnt/kiosk/kiosk.toml" "$work/mnt/kiosk/certs/client.key"
chown -R "$kiosk_uid" "$work/mnt/kiosk"
umount "$work/mnt"
root_before=$(sha256sum "${loop}p1" | cut -d' ' -f1)
losetup -d "$loop"; loop=""

accel=(-accel tcg)
[ -w /dev/kvm ] && accel=(-accel kvm -cpu host)
echo "check_image: booting the disk in qemu (${accel[1]}); waiting up to 6 minutes for the kiosk's first pull"
"$qemu_bin" "${accel[@]}" -m 2048 -smp 2 -drive "file=$img,format=raw,if=virtio" -vga virtio -display none \
  -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -serial "file:$work/serial.log" -no-reboot &
qemu=$!
reached=0
for _ in $(seq 1 360); do
  grep -q 'route=/api/v1/sync/pull status=200.*who=kiosk:230523104-01' "$work/serve.err" "$work/serve.out" 2>/dev/null \
    && { reached=1; break; }
  kill -0 "$qemu" 2>/dev/null || break
  sleep 1
done
if [ "$reached" -eq 1 ]; then ok "booted kiosk reached the county over mutual TLS (yimen-kiosk.service running)"
else bad "booted kiosk never pulled from the county; serial console:"; tail -40 "$work/serial.log"; fi
sleep 5   # a moment of work for the kiosk's database, then the power cut
kill -9 "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null; qemu=""

loop=$(attach_disk "$img" 2)
check "root partition unchanged by the boot and the power cut (read-only under the overlay)" \
  sh -c "[ \"\$(sha256sum ${loop}p1 | cut -d' ' -f1)\" = $root_before ]"
mount -o ro "${loop}p2" "$work/mnt" 2>/dev/null || mount -o ro,norecovery "${loop}p2" "$work/mnt"
check "the kiosk's database is on the data partition" sh -c "ls '$work/mnt/kiosk/'*.db"
umount "$work/mnt"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
