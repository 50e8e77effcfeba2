#!/bin/sh
# SPDX-License-Identifier: MIT
# A soak of the threaded kiosk (`vkhid run --headless`: UI, door and printer threads,
# offscreen): SOAK_N attendees (default 400 in `make test`; `make bench` runs 5,000 on the
# release build) shown one after another to the simulated camera, each badge printed by
# the file printer. Measured on the running process from /proc: resident memory, open file
# descriptors and threads once the storm is under way and again near its end. Memory must
# stay flat, and no descriptor or thread may leak. Every attendee must be admitted once.
# Prints the figures (RSS, fds, threads, duration) as TAP comments.
. "$(dirname "$0")/lib.sh"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen} SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
# ASan keeps freed memory in quarantine (256 MB by default): a small one, so RSS shows leaks
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
N=${SOAK_N:-400}
FRAMES=${SOAK_FRAMES:-1}
DB=$T/k.db
W=$T/work
mkdir -p "$W"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
t0=$(date +%s)
q event create --name "Soak" --starts "$today" --ends "$today"
q keygen
awk -v n="$N" 'BEGIN { print "given_name,family_name,organization"; for (i = 1; i <= n; i++) printf "Учасник%d,Прізвище%d,Організація %d\n", i, i, i % 37 }' > "$T/people.csv"
q import "$T/people.csv"
q tickets --out "$W/t"
rm -f "$W/t/tickets.csv"
echo "# $N tickets made in $(( $(date +%s) - t0 )) s"

admitted() { n=$(grep -c '"outcome": "admitted"' "$W/out/log.jsonl" 2>/dev/null); echo "${n:-0}"; }
probe() { # PID: "rss_kb fds threads"
	echo "$(awk '/^VmRSS:/ {print $2}' /proc/$1/status 2>/dev/null) $(ls /proc/$1/fd 2>/dev/null | wc -l) $(ls /proc/$1/task 2>/dev/null | wc -l)"
}
t1=$(date +%s)
"$VKHID" --db "$DB" run --headless --camera "files:$W/t@$FRAMES" --printer "file:$W/badges" \
	--exit-after end --out "$W/out" </dev/null >"$T/o" 2>"$T/e" &
pid=$!
# the first sample once the kiosk is warm (SOAK_EARLY percent in, default 55: SQLite's
# caches, the fonts and the sanitizer's pools fill during the first ~200 attendees), the
# last at 95%
early=$((N * ${SOAK_EARLY:-55} / 100)); late=$((N * 95 / 100))
start=; end=
while kill -0 $pid 2>/dev/null; do
	a=$(admitted)
	if [ -z "$start" ] && [ "$a" -ge "$early" ]; then start=$(probe $pid); echo "# at $a admitted: RSS kB, fds, threads = $start"; fi
	if [ -z "$end" ] && [ "$a" -ge "$late" ]; then end=$(probe $pid); echo "# at $a admitted: RSS kB, fds, threads = $end"; fi
	sleep 0.2 # a polling period, not a synchronisation: the samples are taken when seen
done
wait $pid
rc=$?
secs=$(( $(date +%s) - t1 ))
a=$(admitted)
echo "# $a admitted in $secs s by the threaded kiosk ($(ls "$W/badges" 2>/dev/null | wc -l) badges)"
[ $rc = 0 ] && ok "the kiosk ran the soak to the end" || bad "the kiosk ran the soak to the end" "exit $rc" "$(head -c 800 "$T/e")"
[ "$a" = "$N" ] && ok "all $N attendees admitted" || bad "all $N attendees admitted" "$a admitted"
nb=$(ls "$W/badges" 2>/dev/null | grep -c '\.png$')
[ "$nb" = "$N" ] && ok "one badge each ($nb)" || bad "one badge each" "$nb badges for $N"
if [ -z "$start" ] || [ -z "$end" ]; then
	bad "memory, descriptors and threads were sampled" "start '$start', end '$end'"
else
	set -- $start; rss0=$1 fd0=$2 th0=$3
	set -- $end; rss1=$1 fd1=$2 th1=$3
	echo "# RSS ${rss0} kB -> ${rss1} kB, fds $fd0 -> $fd1, threads $th0 -> $th1"
	# a sample may catch a descriptor open for a moment (a badge file being written, a
	# SQLite journal); a leak over $N attendees would be many, so two are allowed
	[ "$fd1" -le $((fd0 + 2)) ] && ok "no file descriptor leak ($fd0 -> $fd1)" || bad "no file descriptor leak" "$fd0 -> $fd1"
	[ "$th1" -le "$th0" ] && ok "no thread leak ($th0 -> $th1)" || bad "no thread leak" "$th0 -> $th1"
	# flat: what grows with each attendee would show over the second half of them; 10% +
	# 4 MB of slack for allocator and sanitizer noise
	lim=$(( rss0 + rss0 / 10 + 4096 ))
	[ "$rss1" -le "$lim" ] && ok "memory flat ($rss0 -> $rss1 kB, limit $lim)" || bad "memory flat" "$rss0 -> $rss1 kB, over $lim"
fi
twice=$(sqlite3 "$DB" "SELECT COUNT(*) FROM (SELECT number FROM checkin GROUP BY number HAVING COUNT(*) > 1)" 2>/dev/null || echo 0)
[ "$twice" = 0 ] && ok "nobody admitted twice" || bad "nobody admitted twice" "$twice"
done_testing
