/* SPDX-License-Identifier: MIT */
/* The door's side of the screens' requests (screen.h): admitting the person picked in
 * "Find me", a walk-in registration, reprint, undo, turnout, the clock, settings. They
 * run where the check-in desk's database connection lives: the door thread of the
 * threaded kiosk (app.c), or the scenario's thread headless. Only composition of the
 * check-in rules (core/checkin.h) and queries (db/db.h): no rules of its own, no SDL. */
#ifndef VK_UI_DOOR_H
#define VK_UI_DOOR_H

#include "core/checkin.h"
#include "ui/screen.h"

struct door_result {
	int rc;                      /* VK_OK or an error */
	int has_outcome;             /* res is filled in (check-in, walk-in) */
	struct checkin_result res;
	int has_turnout;
	struct ui_turnout turnout;
	char name[256];              /* the person acted on, for the organizer's message */
};

/* Carries out rq on desk (whose connection belongs to the calling thread). The caller
 * queues the badge's print job when res.job_id is set (printq_kick or the headless
 * queue). */
void door_do(struct checkin_desk *desk, const struct ui_request *rq, struct door_result *out);


/* Turnout for the organizer screen from the database. */
int door_turnout(struct checkin_desk *desk, struct ui_turnout *t);

/* Settings the UI keeps in the database (db_setting_get/set). */
#define DOOR_SETTING_PIN "ui.pin"    /* the organizer PIN, default UI_DEFAULT_PIN */
#define DOOR_SETTING_LANG "ui.lang"  /* the kiosk's default language code */

#endif
