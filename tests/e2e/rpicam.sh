#!/bin/sh
# SPDX-License-Identifier: MIT
# The Pi camera through rpicam-vid, dying at the door: the threaded kiosk (its real door,
# UI and printer threads, offscreen) with `--camera auto`, and a fake `rpicam-vid` first on
# PATH. The fake lists one camera, then writes raw YUV420 frames made from a ticket PNG:
# ticket 1 for 40 frames and then it dies (exit 1, as when the ribbon cable slips); every
# later start shows ticket 2. The kiosk must admit ticket 1, report the camera problem to
# staff, start rpicam-vid again by itself and admit ticket 2 with the new process: the door
# keeps admitting, and nothing crashes.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
W=$T/work
mkdir -p "$W/bin"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$(dirname "$0")/../fixtures/people.csv"
q tickets --out "$W/tickets"

if ! command -v python3 >/dev/null || ! command -v convert >/dev/null; then
	bad "python3 and convert (ImageMagick) are needed to make the camera's frames"
	done_testing
	exit 1
fi
# a ticket PNG as one 640x480 YUV420 frame (luma of the PNG on white, grey chroma): the
# bytes rpicam-vid --codec yuv420 --width 640 --height 480 writes per frame
cat >"$T/yuv.py" <<'PY'
import sys
d = sys.stdin.buffer.read()
parts, pos = [], 0
while len(parts) < 4:
    while d[pos:pos + 1].isspace():
        pos += 1
    end = pos
    while not d[end:end + 1].isspace():
        end += 1
    parts.append(d[pos:end])
    pos = end
pos += 1
assert parts[0] == b"P6" and parts[3] == b"255", parts
w, h = int(parts[1]), int(parts[2])
W, H = 640, 480
assert w <= W and h <= H, (w, h)
y = bytearray(b"\xff" * (W * H))
x0, y0 = (W - w) // 2, (H - h) // 2
for r in range(h):
    row = d[pos + r * w * 3: pos + (r + 1) * w * 3]
    y[(y0 + r) * W + x0:(y0 + r) * W + x0 + w] = bytes(
        (299 * row[i] + 587 * row[i + 1] + 114 * row[i + 2]) // 1000 for i in range(0, w * 3, 3))
sys.stdout.buffer.write(bytes(y) + b"\x80" * (2 * (W // 2) * (H // 2)))
PY
for n in 1 2; do
	convert "$W/tickets/ticket-000$n.png" ppm:- 2>/dev/null | python3 "$T/yuv.py" >"$W/ticket$n.yuv"
done
size=$(wc -c <"$W/ticket1.yuv")
[ "$size" = 460800 ] && ok "a ticket made into a 640x480 YUV420 frame" || bad "frame size $size, wanted 460800"

# the fake rpicam-vid: each start is counted; the first dies after 40 frames
cat >"$W/bin/rpicam-vid" <<FAKE
#!/bin/sh
if [ "\$1" = --list-cameras ]; then
	echo "Available cameras"
	echo "-----------------"
	echo "0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)"
	exit 0
fi
echo "\$*" >>"$W/starts"
n=\$(wc -l <"$W/starts")
if [ "\$n" = 1 ]; then
	i=0
	while [ \$i -lt 40 ]; do cat "$W/ticket1.yuv" || exit 1; sleep 0.03; i=\$((i + 1)); done
	echo "ERROR: *** camera frontend has timed out! ***" >&2
	exit 1
fi
i=0
while [ \$i -lt 3000 ]; do cat "$W/ticket2.yuv" || exit 1; sleep 0.03; i=\$((i + 1)); done
FAKE
chmod +x "$W/bin/rpicam-vid"

# the kiosk runs until ticket 2 is admitted (at most 60 s), then is stopped as systemd
# stops it (SIGTERM)
PATH="$W/bin:$PATH" "$VKHID" --db "$DB" run --headless --camera auto:640x480@30 \
	--printer "file:$W/badges" --exit-after 90 --out "$W/out" >"$T/out" 2>"$T/err" &
pid=$!
i=0
while [ $i -lt 200 ]; do
	[ "$(grep -c '"outcome": "admitted"' "$W/out/log.jsonl" 2>/dev/null)" -ge 2 ] && break
	kill -0 $pid 2>/dev/null || break
	i=$((i + 1))
	sleep 0.3
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
expect_rc "the kiosk stops cleanly after the camera's program died and came back" 0
no_crash "no crash under the sanitizers"
starts=$(wc -l <"$W/starts" 2>/dev/null || echo 0)
[ "$starts" -ge 2 ] && ok "rpicam-vid was started again after it died ($starts starts)" ||
	bad "rpicam-vid started $starts times" "$(tail -5 "$T/err")"
has "it is started for YUV420 frames on stdout" "$W/starts" "--codec yuv420 --width 640 --height 480 --framerate 30 --flush -o -"
has "the camera's death is reported for staff" "$T/err" "The camera does not answer"
n1=$(grep -c '"outcome": "admitted"' "$W/out/log.jsonl" 2>/dev/null)
[ "${n1:-0}" -ge 2 ] && ok "the door admitted ticket 1, then ticket 2 through the restarted camera" ||
	bad "admissions: ${n1:-0}, wanted 2" "$(tail -3 "$W/out/log.jsonl" 2>&1)" "$(tail -5 "$T/err")"
done_testing
