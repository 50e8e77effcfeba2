#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command runs `vkhid demo`: it must tell the whole story and end with
# the turnout, every expectation of its scenario met. What the kiosk decided is read from
# its own record, the outcome lines of log.jsonl (one JSON object a line), never from words
# the import also prints ("cancelled 1" is an import count as well as an outcome).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
run_vk demo --out "$T/demo"
expect_rc "the demo runs to the end" 0
has "the demo imports 200 participants" "$T/out" "added 200"
has "the corrected list cancels one" "$T/out" "cancelled 1"
L=$T/demo/log.jsonl
# outcome WORD [WHERE]: how many outcome lines of the kiosk's log say WORD (for the one
# registration that the SQL condition WHERE picks). The log holds no names (personal
# data), only registration numbers: the person is looked up in the demo's database.
outcome() {
	num=
	[ $# -gt 1 ] && num=$(sqlite3 "$T/demo/demo.db" "SELECT number FROM registration WHERE $2")
	python3 - "$L" "$1" "$num" <<'PY'
import json, sys
log, want, num = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for line in open(log, encoding="utf-8"):
    e = json.loads(line)
    if e.get("event") == "outcome" and e.get("outcome") == want and (not num or str(e.get("registration")) == num):
        n += 1
print(n)
PY
}
if [ -s "$L" ]; then ok "the kiosk wrote its log"; else bad "no kiosk log" "$(ls "$T/demo" 2>&1)"; fi
got=$(outcome admitted "display = 'Олександр Скалозуб'")
[ "$got" = 1 ] && ok "the kiosk admits Олександр Скалозуб once" || bad "Олександр Скалозуб admitted $got times" "$(head -c 600 "$L")"
for o in already_admitted cancelled forged wrong_event unknown; do
	got=$(outcome "$o")
	[ "$got" = 1 ] && ok "the kiosk's log has one $o outcome" || bad "$o outcomes in the kiosk's log: $got, wanted 1"
done
got=$(outcome admitted)
[ "$got" = 16 ] && ok "the kiosk's log has 16 admissions" || bad "admissions in the kiosk's log: $got, wanted 16"
got=$(outcome admitted "ticket_code = 'p9dx4kz7wq2vfm8tnc3hbr6y'")
[ "$got" = 1 ] && ok "the pretix code admits Соломія Ґудзь" || bad "Соломія Ґудзь admitted $got times"
has "every expectation of the demo scenario is met" "$T/out" "0 not met"
has "the demo ends with the turnout" "$T/out" "admitted   16 of 202 registered"
nb=$(ls "$T/demo/badges" | grep -c '\.png$')
[ "$nb" = 16 ] && ok "16 badges written (15 tickets and a pretix code)" || bad "badges" "$nb"
[ -s "$T/demo/attendance.csv" ] && ok "attendance exported" || bad "no attendance.csv"
# run it again: the demo starts over cleanly
run_vk demo --out "$T/demo"
expect_rc "the demo runs again in the same folder" 0
has "again 200 added (a fresh database)" "$T/out" "added 200"
done_testing
