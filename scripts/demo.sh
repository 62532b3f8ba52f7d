#!/usr/bin/env bash
# demo.sh — the whole system on one machine: a county server (fresh PKI, a demo year of cases from
# `county-server demo-data`, a township-staff user, the kiosk registered, back-office users with demo passwords),
# the virtual printer, and the hall kiosk. It prints the back office's URL and the demo sign-ins.
# Called by `./yimen demo [--headless] [--keep-serving]`.
# With a display the kiosk opens a window; without one (or with --headless) it plays the scripted tour on SDL's
# offscreen driver and leaves screenshots and printed pages under build/demo/ (or $YIMEN_BUILD_DIR/demo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${YIMEN_BUILD_DIR:-$ROOT/build}"
BIN="$BUILD/bin"
OUT="$BUILD/demo"
HEADLESS=0
KEEP=0
for a in "$@"; do
  case "$a" in
    --headless) HEADLESS=1;;
    --keep-serving) KEEP=1;;
    *) echo "demo: unknown option $a (use --headless, --keep-serving)" >&2; exit 2;;
  esac
done
if [ "$HEADLESS" = 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display here (DISPLAY and WAYLAND_DISPLAY are unset): running ./yimen demo --headless instead." >&2
  HEADLESS=1
fi

say() { printf '\033[1m[demo]\033[0m %s\n' "$*" >&2; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Waits for "listening on …:PORT" in a log and prints PORT.
port_from_log() {
  local log=$1 i
  for i in $(seq 1 100); do
    local port
    port=$(grep -m1 'listening on' "$log" 2>/dev/null | sed -nE 's/.*listening on [^ ]*:([0-9]+).*/\1/p')
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    sleep 0.1
  done
  echo "demo: a service did not start; see $log" >&2
  cat "$log" >&2
  return 1
}

rm -rf "$OUT"
mkdir -p "$OUT/screens" "$OUT/receipts" "$OUT/kiosk"
COUNTY="$OUT/county"
KIOSK_ID=230523104-01
TOWNSHIP=230523104
STAFF_ID=104001
STAFF_PIN=482615
# Back-office (后台) sign-ins of the demo: demonstration passwords, printed openly; never use them on a real server.
STAFF_PASSWORD=yimen-demo-104001
COUNTY_USER=D523001
COUNTY_PASSWORD=yimen-demo-county

say "county server: PKI, kiosk $KIOSK_ID, township staff $STAFF_ID (PIN $STAFF_PIN), policy bundle"
"$BIN/county-server" pki init --dir "$COUNTY" >/dev/null
say "county server: a demo year of 宝清县 (13 townships and farms, their kiosks and staff; seed 2026)"
"$BIN/county-server" demo-data --dir "$COUNTY" --seed 2026 --months 12 --assets "$ROOT/assets" > "$OUT/demo-data.txt"
head -n 1 "$OUT/demo-data.txt" | sed 's/^/  /' >&2
"$BIN/county-server" pki issue-kiosk --dir "$COUNTY" --kiosk "$KIOSK_ID" --township "$TOWNSHIP" >/dev/null
TOKEN=$(printf '%s\n%s\n' "$STAFF_PIN" "$STAFF_PASSWORD" | "$BIN/county-server" users add --dir "$COUNTY" --id "$STAFF_ID" \
          --name 李娜 --role township-staff --township "$TOWNSHIP" --pin --password | sed -n 's/^token //p')
printf '%s\n' "$COUNTY_PASSWORD" | "$BIN/county-server" users passwd --dir "$COUNTY" --id "$COUNTY_USER" >/dev/null
"$BIN/county-server" bundle publish --dir "$COUNTY" --from "$ROOT/assets/policy" >/dev/null

start_county() {
  # A fresh log each start: the previous run's "listening on" line must not be read as this run's port.
  local log="$OUT/county-$((${#PIDS[@]} + 1)).log"
  ln -sfn "$(basename "$log")" "$OUT/county.log"
  "$BIN/county-server" serve --dir "$COUNTY" --listen 127.0.0.1:0 --assets "$ROOT/assets" > "$log" 2>&1 &
  COUNTY_PID=$!
  PIDS+=("$COUNTY_PID")
  COUNTY_PORT=$(port_from_log "$log")
}
# The back office's address and the demo sign-ins (printed at the start, for the kiosk window's lifetime, and at the end).
back_office() {
  say "back office (后台): https://127.0.0.1:$COUNTY_PORT/   the demo year (12 months, 13 townships) is loaded"
  say "  demo credentials (演示账号，仅供演示):"
  say "    county staff   (县级工作人员)  user $COUNTY_USER   password $COUNTY_PASSWORD"
  say "    township staff (乡镇工作人员)  user $STAFF_ID    password $STAFF_PASSWORD   (龙头镇 $TOWNSHIP)"
  say "  the certificate is from the demo's own CA ($COUNTY/ca.crt): the browser warns once; continue to the page"
}
start_county
say "county server on https://127.0.0.1:$COUNTY_PORT"
back_office

"$BIN/virtual-printer" --listen 127.0.0.1:0 --out "$OUT/receipts" > "$OUT/printer.log" 2>&1 &
PIDS+=($!)
PRINTER_PORT=$(port_from_log "$OUT/printer.log")
say "virtual printer on 127.0.0.1:$PRINTER_PORT, pages to $OUT/receipts/"

# The hall's ID card reader: idcard-sim on a pseudo-terminal with a fictional card (王秀兰). With a window the card
# lies on the reader from the start (the identity step offers it; decline it to type); the headless tour lays it on
# for part 1c only (SIGUSR1) and takes it away after (SIGUSR2).
IDCARD_LINK="$OUT/idcard-reader"
SIM_ARGS=(--card normal --link "$IDCARD_LINK")
if [ "$HEADLESS" = 1 ]; then SIM_ARGS+=(--absent); fi
"$BIN/idcard-sim" "${SIM_ARGS[@]}" > "$OUT/idcard-sim.log" 2>&1 &
SIM_PID=$!
PIDS+=("$SIM_PID")
for _ in $(seq 1 50); do [ -L "$IDCARD_LINK" ] && break; sleep 0.1; done
[ -L "$IDCARD_LINK" ] || { echo "demo: idcard-sim did not start; see $OUT/idcard-sim.log" >&2; exit 1; }
if [ "$HEADLESS" = 1 ]; then say "ID card reader (idcard-sim, a fictional card) on $IDCARD_LINK: empty until tour part 1c"
else say "ID card reader (idcard-sim, a fictional card) on $IDCARD_LINK: the card lies on it, so the applicant step offers it (decline it to type)"; fi

CERTS="$COUNTY/kiosks/$KIOSK_ID"
PRINTER_URI="tcp://127.0.0.1:$PRINTER_PORT"
cat > "$OUT/kiosk.toml" <<TOML
[kiosk]
id = "$KIOSK_ID"
number = 1
township_code = "$TOWNSHIP"
township_name = "龙头镇"
hall_name = "龙头镇便民服务大厅"
hotline = "12345"

[county]
url = "https://127.0.0.1:$COUNTY_PORT"
ca_bundle = "$CERTS/ca.crt"
client_cert = "$CERTS/client.crt"
client_key = "$CERTS/client.key"
bundle_public_key = "$CERTS/bundle-signing.pub"
sealing_public_key = "$CERTS/sealing.pub"

[id_card]
port = "$IDCARD_LINK"

[printer]
uri = "$PRINTER_URI"
profile = "generic-80"

[screen]
width = 1080
height = 1920

[paths]
data_dir = "$OUT/kiosk"
assets_dir = "$ROOT/assets"
TOML

# Install step: rime's schema deployed once into the kiosk's data directory, so no kiosk start pays for it.
"$ROOT/scripts/deploy-rime.sh" "$OUT/kiosk" >/dev/null

county_api() { curl -sS --cacert "$COUNTY/ca.crt" -H "Authorization: Bearer $TOKEN" "$@"; }

if [ "$HEADLESS" = 0 ]; then
  say "kiosk window: close it to stop the demo"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml"
else
  export SDL_VIDEODRIVER=offscreen
  say "tour, part 1: a self-service application and its sync"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-1.txt" --screenshots "$OUT/screens"
  RECEIPT=$(sqlite3 "$OUT/kiosk/kiosk.db" \
    "SELECT json_extract(envelope, '\$.payload.receipt_number') FROM journal_events WHERE type = 'application.submitted' ORDER BY seq DESC LIMIT 1")
  [ -n "$RECEIPT" ] || { echo "demo: the tour made no application; see the screenshots in $OUT/screens" >&2; exit 1; }
  export YIMEN_DEMO_RECEIPT="$RECEIPT"
  export YIMEN_DEMO_RECEIPT_GROUPED="${RECEIPT:0:4} ${RECEIPT:4:4} ${RECEIPT:8:4} ${RECEIPT:12:4} ${RECEIPT:16:1}"
  say "tour, part 1b: staff acceptance at the kiosk (staff $STAFF_ID, PIN from the county) for $RECEIPT"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-1b.txt" --screenshots "$OUT/screens"
  say "tour, part 1c: another resident lays her ID card on the reader; the identity step fills from it"
  kill -USR1 "$SIM_PID"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-1c.txt" --screenshots "$OUT/screens"
  kill -USR2 "$SIM_PID"
  APPLICATIONS=$(sqlite3 "$OUT/kiosk/kiosk.db" "SELECT count(*) FROM journal_events WHERE type = 'application.submitted'")
  [ "$APPLICATIONS" -ge 2 ] || { echo "demo: the ID card tour made no application; see $OUT/screens" >&2; exit 1; }
  say "casework through the county's API: 启动家庭经济状况调查 for $RECEIPT"
  county_api -X POST -H 'Content-Type: application/json' \
    -d '{"stage":"investigation_started"}' "https://127.0.0.1:$COUNTY_PORT/api/v1/cases/$RECEIPT/stages" > "$OUT/casework.json"
  printf '%s\n' "$RECEIPT" > "$OUT/receipt.txt"
  say "tour, part 2: the kiosk pulls; a status query online"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-2.txt" --screenshots "$OUT/screens"
  say "county server stopped: the same status query offline (with its age), a rating with quiz, a complaint"
  kill "$COUNTY_PID"; wait "$COUNTY_PID" 2>/dev/null || true
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-3.txt" --screenshots "$OUT/screens"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-4.txt" --screenshots "$OUT/screens"
  say "county server restarted: the rest of the journal goes up"
  start_county
  sed -i "s|^url = .*|url = \"https://127.0.0.1:$COUNTY_PORT\"|" "$OUT/kiosk.toml"
  "$BIN/hall-kiosk" --config "$OUT/kiosk.toml" --script "$ROOT/assets/demo/tour-sync.txt" --screenshots "$OUT/screens"
fi

say "what the county server received (events by type):"
county_api "https://127.0.0.1:$COUNTY_PORT/api/v1/stats/events" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t, n in sorted(d["events_by_type"].items()):
    print(f"  {t:24} {n}")
missing = [t for t in ("application.submitted", "application.accepted", "receipt.printed", "status.queried",
                       "rating.given", "quiz.answered", "complaint.filed", "staff.login")
           if t not in d["events_by_type"]]
if missing:
    sys.exit("demo: the county did not receive " + ", ".join(missing))
'
TODAY=$(TZ=Asia/Shanghai date +%F)
YEAR_AGO=$(TZ=Asia/Shanghai date -d "$TODAY -12 months +1 day" +%F)
say "the county's headline figures, $YEAR_AGO to $TODAY (every township: $OUT/stats.txt):"
"$BIN/county-server" stats --dir "$COUNTY" --from "$YEAR_AGO" --to "$TODAY" --format table --assets "$ROOT/assets" \
  > "$OUT/stats.txt"
head -n 2 "$OUT/stats.txt" | sed 's/^/  /' >&2
say "screenshots: $OUT/screens/   printed pages: $OUT/receipts/   logs: $OUT/*.log"
back_office
if [ "$KEEP" = 0 ]; then
  say "  (the county server stops with the demo now; ./yimen demo --keep-serving keeps the back office open)"
fi
if [ "$KEEP" = 1 ]; then
  say "county server keeps serving on https://127.0.0.1:$COUNTY_PORT (Ctrl-C to stop); staff token: $TOKEN"
  wait "$COUNTY_PID"
fi
