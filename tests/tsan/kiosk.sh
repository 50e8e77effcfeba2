#!/bin/sh
# SPDX-License-Identifier: MIT
# The threaded kiosk (UI, door and printer threads) under ThreadSanitizer: `vkhid run`
# offscreen for a few seconds with tickets shown to the simulated camera and the file
# printer, built in the TSan tree. tests/run.sh sets TSAN_OPTIONS=halt_on_error=1, so a
# data race ends the program with status 66 and its report in stderr: both fail here.
: "${VKHID_TSAN:?set VKHID_TSAN to the ThreadSanitizer build of vkhid}"
VKHID=$VKHID_TSAN
. "$(dirname "$0")/../e2e/lib.sh"
DB=$T/k.db
W=$T/work
mkdir -p "$W/cam"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$(dirname "$0")/../fixtures/people.csv"
q tickets --out "$W/tickets"
cp "$W/tickets/ticket-0001.png" "$W/tickets/ticket-0002.png" "$W/tickets/ticket-0003.png" "$W/cam/"

run_vk --db "$DB" run --headless --camera "files:$W/cam@15" --printer "file:$W/badges" \
	--exit-after 4 --out "$W/off"
expect_rc "the threaded kiosk runs under ThreadSanitizer and stops by itself" 0
if grep -q 'ThreadSanitizer' "$T/err"; then
	bad "ThreadSanitizer reports nothing" "$(grep -A30 'WARNING: ThreadSanitizer' "$T/err" | head -40)"
else
	ok "ThreadSanitizer reports nothing"
fi
has "the camera thread admits a ticket" "$W/off/log.jsonl" '"outcome": "admitted"'
nb=$(ls "$W/badges" 2>/dev/null | grep -c '\.png$')
[ "$nb" -ge 1 ] && ok "the printer thread printed badges ($nb)" || bad "no badge printed" "$(ls "$W" "$W/badges" 2>&1)"
done_testing
