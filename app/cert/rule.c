/* SPDX-License-Identifier: MIT */
/* The certificate rule of an event (see cert.h): its stored text form, kept in the
 * setting "certificates.rule.EVENT" so it travels with the database like other settings,
 * and the default when none is set. */
#include "cert/cert.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define RULE_KEY "certificates.rule.%" PRId64

void cert_rule_default(struct cert_rule *r)
{
	memset(r, 0, sizeof *r);
	r->min_days = 1;
	r->is_default = 1;
}

/* A whole non-negative decimal number up to max; -1 otherwise. */
static int64_t number(const char *s, size_t n, int64_t max)
{
	int64_t v = 0;
	if (n == 0 || n > 12)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

static int fail(char *why, size_t cap, const char *fmt, const char *word, size_t n)
{
	if (why && cap)
		snprintf(why, cap, fmt, (int)n, word);
	return VK_ERR_INVALID;
}

int cert_rule_parse(const char *text, struct cert_rule *r, char *why, size_t why_len)
{
	const char *p = text ? text : "";
	int words = 0;
	memset(r, 0, sizeof *r);
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t wn = (size_t)(p - w);
		words++;
		const char *eq = memchr(w, '=', wn);
		if (!eq)
			return fail(why, why_len, "'%.*s' is not NAME=VALUE", w, wn);
		size_t kn = (size_t)(eq - w), vn = wn - kn - 1;
		const char *v = eq + 1;
		int64_t x;
		if (kn == 4 && memcmp(w, "days", 4) == 0) {
			if ((x = number(v, vn, 366)) < 0)
				return fail(why, why_len, "days: '%.*s' is not a number of days (0 to 366)", v, vn);
			r->min_days = (int)x;
		} else if (kn == 8 && memcmp(w, "sessions", 8) == 0) {
			if ((x = number(v, vn, 10000)) < 0)
				return fail(why, why_len, "sessions: '%.*s' is not a number (0 to 10000)", v, vn);
			r->min_sessions = (int)x;
		} else if (kn == 7 && memcmp(w, "minutes", 7) == 0) {
			if ((x = number(v, vn, 1000000)) < 0)
				return fail(why, why_len, "minutes: '%.*s' is not a number (0 to 1000000)", v, vn);
			r->min_minutes = x;
		} else if (kn == 8 && memcmp(w, "required", 8) == 0) {
			const char *q = v, *end = v + vn;
			while (q < end) {
				const char *c = memchr(q, ',', (size_t)(end - q));
				size_t n = c ? (size_t)(c - q) : (size_t)(end - q);
				if ((x = number(q, n, INT64_C(999999999999))) < 1)
					return fail(why, why_len, "required: '%.*s' is not a session id", q, n);
				if (r->n_required == CERT_MAX_REQUIRED)
					return fail(why, why_len, "required: more than 32 sessions%.*s", "", 0);
				int dup = 0;
				for (int i = 0; i < r->n_required; i++)
					dup |= r->required[i] == x;
				if (!dup)
					r->required[r->n_required++] = x;
				q += n + (c != NULL);
			}
		} else {
			return fail(why, why_len, "unknown rule '%.*s': use days, sessions, required, minutes", w, kn);
		}
	}
	if (!r->min_days && !r->min_sessions && !r->n_required && !r->min_minutes) {
		if (!words) {
			cert_rule_default(r);
			return VK_OK;
		}
		return fail(why, why_len, "a rule must ask for something (days, sessions, required or minutes)%.*s", "", 0);
	}
	return VK_OK;
}

void cert_rule_format(const struct cert_rule *r, char *out, size_t cap)
{
	size_t n = 0;
#define PUT(...) do { if (n < cap) n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__); } while (0)
	out[0] = '\0';
	if (r->is_default)
		return;
	if (r->min_days)
		PUT("%sdays=%d", n ? " " : "", r->min_days);
	if (r->min_sessions)
		PUT("%ssessions=%d", n ? " " : "", r->min_sessions);
	for (int i = 0; i < r->n_required; i++)
		PUT("%s%" PRId64, i ? "," : n ? " required=" : "required=", r->required[i]);
	if (r->min_minutes)
		PUT("%sminutes=%" PRId64, n ? " " : "", r->min_minutes);
#undef PUT
}

int cert_rule_load(db *d, int64_t event_id, struct cert_rule *r)
{
	char key[64], text[1024];
	int rc;
	snprintf(key, sizeof key, RULE_KEY, event_id);
	rc = db_setting_get(d, key, text, sizeof text);
	if (rc == VK_ERR_NOT_FOUND) {
		cert_rule_default(r);
		return VK_OK;
	}
	if (rc)
		return rc;
	return cert_rule_parse(text, r, NULL, 0);
}

int cert_rule_save(db *d, int64_t event_id, const struct cert_rule *r)
{
	char key[64], text[1024];
	snprintf(key, sizeof key, RULE_KEY, event_id);
	cert_rule_format(r, text, sizeof text);
	return db_setting_set(d, key, text);
}
