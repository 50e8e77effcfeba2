#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the test programs and sums them. The parts:
#   unit  the unit tests (cmocka, TAP output) built in BUILD/tests/
#   usb   the USB printer tests in BUILD/usbtests/ (under umockdev-wrapper)
#   e2e   the end-to-end scripts tests/e2e/*.sh (TAP) against BUILD/vkhid
#   tsan  the threaded tests and kiosk built with ThreadSanitizer in TSAN_BUILD (default
#         BUILD/../tsan): the programs in TSAN_BUILD/tests/ and tests/tsan/*.sh against
#         TSAN_BUILD/vkhid; any ThreadSanitizer report fails
#   arm64 the arm64 build (make cross, BUILD/../aarch64) under qemu-aarch64-static
# Ends with one line "N passed, N failed, N skipped"; exits 1 when anything failed.
# A test reported as "ok N # SKIP why" (or cmocka's "not ok N # SKIP") is counted as
# skipped. Tests that need the real photographs (../shared/fixtures, or $VKHID_SHARED)
# skip without them and say how to get them, unless $CI is set: then they fail.
#   usage: tests/run.sh [-p PARTS] BUILD_DIR [NAME-FILTER]
#   PARTS: comma-separated, default unit,usb,e2e
set -u
parts=unit,usb,e2e
if [ "${1:-}" = -p ]; then
	parts=${2:?usage: tests/run.sh [-p PARTS] BUILD_DIR [NAME-FILTER]}
	shift 2
fi
build=${1:?usage: tests/run.sh [-p PARTS] BUILD_DIR [NAME-FILTER]}
filter=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
case "$build" in /*) ;; *) build=$top/$build ;; esac
tsan=${VKHID_TSAN_BUILD:-$(dirname "$build")/tsan}
case "$tsan" in /*) ;; *) tsan=$top/$tsan ;; esac
want() { case ",$parts," in *",$1,"*) return 0 ;; esac; return 1; }

export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export VKHID_SHARED=${VKHID_SHARED:-$top/../shared}
export VKHID=$build/vkhid
export VKHID_TSAN=$tsan/vkhid
export VKHID_LANG=en
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
export SDL_RENDER_DRIVER=${SDL_RENDER_DRIVER:-software}
logdir=$build/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

passed=0; failed=0; skipped=0

count() { # name log rc
	s=$(grep -cE '^(not )?ok [0-9]+.*# *SKIP' "$2" || true)
	p=$(grep -E '^ok ' "$2" | grep -cvE '# *SKIP' || true)
	f=$(grep -E '^not ok ' "$2" | grep -cvE '# *SKIP' || true)
	tsan_reports=$(grep -c 'WARNING: ThreadSanitizer' "$2" || true)
	if [ "$tsan_reports" != 0 ] && [ "$f" = 0 ]; then
		f=1  # a data race reported, wherever it happened (a forked child too)
	fi
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1  # crashed, leaked or aborted outside any test case
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ] && [ "$s" = 0 ]; then
		f=1  # a program that ran nothing is a failure
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	extra=""
	[ "$s" != 0 ] && extra=", $s skipped"
	if [ "$f" = 0 ]; then
		printf '%-28s %4d passed%s\n' "$1" "$p" "$extra"
		[ "$s" != 0 ] && grep -E '# *SKIP' "$2" | sort -u | head -6
	else
		printf '%-28s %4d passed, %d FAILED%s (log: %s)\n' "$1" "$p" "$f" "$extra" "$2"
		grep -E '^(not ok|#|ERROR: )' "$2" | head -20
		grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error|WARNING: ThreadSanitizer' "$2" | head -5
	fi
}

if want unit; then
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		case "$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/$name.log
		"$t" >"$log" 2>&1; rc=$?
		count "$name" "$log" "$rc"
	done
fi

# The USB printer tests: the real libusb code against fake printers, which need umockdev's
# preload library (and ASan must not insist on being loaded first).
if want usb; then
	for t in "$build"/usbtests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		case "$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/$name.log
		ASAN_OPTIONS=verify_asan_link_order=0:$ASAN_OPTIONS umockdev-wrapper "$t" >"$log" 2>&1; rc=$?
		count "$name" "$log" "$rc"
	done
fi

if want e2e; then
	for s in tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		[ "$name" = lib ] && continue  # the TAP helpers the scripts source
		case "$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/e2e-$name.log
		sh "$s" >"$log" 2>&1; rc=$?
		count "e2e/$name" "$log" "$rc"
	done
fi

# ThreadSanitizer: a report stops the program (halt_on_error) with a status of its own.
if want tsan; then
	if [ ! -x "$tsan/vkhid" ]; then
		echo "tsan: nothing built in $tsan (make tsan builds it)"
		failed=$((failed + 1))
	fi
	for t in "$tsan"/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		case "tsan/$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/tsan-$name.log
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
			"$t" >"$log" 2>&1; rc=$?
		count "tsan/$name" "$log" "$rc"
	done
	for s in tests/tsan/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		case "tsan/$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/tsan-$name.log
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
			sh "$s" >"$log" 2>&1; rc=$?
		count "tsan/$name" "$log" "$rc"
	done
fi

# arm64 (`make cross`, BUILD/../aarch64): the unit tests that touch byte layouts, text and
# arithmetic, and tests/cross.sh (printer bytes and a headless door against the native
# binary), under qemu-aarch64-static. Left out as too slow under emulation (minutes each):
# the storms, races and kill tests (checkin, printq, scan, scan_stress, badge, camera); the
# pipe camera's test re-executes itself, which qemu-user without binfmt cannot.
xb=$(dirname "$build")/aarch64
if want arm64 && [ ! -x "$xb/vkhid" ]; then
	echo "arm64: nothing built in $xb (make cross builds it)"
	failed=$((failed + 1))
fi
if want arm64 && [ -x "$xb/vkhid" ]; then
	# the multiarch loader, matching libc6:arm64 (why: tests/cross.sh)
	qprefix=/usr/aarch64-linux-gnu
	[ -e /lib/ld-linux-aarch64.so.1 ] && qprefix=/
	for name in base45 text ticket brother zpl escpos printer qr db import search \
		badge_template ui_screen config gpio service; do
		t=$xb/tests/test_$name
		[ -x "$t" ] || continue
		case "arm64/test_$name" in *"$filter"*) ;; *) continue ;; esac
		log=$logdir/arm64-test_$name.log
		# VKHID_EMULATED tells a test it runs under emulation (none skips for it now: the
		# spins seen were the mixed loader above); a program that hangs is stopped and
		# counted as failed
		VKHID_EMULATED=1 QEMU_LD_PREFIX=$qprefix timeout -k 10 300 qemu-aarch64-static "$t" >"$log" 2>&1; rc=$?
		count "arm64/test_$name" "$log" "$rc"
	done
	case "e2e/cross" in *"$filter"*)
		log=$logdir/e2e-cross.log
		sh tests/cross.sh "$xb" >"$log" 2>&1; rc=$?
		count "e2e/cross (arm64)" "$log" "$rc" ;;
	esac
fi

if [ "$skipped" != 0 ] && [ ! -d "$VKHID_SHARED/fixtures/qr-photos" ]; then
	echo "Skipped tests need the real photographs, which are not here: $VKHID_SHARED/fixtures."
	echo "Get the team's shared folder (fixtures/qr-photos, fixtures/usb) and put it beside"
	echo "the project as ../shared, or point VKHID_SHARED to it; CI=1 makes them required."
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
