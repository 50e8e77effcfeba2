#!/bin/sh
# SPDX-License-Identifier: MIT
# Printing from the command line end to end with the simulated printer and its model
# twins (file:DIR:MODEL writes the PNG and the exact bytes the model would receive):
# `badge print` as a counted reprint, the reprint limit, a wrong roll named in plain
# words, `print-test` on a Zebra and a receipt printer, `printers`, templates from a file
# and their errors, and the messages in Ukrainian. The USB path itself is tested against
# fake printers in tests/usb/.
. "$(dirname "$0")/lib.sh"
FIX=$(cd "$(dirname "$0")/../fixtures" && pwd)
DB=$T/p.db
vk() { run_vk --db "$DB" "$@"; }

vk event create --name "Форум громад" --timezone Europe/Kyiv
vk keygen
vk import "$FIX/people.csv"
vk tickets --out "$T/tickets"
code1=$(awk -F, '$1==1 {print $(NF-1)}' "$T/tickets/tickets.csv")
code2=$(awk -F, '$1==2 {print $(NF-1)}' "$T/tickets/tickets.csv")
vk checkin "$code1"
expect_rc "participant 1 admitted" 0

# ---- badge print: a counted reprint, printed at once ------------------------------------
vk badge print "$code1" --printer "file:$T/ql:QL-820NWB"
expect_rc "badge print succeeds" 0
has "it says it printed" "$T/err" "printed (reprint 1)"
png=$(ls "$T/ql"/badge-0001-*.png 2>/dev/null | head -1)
bin=${png%.png}.bin
if [ -f "$png" ] && [ -f "$bin" ]; then ok "the twin wrote the PNG and the QL-820NWB bytes"; else bad "twin files" "$(ls "$T/ql")"; fi
# 400 invalidate bytes (QL-8xx), ESC @, ESC i S (status request); the job ends with 1A
head400=$(od -An -tx1 -j400 -N5 "$bin" | tr -d ' \n')
last=$(tail -c1 "$bin" | od -An -tx1 | tr -d ' \n')
if [ "$head400" = "1b401b6953" ] && [ "$last" = "1a" ]; then ok "the bytes start with invalidate + status request and end with print"; else bad "QL bytes" "at 400: $head400, last: $last"; fi
if command -v zbarimg >/dev/null; then
	got=$(zbarimg --raw -q -Sdisable -Sqrcode.enable -Sbinary "$png" 2>/dev/null)
	if [ "$got" = "$code1" ]; then ok "the printed badge's QR is the ticket"; else bad "QR on the badge" "got '$got'"; fi
fi
vk stats --json
has "the reprint is counted" "$T/out" '"reprints": 1'

# ---- not admitted, unknown printer: nothing recorded -----------------------------------
vk badge print "$code2" --printer "file:$T/ql:QL-820NWB"
expect_rc "a badge for someone not checked in is refused" 1
has "and says to check in first" "$T/err" "check in first"
vk badge print "$code1" --printer "nosuch:x"
expect_rc "an unknown printer is an error" 2
has "the error names the drivers" "$T/err" "known: usb, file"
vk stats --json
has "neither was recorded" "$T/out" '"reprints": 1'

# ---- the wrong roll -----------------------------------------------------------------------
vk badge print "$code1" --printer "file:$T/wide:QL-1110NWB"
expect_rc "a badge for 62x100 on a 102x152 roll waits" 1
has "wrong roll named" "$T/err" "Wrong label roll"
has "both rolls named" "$T/err" "Loaded: 102 x 152 mm labels (DK-11241); needed: 62 x 100 mm labels (DK-11202)."
if ls "$T/wide"/*.png >/dev/null 2>&1; then bad "nothing printed on the wrong roll" "$(ls "$T/wide")"; else ok "nothing printed on the wrong roll"; fi
vk badge print "$code1" --printer "file:$T/wide:QL-1110NWB" --template 102x152
expect_rc "with the 102x152 template it prints" 0

# ---- the reprint limit --------------------------------------------------------------------
if command -v sqlite3 >/dev/null; then
	sqlite3 "$DB" "INSERT OR REPLACE INTO setting(key, value) VALUES('badge.reprints_max', '3')"
	vk badge print "$code1" --printer "file:$T/ql:QL-820NWB"
	expect_rc "beyond badge.reprints_max no more reprints" 1
	has "the limit is explained" "$T/err" "reprinted as often as the event allows"
fi

# ---- print-test on other printers -----------------------------------------------------------
vk print-test --printer "file:$T/zebra:ZD421" --template 102x152
expect_rc "print-test on a Zebra twin" 0
has "ZPL graphic field sent" "$T/zebra/print-test.bin" "^GFA,"
vk print-test --printer "file:$T/tm:TM-T20" --template 80
expect_rc "print-test on a receipt printer twin" 0
vk print-test --printer usb
expect_rc "print-test with no printer says so" 1
has "no printer, in plain words" "$T/out" "No printer connected"
run_vk --lang uk print-test --printer usb
has "and in Ukrainian" "$T/out" "Принтер не під'єднано"
vk printers
expect_rc "printers lists what is there" 0
has "and the drivers" "$T/out" "file:DIR[:MODEL]"

# ---- templates --------------------------------------------------------------------------------
cat >"$T/forum.txt" <<'TPL'
# Форум: червона смуга для спікерів
stock 62-red
length 100
category-for "Спікер" band SPEAKER · СПІКЕР
red category
TPL
vk badge preview --registration 1 --template "$T/forum.txt" --out "$T/red.png"
expect_rc "preview with a template file" 0
if [ -s "$T/red.png" ]; then ok "the preview PNG is written"; else bad "preview PNG"; fi
printf 'stock 62\nlength 10\n' >"$T/bad.txt"
vk badge preview --registration 1 --template "$T/bad.txt" --out "$T/bad.png"
expect_rc "a bad template is refused" 2
has "with its line and reason" "$T/err" "line 2: endless stock needs a label length"
vk badge preview --registration 1 --template 80 --out "$T/r.png"
expect_rc "a built-in template by name" 0
no_crash "no crash on any of it"
done_testing
