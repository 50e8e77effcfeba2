#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages vkhid needs to build, run and test, if any are missing.
# As root it installs them non-interactively; otherwise it lists them and how to install.
# Used by `make run` and `make test` (the README's two commands).
set -eu

PKGS="build-essential pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
fonts-noto-core fonts-dejavu-core libqrencode-dev libzbar-dev zbar-tools libusb-1.0-0-dev
libsqlite3-dev sqlite3 libcmocka-dev libsodium-dev libcsv-dev libjpeg62-turbo-dev umockdev
libumockdev-dev tzdata xvfb xauth x11-apps gettext python3 clang
libjansson-dev libmicrohttpd-dev libgnutls28-dev libcurl4-openssl-dev libpq-dev postgresql
libinih-dev libgpiod-dev libsystemd-dev lintian
libpango1.0-dev libcairo2-dev poppler-utils
chromium nodejs"
# the dashboard's browser tests run playwright-core (npm ci in tests/web); Debian's npm only
# when no npm came with nodejs (NodeSource's nodejs carries its own and conflicts with it)
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

native=$(dpkg --print-architecture)
missing=""
for p in $PKGS; do
	# the native (or architecture-free) package: with arm64 added for `make cross`, the
	# arm64 one alone must not count
	if ! dpkg-query -W -f '${Status} ${Architecture}\n' "$p" 2>/dev/null |
		grep -Eq "^install ok installed ($native|all)\$"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "vkhid needs these Debian packages, which are not installed:" >&2
	echo "   $missing" >&2
	echo "Install them as root, then run the same command again:" >&2
	echo "   sudo apt-get install$missing" >&2
	exit 1
fi

echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "apt-get update failed: check the network or the apt sources." >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $missing >/dev/null
echo "Installed."
