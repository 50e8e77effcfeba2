#!/bin/sh
# SPDX-License-Identifier: MIT
# board/pi-setup.sh (vkhid-pi-setup) without a Pi: against a fake system card (a folder
# with the boot partition's cmdline.txt, /etc/fstab and /var/lib/vkhid of Raspberry Pi OS
# Bookworm). A dry run changes nothing and says every change; the read-only system is
# refused while the database has no partition of its own; turned on it adds exactly one
# overlayroot word (recurse=0, so /var/lib/vkhid stays writable) and the journal in RAM;
# turned off the command line is as it was; running anything twice changes nothing more;
# the screen never blanks. shellcheck finds nothing in the script.
. "$(dirname "$0")/lib.sh"
S=$(cd "$(dirname "$0")/../../board" && pwd)/pi-setup.sh
R=$T/card
orig="console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait quiet"
mkdir -p "$R/boot/firmware" "$R/etc" "$R/var/lib/vkhid"
echo "$orig" >"$R/boot/firmware/cmdline.txt"
cat >"$R/etc/fstab" <<'FSTAB'
proc            /proc           proc    defaults          0       0
PARTUUID=4e639091-01  /boot/firmware  vfat    defaults          0       2
PARTUUID=4e639091-02  /               ext4    defaults,noatime  0       1
FSTAB
echo "database" >"$R/var/lib/vkhid/vkhid.db"
sums() { (cd "$R" && find . -type f | sort | xargs md5sum); }
ps() { sh "$S" --root "$R" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

if command -v shellcheck >/dev/null; then
	check "shellcheck finds nothing in board/pi-setup.sh" shellcheck "$S"
else
	skip "shellcheck board/pi-setup.sh" "shellcheck is not installed"
fi

sums >"$T/before"
ps --dry-run readonly on
expect_rc "without a database partition the read-only system is refused" 1
has "it says what to do" "$T/err" "--data-device"
ps --dry-run --data-device /dev/mmcblk0p3 --format readonly on
expect_rc "a dry run with a data partition plans the change" 0
has "it would format the partition" "$T/out" "would: format /dev/mmcblk0p3 as ext4"
has "it would copy the database over" "$T/out" "would: copy $R/var/lib/vkhid onto /dev/mmcblk0p3"
has "it would mount it at /var/lib/vkhid from fstab" "$T/out" "LABEL=vkhid-data /var/lib/vkhid ext4 defaults,noatime,commit=1 0 2"
has "it would turn on overlayroot, leaving other mounts writable" "$T/out" "add overlayroot=tmpfs:recurse=0"
sums >"$T/after"
if cmp -s "$T/before" "$T/after"; then ok "the dry runs changed nothing"; else bad "a dry run changed files" "$(diff "$T/before" "$T/after")"; fi

# the card as it is once the database partition exists and overlayroot is installed
echo "LABEL=vkhid-data /var/lib/vkhid ext4 defaults,noatime,commit=1 0 2" >>"$R/etc/fstab"
touch "$R/etc/overlayroot.conf"
ps readonly on
expect_rc "the read-only system is turned on" 0
line=$(cat "$R/boot/firmware/cmdline.txt")
[ "$line" = "$orig overlayroot=tmpfs:recurse=0" ] && ok "cmdline.txt: the old words, then overlayroot=tmpfs:recurse=0" ||
	bad "cmdline.txt is '$line'"
[ "$(wc -l <"$R/boot/firmware/cmdline.txt")" = 1 ] && ok "cmdline.txt stays one line" || bad "cmdline.txt has several lines"
has "the journal lives in RAM" "$R/etc/systemd/journald.conf.d/vkhid-readonly.conf" "Storage=volatile"
ps status
has "status: on at the next start" "$T/out" "read-only system at the next start: on"
has "status: the database has its partition" "$T/out" "/var/lib/vkhid has its own"
sums >"$T/on1"
ps readonly on
sums >"$T/on2"
cmp -s "$T/on1" "$T/on2" && ok "turning it on again changes nothing" || bad "a second 'readonly on' changed files" "$(diff "$T/on1" "$T/on2")"

# an overlayroot word set by hand another way is replaced, not doubled
echo "$orig overlayroot=tmpfs" >"$R/boot/firmware/cmdline.txt"
ps readonly on
[ "$(tr ' ' '\n' <"$R/boot/firmware/cmdline.txt" | grep -c '^overlayroot=')" = 1 ] &&
	ok "an earlier overlayroot=tmpfs becomes the one recurse=0 word" || bad "cmdline: $(cat "$R/boot/firmware/cmdline.txt")"

ps readonly off
expect_rc "the way back for upgrades: readonly off" 0
line=$(cat "$R/boot/firmware/cmdline.txt")
[ "$line" = "$orig" ] && ok "cmdline.txt is as it was before" || bad "cmdline.txt is '$line'"
has "it says to reboot" "$T/out" "reboot"

ps screen
ps screen
n=$(tr ' ' '\n' <"$R/boot/firmware/cmdline.txt" | grep -c -x 'consoleblank=0')
[ "$n" = 1 ] && ok "the console never blanks (consoleblank=0, once)" || bad "consoleblank=0 found $n times"
has "no blinking cursor on the console" "$R/boot/firmware/cmdline.txt" "vt.global_cursor_default=0"

ps --root "$T/nothing" status
[ "$rc" != 0 ] && ok "a folder that is no system card is refused" || bad "no error for a missing root"
done_testing
