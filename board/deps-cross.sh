#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what `make cross` needs to build vkhid for the Raspberry Pi (arm64) on a Debian
# amd64 machine, and what `make test` needs to run those arm64 programs here: Debian's
# aarch64 cross compiler, the :arm64 development packages, and qemu-user-static.
#
# zbar and libpq are the exceptions: libzbar-dev:arm64 cannot be installed beside
# libzbar-dev:amd64 (its ImageMagick dependencies clash) and libpq-dev is not multi-arch
# (installing :arm64 removes the native one), so only their libraries (libzbar0:arm64,
# libpq5:arm64) are installed and the -dev .debs are unpacked into SYSROOT (default
# build/aarch64/sysroot) for their headers and pkg-config files.
#   usage: sh board/deps-cross.sh [SYSROOT]
set -eu
sysroot=${1:-build/aarch64/sysroot}

HOST="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static pkg-config"
ARM="libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libqrencode-dev libzbar0 libusb-1.0-0-dev
libsqlite3-dev libcmocka-dev libsodium-dev libcsv-dev libjpeg62-turbo-dev libinih-dev
libgpiod-dev libsystemd-dev libjansson-dev libmicrohttpd-dev libgnutls28-dev libcurl4-openssl-dev libpq5
libpango1.0-dev libcairo2-dev"

want=""
for p in $HOST; do want="$want $p"; done
for p in $ARM; do want="$want $p:arm64"; done

missing=""
for p in $want; do
	if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done
have_zbar=0
[ -f "$sysroot/usr/include/zbar.h" ] && [ -f "$sysroot/usr/include/postgresql/libpq-fe.h" ] && have_zbar=1
[ -z "$missing" ] && [ "$have_zbar" = 1 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "Building for arm64 needs these Debian packages, which are not installed:" >&2
	echo "   $missing" >&2
	echo "Install them as root (after: sudo dpkg --add-architecture arm64 && sudo apt-get update):" >&2
	echo "   sudo apt-get install$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -q >/dev/null || { echo "apt-get update failed: check the network or the apt sources." >&2; exit 1; }
elif [ -n "$missing" ]; then
	apt-get update -q >/dev/null || { echo "apt-get update failed: check the network or the apt sources." >&2; exit 1; }
fi
if [ -n "$missing" ]; then
	echo "Installing for arm64:$missing"
	# shellcheck disable=SC2086
	apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $missing >/dev/null
fi
if [ "$have_zbar" = 0 ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && chmod 777 . && apt-get download -q libzbar-dev:arm64 libpq-dev:arm64 >/dev/null)
	mkdir -p "$sysroot"
	for deb in "$tmp"/libzbar-dev_*_arm64.deb "$tmp"/libpq-dev_*_arm64.deb; do
		dpkg-deb -x "$deb" "$sysroot"
	done
	rm -rf "$tmp"
	# the .pc files name /usr as their prefix: point them at the sysroot's headers; the
	# libraries themselves (libzbar0:arm64, libpq5:arm64) are in the system's multiarch
	# folder
	abs=$(cd "$sysroot" && pwd)
	for lib in zbar:libzbar.so.0 libpq:libpq.so.5; do
		name=${lib%%:*} so=${lib#*:}
		pc=$abs/usr/lib/aarch64-linux-gnu/pkgconfig/$name.pc
		sed -i -e "s|^prefix=/usr\$|prefix=$abs/usr|" -e "s|^includedir=/usr|includedir=$abs/usr|" \
			-e "s|^libdir=.*|libdir=$abs/usr/lib/aarch64-linux-gnu|" "$pc"
		ln -sf "/usr/lib/aarch64-linux-gnu/$so" "$abs/usr/lib/aarch64-linux-gnu/${so%.*}"
	done
	rm -f "$abs/usr/lib/aarch64-linux-gnu/libzbar.a" "$abs/usr/lib/aarch64-linux-gnu/libpq.a"
fi
echo "Installed for arm64."
