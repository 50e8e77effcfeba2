/* SPDX-License-Identifier: MIT */
/* The door's log writer: OUT/log.jsonl, one JSON object a line, the same lines and fields
 * whichever loop drives the door (threaded kiosk, scenario, headless). Internal to
 * app/door.
 *
 * The file holds no names, e-mails or codes: a person is their registration number, a
 * code its fingerprint (the first 8 hex digits of its SHA-256), so the log can be handed
 * to whoever debugs the door. Lines (fields in this order; "time" is local, "wall_ms" the
 * door's clock):
 *   outcome          source, outcome, registration, code_kind (signed/foreign/none), code,
 *                    first_checkin {time, kiosk} (already admitted), checkin (the uuid
 *                    recorded), mode (local/hub/offline), ms
 *   staff            action (undo/reprint), registration, ok, source, code_kind, code,
 *                    checkin, error
 *   printed          registration, file, ms
 *   assumed_printed  registration
 *   print_held       registration, printer (its state)
 *   print_failed     registration
 *   problem          problem (database/camera/memory/printer), error
 * Lines are written whole under a lock: the printer's worker thread writes to the same
 * file as the door's thread. */
#ifndef VK_DOOR_LOG_H
#define VK_DOOR_LOG_H

#include <stddef.h>

#include "door/door.h"

struct door_log;

/* Creates or appends to dir/log.jsonl (created with mode 0600). Returns VK_OK and a log to
 * free with door_log_close(), or VK_ERR_IO. */
int door_log_open(const char *dir, struct door_log **out);
void door_log_close(struct door_log *l);
/* Writes the line of a note, if its kind has one. l may be NULL (no log). */
void door_log_note(struct door_log *l, const struct door_note *n);
/* The code's fingerprint: the first 8 hex digits of its SHA-256, NUL-terminated. */
void door_code_fingerprint(const char *code, size_t len, char out[9]);

#endif
