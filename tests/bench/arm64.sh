#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: the hot paths of the arm64 build under qemu-aarch64 beside the native build,
# in one run (tests/bench/bench_paths.c): the scan of an empty 1280x720 frame and the
# check-in of a signed ticket, each figure and the ratio arm64/native. qemu-user runs arm64
# code about 4-5x slower than native here; a ratio well above the others' points at a path
# that is slow on arm64 itself. A Raspberry Pi 4 is itself 3-5x slower than this machine,
# and the camera gives a frame every 33 ms: the arm64 scan figure divided by the emulation
# ratio and multiplied by that is the Pi's rough budget check.
#   usage: sh tests/bench/arm64.sh NATIVE-BENCH_PATHS ARM64-BENCH_PATHS
set -u
native=${1:?usage: arm64.sh NATIVE ARM64}
arm=${2:?usage: arm64.sh NATIVE ARM64}
# the multiarch loader, matching libc6:arm64 (why: tests/cross.sh)
if [ -z "${QEMU_LD_PREFIX:-}" ]; then
	if [ -e /lib/ld-linux-aarch64.so.1 ]; then QEMU_LD_PREFIX=/; else QEMU_LD_PREFIX=/usr/aarch64-linux-gnu; fi
fi
export QEMU_LD_PREFIX
if ! command -v qemu-aarch64-static >/dev/null || [ ! -x "$arm" ]; then
	echo "arm64 beside native: skipped (needs qemu-aarch64-static and make cross: $arm)"
	exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/vkhid-arm64-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$native" --machine >"$out/n" || { echo "arm64.sh: the native bench failed" >&2; exit 1; }
qemu-aarch64-static "$arm" --machine >"$out/a" || { echo "arm64.sh: the arm64 bench failed under qemu" >&2; exit 1; }
echo
echo "arm64 under qemu-aarch64 beside native ($(uname -m)), CPU ms, medians:"
printf '  %-44s %10s %12s %8s\n' "" native "arm64/qemu" ratio
for k in scan_empty_720p_ms:"scan, empty 1280x720 frame" checkin_ms:"check-in, signed ticket, 5,000 registrations"; do
	key=${k%%:*} what=${k#*:}
	n=$(awk -v k="$key" '$1 == k { print $2 }' "$out/n")
	a=$(awk -v k="$key" '$1 == k { print $2 }' "$out/a")
	awk -v w="$what" -v n="$n" -v a="$a" 'BEGIN { printf "  %-44s %10.3f %12.3f %7.1fx\n", w, n, a, (n > 0 ? a / n : 0) }'
done
