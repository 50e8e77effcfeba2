/* SPDX-License-Identifier: MIT */
/* Printer states in Ukrainian and English for the screen and the command line (see
 * printmsg.h). Each state a person can fix names the fix; the Brother roll numbers (DK-...)
 * are what is printed on the box staff are holding. */
#include "badge/printmsg.h"

#include <stdio.h>

#include "core/i18n.h"

const char *printq_state_text(enum printer_state st)
{
	switch (st) {
	case PRINTER_READY: return TR("Printer ready", "Принтер готовий");
	case PRINTER_ABSENT: return TR("No printer connected", "Принтер не під'єднано");
	case PRINTER_UNPLUGGED: return TR("Printer unplugged", "Принтер від'єднано");
	case PRINTER_COVER_OPEN: return TR("Printer cover open", "Кришка принтера відкрита");
	case PRINTER_NO_MEDIA: return TR("No labels in the printer", "У принтері немає етикеток");
	case PRINTER_END_OF_MEDIA: return TR("The label roll has ended", "Рулон етикеток закінчився");
	case PRINTER_WRONG_MEDIA: return TR("Wrong label roll", "Не той рулон етикеток");
	case PRINTER_CUTTER_JAM: return TR("The cutter is jammed", "Заїв ніж принтера");
	case PRINTER_CANNOT_FEED: return TR("The printer cannot feed labels",
					    "Принтер не може подати етикетку");
	case PRINTER_EDITOR_LITE: return TR("The printer is in Editor Lite mode",
					    "Принтер у режимі Editor Lite");
	case PRINTER_NOT_ANSWERING: return TR("The printer is not answering", "Принтер не відповідає");
	case PRINTER_SYSTEM_ERROR: return TR("Printer error", "Помилка принтера");
	case PRINTER_PAUSED: return TR("The printer is paused", "Принтер на паузі");
	case PRINTER_UNSUPPORTED: return TR("This printer is not supported",
					    "Цей принтер не підтримується");
	case PRINTER_STATE_COUNT: break;
	}
	return TR("Printer state unknown", "Стан принтера невідомий");
}

const char *printq_state_advice(enum printer_state st)
{
	switch (st) {
	case PRINTER_READY: return "";
	case PRINTER_ABSENT:
		return TR("Connect the label printer with its USB cable and switch it on. Badges wait "
			  "in the queue and print when it is back.",
			  "Під'єднайте принтер етикеток USB-кабелем і ввімкніть його. Бейджі чекають "
			  "у черзі й надрукуються, щойно він з'явиться.");
	case PRINTER_UNPLUGGED:
		return TR("Plug the printer's USB cable back in and check its power. Waiting badges "
			  "print by themselves.",
			  "Знову під'єднайте USB-кабель принтера і перевірте живлення. Бейджі в черзі "
			  "надрукуються самі.");
	case PRINTER_COVER_OPEN:
		return TR("Close the printer's cover until it clicks; the badge then prints by itself.",
			  "Закрийте кришку принтера до клацання; бейдж надрукується сам.");
	case PRINTER_NO_MEDIA:
		return TR("Load a label roll (open the cover, put the roll in, close it).",
			  "Вставте рулон етикеток (відкрийте кришку, вставте рулон, закрийте).");
	case PRINTER_END_OF_MEDIA:
		return TR("Put in a new roll of labels; the badge that did not come out prints again.",
			  "Вставте новий рулон етикеток; бейдж, що не вийшов, надрукується знову.");
	case PRINTER_WRONG_MEDIA:
		return TR("Load the roll the badge template needs (see which one below), or choose a "
			  "template for the loaded roll.",
			  "Вставте рулон, потрібний шаблону бейджа (див. нижче), або виберіть шаблон "
			  "для вставленого рулону.");
	case PRINTER_CUTTER_JAM:
		return TR("Switch the printer off, open the cover and remove the stuck label, then "
			  "switch it on.",
			  "Вимкніть принтер, відкрийте кришку й вийміть застряглу етикетку, потім "
			  "увімкніть.");
	case PRINTER_CANNOT_FEED:
		return TR("Open the cover and check that the roll turns freely and the label end lies "
			  "straight, then close it.",
			  "Відкрийте кришку й перевірте, що рулон вільно обертається, а край етикетки "
			  "лежить рівно, потім закрийте.");
	case PRINTER_EDITOR_LITE:
		return TR("Hold the printer's Editor Lite button until its green light goes out; "
			  "then it prints from the kiosk.",
			  "Утримуйте кнопку Editor Lite на принтері, доки не згасне зелений індикатор; "
			  "тоді кіоск зможе друкувати.");
	case PRINTER_NOT_ANSWERING:
		return TR("Switch the printer off and on again. A Zebra that is silent often has its "
			  "head open or no labels.",
			  "Вимкніть і знову ввімкніть принтер. Zebra мовчить, коли відкрита головка "
			  "або немає етикеток.");
	case PRINTER_SYSTEM_ERROR:
		return TR("Switch the printer off and on again; if the error stays, use another "
			  "printer.",
			  "Вимкніть і знову ввімкніть принтер; якщо помилка лишається, візьміть інший "
			  "принтер.");
	case PRINTER_PAUSED:
		return TR("Press the printer's pause button once to resume.",
			  "Натисніть кнопку паузи на принтері, щоб продовжити.");
	case PRINTER_UNSUPPORTED:
		return TR("Use a Brother QL, a Zebra (ZPL) or an ESC/POS receipt printer.",
			  "Використайте Brother QL, Zebra (ZPL) або чековий принтер ESC/POS.");
	case PRINTER_STATE_COUNT: break;
	}
	return "";
}

void printq_media_text(const struct printer_media *m, char *out, size_t len)
{
	const char *dk = "";

	if (!m || !m->width_mm) {
		snprintf(out, len, "%s", TR("no labels", "немає етикеток"));
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
		snprintf(out, len, TR("%d x %d mm labels%s", "етикетки %d x %d мм%s"), m->width_mm,
			 m->length_mm, dk);
	else if (m->two_colour)
		snprintf(out, len, TR("%d mm black/red tape%s", "стрічка %d мм чорно-червона%s"),
			 m->width_mm, dk);
	else
		snprintf(out, len, TR("%d mm continuous tape%s", "безперервна стрічка %d мм%s"),
			 m->width_mm, dk);
}

void printq_wrong_media_text(const struct printer_media *loaded,
			     const struct printer_media *needed, char *out, size_t len)
{
	char a[96], b[96];

	printq_media_text(loaded, a, sizeof(a));
	printq_media_text(needed, b, sizeof(b));
	snprintf(out, len, TR("Loaded: %s; needed: %s.", "Вставлено: %s; потрібно: %s."), a, b);
}
