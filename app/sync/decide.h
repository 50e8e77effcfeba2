/* SPDX-License-Identifier: MIT */
/* The door's decision through the hub: what a "hub" decider does with a presented code.
 *
 * The code is resolved here first (signature, event, cancelled, revoked: the same rules as
 * everywhere); a valid code's admission is then asked of the hub within the door's budget.
 * The hub's "admitted" is appended to the local log with the badge job in one transaction,
 * as the hub's (mode hub); its "already admitted" names the admission that counts. With
 * no answer in time the local rules decide (checkin_present) and the log entry is
 * offline. The attendee never waits longer than the budget plus the local decision. */
#ifndef VK_SYNC_DECIDE_H
#define VK_SYNC_DECIDE_H

#include <stddef.h>

#include "core/checkin.h"
#include "sync/client.h"

/* Decided without asking the hub: the rules refused the code, or this kiosk's own log
 * already holds the admission (certain: the log only grows). */
#define SYNC_DECIDED_HERE (-1)

/* Decides a presented code. Returns VK_OK with res filled in for every outcome (refusals
 * included) and *mode: SYNC_MODE_HUB (the hub decided), SYNC_MODE_OFFLINE (the hub was
 * asked, did not answer in time: the local rules decided) or SYNC_DECIDED_HERE; or a
 * negative error when the database failed. c may be NULL (no hub: offline). */
int sync_decide(struct checkin_desk *desk, struct sync_client *c, const char *code, size_t len,
		int method, long budget_ms, struct checkin_result *res, int *mode);
/* The same for a registration number of the desk's event (a person found by name). */
int sync_decide_number(struct checkin_desk *desk, struct sync_client *c, int64_t number,
		       int method, long budget_ms, struct checkin_result *res, int *mode);

#endif
