#!/bin/sh
# SPDX-License-Identifier: MIT
# The headless kiosk end to end: tickets shown to the simulated camera as images, every
# outcome, the log, the badges, a printer that runs out of labels and comes back.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
SC=$(cd "$(dirname "$0")/scenarios" && pwd)
need_shared "the headless kiosk (its scenario shows a real photograph)"
DB=$T/k.db
W=$T/work
mkdir -p "$W"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
col6() { awk -F, -v n="$1" '$1==n {print $(NF-1)}' "$W/tickets/tickets.csv"; }

today=$(TZ=Europe/Kyiv date +%F)
tomorrow=$(TZ=Europe/Kyiv date -d tomorrow +%F)
q event create --name "Other"
q keygen
printf 'given_name,family_name\nМарта,Гнатюк\n' > "$T/o.csv"
q import "$T/o.csv"
q tickets --out "$W/other"
q event create --name "Форум" --starts "$today" --ends "$tomorrow"
q keygen
cp "$FIX/people.csv" "$T/p.csv"
printf 'L1,Late,Comer,,Учасник,late@example.org,en,ZZ-LATE-1,active\r\nA7,Богдан,Литвин,,Учасник,b@example.org,uk,,active\r\n' >> "$T/p.csv"
q import "$T/p.csv"
q tickets --out "$W/tickets"
forged=$(col6 3 | awk '{ a="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"; n=length($0); c=substr($0,n-2,1); i=index(a,c); if (i==45) i=0; print substr($0,1,n-3) substr(a,i+1,1) substr($0,n-1) }')
revoked=$(col6 5)
q revoke "$revoked"
sed -e "s|@FORGED@|$forged|" -e "s|@REVOKED@|$revoked|" -e "s|@SHARED@|$SHARED|" \
	"$SC/door.scenario" > "$W/door.scenario"

run_vk --db "$DB" run --headless --scenario "$W/door.scenario" --out "$W/out"
cat "$T/out" | sed 's/^/# /'
expect_rc "the door scenario runs with every expectation met" 0
has "summary counts the expectations" "$T/out" "expectations: 14 met, 0 not met"
L=$W/out/log.jsonl
[ "$(grep -c '"event": "outcome"' "$L")" = 13 ] && ok "log.jsonl has one line per outcome (13)" || bad "outcome lines" "$(grep -c '"event": "outcome"' "$L")"
[ "$(grep -c '"outcome": "admitted"' "$L")" = 5 ] && ok "five admissions logged, held ticket counted once" || bad "admitted lines" "$(grep '"outcome"' "$L")"
fp1=$(printf %s "$(col6 1)" | sha256sum | cut -c1-8)
has "already_admitted is logged with the code's fingerprint" "$L" "\"outcome\": \"already_admitted\", \"registration\": 1, \"code_kind\": \"signed\", \"code\": \"$fp1\""
hasnt "the log holds no ticket code" "$L" 'VK1:'
for who in Олександр Ганна Emily Скалозуб; do
	hasnt "the log holds no name ($who)" "$L" "$who"
done
has "the account on stdout names them" "$T/out" "already_admitted  Олександр Скалозуб"
[ "$(stat -c %a "$L")" = 600 ] && ok "log.jsonl is readable by its owner only (0600)" || bad "log mode" "$(stat -c %a "$L")"
has "an admission is logged with its check-in and who decided" "$L" '"mode": "local"'
has "first_checkin names the kiosk" "$L" '"first_checkin": {"time": "'
has "the refused forged code is logged" "$L" '"outcome": "forged"'
has "the printer's empty roll is logged" "$L" '"event": "print_held", "registration": 6, "printer": "no-media"'
has "the late badge printed after the roll was replaced" "$L" '"event": "printed", "registration": 6'
n_png=$(ls "$W/out/badges" | grep -c '\.png$')
[ "$n_png" = 5 ] && ok "five badge PNGs written" || bad "badges" "$(ls "$W/out/badges")"
python3 - "$L" <<'PY' && ok "every log line is valid JSON" || bad "log.jsonl is not JSON lines"
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line)
PY
run_vk --db "$DB" scan "$W/out/badges/$(ls "$W/out/badges" | head -1)"
if grep -q '^VK1:' "$T/out"; then ok "the QR on a printed badge reads back as the ticket"; else bad "badge QR" "$(cat "$T/out")"; fi
run_vk --db "$DB" stats --json
has "turnout after the door: 5 admitted" "$T/out" '"admitted": 5'

# a USB barcode scanner (hid:, a keyboard to the system) types a code and Enter: the
# kiosk loop takes it as a presentation; evdev records replayed from a file
python3 - "$W/scanner.events" <<'PY'
import struct, sys
keys = {'x': 45, '4': 5, '-': 12, 'c': 46, 'a': 30, 'n': 49, 'e': 18, 'l': 38, 'd': 32}
ev = lambda t, c, v: struct.pack('llHHi', 0, 0, t, c, v)
out = b''
for ch in 'x4-cancelled':
    out += ev(1, keys[ch], 1) + ev(0, 0, 0) + ev(1, keys[ch], 0) + ev(0, 0, 0)
out += ev(1, 28, 1) + ev(1, 28, 0)
open(sys.argv[1], 'wb').write(out)
PY
run_vk --db "$DB" run --headless --camera "hid:$W/scanner.events" --out "$W/hid"
expect_rc "the kiosk runs on a barcode scanner's keystrokes" 0
fpx=$(printf %s x4-cancelled | sha256sum | cut -c1-8)
has "the scanned code reached the rules" "$W/hid/log.jsonl" "\"source\": \"scanner\", \"outcome\": \"cancelled\", \"registration\": 4, \"code_kind\": \"foreign\", \"code\": \"$fpx\""

# a database that cannot be written for a moment (another process holds its write lock):
# the door reports the problem and serves the next presentation; the run goes on
python3 - "$DB" "$W/busy" "$T/locked" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[3], "w").close()
log = os.path.join(sys.argv[2], "log.jsonl")
deadline = time.time() + 60
while time.time() < deadline:
    if os.path.exists(log) and '"event": "problem"' in open(log, encoding="utf-8").read():
        break
    time.sleep(0.05)
db.execute("ROLLBACK")
PY
locker=$!
i=0; while [ ! -e "$T/locked" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
sed -e "s|@SHARED@|$SHARED|" > "$W/busy.scenario" <<'SC'
show tickets/ticket-0007.png
expect none
show tickets/ticket-0007.png
expect admitted Богдан
SC
run_vk --db "$DB" run --headless --no-screens --scenario "$W/busy.scenario" --out "$W/busy"
wait $locker
sed 's/^/# /' "$T/out"
expect_rc "the door serves on after the database was locked for a while" 0
has "the problem is logged" "$W/busy/log.jsonl" '"event": "problem", "problem": "database"'
has "the next presentation was admitted" "$W/busy/log.jsonl" '"outcome": "admitted", "registration": 7'
has "the account tells staff what happened" "$T/out" "The check-in could not be saved"

# a scenario that expects the wrong thing fails, and says which line
printf 'show-code ORDER-404\nexpect admitted\n' > "$W/wrong.scenario"
run_vk --db "$DB" run --headless --scenario "$W/wrong.scenario" --out "$W/out2"
expect_rc "an unmet expectation makes the run exit 1" 1
has "the account names the line" "$T/out" "line 2: expected admitted, got unknown"
printf 'jump around\n' > "$W/bad.scenario"
run_vk --db "$DB" run --headless --scenario "$W/bad.scenario" --out "$W/out3"
expect_rc "a scenario with a typo is an error" 2
has "the error names the line" "$T/err" "line 1"
printf 'show nowhere.png\n' > "$W/missing.scenario"
run_vk --db "$DB" run --headless --scenario "$W/missing.scenario" --out "$W/out4"
expect_rc "a missing image is an error" 2
no_crash "a missing image does not crash"

# the threaded kiosk given a camera list longer than any fixed buffer (over 1 KB of paths):
# it used to cut the list, wait for ever for a file that is not there, and admit nobody
mkdir -p "$W/long"
list=
pad=$(printf '%0220d' 0) # 220 characters more in each name: the list is over 1 KB
for f in "$W"/tickets/*.png; do
	l="$W/long/$(basename "$f" .png)-$pad.png"
	ln -s "$f" "$l"
	list=${list:+$list,}$l
done
nfiles=$(ls "$W/long" | wc -l)
[ "${#list}" -gt 1100 ] && ok "the camera list is long (${#list} bytes, $nfiles images)" || bad "the camera list is long" "${#list} bytes"
SDL_VIDEODRIVER=offscreen timeout -k 10 120 "$VKHID" --db "$DB" run --headless --camera "files:$list" \
	--printer "file:$W/long-badges" --exit-after end --out "$W/out5" </dev/null >"$T/out" 2>"$T/err"
rc=$?
expect_rc "the threaded kiosk runs a long camera list to its end" 0
n=$(grep -c '"event": "outcome"' "$W/out5/log.jsonl" 2>/dev/null)
[ "${n:-0}" = "$nfiles" ] && ok "every image of the long list was read ($nfiles outcomes)" || bad "every image of the long list was read" "${n:-0} outcomes for $nfiles images"
done_testing
