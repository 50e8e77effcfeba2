/* SPDX-License-Identifier: MIT */
/* The screens' old names for the catalogs, which now live in the core (core/i18n.h) so the
 * command line, the printer texts and the screens read the same loaded catalogs. Kept
 * only until the kiosk files that still call ui_tr() are converted; new code includes
 * core/i18n.h. */
#ifndef VK_UI_CATALOG_H
#define VK_UI_CATALOG_H

#include "core/i18n.h"

static inline int ui_catalog_load(const char *dir) { return i18n_load(dir); }
/* The catalogs stay loaded for the life of the process: the command line and the printer
 * thread may still look texts up after the screens close. */
static inline void ui_catalog_free(void) {}
static inline int ui_lang_count(void) { return i18n_lang_count(); }
static inline const char *ui_lang_code(int lang) { return i18n_lang_code(lang); }
static inline int ui_lang_find(const char *code) { return i18n_lang_find(code); }
static inline const char *ui_tr(int lang, const char *msgid) { return i18n_tr(lang, msgid); }

#endif
