#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`'s venue: the demo's database becomes a hub (vkhid hub on loopback) with two
# simulated kiosks enrolled by one-time codes, which admit people and sync; it prints the
# organizers' dashboard's address and login. At an interactive terminal the kiosks keep
# admitting someone every few seconds (watch the dashboard change) until Ctrl+C or
# $VKHID_DEMO_MINUTES (30); otherwise (a script, CI) the hub stops at the end.
# Usage: sh board/demo-hub.sh BUILD/vkhid BUILD/demo
set -u
V=$1
D=$2
HUB=$D/demo.db
PW=${VKHID_DEMO_PASSWORD:-vkhid-demo-2026}
[ -f "$HUB" ] || { echo "demo-hub: run vkhid demo --out $D first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "demo-hub: needs sqlite3 (sh board/deps.sh)" >&2; exit 2; }
hub_pid=""
stop() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null; hub_pid=""; }
trap 'stop; exit 0' INT TERM
trap stop EXIT

echo
echo "== The venue's hub and the organizers' dashboard =="
printf '%s\n' "$PW" | "$V" --db "$HUB" hub password >/dev/null || exit 2
start() {
	"$V" --db "$HUB" hub --listen "127.0.0.1:$1" >"$D/hub.log" 2>&1 &
	hub_pid=$!
	i=0
	while ! grep -q 'listening on' "$D/hub.log" 2>/dev/null && [ $i -lt 100 ]; do
		kill -0 "$hub_pid" 2>/dev/null || break
		i=$((i + 1)); sleep 0.1
	done
	URL=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$D/hub.log")
}
start "${VKHID_DEMO_PORT:-8443}"
[ -n "$URL" ] || { hub_pid=""; start 0; } # 8443 taken: any free port
[ -n "$URL" ] || { echo "demo-hub: the hub did not start:" >&2; cat "$D/hub.log" >&2; exit 2; }

for k in A B; do
	rm -f "$D/kiosk-$k.db"
	code=$("$V" --db "$HUB" hub enroll-token --name "Entrance $k" 2>/dev/null) || exit 2
	"$V" --db "$D/kiosk-$k.db" sync enroll "$code" >/dev/null || exit 2
done
echo "Two simulated kiosks enrolled: $D/kiosk-A.db (Entrance A), $D/kiosk-B.db (Entrance B)."

# the next ticket nobody has shown yet (the signed codes the demo issued)
next_code() {
	sqlite3 "$HUB" "SELECT r.vk_code FROM registration r WHERE r.vk_code <> '' AND r.status = 0
		AND r.event_id = (SELECT value FROM setting WHERE key = 'event')
		AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.event_id = r.event_id AND c.number = r.number)
		ORDER BY r.number LIMIT 1 OFFSET $1"
}
admit() { # admit KIOSK OFFSET
	c=$(next_code "$2")
	[ -n "$c" ] || return 1
	"$V" --db "$D/kiosk-$1.db" checkin "$c" >/dev/null 2>&1
	"$V" --db "$D/kiosk-$1.db" sync >/dev/null 2>&1
}
admit A 0; admit B 1; admit A 2; admit B 3
echo
echo "  Dashboard:  $URL/dash/"
echo "  Password:   $PW"
echo "  (the hub's certificate is its own: the browser asks once to trust it)"

if [ -t 0 ] && [ -t 1 ] && [ -z "${CI:-}" ]; then
	echo "The kiosks admit someone every few seconds; watch the numbers. Ctrl+C stops the hub."
	end=$(( $(date +%s) + ${VKHID_DEMO_MINUTES:-30} * 60 ))
	n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		sleep 4
		if [ $((n % 2)) = 0 ]; then admit A 0 || break; else admit B 0 || break; fi
		n=$((n + 1))
	done
fi
stop
echo "The demo hub stopped (not an interactive terminal, or time is up). Start it again with:"
echo "  $V --db $HUB hub --listen 127.0.0.1:8443"
