#!/bin/sh
# SPDX-License-Identifier: MIT
# The command line end to end, as an organizer and a script would use it: event, keys,
# import, tickets, every check-in outcome with its exit status and JSON, stats, export,
# and bad input of every kind (nothing crashes, nothing stored is lost).
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
DB=$T/k.db
vk() { run_vk --db "$DB" "$@"; }

# ---- setting up an event ------------------------------------------------------------
vk event create --name "Форум громад" --timezone Europe/Kyiv
expect_rc "event create succeeds" 0
vk keygen
expect_rc "keygen succeeds" 0
key=$(ls "$T"/vkhid-event-*-key-1.secret 2>/dev/null | head -1)
if [ -n "$key" ] && [ "$(stat -c %a "$key")" = 600 ]; then ok "secret key written outside the database, mode 0600"; else bad "secret key file" "$(ls -l "$T")"; fi
if command -v sqlite3 >/dev/null; then
	seed=$(awk '/^secret/ {print toupper(substr($2, 1, 64))}' "$key")
	if [ -n "$seed" ] && ! sqlite3 "$DB" .dump | tr a-f A-F | grep -q "$seed"; then ok "the database holds no secret key"; else bad "secret key found in the database"; fi
fi
vk import "$FIX/people.csv" --dry-run
expect_rc "dry run succeeds" 0
has "dry run reports 4 added and 1 cancelled" "$T/out" "added 4, updated 0, cancelled 1"
vk stats --json
has "dry run wrote nothing" "$T/out" '"registered": 0'
vk import "$FIX/people.csv"
expect_rc "import succeeds" 0
has "import reports 4 added and 1 cancelled" "$T/out" "added 4, updated 0, cancelled 1"
vk import "$FIX/people.csv"
has "re-import changes nothing" "$T/out" "unchanged 5"
vk tickets --out "$T/tickets"
expect_rc "tickets succeed" 0
has "tickets.csv lists Олександр" "$T/tickets/tickets.csv" "Олександр Скалозуб"
if [ -f "$T/tickets/ticket-0001.png" ] && [ -f "$T/tickets/ticket-0001.svg" ]; then ok "PNG and SVG per participant"; else bad "ticket files" "$(ls "$T/tickets")"; fi
hasnt "no ticket for the cancelled registration" "$T/tickets/tickets.csv" "Ґудзь"
code1=$(awk -F, '$1==1 {print $(NF-1)}' "$T/tickets/tickets.csv")
code2=$(awk -F, '$1==2 {print $(NF-1)}' "$T/tickets/tickets.csv")
code3=$(awk -F, '$1==3 {print $(NF-1)}' "$T/tickets/tickets.csv")
vk scan "$T/tickets/ticket-0001.png"
if [ "$(cat "$T/out")" = "$code1" ]; then ok "scan reads the ticket PNG back to its code"; else bad "scan ticket" "got $(cat "$T/out")" "want $code1"; fi

# ---- every outcome ------------------------------------------------------------------
vk checkin "$code1" --json
expect_rc "admitted exits 0" 0
has "admitted in JSON" "$T/out" '"outcome": "admitted", "registration": 1, "name": "Олександр Скалозуб", "first_checkin": null'
vk checkin "$code1" --json
expect_rc "already admitted exits 1" 1
has "already_admitted says when and where" "$T/out" '"outcome": "already_admitted", "registration": 1'
has "first check-in has a kiosk" "$T/out" '"kiosk": "'
vk checkin "$code1"
has "human text says when the first check-in was" "$T/out" "first admitted"
vk checkin 3nq8wz5ytv7kcr2mbj4hxg6p --json
expect_rc "foreign (pretix) code admitted" 0
has "foreign code finds Tom" "$T/out" '"name": "Tom Novák"'
vk checkin NOPE-12345 --json
expect_rc "unknown exits 1" 1
has "unknown outcome" "$T/out" '"outcome": "unknown"'
vk revoke "$code2"
expect_rc "revoke succeeds" 0
vk checkin "$code2" --json
has "revoked outcome" "$T/out" '"outcome": "revoked"'
forged=$(printf '%s' "$code3" | awk '{ a="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"; n=length($0); c=substr($0,n-2,1); i=index(a,c); if (i==45) i=0; print substr($0,1,n-3) substr(a,i+1,1) substr($0,n-1) }')
vk checkin "$forged" --json
expect_rc "forged exits 1" 1
has "forged outcome" "$T/out" '"outcome": "forged"'
vk checkin "$code3" --json
has "the genuine ticket still works after a forgery" "$T/out" '"outcome": "admitted"'
vk checkin "VK1:NOT-BASE45" --json
has "VK1 garbage is malformed" "$T/out" '"outcome": "malformed"'

# undo and reprint are events
vk undo "$code1"
expect_rc "undo succeeds" 0
vk stats --json
has "after undo Олександр is not counted" "$T/out" '"admitted": 2'
has "undo is recorded" "$T/out" '"undos": 1'
vk checkin "$code1" --json
has "after undo the ticket admits again" "$T/out" '"outcome": "admitted"'
vk reprint "$code1"
expect_rc "reprint succeeds" 0
vk stats --json
has "reprint counted" "$T/out" '"reprints": 1'
if command -v sqlite3 >/dev/null; then
	n_log=$(sqlite3 "$DB" "select count(*) from checkin")
	[ "$n_log" = 6 ] && ok "log has entry, entry, entry, undo, entry, reprint" || bad "log rows" "$n_log"
	if sqlite3 "$DB" "update checkin set kind=0" 2>/dev/null; then bad "log is append-only"; else ok "the check-in log refuses edits"; fi
fi

# another event's ticket, a ticket outside its days, a ticket not yet in the roster
vk event create --name "Past workshop" --starts 2020-01-01 --ends 2020-01-02
vk keygen
printf 'given_name,family_name\nМарта,Гнатюк\n' > "$T/past.csv"
vk import "$T/past.csv"
vk tickets --out "$T/past"
past=$(awk -F, '$1==1 {print $(NF-1)}' "$T/past/tickets.csv")
vk checkin "$past" --json
has "ticket outside its days is not_valid_now" "$T/out" '"outcome": "not_valid_now"'
first_id=$("$VKHID" --db "$DB" event list | awk '/Форум/ {print ($1 == "*") ? $2 : $1}')
vk event use "$first_id"
vk checkin "$past" --json
expect_rc "other event exits 1" 1
has "ticket of another event is wrong_event" "$T/out" '"outcome": "wrong_event"'

# a kiosk whose roster has not arrived: a valid signature admits
"$VKHID" --db "$T/org.db" event create --name "Sync test" >/dev/null
"$VKHID" --db "$T/org.db" keygen >/dev/null
cp "$T/org.db" "$T/kiosk.db"
"$VKHID" --db "$T/org.db" import "$FIX/people.csv" >/dev/null
"$VKHID" --db "$T/org.db" tickets --out "$T/sync" >/dev/null
sc=$(awk -F, '$1==2 {print $(NF-1)}' "$T/sync/tickets.csv")
run_vk --db "$T/kiosk.db" checkin "$sc" --json
expect_rc "signed ticket admitted before the roster arrives" 0
has "admitted by number without a name" "$T/out" '"registration": 2, "name": null'
run_vk --db "$T/kiosk.db" export attendance --out "$T/kiosk-att.csv"
has "the attendance export lists the admitted ticket not in the list" "$T/kiosk-att.csv" '2,,,"(signed ticket, not in the list)",,,,unlisted,yes,'

# ---- find ---------------------------------------------------------------------------
for q in Skalozub скал Aleksandr "олександр скалозуб"; do
	vk find "$q" --json
	has "find '$q' finds Олександр Скалозуб" "$T/out" '"name": "Олександр Скалозуб"'
done
vk find Олександр Скалозуб
has "find without quotes joins the words, and says who is in" "$T/out" "checked in"
vk find zzzzqqq
expect_rc "find with no result exits 1" 1
has "no result says what to try" "$T/out" "Nobody found"

# ---- settings --------------------------------------------------------------------
vk setting
has "settings list the organizer PIN with its default" "$T/out" "ui.pin"
for k in ui.findme_verify ui.sound ui.bilingual ui.camera_side ui.category_colors ui.category_en; do
	has "settings list the screens' $k" "$T/out" "$k"
done
vk setting ui.sound off
expect_rc "the kiosk's sound can be turned off" 0
vk setting ui.camera_side sideways
expect_rc "a camera side that does not exist is refused" 2
has "and the refusal names the sides" "$T/err" "behind, top, left, right"
vk setting ui.category_colors "Спікер=#1E88E5; Волонтер"
expect_rc "a colour list with a part without its colour is refused" 2
vk setting ui.category_colors "Спікер=#1E88E5; Волонтер=#2E7D32"
expect_rc "category colours are stored" 0
vk setting ui.pin 12
expect_rc "a too short PIN is refused" 2
has "the refusal says what fits" "$T/err" "4 to 8 digits"
vk setting ui.pin 739164
expect_rc "a good PIN is stored" 0
vk setting ui.pin
has "the PIN reads back as set, never as itself" "$T/out" "(set)"
hasnt "the PIN itself is not shown" "$T/out" "739164"
vk setting badge.reprints_max 1
vk reprint "$code1"
expect_rc "a reprint over the limit is refused" 1
has "the refusal names the limit" "$T/err" "reprinted as often as the event allows"
# the limit is the core's, so the scenario runner's staff reprint cannot pass it either
vk setting badge.reprints_max 0
vk stats --json
reprints_before=$(grep -o '"reprints": [0-9]*' "$T/out")
command -v sqlite3 >/dev/null && jobs_before=$(sqlite3 "$DB" "select count(*) from print_job")
printf 'reprint %s\n' "$code1" > "$T/reprint.scenario"
vk run --headless --scenario "$T/reprint.scenario" --out "$T/reprint-run"
expect_rc "a scenario reprint over the limit is refused, not an error" 0
has "the scenario says the limit refused it" "$T/out" "reprinted as often as the event allows"
vk stats --json
has "the refused scenario reprint recorded nothing" "$T/out" "$reprints_before"
if command -v sqlite3 >/dev/null; then
	jobs_after=$(sqlite3 "$DB" "select count(*) from print_job")
	[ "$jobs_after" = "$jobs_before" ] && ok "no badge job queued by the refused reprint" || bad "jobs queued" "$jobs_before -> $jobs_after"
fi
vk setting badge.reprints_max -1

# ---- VKHID_DEBUG traces ---------------------------------------------------------------
"$VKHID" --db "$DB" checkin "$code1" >"$T/out" 2>"$T/err"
if grep -q '\[sql\]' "$T/err"; then bad "no trace without VKHID_DEBUG" "$(head -c 400 "$T/err")"; else ok "no trace without VKHID_DEBUG"; fi
# Олександр is in: the check-in opens a write transaction and rolls it back
VKHID_DEBUG=sql "$VKHID" --db "$DB" checkin "$code1" >"$T/out" 2>"$T/err"
if grep -qE '^vkhid [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z \[sql\] begin write transaction: ok' "$T/err" \
   && grep -q '\[sql\] rollback' "$T/err"; then ok "VKHID_DEBUG=sql traces write transactions, timestamped"; else bad "sql trace" "$(head -c 600 "$T/err")"; fi
hasnt "VKHID_DEBUG=sql traces only sql" "$T/err" "[door]"
VKHID_DEBUG=door,printer "$VKHID" --db "$DB" checkin "$code1" >"$T/out" 2>"$T/err"
has "VKHID_DEBUG=door traces the door's decision" "$T/err" "[door] code of 124 bytes: already_admitted"
hasnt "VKHID_DEBUG=door,printer leaves sql out" "$T/err" "[sql]"
vk setting no.such 1
expect_rc "an unknown setting is an error" 2

# ---- stats and export --------------------------------------------------------------
vk stats
expect_rc "stats succeeds" 0
has "stats shows categories" "$T/out" "Спікер"
vk export attendance --out "$T/att.csv"
expect_rc "export succeeds" 0
if head -c 3 "$T/att.csv" | od -An -tx1 | grep -q "ef bb bf"; then ok "export starts with a UTF-8 BOM"; else bad "BOM"; fi
has "export marks Олександр present" "$T/att.csv" "Олександр,Скалозуб,Олександр Скалозуб"

# ---- bad input ----------------------------------------------------------------------
before=$("$VKHID" --db "$DB" stats --json)
for payload in "" "'; DROP TABLE registration; --" "$(printf 'a\001b')" "$(printf '\377\376bad')" "VK1:" ; do
	vk checkin "$payload" --json
	no_crash "odd payload does not crash: $(printf '%s' "$payload" | od -An -c | head -c 40)"
done
vk checkin "'; DROP TABLE registration; --" --json
has "SQL-looking text is just unknown" "$T/out" '"outcome": "unknown"'
vk checkin "" --json
has "empty code is malformed" "$T/out" '"outcome": "malformed"'
head -c 1048576 /dev/zero | tr '\0' 'A' > "$T/big.txt"
"$VKHID" --db "$DB" checkin - --json < "$T/big.txt" > "$T/out" 2> "$T/err"
has "1 MB code (from stdin) is malformed" "$T/out" '"outcome": "malformed"'
after=$("$VKHID" --db "$DB" stats --json)
[ "$before" = "$after" ] && ok "bad codes changed nothing stored" || bad "stats changed" "$before" "$after"

echo "hello, I am a text file" > "$T/notes.txt"
sum=$(md5sum < "$T/notes.txt")
run_vk --db "$T/notes.txt" stats
expect_rc "a text file as --db is refused" 2
has "message says it is not a vkhid database" "$T/err" "not a vkhid database"
[ "$(md5sum < "$T/notes.txt")" = "$sum" ] && ok "the wrong file is left untouched" || bad "file changed"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$T/other.sqlite" "create table t(x); insert into t values(1);"
	run_vk --db "$T/other.sqlite" stats
	expect_rc "another program's SQLite file is refused" 2
	has "foreign database message" "$T/err" "another program"
	cp "$DB" "$T/newer.db"
	sqlite3 "$T/newer.db" "pragma user_version=99"
	run_vk --db "$T/newer.db" stats
	expect_rc "a newer schema is refused" 2
	has "newer database says to update" "$T/err" "newer vkhid"
	# an older schema opens and migrates
	sqlite3 "$T/v1.db" < "$FIX/schema-v1.sql"
	run_vk --db "$T/v1.db" stats --json
	expect_rc "a schema-1 database opens" 0
	has "its registrations are there" "$T/out" '"registered": 1'
	# stats only reads (never writes, never upgrades); a writing command upgrades
	[ "$(sqlite3 "$T/v1.db" "pragma user_version")" = 1 ] && ok "a reading command left the schema as it was" || bad "stats upgraded the file" "$(sqlite3 "$T/v1.db" 'pragma user_version')"
	run_vk --db "$T/v1.db" checkin NOPE-1
	[ "$(sqlite3 "$T/v1.db" "pragma user_version")" = 5 ] && ok "a writing command migrated it to the current schema" || bad "migration" "$(sqlite3 "$T/v1.db" 'pragma user_version')"
fi
run_vk --db "$T/missing.db" stats
expect_rc "a missing database is an error" 2
has "missing database says how to create one" "$T/err" "event create"
mv "$key" "$key.away"
vk event use "$first_id"
vk tickets --out "$T/t2"
expect_rc "tickets without the secret key fail" 2
has "missing key message says what to do" "$T/err" "secret key"
mv "$key.away" "$key"
head -c 4096 /dev/urandom > "$T/garbage.csv"
vk import "$T/garbage.csv"
no_crash "binary garbage as CSV does not crash"
printf 'given_name,family_name,email\nІван,Франко,ivan@example.org\n"Леся,Українка,lesia@example.org\n' > "$T/trunc.csv"
vk import "$T/trunc.csv"
no_crash "a truncated CSV does not crash"
has "the broken row is reported with its line number" "$T/out" "line 3"
vk nosuchcommand
expect_rc "unknown command exits 2" 2
vk checkin
expect_rc "checkin without a code exits 2" 2
run_vk --help
has "help lists checkin" "$T/out" "checkin"
run_vk checkin --help
has "command help shows usage" "$T/out" "usage: vkhid"
done_testing
