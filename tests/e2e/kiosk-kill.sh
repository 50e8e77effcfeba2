#!/bin/sh
# SPDX-License-Identifier: MIT
# The threaded kiosk (`vkhid run --headless`: UI, door and printer threads, offscreen)
# killed mid-storm: shown 60 tickets by the simulated camera, it is killed with SIGKILL at
# a random moment (seeded, printed), restarted on the same database, killed again, and
# finally let run to the end. Across all the runs: every ticket was admitted exactly once
# (no double admission, none lost: every "admitted" line of every run's log is in the
# database), and no badge was printed twice (the file printer's badges against the print
# jobs; a job cut between the print command and its record counts as "assumed printed").
#   VKHID_SEED=N replays the kill moments.
. "$(dirname "$0")/lib.sh"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
if ! command -v sqlite3 >/dev/null; then
	skip "kiosk kill" "sqlite3 is not installed"
	done_testing; exit
fi
seed=${VKHID_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "# seed $seed (VKHID_SEED=$seed replays it)"
DB=$T/k.db
W=$T/work
mkdir -p "$W/cam"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Kill" --starts "$today" --ends "$today"
q keygen
N=60
{ echo given_name,family_name; i=1; while [ $i -le $N ]; do echo "Ім'я$i,Прізвище$i"; i=$((i + 1)); done; } > "$T/people.csv"
q import "$T/people.csv"
q tickets --out "$W/t"
cp "$W"/t/ticket-*.png "$W/cam/"
kiosk() { # CAM OUT [&]: the kiosk over the tickets in CAM, to the end; with "&" in the
	  # background, $! being the kiosk itself (not a subshell), for kill
	if [ "${3:-}" = "&" ]; then
		"$VKHID" --db "$DB" run --headless --camera "files:$1@2" --printer "file:$W/badges" \
			--exit-after end --out "$2" </dev/null >"$2.stdout" 2>"$2.stderr" &
	else
		"$VKHID" --db "$DB" run --headless --camera "files:$1@2" --printer "file:$W/badges" \
			--exit-after end --out "$2" </dev/null >"$2.stdout" 2>"$2.stderr"
	fi
}
# cam_rest DIR: the tickets nobody has shown yet, and two shown already (the storm goes on
# where the last run stopped, with people who come back)
cam_rest() {
	mkdir -p "$1"
	for f in "$W"/t/ticket-*.png; do
		n=$(basename "$f" .png); n=${n#ticket-}; n=$(echo "$n" | sed 's/^0*//')
		c=$(sqlite3 "$DB" "SELECT COUNT(*) FROM checkin WHERE number = $n" 2>/dev/null)
		if [ "${c:-0}" = 0 ] || [ "$n" -le 2 ]; then cp "$f" "$1/"; fi
	done
}

r=$seed
killed=0
for k in 1 2 3 4; do
	r=$(( (r * 1103515245 + 12345) % 2147483648 ))
	ms=$(( 700 + (r / 65536) % 2000 ))
	mkdir -p "$W/run$k"
	cam_rest "$W/cam$k"
	kiosk "$W/cam$k" "$W/run$k" "&"
	pid=$!
	# a random moment of the run (not a synchronisation: any moment will do)
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	[ $rc = 137 ] && killed=$((killed + 1))
	echo "# run $k killed after ${ms} ms (exit $rc): $(grep -c '"outcome": "admitted"' "$W/run$k/log.jsonl" 2>/dev/null) admitted in it"
done
[ $killed -ge 2 ] && ok "the kiosk was killed mid-run ($killed of 4 runs)" || bad "the kiosk was killed mid-run" "$killed of 4"
mkdir -p "$W/final"
kiosk "$W/cam" "$W/final"
rc=$?
[ $rc = 0 ] && ok "the kiosk restarted on the same database runs to the end" \
	|| bad "the kiosk restarted on the same database runs to the end" "exit $rc" "$(head -c 600 "$W/final.stderr")"
if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$W"/*.stderr; then
	bad "no sanitizer report in any run" "$(grep -hE -A5 'AddressSanitizer|runtime error|LeakSanitizer' "$W"/*.stderr | head -20)"
else
	ok "no sanitizer report in any run"
fi

sq() { sqlite3 "$DB" "$1"; }
[ "$(sq 'PRAGMA integrity_check')" = ok ] && ok "the database is whole" || bad "the database is whole" "$(sq 'PRAGMA integrity_check' | head -3)"
twice=$(sq "SELECT number FROM checkin WHERE kind IN (0, 3) GROUP BY number HAVING COUNT(*) > 1" | paste -sd' ')
[ -z "$twice" ] && ok "nobody admitted twice across the restarts" || bad "nobody admitted twice across the restarts" "admitted more than once: $twice"
in=$(sq "SELECT COUNT(DISTINCT number) FROM checkin WHERE kind IN (0, 3)")
[ "$in" = $N ] && ok "every ticket shown was admitted ($in)" || bad "every ticket shown was admitted" "$in of $N in the database"
cat "$W"/run*/log.jsonl "$W/final/log.jsonl" 2>/dev/null | grep '"event": "outcome"' | grep '"outcome": "admitted"' \
	| sed 's/.*"registration": \([0-9]*\).*/\1/' > "$T/acked"
lost=
for n in $(sort -un "$T/acked"); do
	[ "$(sq "SELECT COUNT(*) FROM checkin WHERE number = $n AND kind IN (0, 3)")" -ge 1 ] || lost="$lost $n"
done
[ -z "$lost" ] && ok "every admission a log acknowledged is in the database ($(wc -l < "$T/acked") lines)" \
	|| bad "every admission a log acknowledged is in the database" "missing:$lost"
dup=$(sort "$T/acked" | uniq -d | paste -sd' ')
[ -z "$dup" ] && ok "no registration acknowledged as admitted twice in the logs" || bad "no registration acknowledged as admitted twice" "$dup"

# badges: at most one file per registration, and one job each, done
ls "$W/badges" 2>/dev/null | sed -n 's/^badge-0*\([0-9]*\)-.*/\1/p' > "$T/printed"
dupb=$(sort "$T/printed" | uniq -d | paste -sd' ')
[ -z "$dupb" ] && ok "no badge printed twice ($(wc -l < "$T/printed") badges)" || bad "no badge printed twice" "printed more than once: $dupb"
jobs2=$(sq "SELECT number FROM print_job GROUP BY number HAVING COUNT(*) > 1" | paste -sd' ')
[ -z "$jobs2" ] && ok "one print job per admission" || bad "one print job per admission" "several jobs: $jobs2"
open=$(sq "SELECT COUNT(*) FROM print_job WHERE state <> 2")
[ "$open" = 0 ] && ok "every print job ended done" || bad "every print job ended done" "$(sq 'SELECT number, state, last_error FROM print_job WHERE state <> 2' | head -5)"
missing=
for n in $(sq "SELECT number FROM print_job WHERE state = 2 AND last_error NOT LIKE '%assumed%'"); do
	grep -qx "$n" "$T/printed" || missing="$missing $n"
done
[ -z "$missing" ] && ok "every job done has its badge (or was assumed printed): $(sq "SELECT COUNT(*) FROM print_job WHERE last_error LIKE '%assumed%'") assumed" \
	|| bad "every job done has its badge" "no badge file for:$missing"
done_testing
