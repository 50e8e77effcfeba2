/* SPDX-License-Identifier: MIT */
/* The user's language (i18n.h). Messages are picked in place with TR(en, uk); this file
 * only decides which of the two applies. The environment is read once, on first use,
 * and cached: TR() runs on every screen redraw and getenv walks the whole environment.
 * The cache is atomic because the UI, camera and printer threads all format messages. */
#include <stdatomic.h>
#include <stdlib.h>
#include <strings.h>

#include "core/i18n.h"

/* -1 until decided. */
static atomic_int cur_lang = -1;

/* 1 when a locale or language value names Ukrainian ("uk", "uk_UA.UTF-8", "ua"). */
static int names_ukrainian(const char *v)
{
	return strncasecmp(v, "uk", 2) == 0 || strncasecmp(v, "ua", 2) == 0;
}

static enum vk_lang lang_from_env(void)
{
	static const char *const vars[] = { "VKHID_LANG", "LC_ALL", "LC_MESSAGES", "LANG" };

	/* The first variable that is set decides, as POSIX orders LC_ALL over
	 * LC_MESSAGES over LANG: LANG=uk_UA with LC_ALL=C means English. */
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return names_ukrainian(v) ? VK_LANG_UK : VK_LANG_EN;
	}
	return VK_LANG_EN;
}

/* The current language: set by i18n_set_lang(), else from the environment (read once). */
enum vk_lang i18n_lang(void)
{
	int l = atomic_load_explicit(&cur_lang, memory_order_relaxed);

	if (l < 0) {
		int unset = -1;
		l = (int)lang_from_env();
		/* A concurrent i18n_set_lang() wins over the environment. */
		if (!atomic_compare_exchange_strong(&cur_lang, &unset, l))
			l = unset;
	}
	return l == VK_LANG_UK ? VK_LANG_UK : VK_LANG_EN;
}

/* Overrides the language for the rest of the process (--lang, the organizer menu). */
void i18n_set_lang(enum vk_lang l)
{
	atomic_store(&cur_lang, l == VK_LANG_UK ? VK_LANG_UK : VK_LANG_EN);
}

/* Interim: the catalogs move here from ui/catalog.c; until then the English text. */
const char *i18n_text(const char *msgid)
{
	return msgid;
}
