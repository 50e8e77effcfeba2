#!/bin/sh
# SPDX-License-Identifier: MIT
# Makes a Raspberry Pi (Raspberry Pi OS Bookworm) a kiosk that survives the venue:
#   screen        the text console never blanks (consoleblank=0) and shows no cursor
#                 (vt.global_cursor_default=0): kernel command line, /boot/firmware/cmdline.txt
#   readonly on   the system card read-only (overlayroot: changes to / live in RAM and
#                 vanish at the next start, so a power cut cannot damage the system), with
#                 /var/lib/vkhid (the database and keys) on its own writable partition
#   readonly off  the way back, for upgrades and settings: reboot afterwards, change what
#                 is needed, then `readonly on` and reboot again
#   status        what is set now and what the next start will do
# Options: --root DIR works on the system mounted at DIR (default /; a test uses a fake
# one), --dry-run prints every change and makes none, --data-device DEV (readonly on) the
# partition that becomes /var/lib/vkhid, formatted first with --format.
# board/README.md ("A read-only system card") says when and how to use it.
# Installed by the package as /usr/sbin/vkhid-pi-setup.
set -eu

ROOT=/
DRY=0
DATA_DEV=
FORMAT=0
LABEL=vkhid-data
TOKEN=overlayroot=tmpfs:recurse=0

usage() {
	cat <<'USAGE'
usage: vkhid-pi-setup [--root DIR] [--dry-run] screen
       vkhid-pi-setup [--root DIR] [--dry-run] [--data-device DEV [--format]] readonly on
       vkhid-pi-setup [--root DIR] [--dry-run] readonly off
       vkhid-pi-setup [--root DIR] status
USAGE
	exit 2
}

say() { printf '%s\n' "$*"; }
die() { printf 'vkhid-pi-setup: %s\n' "$*" >&2; exit 1; }
# would WHAT: in a dry run, says what would be done and returns 1 (so the caller skips it)
would() {
	if [ "$DRY" = 1 ]; then
		say "would: $*"
		return 1
	fi
	say "$*"
	return 0
}

cmd=
sub=
while [ $# -gt 0 ]; do
	case $1 in
	--root) [ $# -ge 2 ] || usage; ROOT=$2; shift ;;
	--dry-run) DRY=1 ;;
	--data-device) [ $# -ge 2 ] || usage; DATA_DEV=$2; shift ;;
	--format) FORMAT=1 ;;
	-h | --help) usage ;;
	screen | status) cmd=$1 ;;
	readonly) cmd="readonly"; [ $# -ge 2 ] || usage; sub=$2; shift ;;
	*) usage ;;
	esac
	shift
done
[ -n "$cmd" ] || usage
case $sub in "" | on | off) ;; *) usage ;; esac
[ -d "$ROOT" ] || die "no such directory: $ROOT"
R=${ROOT%/}

# The kernel command line: one line in /boot/firmware/cmdline.txt (Bookworm), or
# /boot/cmdline.txt on older systems.
CMDLINE=$R/boot/firmware/cmdline.txt
[ -f "$CMDLINE" ] || CMDLINE=$R/boot/cmdline.txt
FSTAB=$R/etc/fstab

need_cmdline() {
	[ -f "$CMDLINE" ] || die "no $R/boot/firmware/cmdline.txt: is this a Raspberry Pi OS system card?"
}

# has_word WORD: the command line has WORD (or KEY= with any value when WORD ends in =)
has_word() {
	tr ' ' '\n' <"$CMDLINE" | grep -q -x -- "$1"
}
# set_word KEY=VALUE: the command line gets KEY=VALUE instead of any other KEY=...
set_word() {
	key=${1%%=*}
	if has_word "$1"; then
		say "ok: the kernel command line already has $1"
		return 0
	fi
	new=$(tr -s ' \n' '  ' <"$CMDLINE" | tr ' ' '\n' | grep -v -e "^$key=" -e '^$' | tr '\n' ' ')
	would "kernel command line ($CMDLINE): add $1" || return 0
	boot_rw
	printf '%s%s\n' "$new" "$1" >"$CMDLINE.vkhid-new"
	mv "$CMDLINE.vkhid-new" "$CMDLINE"
	sync
}
# drop_key KEY: removes every KEY=... word
drop_key() {
	if ! tr ' ' '\n' <"$CMDLINE" | grep -q "^$1="; then
		say "ok: the kernel command line has no $1="
		return 0
	fi
	new=$(tr -s ' \n' '  ' <"$CMDLINE" | tr ' ' '\n' | grep -v -e "^$1=" -e '^$' | tr '\n' ' ')
	would "kernel command line ($CMDLINE): remove $1=..." || return 0
	boot_rw
	printf '%s\n' "${new% }" >"$CMDLINE.vkhid-new"
	mv "$CMDLINE.vkhid-new" "$CMDLINE"
	sync
}
# the boot partition may have been made read-only (raspi-config's enable_bootro)
boot_rw() {
	if [ "$R" = "" ] && command -v findmnt >/dev/null && findmnt -no OPTIONS "$(dirname "$CMDLINE")" 2>/dev/null | grep -q '\bro\b'; then
		mount -o remount,rw "$(dirname "$CMDLINE")"
	fi
}

# the fstab line of a mount point, or nothing
fstab_has() {
	[ -f "$FSTAB" ] && awk -v m="$1" '$1 !~ /^#/ && $2 == m { found = 1 } END { exit !found }' "$FSTAB"
}

overlay_now() {
	[ "$R" = "" ] && awk '$2 == "/" && $3 == "overlay" { f = 1 } END { exit !f }' /proc/mounts 2>/dev/null
}

do_screen() {
	need_cmdline
	set_word consoleblank=0
	set_word vt.global_cursor_default=0
}

# /var/lib/vkhid on its own partition, in fstab: it stays writable under the overlay
data_partition() {
	if fstab_has /var/lib/vkhid; then
		say "ok: /var/lib/vkhid has its own partition in $FSTAB"
		return 0
	fi
	[ -n "$DATA_DEV" ] || die "the database must be on its own writable partition first: give
  --data-device DEV (a spare partition of the SD card, or a USB stick's; --format to format
  it) — see board/README.md, \"A read-only system card\". Nothing was changed."
	if [ "$FORMAT" = 1 ]; then
		would "format $DATA_DEV as ext4, labelled $LABEL (everything on it is erased)" &&
			mkfs.ext4 -q -F -L "$LABEL" "$DATA_DEV"
	else
		would "label the ext4 file system on $DATA_DEV as $LABEL" && e2label "$DATA_DEV" "$LABEL"
	fi
	if would "copy $R/var/lib/vkhid onto $DATA_DEV (owners and modes kept)"; then
		mnt=$(mktemp -d)
		mount "$DATA_DEV" "$mnt"
		cp -a "$R/var/lib/vkhid/." "$mnt/"
		sync
		umount "$mnt"
		rmdir "$mnt"
	fi
	# commit=1: the journal reaches the card within a second (SQLite syncs anyway)
	line="LABEL=$LABEL /var/lib/vkhid ext4 defaults,noatime,commit=1 0 2"
	if would "add to $FSTAB: $line"; then
		printf '%s\n' "$line" >>"$FSTAB"
	fi
	if [ "$R" = "" ] && would "mount /var/lib/vkhid from $DATA_DEV (the kiosk is stopped meanwhile)"; then
		systemctl stop vkhid 2>/dev/null || true
		mount /var/lib/vkhid
		systemctl start vkhid 2>/dev/null || true
	fi
}

overlayroot_installed() {
	[ -f "$R/etc/overlayroot.conf" ]
}

do_readonly_on() {
	need_cmdline
	overlay_now && die "the read-only system is already on (turn it off, reboot, then on)"
	data_partition
	if overlayroot_installed; then
		say "ok: the overlayroot package is installed"
	elif [ "$R" != "" ]; then
		if [ "$DRY" = 1 ]; then
			say "would: install the overlayroot package (in the system at $ROOT)"
		else
			die "install the overlayroot package in the system at $ROOT first"
		fi
	elif would "install the overlayroot package (apt-get install overlayroot)"; then
		apt-get install -y overlayroot
	fi
	# the journal in RAM, kept small: it cannot be written to the card anyway
	conf=$R/etc/systemd/journald.conf.d/vkhid-readonly.conf
	if [ -f "$conf" ]; then
		say "ok: $conf is there"
	elif would "write $conf (the system log in RAM, at most 16 MB)"; then
		mkdir -p "$(dirname "$conf")"
		printf '# vkhid-pi-setup: the root is read-only; the log lives in RAM\n[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n' >"$conf"
	fi
	set_word "$TOKEN"
	[ "$DRY" = 1 ] || say "Done: reboot (sudo reboot) to start with the read-only system."
}

do_readonly_off() {
	need_cmdline
	drop_key overlayroot
	[ "$DRY" = 1 ] || say "Done: reboot (sudo reboot); the system card is writable until you turn it on again."
}

do_status() {
	need_cmdline
	if overlay_now; then say "read-only system: on now"; else say "read-only system: off now"; fi
	if has_word "$TOKEN"; then say "read-only system at the next start: on"
	elif tr ' ' '\n' <"$CMDLINE" | grep -q '^overlayroot='; then
		say "read-only system at the next start: on, but not as vkhid-pi-setup sets it ($(tr ' ' '\n' <"$CMDLINE" | grep '^overlayroot='))"
	else say "read-only system at the next start: off"; fi
	if fstab_has /var/lib/vkhid; then say "database partition: /var/lib/vkhid has its own"
	else say "database partition: none (/var/lib/vkhid is on the system card)"; fi
	if has_word consoleblank=0; then say "screen blanking: off"; else say "screen blanking: on (run: vkhid-pi-setup screen)"; fi
}

case $cmd in
screen) do_screen ;;
status) do_status ;;
readonly) [ -n "$sub" ] || usage
	if [ "$sub" = on ]; then do_readonly_on; else do_readonly_off; fi ;;
esac
