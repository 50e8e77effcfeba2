/* SPDX-License-Identifier: MIT */
/* The on-screen keyboard (keyboard.h): three layouts as rows of keys, laid out to fill a
 * rectangle with keys of equal width, and the meaning of a key's name. */
#include "ui/keyboard.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/text.h"
#include "ui/palette.h"

/* Each row is a space-separated list of keys; a key is the character it types, or one of
 * the special names. "shift" is dropped from a row when the screen has no Shift key. */
static const char *const rows_uk[4] = {
	"й ц у к е н г ш щ з х ї",
	"ф і в а п р о л д ж є ʼ",
	"я ч с м и т ь б ю ґ back",
	"shift 123 abc space -",
};
static const char *const rows_en[4] = {
	"q w e r t y u i o p",
	"a s d f g h j k l '",
	"shift z x c v b n m back",
	"123 abc - space . @",
};
static const char *const rows_sym[4] = {
	"1 2 3 4 5 6 7 8 9 0",
	"@ . - _ + ' ( ) , /",
	"« » \" & ! ? : № back",
	"abc space",
};

static int key_units(const char *k)
{
	if (strcmp(k, "space") == 0)
		return 5;
	if (strcmp(k, "back") == 0 || strcmp(k, "abc") == 0 || strcmp(k, "123") == 0
	    || strcmp(k, "shift") == 0)
		return 2;
	return 1;
}

static const char *const *rows_of(int kbd)
{
	return kbd == UI_KBD_UK ? rows_uk : kbd == UI_KBD_EN ? rows_en : rows_sym;
}

/* Units of the widest row (at least 10, so short rows keep full-size keys). */
static int widest(const char *const *rows, int shift)
{
	int max_units = 10;
	for (int i = 0; i < 4; i++) {
		char buf[128], *save = NULL, *k;
		int units = 0;
		snprintf(buf, sizeof buf, "%s", rows[i]);
		for (k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save))
			if (shift >= 0 || strcmp(k, "shift") != 0)
				units += key_units(k);
		if (units > max_units)
			max_units = units;
	}
	return max_units;
}

int ui_kbd_height(int w, int h, int kbd, int shift, double scale)
{
	int gap = (int)(6 * scale), units = widest(rows_of(kbd), shift);
	int unit_w = (w - (units - 1) * gap) / units;
	int row_h = (h - 3 * gap) / 4, tallest = unit_w * 5 / 4;
	if (tallest < (int)(48 * scale))
		tallest = (int)(48 * scale);
	if (row_h > tallest)
		row_h = tallest;
	return 4 * row_h + 3 * gap;
}

void ui_kbd_add(struct ui_dlist *dl, struct ui_rect r, int kbd, int shift, int lang, double scale)
{
	const char *const *rows = rows_of(kbd);
	int gap = (int)(6 * scale), max_units = widest(rows, shift), unit_w, row_h, y0;

	unit_w = (r.w - (max_units - 1) * gap) / max_units;
	row_h = (ui_kbd_height(r.w, r.h, kbd, shift, scale) - 3 * gap) / 4;
	y0 = r.y + r.h - (4 * row_h + 3 * gap);
	for (int i = 0; i < 4; i++) {
		char buf[128], *save = NULL, *k;
		int x;
		/* rows are centred; the width of a unit is the same on every row */
		{
			char tmp[128], *s2 = NULL;
			int used = 0, n = 0;
			snprintf(tmp, sizeof tmp, "%s", rows[i]);
			for (k = strtok_r(tmp, " ", &s2); k; k = strtok_r(NULL, " ", &s2)) {
				if (shift < 0 && strcmp(k, "shift") == 0)
					continue;
				used += key_units(k) * unit_w + (key_units(k) - 1) * gap;
				n++;
			}
			used += (n - 1) * gap;
			x = r.x + (r.w - used) / 2;
		}
		snprintf(buf, sizeof buf, "%s", rows[i]);
		for (k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
			int u = key_units(k);
			struct ui_rect kr = { x, y0 + i * (row_h + gap), u * unit_w + (u - 1) * gap, row_h };
			struct ui_item *it;
			if (shift < 0 && strcmp(k, "shift") == 0)
				continue;
			it = ui_dlist_add(dl, UI_IT_BUTTON, kr);
			x += kr.w + gap;
			if (!it)
				return;
			it->px = (int)(26 * scale);
			it->min_px = (int)(18 * scale) < 18 ? 18 : (int)(18 * scale);
			it->fg = UI_FG;
			it->bg = UI_KEY_BG;
			snprintf(it->name, sizeof it->name, "key:%s", k);
			if (strcmp(k, "space") == 0) {
				snprintf(it->text, sizeof it->text, "%s", i18n_tr(lang, "space"));
				it->px = (int)(22 * scale);
			} else if (strcmp(k, "back") == 0) {
				snprintf(it->text, sizeof it->text, "⌫");
			} else if (strcmp(k, "shift") == 0) {
				snprintf(it->text, sizeof it->text, "⇧");
				if (shift > 0) {
					it->bg = UI_PRIMARY;
					it->fg = UI_WHITE;
				} else {
					it->bg = UI_KEY_BG2;
				}
			} else if (strcmp(k, "abc") == 0) {
				/* the other alphabet: its catalog's short name */
				int other = kbd == UI_KBD_UK ? UI_KBD_EN : UI_KBD_UK;
				if (kbd == UI_KBD_SYM)
					other = lang == i18n_lang_find("uk") ? UI_KBD_UK : UI_KBD_EN;
				snprintf(it->text, sizeof it->text, "%s", other == UI_KBD_UK ? "АБВ" : "ABC");
				it->bg = UI_KEY_BG2;
				it->px = (int)(22 * scale);
			} else if (strcmp(k, "123") == 0) {
				snprintf(it->text, sizeof it->text, "123");
				it->bg = UI_KEY_BG2;
				it->px = (int)(22 * scale);
			} else if (shift == 0) {
				snprintf(it->text, sizeof it->text, "%s", k); /* types lower case */
			} else {
				text_upper_char(k, it->text, sizeof it->text);
			}
			if (it->px < it->min_px)
				it->px = it->min_px;
		}
	}
}

int ui_kbd_press(const char *name, int *kbd, char *out, size_t cap)
{
	const char *k;
	if (strncmp(name, "key:", 4) != 0)
		return 0;
	k = name + 4;
	if (strcmp(k, "back") == 0)
		return 2;
	if (strcmp(k, "shift") == 0)
		return 4;
	if (strcmp(k, "space") == 0) {
		snprintf(out, cap, " ");
		return 1;
	}
	if (strcmp(k, "abc") == 0) {
		/* from the symbols back to letters: -1, the caller picks the language's */
		*kbd = *kbd == UI_KBD_UK ? UI_KBD_EN : *kbd == UI_KBD_EN ? UI_KBD_UK : -1;
		return 3;
	}
	if (strcmp(k, "123") == 0) {
		*kbd = UI_KBD_SYM;
		return 3;
	}
	if (!*k)
		return 0;
	snprintf(out, cap, "%s", k);
	return 1;
}
