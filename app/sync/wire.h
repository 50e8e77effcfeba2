/* SPDX-License-Identifier: MIT */
/* The sync wire format: JSON, one format for HTTP bodies between kiosks and the hub and
 * (later) for USB-stick bundles.
 *
 * A message is one JSON object. Parsing is strict and bounded: the body is capped
 * (SYNC_MAX_BODY), nesting is capped (SYNC_MAX_DEPTH) before the parser sees it, duplicate
 * keys are refused, and every field is checked for type and range when it is converted to
 * a C struct. Hostile input gets VK_ERR_INVALID and a one-line English reason, never a
 * crash. Objects built here are jansson json_t values: the caller owns what a _to_json
 * function returns (json_decref).
 *
 * The records:
 *   check-in event  {"uuid","kiosk","seq","event_id","number","session_id","kind","method",
 *                    "wall_ms","hlc","clock_trusted","mode"}   kind: entry|reprint|undo|walkin
 *                                                              mode: hub|offline
 *   note            {"uuid","kiosk","incident","note","wall_ms","hlc"} (resolves an incident)
 *   event           {"id","name","starts","ends","timezone","walkins"}
 *   key             {"key_id","event_id","pk" (hex),"revoked"}
 *   registration    {"event_id","number","external_id",...,"status","updated"}
 *   revocation      {"event_id","number","nonce","reason"}
 *   setting         {"key","value"} */
#ifndef VK_SYNC_WIRE_H
#define VK_SYNC_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define SYNC_FORMAT "vkhid-sync-1"
#define SYNC_MAX_BODY (8u << 20)  /* 8 MiB: a page of changes stays far below */
#define SYNC_MAX_DEPTH 8          /* our messages nest 3 deep */
#define SYNC_MAX_NOTE 500         /* bytes of an organizer's note */

enum sync_mode { SYNC_MODE_OFFLINE = 0, SYNC_MODE_HUB = 1 };

/* One check-in log event as it travels: the log row plus how it was decided. */
struct sync_event {
	struct db_checkin ci;  /* ci.synced is local bookkeeping and does not travel */
	int mode;              /* enum sync_mode */
};

/* An organizer's annotation of an incident (the incident id is the uuid of the extra
 * admission). Grow-only like the events: resolving never erases. */
struct sync_note {
	char uuid[37];
	char kiosk[16];
	char incident[37];
	char note[SYNC_MAX_NOTE + 1];
	int64_t wall_ms;
	int64_t hlc;
};

struct sync_revocation {
	int64_t event_id;
	int64_t number;
	uint32_t nonce;
	char reason[256];
};

struct sync_setting {
	char key[64];
	char value[512];
};

/* A kiosk's health, sent with each push as the optional object "health":
 *   {"printer":"ready","queue":0,"camera":"ok","clock_trusted":true,"pending":3}
 * printer and camera are lower-case words ([a-z_-], up to 31 characters). */
struct sync_health {
	char printer[32];      /* printer state word (printer_state_word), "" unknown */
	int64_t queue;         /* badges waiting to print */
	char camera[32];       /* "ok", "none", "gone", "ended", "" unknown */
	int clock_trusted;     /* the kiosk's clock is trusted */
	int64_t pending;       /* events waiting to go up */
};

/* Parses len bytes as one JSON object message. Returns VK_OK with *out owned by the caller
 * (json_decref), or VK_ERR_INVALID with a reason in why: too big, too deep, not JSON (with
 * line and column), duplicate key, not an object. */
int sync_parse(const char *buf, size_t len, json_t **out, char *why, size_t why_len);

/* 1 when s is a lower-case canonical UUID (8-4-4-4-12 hex digits). */
int sync_uuid_ok(const char *s);
/* 1 when s is a kiosk id: 1..15 characters of [A-Za-z0-9_-]. */
int sync_kiosk_ok(const char *s);

/* Conversions. The _from_json functions fill the struct from an object and return VK_OK,
 * or VK_ERR_INVALID with the field's name and what is wrong in why. */
json_t *sync_event_to_json(const struct sync_event *e);
int sync_event_from_json(const json_t *o, struct sync_event *e, char *why, size_t why_len);
json_t *sync_note_to_json(const struct sync_note *n);
int sync_note_from_json(const json_t *o, struct sync_note *n, char *why, size_t why_len);
json_t *sync_dbevent_to_json(const struct db_event *ev);
int sync_dbevent_from_json(const json_t *o, struct db_event *ev, char *why, size_t why_len);
json_t *sync_key_to_json(const struct db_key *k);
int sync_key_from_json(const json_t *o, struct db_key *k, char *why, size_t why_len);
json_t *sync_reg_to_json(const struct db_registration *r);
int sync_reg_from_json(const json_t *o, struct db_registration *r, char *why, size_t why_len);
json_t *sync_revocation_to_json(const struct sync_revocation *r);
int sync_revocation_from_json(const json_t *o, struct sync_revocation *r, char *why,
			      size_t why_len);
/* The word for an enum printer_state (firmware/printer/printer.h) and for an enum
 * ui_scanner_state (ui/screen.h) as health carries them; "unknown" out of range. */
const char *sync_health_printer_word(int printer_state);
const char *sync_health_camera_word(int scanner_state);
json_t *sync_health_to_json(const struct sync_health *h);
int sync_health_from_json(const json_t *o, struct sync_health *h, char *why, size_t why_len);
json_t *sync_setting_to_json(const struct sync_setting *s);
int sync_setting_from_json(const json_t *o, struct sync_setting *s, char *why, size_t why_len);

/* The words of the enums on the wire; -1 from the _parse functions when unknown. */
const char *sync_kind_word(int kind);
int sync_kind_parse(const char *w);
const char *sync_method_word(int method);
int sync_method_parse(const char *w);
const char *sync_mode_word(int mode);
int sync_mode_parse(const char *w);

/* Serialises o compactly into a malloc'd NUL-terminated string (caller frees), NULL when
 * out of memory. */
char *sync_dump(const json_t *o);

#endif
