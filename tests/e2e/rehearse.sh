#!/bin/sh
# SPDX-License-Identifier: MIT
# `vkhid rehearse`: a dress rehearsal through the kiosk's own door (generated tickets shown
# to the simulated camera, badges to the simulated printer) on a copy of the event. The real
# database is left exactly as it was (same bytes, same attendance); the figures are sane:
# under the kiosk's capacity the check-ins per minute follow the arrivals and nobody waits,
# over it a queue builds and check-ins are bounded by the time each person takes; what
# failed is listed (a printer that is not there); a bad rate is refused with what to write.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
DB=$T/k.db
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$FIX/people.csv"
q tickets --out "$T/tickets"
code1=$(awk -F, '$1==1 {print $(NF-1)}' "$T/tickets/tickets.csv")
q checkin "$code1"
# the real attendance, as the organizer's tools see it, and the file's bytes
snapshot() { { "$VKHID" --db "$DB" stats --json; cat "$DB" "$DB-wal" 2>/dev/null | sha256sum; } >"$1" 2>&1; }
snapshot "$T/before"
# field NAME: a number from the last --json answer
field() { sed -n "s/.*\"$1\": \([-0-9.]*\).*/\1/p" "$T/out"; }
# within WHAT VALUE LO HI: LO <= VALUE <= HI
within() { if awk -v v="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(v != "" && v + 0 >= lo && v + 0 <= hi) }'; then ok "$1 ($2)"; else bad "$1" "got '$2', wanted $3 .. $4" "$(head -c 800 "$T/out")"; fi; }

# ---- 50 people at 6 a minute: under the kiosk's capacity ----------------------------------
run_vk --db "$DB" rehearse --attendees 50 --rate 6/min --json --out "$T/r1"
expect_rc "a rehearsal of 50 attendees at 6/min succeeds" 0
within "all 50 are checked in" "$(field admitted)" 50 50
within "all 50 badges are printed" "$(field printed)" 50 50
within "check-ins per minute follow the arrivals" "$(field checkins_per_min)" 5.4 6.6
within "nobody queues" "$(field queue_max)" 0 0
within "badge time p50 is a real, positive time (ms)" "$(field badge_p50_ms)" 0.001 1000000
p50=$(field badge_p50_ms); p95=$(field badge_p95_ms)
within "badge time p95 is at least p50" "$p95" "$p50" 1000000
within "nothing failed" "$(field failed)" 0 0
n=$(ls "$T/r1/badges" 2>/dev/null | grep -c '\.png$')
within "the simulated printer wrote 50 badges in the rehearsal's folder" "$n" 50 50
n=$(grep -c '"admitted"' "$T/r1/log.jsonl" 2>/dev/null)
within "the rehearsal's own log has the 50 admissions" "$n" 50 50
no_crash "the rehearsal runs clean"
snapshot "$T/after"
if cmp -s "$T/before" "$T/after"; then ok "the real database is unchanged: same attendance, same bytes"; else bad "the real database changed" "$(diff "$T/before" "$T/after" | head -20)"; fi

# ---- 50 people at 30 a minute: over capacity, a queue builds ---------------------------------
run_vk --db "$DB" rehearse --attendees 50 --rate 30/min --handling 5
expect_rc "a rehearsal over capacity still checks everyone in" 0
has "the output says the real database is not touched, and where the copy is" "$T/out" "is not touched: the rehearsal runs on a copy"
has "the copy is removed at the end" "$T/out" "(removed at the end)"
copy=$(sed -n 's/.*made-up attendees, \(.*rehearsal.db\) (removed.*/\1/p' "$T/out")
if [ -n "$copy" ] && [ ! -e "$copy" ] && [ ! -d "$(dirname "$copy")" ]; then ok "and it is gone"; else bad "the scratch copy is still there" "$copy"; fi
has "check-ins are counted" "$T/out" "Checked in: 50 of 50; badges printed: 50"
perm=$(sed -n 's/^Check-ins per minute: \([0-9.]*\).*/\1/p' "$T/out")
within "check-ins per minute are bounded by 5 s a person (at most 12)" "$perm" 8 12.1
qmax=$(sed -n 's/^Queue: at most \([0-9]*\) waiting.*/\1/p' "$T/out")
within "a queue builds" "$qmax" 10 50
has "badge time p50/p95 is told" "$T/out" "Badge time, code read to badge printed: p50"
has "nothing failed" "$T/out" "Nothing failed."
snapshot "$T/after"
if cmp -s "$T/before" "$T/after"; then ok "the real database is still unchanged"; else bad "the real database changed" "$(diff "$T/before" "$T/after" | head -20)"; fi

# ---- what failed is listed ------------------------------------------------------------------
run_vk --db "$DB" rehearse --attendees 3 --rate 10/min --printer "usb:0000:0001"
expect_rc "badges that did not print make the rehearsal fail: exit 1" 1
has "each failure is listed with why" "$T/out" "admitted, but the badge did not print"
has "the count of failures is told" "$T/out" "Failed: 3"

# ---- bad input; Ukrainian -------------------------------------------------------------------
run_vk --db "$DB" rehearse --attendees 50 --rate fast
expect_rc "a rate that is not a number is refused" 2
has "and the message says how to write it" "$T/err" "12/min"
run_vk --db "$DB" rehearse --attendees 5 --handling slow
expect_rc "a handling time that is not seconds is refused" 2
run_vk --db "$T/none.db" rehearse --attendees 5
expect_rc "no database: refused" 2
[ ! -e "$T/none.db" ] && ok "and none is created" || bad "rehearse created a database"
VKHID_LANG=uk run_vk --db "$DB" rehearse --attendees 5 --rate 6/min
has "Ukrainian: the copy is named" "$T/out" "Справжню базу даних"
has "Ukrainian: check-ins" "$T/out" "Вхід відмічено: 5 з 5"
snapshot "$T/after"
if cmp -s "$T/before" "$T/after"; then ok "after every rehearsal the real database is unchanged"; else bad "the real database changed" "$(diff "$T/before" "$T/after" | head -20)"; fi
done_testing
