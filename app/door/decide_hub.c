/* SPDX-License-Identifier: MIT */
/* The "hub" decider (decide.h): the event's hub decides admissions while it answers, so one
 * ticket is admitted once across every kiosk; when it has not answered within the budget
 * (300 ms, or "hub:MS") the kiosk's own rules decide and the log says "offline". The work is
 * sync_decide (sync/decide.h); this file adapts it to the door and keeps the door's clock
 * on the hub's time.
 *
 * The door picks this decider by itself when its database is enrolled (door.c). The client
 * (one libcurl handle, TLS kept open) belongs to the door's thread, like the desk. */
#include "door/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/i18n.h"
#include "sync/client.h"
#include "sync/decide.h"

struct hub_state {
	struct sync_client *c;
	long budget_ms;
};

/* The hub's time, when a sync round (the worker, `vkhid sync`) or an answer of the hub
 * told it: the clock follows it and counts as trusted. A virtual clock (headless runs)
 * stays as the scenario sets it. */
static void follow_hub_clock(struct checkin_desk *desk)
{
	char v[16];
	if (desk->clock.virtual_ms)
		return;
	if (db_setting_get(desk->d, "clock.trusted", v, sizeof v) != VK_OK || strcmp(v, "hub") != 0)
		return;
	desk->clock.offset_ms = db_setting_int(desk->d, "clock.offset_ms", desk->clock.offset_ms);
	desk->clock.trusted_override = 1;
}

static int hub_open(struct checkin_desk *desk, const char *arg, void **state, char *why,
		    size_t why_len)
{
	struct hub_state *s;
	struct sync_link link;
	char *end;

	*state = NULL;
	if (sync_link_load(desk->d, &link) != VK_OK) {
		snprintf(why, why_len, "%s", _("this database is not enrolled with a hub: run vkhid "
					       "sync enroll CODE first, or decide locally"));
		return VK_ERR_INVALID;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return VK_ERR_NOMEM;
	s->budget_ms = DOOR_HUB_BUDGET_MS;
	if (arg && *arg) {
		long ms = strtol(arg, &end, 10);
		if (*end || ms < 1 || ms > 60000) {
			snprintf(why, why_len, _("hub:%s: the time the hub may take is 1 to 60000 ms"),
				 arg);
			free(s);
			return VK_ERR_INVALID;
		}
		s->budget_ms = ms;
	}
	if (sync_client_new(&link, &s->c) != VK_OK) {
		free(s);
		return VK_ERR_NOMEM;
	}
	follow_hub_clock(desk);
	*state = s;
	return VK_OK;
}

static int hub_decide(void *state, struct checkin_desk *desk, const struct door_ask *ask,
		      struct checkin_result *res, const char **mode)
{
	struct hub_state *s = state;
	int m = SYNC_DECIDED_HERE, rc;

	follow_hub_clock(desk);
	if (ask->code)
		rc = sync_decide(desk, s->c, ask->code, ask->len, ask->method, s->budget_ms, res, &m);
	else
		rc = sync_decide_number(desk, s->c, ask->number, ask->method, s->budget_ms, res, &m);
	/* a code the rules refuse by themselves (wrong event, revoked...) or one this kiosk saw
	 * admitted is not asked of the hub: that decision is the kiosk's own */
	*mode = m == SYNC_MODE_HUB ? DOOR_MODE_HUB
		: m == SYNC_MODE_OFFLINE ? DOOR_MODE_OFFLINE : DOOR_MODE_LOCAL;
	return rc;
}

static void hub_close(void *state)
{
	struct hub_state *s = state;
	if (!s)
		return;
	sync_client_free(s->c);
	free(s);
}

const struct door_decider door_decider_hub = {
	.name = "hub",
	.help = "hub[:MS]: the event's hub decides, the local rules after MS (300) without an answer",
	.open = hub_open,
	.decide = hub_decide,
	.close = hub_close,
};
