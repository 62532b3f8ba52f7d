# loop-partitions.sh — sourced by image/build and tests/image/check_image.sh: attach a disk image to a loop device
# with its partitions as ${loop}p1, ${loop}p2. In a container the kernel's partition scan may not run (or udev is
# absent), so the partitions are added with partx (devtmpfs then makes their nodes).
# attach_disk IMAGE PARTITIONS — prints the loop device; fails when the partitions cannot be reached.
attach_disk() {
    local img=$1 count=$2 loop
    loop=$(losetup --find --show --partscan "$img") || return 1
    for _ in 1 2 3 4 5; do
        [ -b "${loop}p$count" ] && break
        partx -a "$loop" 2>/dev/null || partx -u "$loop" 2>/dev/null || true
        sleep 1
    done
    [ -b "${loop}p$count" ] || { echo "no partition device ${loop}p$count (loop devices without partitions here)" >&2
                                 losetup -d "$loop"; return 1; }
    echo "$loop"
}
