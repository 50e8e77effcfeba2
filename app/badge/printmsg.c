/* SPDX-License-Identifier: MIT */
/* What people read about the printer, for the screens and the command line alike (see
 * printmsg.h): one table for every printer state, translated through the catalogs. Each
 * state a person can fix names the fix; the Brother roll numbers (DK-...) are what is
 * printed on the box staff are holding. */
#include "badge/printmsg.h"

#include <stdio.h>

#include "core/i18n.h"

/* One row per state: its title and what a person does about it (English msgids). The
 * table is sized by its last row, so the assertion catches a state added at the end of
 * enum printer_state without its row (test_i18n catches a hole). */
static const struct {
	const char *title, *advice;
} texts[] = {
	[PRINTER_READY] = { N_("Printer ready"),
		"" },
	[PRINTER_ABSENT] = { N_("No printer connected"),
		N_("Connect the label printer with its USB cable and switch it on. Badges wait "
		   "in the queue and print when it is back.") },
	[PRINTER_UNPLUGGED] = { N_("Printer unplugged"),
		N_("Plug the printer's USB cable back in and check its power. Waiting badges "
		   "print by themselves.") },
	[PRINTER_COVER_OPEN] = { N_("Printer cover open"),
		N_("Close the printer's cover until it clicks; the badge then prints by itself.") },
	[PRINTER_NO_MEDIA] = { N_("No labels in the printer"),
		N_("Load a label roll (open the cover, put the roll in, close it).") },
	[PRINTER_END_OF_MEDIA] = { N_("The label roll has ended"),
		N_("Put in a new roll of labels; the badge that did not come out prints again.") },
	[PRINTER_WRONG_MEDIA] = { N_("Wrong label roll"),
		N_("Load the roll the badge template needs (see which one below), or choose a "
		   "template for the loaded roll.") },
	[PRINTER_CUTTER_JAM] = { N_("The cutter is jammed"),
		N_("Switch the printer off, open the cover and remove the stuck label, then "
		   "switch it on.") },
	[PRINTER_CANNOT_FEED] = { N_("The printer cannot feed labels"),
		N_("Open the cover and check that the roll turns freely and the label end lies "
		   "straight, then close it.") },
	[PRINTER_EDITOR_LITE] = { N_("The printer is in Editor Lite mode"),
		N_("Hold the printer's Editor Lite button until its green light goes out; "
		   "then it prints from the kiosk.") },
	[PRINTER_NOT_ANSWERING] = { N_("The printer is not answering"),
		N_("Switch the printer off and on again. A Zebra that is silent often has its "
		   "head open or no labels.") },
	[PRINTER_SYSTEM_ERROR] = { N_("Printer error"),
		N_("Switch the printer off and on again; if the error stays, use another "
		   "printer.") },
	[PRINTER_PAUSED] = { N_("The printer is paused"),
		N_("Press the printer's pause button once to resume.") },
	[PRINTER_UNSUPPORTED] = { N_("This printer is not supported"),
		N_("Use a Brother QL, a Zebra (ZPL) or an ESC/POS receipt printer.") },
};
_Static_assert(sizeof texts / sizeof texts[0] == PRINTER_STATE_COUNT, "one row per printer state");

const char *printq_state_text_in(int lang, int st)
{
	if ((unsigned)st >= PRINTER_STATE_COUNT || !texts[st].title)
		return i18n_tr(lang, "Printer state unknown");
	return i18n_tr(lang, texts[st].title);
}

const char *printq_state_advice_in(int lang, int st)
{
	if ((unsigned)st >= PRINTER_STATE_COUNT || !texts[st].advice || !texts[st].advice[0])
		return "";
	return i18n_tr(lang, texts[st].advice);
}

const char *printq_state_text(enum printer_state st)
{
	return printq_state_text_in(i18n_lang(), (int)st);
}

const char *printq_state_advice(enum printer_state st)
{
	return printq_state_advice_in(i18n_lang(), (int)st);
}

void printq_media_text_in(int lang, const struct printer_media *m, char *out, size_t len)
{
	const char *dk = "";

	if (!m || !m->width_mm) {
		snprintf(out, len, "%s", i18n_tr(lang, "no labels"));
		return;
	}
	if (m->width_mm == 62 && m->length_mm == 100)
		dk = " (DK-11202)";
	else if (m->width_mm == 62 && !m->length_mm)
		dk = m->two_colour ? " (DK-22251)" : " (DK-22205)";
	else if (m->width_mm == 102 && m->length_mm == 152)
		dk = " (DK-11241)";
	else if (m->width_mm == 102 && !m->length_mm)
		dk = " (DK-22243)";
	if (m->length_mm)
		snprintf(out, len, i18n_tr(lang, "%d x %d mm labels%s"), m->width_mm,
			 m->length_mm, dk);
	else if (m->two_colour)
		snprintf(out, len, i18n_tr(lang, "%d mm black/red tape%s"),
			 m->width_mm, dk);
	else
		snprintf(out, len, i18n_tr(lang, "%d mm continuous tape%s"),
			 m->width_mm, dk);
}

void printq_media_text(const struct printer_media *m, char *out, size_t len)
{
	printq_media_text_in(i18n_lang(), m, out, len);
}

void printq_wrong_media_text(const struct printer_media *loaded,
			     const struct printer_media *needed, char *out, size_t len)
{
	char a[96], b[96];

	printq_media_text(loaded, a, sizeof(a));
	printq_media_text(needed, b, sizeof(b));
	snprintf(out, len, _("Loaded: %s; needed: %s."), a, b);
}
