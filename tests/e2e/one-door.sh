#!/bin/sh
# SPDX-License-Identifier: MIT
# One door: the threaded kiosk of `vkhid run` (UI, door and printer threads, offscreen) and
# the headless scenario runner run the same door code (app/door). Both are shown the same
# tickets through the simulated camera, each on its own copy of one database, and their
# log.jsonl must agree line by line once what differs between two runs by nature is set
# aside: times (time, wall_ms, ms, the first check-in's time), random identities (the
# check-in's uuid, and the kiosk id of the first check-in: each copy of a database is a
# kiosk of its own; their presence is compared) and the badges' folder. Door lines (outcomes) and printer
# lines are compared as two sequences: the threaded kiosk prints on its own thread, so
# a badge line may come before or after the next outcome there.
. "$(dirname "$0")/lib.sh"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
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
q event create --name "Форум" --starts "$today" --ends "$today"
q keygen
q import "$(dirname "$0")/../fixtures/people.csv"
q tickets --out "$W/tickets"
q revoke "$(col6 3)"
cp "$DB" "$T/threaded.db"
cp "$DB" "$T/scenario.db"

# admitted, admitted, already admitted, wrong event, revoked, admitted
set -- "$W/tickets/ticket-0001.png" "$W/tickets/ticket-0002.png" "$W/tickets/ticket-0001.png" \
	"$W/other/ticket-0001.png" "$W/tickets/ticket-0003.png" "$W/tickets/ticket-0005.png"
list=$(printf '%s,' "$@"); list=${list%,}
for f in "$@"; do echo "show $f"; done > "$W/door.scenario"

timeout 300 "$VKHID" --db "$T/threaded.db" run --headless --camera "files:$list@15" \
	--printer "file:$W/threaded-badges" --exit-after end --out "$W/threaded" >"$T/out" 2>"$T/err"
rc=$?
expect_rc "the threaded kiosk runs the images and stops when they are done" 0
no_crash "the threaded kiosk runs clean under the sanitizers"
run_vk --db "$T/scenario.db" run --headless --scenario "$W/door.scenario" --out "$W/scenario"
expect_rc "the scenario runner runs the same images" 0
no_crash "the scenario runner runs clean under the sanitizers"

python3 - "$W/threaded/log.jsonl" "$W/scenario/log.jsonl" <<'PY' > "$T/cmp" 2>&1
import json, os, sys
PRINT = {"printed", "assumed_printed", "print_held", "print_failed"}
def load(path):
    door, prints = [], []
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        for k in ("time", "wall_ms", "ms"):
            e.pop(k, None)
        if isinstance(e.get("first_checkin"), dict):
            e["first_checkin"].pop("time", None)
            if len(e["first_checkin"].get("kiosk", "")) == 8:
                e["first_checkin"]["kiosk"] = "<kiosk>"
        if "checkin" in e:
            e["checkin"] = "<uuid>" if len(e["checkin"]) == 36 else e["checkin"]
        if "file" in e:
            e["file"] = os.path.basename(e["file"])
        (prints if e.get("event") in PRINT else door).append(json.dumps(e, ensure_ascii=False))
    return door, prints
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for name, x, y in (("door", a[0], b[0]), ("printer", a[1], b[1])):
    print("# %s lines: threaded %d, scenario %d" % (name, len(x), len(y)))
    for i in range(max(len(x), len(y))):
        l, r = (x[i] if i < len(x) else "(none)"), (y[i] if i < len(y) else "(none)")
        if l != r:
            bad += 1
            print("# %s line %d differs:\n#   threaded: %s\n#   scenario: %s" % (name, i + 1, l, r))
outcomes = [json.loads(l)["outcome"] for l in b[0] if json.loads(l).get("event") == "outcome"]
print("# outcomes: " + " ".join(outcomes))
want = ["admitted", "admitted", "already_admitted", "wrong_event", "revoked", "admitted"]
if outcomes != want:
    bad += 1
    print("# wanted: " + " ".join(want))
sys.exit(1 if bad else 0)
PY
cmp_rc=$?
cat "$T/cmp"
[ $cmp_rc = 0 ] && ok "both loops log the same lines with the same fields (times aside)" \
	|| bad "the threaded kiosk and the scenario runner log differently" "$(head -c 1500 "$T/cmp")"
n1=$(grep -c '"event": "printed"' "$W/threaded/log.jsonl")
[ "$n1" = 3 ] && ok "the threaded kiosk logs each badge printed (3)" || bad "printed lines" "$n1"
done_testing
