#!/bin/sh
# SPDX-License-Identifier: MIT
# The translations: every po/*.po compiles with msgfmt --check; po/vkhid.pot is what the
# sources mark today (else: run `make pot`); every text of the template has a Ukrainian
# translation in po/uk.po, with the same printf conversions as the English (msgfmt checks
# them once the template's c-format flags are merged in).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

for po in po/*.po; do
	if msgfmt --check -o "$T/out.mo" "$po" >"$T/msgfmt.err" 2>&1; then
		ok "msgfmt --check $po"
	else
		bad "msgfmt --check $po" "$(head -c 1200 "$T/msgfmt.err")"
	fi
done

# The template regenerated from the sources, compared without what changes on its own:
# the creation date and the "#: file:line" comments.
strip_pot() { grep -v -e '^#:' -e '^"POT-Creation-Date:' "$1"; }
if sh po/pot.sh >"$T/new.pot" 2>"$T/pot.err"; then
	ok "po/pot.sh runs"
else
	bad "po/pot.sh runs" "$(head -c 600 "$T/pot.err")"
fi
strip_pot po/vkhid.pot >"$T/old.txt"
strip_pot "$T/new.pot" >"$T/new.txt"
if diff -u "$T/old.txt" "$T/new.txt" >"$T/pot.diff"; then
	ok "po/vkhid.pot is up to date with the sources"
else
	bad "po/vkhid.pot is up to date with the sources" \
	    "the texts in app/ or firmware/ changed: run 'make pot', translate the new texts in po/uk.po, commit" \
	    "$(head -c 1500 "$T/pot.diff")"
fi

# Every text in the template, translated in Ukrainian; formats checked against the template.
if msgmerge --no-fuzzy-matching -q -o "$T/uk.po" po/uk.po "$T/new.pot" 2>"$T/merge.err"; then
	msgattrib --untranslated --no-obsolete "$T/uk.po" 2>/dev/null | grep '^msgid ' | grep -v '^msgid ""$' >"$T/untranslated" || true
	if [ -s "$T/untranslated" ]; then
		bad "every text has a Ukrainian translation in po/uk.po" \
		    "$(wc -l <"$T/untranslated") without one (add msgid/msgstr blocks to po/uk.po):" \
		    "$(head -20 "$T/untranslated")"
	else
		ok "every text has a Ukrainian translation in po/uk.po"
	fi
	if msgfmt --check -o /dev/null "$T/uk.po" >"$T/fmt.err" 2>&1; then
		ok "po/uk.po keeps the printf conversions of every English text"
	else
		bad "po/uk.po keeps the printf conversions of every English text" "$(head -c 1200 "$T/fmt.err")"
	fi
else
	bad "msgmerge po/uk.po with the template" "$(head -c 600 "$T/merge.err")"
fi

# A translator's new language reaches the command line with no change to C: a language
# "xx" built from the template with every text in ⟦ ⟧; every line vkhid --help prints and
# its message for a missing database come from that catalog.
mkdir -p "$T/locale/xx/LC_MESSAGES"
if msgen "$T/new.pot" 2>/dev/null | msgfilter --keep-header -o "$T/xx.po" sed -e 's/^\(.\)/⟦\1/' -e 's/\(.\)$/\1⟧/' \
   && msgfmt -o "$T/locale/xx/LC_MESSAGES/vkhid.mo" "$T/xx.po"; then
	VKHID_LOCALEDIR=$T/locale run_vk --lang xx --help
	grep -v '^$' "$T/out" | grep -v '⟦' >"$T/plain" || true
	if [ "$rc" = 0 ] && [ -s "$T/out" ] && [ ! -s "$T/plain" ]; then
		ok "vkhid --lang xx --help: every line from the new catalog"
	else
		bad "vkhid --lang xx --help: every line from the new catalog" "exit $rc; lines not translated:" "$(head -5 "$T/plain")"
	fi
	VKHID_LOCALEDIR=$T/locale VKHID_LANG=xx run_vk --db "$T/none.db" stats
	has "VKHID_LANG=xx: the missing-database message from the new catalog" "$T/err" "⟦vkhid: the database"
else
	bad "a pseudo-language catalog compiles from the template"
fi
done_testing
