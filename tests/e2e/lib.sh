# SPDX-License-Identifier: MIT
# TAP helpers for the end-to-end scripts: each check prints "ok N - what" or
# "not ok N - what" with the evidence. Sourced by tests/e2e/*.sh; $VKHID is the binary.
# the TAP counters have names no script uses for its own values
tap_n=0
fails=0
: "${VKHID:?set VKHID to the vkhid binary}"
T=$(mktemp -d /tmp/vkhid-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
export VKHID_LANG=${VKHID_LANG:-en}

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
bad() { tap_n=$((tap_n + 1)); fails=$((fails + 1)); echo "not ok $tap_n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# check WHAT COMMAND...: passes when the command succeeds
check() { what=$1; shift; if "$@" >"$T/.out" 2>&1; then ok "$what"; else bad "$what" "$(head -c 600 "$T/.out")"; fi; }
# run_vk: runs vkhid, keeps stdout in $T/out, stderr in $T/err, status in $rc
run_vk() { "$VKHID" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# expect_rc WHAT N: the last run_vk ended with status N
expect_rc() { if [ "$rc" = "$2" ]; then ok "$1"; else bad "$1" "exit $rc, wanted $2" "stdout: $(head -c 400 "$T/out")" "stderr: $(head -c 400 "$T/err")"; fi; }
# has WHAT FILE TEXT: FILE contains TEXT
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1" "no '$3' in $2:" "$(head -c 600 "$2")"; fi; }
hasnt() { if grep -qF -- "$3" "$2"; then bad "$1" "'$3' found in $2"; else ok "$1"; fi; }
# a crash under the sanitizers is never an acceptable answer to bad input
no_crash() { if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer|Segmentation' "$T/err"; then bad "$1" "$(head -c 800 "$T/err")"; else ok "$1"; fi; }
# skip WHAT WHY: a check that cannot run here, counted as skipped (TAP "# SKIP")
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# need_shared WHAT: sets SHARED to the real photographs' folder (../shared/fixtures beside
# the project, or $VKHID_SHARED/fixtures). When they are missing the whole script is
# skipped, or fails when $CI is set (CI must run everything), and it ends here.
need_shared() {
	SHARED=$(cd "${VKHID_SHARED:-$(dirname "$0")/../../../shared}/fixtures" 2>/dev/null && pwd)
	[ -n "$SHARED" ] && [ -d "$SHARED/qr-photos" ] && return 0
	why="the real photographs (../shared/fixtures, or \$VKHID_SHARED/fixtures) are missing"
	if [ -n "${CI:-}" ]; then bad "$1: $why"; else skip "$1" "$why"; fi
	done_testing
	exit
}
done_testing() { echo "1..$tap_n"; [ "$fails" = 0 ]; }
