/* SPDX-License-Identifier: MIT */
/* Who decides an admission: the door's seam between "a code was presented" and "the
 * check-in rules said". A decider is a named table of functions, like the camera and
 * printer drivers; the door picks one by name (door_config.decider).
 *
 * "local": the kiosk's own database through core/checkin.h. "hub" (decide_hub.c): asks the
 * event's hub first within a time budget (DOOR_HUB_BUDGET_MS) and falls back to the local
 * rules when the hub does not answer; it says which happened in mode, which the door logs
 * with every outcome. The door takes "hub" by itself when its database is enrolled.
 * No SDL, no devices. */
#ifndef VK_DOOR_DECIDE_H
#define VK_DOOR_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "core/checkin.h"

/* One admission to decide: a code (code != NULL) or a registration number (Find me). */
struct door_ask {
	const char *code;
	size_t len;
	int64_t number;  /* when code is NULL */
	int method;      /* enum db_ci_method: QR, manual, search */
};

#define DOOR_MODE_LOCAL "local"     /* the local database decided */
#define DOOR_MODE_HUB "hub"         /* the hub decided (and the local log recorded it) */
#define DOOR_MODE_OFFLINE "offline" /* the hub was asked, did not answer: local decided */

/* How long the "hub" decider waits for the hub before the local rules decide. */
#define DOOR_HUB_BUDGET_MS 300

struct door_decider {
	const char *name;   /* "local", ... */
	const char *help;   /* one line for --help */
	/* Prepares the decider for desk (whose connection belongs to the door's thread); arg is
	 * the part of the name after "name:" ("" when none). Returns VK_OK and a state for the
	 * other members (may be NULL), or an error with a reason in why. */
	int (*open)(struct checkin_desk *desk, const char *arg, void **state, char *why,
		    size_t why_len);
	/* Decides and records one admission: res is filled in for every outcome, refusals
	 * included, and *mode points at a DOOR_MODE_* word (static). Returns VK_OK, or a
	 * negative error when nothing could be recorded (the door reports a problem). */
	int (*decide)(void *state, struct checkin_desk *desk, const struct door_ask *ask,
		      struct checkin_result *res, const char **mode);
	/* Frees the state. */
	void (*close)(void *state);
};

/* NULL-terminated table of the deciders built in. */
extern const struct door_decider *const door_deciders[];
extern const struct door_decider door_decider_local;
extern const struct door_decider door_decider_hub;

/* Finds a decider by the name before any ":" in spec (NULL or "" = "local"); NULL when
 * there is none. */
const struct door_decider *door_decider_find(const char *spec);

#endif
