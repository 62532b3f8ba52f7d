# loop-partitions.sh — sourced by image/build and tests/image/check_image.sh: attach a disk image to a loop device
# with its partitions as ${loop}p1, ${loop}p2. In a container the kernel's partition scan may not run (or udev is
# absent), so the partitions are added with partx, and their nodes made from sysfs where devtmpfs did not.
# attach_disk IMAGE PARTITIONS — prints the loop device; fails when the partitions cannot be reached.
attach_disk() {
    local img=$1 count=$2 loop p dev
    loop=$(losetup --find --show --partscan "$img") || return 1
    for _ in 1 2 3 4 5; do
        [ -b "${loop}p$count" ] && break
        partx -a "$loop" 2>/dev/null || partx -u "$loop" 2>/dev/null || true
        sleep 1
    done
    for p in $(seq 1 "$count"); do
        dev=/sys/block/${loop#/dev/}/${loop#/dev/}p$p/dev
        [ -b "${loop}p$p" ] || { [ -r "$dev" ] && mknod "${loop}p$p" b "$(cut -d: -f1 "$dev")" "$(cut -d: -f2 "$dev")"; } || true
        [ -b "${loop}p$p" ] || { echo "no partition device ${loop}p$p (loop devices without partitions here)" >&2; losetup -d "$loop"; return 1; }
    done
    echo "$loop"
}
