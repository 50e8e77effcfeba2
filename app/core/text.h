/* SPDX-License-Identifier: MIT */
/* Text helpers: UTF-8 checks, decoding and case, Windows-1251 conversion, folding for name
 * search. */
#ifndef VK_CORE_TEXT_H
#define VK_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the len bytes are valid UTF-8 (no overlongs, no surrogates), else 0. */
int text_utf8_valid(const char *s, size_t len);
/* Converts Windows-1251 bytes to UTF-8; returns a malloc'd NUL-terminated string (free()),
 * its length in *out_len, or NULL when out of memory. */
char *text_cp1251_to_utf8(const char *s, size_t len, size_t *out_len);
/* Copies src into dst (capacity cap) cutting at a character boundary; always terminates. */
void text_copy(char *dst, size_t cap, const char *src);
/* Trims ASCII white space and NBSP at both ends in place. */
void text_trim(char *s);
/* The search key of a person: their names lower-cased, apostrophes dropped, Cyrillic
 * also transliterated to Latin, words separated by single spaces. */
void text_search_key(const char *given, const char *family, const char *display,
		     char *out, size_t cap);

/* Added with the importer. */
/* Copies len bytes of src into dst (capacity cap), replacing each NUL byte and each byte
 * that does not start well-formed UTF-8 with U+FFFD; cuts at a character boundary when
 * dst is too small; always terminates (cap > 0). Returns the number of bytes replaced. */
size_t text_utf8_fix(char *dst, size_t cap, const char *src, size_t len);
/* The comparison form of s, as text_search_key folds names: Latin and Cyrillic lower-
 * cased, Latin letters with diacritics made their base letters (ü u, é e, ł l, ß ss),
 * apostrophes dropped, white space runs made one space, trimmed; no transliteration of
 * Cyrillic. Writes at most cap bytes including the NUL, cut at a character
 * boundary; returns the length written. Use it to fold what a user types. */
size_t text_fold(const char *s, char *out, size_t cap);
/* 1 when len bytes that are not valid UTF-8 read as Windows-1251 text (Excel's "CSV" in a
 * Ukrainian or Russian locale): invalid sequences outnumber valid multi-byte ones, nearly
 * every byte above 0x7F is a Cyrillic letter or common punctuation there, and there are
 * few control bytes. 0 for UTF-8 with a few bad bytes, and for binary data. */
int text_guess_cp1251(const char *s, size_t len);

/* ---- characters: the one UTF-8 decoder and case mapping every module uses ---------------- */
/* Decodes the character at *p and advances past it. A byte that does not start a well-
 * formed sequence (RFC 3629) becomes U+FFFD and is skipped alone, so bad input never makes
 * a caller read past the NUL. *p must not point at the NUL. */
uint32_t text_utf8_next(const char **p);
/* Encodes cp into out (room for 4 bytes); returns the length. */
size_t text_utf8_put(uint32_t cp, char *out);
/* Removes the last character of the NUL-terminated UTF-8 string s (nothing when empty). */
void text_utf8_pop(char *s);
/* Lower / upper case of Latin (ASCII, Latin-1) and Cyrillic (Ukrainian and Russian)
 * letters; any other code point is returned unchanged. */
uint32_t text_lower_cp(uint32_t cp);
uint32_t text_upper_cp(uint32_t cp);
/* Copies the string ch into out (capacity cap, always terminated) upper-cased when it is
 * exactly one character (a key of the on-screen keyboard), unchanged otherwise. */
void text_upper_char(const char *ch, char *out, size_t cap);
/* The form in which a name or other text from a list is stored (and printed): invisible
 * characters dropped (zero-width spaces and joiners, U+FEFF, the soft hyphen, and the
 * bidirectional marks, embeddings, overrides and isolates such as U+202E); control
 * characters, line breaks, no-break and other Unicode spaces made one plain space, runs
 * of spaces one, both ends trimmed; a Latin letter or и і е у followed by a combining
 * mark composed into the precomposed letter where Unicode has one (NFC for those
 * letters: и + U+0306 is й). s holds len bytes of UTF-8 (bytes that are not UTF-8 are
 * dropped: repair them first with text_utf8_fix, or refuse the text). Writes at most cap
 * bytes including the NUL, cut at a character boundary; returns the length written. */
size_t text_clean(char *out, size_t cap, const char *s, size_t len);

#endif
