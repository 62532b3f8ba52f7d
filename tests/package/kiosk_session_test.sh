#!/bin/sh
# kiosk_session_test.sh KIOSK_SESSION — the kiosk session script turns [screen] rotation into cage's -r flags (one per
# quarter turn), never passes -s (VT switching), and refuses a rotation it does not know. A stand-in cage prints its
# arguments.
set -u
session=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\necho "$@"\n' > "$tmp/cage"
chmod 755 "$tmp/cage"
passed=0 failed=0
expect() { # rotation line, expected argument list (or "refused")
  printf '[kiosk]\nid = "x"\n[screen]\nwidth = 1080\n%s\n[paths]\nrotation = 90\n' "$1" > "$tmp/kiosk.toml"
  out=$(YIMEN_CAGE="$tmp/cage" sh "$session" "$tmp/kiosk.toml" 2>&1); rc=$?
  if [ "$2" = refused ]; then
    if [ $rc -ne 0 ] && echo "$out" | grep -q "rotation must be"; then passed=$((passed + 1)); echo "ok   '$1' refused"
    else failed=$((failed + 1)); echo "FAIL '$1': rc $rc, $out"; fi
  elif [ $rc -eq 0 ] && [ "$out" = "$2" ]; then passed=$((passed + 1)); echo "ok   '$1' -> $out"
  else failed=$((failed + 1)); echo "FAIL '$1': rc $rc, got '$out', want '$2'"; fi
}
tail="-- /usr/bin/hall-kiosk --config $tmp/kiosk.toml --assets /usr/share/yimen/assets"
expect "rotation = 0" "-d $tail"
expect "rotation = 90   # mounted on its side" "-d -r $tail"
expect "rotation = 180" "-d -r -r $tail"
expect 'rotation = "270"' "-d -r -r -r $tail"
expect "" "-d $tail"
expect "rotation = 45" refused
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
