#!/bin/sh
# SPDX-License-Identifier: MIT
# The organizer PIN as an attacker with the database file or the command line would look
# for it: `vkhid setting` never prints it, the file holds no trace of its digits (a plain
# PIN of an older vkhid is hashed by the first `vkhid setting` or kiosk that opens it),
# and five wrong PINs on the touch screen lock organizer mode across a restart of the
# kiosk (the scenario runner drives the real screens and door, app/core/pin.c).
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
W=$T/work
mkdir -p "$W"
vk() { run_vk --db "$DB" "$@"; }
# in_file WHAT DB TEXT: TEXT's bytes are nowhere in the database file or its WAL
not_in_file() {
	if cat "$2" "$2-wal" 2>/dev/null | grep -qaF -- "$3"; then bad "$1" "'$3' found in the bytes of $2"; else ok "$1"; fi
}
stored() { sqlite3 "$1" "SELECT value FROM setting WHERE key = '$2'"; }

vk event create --name "Форум"
expect_rc "event create succeeds" 0
vk setting
has "settings list the PIN" "$T/out" "ui.pin"
vk setting ui.pin 73916482
expect_rc "a PIN is stored" 0
has "setting the PIN says it is set" "$T/out" "ui.pin = (set)"
hasnt "setting the PIN does not echo it" "$T/out" "73916482"
vk setting
has "the list says the PIN is set" "$T/out" "(set)"
hasnt "the list does not show the PIN" "$T/out" "73916482"
vk setting ui.pin
hasnt "reading the PIN back does not show it" "$T/out" "73916482"
vk setting ui.pin 12ab
expect_rc "a PIN that does not fit is refused" 2
hasnt "the refusal does not echo what was typed" "$T/err" "12ab"
if ! command -v sqlite3 >/dev/null; then
	skip "the stored PIN" "sqlite3 is not installed"
	done_testing
	exit
fi
case $(stored "$DB" ui.pin) in
'$argon2id$'*) ok "the PIN is stored as an argon2id hash" ;;
*) bad "the PIN is stored as an argon2id hash" "stored: $(stored "$DB" ui.pin)" ;;
esac
not_in_file "the database file holds no plain PIN" "$DB" 73916482

# an older vkhid's database: the PIN as it was typed
cp "$DB" "$T/old.db"
sqlite3 "$T/old.db" "UPDATE setting SET value = '51739264' WHERE key = 'ui.pin'"
cp "$T/old.db" "$T/old2.db"
run_vk --db "$T/old.db" setting
expect_rc "setting opens an older database" 0
hasnt "an older database's plain PIN is not printed" "$T/out" "51739264"
case $(stored "$T/old.db" ui.pin) in
'$argon2id$'*) ok "setting hashed the plain PIN of an older database" ;;
*) bad "setting hashed the plain PIN of an older database" "stored: $(stored "$T/old.db" ui.pin)" ;;
esac
not_in_file "no trace of the plain PIN is left in the file" "$T/old.db" 51739264

# the kiosk hashes it too, and the old PIN still opens organizer mode
cat > "$W/open.scenario" <<'SC'
expect-screen welcome
tap org
expect-screen pin
type 51739264
key enter
expect-screen organizer
SC
run_vk --db "$T/old2.db" run --headless --scenario "$W/open.scenario" --out "$W/o1"
expect_rc "the kiosk opens an older database" 0
has "the older database's PIN opens organizer mode" "$T/out" " 0 not met"
case $(stored "$T/old2.db" ui.pin) in
'$argon2id$'*) ok "the kiosk hashed the plain PIN of an older database" ;;
*) bad "the kiosk hashed the plain PIN of an older database" "stored: $(stored "$T/old2.db" ui.pin)" ;;
esac
not_in_file "the kiosk left no trace of the plain PIN" "$T/old2.db" 51739264

# five wrong PINs, the kiosk restarts: still locked, even for the right PIN
cat > "$W/wrong.scenario" <<'SC'
tap org
type 1111
key enter
type 2222
key enter
type 3333
key enter
expect-text Wrong PIN.
SC
cat > "$W/wrong2.scenario" <<'SC'
tap org
type 4444
key enter
type 5555
key enter
expect-text Too many wrong PINs
SC
cat > "$W/locked.scenario" <<'SC'
tap org
expect-text Too many wrong PINs
type 73916482
key enter
expect-screen pin
SC
run_vk --db "$DB" run --headless --scenario "$W/wrong.scenario" --out "$W/o2"
has "three wrong PINs are refused (the tries left are not shown to the public)" "$T/out" " 0 not met"
run_vk --db "$DB" run --headless --scenario "$W/wrong2.scenario" --out "$W/o3"
has "a restarted kiosk remembers the wrong PINs and locks after two more (five in all)" "$T/out" " 0 not met"
run_vk --db "$DB" run --headless --scenario "$W/locked.scenario" --out "$W/o4"
has "a restarted kiosk stays locked, even for the right PIN" "$T/out" " 0 not met"
no_crash "no crash"
vk setting ui.pin 73916482
cat > "$W/open2.scenario" <<'SC'
tap org
type 73916482
key enter
expect-screen organizer
SC
run_vk --db "$DB" run --headless --scenario "$W/open2.scenario" --out "$W/o5"
has "setting the PIN again clears the lock" "$T/out" " 0 not met"
done_testing
