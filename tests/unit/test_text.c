/* SPDX-License-Identifier: MIT */
/* Unit tests of core/text.c and core/i18n.c: UTF-8 validation at the edges RFC 3629
 * draws (overlongs, surrogates, past U+10FFFF, cut sequences) and at every position of
 * the eight-byte fast path; the Windows-1251 table against glibc's iconv (an independent
 * table, not ours); cutting that never splits a character; the search key against
 * examples from the official table of the Ukrainian romanisation of 2010; the encoding
 * guess; random bytes through everything under AddressSanitizer; and the language choice
 * from the environment. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "core/text.h"

/* Random bytes without rand(): a fixed sequence, so a failure can be replayed. */
static uint32_t lcg_state = 12345;
static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state >> 8;
}

/* ---- UTF-8 validation ---------------------------------------------------------------- */

static void test_utf8_valid_edges(void **state)
{
	static const struct { const char *s; size_t n; int ok; } cases[] = {
		{ "", 0, 1 },
		{ "plain ascii", 11, 1 },
		{ "\xD0\x9E\xD0\xBB\xD0\xB5\xD0\xBA\xD1\x81\xD0\xB0\xD0\xBD\xD0\xB4\xD1\x80", 18, 1 },
		{ "\xE2\x80\x99", 3, 1 },         /* ’ */
		{ "\xF0\x9F\x98\x80", 4, 1 },     /* emoji, U+1F600 */
		{ "\xF4\x8F\xBF\xBF", 4, 1 },     /* U+10FFFF, the last */
		{ "\x00", 1, 1 },                 /* NUL is UTF-8; the importer handles it */
		{ "\xC0\x80", 2, 0 },             /* overlong NUL */
		{ "\xC1\xBF", 2, 0 },             /* overlong */
		{ "\xE0\x80\xAF", 3, 0 },         /* overlong "/" */
		{ "\xF0\x80\x80\xAF", 4, 0 },     /* overlong */
		{ "\xED\xA0\x80", 3, 0 },         /* surrogate D800 */
		{ "\xED\xBF\xBF", 3, 0 },         /* surrogate DFFF */
		{ "\xF4\x90\x80\x80", 4, 0 },     /* U+110000 */
		{ "\xF5\x80\x80\x80", 4, 0 },
		{ "\xFF", 1, 0 },
		{ "\x80", 1, 0 },                 /* lone continuation */
		{ "\xD0", 1, 0 },                 /* cut sequence */
		{ "\xE2\x80", 2, 0 },
		{ "\xCF\xF0", 2, 0 },             /* "Пр" in Windows-1251 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(text_utf8_valid(cases[i].s, cases[i].n), cases[i].ok);
	/* len counts, not the NUL: a bad byte after an early NUL is still seen. */
	assert_int_equal(text_utf8_valid("ab\0\xFF", 4), 0);
}

static void test_utf8_valid_every_position(void **state)
{
	char buf[40];
	(void)state;
	/* A bad byte at every offset, and a good two-byte letter straddling every
	 * eight-byte boundary of the fast path. */
	for (size_t pos = 0; pos < sizeof buf; pos++) {
		memset(buf, 'a', sizeof buf);
		buf[pos] = (char)0xFF;
		assert_int_equal(text_utf8_valid(buf, sizeof buf), 0);
		if (pos + 1 < sizeof buf) {
			memset(buf, 'a', sizeof buf);
			buf[pos] = (char)0xD0;
			buf[pos + 1] = (char)0x9E;
			assert_int_equal(text_utf8_valid(buf, sizeof buf), 1);
			/* and the same sequence cut by len */
			assert_int_equal(text_utf8_valid(buf, pos + 1), 0);
		}
	}
}

static void test_utf8_fix(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(text_utf8_fix(out, sizeof out, "a\xFF" "b\0c", 5), 2);
	assert_string_equal(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
	assert_int_equal(text_utf8_fix(out, sizeof out, "\xD0\x86\xD0\xB2", 4), 0);
	assert_string_equal(out, "Ів");
	/* Windows-1251 "Іван" inside UTF-8: each bad byte becomes one U+FFFD. */
	assert_int_equal(text_utf8_fix(out, sizeof out, "\xB2\xE2\xE0\xED", 4), 4);
	assert_int_equal(strlen(out), 12);
	assert_int_equal(text_utf8_valid(out, strlen(out)), 1);
	/* Too small: cut whole, still valid. */
	assert_int_equal(text_utf8_fix(out, 6, "\xD0\x86\xD0\xB2\xD0\xB0", 6), 0);
	assert_string_equal(out, "Ів");
	text_utf8_fix(out, 3, "\xFF\xFF", 2);
	assert_string_equal(out, "");
}

/* ---- Windows-1251 ---------------------------------------------------------------------- */

static void test_cp1251_against_iconv(void **state)
{
	iconv_t cd = iconv_open("UTF-8", "CP1251");
	(void)state;
	if (cd == (iconv_t)-1)
		skip();
	for (int b = 0x01; b <= 0xFF; b++) {
		char in[1] = { (char)b }, want[8] = { 0 }, *ip = in, *op = want;
		size_t il = 1, ol = sizeof want - 1, n;
		char *got;
		if (b == 0x98)
			continue; /* unassigned: glibc refuses it, we give U+FFFD (below) */
		assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
		got = text_cp1251_to_utf8(in, 1, &n);
		assert_non_null(got);
		assert_int_equal(n, strlen(want));
		assert_memory_equal(got, want, n);
		free(got);
	}
	iconv_close(cd);
}

static void test_cp1251_letters(void **state)
{
	/* "Ґґ Єє Іі Її ’ «» №" and "Прізвище" in Windows-1251 */
	static const char in[] = "\xA5\xB4 \xAA\xBA \xB2\xB3 \xAF\xBF \x92 \xAB\xBB \xB9 "
				 "\xCF\xF0\xB3\xE7\xE2\xE8\xF9\xE5 \x98";
	size_t n;
	char *s = text_cp1251_to_utf8(in, sizeof in - 1, &n);
	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "Ґґ Єє Іі Її ’ «» № Прізвище \xEF\xBF\xBD");
	assert_int_equal(n, strlen(s));
	free(s);
	s = text_cp1251_to_utf8("", 0, &n);
	assert_non_null(s);
	assert_int_equal(n, 0);
	free(s);
}

static void test_guess_cp1251(void **state)
{
	static const char cyr[] = "\xCF\xF0\xB3\xE7\xE2\xE8\xF9\xE5;\xB2\xEC'\xFF\r\n"
				  "\xD8\xE5\xE2\xF7\xE5\xED\xEA\xEE;\xD2\xE0\xF0\xE0\xF1\r\n";
	static const char utf8_one_bad[] = "Прізвище;Ім'я\nШевченко;Тарас\nКоваль;\xC0\xED\xED\xE0\n";
	char bin[4096];
	(void)state;
	assert_int_equal(text_guess_cp1251(cyr, sizeof cyr - 1), 1);
	assert_int_equal(text_guess_cp1251(utf8_one_bad, sizeof utf8_one_bad - 1), 0);
	assert_int_equal(text_guess_cp1251("plain", 5), 0);
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (char)lcg();
	assert_int_equal(text_guess_cp1251(bin, sizeof bin), 0);
	assert_int_equal(text_guess_cp1251(NULL, 0), 0);
}

/* ---- copy, trim, fold ---------------------------------------------------------------- */

static void test_copy_cuts_whole(void **state)
{
	char out[16];
	(void)state;
	text_copy(out, sizeof out, "Привіт");  /* 12 bytes: fits */
	assert_string_equal(out, "Привіт");
	text_copy(out, 4, "Привіт");           /* 3 bytes of room: one letter, not 1.5 */
	assert_string_equal(out, "П");
	text_copy(out, 2, "Привіт");
	assert_string_equal(out, "");
	text_copy(out, 5, "ab\xF0\x9F\x98\x80");
	assert_string_equal(out, "ab");
	text_copy(out, sizeof out, NULL);
	assert_string_equal(out, "");
	text_copy(NULL, 10, "x");   /* no crash */
	out[0] = 'z';
	text_copy(out, 0, "x");     /* nothing written */
	assert_int_equal(out[0], 'z');
	/* Every cap gives valid UTF-8 that is a prefix. */
	for (size_t cap = 1; cap < 16; cap++) {
		text_copy(out, cap, "Їжак’s 😀 day");
		assert_int_equal(text_utf8_valid(out, strlen(out)), 1);
		assert_true(strlen(out) < cap);
		assert_memory_equal(out, "Їжак’s 😀 day", strlen(out));
	}
}

static void test_trim(void **state)
{
	char s[64];
	(void)state;
	strcpy(s, " \t\xC2\xA0 Тарас Шевченко\r\n\xC2\xA0");
	text_trim(s);
	assert_string_equal(s, "Тарас Шевченко");
	strcpy(s, " \xC2\xA0\t ");
	text_trim(s);
	assert_string_equal(s, "");
	strcpy(s, "x");
	text_trim(s);
	assert_string_equal(s, "x");
	text_trim(NULL);
}

static void test_fold(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(text_fold("  ОЛЕКСАНДР   Ґонта\tІЇЄ ", out, sizeof out),
			 strlen("олександр ґонта іїє"));
	assert_string_equal(out, "олександр ґонта іїє");
	text_fold("Мар’яна Мар'яна Марʼяна O'Brien", out, sizeof out);
	assert_string_equal(out, "маряна маряна маряна obrien");
	/* Latin marks fold to the base letters (muller finds Müller); Cyrillic й ї ё keep theirs */
	text_fold("ÀÉÎ Ёж", out, sizeof out);
	assert_string_equal(out, "aei ёж");
	text_fold("Müller Łódź Straße Novák Й Ї", out, sizeof out);
	assert_string_equal(out, "muller lodz strasse novak й ї");
	text_fold("Олександр", out, 6); /* 5 bytes of room: two letters */
	assert_string_equal(out, "ол");
	text_fold(NULL, out, sizeof out);
	assert_string_equal(out, "");
}

/* ---- the search key ------------------------------------------------------------------ */

static void test_search_key_example(void **state)
{
	char key[512];
	(void)state;
	text_search_key("Олександр", "Скалозуб", "Олександр Скалозуб", key, sizeof key);
	assert_string_equal(key, "олександр скалозуб oleksandr skalozub");
	/* apostrophes of all kinds drop, in both halves */
	text_search_key("Мар’яна", "Обʼєднана", NULL, key, sizeof key);
	assert_string_equal(key, "маряна обєднана mariana obiednana");
	text_search_key("John", "O'Neil", "John O'Neil", key, sizeof key);
	assert_string_equal(key, "john oneil");
	/* a display name that says something else is searchable too */
	text_search_key("Олександр", "Скалозуб", "Саша", key, sizeof key);
	assert_string_equal(key, "олександр скалозуб саша oleksandr skalozub sasha");
	/* mixed: only the Cyrillic word is romanised */
	text_search_key("Іван", "Smith", NULL, key, sizeof key);
	assert_string_equal(key, "іван smith ivan");
	text_search_key(NULL, NULL, NULL, key, sizeof key);
	assert_string_equal(key, "");
	text_search_key("", "", "Тарас", key, sizeof key);
	assert_string_equal(key, "тарас taras");
}

/* Examples from the official table of the resolution of the Cabinet of Ministers of
 * Ukraine No. 55 of 27 January 2010. */
static void test_romanisation_official(void **state)
{
	static const struct { const char *uk, *lat; } ex[] = {
		{ "Алушта", "alushta" }, { "Борщагівка", "borshchahivka" },
		{ "Вишгород", "vyshhorod" }, { "Гадяч", "hadiach" }, { "Згорани", "zghorany" },
		{ "Ґалаґан", "galagan" }, { "Ґорґани", "gorgany" }, { "Донецьк", "donetsk" },
		{ "Рівне", "rivne" }, { "Єнакієве", "yenakiieve" }, { "Гаєвич", "haievych" },
		{ "Короп’є", "koropie" }, { "Житомир", "zhytomyr" },
		{ "Запоріжжя", "zaporizhzhia" }, { "Медвин", "medvyn" }, { "Іршава", "irshava" },
		{ "Їжакевич", "yizhakevych" }, { "Кадиївка", "kadyivka" },
		{ "Йосипівка", "yosypivka" }, { "Стрий", "stryi" }, { "Олексій", "oleksii" },
		{ "Київ", "kyiv" }, { "Лебедин", "lebedyn" }, { "Миколаїв", "mykolaiv" },
		{ "Ніжин", "nizhyn" }, { "Одеса", "odesa" }, { "Полтава", "poltava" },
		{ "Ромни", "romny" }, { "Суми", "sumy" }, { "Тетерів", "teteriv" },
		{ "Ужгород", "uzhhorod" }, { "Фастів", "fastiv" }, { "Харків", "kharkiv" },
		{ "Біла Церква", "bila tserkva" }, { "Чернівці", "chernivtsi" },
		{ "Шостка", "shostka" }, { "Гоща", "hoshcha" }, { "Русь", "rus" },
		{ "Юрій", "yurii" }, { "Крюківка", "kriukivka" }, { "Яготин", "yahotyn" },
		{ "Ічня", "ichnia" }, { "Знам’янка", "znamianka" }, { "Розгон", "rozghon" },
		{ "Щербухи", "shcherbukhy" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		char key[256], folded[128], want[256];
		text_fold(ex[i].uk, folded, sizeof folded);
		snprintf(want, sizeof want, "%s %s", folded, ex[i].lat);
		text_search_key(NULL, NULL, ex[i].uk, key, sizeof key);
		assert_string_equal(key, want);
	}
}

static void test_search_key_cap(void **state)
{
	char big[128], key[512];
	(void)state;
	/* 63 "щ" = 126 bytes, romanised to 252: the key is cut whole at its cap */
	for (int i = 0; i < 63; i++)
		memcpy(big + 2 * i, "щ", 2);
	big[126] = '\0';
	for (size_t cap = 1; cap < 40; cap++) {
		memset(key, 'x', sizeof key);
		text_search_key(big, big, big, key, cap);
		assert_true(strlen(key) < cap);
		assert_int_equal(text_utf8_valid(key, strlen(key)), 1);
	}
	text_search_key(big, big, NULL, key, sizeof key);
	assert_true(strlen(key) < sizeof key);
	assert_non_null(strstr(key, " shchshch"));
}

/* ---- hostile input ------------------------------------------------------------------- */

static void test_random_bytes(void **state)
{
	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t n = lcg() % 300, outn;
		char *in = malloc(n + 1), fixed[1024], key[64], folded[80], copy[17];
		char *conv;
		for (size_t i = 0; i < n; i++)
			in[i] = (char)(round % 3 ? lcg() : 0x80 + lcg() % 0x80);
		in[n] = '\0';
		(void)text_utf8_valid(in, n);
		(void)text_guess_cp1251(in, n);
		text_utf8_fix(fixed, sizeof fixed, in, n);
		assert_int_equal(text_utf8_valid(fixed, strlen(fixed)), 1);
		conv = text_cp1251_to_utf8(in, n, &outn);
		assert_non_null(conv);
		assert_int_equal(text_utf8_valid(conv, outn), 1);
		free(conv);
		text_fold(in, folded, sizeof folded);
		assert_int_equal(text_utf8_valid(folded, strlen(folded)), 1);
		text_search_key(in, in, in, key, sizeof key);
		assert_int_equal(text_utf8_valid(key, strlen(key)), 1);
		text_copy(copy, sizeof copy, fixed);
		text_trim(copy);
		free(in);
	}
}

/* ---- language ------------------------------------------------------------------------ */

/* Must run first: the language is read from the environment once. */
static void test_lang_from_env(void **state)
{
	(void)state;
	unsetenv("VKHID_LANG");
	unsetenv("LC_MESSAGES");
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("LANG", "uk_UA.UTF-8", 1);
	/* LC_ALL outranks LANG, as in POSIX */
	assert_int_equal(i18n_lang(), VK_LANG_EN);
	/* cached: a later change of the environment does not flip screens mid-event */
	setenv("LC_ALL", "uk_UA.UTF-8", 1);
	assert_int_equal(i18n_lang(), VK_LANG_EN);
	i18n_set_lang(VK_LANG_UK);
	assert_int_equal(i18n_lang(), VK_LANG_UK);
	assert_string_equal(_("Printer cover open"), "Кришка принтера відкрита");
	i18n_set_lang((enum vk_lang)7);
	assert_int_equal(i18n_lang(), VK_LANG_EN);
	assert_string_equal(_("Printer cover open"), "Printer cover open");
}

/* ---- hygiene: text_clean (issue 10, defect 11) -------------------------------------- */

static const char *clean(const char *s)
{
	static char out[256];
	text_clean(out, sizeof out, s, strlen(s));
	return out;
}

/* A letter and its combining mark give the precomposed letter Unicode's NFC gives
 * (pairs checked against the Unicode Character Database's decomposition mappings). */
static void test_clean_composes(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{ "e\xCC\x81", "\xC3\xA9" },                 /* e + acute = é U+00E9 */
		{ "A\xCC\x8A", "\xC3\x85" },                 /* A + ring = Å U+00C5 */
		{ "n\xCC\x83", "\xC3\xB1" },                 /* n + tilde = ñ U+00F1 */
		{ "y\xCC\x88", "\xC3\xBF" },                 /* y + diaeresis = ÿ U+00FF */
		{ "Z\xCC\x8C", "\xC5\xBD" },                 /* Z + caron = Ž U+017D */
		{ "s\xCC\xA7", "\xC5\x9F" },                 /* s + cedilla = ş U+015F */
		{ "g\xCC\x86", "\xC4\x9F" },                 /* g + breve = ğ U+011F */
		{ "o\xCC\x8B", "\xC5\x91" },                 /* o + double acute = ő U+0151 */
		{ "\xD0\xB8\xCC\x86", "\xD0\xB9" },          /* и + breve = й U+0439 */
		{ "\xD0\x98\xCC\x86", "\xD0\x99" },          /* И + breve = Й U+0419 */
		{ "\xD1\x96\xCC\x88", "\xD1\x97" },          /* і + diaeresis = ї U+0457 */
		{ "\xD0\x86\xCC\x88", "\xD0\x87" },          /* І + diaeresis = Ї U+0407 */
		{ "\xD0\xB5\xCC\x88", "\xD1\x91" },          /* е + diaeresis = ё U+0451 */
		{ "\xD0\xA3\xCC\x86", "\xD0\x8E" },          /* У + breve = Ў U+040E */
		/* no precomposed form: left as written */
		{ "q\xCC\x81", "q\xCC\x81" },
		{ "\xD0\xB5\xCC\x81", "\xD0\xB5\xCC\x81" },  /* Cyrillic е + acute (stress mark) */
		{ "\xCC\x86x", "\xCC\x86x" },                /* a mark with no letter before it */
		{ "\xC3\xA9\xCC\x81", "\xC3\xA9\xCC\x81" },  /* é + acute: one composition only */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(clean(cases[i].in), cases[i].want);
	assert_string_equal(clean("Андр\xD1\x96\xD0\xB8\xCC\x86 \xD0\x86\xCC\x88\xD0\xB6\xD0\xB0"
				  "\xD0\xBA\xD1\x96\xD0\xB2"), "Андрій Їжаків");
	/* The search folds both spellings alike, so a typed "й" finds a stored и + breve. */
	char a[64], b[64];
	text_fold("Андр\xD1\x96\xD0\xB8\xCC\x86", a, sizeof a);
	text_fold("Андрій", b, sizeof b);
	assert_string_equal(a, b);
}

/* Zero-width characters, BOMs, the soft hyphen and every bidi control vanish; control
 * characters and odd spaces become one space; the ends are trimmed. */
static void test_clean_invisible_and_spaces(void **state)
{
	(void)state;
	static const uint32_t invisible[] = {
		0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B,
		0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067,
		0x2068, 0x2069, 0xFEFF,
	};
	static const uint32_t spaces[] = {
		0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x85, 0x9F, 0xA0, 0x1680, 0x2000, 0x2003, 0x200A,
		0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
	};
	char in[64], enc[8], fold[64];

	for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
		uint32_t cp = invisible[i];
		snprintf(enc, sizeof enc, "%c%c%c", cp < 0x800 ? 0xC0 | cp >> 6 : 0xE0 | cp >> 12,
			 cp < 0x800 ? 0x80 | (cp & 0x3F) : 0x80 | (cp >> 6 & 0x3F),
			 cp < 0x800 ? 0 : 0x80 | (cp & 0x3F));
		snprintf(in, sizeof in, "%sКо%sваль%s", enc, enc, enc);
		assert_string_equal(clean(in), "Коваль");
		text_fold(in, fold, sizeof fold);
		assert_string_equal(fold, "коваль");
	}
	for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
		uint32_t cp = spaces[i];
		if (cp < 0x80)
			snprintf(enc, sizeof enc, "%c", (int)cp);
		else if (cp < 0x800)
			snprintf(enc, sizeof enc, "%c%c", 0xC0 | cp >> 6, 0x80 | (cp & 0x3F));
		else
			snprintf(enc, sizeof enc, "%c%c%c", 0xE0 | cp >> 12, 0x80 | (cp >> 6 & 0x3F),
				 0x80 | (cp & 0x3F));
		snprintf(in, sizeof in, "%sОлена%s %sПчілка%s", enc, enc, enc, enc);
		assert_string_equal(clean(in), "Олена Пчілка");
	}
	/* what is shown is what is stored: RLO + "акчілП" would print "Пчілка" */
	assert_string_equal(clean("\xE2\x80\xAE" "акчілП"), "акчілП");
	assert_string_equal(clean(""), "");
	assert_string_equal(clean(" \xE2\x80\x8B "), "");
	/* a cut never splits a letter, a composed one included */
	char small[6];
	assert_int_equal(text_clean(small, 5, "ab\xD0\xB8\xCC\x86" "c", 7), 4);
	assert_string_equal(small, "ab\xD0\xB9");
	assert_int_equal(text_clean(small, 4, "ab\xD0\xB9", 4), 2);
}

/* Random bytes, repaired, then cleaned: always valid UTF-8, never longer than the input,
 * and cleaning twice changes nothing (the stored form is stable). */
static void test_clean_random(void **state)
{
	(void)state;
	char raw[64], fixed[256], once[256], twice[256];

	for (int round = 0; round < 20000; round++) {
		size_t n = lcg() % sizeof raw;
		for (size_t i = 0; i < n; i++) {
			uint32_t r = lcg();
			/* mostly the bytes of marks, invisibles and Cyrillic */
			static const char marks[] = "\xCC\x86\x88\xE2\x80\x8B\xAE\xD0\xB8 \t";
			static const char more[] = "\xD1\x96\xEF\xBB\xBF\xC2\xA0\xCD\xAF" "e";
			if (r % 3 == 0)
				raw[i] = marks[r % (sizeof marks - 1)];
			else if (r % 3 == 1)
				raw[i] = more[r % (sizeof more - 1)];
			else
				raw[i] = (char)(r >> 8);
		}
		text_utf8_fix(fixed, sizeof fixed, raw, n);
		size_t a = text_clean(once, sizeof once, fixed, strlen(fixed));
		assert_int_equal(a, strlen(once));
		assert_true(a <= strlen(fixed));
		assert_true(text_utf8_valid(once, a));
		assert_null(strstr(once, "\xE2\x80\x8B"));
		assert_null(strstr(once, "\xEF\xBB\xBF"));
		text_clean(twice, sizeof twice, once, a);
		assert_string_equal(once, twice);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_from_env),
		cmocka_unit_test(test_utf8_valid_edges),
		cmocka_unit_test(test_utf8_valid_every_position),
		cmocka_unit_test(test_utf8_fix),
		cmocka_unit_test(test_cp1251_against_iconv),
		cmocka_unit_test(test_cp1251_letters),
		cmocka_unit_test(test_guess_cp1251),
		cmocka_unit_test(test_copy_cuts_whole),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_search_key_example),
		cmocka_unit_test(test_romanisation_official),
		cmocka_unit_test(test_search_key_cap),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_clean_composes),
		cmocka_unit_test(test_clean_invisible_and_spaces),
		cmocka_unit_test(test_clean_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
