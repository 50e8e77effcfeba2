#!/bin/sh
# SPDX-License-Identifier: MIT
# What an attack on vkhid found, kept as tests: damaged, read-only and full databases get
# their own messages and are never written; read commands never turn a foreign file into a
# database; secret keys readable by others are refused; kiosks never sign tickets; purge
# removes personal data and keeps the counts; `vkhid doctor` says what is wrong.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
DB=$T/k.db
vk() { run_vk --db "$DB" "$@"; }

vk event create --name "Форум"
vk keygen
key=$(ls "$T"/vkhid-event-*-key-1.secret | head -1)
vk import "$FIX/people.csv"
expect_rc "import succeeds" 0
vk tickets --out "$T/tickets"
expect_rc "tickets succeed" 0
code1=$(awk -F, '$1==1 {print $(NF-1)}' "$T/tickets/tickets.csv")
code2=$(awk -F, '$1==2 {print $(NF-1)}' "$T/tickets/tickets.csv")

# ---- doctor on a healthy database ---------------------------------------------------
# (the kiosk's devices: a ticket before the simulated camera, the simulated printer;
# tests/e2e/doctor.sh checks the devices themselves)
vk tickets --out "$T/tk1"
devs="--camera files:$T/tk1/ticket-0001.png --printer file:$T/doctor-badges"
vk doctor $devs
expect_rc "doctor: a healthy database exits 0" 0
has "doctor names the integrity check" "$T/out" "integrity"
vk doctor --json $devs
expect_rc "doctor --json exits 0" 0
has "doctor --json says all is well" "$T/out" '"ok": true'
run_vk --db "$T/ended.db" event create --name "Past" --starts 2020-01-10 --ends 2020-01-11
run_vk --db "$T/ended.db" doctor
has "doctor warns that an event is over" "$T/out" "ended on 2020-01-11"
hasnt "and does not call such a kiosk ready" "$T/out" "Ready."

# ---- read commands never make a database out of a foreign file ----------------------
: >"$T/empty.db"
run_vk --db "$T/empty.db" stats
if [ "$rc" != 0 ] && [ ! -s "$T/empty.db" ]; then ok "stats leaves a zero-byte file zero bytes"; else bad "stats on an empty file" "exit $rc, $(stat -c %s "$T/empty.db") bytes"; fi
printf 'shopping list\nmilk\n' >"$T/list.txt"
cp "$T/list.txt" "$T/list.orig"
run_vk --db "$T/list.txt" stats
if [ "$rc" != 0 ] && cmp -s "$T/list.txt" "$T/list.orig"; then ok "stats leaves a text file untouched"; else bad "stats on a text file" "exit $rc"; fi
run_vk --db "$T/empty.db" find Коваль
if [ ! -s "$T/empty.db" ]; then ok "find leaves a zero-byte file zero bytes"; else bad "find on an empty file"; fi

# ---- a damaged database -------------------------------------------------------------
vk checkin "$code1"
cp "$DB" "$T/big.db"
# a roster big enough that damage in the middle hits real pages
awk 'BEGIN { print "name,email"; for (i = 0; i < 3000; i++) printf "Person %d,p%d@example.org\n", i, i }' >"$T/many.csv"
run_vk --db "$T/big.db" import "$T/many.csv"
sqlite3 "$T/big.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$T/big.db")
dd if=/dev/urandom of="$T/big.db" bs=4096 seek=$((size / 4096 / 2)) count=4 conv=notrunc 2>/dev/null
run_vk --db "$T/big.db" doctor
expect_rc "doctor: a damaged database exits 1" 1
has "doctor says damaged" "$T/out" "damaged"
has "doctor says to restore a backup" "$T/out" "backup"
run_vk --db "$T/big.db" checkin "$code2"
expect_rc "checkin refuses a damaged database" 2
has "checkin says damaged" "$T/err" "damaged"
hasnt "checkin does not invite creating an event" "$T/err" "event create"
run_vk --db "$T/big.db" run --headless --scenario /dev/null --out "$T/runout"
if [ "$rc" != 0 ] && grep -q "damaged" "$T/err"; then ok "the kiosk refuses to start on a damaged database"; else bad "run on a damaged database" "exit $rc" "$(head -c 300 "$T/err")"; fi

# ---- a read-only copy ---------------------------------------------------------------
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	mkdir "$T/ro"
	cp "$DB" "$T/ro/k.db"
	sqlite3 "$T/ro/k.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	rm -f "$T/ro/k.db-wal" "$T/ro/k.db-shm"
	chmod 0444 "$T/ro/k.db"; chmod 0555 "$T/ro"; chmod 0755 "$T"
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env VKHID_LANG=en "$VKHID" --db "$T/ro/k.db" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
	asnobody stats --json
	expect_rc "stats reads a read-only copy in a read-only folder" 0
	has "stats of the read-only copy counts the admission" "$T/out" '"admitted": 1'
	mkdir "$T/w"; chmod 0777 "$T/w"
	asnobody export attendance --out "$T/w/att.csv"
	expect_rc "export reads a read-only copy" 0
	has "the export lists an admitted participant" "$T/w/att.csv" "Скалозуб"
	asnobody find Скалозуб
	expect_rc "find reads a read-only copy" 0
	asnobody checkin "$code2"
	expect_rc "checkin on a read-only copy fails" 2
	has "checkin says the database is read-only" "$T/err" "read-only"
	hasnt "checkin does not blame a foreign file" "$T/err" "not a vkhid database"
else
	skip "read-only copy" "needs root and setpriv to run as nobody"
fi

# ---- a full disk (SQLite's max_page_count stands in for a small tmpfs) ---------------
cp "$DB" "$T/full.db"
rm -f "$T/full.db-wal" "$T/full.db-shm"
VKHID_DB_MAX_PAGES=1 run_vk --db "$T/full.db" import "$T/many.csv"
if [ "$rc" != 0 ] && grep -qi "full" "$T/err" && ! grep -q "not a vkhid database" "$T/err"; then ok "a full disk is called full"; else bad "full disk message" "exit $rc" "$(head -c 300 "$T/err")"; fi

# ---- secrets --------------------------------------------------------------------------
chmod 0644 "$key"
vk tickets --out "$T/t2"
expect_rc "tickets refuse a secret key readable by others" 2
has "the refusal says chmod 600" "$T/err" "chmod 600"
chmod 0600 "$key"
cp "$DB" "$T/kiosk.db"
sqlite3 "$T/kiosk.db" "INSERT INTO setting VALUES('sync.url', 'https://hub.example:8443')"
run_vk --db "$T/kiosk.db" keygen
expect_rc "keygen refused on a kiosk enrolled to a hub" 2
has "keygen refusal says kiosks hold no signing key" "$T/err" "hub"
run_vk --db "$T/kiosk.db" tickets --out "$T/t3" --key "$key"
expect_rc "tickets refused on a kiosk enrolled to a hub" 2

# ---- purge: personal data of past events goes, the counts stay ------------------------
P=$T/purge.db
vp() { run_vk --db "$P" "$@"; }
vp event create --name "Минулий форум" --starts 2025-05-01 --ends 2025-05-02
vp import "$FIX/people.csv"
vp checkin 3nq8wz5ytv7kcr2mbj4hxg6p
vp stats --json
sed 's/"event_id": [0-9]*, //' "$T/out" >"$T/stats.before"
vp purge --before 2026-01-01
[ "$rc" != 0 ] && ok "purge without --yes removes nothing" || bad "purge without --yes" "exit $rc"
has "purge says what it would remove" "$T/out" "Минулий форум"
has "purge offers the export first" "$T/out" "export attendance"
vp find Скалозуб
has "before --yes the names are still there" "$T/out" "Скалозуб"
vp purge --before 2025-05-01 --yes
has "an event that ended after the date is kept" "$T/out" "nothing to remove"
vp purge --before 2026-01-01 --yes
expect_rc "purge --yes succeeds" 0
vp stats --json
sed 's/"event_id": [0-9]*, //' "$T/out" >"$T/stats.after"
if cmp -s "$T/stats.before" "$T/stats.after"; then ok "stats show the same counts after the purge"; else bad "stats changed" "$(cat "$T/stats.before")" "$(cat "$T/stats.after")"; fi
vp find Скалозуб --json
hasnt "find finds nobody after the purge" "$T/out" "Скалозуб"
if cat "$P" "$P-wal" 2>/dev/null | grep -qaE "Скалозуб|Novák|@example"; then bad "a name or e-mail is still in the database file"; else ok "no name or e-mail remains in the file"; fi

done_testing
