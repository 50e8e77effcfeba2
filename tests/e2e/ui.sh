#!/bin/sh
# SPDX-License-Identifier: MIT
# The touch screens end to end, headless: tests/e2e/scenarios/ui-door.scenario walks every
# journey at the door and the organizer's through taps, typing and the simulated camera
# and printer. Asserts the outcomes, the screens, and that every screenshot of a key screen
# holds its texts: drawn (ink in their boxes), no smaller than 18 px at 800x480, at a
# contrast of at least 4.5:1 (the runner writes each text it draws to OUT/screens.jsonl;
# the door's log.jsonl has outcomes by registration number, never names).
. "$(dirname "$0")/lib.sh"
SC=$(cd "$(dirname "$0")/scenarios" && pwd)
DB=$T/k.db
W=$T/work
mkdir -p "$W"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
col6() { awk -F, -v n="$1" '$1==n {print $(NF-1)}' "$W/tickets/tickets.csv"; }

today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Other"
q keygen
printf 'given_name,family_name\nМарта,Гнатюк\n' > "$T/o.csv"
q import "$T/o.csv"
q tickets --out "$W/other"
q event create --name "Форум громад 2026" --starts "$today" --ends "$today" --walk-ins
q keygen
cp "$(dirname "$0")/../fixtures/people.csv" "$T/p.csv"
printf 'A6,Богдан,Литвин,,Учасник,b@example.org,uk,,active\r\nA7,Соломія,Федорів,Open Data Ukraine,Спікер,s@example.org,en,,active\r\n' >> "$T/p.csv"
q import "$T/p.csv"
q tickets --out "$W/tickets"
forged=$(col6 2 | awk '{ a="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"; n=length($0); c=substr($0,n-2,1); i=index(a,c); if (i==45) i=0; print substr($0,1,n-3) substr(a,i+1,1) substr($0,n-1) }')
revoked=$(col6 3)
q revoke "$revoked"
sed -e "s|@FORGED@|$forged|" -e "s|@REVOKED@|$revoked|" "$SC/ui-door.scenario" > "$W/ui.scenario"

run_vk --db "$DB" run --headless --scenario "$W/ui.scenario" --out "$W/out"
grep -n "!!" "$T/out" | sed "s/^/# /"; sed "s/^/# /" "$T/out" | tail -40
expect_rc "the touch-screen scenario runs with every expectation met" 0
has "every expectation is met" "$T/out" " 0 not met"
no_crash "the screens run clean under the sanitizers"
L=$W/out/log.jsonl
S=$W/out/screens.jsonl
has "Find me admits with method search" "$L" '"source": "search", "outcome": "admitted", "registration": 2'
has "a walk-in becomes a registration and a check-in" "$L" '"source": "walkin", "outcome": "admitted"'
has "reprint from the organizer screen is logged" "$L" '"action": "reprint", "registration": 1, "ok": true, "source": "organizer"'
has "undo from the organizer screen is logged" "$L" '"action": "undo", "registration": 2, "ok": true, "source": "organizer"'
for who in Ганна Олександр Соломія; do
	hasnt "the door's log has no name ($who)" "$L" "$who"
done
has "the account on stdout names who came in" "$T/out" "admitted          Ганна"
for s in welcome greeting refused find confirm verify walkin pin organizer clock; do
	has "the $s screen was shown and logged" "$S" "\"screen\": \"$s\""
done
n=$(ls "$W/out/screens" 2>/dev/null | grep -c '\.png$')
[ "$n" -ge 20 ] && ok "screenshots written as PNG ($n)" || bad "screenshots" "$(ls "$W/out/screens")"
python3 - "$S" "$W/out/screens" <<'PY' && ok "every screenshot: texts drawn, >= 18 px at 800x480, contrast >= 4.5, PNG size right" || bad "screenshot checks failed (see above)"
import json, struct, sys
log, shots = sys.argv[1], sys.argv[2]
bad = 0
want = {  # key screens and a text each must show
    "welcome": "Show the QR code", "greeting": "Олександр Скалозуб", "refused-already": "already",
    "refused-unknown": "could not find", "find": "Ганна", "confirm": "Is this you?",
    "walkin": "Register", "organizer": "Checked in", "welcome-uk": "Покажіть",
    "greeting-printer-held": "Бейдж чекає на принтер", "refused-repeat": "printed at",
    "verify": "last 3 digits", "pin-locked": "Too many wrong PINs",
}
seen = set()
for line in open(log, encoding="utf-8"):
    e = json.loads(line)
    if e.get("event") != "screen" or "screenshot" not in e:
        continue
    name = e["screenshot"]; seen.add(name)
    with open(e["file"], "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", head[16:24]) != (e["w"], e["h"]):
        print("# %s: not a %dx%d PNG" % (name, e["w"], e["h"])); bad += 1
    small = min(e["w"], e["h"]) <= 480
    for t in e["texts"]:
        if t["ink"] <= 0.001:
            print("# %s: '%s' left no ink" % (name, t["text"])); bad += 1
        if t["contrast"] < 4.5:
            print("# %s: '%s' contrast %.1f" % (name, t["text"], t["contrast"])); bad += 1
        if small and t["px"] < 18:
            print("# %s: '%s' drawn at %d px" % (name, t["text"], t["px"])); bad += 1
    if name in want and not any(want[name] in t["text"] for t in e["texts"]):
        print("# %s: no '%s'" % (name, want[name])); bad += 1
for k in want:
    if k not in seen:
        print("# no screenshot", k); bad += 1
sys.exit(1 if bad else 0)
PY
# a tap on a button that is not there names the screen
printf 'tap nope\n' > "$W/bad.scenario"
run_vk --db "$DB" run --headless --scenario "$W/bad.scenario" --out "$W/out2"
expect_rc "tapping a missing button is an error" 2
has "the error names the screen" "$T/err" "no button 'nope' on the welcome screen"
# a tap by position goes through SDL's finger events
printf 'tap 600 420\nexpect-screen find\ntap 5 5\nexpect-screen find\n' > "$W/xy.scenario"
run_vk --db "$DB" run --headless --scenario "$W/xy.scenario" --out "$W/out3"
expect_rc "a finger tap at x y presses the button under it" 0
[ -n "${UI_KEEP_SHOTS:-}" ] && cp -r "$W/out/screens/." "$UI_KEEP_SHOTS/"
done_testing
