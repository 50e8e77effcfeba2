/* SPDX-License-Identifier: MIT */
/* The kiosk's side of sync: talking to the hub over HTTPS with libcurl, the hub's key
 * pinned (sha256 of its SubjectPublicKeyInfo; the self-signed chain itself is not checked,
 * the pin is), one easy handle reused for every call so the TLS connection stays open.
 *
 *   sync_enroll      spend a one-time code from `vkhid hub enroll-token`, keep the kiosk's
 *                    own token, pull the event
 *   sync_round       push waiting events, pull changes until in step
 *   sync_redeem      ask the hub to decide an admission within a time budget (the door's
 *                    "hub" decider: an answer, or "no answer" and the door decides locally)
 *
 * The enrollment code is one line of text (what the dashboard's QR holds):
 *   vkhid-hub:1;url=https://HOST:PORT;code=HEX;pin=sha256//BASE64
 *
 * Functions return VK_OK or a negative vk_err, or one of SYNC_ERR_* below. */
#ifndef VK_SYNC_CLIENT_H
#define VK_SYNC_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "sync/wire.h"

enum sync_client_err {
	SYNC_ERR_UNREACHABLE = -200, /* no answer in time: network down, hub stopped */
	SYNC_ERR_PIN = -201,         /* the server's key is not the pinned one: refused */
	SYNC_ERR_REFUSED = -202,     /* the hub answered with an error (why has its message) */
	SYNC_ERR_TOKEN = -203,       /* the hub does not know or has revoked this kiosk */
	SYNC_ERR_NOT_ENROLLED = -204,/* this database has no hub */
};

#define SYNC_CODE_PREFIX "vkhid-hub:1;"

struct sync_link {
	char url[256];         /* https://HOST:PORT */
	char pin[80];          /* sha256//BASE64 */
	char token[80];        /* the kiosk's bearer token ("" while enrolling) */
};

struct sync_client;

/* Builds and parses the enrollment code. _parse returns VK_ERR_INVALID when text is not
 * one (link->token receives the one-time code). */
int sync_code_format(const char *url, const char *code, const char *pin, char *out, size_t cap);
int sync_code_parse(const char *text, struct sync_link *link);

/* A client for one hub. Free with sync_client_free(). */
int sync_client_new(const struct sync_link *link, struct sync_client **out);
void sync_client_free(struct sync_client *c);

/* One call: method "GET" or "POST", path "/v1/...", body (may be NULL) sent as JSON.
 * Within timeout_ms it returns VK_OK with the hub's answer in *reply (caller json_decref's)
 * and the HTTP status in *status; else SYNC_ERR_UNREACHABLE or SYNC_ERR_PIN with a reason
 * in why. The hub's clock is noted (sync_client_hub_offset). */
int sync_client_call(struct sync_client *c, const char *method, const char *path,
		     const json_t *body, long timeout_ms, long *status, json_t **reply,
		     char *why, size_t why_len);
/* The kiosk's health to send with the next round's push (once; it is sent even when no
 * event waits). NULL sends none. */
void sync_client_set_health(struct sync_client *c, const struct sync_health *h);
/* hub clock minus ours, in ms, from the last answer (0 before any). */
int64_t sync_client_hub_offset(const struct sync_client *c);

/* The link stored in the kiosk database; SYNC_ERR_NOT_ENROLLED when there is none. */
int sync_link_load(db *d, struct sync_link *link);

/* Enrolls the kiosk database d with the code text, then pulls everything. Returns VK_OK,
 * VK_ERR_INVALID (not a code), SYNC_ERR_UNREACHABLE, SYNC_ERR_PIN, SYNC_ERR_TOKEN (code
 * used or expired), SYNC_ERR_REFUSED, or a database error; why says what happened. */
int sync_enroll(db *d, const char *code_text, char *name, size_t name_cap, char *why,
		size_t why_len);

struct sync_report {
	size_t pushed;         /* events and notes the hub had not had */
	size_t pulled;         /* records received */
	int64_t cursor;        /* roster version: the hub's change cursor reached */
	int64_t pending;       /* events still waiting to go up */
	int64_t clock_offset_ms;
};

/* One round: pushes every waiting event (batches of 1000), then pulls changes until the
 * hub has no more. c may be NULL (a client is made from the stored link). */
int sync_round(db *d, struct sync_client *c, struct sync_report *rep, char *why, size_t why_len);

/* Applies one page of the hub's changes (the /v1/changes answer, or a hub's bundle) in one
 * transaction, the cursor with it: VK_OK, or VK_ERR_INVALID / SYNC_ERR_REFUSED with why
 * (nothing applied then). *more says whether the hub has more. */
int sync_apply_changes(db *d, json_t *msg, struct sync_report *rep, int *more, char *why,
		       size_t why_len);

enum sync_redeem_answer { SYNC_REDEEM_ADMITTED = 0, SYNC_REDEEM_ALREADY = 1,
			  SYNC_REDEEM_NO_ANSWER = 2 };

/* Asks the hub to decide the candidate admission (uuid, kiosk, seq, ticket, times filled
 * in by the door) within timeout_ms (the door's budget: 300). Returns an enum
 * sync_redeem_answer; with SYNC_REDEEM_ALREADY, first is the admission that counts (kiosk,
 * time, mode). Never blocks longer than the budget. */
int sync_redeem(struct sync_client *c, const struct sync_event *candidate, long timeout_ms,
		struct sync_event *first);

#endif
