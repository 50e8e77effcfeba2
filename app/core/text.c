/* SPDX-License-Identifier: MIT */
/* Text helpers of the app layer (text.h): UTF-8 validation and repair, Windows-1251 to
 * UTF-8, cutting at character boundaries, trimming, and the folding that makes names
 * searchable: lower case, apostrophes dropped, and Ukrainian Cyrillic romanised by the
 * national system of 2010 (Cabinet of Ministers resolution 55), so "Олександр" is found
 * by typing "oleksandr" on a Latin keyboard.
 *
 * Everything works on caller-provided buffers with explicit capacities; only
 * text_cp1251_to_utf8 allocates. Output is cut at a character boundary, never inside a
 * multi-byte sequence, so a cut string is still valid UTF-8.
 *
 * Sections: 1. decoding and encoding  2. validation and repair  3. Windows-1251
 *           4. copy and trim  5. folding  6. romanisation and the search key
 *           7. hygiene: invisible characters, odd spaces and composition */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* ---- 1. decoding and encoding ---------------------------------------------------------- */

/* Decodes the sequence at s (n > 0 bytes available). Returns its length and the code
 * point, or 0 when the bytes do not start a well-formed sequence (overlongs, surrogates
 * and values past U+10FFFF are not well-formed, per RFC 3629). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char b = s[0];

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xC2)
		return 0;
	if (b < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = (uint32_t)(b & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (b < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((b == 0xE0 && s[1] < 0xA0) || (b == 0xED && s[1] >= 0xA0))
			return 0;
		*cp = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if (b < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((b == 0xF0 && s[1] < 0x90) || (b == 0xF4 && s[1] >= 0x90))
			return 0;
		*cp = (uint32_t)(b & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
		      (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return 4;
	}
	return 0;
}

/* Encodes cp into out (room for 4 bytes); returns the length. */
size_t text_utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Appends the n bytes at s to out (length *len, capacity cap, room kept for the NUL) when
 * they fit whole; returns 0 when they did not, so callers stop at a character boundary. */
static int put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > cap)
		return 0;
	memcpy(out + *len, s, n);
	*len += n;
	return 1;
}

/* Section 7: what a name may not keep, and composition of a letter with its mark. */
static int is_invisible(uint32_t cp);
static int is_odd_space(uint32_t cp);
static size_t decode_composed(const unsigned char *s, size_t n, uint32_t *cp);

/* ---- 2. validation and repair ---------------------------------------------------------- */

/* 1 when the len bytes are well-formed UTF-8 (RFC 3629), else 0. NUL bytes count as
 * valid here; callers that store C strings check for them. */
int text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	uint32_t cp;

	if (!s)
		return len == 0;
	while (p < end) {
		/* Lists are mostly ASCII: skip eight plain bytes at a time. */
		while (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ull)
				break;
			p += 8;
		}
		if (p == end)
			break;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

/* Copies src to dst with NULs and bad bytes made U+FFFD, cut whole at cap; returns the
 * number of bytes replaced. */
size_t text_utf8_fix(char *dst, size_t cap, const char *src, size_t len)
{
	static const char fffd[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)src, *end = p + len;
	size_t out = 0, fixed = 0;
	uint32_t cp;

	if (!dst || cap == 0)
		return 0;
	while (p < end) {
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (n && cp != 0) {
			if (!put(dst, cap, &out, (const char *)p, n))
				break;
			p += n;
			continue;
		}
		/* One replacement per bad byte: a Windows-1251 word pasted into a UTF-8
		 * file keeps its length, which helps the reader see where it was. */
		if (!put(dst, cap, &out, fffd, 3))
			break;
		fixed++;
		p++;
	}
	dst[out] = '\0';
	return fixed;
}

/* ---- 3. Windows-1251 ------------------------------------------------------------------- */

/* Code points of bytes 0x80..0xBF (Microsoft's table; 0x98 is unassigned and becomes
 * U+FFFD). Bytes 0xC0..0xFF are А..я in order, U+0410..U+044F. */
static const uint16_t cp1251_high[64] = {
	0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, /* 80 Ђ Ѓ ‚ ѓ „ … † ‡ */
	0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F, /* 88 € ‰ Љ ‹ Њ Ќ Ћ Џ */
	0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90 ђ ‘ ’ “ ” • – — */
	0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, /* 98 ? ™ љ › њ ќ ћ џ */
	0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, /* A0 nbsp Ў ў Ј ¤ Ґ ¦ § */
	0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, /* A8 Ё © Є « ¬ shy ® Ї */
	0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, /* B0 ° ± І і ґ µ ¶ · */
	0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457, /* B8 ё № є » ј Ѕ ѕ ї */
};

static uint32_t cp1251_to_cp(unsigned char b)
{
	if (b < 0x80)
		return b;
	if (b >= 0xC0)
		return 0x0410u + (uint32_t)(b - 0xC0);
	return cp1251_high[b - 0x80];
}

/* Windows-1251 to UTF-8. Returns a malloc'd, NUL-terminated string the caller frees,
 * its length in *out_len, or NULL when out of memory. */
char *text_cp1251_to_utf8(const char *s, size_t len, size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t need = 0, n = 0;
	char *out, tmp[4];

	/* Two passes: the exact size first, so a 100 MB file does not reserve 300 MB. */
	for (size_t i = 0; i < len; i++)
		need += p[i] < 0x80 ? 1 : text_utf8_put(cp1251_to_cp(p[i]), tmp);
	out = malloc(need + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0x80)
			out[n++] = (char)p[i];
		else
			n += text_utf8_put(cp1251_to_cp(p[i]), out + n);
	}
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return out;
}

/* Bytes above 0x7F that Windows-1251 text is made of: А..я, Ґґ Єє Іі Її Ёё, and the
 * punctuation Word and Excel put in (’ « » № – — “ ” „ … nbsp). */
static int cp1251_plausible(unsigned char b)
{
	static const unsigned char extra[] = {
		0xA5, 0xB4, 0xAA, 0xBA, 0xB2, 0xB3, 0xAF, 0xBF, 0xA8, 0xB8,
		0x92, 0x91, 0xAB, 0xBB, 0xB9, 0x96, 0x97, 0x93, 0x94, 0x84, 0x85, 0xA0,
	};
	if (b >= 0xC0)
		return 1;
	return memchr(extra, b, sizeof extra) != NULL;
}

/* 1 when bytes that are not UTF-8 look like Windows-1251 text (see text.h). */
int text_guess_cp1251(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t valid_multi = 0, invalid = 0, high = 0, plausible = 0, ctrl = 0;
	uint32_t cp;

	if (!s)
		return 0;
	for (size_t i = 0; i < len;) {
		unsigned char b = p[i];
		size_t n;
		if (b < 0x80) {
			ctrl += b < 0x20 && b != '\t' && b != '\n' && b != '\r';
			i++;
			continue;
		}
		high++;
		plausible += cp1251_plausible(b);
		n = utf8_decode(p + i, len - i, &cp);
		if (n) {
			/* Count the rest of the sequence too: its bytes are high as well. */
			for (size_t k = 1; k < n; k++)
				plausible += cp1251_plausible(p[i + k]);
			high += n - 1;
			valid_multi++;
			i += n;
		} else {
			invalid++;
			i++;
		}
	}
	return invalid > valid_multi && plausible * 10 >= high * 9 && ctrl * 100 <= len;
}

/* ---- 4. copy and trim ------------------------------------------------------------------ */

/* Copies src (NULL is "") into dst of capacity cap, cut at a character boundary;
 * always terminates when cap > 0; dst and src may overlap. */
void text_copy(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (!dst || cap == 0)
		return;
	if (!src)
		src = "";
	n = strnlen(src, cap);
	if (n == cap) {
		/* Too long: back off to the lead byte of the character that straddles the
		 * cut, so what stays is whole characters. */
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memmove(dst, src, n);
	dst[n] = '\0';
}

static int ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims ASCII white space and no-break spaces at both ends of s, in place. */
void text_trim(char *s)
{
	size_t start = 0, end;

	if (!s)
		return;
	end = strlen(s);
	for (;;) {
		if (start < end && ascii_space((unsigned char)s[start]))
			start++;
		else if (end - start >= 2 && (unsigned char)s[start] == 0xC2 &&
			 (unsigned char)s[start + 1] == 0xA0)
			start += 2;
		else
			break;
	}
	for (;;) {
		if (end > start && ascii_space((unsigned char)s[end - 1]))
			end--;
		else if (end - start >= 2 && (unsigned char)s[end - 2] == 0xC2 &&
			 (unsigned char)s[end - 1] == 0xA0)
			end -= 2;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
}

/* ---- 5. folding ------------------------------------------------------------------------ */

/* The apostrophes people type in Ukrainian names: ' ’ ʼ ‘ ` ´ ′. */
static int is_apostrophe(uint32_t cp)
{
	return cp == 0x27 || cp == 0x2019 || cp == 0x02BC || cp == 0x2018 || cp == 0x60 ||
	       cp == 0xB4 || cp == 0x2032;
}

static int is_space_cp(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x3000;
}

uint32_t text_lower_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp >= 0x0410 && cp <= 0x042F)
		return cp + 0x20;
	if (cp >= 0x0400 && cp <= 0x040F)
		return cp + 0x50;
	if (cp == 0x0490)
		return 0x0491;
	return cp;
}

uint32_t text_upper_cp(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		return cp - 32;
	if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
		return cp - 32;
	if (cp >= 0x0430 && cp <= 0x044F)
		return cp - 0x20;
	if (cp >= 0x0450 && cp <= 0x045F)
		return cp - 0x50;
	if (cp == 0x0491)
		return 0x0490;
	return cp;
}

uint32_t text_utf8_next(const char **p)
{
	uint32_t cp;
	/* strnlen: utf8_decode may look at up to 4 bytes, never past the NUL */
	size_t n = utf8_decode((const unsigned char *)*p, strnlen(*p, 4), &cp);

	if (!n) {
		*p += 1;
		return 0xFFFD;
	}
	*p += n;
	return cp;
}

void text_utf8_pop(char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		n--;
		if (((unsigned char)s[n] & 0xC0) != 0x80)
			break;
	}
	s[n] = '\0';
}

void text_upper_char(const char *ch, char *out, size_t cap)
{
	const char *p = ch;
	char enc[5];

	if (*p) {
		uint32_t cp = text_utf8_next(&p);
		if (!*p && cp != 0xFFFD) {
			enc[text_utf8_put(text_upper_cp(cp), enc)] = '\0';
			ch = enc;
		}
	}
	text_copy(out, cap, ch);
}

/* The comparison form of s (see text.h): lower case, no apostrophes, single spaces.
 * Returns the length written into out. */
/* The base letters of a Latin letter with a diacritic (Latin-1 and Latin Extended-A,
 * either case): "muller" must find Müller, "chloe" Chloé, "novak" Novák, "lodz" Łódź.
 * NULL for every other character (Cyrillic й and ї keep their marks: they are letters of
 * their own). */
static const char *latin_base(uint32_t cp)
{
	/* U+00C0..U+00FF, lower and upper case alike; "" = not a letter with a base */
	static const char *const l1[32] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	};
	/* U+0100..U+017F in runs: each run's first code point and base */
	static const struct { uint32_t from; const char *base; } ext[] = {
		{ 0x100, "a" }, { 0x106, "c" }, { 0x10E, "d" }, { 0x112, "e" }, { 0x11C, "g" },
		{ 0x124, "h" }, { 0x128, "i" }, { 0x132, "ij" }, { 0x134, "j" }, { 0x136, "k" },
		{ 0x139, "l" }, { 0x143, "n" }, { 0x14C, "o" }, { 0x152, "oe" }, { 0x154, "r" },
		{ 0x15A, "s" }, { 0x162, "t" }, { 0x168, "u" }, { 0x174, "w" }, { 0x176, "y" },
		{ 0x179, "z" }, { 0x17F, "s" }, { 0x180, NULL },
	};
	if (cp >= 0xC0 && cp <= 0xFF) {
		const char *b = l1[(cp - 0xC0) & 31];
		if (cp == 0xFF)
			return "y";
		if (cp == 0xDF)
			return "ss";
		return *b && cp != 0xD7 && cp != 0xF7 ? b : NULL;
	}
	if (cp >= 0x100 && cp < 0x180)
		for (int i = 0; ext[i].base; i++)
			if (cp < ext[i + 1].from)
				return ext[i].base;
	return NULL;
}

size_t text_fold(const char *s, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = 0, left = strlen((const char *)p);
	int space = 0;
	char enc[4];
	uint32_t cp;

	if (!out || cap == 0)
		return 0;
	while (left) {
		size_t n = decode_composed(p, left, &cp);
		if (!n) {
			/* Folding serves search; a stray byte is dropped, not guessed at. */
			p++;
			left--;
			continue;
		}
		p += n;
		left -= n;
		/* A zero-width space or a bidi mark inside a name stored before import
		 * cleaned them, or pasted into the search box: nothing to match. */
		if (is_apostrophe(cp) || is_invisible(cp))
			continue;
		if (is_space_cp(cp) || is_odd_space(cp) || cp < 0x20) {
			space = len > 0;
			continue;
		}
		if (space && !put(out, cap, &len, " ", 1))
			break;
		space = 0;
		{
			const char *base = latin_base(cp);
			if (base ? !put(out, cap, &len, base, strlen(base))
				 : !put(out, cap, &len, enc, text_utf8_put(text_lower_cp(cp), enc)))
				break;
		}
	}
	out[len] = '\0';
	return len;
}

/* ---- 6. romanisation and the search key ------------------------------------------------ */

/* Ukrainian national romanisation (2010), lower case: the spelling at the start of a
 * word, and elsewhere. а..я is U+0430..U+044F; ь and the apostrophe vanish. Russian
 * letters (ё ъ ы э) get their nearest reading so a Russian spelling is still found. */
struct roman { const char *initial, *inner; };

static const struct roman roman_a_ya[32] = {
	{ "a", "a" }, { "b", "b" }, { "v", "v" }, { "h", "h" },      /* а б в г */
	{ "d", "d" }, { "e", "e" }, { "zh", "zh" }, { "z", "z" },     /* д е ж з */
	{ "y", "y" }, { "y", "i" }, { "k", "k" }, { "l", "l" },       /* и й к л */
	{ "m", "m" }, { "n", "n" }, { "o", "o" }, { "p", "p" },       /* м н о п */
	{ "r", "r" }, { "s", "s" }, { "t", "t" }, { "u", "u" },       /* р с т у */
	{ "f", "f" }, { "kh", "kh" }, { "ts", "ts" }, { "ch", "ch" }, /* ф х ц ч */
	{ "sh", "sh" }, { "shch", "shch" }, { "", "" }, { "y", "y" }, /* ш щ ъ ы */
	{ "", "" }, { "e", "e" }, { "yu", "iu" }, { "ya", "ia" },     /* ь э ю я */
};

/* The romanisation of one lower-case Cyrillic letter, or NULL when cp is not one.
 * prev is the letter before it in the word (0 at the start). */
static const char *roman_of(uint32_t cp, uint32_t prev)
{
	int initial = prev == 0;

	if (cp >= 0x0430 && cp <= 0x044F) {
		/* "зг" is "zgh", so Згорани is not read as Жорани. */
		if (cp == 0x0433 && prev == 0x0437)
			return "gh";
		return initial ? roman_a_ya[cp - 0x0430].initial : roman_a_ya[cp - 0x0430].inner;
	}
	switch (cp) {
	case 0x0454: return initial ? "ye" : "ie"; /* є */
	case 0x0456: return "i";                   /* і */
	case 0x0457: return initial ? "yi" : "i";  /* ї */
	case 0x0491: return "g";                   /* ґ */
	case 0x0451: return initial ? "yo" : "io"; /* ё */
	case 0x045E: return "u";                   /* ў */
	}
	return NULL;
}

static int is_cyrillic(uint32_t cp)
{
	return cp >= 0x0400 && cp <= 0x04FF;
}

/* Appends to out the romanisation of every word of folded text s that holds Cyrillic,
 * each preceded by a space. Words are runs between spaces; within a word a hyphen or a
 * digit restarts the "start of word" spelling, as in Квітка-Основ'яненко. */
static void romanise_words(const char *s, char *out, size_t cap, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		const unsigned char *w = p, *we;
		int cyr = 0;
		uint32_t cp, prev = 0;

		while (*p && *p != ' ')
			p++;
		we = p;
		while (*p == ' ')
			p++;
		for (const unsigned char *q = w; q < we;) {
			size_t n = utf8_decode(q, (size_t)(we - q), &cp);
			if (!n)
				n = 1, cp = 0xFFFD;
			cyr |= is_cyrillic(cp);
			q += n;
		}
		if (!cyr)
			continue;
		if (!put(out, cap, len, " ", 1))
			return;
		for (const unsigned char *q = w; q < we;) {
			size_t n = utf8_decode(q, (size_t)(we - q), &cp);
			const char *r;
			if (!n) {
				q++;
				continue;
			}
			r = roman_of(cp, prev);
			if (r) {
				if (!put(out, cap, len, r, strlen(r)))
					return;
				prev = cp;
			} else {
				if (!put(out, cap, len, (const char *)q, n))
					return;
				prev = 0;
			}
			q += n;
		}
	}
}

/* The folded names, then the romanisation of every word with Cyrillic in it, cut whole
 * at cap: "Олександр Скалозуб" gives "олександр скалозуб oleksandr skalozub". Any
 * argument may be NULL. The display name is added only when it says something that
 * given + family do not. */
void text_search_key(const char *given, const char *family, const char *display,
		     char *out, size_t cap)
{
	/* given and family are at most 128 bytes each and display 256 in the database;
	 * romanising doubles Cyrillic at worst ("щ" is 2 bytes, "shch" 4). */
	char names[1024], disp[512], key[2048];
	size_t len = 0, n;

	if (!out || cap == 0)
		return;
	n = text_fold(given, names, sizeof names);
	if (family && *family && n + 1 < sizeof names) {
		if (n)
			names[n++] = ' ';
		n += text_fold(family, names + n, sizeof names - n);
	}
	/* A space at the end means family folded to nothing ("'"). */
	if (n && names[n - 1] == ' ')
		names[--n] = '\0';
	text_fold(display, disp, sizeof disp);
	put(key, sizeof key, &len, names, n);
	/* The display name usually repeats given and family; add it only when it says
	 * something else (a nickname, another order), so it can be found by that too. */
	if (disp[0] && strcmp(disp, names) != 0) {
		if (len)
			put(key, sizeof key, &len, " ", 1);
		put(key, sizeof key, &len, disp, strlen(disp));
	}
	key[len] = '\0';
	{
		char base[sizeof key];
		memcpy(base, key, len + 1);
		romanise_words(base, key, sizeof key, &len);
		key[len] = '\0';
	}
	text_copy(out, cap, key);
}

/* ---- 7. hygiene: invisible characters, odd spaces and composition ---------------------- */

/* Characters that show nothing yet make two equal-looking names differ, or reorder what
 * is shown around them: the soft hyphen, the Arabic letter mark, the Mongolian vowel
 * separator, zero-width space / non-joiner / joiner, the left-to-right and right-to-left
 * marks, the embeddings and overrides U+202A..U+202E, the word joiner and invisible
 * operators U+2060..U+2064, the isolates U+2066..U+2069, and U+FEFF (a BOM in the middle
 * of a text, or a zero-width no-break space). A name on a badge needs none of them, and
 * U+202E in a name would print "Коваль" reversed. */
static int is_invisible(uint32_t cp)
{
	return cp == 0x00AD || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

/* Control characters and the spaces and line breaks of Unicode other than ' ': each
 * becomes one plain space (C0 and C1 controls, DEL, NEL, no-break space, ogham space,
 * the typographic spaces U+2000..U+200A, line and paragraph separators, narrow no-break,
 * medium mathematical and ideographic spaces). */
static int is_odd_space(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

/* Canonical compositions (Unicode NFC) of a base letter and one combining mark, for the
 * letters names here are written with: every precomposed letter of Latin-1 Supplement
 * and Latin Extended-A that decomposes canonically into an ASCII letter and a mark of
 * U+0300..U+036F (from the decomposition mappings of the Unicode Character Database),
 * and the Cyrillic й Й (и И + U+0306 breve), ї Ї (і І + U+0308 diaeresis), ё Ё (е Е +
 * U+0308) and ў Ў (у У + U+0306). A Mac or a web form may send "й" as и + U+0306: it
 * must be the same name as the "й" a Ukrainian keyboard types. Sorted by base, then
 * mark. { base, mark, composed } */
static const struct compose { uint16_t base, mark, composed; } compositions[] = {
	{ 0x0041, 0x300, 0x00C0 }, { 0x0041, 0x301, 0x00C1 }, { 0x0041, 0x302, 0x00C2 },
	{ 0x0041, 0x303, 0x00C3 }, { 0x0041, 0x304, 0x0100 }, { 0x0041, 0x306, 0x0102 },
	{ 0x0041, 0x308, 0x00C4 }, { 0x0041, 0x30A, 0x00C5 }, { 0x0041, 0x328, 0x0104 },
	{ 0x0043, 0x301, 0x0106 }, { 0x0043, 0x302, 0x0108 }, { 0x0043, 0x307, 0x010A },
	{ 0x0043, 0x30C, 0x010C }, { 0x0043, 0x327, 0x00C7 }, { 0x0044, 0x30C, 0x010E },
	{ 0x0045, 0x300, 0x00C8 }, { 0x0045, 0x301, 0x00C9 }, { 0x0045, 0x302, 0x00CA },
	{ 0x0045, 0x304, 0x0112 }, { 0x0045, 0x306, 0x0114 }, { 0x0045, 0x307, 0x0116 },
	{ 0x0045, 0x308, 0x00CB }, { 0x0045, 0x30C, 0x011A }, { 0x0045, 0x328, 0x0118 },
	{ 0x0047, 0x302, 0x011C }, { 0x0047, 0x306, 0x011E }, { 0x0047, 0x307, 0x0120 },
	{ 0x0047, 0x327, 0x0122 }, { 0x0048, 0x302, 0x0124 }, { 0x0049, 0x300, 0x00CC },
	{ 0x0049, 0x301, 0x00CD }, { 0x0049, 0x302, 0x00CE }, { 0x0049, 0x303, 0x0128 },
	{ 0x0049, 0x304, 0x012A }, { 0x0049, 0x306, 0x012C }, { 0x0049, 0x307, 0x0130 },
	{ 0x0049, 0x308, 0x00CF }, { 0x0049, 0x328, 0x012E }, { 0x004A, 0x302, 0x0134 },
	{ 0x004B, 0x327, 0x0136 }, { 0x004C, 0x301, 0x0139 }, { 0x004C, 0x30C, 0x013D },
	{ 0x004C, 0x327, 0x013B }, { 0x004E, 0x301, 0x0143 }, { 0x004E, 0x303, 0x00D1 },
	{ 0x004E, 0x30C, 0x0147 }, { 0x004E, 0x327, 0x0145 }, { 0x004F, 0x300, 0x00D2 },
	{ 0x004F, 0x301, 0x00D3 }, { 0x004F, 0x302, 0x00D4 }, { 0x004F, 0x303, 0x00D5 },
	{ 0x004F, 0x304, 0x014C }, { 0x004F, 0x306, 0x014E }, { 0x004F, 0x308, 0x00D6 },
	{ 0x004F, 0x30B, 0x0150 }, { 0x0052, 0x301, 0x0154 }, { 0x0052, 0x30C, 0x0158 },
	{ 0x0052, 0x327, 0x0156 }, { 0x0053, 0x301, 0x015A }, { 0x0053, 0x302, 0x015C },
	{ 0x0053, 0x30C, 0x0160 }, { 0x0053, 0x327, 0x015E }, { 0x0054, 0x30C, 0x0164 },
	{ 0x0054, 0x327, 0x0162 }, { 0x0055, 0x300, 0x00D9 }, { 0x0055, 0x301, 0x00DA },
	{ 0x0055, 0x302, 0x00DB }, { 0x0055, 0x303, 0x0168 }, { 0x0055, 0x304, 0x016A },
	{ 0x0055, 0x306, 0x016C }, { 0x0055, 0x308, 0x00DC }, { 0x0055, 0x30A, 0x016E },
	{ 0x0055, 0x30B, 0x0170 }, { 0x0055, 0x328, 0x0172 }, { 0x0057, 0x302, 0x0174 },
	{ 0x0059, 0x301, 0x00DD }, { 0x0059, 0x302, 0x0176 }, { 0x0059, 0x308, 0x0178 },
	{ 0x005A, 0x301, 0x0179 }, { 0x005A, 0x307, 0x017B }, { 0x005A, 0x30C, 0x017D },
	{ 0x0061, 0x300, 0x00E0 }, { 0x0061, 0x301, 0x00E1 }, { 0x0061, 0x302, 0x00E2 },
	{ 0x0061, 0x303, 0x00E3 }, { 0x0061, 0x304, 0x0101 }, { 0x0061, 0x306, 0x0103 },
	{ 0x0061, 0x308, 0x00E4 }, { 0x0061, 0x30A, 0x00E5 }, { 0x0061, 0x328, 0x0105 },
	{ 0x0063, 0x301, 0x0107 }, { 0x0063, 0x302, 0x0109 }, { 0x0063, 0x307, 0x010B },
	{ 0x0063, 0x30C, 0x010D }, { 0x0063, 0x327, 0x00E7 }, { 0x0064, 0x30C, 0x010F },
	{ 0x0065, 0x300, 0x00E8 }, { 0x0065, 0x301, 0x00E9 }, { 0x0065, 0x302, 0x00EA },
	{ 0x0065, 0x304, 0x0113 }, { 0x0065, 0x306, 0x0115 }, { 0x0065, 0x307, 0x0117 },
	{ 0x0065, 0x308, 0x00EB }, { 0x0065, 0x30C, 0x011B }, { 0x0065, 0x328, 0x0119 },
	{ 0x0067, 0x302, 0x011D }, { 0x0067, 0x306, 0x011F }, { 0x0067, 0x307, 0x0121 },
	{ 0x0067, 0x327, 0x0123 }, { 0x0068, 0x302, 0x0125 }, { 0x0069, 0x300, 0x00EC },
	{ 0x0069, 0x301, 0x00ED }, { 0x0069, 0x302, 0x00EE }, { 0x0069, 0x303, 0x0129 },
	{ 0x0069, 0x304, 0x012B }, { 0x0069, 0x306, 0x012D }, { 0x0069, 0x308, 0x00EF },
	{ 0x0069, 0x328, 0x012F }, { 0x006A, 0x302, 0x0135 }, { 0x006B, 0x327, 0x0137 },
	{ 0x006C, 0x301, 0x013A }, { 0x006C, 0x30C, 0x013E }, { 0x006C, 0x327, 0x013C },
	{ 0x006E, 0x301, 0x0144 }, { 0x006E, 0x303, 0x00F1 }, { 0x006E, 0x30C, 0x0148 },
	{ 0x006E, 0x327, 0x0146 }, { 0x006F, 0x300, 0x00F2 }, { 0x006F, 0x301, 0x00F3 },
	{ 0x006F, 0x302, 0x00F4 }, { 0x006F, 0x303, 0x00F5 }, { 0x006F, 0x304, 0x014D },
	{ 0x006F, 0x306, 0x014F }, { 0x006F, 0x308, 0x00F6 }, { 0x006F, 0x30B, 0x0151 },
	{ 0x0072, 0x301, 0x0155 }, { 0x0072, 0x30C, 0x0159 }, { 0x0072, 0x327, 0x0157 },
	{ 0x0073, 0x301, 0x015B }, { 0x0073, 0x302, 0x015D }, { 0x0073, 0x30C, 0x0161 },
	{ 0x0073, 0x327, 0x015F }, { 0x0074, 0x30C, 0x0165 }, { 0x0074, 0x327, 0x0163 },
	{ 0x0075, 0x300, 0x00F9 }, { 0x0075, 0x301, 0x00FA }, { 0x0075, 0x302, 0x00FB },
	{ 0x0075, 0x303, 0x0169 }, { 0x0075, 0x304, 0x016B }, { 0x0075, 0x306, 0x016D },
	{ 0x0075, 0x308, 0x00FC }, { 0x0075, 0x30A, 0x016F }, { 0x0075, 0x30B, 0x0171 },
	{ 0x0075, 0x328, 0x0173 }, { 0x0077, 0x302, 0x0175 }, { 0x0079, 0x301, 0x00FD },
	{ 0x0079, 0x302, 0x0177 }, { 0x0079, 0x308, 0x00FF }, { 0x007A, 0x301, 0x017A },
	{ 0x007A, 0x307, 0x017C }, { 0x007A, 0x30C, 0x017E }, { 0x0406, 0x308, 0x0407 },
	{ 0x0415, 0x308, 0x0401 }, { 0x0418, 0x306, 0x0419 }, { 0x0423, 0x306, 0x040E },
	{ 0x0435, 0x308, 0x0451 }, { 0x0438, 0x306, 0x0439 }, { 0x0443, 0x306, 0x045E },
	{ 0x0456, 0x308, 0x0457 },
};

/* The composition of base + mark, or 0 when there is none (in the table above). */
static uint32_t compose(uint32_t base, uint32_t mark)
{
	size_t lo = 0, hi = sizeof compositions / sizeof compositions[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct compose *c = &compositions[mid];
		if (c->base == base && c->mark == mark)
			return c->composed;
		if (c->base < base || (c->base == base && c->mark < mark))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* As utf8_decode, and when the character is followed by a combining mark it composes
 * with (compose()), returns the composed letter and the length of both. Only the mark
 * right after the base is composed: enough for the letters of the table, which take one
 * mark each. */
static size_t decode_composed(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k = utf8_decode(s, n, cp), k2;
	uint32_t mark, c;

	if (k && k < n && s[k] >= 0xCC && s[k] <= 0xCD &&
	    (k2 = utf8_decode(s + k, n - k, &mark)) && mark >= 0x300 && mark <= 0x36F &&
	    (c = compose(*cp, mark)) != 0) {
		*cp = c;
		k += k2;
	}
	return k;
}

/* The stored form of len bytes of UTF-8 text (see text.h). */
size_t text_clean(char *out, size_t cap, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, left = s ? len : 0;
	int space = 0;
	char enc[4];
	uint32_t cp;

	if (!out || cap == 0)
		return 0;
	while (left) {
		size_t n = decode_composed(p, left, &cp);
		if (!n) {
			/* Not UTF-8: the caller repairs or refuses such text first. */
			p++;
			left--;
			continue;
		}
		p += n;
		left -= n;
		if (is_invisible(cp))
			continue;
		if (cp == ' ' || is_odd_space(cp)) {
			space = o > 0;
			continue;
		}
		if (space && !put(out, cap, &o, " ", 1))
			break;
		space = 0;
		if (!put(out, cap, &o, enc, text_utf8_put(cp, (char *)enc)))
			break;
	}
	out[o] = '\0';
	return o;
}
