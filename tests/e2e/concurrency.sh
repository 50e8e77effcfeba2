#!/bin/sh
# SPDX-License-Identifier: MIT
# Many processes and the kiosk on one database, with a large import in the middle: 8
# command-line processes check tickets in while the headless kiosk presents its own and
# the same ones, and 50,000 rows are imported. Every ticket is admitted exactly once and
# no attendee is shown an error (the kiosk's log has no "problem" line).
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
q event create --name "Форум"
q keygen
awk 'BEGIN { print "name,email"; for (i = 1; i <= 80; i++) printf "Гість %d,g%d@example.org\n", i, i }' >"$T/guests.csv"
q import "$T/guests.csv"
q tickets --out "$T/tickets"
awk -F, 'NR > 1 {print $(NF-1)}' "$T/tickets/tickets.csv" >"$T/codes"
[ "$(wc -l <"$T/codes")" = 80 ] && ok "80 tickets" || bad "tickets" "$(wc -l <"$T/codes")"
awk 'BEGIN { print "name,email"; for (i = 0; i < 50000; i++) printf "Учасник %d,u%d@example.org\n", i, i }' >"$T/big.csv"
# the kiosk presents every code (the first 40 are its own, the rest race the workers)
awk '{ print "present " $0 }' "$T/codes" >"$T/door.scenario"

"$VKHID" --db "$DB" import "$T/big.csv" >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
"$VKHID" --db "$DB" run --headless --scenario "$T/door.scenario" --out "$T/kiosk" >"$T/kiosk.out" 2>"$T/kiosk.err" &
kiosk=$!
w=0
while [ $w -lt 8 ]; do
	(
		# worker w takes its share of codes 41..80, which the kiosk also presents (a race)
		awk -v w=$w 'NR > 40 && NR % 8 == w' "$T/codes" | while read -r code; do
			"$VKHID" --db "$DB" checkin "$code" >/dev/null 2>>"$T/worker-$w.err"
			echo $? >>"$T/worker-$w.rc"
		done
	) &
	w=$((w + 1))
done
wait
[ -s "$T/imp.err" ] && bad "the import" "$(head -c 300 "$T/imp.err")" || ok "the import completes"
has "the import added every row" "$T/imp.out" "added 50000"
errs=$(cat "$T"/worker-*.rc | grep -cv '^[01]$')
[ "$errs" = 0 ] && ok "no command-line check-in failed" || bad "failed check-ins" "$errs" "$(cat "$T"/worker-*.err | head -c 400)"
log=$(ls "$T"/kiosk/log.jsonl 2>/dev/null)
if [ -n "$log" ] && grep -q '"outcome"' "$log"; then ok "the kiosk logged its outcomes"; else bad "kiosk log" "$(head -c 300 "$T/kiosk.err")"; fi
if [ -n "$log" ] && grep -q '"problem"' "$log"; then bad "the kiosk showed a problem" "$(grep '"problem"' "$log" | head -3)"; else ok "no problem shown at the kiosk"; fi
adm=$(grep -c '"outcome": "admitted"' "$log")
cli_adm=$(cat "$T"/worker-*.rc | grep -c '^0$')
[ $((adm + cli_adm)) = 80 ] && ok "every ticket admitted exactly once ($adm at the kiosk, $cli_adm from the command line)" || bad "admissions" "kiosk $adm + command line $cli_adm, wanted 80"
"$VKHID" --db "$DB" stats --json >"$T/out"
has "stats: 80 admitted" "$T/out" '"admitted": 80,'
done_testing
