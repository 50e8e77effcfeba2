/* SPDX-License-Identifier: MIT */
/* The door's decision through the hub (see decide.h). */
#include "sync/decide.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "sync/replica.h"

/* Records the hub's admission: the candidate event itself, confirmed, and its badge. */
static int record(struct checkin_desk *desk, const struct sync_event *cand,
		  struct checkin_result *res)
{
	const char (*u)[37] = &cand->ci.uuid;
	struct db_print_job job;
	int rc = db_begin(desk->d);
	if (rc)
		return rc;
	res->entry = cand->ci;
	rc = db_checkin_append(desk->d, &res->entry);
	if (rc == VK_OK)
		rc = sync_replica_confirm(desk->d, u, 1);
	if (rc == VK_OK && res->badge) {
		memset(&job, 0, sizeof job);
		job.event_id = cand->ci.event_id;
		job.number = cand->ci.number;
		snprintf(job.template_name, sizeof job.template_name, "%s", desk->template_name);
		job.created_ms = cand->ci.wall_ms;
		rc = db_job_add(desk->d, &job);
		if (rc == VK_OK)
			res->job_id = job.id;
	}
	if (rc) {
		db_rollback(desk->d);
		return rc;
	}
	return db_commit(desk->d);
}

/* Both ways in: a code (code != NULL) or a registration number. */
static int decide(struct checkin_desk *desk, struct sync_client *c, const char *code, size_t len,
		  int64_t number, int method, long budget_ms, struct checkin_result *res,
		  int *mode)
{
	struct sync_event cand, first;
	int rc, ans;

	*mode = SYNC_DECIDED_HERE;
	/* a room's door records attendance of its session: the hub serialises entrance
	 * admissions only, and a session's rules (seats, hours) are weighed here */
	if (desk->session_id)
		return code ? checkin_present(desk, code, len, method, res)
			    : checkin_number(desk, number, method, res);
	rc = code ? checkin_resolve(desk, code, len, res) : checkin_resolve_number(desk, number, res);
	if (rc || res->outcome != CI_ADMITTED)
		return rc; /* refused by the rules themselves: no need to ask */
	/* an admission this kiosk knows of is certain without the hub: its log only grows
	 * (today's, in an event of several days: each day admits once) */
	rc = checkin_admitted_now(desk, res->event_id, res->number, &res->first);
	if (rc == VK_OK) {
		res->outcome = CI_ALREADY_ADMITTED;
		return VK_OK;
	}
	if (rc != VK_ERR_NOT_FOUND)
		return rc;
	*mode = SYNC_MODE_OFFLINE;
	memset(&cand, 0, sizeof cand);
	snprintf(cand.ci.kiosk, sizeof cand.ci.kiosk, "%s", db_kiosk_id(desk->d));
	/* the sequence number this kiosk appends next: if the hub admits, this very event is
	 * appended, so the hub and the kiosk never know two events by one (kiosk, seq) */
	cand.ci.seq = sync_replica_next_seq(desk->d);
	sync_uuid_new(cand.ci.uuid);
	cand.ci.event_id = res->event_id;
	cand.ci.number = res->number;
	cand.ci.kind = DB_CI_ENTRY;
	cand.ci.method = method;
	cand.ci.wall_ms = clock_now_ms(&desk->clock);
	cand.ci.hlc = clock_hlc_next(&desk->clock);
	cand.ci.clock_trusted = clock_trusted(&desk->clock);
	cand.mode = SYNC_MODE_HUB;
	ans = c ? sync_redeem(c, &cand, budget_ms, &first) : SYNC_REDEEM_NO_ANSWER;
	if (ans == SYNC_REDEEM_NO_ANSWER)
		return code ? checkin_present(desk, code, len, method, res)
			    : checkin_number(desk, number, method, res);
	*mode = SYNC_MODE_HUB;
	if (ans == SYNC_REDEEM_ALREADY) {
		res->outcome = CI_ALREADY_ADMITTED;
		res->first = first.ci;
		return VK_OK;
	}
	/* the first day's greeting and badge, or a later day's welcome back */
	rc = checkin_day_rule(desk, res);
	return rc ? rc : record(desk, &cand, res);
}

int sync_decide(struct checkin_desk *desk, struct sync_client *c, const char *code, size_t len,
		int method, long budget_ms, struct checkin_result *res, int *mode)
{
	return decide(desk, c, code, len, 0, method, budget_ms, res, mode);
}

int sync_decide_number(struct checkin_desk *desk, struct sync_client *c, int64_t number,
		       int method, long budget_ms, struct checkin_result *res, int *mode)
{
	return decide(desk, c, NULL, 0, number, method, budget_ms, res, mode);
}
