#!/bin/sh
# SPDX-License-Identifier: MIT
# A screen mounted turned, through the real program: the threaded kiosk offscreen with
# --rotation 90 on an 800x480 panel keeps an 800x480 screenshot (the panel as mounted)
# whose picture is the kiosk's portrait layout (as drawn in a 480x800 window) turned 90
# degrees clockwise. A rotation that is not a right angle is refused with what to write
# instead. (Pixel-exact turning and touches turned back:
# tests/unit/test_ui_rotate.c.)
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
for r in 0 90; do
	run_vk --db "$DB" run --headless --size 800x480 --rotation $r --exit-after 1 --screenshot "$T/r$r.png"
	expect_rc "the kiosk runs with --rotation $r" 0
	no_crash "rotation $r: no crash under the sanitizers"
done
# The upright portrait layout drawn in a 480x800 window, for comparison.
run_vk --db "$DB" run --headless --size 480x800 --exit-after 1 --screenshot "$T/portrait.png"
expect_rc "the kiosk runs in a 480x800 window" 0
# PNG reading without any imaging library (the kiosk writes 8-bit RGB or RGBA)
cat >"$T/png.py" <<'PY'
import struct, sys, zlib
def load(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(d):
        n, t = struct.unpack(">I4s", d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif t == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {2: 3, 6: 4, 0: 1}[ctype]
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, lambda x, y: rows[y][x * bpp]
w, h, px = load(sys.argv[1])
if len(sys.argv) == 2:
    print(w, h)
    sys.exit(0)
# the share of the upright picture's pixels found where a 90-degree clockwise turn puts
# them: upright (x, y) of a W x H picture -> (H - 1 - y, x)
uw, uh, up = load(sys.argv[2])
same = total = 0
for y in range(0, uh, 2):
    for x in range(0, uw, 2):
        X, Y = uh - 1 - y, x
        total += 1
        same += X < w and Y < h and abs(px(X, Y) - up(x, y)) < 8
print(100 * same // total)
PY
set -- $(python3 "$T/png.py" "$T/r0.png" 2>&1)
[ "$1 $2" = "800 480" ] && ok "rotation 0: an 800x480 screenshot" || bad "rotation 0 screenshot: $*"
set -- $(python3 "$T/png.py" "$T/r90.png" 2>&1)
[ "$1 $2" = "800 480" ] && ok "rotation 90: the screenshot is the panel as mounted, 800x480" || bad "rotation 90 screenshot: $*"
# (a clock in the picture may have turned a minute between the runs: not every pixel)
r90=$(python3 "$T/png.py" "$T/r90.png" "$T/portrait.png" 2>&1)
r0=$(python3 "$T/png.py" "$T/r0.png" "$T/portrait.png" 2>&1)
[ "${r90:-0}" -ge 97 ] 2>/dev/null && ok "rotation 90 shows the portrait layout turned clockwise ($r90% of pixels)" ||
	bad "rotation 90: $r90% of the turned portrait layout's pixels (wanted >= 97)"
[ "${r0:-100}" -lt 90 ] 2>/dev/null && ok "and rotation 0 does not ($r0%)" || bad "rotation 0 matched the turned portrait layout: $r0%"
run_vk --db "$DB" run --headless --rotation 45 --exit-after 1
expect_rc "--rotation 45 is refused" 2
has "it says which rotations there are" "$T/err" "0, 90, 180, 270"
done_testing
