#!/bin/sh
# SPDX-License-Identifier: MIT
# The kiosk under systemd (board/systemd/vkhid.service is Type=notify with WatchdogSec):
# `vkhid run` must say READY=1 once its screen is drawn, ping WATCHDOG=1 from the door loop
# while it runs, and say STOPPING=1 at the end; without NOTIFY_SOCKET it says nothing.
# A real unix datagram socket stands in for systemd's.
. "$(dirname "$0")/lib.sh"
DB=$T/k.db
mkdir -p "$T/cam"
q() { "$VKHID" --db "$DB" "$@" >/dev/null 2>"$T/qerr" || { echo "# setup failed: vkhid $*"; cat "$T/qerr"; }; }
today=$(TZ=Europe/Kyiv date +%F)
q event create --name "Форум громад 2026" --starts "$today" --ends "$today"
q keygen
q import "$(dirname "$0")/../fixtures/people.csv"
q tickets --out "$T/tickets"
cp "$T/tickets/ticket-0001.png" "$T/cam/"

# listen: the notify socket, every datagram a line in $T/notes, until the kiosk is gone
python3 - "$T/notify.sock" "$T/notes" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            msg = s.recv(4096).decode("utf-8", "replace")
            out.write(msg.replace("\n", " ") + "\n")
            out.flush()
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
listener=$!
for i in $(seq 1 100); do [ -S "$T/notify.sock" ] && break; sleep 0.05; done

NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=2000000 run_vk --db "$DB" run --headless \
	--camera "files:$T/cam@15" --printer "file:$T/badges" --exit-after 3 --out "$T/off"
expect_rc "the kiosk runs under a notify socket and stops by itself" 0
wait "$listener"
has "the kiosk tells systemd it is ready" "$T/notes" "READY=1"
n=$(grep -c 'WATCHDOG=1' "$T/notes")
[ "$n" -ge 2 ] && ok "the door loop pings the watchdog while it runs ($n pings in 3 s)" \
	|| bad "watchdog pings from the door loop" "$n in $(cat "$T/notes")"
has "the kiosk says it is stopping" "$T/notes" "STOPPING=1"
first=$(head -1 "$T/notes")
case "$first" in *READY=1*|*WATCHDOG=1*) ok "nothing before the kiosk is up but READY or pings" ;;
	*) bad "the first message" "$first" ;; esac

# outside systemd: no socket named, nothing is sent and nothing fails
run_vk --db "$DB" run --headless --camera "files:$T/cam@15" --printer "file:$T/badges" \
	--exit-after 1 --out "$T/off2"
expect_rc "without NOTIFY_SOCKET the kiosk runs the same" 0
done_testing
