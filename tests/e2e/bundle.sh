#!/bin/sh
# SPDX-License-Identifier: MIT
# USB sticks: a venue whose network is gone. A real hub and two kiosks meet once online (the
# kiosks enroll and sync, which is how their bundle keys become known everywhere), then the
# hub stops and a stick carries bundles between them in every order: kiosk -> kiosk,
# kiosk -> hub, hub -> kiosk, a doubled stick, an old stick after a newer one. Each side
# ends up knowing who came in where. A tampered, truncated or foreign bundle (an unknown
# writer, another event) is refused with a clear message and changes nothing.
. "$(dirname "$0")/lib.sh"
HUB=$T/hub.db
K1=$T/k1.db
K2=$T/k2.db
STICK=$T/stick
mkdir -p "$STICK"
hub_pid=""
cleanup() {
	[ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
q() { sqlite3 "$1" "$2" 2>&1; }
admitted() { q "$1" "SELECT COUNT(*) FROM checkin c JOIN registration r ON r.event_id = c.event_id AND r.number = c.number WHERE c.kind IN (0, 3) AND r.ticket_code = '$2'"; }
# With VKHID_HUB_PG=postgresql://... the hub serves with the PostgreSQL storage (tests/e2e/
# bundle-pg.sh), and the hub's sync export/import follow it there without --pg. hq SQL and
# hub_admitted CODE ask the hub's storage (the numbers are the import order: T-0001 is 1).
PG=${VKHID_HUB_PG:-}
if [ -n "$PG" ]; then
	hq() { psql -At -q "$PG" -c "$1" 2>&1; }
	hub_admitted() { hq "SELECT COUNT(*) FROM checkin WHERE kind IN (0, 3) AND number = $(echo "$1" | sed 's/^T-0*//')"; }
	set -- --pg "$PG"
else
	hq() { q "$HUB" "$1"; }
	hub_admitted() { admitted "$HUB" "$1"; }
	set --
fi

# ---- online once: a hub, two kiosks enrolled and synced ----------------------------------------
run_vk --db "$HUB" event create --name "Форум громад" --timezone Europe/Kyiv --walk-ins
cat >"$T/list.csv" <<'EOF'
external_id,given_name,family_name,category,email,ticket_code,status
P1,Олена,Бондар,Учасник,olena@example.org,T-0001,active
P2,Ігор,Ткач,Спікер,igor@example.org,T-0002,active
P3,Марта,Гнатюк,Учасник,marta@example.org,T-0003,active
EOF
run_vk --db "$HUB" import "$T/list.csv"
expect_rc "the hub's roster is imported" 0
"$VKHID" --db "$HUB" hub --listen 127.0.0.1:0 "$@" >"$T/hub.out" 2>"$T/hub.err" &
hub_pid=$!
i=0
while ! grep -q 'listening on' "$T/hub.out" 2>/dev/null && [ $i -lt 300 ] && kill -0 "$hub_pid" 2>/dev/null; do i=$((i + 1)); sleep 0.1; done
if grep -q 'listening on' "$T/hub.out"; then ok "the hub runs"; else bad "the hub did not start" "$(cat "$T/hub.err")"; fi
for k in 1 2; do
	run_vk --db "$HUB" hub enroll-token --name "Door $k"
	code=$(cat "$T/out")
	run_vk --db "$T/k$k.db" sync enroll "$code"
	expect_rc "kiosk $k enrolls" 0
	run_vk --db "$T/k$k.db" sync
	expect_rc "kiosk $k syncs (its bundle key goes up)" 0
done
for k in 1 2; do run_vk --db "$T/k$k.db" sync; done
# one admission made online, through the hub (it reaches the hub's storage, not a stick)
run_vk --db "$K1" checkin T-0003
expect_rc "kiosk 1 admits T-0003 through the hub" 0
for k in 1 2; do run_vk --db "$T/k$k.db" sync; done
# the hub's stick, before any stick reached it: the online admission comes from its storage
mkdir -p "$T/early"
run_vk --db "$HUB" sync export --to "$T/early"
online=$(q "$K1" "SELECT uuid FROM checkin WHERE number = 3 AND kind IN (0, 3)")
if [ -n "$online" ] && grep -q "$online" "$T/early/vkhid-hub.bundle"; then ok "the hub's stick carries the admission made online, from the hub's storage"; else bad "online admission in the hub's bundle" "'$online' $(cat "$T/err")"; fi
k1id=$(q "$K1" "SELECT value FROM setting WHERE key = 'kiosk_id'")
k2id=$(q "$K2" "SELECT value FROM setting WHERE key = 'kiosk_id'")
cnt=$(q "$K2" "SELECT COUNT(*) FROM setting WHERE key IN ('bundle.key.hub', 'bundle.key.$k1id')")
if [ "$cnt" = 2 ]; then ok "kiosk 2 knows the hub's and kiosk 1's keys"; else bad "keys at kiosk 2" "$cnt"; fi
key=$K1.bundle-key
if [ -f "$key" ] && [ "$(stat -c %a "$key")" = 600 ]; then ok "the kiosk's key is beside its database, mode 0600"; else bad "kiosk key" "$(ls -l "$T")"; fi
kill "$hub_pid"; wait "$hub_pid" 2>/dev/null; hub_pid=""

# ---- offline: each door admits someone, the hub adds a person ---------------------------------
run_vk --db "$K1" checkin T-0001
expect_rc "kiosk 1 admits T-0001 with the hub gone" 0
run_vk --db "$K2" checkin T-0002
expect_rc "kiosk 2 admits T-0002" 0
printf 'P4,Тарас,Мельник,Учасник,taras@example.org,T-0004,active\n' >>"$T/list.csv"
run_vk --db "$HUB" import "$T/list.csv"
# a walk-in registered at kiosk 1 while offline
cat >"$T/walkin.scenario" <<'EOF'
tap find
type оксана лисенко
tap walkin
tap register
expect admitted Оксана Лисенко
EOF
run_vk --db "$K1" run --headless --scenario "$T/walkin.scenario" --out "$T/walkin"
expect_rc "kiosk 1 registers a walk-in offline" 0

# ---- kiosk -> kiosk ---------------------------------------------------------------------------
run_vk --db "$K1" sync export --to "$STICK"
expect_rc "kiosk 1 writes its bundle to the stick" 0
has "and says it was written and checked" "$T/out" "written and checked"
cp "$STICK/vkhid-$k1id.bundle" "$T/k1-old.bundle"
run_vk --db "$K2" sync import "$STICK/vkhid-$k1id.bundle"
expect_rc "kiosk 2 imports kiosk 1's bundle" 0
has "two new events (the offline admission and the walk-in; the online one it knew)" "$T/out" "2 new events of 3"
run_vk --db "$K2" checkin T-0001 --json
has "kiosk 2 now knows T-0001 came in at kiosk 1" "$T/out" "\"kiosk\": \"$k1id\""
run_vk --db "$K2" find Лисенко
has "and kiosk 1's walk-in" "$T/out" "Оксана Лисенко"

run_vk --db "$K2" sync import "$STICK/vkhid-$k1id.bundle"
expect_rc "the same stick again" 0
has "changes nothing" "$T/out" "0 new events"

# ---- kiosk -> hub -----------------------------------------------------------------------------
run_vk --db "$K2" sync export --to "$STICK"
run_vk --db "$HUB" sync import "$STICK/vkhid-$k2id.bundle"
expect_rc "the hub imports kiosk 2's bundle" 0
run_vk --db "$HUB" sync import "$STICK/vkhid-$k1id.bundle"
expect_rc "and kiosk 1's" 0
if [ "$(hub_admitted T-0001)" = 1 ] && [ "$(hub_admitted T-0002)" = 1 ]; then ok "the hub knows both admissions"; else bad "hub admissions" "$(hub_admitted T-0001) $(hub_admitted T-0002)"; fi
wnum=$(q "$HUB" "SELECT number FROM registration WHERE display = 'Оксана Лисенко'")
if [ "$wnum" = 1000000 ]; then ok "the walk-in reached the hub in kiosk 1's block (№$wnum)"; else bad "walk-in at the hub" "'$wnum'"; fi
cnt=$(hq "SELECT COUNT(*) FROM hub_admit")
if [ "$cnt" = 4 ]; then ok "the hub's own admission table has them, the walk-in too (it would refuse them online)"; else bad "hub_admit" "$cnt"; fi

# ---- hub -> kiosk -----------------------------------------------------------------------------
run_vk --db "$HUB" sync export --to "$STICK"
expect_rc "the hub writes its bundle" 0
run_vk --db "$K1" sync import "$STICK/vkhid-hub.bundle"
expect_rc "kiosk 1 imports the hub's bundle" 0
run_vk --db "$K1" find Мельник
has "the person added at the hub reached kiosk 1 by stick" "$T/out" "Тарас Мельник"
if [ "$(admitted "$K1" T-0002)" = 1 ]; then ok "kiosk 1 knows kiosk 2's admission through the hub's bundle"; else bad "T-0002 at kiosk 1" "$(admitted "$K1" T-0002)"; fi
# an old stick after a newer one: nothing lost, nothing doubled
run_vk --db "$K1" sync import "$STICK/vkhid-$k2id.bundle"
expect_rc "kiosk 1 imports kiosk 2's (already known) bundle" 0
if [ "$(admitted "$K1" T-0002)" = 1 ]; then ok "nothing doubled"; else bad "T-0002 twice" "$(admitted "$K1" T-0002)"; fi
run_vk --db "$HUB" sync import "$T/k1-old.bundle"
expect_rc "an older bundle at the hub does no harm" 0
has "and adds nothing" "$T/out" "0 new events"
run_vk --db "$K1" sync import "$STICK/vkhid-$k1id.bundle"
has "a kiosk's own bundle is recognised" "$T/out" "own bundle"

# ---- refused: tampered, truncated, foreign ------------------------------------------------------
state() { q "$K2" "SELECT COUNT(*) FROM checkin"; q "$K2" "SELECT COUNT(*) FROM registration"; q "$K2" "SELECT COUNT(*) FROM setting"; }
before=$(state)
sed 's/"number":1,/"number":2,/' "$STICK/vkhid-hub.bundle" >"$T/tampered.bundle"
if cmp -s "$T/tampered.bundle" "$STICK/vkhid-hub.bundle"; then bad "the tampered copy differs"; fi
run_vk --db "$K2" sync import "$T/tampered.bundle"
expect_rc "a tampered bundle is refused" 2
has "with a clear message" "$T/err" "signature does not match"
size=$(wc -c <"$STICK/vkhid-hub.bundle")
head -c $((size / 2)) "$STICK/vkhid-hub.bundle" >"$T/truncated.bundle"
run_vk --db "$K2" sync import "$T/truncated.bundle"
expect_rc "a truncated bundle is refused" 2
has "saying it was cut short" "$T/err" "cut short"
head -c 100 "$STICK/vkhid-hub.bundle" >"$T/short.bundle"
run_vk --db "$K2" sync import "$T/short.bundle"
expect_rc "a bundle cut inside its first line is refused" 2
no_crash "and nothing crashes"
printf 'hello' >"$T/junk.bundle"
run_vk --db "$K2" sync import "$T/junk.bundle"
expect_rc "a file that is no bundle is refused" 2
has "saying so" "$T/err" "not a vkhid bundle"
# another venue's hub: a writer nobody here knows
run_vk --db "$T/other.db" event create --name "Інша подія"
"$VKHID" --db "$T/other.db" hub enroll-token --name x --url https://127.0.0.1:1 >/dev/null 2>&1
mkdir -p "$T/otherstick"
run_vk --db "$T/other.db" sync export --to "$T/otherstick"
expect_rc "another hub writes its bundle" 0
run_vk --db "$K2" sync import "$T/otherstick/vkhid-hub.bundle"
expect_rc "another hub's bundle is refused" 2
has "the writer is not known" "$T/err" "is signed with a key"
# a known kiosk's key, but a bundle of another event
cp "$K1" "$T/k1b.db"; cp "$K1.bundle-key" "$T/k1b.db.bundle-key"
run_vk --db "$T/k1b.db" event create --name "Інша подія"
mkdir -p "$T/stick2"
run_vk --db "$T/k1b.db" sync export --to "$T/stick2"
run_vk --db "$K2" sync import "$T/stick2/vkhid-$k1id.bundle"
expect_rc "a bundle of another event is refused" 2
has "saying it belongs to another event" "$T/err" "another event"
# a writer this database has never heard of
mkdir -p "$T/stick3"
run_vk --db "$T/k3.db" event create --name "Форум громад"
run_vk --db "$T/k3.db" sync export --to "$T/stick3"
run_vk --db "$K2" sync import "$(ls "$T"/stick3/*.bundle)"
expect_rc "an unknown kiosk's bundle is refused" 2
has "saying the writer is unknown" "$T/err" "does not know"
after=$(state)
if [ "$before" = "$after" ]; then ok "the refused bundles changed nothing"; else bad "refusals changed kiosk 2" "$before" "$after"; fi
done_testing
