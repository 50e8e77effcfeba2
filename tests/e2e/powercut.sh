#!/bin/sh
# SPDX-License-Identifier: MIT
# Power cuts on whole processes: `vkhid checkin` one process after another, and the
# threaded kiosk (`vkhid run --headless --exit-after end`: UI, door and printer threads,
# offscreen) over many ticket images, each run under tests/powercut/powercut_preload.so.
# The library keeps a copy of each database file as of its last fsync/fdatasync, and kills
# the process (SIGKILL) at a chosen write operation. The disk is then put back as a power
# cut would leave it (each file replaced by its synced copy, files never synced removed,
# the -shm removed), and the database is reopened: every check-in the process acknowledged
# before the cut must be there (the command line: it printed "admitted" and exited 0; the
# kiosk: the outcome lines of log.jsonl, written after the commit returned, and kept
# outside the cut folder), and PRAGMA integrity_check must say ok.
#
# The control: the same runs with synchronous lowered through db.c's test hook
# VKHID_TEST_SYNCHRONOUS (OFF for the command line, NORMAL for the kiosk) must lose
# acknowledged check-ins at some cut point, and this script asserts that they do: a test
# that cannot see a lost check-in would pass for any code.
#   POWERCUT_SO=path  the preload library (default: beside $VKHID)
#   VKHID_SEED=N      replays the kiosk's random cut points (printed)
. "$(dirname "$0")/lib.sh"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
PRE=${POWERCUT_SO:-$(dirname "$VKHID")/powercut_preload.so}
case $PRE in /*) ;; *) PRE=$(pwd)/$PRE ;; esac
if [ ! -f "$PRE" ]; then
	bad "the power-cut library is built" "no $PRE (make test builds it)"
	done_testing; exit
fi
if ! command -v sqlite3 >/dev/null; then
	skip "power cuts" "sqlite3 is not installed"
	done_testing; exit
fi
# the library is loaded before the ASan runtime; it only passes calls on
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
seed=${VKHID_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "# seed $seed (VKHID_SEED=$seed replays it)"

B=$T/base
C=$T/cut
W=$T/work
mkdir -p "$B" "$W"
q() { "$VKHID" --db "$B/k.db" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Cut" --starts "$today" --ends "$today"
q keygen
{ echo given_name,family_name; i=1; while [ $i -le 30 ]; do echo "Ім'я$i,Прізвище$i"; i=$((i + 1)); done; } > "$T/people.csv"
q import "$T/people.csv"
q tickets --out "$W/t"
code() { awk -F, -v n="$1" 'NR > 1 && $1 == n {print $6}' "$W/t/tickets.csv"; }
rm -f "$B"/*.secret # the kiosk needs none; only the database is in the cut folder

# fresh: the cut folder holds the base database, synced
fresh() {
	rm -rf "$C"
	mkdir -p "$C/.durable"
	cp "$B/k.db" "$C/k.db"
	cp "$B/k.db" "$C/.durable/k.db"
}
# the disk after the power cut: synced copies only
power_back() {
	for f in "$C"/*; do
		[ -e "$f" ] || continue
		n=${f##*/}
		if [ -f "$C/.durable/$n" ]; then cp "$C/.durable/$n" "$f"; else rm -f "$f"; fi
	done
	rm -f "$C"/*-shm
}
# lost ACKED_FILE: how many acknowledged registrations are not in the database
lost() {
	n=0
	for r in $(sort -un "$1"); do
		have=$(sqlite3 "$C/k.db" "SELECT COUNT(*) FROM checkin WHERE number = $r AND kind IN (0, 3)" 2>/dev/null)
		[ "${have:-0}" -ge 1 ] || n=$((n + 1))
	done
	echo $n
}
integrity() { sqlite3 "$C/k.db" "PRAGMA integrity_check" 2>&1 | head -3; }
# cut [AT [SYNC]] COMMAND...: runs COMMAND under the library, cut at write AT ("" = never),
# with synchronous lowered to SYNC through db.c's test hook ("" = as shipped)
cut() {
	at=$1 sy=$2; shift 2
	timeout 120 env LD_PRELOAD="$PRE" POWERCUT_DIR="$C" ${at:+POWERCUT_AT=$at} \
		${sy:+VKHID_TEST_SYNCHRONOUS=$sy} "$@" </dev/null
}

# ---- the command line: a loop of `vkhid checkin`, the cut inside process K at op J ----
# cli_run K J [SYNC]: processes 1..K-1 run whole, K is cut (or ends first), none after it
cli_run() {
	fresh
	: > "$T/acked"
	i=1
	while [ $i -le "$1" ]; do
		if [ $i -eq "$1" ]; then at=$2; else at=; fi
		cut "$at" "$3" "$VKHID" --db "$C/k.db" checkin "$(code $i)" \
			>"$T/o" 2>"$T/e"
		rc=$?
		if [ $rc = 0 ] && grep -q '^admitted' "$T/o"; then echo $i >> "$T/acked"; fi
		if [ $rc != 0 ] && [ $rc != 137 ]; then echo "# checkin $i: exit $rc: $(head -c 300 "$T/e")"; fi
		i=$((i + 1))
	done
	power_back
}
total_lost=0; runs=0; bad_integrity=
for kj in 3:1 4:9 5:22 7:30 9:80; do
	cli_run "${kj%%:*}" "${kj##*:}"
	l=$(lost "$T/acked"); total_lost=$((total_lost + l)); runs=$((runs + 1))
	i=$(integrity); [ "$i" = ok ] || bad_integrity="$bad_integrity cut $kj: $i;"
	"$VKHID" --db "$C/k.db" stats >/dev/null 2>"$T/se" || bad_integrity="$bad_integrity cut $kj: stats failed $(head -c 200 "$T/se");"
	echo "# command line, process ${kj%%:*} cut at write ${kj##*:}: $(wc -l < "$T/acked") acknowledged, $l lost"
done
[ "$total_lost" = 0 ] && ok "command line: no acknowledged check-in lost in $runs power cuts" \
	|| bad "command line: acknowledged check-ins lost" "$total_lost lost in $runs cuts"
[ -z "$bad_integrity" ] && ok "command line: the database is whole after every cut" || bad "command line: integrity" "$bad_integrity"

# the control: synchronous=OFF loses what was acknowledged
ctl=0
for kj in 6:22; do
	cli_run "${kj%%:*}" "${kj##*:}" OFF
	l=$(lost "$T/acked"); ctl=$((ctl + l))
	echo "# control, synchronous=OFF, process ${kj%%:*} cut at write ${kj##*:}: $(wc -l < "$T/acked") acknowledged, $l lost"
done
[ "$ctl" -gt 0 ] && ok "control: with synchronous=OFF the test sees lost check-ins ($ctl)" \
	|| bad "control: with synchronous=OFF the test sees no loss: it cannot catch one"

# ---- the threaded kiosk over 30 tickets, cut at random writes -----------------------
mkdir -p "$W/cam"
cp "$W"/t/ticket-*.png "$W/cam/"
list=$W/cam
# kiosk_run AT [SYNC]: the kiosk cut at write AT; acknowledged registrations to $T/acked
kiosk_run() {
	fresh
	rm -rf "$W/out" "$W/badges"
	cut "$1" "$2" "$VKHID" --db "$C/k.db" run --headless \
		--camera "files:$list@2" --printer "file:$W/badges" --exit-after end --out "$W/out" \
		>"$T/o" 2>"$T/e"
	rc=$?
	grep '"event": "outcome"' "$W/out/log.jsonl" 2>/dev/null | grep '"outcome": "admitted"' \
		| sed 's/.*"registration": \([0-9]*\).*/\1/' > "$T/acked"
	power_back
}
# how many writes a whole run makes: the cut points are drawn below that
fresh
POWERCUT_COUNT=$T/count cut "" "" "$VKHID" --db "$C/k.db" run --headless --camera "files:$list@2" \
	--printer "file:$W/badges0" --exit-after end --out "$W/out0" >"$T/o" 2>"$T/e"
total=$(cat "$T/count" 2>/dev/null || echo 0)
echo "# a whole kiosk run: $total write operations, $(grep -c '"outcome": "admitted"' "$W/out0/log.jsonl") admitted"
[ "$total" -gt 50 ] || bad "the kiosk runs under the power-cut library" "$(head -c 600 "$T/e")"
r=$seed
# pick: the next cut point into $at, from the seed (no subshell: r moves on)
pick() { r=$(( (r * 1103515245 + 12345) % 2147483648 )); at=$(( 20 + (r / 65536) % (total - 20) )); }
total_lost=0; runs=0; bad_integrity=; cut_seen=0; acked_all=0
for k in 1 2 3 4; do
	pick
	kiosk_run "$at"
	[ "$rc" = 137 ] && cut_seen=$((cut_seen + 1))
	l=$(lost "$T/acked"); total_lost=$((total_lost + l)); runs=$((runs + 1))
	acked_all=$((acked_all + $(wc -l < "$T/acked")))
	i=$(integrity); [ "$i" = ok ] || bad_integrity="$bad_integrity cut at $at: $i;"
	echo "# kiosk cut at write $at of $total (exit $rc): $(wc -l < "$T/acked") acknowledged, $l lost"
done
[ "$cut_seen" -ge 2 ] && ok "the kiosk was cut mid-run ($cut_seen of $runs runs)" || bad "the kiosk was cut mid-run" "$cut_seen of $runs"
[ "$acked_all" -gt 0 ] && ok "the kiosk acknowledged check-ins before the cuts ($acked_all)" || bad "the kiosk acknowledged nothing before the cuts"
[ "$total_lost" = 0 ] && ok "kiosk: no acknowledged check-in lost in $runs power cuts" \
	|| bad "kiosk: acknowledged check-ins lost" "$total_lost lost in $runs cuts"
[ -z "$bad_integrity" ] && ok "kiosk: the database is whole after every cut" || bad "kiosk: integrity" "$bad_integrity"

# the control: synchronous=NORMAL (WAL synced only at checkpoints) loses acknowledged ones
ctl=0
for k in 1; do
	at=$(( total / 2 ))
	kiosk_run "$at" NORMAL
	l=$(lost "$T/acked"); ctl=$((ctl + l))
	echo "# control, synchronous=NORMAL, kiosk cut at write $at: $(wc -l < "$T/acked") acknowledged, $l lost"
done
[ "$ctl" -gt 0 ] && ok "control: with synchronous=NORMAL the kiosk test sees lost check-ins ($ctl)" \
	|| bad "control: with synchronous=NORMAL the kiosk test sees no loss: it cannot catch one"
done_testing
