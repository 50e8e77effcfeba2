#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the translation template (every text a person reads, from app/ and firmware/) to
# standard output. `make pot` saves it as po/vkhid.pot; tests/e2e/po.sh checks the saved
# one is up to date. Texts are marked with _("...") (current language), _n("one", "many", n) (a count), N_("...") (tables
# translated where shown) and i18n_tr(lang, "...") (a named language); the screens' local
# shorthands T(st, "...") and L(l, "...") and the old ui_tr() too.
set -e
cd "$(dirname "$0")/.."
cat <<'HEAD'
# vkhid: every text a person reads -- the template for a new language.
# Regenerate after changing texts: make pot (po/pot.sh). Then add the new texts to each
# po/LANG.po (msgmerge --no-fuzzy-matching -U po/LANG.po po/vkhid.pot, and translate).
# A new language: msginit -i po/vkhid.pot -l pl -o po/pl.po; translate; the build compiles
# every po/*.po with msgfmt and the program offers every language it finds.
# "ENG" is the language's own short name on the language buttons (УКР, ENG, DEU...).
# SPDX-License-Identifier: MIT
HEAD
# xgettext's own opening comment ("SOME DESCRIPTIVE TITLE" ...) gives way to ours above
xgettext -k -k_ -k_n:1,2 -kN_ -ki18n_tr:2 -ki18n_ntr:2,3 -kui_tr:2 -kT:2 -kL:2 --from-code=UTF-8 --package-name=vkhid \
	-o - $(ls app/*/*.c app/*/*.h firmware/*/*.c firmware/*/*.h | LC_ALL=C sort) |
	sed '1,/^#, fuzzy/{/^#, fuzzy/!d}'
