#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the vkhid Debian package with dpkg-deb alone (no debhelper): the binary, the
# message catalogs, the systemd unit, udev rules, the usblp blacklist, vkhid-pi-setup
# (board/pi-setup.sh), /etc/vkhid/vkhid.conf
# (a conffile: an organizer's edits survive upgrades) and the maintainer scripts in
# board/deb/. Shared libraries become Depends through dpkg-shlibdeps.
#   usage: sh board/mkdeb.sh ARCH VERSION BINARY LOCALE-DIR OUT-DIR
#   (make deb calls it for amd64 and arm64; tests/e2e/deb.sh for an upgrade)
set -eu
arch=$1 version=$2 bin=$3 locale=$4 out=$5
top=$(cd "$(dirname "$0")/.." && pwd)
case "$arch" in
"$(dpkg --print-architecture)") strip=strip ;;
arm64) strip=aarch64-linux-gnu-strip ;;
*) echo "mkdeb.sh: cannot build for $arch here (this machine's own architecture, or arm64)" >&2; exit 2 ;;
esac
mkdir -p "$out"
root=$(mktemp -d "${TMPDIR:-/tmp}/vkhid-deb.XXXXXX")
chmod 0755 "$root" # mktemp makes it 0700; the archive's ./ stands for / and must be 0755
trap 'rm -rf "$root"' EXIT
umask 022

install -D -m 0755 "$bin" "$root/usr/bin/vkhid"
"$strip" --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/vkhid"
for mo in "$locale"/*/LC_MESSAGES/vkhid.mo; do
	[ -f "$mo" ] || continue
	lang=$(basename "$(dirname "$(dirname "$mo")")")
	install -D -m 0644 "$mo" "$root/usr/share/locale/$lang/LC_MESSAGES/vkhid.mo"
done
install -D -m 0644 "$top/board/systemd/vkhid.service" "$root/lib/systemd/system/vkhid.service"
install -D -m 0644 "$top/board/udev/60-vkhid-printers.rules" "$root/lib/udev/rules.d/60-vkhid-printers.rules"
install -D -m 0644 "$top/board/modprobe-vkhid.conf" "$root/lib/modprobe.d/vkhid.conf"
install -D -m 0644 "$top/board/vkhid.conf" "$root/etc/vkhid/vkhid.conf"
# the Pi's screen and read-only system card (board/README.md)
install -D -m 0755 "$top/board/pi-setup.sh" "$root/usr/sbin/vkhid-pi-setup"
doc=$root/usr/share/doc/vkhid
install -D -m 0644 "$top/board/deb/copyright" "$doc/copyright"
install -m 0644 "$top/board/README.md" "$doc/README.md"
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'vkhid (%s) unstable; urgency=medium\n\n  * Package built from the vkhid source tree.\n\n -- vkhid maintainers <maintainers@vkhid.example.org>  %s\n' \
	"$version" "$date" | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# shared libraries -> Depends
shl=$(mktemp -d "${TMPDIR:-/tmp}/vkhid-shl.XXXXXX")
mkdir -p "$shl/debian"
printf 'Source: vkhid\n\nPackage: vkhid\nArchitecture: any\n' >"$shl/debian/control"
libs=$(cd "$shl" && DEB_HOST_ARCH=$arch dpkg-shlibdeps -O "$root/usr/bin/vkhid" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shl"
[ -n "$libs" ] || { echo "mkdeb.sh: dpkg-shlibdeps found no libraries for $bin" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
for s in preinst postinst prerm postrm; do
	install -m 0755 "$top/board/deb/$s" "$root/DEBIAN/$s"
done
echo /etc/vkhid/vkhid.conf >"$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: vkhid
Version: $version
Architecture: $arch
Maintainer: vkhid maintainers <maintainers@vkhid.example.org>
Installed-Size: $size
Depends: $libs, adduser, fonts-noto-core, fonts-dejavu-core
Recommends: systemd
Section: misc
Priority: optional
Description: conference check-in and badge kiosk
 vkhid checks attendees in at the door of a conference: it reads the QR code
 of a ticket with a camera, admits or refuses it with a plain message, and
 prints a name badge on a USB label printer (Brother QL, Zebra, Epson).
 .
 It runs on a Raspberry Pi with a touch screen as a systemd service that
 starts on power-up, or headless on any Linux machine.
CONTROL
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
deb=$out/vkhid_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
