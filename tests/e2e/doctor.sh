#!/bin/sh
# SPDX-License-Identifier: MIT
# `vkhid doctor` says, for each part of the kiosk, OK or exactly what to do, and its exit
# status tells a script whether the kiosk is ready: a healthy kiosk (a real ticket in front
# of the simulated camera, the simulated printer), a camera that sends no pictures (a pipe
# camera whose program never writes), a printer out of labels or with a wrong roll (the
# simulated printer's fault hooks), a damaged database, a missing signing key, the Pi's
# power flags fed as hex through $VKHID_THROTTLED_PATH (0x50005: under-voltage and
# throttling now and since boot), and a real hub on loopback that answers, then is stopped.
# The organizer screen shows the same report (a headless scenario taps into it).
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
DB=$T/k.db
hub_pid=
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$FIX/people.csv"
q tickets --out "$T/tickets"
TICKET=$(ls "$T"/tickets/ticket-0001.png)
CAM="files:$TICKET"
PRN="file:$T/badges"
printf 'throttled=0x0\n' >"$T/power"
export VKHID_THROTTLED_PATH="$T/power"
# verdict NAME: the verdict of check NAME in the last --json answer
verdict() { tr '{' '\n' <"$T/out" | sed -n "s/^\"check\": \"$1\", \"verdict\": \"\([a-z]*\)\".*/\1/p"; }
is_verdict() { v=$(verdict "$2"); if [ "$v" = "$3" ]; then ok "$1"; else bad "$1" "the $2 check says '$v', wanted '$3'" "$(head -c 1500 "$T/out")"; fi; }

# ---- a kiosk that is ready --------------------------------------------------------------
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN"
expect_rc "a ready kiosk: doctor exits 0" 0
has "the camera's pictures arrive" "$T/out" "pictures arriving from $CAM"
has "the printer is ready with the roll the template needs" "$T/out" "loaded as the template 62x100 needs"
has "the power supply is good" "$T/out" "power supply good"
has "the roster is counted" "$T/out" "registered"
has "one line sums it up (no backup yet: a warning)" "$T/out" "Works, but see the warnings above."
no_crash "doctor on a ready kiosk runs clean"
run_vk --db "$DB" doctor --json --camera "$CAM" --printer "$PRN"
expect_rc "--json: exit 0" 0
has "--json says ok" "$T/out" '"ok": true'
is_verdict "--json: the camera check is ok" camera ok
is_verdict "--json: the printer check is ok" printer ok
is_verdict "--json: the power check is ok" power ok
is_verdict "--json: a kiosk without a hub is fine" hub ok
for c in camera printer integrity space backup event key roster hub clock power memory service; do
	[ -n "$(verdict $c)" ] || bad "--json has the $c check" "$(head -c 800 "$T/out")"
done
ok "--json has every part: camera, printer, database, backup, event, key, roster, hub, clock, power, memory, service"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" 2>"$T/jerr"; then ok "--json is JSON"; else bad "--json is JSON" "$(cat "$T/jerr")"; fi

# ---- no pictures from the camera ----------------------------------------------------------
run_vk --db "$DB" doctor --camera "pipe:sleep 10 # --width 640 --height 480" --printer "$PRN"
expect_rc "a camera that sends no pictures: exit 1" 1
has "doctor says there are no pictures and what to check" "$T/out" "no pictures from pipe:sleep 10"
has "and to replug it" "$T/out" "unplug it and plug it in again"
has "the summary says not ready" "$T/out" "Not ready"
run_vk --db "$DB" doctor --camera "v4l2:$T/no-such-video" --printer "$PRN"
expect_rc "a camera that is not there: exit 1" 1
has "doctor says the camera cannot be opened and where to set it" "$T/out" "cannot be opened"
run_vk --db "$DB" doctor --camera "files:" --printer "$PRN"
expect_rc "a camera that shows nothing only warns: exit 0" 0
has "doctor says the picture shows nothing" "$T/out" "blurred or shows nothing"

# ---- the printer ---------------------------------------------------------------------------
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN" --printer-fault no-media
expect_rc "a printer out of labels: exit 1" 1
has "doctor says the printer has no labels" "$T/out" "No labels in the printer"
has "and how to load a roll" "$T/out" "Load a label roll"
run_vk --db "$DB" doctor --json --camera "$CAM" --printer "$PRN" --printer-fault end-of-media
is_verdict "--json: a printer at the end of its roll is a problem" printer problem
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN" --printer-fault labels=10
expect_rc "a roll with 10 labels left only warns: exit 0" 0
has "doctor says how many labels are left" "$T/out" "only 10 labels left on the roll"
run_vk --db "$DB" doctor --camera "$CAM" --printer "file:$T/receipts:TM-T20"
expect_rc "a wrong roll for the template: exit 1" 1
has "doctor names the loaded roll and the one needed" "$T/out" "has 80 mm continuous tape loaded, but the badge template 62x100 needs 62 x 100 mm labels"
run_vk --db "$DB" doctor --camera "$CAM" --printer "file:$T/receipts:TM-T20" --template 80
expect_rc "the same printer with the receipt template: exit 0" 0
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN" --printer-fault on-fire
expect_rc "an unknown fault word is a usage error" 2
has "and says which words there are" "$T/err" "no-media"

# ---- the Pi's power flags, fed as hex ------------------------------------------------------
printf 'throttled=0x50005\n' >"$T/power"
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN"
expect_rc "under-voltage now (0x50005): exit 1" 1
has "under-voltage now is said" "$T/out" "under-voltage now"
has "throttling now is said" "$T/out" "throttled now"
has "and both since boot" "$T/out" "since boot: under-voltage, throttled (0x50005)"
has "and what to do about the supply" "$T/out" "give the printer its own"
hasnt "no flag that is not set" "$T/out" "frequency capped"
printf '50000\n' >"$T/power"   # the kernel's sysfs file: bare hex
run_vk --db "$DB" doctor --json --camera "$CAM" --printer "$PRN"
expect_rc "under-voltage only since boot: a warning, exit 0" 0
is_verdict "--json: past under-voltage is a warning" power warning
printf 'throttled=0xa\n' >"$T/power"
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN"
has "capping and the soft temperature limit are told apart" "$T/out" "frequency capped now; soft temperature limit now"
has "and blamed on heat, not the supply" "$T/out" "too hot"
printf 'error=1 error_msg="Command not registered"\n' >"$T/power"
run_vk --db "$DB" doctor --json --camera "$CAM" --printer "$PRN"
is_verdict "an answer that is not the flags is a warning, not a crash" power warning
no_crash "garbage power flags do not crash"
printf 'throttled=0x0\n' >"$T/power"

# ---- the database: a missing key, a damaged file ----------------------------------------------
run_vk --db "$T/nokey.db" event create --name "Без ключа" --starts "$today" --ends "$today"
run_vk --db "$T/nokey.db" doctor --json --camera "$CAM" --printer "$PRN"
is_verdict "a database without a signing key: the key check warns" key warning
has "and says how to make one" "$T/out" "vkhid keygen"
cp "$DB" "$T/big.db"
awk 'BEGIN { print "name,email"; for (i = 0; i < 3000; i++) printf "Person %d,p%d@example.org\n", i, i }' >"$T/many.csv"
"$VKHID" --db "$T/big.db" import "$T/many.csv" >/dev/null 2>&1
sqlite3 "$T/big.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$T/big.db")
dd if=/dev/urandom of="$T/big.db" bs=4096 seek=$((size / 4096 / 2)) count=4 conv=notrunc 2>/dev/null
cp "$T/big.db" "$T/big.before"
run_vk --db "$T/big.db" doctor --camera "$CAM" --printer "$PRN"
expect_rc "a damaged database: exit 1" 1
has "doctor says the database is damaged and to restore the backup" "$T/out" "the database is damaged"
has "the checks that need it are not run on it" "$T/out" "not checked: the database cannot be read"
if cmp -s "$T/big.db" "$T/big.before"; then ok "doctor leaves the damaged file as it was"; else bad "doctor changed the damaged file"; fi
run_vk --db "$T/none.db" doctor --camera "$CAM" --printer "$PRN"
expect_rc "no database at all: exit 1" 1
has "doctor says there is none and how to make one" "$T/out" "there is no database at"
[ ! -e "$T/none.db" ] && ok "and does not create one" || bad "doctor created a database"
cp "$DB" "$DB.bak-0.0.9"
run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN"
has "the last backup is found beside the database" "$T/out" "last backup k.db.bak-0.0.9"

# ---- the hub: answering, then stopped --------------------------------------------------------
HUB=$T/hub.db
"$VKHID" --db "$HUB" event create --name "Форум громад" --timezone Europe/Kyiv >/dev/null 2>&1
"$VKHID" --db "$HUB" import "$FIX/people.csv" >/dev/null 2>&1
"$VKHID" --db "$HUB" hub --listen 127.0.0.1:0 >"$T/hub.out" 2>"$T/hub.err" &
hub_pid=$!
i=0
while ! grep -q 'listening on' "$T/hub.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$hub_pid" 2>/dev/null; then break; fi
	sleep 0.1
done
port=$(sed -n 's/.*listening on https:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$T/hub.out")
run_vk --db "$HUB" hub enroll-token --name "Doctor" --url "https://127.0.0.1:$port"
code=$(cat "$T/out")
run_vk --db "$T/kiosk.db" sync enroll "$code"
expect_rc "a kiosk enrolls with the hub" 0
run_vk --db "$T/kiosk.db" doctor --json --camera "$CAM" --printer "$PRN"
is_verdict "the hub answers: ok" hub ok
has "the hub's address and last sync are told" "$T/out" "https://127.0.0.1:$port answers; last sync"
kill "$hub_pid" 2>/dev/null
wait "$hub_pid" 2>/dev/null
hub_pid=
run_vk --db "$T/kiosk.db" doctor --camera "$CAM" --printer "$PRN"
has "a stopped hub: doctor says it does not answer and what to check" "$T/out" "https://127.0.0.1:$port does not answer"
has "and that the kiosk goes on alone" "$T/out" "this kiosk decides alone and sends its check-ins later"
run_vk --db "$T/kiosk.db" doctor --json --camera "$CAM" --printer "$PRN"
is_verdict "--json: an unreachable hub is a warning (the kiosk works offline)" hub warning

# ---- in Ukrainian --------------------------------------------------------------------------
printf 'throttled=0x50005\n' >"$T/power"
VKHID_LANG=uk run_vk --db "$DB" doctor --camera "$CAM" --printer "$PRN" --printer-fault no-media
has "Ukrainian: under-voltage" "$T/out" "замала напруга зараз"
has "Ukrainian: no labels" "$T/out" "етикет"
has "Ukrainian: the summary" "$T/out" "Не готово"

# ---- the organizer screen shows the same report ---------------------------------------------
cat >"$T/org.scenario" <<'SC'
tap org
expect-screen pin
type 2580
key enter
expect-screen organizer
expect-text Readiness: not ready
drag -300
expect-text power supply: under-voltage now
SC
run_vk --db "$DB" run --headless --scenario "$T/org.scenario" --out "$T/run"
expect_rc "the organizer scenario runs" 0
has "the organizer screen shows the readiness report with the under-voltage problem first" "$T/out" "expectations: 4 met, 0 not met"
no_crash "the organizer's report runs clean"
printf 'throttled=0x0\n' >"$T/power"
cat >"$T/org2.scenario" <<'SC'
tap org
type 2580
key enter
drag -300
expect-text Readiness: ready
SC
run_vk --db "$DB" run --headless --scenario "$T/org2.scenario" --out "$T/run2"
has "with good power (and a backup, a trusted clock) the organizer screen says ready" "$T/out" "expectations: 1 met, 0 not met"
done_testing
