#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test program and sums them: the unit tests (cmocka, TAP output) built in
# BUILD/tests/, the USB printer tests in BUILD/usbtests/ (under umockdev-wrapper), then the
# end-to-end scripts tests/e2e/*.sh (TAP) against BUILD/vkhid.
# Ends with one line "N passed, N failed"; exits 1 when anything failed.
#   usage: tests/run.sh BUILD_DIR [NAME-FILTER]
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
filter=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
case "$build" in /*) ;; *) build=$top/$build ;; esac

export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export VKHID_SHARED=${VKHID_SHARED:-$top/../shared}
export VKHID=$build/vkhid
export VKHID_LANG=en
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
logdir=$build/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

passed=0; failed=0

count() { # name log rc
	p=$(grep -c '^ok ' "$2" || true)
	f=$(grep -c '^not ok ' "$2" || true)
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1  # crashed, leaked or aborted outside any test case
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		f=1  # a program that ran nothing is a failure
	fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" = 0 ]; then
		printf '%-28s %4d passed\n' "$1" "$p"
	else
		printf '%-28s %4d passed, %d FAILED (log: %s)\n' "$1" "$p" "$f" "$2"
		grep -E '^(not ok|#)' "$2" | head -20
		grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error' "$2" | head -5
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	log=$logdir/$name.log
	"$t" >"$log" 2>&1; rc=$?
	count "$name" "$log" "$rc"
done

# The USB printer tests: the real libusb code against fake printers, which need umockdev's
# preload library (and ASan must not insist on being loaded first).
for t in "$build"/usbtests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	log=$logdir/$name.log
	ASAN_OPTIONS=verify_asan_link_order=0:$ASAN_OPTIONS umockdev-wrapper "$t" >"$log" 2>&1; rc=$?
	count "$name" "$log" "$rc"
done

for s in tests/e2e/*.sh; do
	[ -f "$s" ] || continue
	name=$(basename "$s" .sh)
	[ "$name" = lib ] && continue  # the TAP helpers the scripts source
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	log=$logdir/e2e-$name.log
	sh "$s" >"$log" 2>&1; rc=$?
	count "e2e/$name" "$log" "$rc"
done

# arm64 (`make cross`, BUILD/../aarch64): the unit tests that touch byte layouts, text and
# arithmetic, and tests/cross.sh (printer bytes and a headless door against the native
# binary), under qemu-aarch64-static. Left out as too slow under emulation (minutes each):
# the storms, races and kill tests (checkin, printq, scan, scan_stress, badge, camera); the
# pipe camera's test re-executes itself, which qemu-user without binfmt cannot.
xb=$(dirname "$build")/aarch64
if [ -x "$xb/vkhid" ]; then
	for name in base45 text ticket brother zpl escpos printer qr db import search \
		badge_template ui_screen config gpio service; do
		t=$xb/tests/test_$name
		[ -x "$t" ] || continue
		case "arm64/test_$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/arm64-test_$name.log
		QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64-static "$t" >"$log" 2>&1; rc=$?
		count "arm64/test_$name" "$log" "$rc"
	done
	case "e2e/cross" in *"$filter"*)
		log=$logdir/e2e-cross.log
		sh tests/cross.sh "$xb" >"$log" 2>&1; rc=$?
		count "e2e/cross (arm64)" "$log" "$rc" ;;
	esac
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
