#!/bin/sh
# SPDX-License-Identifier: MIT
# The status light and buzzer through the door (app/door/door.c feeds firmware/gpio's
# signal layer from every outcome and printer note): a headless scenario with the
# simulated light (--light sim) checks what it shows after admissions, refusals and a
# printer out of labels. The same door drives it in the threaded kiosk.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$(dirname "$0")/../fixtures/people.csv"
q tickets --out "$T/tickets"
cp "$(dirname "$0")/scenarios/light.scenario" "$T/"

run_vk --db "$DB" run --headless --scenario "$T/light.scenario" --out "$T/run" --light sim --no-screens
expect_rc "the light scenario runs" 0
has "every expectation of the light is met" "$T/out" "expectations: 15 met, 0 not met"
no_crash "no sanitizer report"

run_vk --db "$DB" run --headless --scenario "$T/light.scenario" --out "$T/run2" --no-screens
expect_rc "expect-light without a simulated light is refused" 2
has "and says what it needs" "$T/err" "--light sim"

run_vk --db "$DB" run --headless --scenario "$T/light.scenario" --out "$T/run3" --light gpiod:nochip:green=999999 --no-screens
expect_rc "a light that cannot be opened stops the headless run with a reason" 2
has "the reason names the light" "$T/err" "status light"
done_testing
