/* SPDX-License-Identifier: MIT */
/* The user's language for messages: Ukrainian or English. Chosen from VKHID_LANG, then
 * LC_ALL / LC_MESSAGES / LANG ("uk..." -> Ukrainian), English otherwise. */
#ifndef VK_CORE_I18N_H
#define VK_CORE_I18N_H

enum vk_lang { VK_LANG_EN = 0, VK_LANG_UK = 1 };

enum vk_lang i18n_lang(void);
void i18n_set_lang(enum vk_lang l);
/* Picks the text for the current language. (Being replaced by _(): see below.) */
#define TR(en, uk) (i18n_lang() == VK_LANG_UK ? (uk) : (en))

/* The translation of msgid (an English text) in the current language, from the gettext
 * catalogs in po/; msgid itself when there is none. Never NULL. New text uses _(). */
const char *i18n_text(const char *msgid);
#define _(s) i18n_text(s)
#ifndef N_
#define N_(s) (s) /* marks a text for xgettext without translating it here */
#endif

#endif
