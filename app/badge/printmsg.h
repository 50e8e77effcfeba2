/* SPDX-License-Identifier: MIT */
/* What people read about the printer, in their language (core/i18n.h): a short
 * title for every printer state and what a person should do about it, and the words for
 * reprint decisions. Static strings; nothing to free. */
#ifndef VK_BADGE_PRINTMSG_H
#define VK_BADGE_PRINTMSG_H

#include <stddef.h>

#include "printer/printer.h"

/* "Printer cover open" / "Кришка принтера відкрита". Never NULL. */
const char *printq_state_text(enum printer_state st);
/* What to do: "Close the cover firmly; the badge prints by itself." Never NULL; "" for
 * READY. */
const char *printq_state_advice(enum printer_state st);
/* The same in language lang (i18n.h), for the kiosk's per-screen language and for tests
 * walking every state: "Printer state unknown" / "" when st is out of range. */
const char *printq_state_text_in(int lang, int st);
const char *printq_state_advice_in(int lang, int st);
/* Names a roll for people: "62 x 100 mm labels (DK-11202)", "62 mm black/red tape
 * (DK-22251)"; writes into out. */
void printq_media_text(const struct printer_media *m, char *out, size_t len);
/* The same in a named language (the doctor's report, the organizer screen). */
void printq_media_text_in(int lang, const struct printer_media *m, char *out, size_t len);
/* The wrong-roll sentence with both rolls named: "Loaded: ...; needed: ...". */
void printq_wrong_media_text(const struct printer_media *loaded,
			     const struct printer_media *needed, char *out, size_t len);

#endif
