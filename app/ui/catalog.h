/* SPDX-License-Identifier: MIT */
/* Screen texts from gettext catalogs: po/LANG.po compiled by msgfmt into
 * LOCALEDIR/LANG/LC_MESSAGES/vkhid.mo, read here directly (not through the C library's
 * gettext(), which depends on the process locale and switches languages slowly). The
 * kiosk switches language per screen (the attendee's own for a greeting), so every lookup
 * names its language.
 *
 * Message ids are the English texts. A translator adds a language by adding po/LANG.po: the
 * kiosk lists every catalog it finds, and the language buttons show each catalog's
 * translation of "ENG" (its short name). English works with no catalog at all.
 *
 * Loading happens once at start-up (ui_catalog_load); lookups afterwards are read-only and
 * safe from any thread. */
#ifndef VK_UI_CATALOG_H
#define VK_UI_CATALOG_H

#define UI_MAX_LANGS 6

/* Finds the catalogs: dir when not NULL, else $VKHID_LOCALEDIR, else the folder "locale"
 * beside the program or one level up (a build tree), else /usr/share/locale. English is
 * always language 0; Ukrainian, when found, is language 1; others follow in name order.
 * Returns the number of languages (at least 1). Calling it again reloads. */
int ui_catalog_load(const char *dir);
/* Frees the catalogs (at exit, for leak checkers). */
void ui_catalog_free(void);

/* Number of languages and a language's code ("en", "uk", ...). */
int ui_lang_count(void);
const char *ui_lang_code(int lang);
/* The language index of a code ("uk", "uk_UA.UTF-8", "en"), or -1 when not loaded. */
int ui_lang_find(const char *code);

/* The translation of msgid in lang, or msgid itself when there is none. Never NULL; the
 * string lives until ui_catalog_free(). */
const char *ui_tr(int lang, const char *msgid);

/* Marks a string for xgettext without translating it here (xgettext --keyword=N_). */
#ifndef N_
#define N_(s) (s)
#endif

#endif
