/* SPDX-License-Identifier: MIT */
/* The process's current language and _() (i18n.h); the catalogs themselves are
 * core/catalog.c. The environment is read once, on first use, and cached: _() runs on every
 * redraw and getenv walks the whole environment. The cache is atomic because the UI,
 * camera and printer threads all format messages. */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/i18n.h"

/* -1 until decided. */
static atomic_int cur_lang = -1;

static int lang_from_env(void)
{
	static const char *const vars[] = { "VKHID_LANG", "LC_ALL", "LC_MESSAGES", "LANG" };

	/* The first variable that is set decides, as POSIX orders LC_ALL over
	 * LC_MESSAGES over LANG: LANG=uk_UA with LC_ALL=C means English. */
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			int l = i18n_lang_find(v);
			return l < 0 ? VK_LANG_EN : l;
		}
	}
	return VK_LANG_EN;
}

int i18n_lang(void)
{
	int l = atomic_load_explicit(&cur_lang, memory_order_relaxed);

	if (l < 0) {
		int unset = -1;
		l = lang_from_env();
		/* A concurrent i18n_set_lang() wins over the environment. */
		if (!atomic_compare_exchange_strong(&cur_lang, &unset, l))
			l = unset;
	}
	return l < i18n_lang_count() ? l : VK_LANG_EN;
}

void i18n_set_lang(int lang)
{
	atomic_store(&cur_lang, lang >= 0 && lang < i18n_lang_count() ? lang : VK_LANG_EN);
}

const char *i18n_text(const char *msgid)
{
	return i18n_tr(i18n_lang(), msgid);
}

const char *i18n_ntext(const char *singular, const char *plural, unsigned long n)
{
	return i18n_ntr(i18n_lang(), singular, plural, n);
}
