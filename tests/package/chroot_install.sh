#!/usr/bin/env bash
# chroot_install.sh PACKAGES_DIR — the slow package test (./yimen test --slow): a fresh Debian 12 root from Debian's
# archive (mmdebstrap), the three .debs installed into it with apt (which brings their Depends from the archive), and
# in it, as an operator would: the programs start (--help), the maintainer scripts made the users and the state
# directories, `county-server pki init` as the service user gives a county that serves (health answered over TLS),
# a purge keeps the county's data and removes the user, a purge with YIMEN_PURGE_STATE=yes removes the data too.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PACKAGES_DIR" >&2; exit 2; }
debs=$(cd "$1" && pwd)
ls "$debs"/yimen-common_*.deb "$debs"/yimen-county_*.deb "$debs"/yimen-kiosk_*.deb >/dev/null
command -v mmdebstrap >/dev/null || { echo "chroot_install: mmdebstrap is missing (./yimen setup)" >&2; exit 1; }
work=$(mktemp -d /var/tmp/yimen-chroot.XXXXXX)
trap 'rm -rf "$work"' EXIT
checks="$work/checks.sh"
cat > "$checks" <<'CHECKS'
#!/bin/sh
# Runs inside mmdebstrap's customize hook: $1 is the new root (with /proc, /sys, /dev mounted), $2 the .debs.
set -u
root=$1 debs=$2
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
in_root() { chroot "$root" "$@"; }
mkdir -p "$root/tmp/debs" && cp "$debs"/*.deb "$root/tmp/debs/"
# Globs are expanded by a shell inside the root: the host has no /tmp/debs.
if in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
     /tmp/debs/yimen-common_*.deb /tmp/debs/yimen-county_*.deb /tmp/debs/yimen-kiosk_*.deb' > "$root/tmp/install.log" 2>&1
then ok "apt installs yimen-common, yimen-county, yimen-kiosk with their Depends"
else bad "apt install: $(tail -5 "$root/tmp/install.log")"; echo "$passed passed, $failed failed"; exit 1; fi
in_root county-server --help | grep -q "serve" && ok "county-server --help" || bad "county-server --help"
in_root hall-kiosk --help | grep -q "usage: hall-kiosk" && ok "hall-kiosk --help" || bad "hall-kiosk --help"
in_root kiosk-ctl --help >/dev/null 2>&1 && ok "kiosk-ctl --help" || bad "kiosk-ctl --help"
in_root getent passwd yimen-county >/dev/null && ok "user yimen-county" || bad "user yimen-county"
in_root getent passwd kiosk >/dev/null && ok "user kiosk" || bad "user kiosk"
[ "$(in_root stat -c '%U %a' /var/lib/yimen/county)" = "yimen-county 700" ] && ok "/var/lib/yimen/county: yimen-county 0700" \
  || bad "/var/lib/yimen/county: $(in_root stat -c '%U %a' /var/lib/yimen/county)"
[ -f "$root/var/lib/yimen/kiosk/rime/build/luna_pinyin_simp.prism.bin" ] && ok "kiosk: pinyin schema deployed at install" \
  || bad "kiosk: no deployed pinyin schema"
[ -f "$root/etc/yimen/kiosk.toml" ] && [ -f "$root/etc/yimen/county.env" ] && ok "/etc/yimen: kiosk.toml, county.env" \
  || bad "/etc/yimen files"
# The county's first setup, as the README says, then the server as the unit runs it (its user, its arguments).
if in_root runuser -u yimen-county -- county-server pki init --dir /var/lib/yimen/county >/dev/null 2>&1 &&
   [ -f "$root/var/lib/yimen/county/ca.key" ]; then ok "pki init as yimen-county"; else bad "pki init as yimen-county"; fi
in_root runuser -u yimen-county -- county-server serve --dir /var/lib/yimen/county --assets /usr/share/yimen/assets \
  --listen 127.0.0.1:0 > "$root/tmp/serve.out" 2> "$root/tmp/serve.err" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$root/tmp/serve.out" | head -1)
  [ -n "$port" ] && break
  sleep 0.2
done
if [ -n "$port" ] && in_root curl -sS --cacert /var/lib/yimen/county/ca.crt "https://localhost:$port/api/v1/health" \
     | grep -q '"ok":true'; then ok "the installed server answers health over TLS (port $port)"
else bad "installed server: $(tail -3 "$root/tmp/serve.err")"; fi
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
pkill -f "county-server serve --dir /var/lib/yimen/county" 2>/dev/null || true
# Purge: the user goes, the county's data stays; asked, the data goes too.
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q yimen-county > /dev/null 2>&1
! in_root getent passwd yimen-county >/dev/null && ok "purge removes user yimen-county" || bad "purge kept yimen-county"
[ -f "$root/var/lib/yimen/county/ca.key" ] && ok "purge keeps the county's data" || bad "purge removed the data"
[ ! -e "$root/lib/systemd/system/yimen-county.service" ] && ok "purge removes the units" || bad "units left"
in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/debs/yimen-county_*.deb' > /dev/null 2>&1
in_root env DEBIAN_FRONTEND=noninteractive YIMEN_PURGE_STATE=yes apt-get purge -y -q yimen-county > /dev/null 2>&1
[ ! -e "$root/var/lib/yimen/county" ] && ok "purge with YIMEN_PURGE_STATE=yes removes the data" || bad "data left"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
CHECKS
chmod 755 "$checks"
echo "chroot_install: bootstrapping Debian 12 into $work/root (from Debian's archive; a few minutes)" >&2
mmdebstrap --mode=root --variant=apt --include=curl,ca-certificates,procps bookworm "$work/root" \
  --customize-hook="$checks \"\$1\" $debs" \
  --customize-hook='rm -rf "$1"/tmp/debs'
