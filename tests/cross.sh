#!/bin/sh
# SPDX-License-Identifier: MIT
# The arm64 build (make cross) against the native one, run under qemu-aarch64-static:
# whatever differs between the architectures (char signedness, endianness of the printer
# formats, the software renderer's pixels, layout arithmetic) shows as a difference here.
#   - the printer bytes of a test badge for a Brother QL-820NWB, a Zebra ZD421 and an Epson
#     TM-T20 (file:DIR:MODEL), and a participant's badge preview: identical bytes;
#   - a headless kiosk scenario on copies of one database: the same outcomes, the same
#     screens (every text and its box) and the same badge bytes.
# TAP. Run by tests/run.sh when BUILD/aarch64/vkhid exists; $VKHID is the native binary.
#   usage: VKHID=build/asan/vkhid sh tests/cross.sh build/aarch64
. "$(dirname "$0")/e2e/lib.sh"
XB=${1:?usage: tests/cross.sh AARCH64-BUILD-DIR}
FIX=$(cd "$(dirname "$0")/fixtures" && pwd)
# qemu's loader and libc must come from the same glibc build. The :arm64 packages put
# libc6:arm64 in /lib/aarch64-linux-gnu, where the loader finds libc.so.6 and every other
# library; the cross toolchain's /usr/aarch64-linux-gnu holds an older ld-linux of its
# own. Mixed (QEMU_LD_PREFIX=/usr/aarch64-linux-gnu), the older loader's private data does
# not match the newer libc's, and the first pthread_create loops for ever in its stack
# cache: the "spin under qemu-user". So the multiarch loader (prefix /) where it exists.
if [ -z "${QEMU_LD_PREFIX:-}" ]; then
	if [ -e /lib/ld-linux-aarch64.so.1 ]; then QEMU_LD_PREFIX=/; else QEMU_LD_PREFIX=/usr/aarch64-linux-gnu; fi
fi
export QEMU_LD_PREFIX
arm() { qemu-aarch64-static "$XB/vkhid" "$@"; }

if ! command -v qemu-aarch64-static >/dev/null; then
	bad "qemu-aarch64-static is missing: make cross installs it (board/deps-cross.sh)"
	done_testing
	exit 1
fi
arm --help >"$T/help" 2>&1
has "the arm64 binary runs under qemu" "$T/help" "vkhid"

# 1. printer bytes of the test badge, per model
for mt in QL-820NWB:62x100 ZD421:102x152 TM-T20:80; do
	model=${mt%%:*}; tpl=${mt#*:}
	mkdir -p "$T/n-$model" "$T/a-$model"
	"$VKHID" --db "$T/none.db" print-test --printer "file:$T/n-$model:$model" --template "$tpl" >"$T/n.out" 2>&1
	arm --db "$T/none.db" print-test --printer "file:$T/a-$model:$model" --template "$tpl" >"$T/a.out" 2>&1
	if [ -s "$T/n-$model/print-test.bin" ] && cmp -s "$T/n-$model/print-test.bin" "$T/a-$model/print-test.bin"; then
		ok "$model: the arm64 printer bytes are the native ones ($(wc -c <"$T/n-$model/print-test.bin") bytes)"
	else
		bad "$model: printer bytes differ" "native: $(head -c 200 "$T/n.out")" "arm64: $(head -c 200 "$T/a.out")" \
			"$(cmp "$T/n-$model/print-test.bin" "$T/a-$model/print-test.bin" 2>&1 | head -1)"
	fi
done

# 2. an event, its tickets, one badge preview
db=$T/e.db
q() { "$VKHID" --db "$db" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
q event create --name "Форум" --starts "$(date +%F)" --ends "$(date -d tomorrow +%F)"
q keygen
q import "$FIX/people.csv"
q tickets --out "$T/tickets"
"$VKHID" --db "$db" badge preview --registration 2 --out "$T/n-badge.png" >/dev/null 2>&1
arm --db "$db" badge preview --registration 2 --out "$T/a-badge.png" >/dev/null 2>&1
if [ -s "$T/n-badge.png" ] && cmp -s "$T/n-badge.png" "$T/a-badge.png"; then
	ok "a participant's badge preview is the same PNG on arm64"
else
	bad "badge previews differ" "$(ls -l "$T"/*-badge.png 2>&1)"
fi

# 3. the headless kiosk over one scenario, on two copies of the database (keys beside it)
cat >"$T/door.scenario" <<SC
show $T/tickets/ticket-0001.png
expect admitted
show $T/tickets/ticket-0001.png
expect already_admitted
show-code ORDER-404
expect unknown
present VK1:garbage
expect malformed
printer no-media
show $T/tickets/ticket-0002.png
expect admitted
printer ready
show $T/tickets/ticket-0003.png
expect admitted
SC
for who in n a; do
	mkdir -p "$T/$who-run"
	cp "$db" "$T/$who-run/k.db"
	cp "$T"/vkhid-event-*.secret "$T/$who-run/"
done
"$VKHID" --db "$T/n-run/k.db" run --headless --scenario "$T/door.scenario" --out "$T/n-run/out" \
	--printer "file:$T/n-run/out/badges:QL-820NWB" >"$T/n-run/stdout" 2>&1; nrc=$?
# bounded: a run that does not end in time (it once spun in pthread_create under a mixed
# loader and libc, see QEMU_LD_PREFIX above) fails rather than holding up the whole run
VKHID_EMULATED=1 timeout -k 10 150 qemu-aarch64-static "$XB/vkhid" --db "$T/a-run/k.db" run --headless \
	--scenario "$T/door.scenario" --out "$T/a-run/out" \
	--printer "file:$T/a-run/out/badges:QL-820NWB" >"$T/a-run/stdout" 2>&1; arc=$?
if [ "$arc" = 124 ] || [ "$arc" = 137 ]; then
	bad "the arm64 headless door under qemu did not finish within 150 s (QEMU_LD_PREFIX=$QEMU_LD_PREFIX)" \
		"$(tail -3 "$T/a-run/stdout")"
	done_testing
	exit
fi
[ "$nrc" = 0 ] && ok "the native kiosk meets the scenario" || bad "native scenario run: exit $nrc" "$(tail -5 "$T/n-run/stdout")"
[ "$arc" = 0 ] && ok "the arm64 kiosk meets the scenario" || bad "arm64 scenario run: exit $arc" "$(tail -5 "$T/a-run/stdout")"
has "the arm64 kiosk met every expectation" "$T/a-run/stdout" "expectations: 6 met, 0 not met"
# what happened, without times, ids and folders
norm() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
drop = {"time", "wall_ms", "ms", "checkin", "kiosk", "file"}
def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if k not in drop}
    if isinstance(v, list):
        return [clean(x) for x in v]
    if isinstance(v, str):  # a kiosk's id and the clock appear in screen texts
        return re.sub(r"kiosk [0-9a-f]{8}", "kiosk ID", re.sub(r"\d\d:\d\d", "HH:MM", v))
    return v
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1], encoding="utf-8"):
        out.write(json.dumps(clean(json.loads(line)), ensure_ascii=False, sort_keys=True) + "\n")
PY
}
norm "$T/n-run/out/log.jsonl" "$T/n.log"
norm "$T/a-run/out/log.jsonl" "$T/a.log"
if [ -s "$T/n.log" ] && cmp -s "$T/n.log" "$T/a.log"; then
	ok "the same outcomes and screens (every text and its box) on both ($(wc -l <"$T/n.log") log lines)"
else
	bad "the arm64 kiosk's log differs" "$(diff "$T/n.log" "$T/a.log" | head -c 800)"
fi
[ "$(grep -c '"outcome": "admitted"' "$T/a.log")" = 3 ] && ok "three admissions on arm64" || bad "arm64 admissions" "$(grep outcome "$T/a.log" | head -c 400)"
nb=0; same=0
for f in "$T"/n-run/out/badges/*.bin; do
	[ -f "$f" ] || continue
	nb=$((nb + 1))
	cmp -s "$f" "$T/a-run/out/badges/$(basename "$f")" && same=$((same + 1))
done
[ "$nb" = 3 ] && [ "$same" = 3 ] && ok "the three badges' printer bytes are identical" ||
	bad "badge bytes: $same of $nb identical" "$(ls -l "$T"/?-run/out/badges/ 2>&1 | head -12)"
done_testing
