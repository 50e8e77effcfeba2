/* SPDX-License-Identifier: MIT */
/* Unit tests of the texts people read (core/i18n.h, core/catalog.c): every value of every
 * enum a person can see, in every language whose catalog the build compiled, has a text
 * that is there, not empty and (outside English) translated; and a pseudo-language built
 * from po/vkhid.pot, where every translation is its English text in ⟦ ⟧, proves that each
 * of those texts comes from the catalog -- so a translator's new po/LANG.po translates them
 * all without touching C.
 *
 * A new enum with texts adds one line to `enums` below. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "badge/printmsg.h"
#include "badge/reprint.h"
#include "core/checkin.h"
#include "core/i18n.h"
#include "door/door.h"
#include "core/import.h"
#include "ui/screen.h"

/* Values first..count-1 of an enum and the function giving the text of one in a language. */
struct enum_texts {
	const char *what;
	int first, count;
	const char *(*text)(int lang, int value);
};

static const struct enum_texts enums[] = {
	{ "check-in outcome (title)", 0, CI_OUTCOME_COUNT, checkin_outcome_title_in },
	{ "check-in outcome (advice)", 0, CI_OUTCOME_COUNT, checkin_outcome_advice_in },
	{ "check-in outcome (for staff)", 0, CI_OUTCOME_COUNT, checkin_outcome_short_in },
	{ "printer state", 0, PRINTER_STATE_COUNT, printq_state_text_in },
	/* READY needs nothing done */
	{ "printer state (what to do)", PRINTER_READY + 1, PRINTER_STATE_COUNT, printq_state_advice_in },
	{ "import problem", IMP_R_NO_NAME, IMP_R_COUNT, import_reason_text_in },
	{ "camera state", 0, UI_SCANNER_COUNT, ui_scanner_text_in },
	{ "reprint verdict", 0, BADGE_REPRINT_COUNT, badge_reprint_text_in },
	{ "door problem", 0, DOOR_PROBLEM_COUNT, door_problem_text_in },
};

/* Texts that are the same words in English and in another language. */
static const char *const same_everywhere[] = { "OK", "PIN" };

static int same_ok(const char *t)
{
	for (size_t i = 0; i < sizeof same_everywhere / sizeof same_everywhere[0]; i++)
		if (strcmp(t, same_everywhere[i]) == 0)
			return 1;
	return 0;
}

/* The number of problems found in language lang, each printed. A text is missing when it
 * is NULL or empty or what the function gives for a value out of range (its fallback:
 * "?", "Printer state unknown"...); untranslated when, outside English, it is the English. */
static int check_lang(int lang, const char *mark)
{
	int bad = 0;

	for (size_t e = 0; e < sizeof enums / sizeof enums[0]; e++) {
		const struct enum_texts *k = &enums[e];
		const char *fallback = k->text(lang, k->count + 1000);
		for (int v = k->first; v < k->count; v++) {
			const char *t = k->text(lang, v), *en = k->text(VK_LANG_EN, v);
			const char *why = NULL;
			if (!t || !*t)
				why = "no text";
			else if (fallback && strcmp(t, fallback) == 0)
				why = "the text for an unknown value";
			else if (lang != VK_LANG_EN && strcmp(t, en) == 0 && !same_ok(t))
				why = "not translated (the English text)";
			else if (mark && strncmp(t, mark, strlen(mark)) != 0)
				why = "not from the catalog";
			if (why) {
				print_message("%s %d in '%s': %s: \"%s\"\n", k->what, v, i18n_lang_code(lang),
					      why, t ? t : "(null)");
				bad++;
			}
		}
	}
	return bad;
}

/* The catalogs the build compiled (BUILD/locale, found beside the test as the program finds
 * its own): English and Ukrainian at least, every enum text in each. */
static void test_every_enum_every_language(void **state)
{
	int bad = 0;
	(void)state;

	i18n_free();
	assert_true(i18n_load(NULL) >= 2);
	assert_int_equal(i18n_lang_find("uk_UA.UTF-8"), VK_LANG_UK);
	for (int l = 0; l < i18n_lang_count(); l++)
		bad += check_lang(l, NULL);
	assert_int_equal(bad, 0);
}

/* The language of the process follows the catalogs: Ukrainian through _(). */
static void test_current_language(void **state)
{
	(void)state;
	i18n_load(NULL);
	i18n_set_lang(i18n_lang_find("uk"));
	assert_string_equal(_("Printer cover open"), "Кришка принтера відкрита");
	assert_string_equal(printq_state_text(PRINTER_COVER_OPEN), "Кришка принтера відкрита");
	/* no catalog, no such language: English */
	assert_int_equal(i18n_lang_find("tlh"), -1);
	i18n_set_lang(99);
	assert_int_equal(i18n_lang(), VK_LANG_EN);
	assert_string_equal(printq_state_text(PRINTER_COVER_OPEN), "Printer cover open");
	assert_int_equal(i18n_lang_find("C"), VK_LANG_EN);
	assert_int_equal(i18n_lang_find("ua"), VK_LANG_UK);
}

/* A count takes the form its language asks for: Ukrainian has three (1 квиток, 2 квитки,
 * 5 квитків; 11-14 take the third, 21 the first again), English two; a text no catalog
 * holds falls back to the English pair. */
static void test_plural_forms(void **state)
{
	static const struct { unsigned long n; const char *uk; } cases[] = {
		{ 1, "квиток" }, { 2, "квитки" }, { 4, "квитки" }, { 5, "квитків" },
		{ 11, "квитків" }, { 12, "квитків" }, { 14, "квитків" }, { 21, "квиток" },
		{ 22, "квитки" }, { 25, "квитків" }, { 111, "квитків" }, { 0, "квитків" },
	};
	const char *sg = "vkhid: %lld ticket could not be drawn as QR\n";
	const char *pl = "vkhid: %lld tickets could not be drawn as QR\n";
	int uk;
	(void)state;

	i18n_load(NULL);
	uk = i18n_lang_find("uk");
	assert_int_equal(uk, VK_LANG_UK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *t = i18n_ntr(uk, sg, pl, cases[i].n);
		if (!strstr(t, cases[i].uk))
			fail_msg("%lu: \"%s\" lacks \"%s\"", cases[i].n, t, cases[i].uk);
	}
	assert_string_equal(i18n_ntr(VK_LANG_EN, sg, pl, 1), sg);
	assert_string_equal(i18n_ntr(VK_LANG_EN, sg, pl, 2), pl);
	assert_string_equal(i18n_ntr(uk, "%d no such text", "%d no such texts", 5), "%d no such texts");
	i18n_set_lang(uk);
	assert_non_null(strstr(_n(sg, pl, 3), "квитки"));
	i18n_set_lang(VK_LANG_EN);
}

/* po/vkhid.pot, from the top of the source tree (where tests/run.sh runs) or from the
 * test's own place (BUILD/asan/tests/ -> three levels up). */
static int find_pot(char *out, size_t cap) /* cap: PATH_MAX */
{
	char exe[PATH_MAX - 32];
	ssize_t n;

	snprintf(out, cap, "po/vkhid.pot");
	if (access(out, R_OK) == 0)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = '\0';
	}
	snprintf(out, cap, "%s/po/vkhid.pot", exe);
	return access(out, R_OK) == 0 ? 0 : -1;
}

/* A language "xx" compiled from the template with every translation marked (each line of
 * it in ⟦ ⟧): every enum text in "xx" must come out marked, through i18n_tr and _(). */
static void test_pseudo_language(void **state)
{
	char pot[PATH_MAX], dir[] = "/tmp/vkhid-i18n.XXXXXX", cmd[3 * PATH_MAX];
	(void)state;

	assert_int_equal(find_pot(pot, sizeof pot), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/xx/LC_MESSAGES && msgen '%s' 2>/dev/null | msgfilter --keep-header -o %s/xx.po"
		 " sed -e 's/^\\(.\\)/⟦\\1/' -e 's/\\(.\\)$/\\1⟧/'"
		 " && msgfmt -o %s/xx/LC_MESSAGES/vkhid.mo %s/xx.po",
		 dir, pot, dir, dir, dir);
	assert_int_equal(system(cmd), 0);

	i18n_load(dir);
	int xx = i18n_lang_find("xx");
	assert_true(xx > 0);
	assert_int_equal(check_lang(xx, "⟦"), 0);
	i18n_set_lang(xx);
	assert_string_equal(printq_state_text(PRINTER_PAUSED), "⟦The printer is paused⟧");
	assert_string_equal(import_reason_text(IMP_R_NO_NAME),
			    "⟦row without a name, skipped: add a name or delete the row⟧");

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	i18n_free();
	i18n_set_lang(VK_LANG_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_enum_every_language),
		cmocka_unit_test(test_current_language),
		cmocka_unit_test(test_plural_forms),
		cmocka_unit_test(test_pseudo_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
