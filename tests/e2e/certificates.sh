#!/bin/sh
# SPDX-License-Identifier: MIT
# Certificates of completion end to end (issue 13): a two-day event with a programme (one
# session cancelled) and a check-in log written as the kiosks' sync leaves it (entrance
# check-ins on both days, an undo on day 2, session doors). Then:
#   - the rule: the default, set, shown, refused for a session the event does not have;
#   - `certificates --dry-run`: one line per person with the reason, in English and in
#     Ukrainian ("немає дня 2", "сесій: 1 з 3 (потрібно 2)");
#   - `certificates --out`: one PDF per eligible person and the combined one, read back as
#     a reader would: pdftotext gives the Cyrillic name exactly as registered, pdffonts
#     shows every font embedded, pdftoppm renders the pages and zbarimg reads their QR
#     codes, which are the codes of the mail-merge CSV (whose formula-like name is text);
#   - `verify`: a genuine code (exit 0, whose it is), an altered one, one from another
#     organizer's key, a ticket, garbage (exit 1, saying why);
#   - a template with a title and a signature image, and a broken template;
#   - the hub's /verify page, offline on loopback.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
vk() { run_vk --db "$DB" "$@"; }
hub_pid=""
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

for tool in pdftotext pdftoppm pdffonts pdfinfo zbarimg sqlite3 python3 curl; do
	command -v $tool >/dev/null 2>&1 || { bad "$tool is installed (poppler-utils, zbar-tools: board/deps.sh)"; done_testing; exit; }
done

vk event create --name "Форум громад «Разом» 2026" --starts 2026-11-02 --ends 2026-11-03 --timezone Europe/Kyiv
expect_rc "a two-day event is created" 0
vk keygen
expect_rc "keygen succeeds" 0
cat >"$T/people.csv" <<'EOF'
external_id,given_name,family_name,email
1,Олена,Мʼясоїд-Ковальчук,olena@example.org
2,John,O'Brien,john@example.org
3,"=HYPERLINK(""http://x"")",Бойко,boyko@example.org
4,Марія,Шевченко,maria@example.org
5,Петро,Іваненко,petro@example.org
6,Ніхто,Неприйшов,none@example.org
EOF
vk import "$T/people.csv"
expect_rc "six people are imported" 0
EV=$(sqlite3 "$DB" "SELECT id FROM event")
sqlite3 "$DB" "INSERT INTO session(id, event_id, title, room, starts, ends, cancelled) VALUES
 (1, $EV, 'Відкриття', 'Зала А', '2026-11-02 10:00', '2026-11-02 11:30', 0),
 (2, $EV, 'Workshop: бюджет громади', 'Зала Б', '2026-11-02 12:00', '2026-11-02 14:00', 0),
 (3, $EV, 'Панель (скасована)', 'Зала А', '2026-11-03 10:00', '2026-11-03 11:00', 1),
 (4, $EV, 'Закриття', 'Зала А', '2026-11-03 15:00', '2026-11-03 16:00', 0);"

# the log as a kiosk's sync leaves it: 09:00 Kyiv is 07:00 UTC in November
day1=$(( $(date -u -d '2026-11-02 07:00' +%s) * 1000 ))
day2=$(( $(date -u -d '2026-11-03 07:00' +%s) * 1000 ))
seq=0
# log NUMBER KIND SESSION WALL_MS (kind: 0 entry, 2 undo)
log() {
	seq=$((seq + 1))
	echo "INSERT INTO checkin(uuid, kiosk, seq, event_id, number, session_id, kind, method, wall_ms, hlc, clock_trusted) VALUES ('e2e-$seq', 'door1', $seq, $EV, $1, $3, $2, 0, $4, $seq, 1);" >>"$T/log.sql"
}
min=60000
log 1 0 0 "$day1"; log 1 0 1 $((day1 + 60 * min)); log 1 0 2 $((day1 + 180 * min))
log 1 0 0 "$day2"; log 1 0 4 $((day2 + 360 * min))
log 2 0 0 "$day1"; log 2 0 1 $((day1 + 60 * min)); log 2 0 2 $((day1 + 180 * min))
log 3 0 0 "$day1"; log 3 0 0 "$day2"; log 3 0 2 $((day1 + 180 * min)); log 3 0 4 $((day2 + 360 * min))
log 4 0 0 "$day1"; log 4 0 1 $((day1 + 60 * min)); log 4 0 2 $((day1 + 180 * min))
log 4 0 0 "$day2"; log 4 2 0 $((day2 + 5 * min))
log 5 0 0 "$day1"; log 5 0 0 "$day2"; log 5 0 1 $((day1 + 60 * min)); log 5 0 3 $((day2 + 120 * min))
sqlite3 "$DB" <"$T/log.sql"

# ---- the rule --------------------------------------------------------------------------
vk certificates rule
expect_rc "the rule is shown" 0
has "with none set, the default is one day" "$T/out" "at least one day"
vk certificates --dry-run
expect_rc "a dry run with the default rule" 0
has "the default: five of six came on a day" "$T/out" "5 of 6 participants are eligible"
has "the one who never came is told why" "$T/out" "Ніхто Неприйшов — not eligible: days: 0 of 2 (1 needed)"
vk certificates rule --min-sessions 2 --required 9
expect_rc "a required session the event does not have is refused" 2
has "the refusal names the session and where to look" "$T/err" "no session 9"
vk certificates rule --min-days two
expect_rc "a rule that is not a number is refused" 2
no_crash "bad rule input: no crash"
vk certificates rule --min-days 2 --min-sessions 2
expect_rc "the rule is set" 0
has "the rule is shown back" "$T/out" "days: at least 2"

# ---- the dry run -----------------------------------------------------------------------
vk certificates --dry-run
expect_rc "the dry run succeeds" 0
cp "$T/out" "$T/dry.txt"
has "two days and three sessions: eligible" "$T/dry.txt" "Олена Мʼясоїд-Ковальчук — eligible (days: 2; sessions: 3 of 3)"
has "day 2 missing is named" "$T/dry.txt" "John O'Brien — not eligible: missing day 2"
has "an undone day 2 is a missing day 2" "$T/dry.txt" "Марія Шевченко — not eligible: missing day 2"
has "the cancelled session does not count" "$T/dry.txt" "Петро Іваненко — not eligible: sessions: 1 of 3 (2 needed)"
has "the summary counts them" "$T/dry.txt" "2 of 6 participants are eligible"
[ "$(grep -c ' — ' "$T/dry.txt")" = 6 ] && ok "one line per person" || bad "one line per person" "$(cat "$T/dry.txt")"
VKHID_LANG=uk "$VKHID" --db "$DB" certificates --dry-run >"$T/dry-uk.txt" 2>&1
has "in Ukrainian: немає дня 2" "$T/dry-uk.txt" "John O'Brien — не отримує сертифіката: немає дня 2"
has "in Ukrainian: сесій: 1 з 3" "$T/dry-uk.txt" "Петро Іваненко — не отримує сертифіката: сесій: 1 з 3 (потрібно 2)"
has "in Ukrainian: the summary" "$T/dry-uk.txt" "Отримують сертифікат: 2 з 6 учасників"

# ---- the certificates ----------------------------------------------------------------------
OUT=$T/cert
vk certificates --out "$OUT"
expect_rc "certificates --out succeeds" 0
has "it says where the files are" "$T/out" "2 certificates written to $OUT"
for n in 0001 0003; do
	[ -s "$OUT/certificate-$n.pdf" ] && ok "certificate-$n.pdf is written" || bad "certificate-$n.pdf is written" "$(ls "$OUT")"
done
[ ! -e "$OUT/certificate-0002.pdf" ] && ok "no certificate for someone not eligible" || bad "a certificate for number 2"
ls "$OUT" | grep -q '\.tmp$' && bad "no temporary file is left" "$(ls "$OUT")" || ok "no temporary file is left"
pages=$(pdfinfo "$OUT/certificates-all.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
[ "$pages" = 2 ] && ok "the combined PDF has one page per certificate" || bad "combined pages" "$pages"
size=$(pdfinfo "$OUT/certificate-0001.pdf" 2>/dev/null | sed -n 's/^Page size: *//p')
case "$size" in 841.89\ x\ 595.2*) ok "A4 landscape ($size)" ;; *) bad "A4 landscape" "$size" ;; esac
pdftotext "$OUT/certificate-0001.pdf" "$T/c1.txt"
has "pdftotext reads the Cyrillic name exactly (with its apostrophe)" "$T/c1.txt" "Олена Мʼясоїд-Ковальчук"
has "the event is on it" "$T/c1.txt" "Форум громад «Разом» 2026"
has "what was attended is on it" "$T/c1.txt" "Days: 2 · Sessions: 3 · Hours: 4.5"
has "the date is the event's last day" "$T/c1.txt" "03.11.2026"
pdftotext "$OUT/certificate-0003.pdf" "$T/c3.txt"
has "a formula-like name is printed as registered" "$T/c3.txt" '=HYPERLINK("http://x") Бойко'
pdffonts "$OUT/certificates-all.pdf" 2>/dev/null | tail -n +3 >"$T/fonts"
if [ -s "$T/fonts" ] && ! awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit !bad }' "$T/fonts"; then
	ok "every font is embedded"
else bad "every font is embedded" "$(cat "$T/fonts")"; fi

# the mail merge list
python3 - "$OUT/certificates.csv" >"$T/csv.txt" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
print("HEAD", ",".join(rows[0]))
for r in rows[1:]:
    print("ROW", r[0], r[1], r[2], r[3])
    print("CODE" + r[0], r[4])
    for c in r:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            print("LIVE FORMULA", repr(c))
PY
has "the CSV's columns" "$T/csv.txt" "HEAD number,name,email,certificate_file,verification_code"
has "a row per certificate" "$T/csv.txt" "ROW 1 Олена Мʼясоїд-Ковальчук olena@example.org certificate-0001.pdf"
hasnt "no cell starts a formula" "$T/csv.txt" "LIVE FORMULA"
has "the formula-like name is text" "$T/csv.txt" "ROW 3 '=HYPERLINK(\"http://x\") Бойко"
code1=$(sed -n 's/^CODE1 //p' "$T/csv.txt")
code3=$(sed -n 's/^CODE3 //p' "$T/csv.txt")

# the QR codes, rendered and read back
pdftoppm -r 150 -png "$OUT/certificate-0001.pdf" "$T/p1"
qr1=$(zbarimg -q --raw "$T"/p1-1.png 2>/dev/null)
[ -n "$qr1" ] && [ "$qr1" = "$code1" ] && ok "the QR of certificate 1 reads back as its code" || bad "QR of certificate 1" "read: $qr1" "csv:  $code1"
pdftoppm -r 150 -png -f 2 -l 2 "$OUT/certificates-all.pdf" "$T/all"
qr3=$(zbarimg -q --raw "$T"/all-2.png 2>/dev/null)
[ -n "$qr3" ] && [ "$qr3" = "$code3" ] && ok "page 2 of the combined PDF carries certificate 3's code" || bad "QR of page 2" "read: $qr3" "csv:  $code3"

# ---- verify ------------------------------------------------------------------------------
vk verify "$qr1"
expect_rc "verify: the scanned code is genuine (exit 0)" 0
has "verify says whose it is" "$T/out" "name:      Олена Мʼясоїд-Ковальчук"
has "verify says which event" "$T/out" "event:     Форум громад «Разом» 2026"
has "verify says what was attended" "$T/out" "attended:  Days: 2 · Sessions: 3 · Hours: 4.5"
printf '%s\n' "$qr3" | "$VKHID" --db "$DB" verify - >"$T/out" 2>"$T/err"; rc=$?
expect_rc "verify - reads the code from standard input" 0
# one character of the signed part changed (a name letter, a count): not genuine
altered=$(python3 -c 'import sys; c = sys.argv[1]; i = len(c) // 2; print(c[:i] + ("0" if c[i] != "0" else "1") + c[i + 1:])' "$qr1")
vk verify "$altered"
expect_rc "verify: an altered code fails (exit 1)" 1
has "and says it is not genuine" "$T/err" "NOT a genuine certificate"
# another organizer's database makes its own certificates: not genuine here
O=$T/other.db
run_vk --db "$O" event create --name "Форум громад «Разом» 2026" --timezone Europe/Kyiv
run_vk --db "$O" keygen
run_vk --db "$O" import "$T/people.csv"
OEV=$(sqlite3 "$O" "SELECT id FROM event")
sqlite3 "$O" "INSERT INTO checkin(uuid, kiosk, seq, event_id, number, session_id, kind, method, wall_ms, hlc, clock_trusted) VALUES ('x1', 'd', 1, $OEV, 1, 0, 0, 0, $day1, 1, 1);"
run_vk --db "$O" certificates --out "$T/forged"
expect_rc "another database makes its own certificate" 0
fcode=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], encoding="utf-8-sig"))); print(r[1][4])' "$T/forged/certificates.csv")
vk verify "$fcode"
expect_rc "verify: a certificate signed elsewhere fails here (exit 1)" 1
has "it says it is not genuine" "$T/err" "NOT a genuine certificate"
ticket=$(sqlite3 "$DB" "SELECT vk_code FROM registration LIMIT 1")
[ -n "$ticket" ] || { "$VKHID" --db "$DB" tickets --out "$T/tickets" >/dev/null 2>&1; ticket=$(sqlite3 "$DB" "SELECT vk_code FROM registration WHERE number = 1"); }
vk verify "$ticket"
expect_rc "verify: a ticket is not a certificate" 1
has "it says what it is not" "$T/err" "not a vkhid certificate code"
vk verify "VC1:%%%"
expect_rc "verify: garbage after VC1: fails" 1
no_crash "garbage: no crash"

# ---- a template ----------------------------------------------------------------------------
cp "$T/tickets/ticket-0001.png" "$T/sign.png" 2>/dev/null || "$VKHID" --db "$DB" tickets --out "$T/tickets" >/dev/null 2>&1
cp "$T/tickets/ticket-0001.png" "$T/sign.png"
cat >"$T/tpl.ini" <<'EOF'
[certificate]
title = Сертифікат учасника форуму
lang = uk
date = 2026-11-10
[signature 1]
image = sign.png
name = Оксана Левчук
role = Голова оргкомітету
EOF
vk certificates --out "$T/tpl" --template "$T/tpl.ini"
expect_rc "certificates with a template" 0
pdftotext "$T/tpl/certificate-0001.pdf" "$T/t1.txt"
has "the template's title" "$T/t1.txt" "Сертифікат учасника форуму"
has "the template's language" "$T/t1.txt" "Днів: 2 · Сесій: 3 · Годин: 4.5"
has "the template's date" "$T/t1.txt" "10.11.2026"
has "the signature's name" "$T/t1.txt" "Оксана Левчук"
has "the name still exact" "$T/t1.txt" "Олена Мʼясоїд-Ковальчук"
imgs=$(pdfimages -list "$T/tpl/certificate-0001.pdf" 2>/dev/null | tail -n +3 | wc -l)
[ "$imgs" -ge 1 ] && ok "the signature image is in the PDF" || bad "signature image" "$imgs images"
pdftoppm -r 150 -png "$T/tpl/certificate-0001.pdf" "$T/tp"
tq=$(zbarimg -q --raw "$T"/tp-1.png 2>/dev/null)
vk verify "$tq"
expect_rc "the template's certificate verifies" 0
has "with its own date" "$T/out" "date:      2026-11-10"
printf '[certificate]\ncolour = red\n' >"$T/bad.ini"
vk certificates --out "$T/bad" --template "$T/bad.ini"
expect_rc "a template with an unknown key is refused" 2
has "the refusal names the line and the key" "$T/err" "line 2: unknown key 'colour'"
printf '[signature 1]\nimage = missing.png\n' >"$T/bad2.ini"
vk certificates --out "$T/bad" --template "$T/bad2.ini"
expect_rc "a missing signature image is refused" 2
has "the refusal names the image" "$T/err" "missing.png is not a readable PNG"
mv "$T/vkhid-event-$EV-key-1.secret" "$T/key.moved"
vk certificates --out "$T/nokey"
expect_rc "no secret key: refused" 2
has "it says how to go on" "$T/err" "Pass --key FILE"
vk certificates --out "$T/withkey" --key "$T/key.moved"
expect_rc "--key names the key file" 0

# ---- the hub's /verify page ------------------------------------------------------------------
cp "$DB" "$T/hub.db"
"$VKHID" --db "$T/hub.db" hub --listen 127.0.0.1:0 >"$T/hub.out" 2>"$T/hub.err" &
hub_pid=$!
i=0
while ! grep -q 'listening on' "$T/hub.out" 2>/dev/null && [ $i -lt 300 ] && kill -0 "$hub_pid" 2>/dev/null; do
	i=$((i + 1)); sleep 0.1
done
port=$(sed -n 's/.*listening on https:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$T/hub.out")
if [ -z "$port" ]; then
	bad "the hub starts" "$(cat "$T/hub.out" "$T/hub.err")"
else
	st=$(curl -sk --max-time 30 -o "$T/v.html" -w '%{http_code}' -H 'Accept-Language: en' \
		--data-urlencode "code=$qr1" "https://127.0.0.1:$port/verify")
	[ "$st" = 200 ] && ok "/verify: a genuine code answers 200" || bad "/verify genuine" "status $st"
	has "/verify shows whose it is" "$T/v.html" "<dd id=name>Олена Мʼясоїд-Ковальчук</dd>"
	has "/verify shows the event" "$T/v.html" "Форум громад «Разом» 2026"
	st=$(curl -sk --max-time 30 -o "$T/v2.html" -w '%{http_code}' -H 'Accept-Language: uk' \
		--data-urlencode "code=$altered" "https://127.0.0.1:$port/verify")
	[ "$st" = 400 ] && ok "/verify: an altered code answers 400" || bad "/verify altered" "status $st"
	has "/verify says it is not genuine, in Ukrainian" "$T/v2.html" "НЕ справжній сертифікат"
	st=$(curl -sk --max-time 30 -o "$T/v3.html" -w '%{http_code}' --data-urlencode "code=$code3" \
		"https://127.0.0.1:$port/verify")
	has "/verify escapes the name it shows" "$T/v3.html" "=HYPERLINK(&quot;http://x&quot;) Бойко"
	st=$(curl -sk --max-time 30 -o "$T/v4.html" -w '%{http_code}' "https://127.0.0.1:$port/verify")
	[ "$st" = 200 ] && ok "/verify without a code shows the form" || bad "/verify form" "status $st"
	has "the form posts the code" "$T/v4.html" "<form method=post action=\"/verify\">"
	kill "$hub_pid" 2>/dev/null
	wait "$hub_pid" 2>/dev/null
	hub_pid=""
fi
done_testing
