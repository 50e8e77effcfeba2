#!/bin/sh
# SPDX-License-Identifier: MIT
# Remakes the README's screenshots. Nothing here is drawn by hand: tests/e2e/ui.sh runs the
# touch-screen journey tests/e2e/scenarios/ui-door.scenario with `vkhid run --headless`
# (SDL's offscreen window, the software renderer, the kiosk's own fonts) and keeps its
# PNGs; this copies the few the README shows. Usage: sh docs/screens/make.sh [BUILD]
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/asan}
tmp=$(mktemp -d /tmp/vkhid-screens.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
VKHID=$build/vkhid UI_KEEP_SHOTS=$tmp sh "$top/tests/e2e/ui.sh" >"$tmp/tap.txt" || {
	grep -E '^(not ok|#)' "$tmp/tap.txt" | head -20
	echo "the touch-screen journey failed: no screenshots were changed" >&2
	exit 1
}
for s in welcome welcome-uk greeting refused-unknown refused-repeat find verify organizer \
	 find-portrait; do
	cp "$tmp/$s.png" "$top/docs/screens/$s.png"
done
echo "docs/screens: $(ls "$top"/docs/screens/*.png | wc -l) screenshots"
