#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the vkhid package for this machine and installs it (Raspberry Pi OS Bookworm
# arm64, or any Debian 12 machine): the binary, the vkhid system user, the service, udev
# rules, the usblp blacklist and /etc/vkhid/vkhid.conf. See board/README.md.
# Run as root from the source tree: sh board/install.sh
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root: sudo sh board/install.sh" >&2; exit 1; }
sh board/deps.sh
arch=$(dpkg --print-architecture)
make -j"$(nproc)" build/vkhid build/locale/uk/LC_MESSAGES/vkhid.mo
deb=$(sh board/mkdeb.sh "$arch" "${DEB_VERSION:-0.1.0}" build/vkhid build/locale build)
apt-get install -y "./$deb"
echo "Installed. Set up the event as the vkhid user (board/README.md), then: systemctl enable --now vkhid"
