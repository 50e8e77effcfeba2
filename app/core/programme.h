/* SPDX-License-Identifier: MIT */
/* The event's programme: the rules a session must meet (a title, a start before its end,
 * within the event's dates) and the programme CSV an organizer imports
 * (title, room, start, end, capacity, speakers, categories), read with line numbers so
 * every mistake can be found in the spreadsheet. Times are "YYYY-MM-DD HH:MM" in the
 * event's time zone (the process's TZ, set by the CLI). Core logic only: no SQL here
 * (db.h stores the sessions), no SDL. */
#ifndef VK_CORE_PROGRAMME_H
#define VK_CORE_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The largest programme file read (a programme of thousands of sessions is a few
 * hundred kilobytes). */
#define PROGRAMME_MAX_BYTES (8u << 20)
/* Mistakes reported in one go; the rest are counted. */
#define PROGRAMME_MAX_ERRORS 50

/* Checks x against the rules and the event ev: a title of valid UTF-8, starts and ends
 * readable times with ends after starts, on the event's dates when it has them, capacity
 * 0 or more. Returns VK_OK, or VK_ERR_INVALID with what is wrong (in the user's
 * language, saying what to write instead) in why. */
int programme_check(const struct db_session *x, const struct db_event *ev, char *why,
		    size_t why_len);

/* What reading a programme CSV found. */
struct programme {
	struct db_session *sessions;   /* n of them, in file order, event_id set; malloc'd */
	size_t n;
	int n_errors;                  /* mistakes found (all of them) */
	struct {
		int line;              /* the file's line (1 = the header) */
		char text[256];        /* what is wrong, in the user's language */
	} errors[PROGRAMME_MAX_ERRORS];
};

/* Reads the programme CSV at path for event ev: a header row naming the columns (in
 * English or Ukrainian: title/назва, room/зала, start/початок, end/кінець,
 * capacity/місць, speakers/спікери, categories/категорії; title, start and end are
 * required), then one session a row; comma or semicolon separated (Excel in a
 * Ukrainian locale writes semicolons), UTF-8 with or without a BOM. Every row is
 * checked with programme_check(). Returns VK_OK with p filled in (look at p->n_errors:
 * a file with mistakes should be imported not at all), VK_ERR_IO / VK_ERR_INVALID with
 * why when the file cannot be read as a programme at all, or VK_ERR_NOMEM. Free p with
 * programme_free() in every case. */
int programme_read_csv(const char *path, const struct db_event *ev, struct programme *p,
		       char *why, size_t why_len);
void programme_free(struct programme *p);

#endif
