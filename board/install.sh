#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs vkhid on a Raspberry Pi (Raspberry Pi OS Bookworm, arm64) or any Debian machine:
# packages, the binary, a system user, the service, udev rules and the usblp blacklist.
# Run as root from the source tree: sh board/install.sh
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root: sudo sh board/install.sh" >&2; exit 1; }
sh board/deps.sh
make -j"$(nproc)" build/vkhid
install -m 0755 build/vkhid /usr/local/bin/vkhid
id vkhid >/dev/null 2>&1 || useradd --system --home /var/lib/vkhid --shell /usr/sbin/nologin vkhid
install -d -o vkhid -g vkhid -m 0750 /var/lib/vkhid
install -m 0644 board/udev/60-vkhid-printers.rules /etc/udev/rules.d/
install -m 0644 board/modprobe-vkhid.conf /etc/modprobe.d/vkhid.conf
install -m 0644 board/systemd/vkhid.service /etc/systemd/system/
udevadm control --reload 2>/dev/null || true
systemctl daemon-reload 2>/dev/null || true
echo "Installed. Create the event as the vkhid user, then: systemctl enable --now vkhid"
