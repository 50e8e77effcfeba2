/* SPDX-License-Identifier: MIT */
/* Every text a person reads, in the person's language: the gettext catalogs of po/
 * (po/LANG.po compiled by msgfmt into LOCALEDIR/LANG/LC_MESSAGES/vkhid.mo), read by
 * core/catalog.c without the C library's gettext (which depends on the process locale and
 * switches language slowly), and the process's current language (core/i18n.c).
 *
 * Message ids are the English texts: English needs no catalog. A translator adds a language
 * by adding po/LANG.po, and every text of the program (command line, screens, printer
 * states, badges) then comes in that language, with no change to the C sources.
 *
 * Two ways to ask:
 *   _("English")            the current language (command line, logs for people, printer
 *                            states): --lang, VKHID_LANG, LC_ALL, LC_MESSAGES, LANG;
 *   i18n_tr(lang, "English") a named language (the kiosk greets each attendee in their own
 *                            language while staff read theirs).
 *
 * The catalogs are loaded once, on the first lookup or by i18n_load() at start-up; after
 * that lookups only read and are safe from any thread. No SDL here: the command line and
 * the core use it too. */
#ifndef VK_CORE_I18N_H
#define VK_CORE_I18N_H

/* Languages are small indices into the loaded catalogs: English is always 0, Ukrainian
 * (the product's working language) is 1 when its catalog was found; others follow in
 * name order. */
enum vk_lang { VK_LANG_EN = 0, VK_LANG_UK = 1 };
#define I18N_MAX_LANGS 8

/* Loads the catalogs from dir when dir is not NULL (replacing any loaded before); with
 * dir NULL, from $VKHID_LOCALEDIR, else the folder "locale" beside the program or one
 * level up (a build tree), else /usr/share/locale -- and only if nothing is loaded yet.
 * Returns the number of languages (at least 1: English). Call it before other threads
 * look texts up (start-up, tests); a lookup loads the default place by itself. */
int i18n_load(const char *dir);
/* Frees the catalogs; the next lookup loads them again. No thread may be looking up. */
void i18n_free(void);

/* Number of languages and the code of one ("en", "uk", ...; "en" when out of range). */
int i18n_lang_count(void);
const char *i18n_lang_code(int lang);
/* The language of a code or locale name ("uk", "uk_UA.UTF-8", "en", "ua" for Ukrainian),
 * or -1 when no such catalog is loaded. "C" and "POSIX" are English. */
int i18n_lang_find(const char *code);

/* The translation of msgid in lang, or msgid itself when the catalog has none (or lang is
 * out of range). Never NULL for a non-NULL msgid; the text lives until i18n_free(). */
const char *i18n_tr(int lang, const char *msgid) __attribute__((format_arg(2)));

/* The form of a text with a count: i18n_tr's plural twin (gettext's ngettext). Ukrainian
 * has three forms (1 квиток, 2 квитки, 5 квитків), English two; with no translation,
 * singular when n is 1, else plural. The text lives until i18n_free(). */
const char *i18n_ntr(int lang, const char *singular, const char *plural, unsigned long n)
	__attribute__((format_arg(2))) __attribute__((format_arg(3)));

/* The current language: set by i18n_set_lang(), else chosen once from the environment
 * (VKHID_LANG, then LC_ALL, LC_MESSAGES, LANG: the first one set decides; a language with
 * no catalog means English). */
int i18n_lang(void);
/* Sets the current language for the whole process (--lang, the organizer menu); an index
 * out of range means English. */
void i18n_set_lang(int lang);

/* The translation of msgid in the current language. New text uses _(). (format_arg: the
 * compiler checks printf arguments against the English msgid.) */
const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));
#define _(s) i18n_text(s)
/* The form of a text for a count n in the current language: _n("%d ticket", "%d tickets", n).
 * Both English forms must hold the same printf conversions. */
const char *i18n_ntext(const char *singular, const char *plural, unsigned long n)
	__attribute__((format_arg(1))) __attribute__((format_arg(2)));
#define _n(s, p, n) i18n_ntext(s, p, (unsigned long)(n))
#ifndef N_
#define N_(s) (s) /* marks a text for xgettext without translating it here */
#endif

#endif
