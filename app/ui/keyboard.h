/* SPDX-License-Identifier: MIT */
/* The on-screen keyboard: Ukrainian (ЙЦУКЕН, with ґ and the apostrophe ʼ), English
 * (QWERTY, with ' for O'Brien) and digits/symbols for e-mail addresses. Keys are buttons
 * of the display list named "key:X" (X the character typed, lower case) or
 * key:space, key:back, key:abc (the other alphabet), key:123 (symbols). */
#ifndef VK_UI_KEYBOARD_H
#define VK_UI_KEYBOARD_H

#include <stddef.h>

#include "ui/screen.h"

enum ui_kbd { UI_KBD_UK = 0, UI_KBD_EN = 1, UI_KBD_SYM = 2 };

/* Adds the keys of layout kbd into r. lang labels the space bar and the layout keys. */
void ui_kbd_add(struct ui_dlist *dl, struct ui_rect r, int kbd, int lang, double scale);

/* What a key does: returns 1 and the UTF-8 text in out for a character key, 2 for
 * backspace, 3 when the layout changed (*kbd updated; -1 = back from the symbols to the
 * letters of the screen's language), 0 when name is not a key. */
int ui_kbd_press(const char *name, int *kbd, char *out, size_t cap);

#endif
