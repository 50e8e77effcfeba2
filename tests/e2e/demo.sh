#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command runs `vkhid demo`: it must tell the whole story and end with
# the turnout, every expectation of its scenario met.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
run_vk demo --out "$T/demo"
expect_rc "the demo runs to the end" 0
has "the demo imports 200 participants" "$T/out" "added 200"
has "the corrected list cancels one" "$T/out" "cancelled 1"
has "the demo admits Олександр Скалозуб" "$T/out" "admitted          Олександр Скалозуб"
for o in already_admitted cancelled forged wrong_event unknown; do
	has "the demo shows $o" "$T/out" "$o"
done
has "the pretix code admits Соломія" "$T/out" "Соломія Ґудзь"
has "every expectation of the demo scenario is met" "$T/out" "0 not met"
has "the demo ends with the turnout" "$T/out" "admitted   16 of 202 registered"
n=$(ls "$T/demo/badges" | grep -c '\.png$')
[ "$n" = 16 ] && ok "16 badges written (15 tickets and a pretix code)" || bad "badges" "$n"
[ -s "$T/demo/attendance.csv" ] && ok "attendance exported" || bad "no attendance.csv"
# run it again: the demo starts over cleanly
run_vk demo --out "$T/demo"
expect_rc "the demo runs again in the same folder" 0
has "again 200 added (a fresh database)" "$T/out" "added 200"
done_testing
