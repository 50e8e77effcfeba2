/* SPDX-License-Identifier: MIT */
/* `vkhid hub`: the sync API over HTTPS (libmicrohttpd with GnuTLS), JSON in and out.
 *
 *   GET  /v1/health                 {"ok":true,"backend","events","kiosks","now_ms"}
 *   GET  /v1/time                   {"now_ms"}   (a kiosk with a wrong clock takes it)
 *   POST /v1/enroll   {"code","kiosk"}          -> {"token","name","now_ms"}
 *   GET  /v1/changes?since=N[&limit=M]          -> a page of changes (store.h), "now_ms"
 *   POST /v1/push     {"events":[..],"notes":[..]} -> {"added","known","clashes","now_ms"}
 *   POST /v1/redeem   {"event":{..}}            -> {"decision":"admitted"|"already_admitted",
 *                                                   "first":{..},"now_ms"}
 * Every call but health, time and enroll carries "Authorization: Bearer TOKEN", the
 * kiosk's own token from enrollment. Errors are {"error":CODE,"message":TEXT} with a 4xx or
 * 5xx status; bad input never stops the hub. Retried and replayed requests are harmless:
 * push is idempotent by uuid, redeem answers the same for the same uuid, an enrollment
 * code works once. */
#ifndef VK_HUB_HUB_H
#define VK_HUB_HUB_H

#include <stdio.h>

#include "hub/store.h"

#define HUB_MAX_BATCH 5000 /* events or notes in one push */

struct hub_config {
	const char *listen;     /* "ADDR:PORT"; port 0 picks a free one */
	struct hub_store *store;
	const char *key_pem, *cert_pem;
	FILE *log;              /* one line per refused request and on start; may be NULL */
};

struct hub;

/* Starts serving in background threads. *port receives the port bound. Returns VK_OK, or
 * VK_ERR_INVALID (bad listen address), VK_ERR_UNSUPPORTED (libmicrohttpd without TLS) or
 * VK_ERR_IO (cannot listen), with a reason in why. Stop with hub_stop(). */
int hub_start(const struct hub_config *cfg, struct hub **out, int *port, char *why,
	      size_t why_len);
/* Stops serving (waits for requests in flight) and frees h; the store stays open. */
void hub_stop(struct hub *h);

/* Wall time in ms since the Unix epoch (the hub's clock, which kiosks follow). */
long long hub_now_ms(void);

#endif
