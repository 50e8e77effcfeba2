/* SPDX-License-Identifier: MIT */
/* The on-screen keyboard: Ukrainian (ЙЦУКЕН, with ґ and the apostrophe ʼ), English
 * (QWERTY, with ' for O'Brien) and digits and symbols (e-mail addresses, organizations'
 * names: « » " & ! ?). Keys are buttons of the display list named "key:X" (X the character
 * typed, lower case) or key:space, key:back, key:abc (the other alphabet), key:123
 * (symbols), key:shift (the next letter in capitals; walk-in only, where names are typed
 * as they go on the badge). */
#ifndef VK_UI_KEYBOARD_H
#define VK_UI_KEYBOARD_H

#include <stddef.h>

#include "ui/screen.h"

enum ui_kbd { UI_KBD_UK = 0, UI_KBD_EN = 1, UI_KBD_SYM = 2 };

/* The height the keys of layout kbd take in a w-pixel-wide row of at most h pixels: keys
 * are never taller than about 1.25 times their width (a tall portrait screen gets a
 * keyboard of proportioned keys, and the rest of the height goes to the screen). shift as
 * for ui_kbd_add. */
int ui_kbd_height(int w, int h, int kbd, int shift, double scale);
/* Adds the keys of layout kbd into r (anchored at its bottom). shift: -1 = no Shift key,
 * labels in capitals (search, where case does not matter); 0 / 1 = a Shift key, off or on,
 * and labels in the case the next letter will be typed. lang labels the space bar. */
void ui_kbd_add(struct ui_dlist *dl, struct ui_rect r, int kbd, int shift, int lang, double scale);

/* What a key does: returns 1 and the UTF-8 text in out for a character key, 2 for
 * backspace, 3 when the layout changed (*kbd updated; -1 = back from the symbols to the
 * letters of the screen's language), 4 for Shift, 0 when name is not a key. */
int ui_kbd_press(const char *name, int *kbd, char *out, size_t cap);

#endif
