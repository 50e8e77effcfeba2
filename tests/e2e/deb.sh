#!/bin/sh
# SPDX-License-Identifier: MIT
# The Debian package on this (throwaway, root) machine: install, an event with data made
# by the vkhid user, an upgrade to a higher version over it (data, keys, settings and the
# organizer's vkhid.conf survive; the old database is kept as a backup), the systemd unit
# verified and rated by systemd-analyze, lintian without errors, then purge leaves nothing.
# Installs through apt-get, which waits for the package lock (other jobs may hold it).
# Packages the sanitized $VKHID, so the installed paths run under ASan too.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ] || ! command -v dpkg-deb >/dev/null; then
	echo "# SKIP installing a package needs root and dpkg (this is not a throwaway Debian root)"
	ok "skipped: not root on Debian"
	done_testing
	exit 0
fi
# one package test at a time on this machine
exec 9>/var/lock/vkhid-deb-test
flock -w 900 9 || { bad "another package test holds /var/lock/vkhid-deb-test"; done_testing; exit 1; }

arch=$(dpkg --print-architecture)
v1=0.0.1~test1 v2=0.0.1~test2
loc=$(dirname "$VKHID")/locale
[ -d "$loc" ] || loc=$top/build/locale
sh "$top/board/mkdeb.sh" "$arch" "$v1" "$VKHID" "$loc" "$T/deb" >"$T/mk1" 2>&1 &&
	sh "$top/board/mkdeb.sh" "$arch" "$v2" "$VKHID" "$loc" "$T/deb" >"$T/mk2" 2>&1
check "board/mkdeb.sh builds two versions" test -f "$T/deb/vkhid_${v2}_$arch.deb"
# through apt, which waits for the package lock other jobs on this machine may hold
export DEBIAN_FRONTEND=noninteractive
apt() { apt-get -y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef \
	-o Dpkg::Options::=--force-confold --no-install-recommends "$@"; }
dpkg-query -W vkhid >/dev/null 2>&1 && apt purge vkhid >/dev/null 2>&1
top_entry=$(dpkg-deb -c "$T/deb/vkhid_${v1}_$arch.deb" 2>/dev/null | sed -n 1p)
case "$top_entry" in
"drwxr-xr-x root/root "*" ./") ok "the package's ./ (which stands for /) is root's and 0755" ;;
*) bad "the package's ./ entry" "$top_entry" ;;
esac

apt install "$T/deb/vkhid_${v1}_$arch.deb" >"$T/i1" 2>&1; rc=$?
[ "$rc" = 0 ] && ok "the package installs ($v1)" || bad "apt-get install $v1: exit $rc" "$(tail -5 "$T/i1")"
check "the binary is /usr/bin/vkhid" test -x /usr/bin/vkhid
check "a vkhid system user" getent passwd vkhid
[ "$(stat -c '%U:%G %a' /var/lib/vkhid 2>&1)" = "vkhid:vkhid 750" ] && ok "/var/lib/vkhid is vkhid's, 0750" ||
	bad "/var/lib/vkhid" "$(stat -c '%U:%G %a' /var/lib/vkhid 2>&1)"
check "the Ukrainian catalog" test -f /usr/share/locale/uk/LC_MESSAGES/vkhid.mo
check "the settings file is a conffile" grep -qx /etc/vkhid/vkhid.conf /var/lib/dpkg/info/vkhid.conffiles
check "udev rules and the usblp blacklist" test -f /lib/udev/rules.d/60-vkhid-printers.rules -a -f /lib/modprobe.d/vkhid.conf

# the unit as installed: verified, and rated by systemd's own sandbox score
u=/lib/systemd/system/vkhid.service
systemd-analyze verify "$u" >"$T/verify" 2>&1; rc=$?
[ "$rc" = 0 ] && ok "systemd-analyze verify passes on vkhid.service" || bad "systemd-analyze verify: exit $rc" "$(cat "$T/verify")"
systemd-analyze security --offline=yes "$u" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for vkhid.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$T/sec")
case "$score" in
[0-4].*" "*|5.[0-9]" "*) ok "systemd-analyze security rates the sandbox OK or better: $score" ;;
*) bad "systemd-analyze security: '$score' (want at most 5.9)" "$(tail -3 "$T/sec")" ;;
esac
lintian --tag-display-limit 0 "$T/deb/vkhid_${v1}_$arch.deb" >"$T/lint" 2>&1
if grep -q '^E:' "$T/lint"; then bad "lintian reports errors" "$(grep '^E:' "$T/lint" | head -5)"; else ok "lintian: no errors ($(grep -c '^W:' "$T/lint") warnings)"; fi

# an event with data, made by the kiosk's own user
W=$T/work
mkdir -p "$W" && cp "$top/tests/fixtures/people.csv" "$W/" && chown -R vkhid "$W" && chmod 755 "$T"
vk() { runuser -u vkhid -- env VKHID_DB=/var/lib/vkhid/vkhid.db /usr/bin/vkhid "$@"; }
vk event create --name "Форум" --starts "$(date +%F)" --ends "$(date -d tomorrow +%F)" >"$T/o" 2>&1 &&
	vk keygen >>"$T/o" 2>&1 && vk import "$W/people.csv" >>"$T/o" 2>&1 && vk tickets --out "$W/t" >>"$T/o" 2>&1 &&
	vk setting ui.pin 731904 >>"$T/o" 2>&1
check "the vkhid user creates an event, keys and tickets" test -s "$W/t/tickets.csv"
code=$(awk -F, '$1==1 {print $(NF-1)}' "$W/t/tickets.csv")
vk checkin "$code" >"$T/ci" 2>&1
has "a check-in as the vkhid user" "$T/ci" "dmitted"
key=$(ls /var/lib/vkhid/vkhid-event-*-key-*.secret 2>/dev/null | head -1)
check "the event key is in /var/lib/vkhid" test -n "$key"
keysum=$(md5sum "$key" 2>/dev/null)
printf '# the organizer was here\n' >>/etc/vkhid/vkhid.conf

# the upgrade
apt install "$T/deb/vkhid_${v2}_$arch.deb" >"$T/i2" 2>&1; rc=$?
[ "$rc" = 0 ] && ok "the package upgrades to $v2" || bad "apt-get install $v2: exit $rc" "$(tail -5 "$T/i2")"
[ "$(dpkg-query -W -f '${Version}' vkhid)" = "$v2" ] && ok "$v2 is installed" || bad "installed: $(dpkg-query -W -f '${Version}' vkhid)"
bak="/var/lib/vkhid/vkhid.db.bak-$v1"
check "the old database is kept as $bak" test -s "$bak"
has "the upgrade says where the backup is" "$T/i2" "$bak"
vk stats --json >"$T/st" 2>&1
has "after the upgrade the check-in is still there" "$T/st" '"admitted": 1'
vk setting >"$T/set" 2>&1
# the PIN is kept as an argon2id hash and never printed: "(set)", not the default
grep 'ui.pin' "$T/set" >"$T/pinline"
has "after the upgrade the organizer PIN is still set" "$T/pinline" "(set)"
hasnt "and it is not printed" "$T/set" "731904"
[ "$(md5sum "$key" 2>/dev/null)" = "$keysum" ] && ok "the event key survived unchanged" || bad "the key changed or went: $key"
has "the organizer's edit of vkhid.conf survived" /etc/vkhid/vkhid.conf "# the organizer was here"
/usr/bin/vkhid --db "$bak" stats --json >"$T/bst" 2>&1
has "the backup is a working database with the check-in" "$T/bst" '"admitted": 1'
vk checkin "$code" >"$T/ci2" 2>&1
has "the upgraded kiosk knows the ticket was used" "$T/ci2" "already"

# purge leaves nothing behind
apt purge vkhid >"$T/p" 2>&1; rc=$?
[ "$rc" = 0 ] && ok "the package is purged" || bad "apt-get purge: exit $rc" "$(tail -5 "$T/p")"
check "the binary is gone" test ! -e /usr/bin/vkhid
check "/var/lib/vkhid is gone" test ! -e /var/lib/vkhid
check "/etc/vkhid is gone" test ! -e /etc/vkhid
done_testing
