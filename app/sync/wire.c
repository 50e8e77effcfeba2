/* SPDX-License-Identifier: MIT */
/* The sync wire format (see wire.h): bounded parsing with jansson, and the conversions
 * between the JSON records and the database structs, each field checked. */
#include "sync/wire.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "printer/printer.h"

/* Says why (when the caller wants to know) and refuses. */
static int fail(char *why, size_t n, const char *msg)
{
	if (why && n)
		snprintf(why, n, "%s", msg);
	return VK_ERR_INVALID;
}

/* Nesting depth of JSON text without parsing it, so a hostile "[[[[..." is refused before
 * any recursive code runs. Strings are skipped (brackets inside them do not count). */
static size_t json_depth(const char *buf, size_t len)
{
	size_t depth = 0, max = 0;
	int in_str = 0, esc = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '"') {
			in_str = 1;
		} else if (ch == '[' || ch == '{') {
			if (++depth > max)
				max = depth;
		} else if ((ch == ']' || ch == '}') && depth) {
			depth--;
		}
	}
	return max;
}

int sync_parse(const char *buf, size_t len, json_t **out, char *why, size_t why_len)
{
	json_error_t err;
	char msg[200];
	json_t *o;

	*out = NULL;
	if (!buf || len == 0)
		return fail(why, why_len, "the message is empty");
	if (len > SYNC_MAX_BODY)
		return fail(why, why_len, "the message is larger than 8 MiB");
	if (json_depth(buf, len) > SYNC_MAX_DEPTH)
		return fail(why, why_len, "the message nests deeper than 8 levels");
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!o) {
		snprintf(msg, sizeof msg, "not valid JSON at line %d, column %d: %s", err.line,
			 err.column, err.text);
		return fail(why, why_len, msg);
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return fail(why, why_len, "the message is not a JSON object");
	}
	*out = o;
	return VK_OK;
}

int sync_uuid_ok(const char *s)
{
	static const char pat[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	if (!s || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		if (pat[i] == '-' ? s[i] != '-' : !(isdigit((unsigned char)s[i]) ||
						   (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

int sync_kiosk_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* ---- field readers: name the field and what is wrong ------------------------------------ */
static int get_int(const json_t *o, const char *k, int64_t min, int64_t max, int64_t *v,
		   char *why, size_t n)
{
	char msg[120];
	const json_t *x = json_object_get(o, k);
	if (!json_is_integer(x)) {
		snprintf(msg, sizeof msg, "\"%s\" must be an integer", k);
		return fail(why, n, msg);
	}
	json_int_t i = json_integer_value(x);
	if (i < min || i > max) {
		snprintf(msg, sizeof msg, "\"%s\" is out of range", k);
		return fail(why, n, msg);
	}
	*v = i;
	return VK_OK;
}

/* required: the field must be present; else a missing field leaves "" */
static int get_str(const json_t *o, const char *k, char *buf, size_t cap, int required,
		   char *why, size_t n)
{
	char msg[120];
	const json_t *x = json_object_get(o, k);
	buf[0] = 0;
	if (!x && !required)
		return VK_OK;
	if (!json_is_string(x)) {
		snprintf(msg, sizeof msg, "\"%s\" must be a string", k);
		return fail(why, n, msg);
	}
	if (json_string_length(x) >= cap) {
		snprintf(msg, sizeof msg, "\"%s\" is too long", k);
		return fail(why, n, msg);
	}
	memcpy(buf, json_string_value(x), json_string_length(x) + 1);
	return VK_OK;
}

static int get_bool(const json_t *o, const char *k, int *v, char *why, size_t n)
{
	char msg[120];
	const json_t *x = json_object_get(o, k);
	if (!json_is_boolean(x)) {
		snprintf(msg, sizeof msg, "\"%s\" must be true or false", k);
		return fail(why, n, msg);
	}
	*v = json_is_true(x);
	return VK_OK;
}

static int get_word(const json_t *o, const char *k, int (*parse)(const char *), int *v,
		    char *why, size_t n)
{
	char w[32], msg[120];
	int rc = get_str(o, k, w, sizeof w, 1, why, n);
	if (rc)
		return rc;
	if ((*v = parse(w)) < 0) {
		snprintf(msg, sizeof msg, "\"%s\" has an unknown value", k);
		return fail(why, n, msg);
	}
	return VK_OK;
}

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)
#define I64MAX INT64_MAX

/* ---- enums ------------------------------------------------------------------------------- */
static const char *const kinds[] = { "entry", "reprint", "undo", "walkin", "exit" };
static const char *const methods[] = { "qr", "search", "manual" };
static const char *const modes[] = { "offline", "hub" };

static int word_index(const char *const *t, int n, const char *w)
{
	for (int i = 0; i < n; i++)
		if (strcmp(t[i], w) == 0)
			return i;
	return -1;
}

const char *sync_kind_word(int k) { return k >= 0 && k < 5 ? kinds[k] : "?"; }
int sync_kind_parse(const char *w) { return word_index(kinds, 5, w); }
const char *sync_method_word(int m) { return m >= 0 && m < 3 ? methods[m] : "?"; }
int sync_method_parse(const char *w) { return word_index(methods, 3, w); }
const char *sync_mode_word(int m) { return m == SYNC_MODE_HUB ? "hub" : "offline"; }
int sync_mode_parse(const char *w) { return word_index(modes, 2, w); }

/* ---- check-in events and notes ----------------------------------------------------------- */
json_t *sync_event_to_json(const struct sync_event *e)
{
	const struct db_checkin *c = &e->ci;
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:b, s:s}",
			 "uuid", c->uuid, "kiosk", c->kiosk, "seq", (json_int_t)c->seq,
			 "event_id", (json_int_t)c->event_id, "number", (json_int_t)c->number,
			 "session_id", (json_int_t)c->session_id, "kind", sync_kind_word(c->kind),
			 "method", sync_method_word(c->method), "wall_ms", (json_int_t)c->wall_ms,
			 "hlc", (json_int_t)c->hlc, "clock_trusted", c->clock_trusted,
			 "mode", sync_mode_word(e->mode));
}

int sync_event_from_json(const json_t *o, struct sync_event *e, char *why, size_t n)
{
	struct db_checkin *c = &e->ci;
	memset(e, 0, sizeof *e);
	if (!json_is_object(o))
		return fail(why, n, "a check-in event must be an object");
	TRY(get_str(o, "uuid", c->uuid, sizeof c->uuid, 1, why, n));
	if (!sync_uuid_ok(c->uuid))
		return fail(why, n, "\"uuid\" is not a UUID");
	TRY(get_str(o, "kiosk", c->kiosk, sizeof c->kiosk, 1, why, n));
	if (!sync_kiosk_ok(c->kiosk))
		return fail(why, n, "\"kiosk\" is not a kiosk id");
	TRY(get_int(o, "seq", 1, I64MAX, &c->seq, why, n));
	TRY(get_int(o, "event_id", 1, INT32_MAX, &c->event_id, why, n));
	TRY(get_int(o, "number", 1, I64MAX, &c->number, why, n));
	TRY(get_int(o, "session_id", 0, I64MAX, &c->session_id, why, n));
	TRY(get_word(o, "kind", sync_kind_parse, &c->kind, why, n));
	TRY(get_word(o, "method", sync_method_parse, &c->method, why, n));
	TRY(get_int(o, "wall_ms", 0, I64MAX, &c->wall_ms, why, n));
	TRY(get_int(o, "hlc", 0, I64MAX, &c->hlc, why, n));
	TRY(get_bool(o, "clock_trusted", &c->clock_trusted, why, n));
	TRY(get_word(o, "mode", sync_mode_parse, &e->mode, why, n));
	return VK_OK;
}

json_t *sync_note_to_json(const struct sync_note *x)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "uuid", x->uuid, "kiosk", x->kiosk,
			 "incident", x->incident, "note", x->note, "wall_ms", (json_int_t)x->wall_ms,
			 "hlc", (json_int_t)x->hlc);
}

int sync_note_from_json(const json_t *o, struct sync_note *x, char *why, size_t n)
{
	memset(x, 0, sizeof *x);
	if (!json_is_object(o))
		return fail(why, n, "a note must be an object");
	TRY(get_str(o, "uuid", x->uuid, sizeof x->uuid, 1, why, n));
	TRY(get_str(o, "incident", x->incident, sizeof x->incident, 1, why, n));
	if (!sync_uuid_ok(x->uuid) || !sync_uuid_ok(x->incident))
		return fail(why, n, "a note's \"uuid\" and \"incident\" must be UUIDs");
	TRY(get_str(o, "kiosk", x->kiosk, sizeof x->kiosk, 1, why, n));
	if (!sync_kiosk_ok(x->kiosk))
		return fail(why, n, "\"kiosk\" is not a kiosk id");
	TRY(get_str(o, "note", x->note, sizeof x->note, 1, why, n));
	TRY(get_int(o, "wall_ms", 0, I64MAX, &x->wall_ms, why, n));
	TRY(get_int(o, "hlc", 0, I64MAX, &x->hlc, why, n));
	return VK_OK;
}

/* ---- the roster ------------------------------------------------------------------------ */
json_t *sync_dbevent_to_json(const struct db_event *ev)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)ev->id,
			 "name", ev->name, "starts", ev->starts, "ends", ev->ends,
			 "timezone", ev->timezone, "walkins", ev->walkins);
}

int sync_dbevent_from_json(const json_t *o, struct db_event *ev, char *why, size_t n)
{
	memset(ev, 0, sizeof *ev);
	if (!json_is_object(o))
		return fail(why, n, "an event must be an object");
	TRY(get_int(o, "id", 1, INT32_MAX, &ev->id, why, n));
	TRY(get_str(o, "name", ev->name, sizeof ev->name, 1, why, n));
	TRY(get_str(o, "starts", ev->starts, sizeof ev->starts, 0, why, n));
	TRY(get_str(o, "ends", ev->ends, sizeof ev->ends, 0, why, n));
	TRY(get_str(o, "timezone", ev->timezone, sizeof ev->timezone, 1, why, n));
	TRY(get_bool(o, "walkins", &ev->walkins, why, n));
	return VK_OK;
}

json_t *sync_key_to_json(const struct db_key *k)
{
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", k->pk[i]);
	return json_pack("{s:i, s:I, s:s, s:b}", "key_id", k->key_id, "event_id",
			 (json_int_t)k->event_id, "pk", hex, "revoked", k->revoked);
}

int sync_key_from_json(const json_t *o, struct db_key *k, char *why, size_t n)
{
	char hex[65];
	int64_t id;
	memset(k, 0, sizeof *k);
	if (!json_is_object(o))
		return fail(why, n, "a key must be an object");
	TRY(get_int(o, "key_id", 1, 65535, &id, why, n));
	k->key_id = (int)id;
	TRY(get_int(o, "event_id", 1, INT32_MAX, &k->event_id, why, n));
	TRY(get_str(o, "pk", hex, sizeof hex, 1, why, n));
	if (strlen(hex) != 64)
		return fail(why, n, "\"pk\" must be 64 hex digits");
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &v) != 1)
			return fail(why, n, "\"pk\" must be 64 hex digits");
		k->pk[i] = (uint8_t)v;
	}
	TRY(get_bool(o, "revoked", &k->revoked, why, n));
	return VK_OK;
}

json_t *sync_reg_to_json(const struct db_registration *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "event_id", (json_int_t)r->event_id, "number", (json_int_t)r->number,
			      "external_id", r->external_id, "ticket_code", r->ticket_code,
			      "vk_code", r->vk_code, "given", r->given, "family", r->family,
			      "display", r->display);
	if (o && json_object_update_new(o, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}",
			"organization", r->organization, "category", r->category,
			"email", r->email, "lang", r->lang, "status", r->status,
			"search_key", r->search_key, "updated", r->updated)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int sync_reg_from_json(const json_t *o, struct db_registration *r, char *why, size_t n)
{
	int64_t st;
	memset(r, 0, sizeof *r);
	if (!json_is_object(o))
		return fail(why, n, "a registration must be an object");
	TRY(get_int(o, "event_id", 1, INT32_MAX, &r->event_id, why, n));
	TRY(get_int(o, "number", 1, I64MAX, &r->number, why, n));
	TRY(get_str(o, "external_id", r->external_id, sizeof r->external_id, 0, why, n));
	TRY(get_str(o, "ticket_code", r->ticket_code, sizeof r->ticket_code, 0, why, n));
	TRY(get_str(o, "vk_code", r->vk_code, sizeof r->vk_code, 0, why, n));
	TRY(get_str(o, "given", r->given, sizeof r->given, 0, why, n));
	TRY(get_str(o, "family", r->family, sizeof r->family, 0, why, n));
	TRY(get_str(o, "display", r->display, sizeof r->display, 1, why, n));
	TRY(get_str(o, "organization", r->organization, sizeof r->organization, 0, why, n));
	TRY(get_str(o, "category", r->category, sizeof r->category, 0, why, n));
	TRY(get_str(o, "email", r->email, sizeof r->email, 0, why, n));
	TRY(get_str(o, "lang", r->lang, sizeof r->lang, 0, why, n));
	TRY(get_int(o, "status", 0, 1, &st, why, n));
	r->status = (int)st;
	TRY(get_str(o, "search_key", r->search_key, sizeof r->search_key, 0, why, n));
	TRY(get_str(o, "updated", r->updated, sizeof r->updated, 0, why, n));
	return VK_OK;
}

json_t *sync_revocation_to_json(const struct sync_revocation *r)
{
	return json_pack("{s:I, s:I, s:I, s:s}", "event_id", (json_int_t)r->event_id,
			 "number", (json_int_t)r->number, "nonce", (json_int_t)r->nonce,
			 "reason", r->reason);
}

int sync_revocation_from_json(const json_t *o, struct sync_revocation *r, char *why, size_t n)
{
	int64_t nonce;
	memset(r, 0, sizeof *r);
	if (!json_is_object(o))
		return fail(why, n, "a revocation must be an object");
	TRY(get_int(o, "event_id", 1, INT32_MAX, &r->event_id, why, n));
	TRY(get_int(o, "number", 1, I64MAX, &r->number, why, n));
	TRY(get_int(o, "nonce", 0, UINT32_MAX, &nonce, why, n));
	r->nonce = (uint32_t)nonce;
	TRY(get_str(o, "reason", r->reason, sizeof r->reason, 0, why, n));
	return VK_OK;
}

json_t *sync_setting_to_json(const struct sync_setting *s)
{
	return json_pack("{s:s, s:s}", "key", s->key, "value", s->value);
}

int sync_setting_from_json(const json_t *o, struct sync_setting *s, char *why, size_t n)
{
	memset(s, 0, sizeof *s);
	if (!json_is_object(o))
		return fail(why, n, "a setting must be an object");
	TRY(get_str(o, "key", s->key, sizeof s->key, 1, why, n));
	TRY(get_str(o, "value", s->value, sizeof s->value, 1, why, n));
	return VK_OK;
}

const char *sync_health_printer_word(int st)
{
	static const char *const w[PRINTER_STATE_COUNT] = {
		"ready", "absent", "unplugged", "cover_open", "no_media", "end_of_media",
		"wrong_media", "cutter_jam", "cannot_feed", "editor_lite", "not_answering",
		"system_error", "paused", "unsupported",
	};
	return st >= 0 && st < PRINTER_STATE_COUNT && w[st] ? w[st] : "unknown";
}

const char *sync_health_camera_word(int st)
{
	static const char *const w[] = { "ok", "none", "gone", "ended" };
	return st >= 0 && st < (int)(sizeof w / sizeof w[0]) ? w[st] : "unknown";
}

json_t *sync_health_to_json(const struct sync_health *h)
{
	return json_pack("{s:s, s:I, s:s, s:b, s:I}", "printer", h->printer, "queue",
			 (json_int_t)h->queue, "camera", h->camera, "clock_trusted", h->clock_trusted,
			 "pending", (json_int_t)h->pending);
}

/* a state word: what a dashboard shows as it is, so nothing but [a-z_-] */
static int word_ok(const char *w)
{
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || *w == '_' || *w == '-'))
			return 0;
	return 1;
}

int sync_health_from_json(const json_t *o, struct sync_health *h, char *why, size_t n)
{
	memset(h, 0, sizeof *h);
	if (!json_is_object(o))
		return fail(why, n, "\"health\" must be an object");
	TRY(get_str(o, "printer", h->printer, sizeof h->printer, 1, why, n));
	TRY(get_str(o, "camera", h->camera, sizeof h->camera, 1, why, n));
	if (!word_ok(h->printer) || !word_ok(h->camera))
		return fail(why, n, "\"printer\" and \"camera\" must be lower-case words");
	TRY(get_int(o, "queue", 0, INT32_MAX, &h->queue, why, n));
	TRY(get_int(o, "pending", 0, INT64_MAX, &h->pending, why, n));
	TRY(get_bool(o, "clock_trusted", &h->clock_trusted, why, n));
	return VK_OK;
}

char *sync_dump(const json_t *o)
{
	return json_dumps(o, JSON_COMPACT);
}
