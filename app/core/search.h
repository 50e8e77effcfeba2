/* SPDX-License-Identifier: MIT */
/* Name search: "Find me" at the kiosk and `vkhid find`. A person finds themselves by any
 * part of their given or family name, by prefix, in Cyrillic or Latin: "Skalozub", "скал",
 * "Oleksandr" and "Aleksandr" all find "Олександр Скалозуб". Case and apostrophes are
 * folded; Cyrillic is matched against the official Ukrainian romanization (2010) and the
 * common Russian-style spellings; results are ranked exact before prefix before fuzzy (a
 * small edit distance for typos).
 *
 * The index lives in memory (one event's registrations, loaded once), so three letters
 * over 100,000 people answer in a few milliseconds. */
#ifndef VK_CORE_SEARCH_H
#define VK_CORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct search;

enum search_match { SEARCH_EXACT = 0, SEARCH_PREFIX = 1, SEARCH_FUZZY = 2 };

struct search_hit {
	int64_t number;            /* registration number in the event */
	int match;                 /* enum search_match of the best-matching word */
	int status;                /* enum db_reg_status */
	char display[256];
	char organization[256];    /* to tell namesakes apart */
	char category[64];
	char email[128];           /* to tell namesakes apart (shown masked) and to let a
				    * person prove a name is theirs; never shown whole */
	int admitted;              /* checked in now (as far as the index was told) */
};

/* Builds the index of the event's registrations (cancelled ones included, marked).
 * Returns VK_OK and an index to free with search_free(), or an error. */
int search_open(db *d, int64_t event_id, struct search **out);
void search_free(struct search *s);
/* Adds or replaces one registration (after a walk-in or an import). */
int search_put(struct search *s, const struct db_registration *r);
/* Finds up to max people for query (UTF-8, any case, any script), best first; every word
 * of the query must match a word of the name. Returns the number of hits (0 when the
 * query has no letters), or a negative error. */
int search_find(struct search *s, const char *query, struct search_hit *hits, int max);
/* Records whether registration number is checked in now, for the organizer's lists
 * ("checked in" beside a name). search_open reads it from the check-in log; whoever admits
 * or undoes later (the door) calls this. Returns VK_OK or VK_ERR_NOT_FOUND. */
int search_set_admitted(struct search *s, int64_t number, int admitted);
/* Number of people in the index. */
int64_t search_count(const struct search *s);

#endif
