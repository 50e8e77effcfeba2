#!/bin/sh
# SPDX-License-Identifier: MIT
# A long import must not block the door: 100,000 rows are imported in one process while
# another checks tickets in, one every few milliseconds. Every check-in is saved (none gets
# a database error), every ticket is admitted once, the import ends with all its rows. An
# import that dies half-way (killed, or the disk fills) leaves none of its rows behind.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
vk() { run_vk --db "$DB" "$@"; }

vk event create --name "Форум"
vk keygen
awk 'BEGIN { print "name,email"; for (i = 1; i <= 30; i++) printf "Гість %d,g%d@example.org\n", i, i }' >"$T/guests.csv"
vk import "$T/guests.csv"
vk tickets --out "$T/tickets"
expect_rc "tickets for 30 guests" 0
awk -F, 'NR > 1 {print $(NF-1)}' "$T/tickets/tickets.csv" >"$T/codes"
[ "$(wc -l <"$T/codes")" = 30 ] && ok "30 codes" || bad "codes" "$(wc -l <"$T/codes")"
awk 'BEGIN { print "name,email,organization"; for (i = 0; i < 100000; i++) printf "Учасник Номер%d,u%d@example.org,Громада %d\n", i, i, i % 300 }' >"$T/big.csv"

"$VKHID" --db "$DB" import "$T/big.csv" >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
admitted=0 errors=0 during=0
while read -r code; do
	kill -0 "$imp" 2>/dev/null && during=$((during + 1))
	"$VKHID" --db "$DB" checkin "$code" >"$T/ci.out" 2>"$T/ci.err"
	r=$?
	if [ "$r" = 0 ]; then admitted=$((admitted + 1)); else errors=$((errors + 1)); cat "$T/ci.err" >>"$T/ci.errs"; fi
done <"$T/codes"
wait "$imp"
irc=$?
[ "$irc" = 0 ] && ok "the import completes" || bad "the import failed" "$(head -c 400 "$T/imp.err")"
has "the import added every row" "$T/imp.out" "added 100000"
[ "$errors" = 0 ] && [ "$admitted" = 30 ] && ok "all 30 check-ins saved during the import ($during while it ran)" || bad "check-ins during the import" "admitted $admitted, failed $errors" "$(head -c 600 "$T/ci.errs")"
[ "$during" -gt 0 ] && ok "the check-ins overlapped the import" || skip "overlap" "the import ended before the first check-in"
if [ -f "$T/ci.errs" ] && grep -q "disk" "$T/ci.errs"; then bad "a busy database is blamed on the disk"; else ok "no message blames the disk"; fi
vk stats --json
has "stats: 30 admitted" "$T/out" '"admitted": 30,'
has "stats: every row registered" "$T/out" '"registered": 100030,'
again=0
while read -r code; do
	"$VKHID" --db "$DB" checkin "$code" >/dev/null 2>&1
	[ $? = 1 ] || again=$((again + 1))
done <"$T/codes"
[ "$again" = 0 ] && ok "every ticket was admitted once: the second pass says already admitted" || bad "second pass" "$again tickets were not already admitted"

# ---- an import that fails half-way leaves nothing -----------------------------------
count() { sqlite3 "$1" "SELECT COUNT(*) FROM registration" 2>/dev/null; }
vk event create --name "Другий захід"
cp "$DB" "$T/full.db"
base=$(count "$T/full.db")
VKHID_DB_MAX_PAGES=$(( $(stat -c %s "$T/full.db") / 4096 + 400 )) run_vk --db "$T/full.db" import "$T/big.csv"
[ "$rc" != 0 ] && ok "an import that fills the disk fails" || bad "the import into a full disk succeeded"
has "the failure says the disk is full" "$T/err" "full"
[ "$(count "$T/full.db")" = "$base" ] && ok "a failed import leaves no partial rows" || bad "partial rows after a failed import" "$(count "$T/full.db") rows, had $base"

cp "$DB" "$T/kill.db"
"$VKHID" --db "$T/kill.db" import "$T/big.csv" >/dev/null 2>&1 &
imp=$!
seen=0
while kill -0 "$imp" 2>/dev/null; do
	n=$(count "$T/kill.db")
	if [ -n "$n" ] && [ "$n" -gt "$base" ]; then seen=$n; break; fi
done
kill -9 "$imp" 2>/dev/null
wait "$imp" 2>/dev/null
# the next command that writes finds the dead import and undoes it
run_vk --db "$T/kill.db" checkin NOPE-1
after=$(count "$T/kill.db")
if [ "$after" = "$base" ] || [ "$after" = $((base + 100000)) ]; then ok "a killed import leaves all or nothing ($seen rows were visible, $after after)"; else bad "a killed import left partial rows" "$after rows, had $base"; fi

done_testing
