#!/bin/sh
# SPDX-License-Identifier: MIT
# Days and sessions end to end: a three-day training whose entrance admits once a day
# (scenario over two virtual days), two room doors on day two (capacity, hours with
# grace, category, the entrance rule both ways, undo), the programme commands with their
# mistakes, and what stats and export say afterwards.
. "$(dirname "$0")/lib.sh"
SC=$(cd "$(dirname "$0")/scenarios" && pwd)
DB=$T/k.db
W=$T/work
mkdir -p "$W"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
q() { "$VKHID" --db "$DB" "$@" >"$T/qout" 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
code() { awk -F, -v n="$1" '$1==n {print $(NF-1)}' "$W/tickets/tickets.csv"; }

d1=$(TZ=Europe/Kyiv date +%F)
d2=$(TZ=Europe/Kyiv date -d "$d1 + 1 day" +%F)
d3=$(TZ=Europe/Kyiv date -d "$d1 + 2 days" +%F)
q event create --name "Тренінг" --starts "$d1" --ends "$d3" --timezone Europe/Kyiv
q keygen
printf 'given_name,family_name,category\nОлена,Коваль,Учасник\nІван,Бойко,Спікер\nМарія,Шевчук,Учасник\nПетро,Мельник,Учасник\nГанна,Ткач,Спікер\n' > "$T/p.csv"
q import "$T/p.csv"
q tickets --out "$W/tickets"

# ---- the programme -------------------------------------------------------------------
run_vk --db "$DB" session create --title "Відкриття" --room "Зала A" --starts "$d2 10:00" --ends "$d2 11:00" --capacity 2
expect_rc "session create" 0
has "session create names the new session" "$T/out" "Session 1 created: Відкриття"
run_vk --db "$DB" session create --title "Панель" --room "Зала B" --starts "$d2 10:00" --ends "$d2 11:30" --categories "Спікер"
expect_rc "a second session, for speakers only" 0
run_vk --db "$DB" session create --title "Nope" --starts "$d2 12:00" --ends "$d2 11:00"
expect_rc "a session that ends before it starts is refused" 2
has "and the message says what to check" "$T/err" "ends before it starts"
run_vk --db "$DB" session create --title "Nope" --starts "$d2 9:00" --ends "$d2 11:00"
expect_rc "a time not written YYYY-MM-DD HH:MM is refused" 2
has "and the message shows the format" "$T/err" "YYYY-MM-DD HH:MM"
run_vk --db "$DB" session create --title "Nope" --starts "2020-01-01 10:00" --ends "2020-01-01 11:00"
expect_rc "a session outside the event's days is refused" 2
printf 'Назва;Зала;Початок;Кінець;Місць;Спікери\r\nВечеря;Хол;%s 18:00;%s 20:00;;\r\n"Дві\nлінії";Хол;%s 25:00;%s 20:00;;\r\nБез місць;Хол;%s 10:00;%s 11:00;багато;\r\n' \
	"$d1" "$d1" "$d1" "$d1" "$d1" "$d1" > "$T/bad.csv"
run_vk --db "$DB" session import "$T/bad.csv"
expect_rc "a programme with mistakes is refused" 1
has "the mistake of line 3 is named (a quoted line break counted)" "$T/err" "line 3: the start '$d1 25:00' is not a time"
has "the mistake of line 5 is named" "$T/err" "line 5: the capacity 'багато' is not a number of seats"
has "nothing is imported" "$T/err" "nothing imported"
printf '\357\273\277title,room,start,end,capacity,speakers\nВечеря,Хол,%s 18:00,%s 20:00,,Оргкомітет\nЗакриття,Зала A,%s 16:00,%s 17:00,300,\n' "$d1" "$d1" "$d3" "$d3" > "$T/good.csv"
run_vk --db "$DB" session import "$T/good.csv"
expect_rc "a good programme is imported" 0
has "import counts the sessions" "$T/out" "2 sessions imported"
run_vk --db "$DB" session cancel 3
expect_rc "session cancel" 0
run_vk --db "$DB" session edit 4 --capacity 250
expect_rc "session edit" 0
run_vk --db "$DB" session list --json
python3 - "$T/out" <<'PY' && ok "session list --json: four sessions, one cancelled, the edit kept" || bad "session list --json" "$(cat "$T/out")"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(s) == 4, s
byid = {x["id"]: x for x in s}
assert byid[3]["cancelled"] and not byid[1]["cancelled"]
assert byid[4]["capacity"] == 250 and byid[1]["capacity"] == 2
assert byid[2]["categories"] == "Спікер"
PY
run_vk --db "$DB" run --headless --scenario "$SC/days-room-a.scenario" --out "$T/x" --session 3
expect_rc "a cancelled session's door does not open" 2
has "and says so" "$T/err" "was cancelled"
run_vk --db "$DB" run --headless --scenario "$SC/days-room-a.scenario" --out "$T/x" --session 99
expect_rc "a session that does not exist is refused" 2

# ---- the entrance over two virtual days ------------------------------------------------
sed -e "s|@T1@|$(code 1)|" "$SC/days-entrance.scenario" > "$W/entrance.scenario"
run_vk --db "$DB" run --headless --no-screens --scenario "$W/entrance.scenario" --out "$W/entrance"
sed 's/^/# /' "$T/out"
expect_rc "the entrance scenario meets every expectation" 0
has "entrance: 7 expectations met" "$T/out" "expectations: 7 met, 0 not met"
n=$(ls "$W/entrance/badges" | grep -c '\.png$')
[ "$n" = 2 ] && ok "two badges printed on day one, none on day two" || bad "badges" "$(ls "$W/entrance/badges")"

# ---- two room doors on day two -----------------------------------------------------------
q setting session.grace_min 10
sed -e "s|@T2@|$(code 2)|" "$SC/days-room-a.scenario" > "$W/room-a.scenario"
run_vk --db "$DB" run --headless --no-screens --scenario "$W/room-a.scenario" --out "$W/room-a" --session 1
sed 's/^/# /' "$T/out"
expect_rc "room A's door meets every expectation" 0
has "room A: 10 expectations met" "$T/out" "expectations: 10 met, 0 not met"
has "room A tells staff how full it is" "$T/out" "room: 2 of 2 seats taken"
has "room A's log names the session" "$W/room-a/log.jsonl" '"session": 1, "session_count": 2, "session_capacity": 2'
has "leaving by the exit door is logged" "$W/room-a/log.jsonl" '"outcome": "session_exit"'
[ ! -d "$W/room-a/badges" ] || [ "$(ls "$W/room-a/badges" | grep -c png)" = 0 ] && ok "a room's door prints no badge" || bad "room badges" "$(ls "$W/room-a/badges")"
q setting session.entrance send
cp "$SC/days-room-b.scenario" "$W/room-b.scenario"
run_vk --db "$DB" run --headless --no-screens --scenario "$W/room-b.scenario" --out "$W/room-b" --session 2
sed 's/^/# /' "$T/out"
expect_rc "room B's door meets every expectation" 0
has "room B: 5 expectations met" "$T/out" "expectations: 5 met, 0 not met"

# ---- what the organizer reads afterwards ----------------------------------------------------
run_vk --db "$DB" stats --json
python3 - "$T/out" "$d1" "$d2" <<'PY' && ok "stats --json: per day, every day, per session" || bad "stats per day and session" "$(cat "$T/out")"
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
d1, d2 = sys.argv[2], sys.argv[3]
days = {d["day"]: d["admitted"] for d in s["by_day"]}
# day 1: Олена, Петро; day 2: Олена, Петро, Іван (room A), Марія (room A), Ганна
assert days == {d1: 2, d2: 5}, days
assert s["event_days"] == 3 and s["every_day"] == 0, s
ses = {x["id"]: x["attended"] for x in s["by_session"]}
assert ses[1] == 3 and ses[2] == 2 and ses[3] == 0, ses
assert s["admitted"] == 5, s["admitted"]
PY
run_vk --db "$DB" stats
has "stats shows the days" "$T/out" "by day (people who came)"
has "stats shows the sessions" "$T/out" "Відкриття"
run_vk --db "$DB" export attendance --out "$T/att.csv"
expect_rc "export attendance" 0
has "the export has a column a day" "$T/att.csv" "method,day $d1,day $d2,day $d3,days"
has "Олена came on days one and two" "$T/att.csv" "yes,no,2"
grep '^5,' "$T/att.csv" | grep -q ",no,yes,no,1" && ok "Ганна came on day two only" || bad "Ганна's days" "$(grep '^5,' "$T/att.csv")"

# ---- the dashboard: this database as the venue's hub -----------------------------------
hub_pid=""
trap '[ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; rm -rf "$T"' EXIT
printf 'days and rooms 2026\n' | "$VKHID" --db "$DB" hub password >/dev/null 2>&1
"$VKHID" --db "$DB" hub --listen 127.0.0.1:0 >"$T/hub.out" 2>"$T/hub.err" &
hub_pid=$!
i=0
while ! grep -q 'listening on' "$T/hub.out" 2>/dev/null && [ $i -lt 300 ] && kill -0 "$hub_pid" 2>/dev/null; do i=$((i + 1)); sleep 0.1; done
port=$(sed -n 's/.*listening on https:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$T/hub.out")
if [ -n "$port" ]; then
	c() { curl -sk --max-time 30 -H 'Accept-Language: en-GB,en' "$@"; }
	c -D "$T/hdr" -o /dev/null --data-urlencode "password=days and rooms 2026" "https://127.0.0.1:$port/dash/login"
	sid=$(sed -n 's/^[Ss]et-[Cc]ookie: vkhid_s=\([0-9a-f]*\);.*/\1/p' "$T/hdr")
	c -b "vkhid_s=$sid" -o "$T/page" "https://127.0.0.1:$port/dash/"
	has "the dashboard counts day one's people" "$T/page" '<td class=num id=day-1>2</td>'
	has "the dashboard counts day two's people" "$T/page" '<td class=num id=day-2>5</td>'
	has "the dashboard shows room A full now (two in, two seats)" "$T/page" '<td class=num id=room-1>2 / 2</td>'
	has "the dashboard shows room B's two people" "$T/page" '<td class=num id=room-2>2</td>'
	has "the dashboard counts each person once" "$T/page" '<b id=n-admitted>5</b>'
	hasnt "a day-two entry is no incident" "$T/page" 'data-id="'
	kill "$hub_pid" 2>/dev/null; wait "$hub_pid" 2>/dev/null; hub_pid=""
else
	bad "the hub did not start" "$(cat "$T/hub.out" "$T/hub.err")"
fi
done_testing
