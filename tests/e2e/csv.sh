#!/bin/sh
# SPDX-License-Identifier: MIT
# CSV injection (issue 10, defect 2): participants whose names and organizations are
# spreadsheet formulas (=HYPERLINK, @SUM, +1, -2, a DDE call, a tab before =) are
# imported, then `export attendance` and `tickets` write them. Every text cell that would
# start with = + - @, a tab or a CR must come out as text: a leading ' inside a quoted
# field (the OWASP rule), read back with Python's csv module as a spreadsheet would
# split it. The numbers vkhid computes (the registration number) stay bare numbers.
# Then import hygiene end to end (defect 11): a zero-width space inside a name, a bidi
# override, a Windows-1251 line in a UTF-8 file.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
vk() { run_vk --db "$DB" "$@"; }

vk event create --name "Форум громад" --timezone Europe/Kyiv
expect_rc "event create succeeds" 0
vk keygen
expect_rc "keygen succeeds" 0
printf '%s\r\n' \
	'external_id,given_name,family_name,organization,email' \
	'1,"=HYPERLINK(""http://x"",""y"")",Коваль,ГО Вхід,a@example.org' \
	'2,@SUM(1+1),Бойко,"=cmd|'"'"' /C calc'"'"'!A0",b@example.org' \
	'3,+1,Шевчук,+380 44 000 00 00,c@example.org' \
	'4,-2,Мельник,-Фонд-,d@example.org' \
	"$(printf '5,\t=1+2,Ткач,\t@x,e@example.org')" \
	'6,Олена,Пчілка,Спілка,f@example.org' >"$T/people.csv"
vk import "$T/people.csv"
expect_rc "import of formula-like names succeeds" 0
has "all six are added" "$T/out" "added 6"
vk export attendance --out "$T/att.csv"
expect_rc "export attendance succeeds" 0
vk tickets --out "$T/tickets"
expect_rc "tickets succeeds" 0

# check FILE: prints one line per problem; the columns named are text, "number" a number
check_csv() {
	python3 - "$1" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
for r in body:
    for name, cell in zip(head, r):
        if name == "number":
            if not cell.isdigit():
                print("number cell not a bare number:", repr(cell))
        elif cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            print("live formula in", name + ":", repr(cell))
PY
}
for f in "$T/att.csv" "$T/tickets/tickets.csv"; do
	[ -f "$f" ] || { bad "$(basename "$f") written"; continue; }
	check_csv "$f" >"$T/problems" 2>&1
	if [ -s "$T/problems" ]; then bad "no cell of $(basename "$f") starts a formula" "$(head -5 "$T/problems")"
	else ok "no cell of $(basename "$f") starts a formula; numbers stay numbers"; fi
done
# The cells as written: a ' first inside quotes, the text itself kept whole.
has "=HYPERLINK is text" "$T/att.csv" '"'"'"'=HYPERLINK(""http://x"",""y"")"'
has "@SUM is text" "$T/att.csv" '"'"'"'@SUM(1+1)"'
has "a DDE organization is text" "$T/att.csv" '"'"'"'=cmd|'"'"' /C calc'"'"'!A0"'
has "+1 is text" "$T/att.csv" ',"'"'"'+1",'
has "-2 is text" "$T/att.csv" ',"'"'"'-2",'
has "the full name column starting with = is text" "$T/att.csv" '"'"'"'=HYPERLINK(""http://x"",""y"") Коваль"'
has "a phone-like organization is text" "$T/att.csv" '"'"'"'+380 44 000 00 00"'
has "a tab before = was trimmed on import, and = is still neutralised" "$T/att.csv" ',"'"'"'=1+2",'
has "tickets.csv: the display name is text" "$T/tickets/tickets.csv" '"'"'"'@SUM(1+1) Бойко"'
has "an ordinary name is written as it is" "$T/att.csv" ',Олена,Пчілка,Олена Пчілка,Спілка,'
# the registration number is a bare number at the start of each row
if grep -q '^1,"'"'"'=HYPERLINK' "$T/att.csv"; then ok "the number column stays a number"; else bad "number column" "$(head -3 "$T/att.csv")"; fi

# ---- import hygiene ---------------------------------------------------------------------
DB=$T/h.db
vk event create --name "Хіджин"
printf 'name,organization\nГанна Ко\342\200\213валь,\342\200\256Орг\n\316\353\345\355\340 \312\356\342\340\353\374,\nПетро Андрі\320\270\314\206,\n' >"$T/h.csv"
vk import "$T/h.csv"
expect_rc "an import with a bad line still succeeds" 0
has "the Windows-1251 line is reported with its number" "$T/out" "line 3: this line is not UTF-8"
has "and not imported" "$T/out" "added 2, updated 0, cancelled 0, unchanged 0, skipped 1"
vk find Коваль
has "a name with a zero-width space inside is found" "$T/out" "Ганна Коваль — Орг"
vk find Андрій
has "и + combining breve is found as й" "$T/out" "Петро Андрій"
vk stats --json
has "nobody called ����� ������ was added" "$T/out" '"registered": 2'
done_testing
