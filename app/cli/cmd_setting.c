/* SPDX-License-Identifier: MIT */
/* `vkhid setting [KEY [VALUE]]`: the kiosk settings an organizer may change, checked
 * before they are stored (the organizer PIN, the default language, reprint limits).
 * The organizer PIN is stored as a hash (core/pin.h) and never printed: it shows as
 * "(set)"; a plain PIN left by an older vkhid is hashed when this command opens the
 * database. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "badge/reprint.h"
#include "cli/cli.h"
#include "core/checkin.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/pin.h"
#include "door/door.h"

struct known {
	const char *key;
	const char *fallback;       /* shown when unset */
	const char *what;           /* English msgid (N_): shown through _() */
	int (*valid)(const char *v);
};

static int pin_ok(const char *v)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return n >= 4 && n <= 8;
}

static int lang_ok(const char *v)
{
	/* any language a catalog was found for, by its plain code */
	int l = i18n_lang_find(v);
	return l >= 0 && strcmp(i18n_lang_code(l), v) == 0;
}

static int count_ok(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *v && !*end && n >= 0 && n <= 1000;
}

static int limit_ok(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *v && !*end && n >= -1 && n <= 1000;
}

static int onoff_ok(const char *v)
{
	return strcmp(v, "on") == 0 || strcmp(v, "off") == 0;
}

static int side_ok(const char *v)
{
	static const char *const sides[] = { "behind", "top", "left", "right", "bottom" };
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++)
		if (strcmp(v, sides[i]) == 0)
			return 1;
	return 0;
}

/* "Name=value; Name=value": every part has a name and a value */
static int pairs_ok(const char *v)
{
	const char *p = v;
	if (!*v || strlen(v) > 1000)
		return 0;
	while (*p) {
		const char *end = strchr(p, ';'), *eq = strchr(p, '=');
		if (!end)
			end = p + strlen(p);
		if (!eq || eq >= end || eq == p || eq + 1 == end)
			return 0;
		p = *end ? end + 1 : end;
		while (*p == ' ')
			p++;
	}
	return 1;
}

static int bool_ok(const char *v)
{
	return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
}

static int entrance_ok(const char *v)
{
	return strcmp(v, "admit") == 0 || strcmp(v, "send") == 0;
}

static const struct known settings[] = {
	{ DOOR_SETTING_PIN, PIN_DEFAULT, N_("organizer PIN on the kiosk: 4 to 8 digits"), pin_ok },
	{ DOOR_SETTING_LANG, "uk", N_("the kiosk's default language: a language code (en, uk, ...)"),
	  lang_ok },
	{ BADGE_SETTING_REPRINTS_FREE, "0",
	  N_("reprints an attendee may get without the organizer (0 or more)"),
	  count_ok },
	{ BADGE_SETTING_REPRINTS_MAX, "-1", N_("reprints allowed at all (-1 = no limit)"),
	  limit_ok },
	{ "ui.findme_verify", "on",
	  N_("on: Find me asks for the last digits of the number or the e-mail before printing"),
	  onoff_ok },
	{ "ui.sound", "on", N_("on: a short tone on admission, another on a refusal"), onoff_ok },
	{ "ui.bilingual", "on", N_("on: welcome and refusals also in the second language"), onoff_ok },
	{ "ui.camera_side", "behind",
	  N_("where the camera is: behind, top, left, right or bottom (an arrow points to it)"),
	  side_ok },
	{ "ui.category_colors", "",
	  N_("category colours: \"Спікер=#1E88E5; Волонтер=#2E7D32\""), pairs_ok },
	{ "ui.category_en", "", N_("English names of categories: \"Спікер=Speaker\""), pairs_ok },
	{ CHECKIN_SETTING_DAILY_BADGES, "0",
	  N_("1: an event of several days prints a badge every day (0: day two only greets)"),
	  bool_ok },
	{ CHECKIN_SETTING_SESSION_GRACE, "10",
	  N_("minutes a room's door admits before a session starts and after it ends"), count_ok },
	{ CHECKIN_SETTING_SESSION_ENTRANCE, "admit",
	  N_("a room's door and someone not checked in at the entrance: admit (record both) or send"),
	  entrance_ok },
	{ NULL, NULL, NULL, NULL },
};

int cmd_setting(struct cli *c, int argc, char **argv)
{
	const struct known *k;
	char val[256];

	if (argc > 2) {
		cli_usage(c, "setting");
		return 2;
	}
	if (!cli_db(c, 0))
		return 2;
	pin_migrate(c->d); /* an older vkhid's plain PIN becomes a hash before anything else */
	if (argc == 0) {
		for (k = settings; k->key; k++) {
			int set = db_setting_get(c->d, k->key, val, sizeof val) == VK_OK;
			if (set && strcmp(k->key, DOOR_SETTING_PIN) == 0)
				snprintf(val, sizeof val, "%s", _("(set)"));
			fprintf(c->out, "%-22s %-6s %s%s\n", k->key, set ? val : k->fallback,
				_(k->what), set ? "" : _(" (default)"));
		}
		return 0;
	}
	for (k = settings; k->key; k++)
		if (strcmp(k->key, argv[0]) == 0)
			break;
	if (!k->key) {
		fprintf(c->err, _("vkhid: no setting '%s'; `vkhid setting` lists them\n"), argv[0]);
		return 2;
	}
	if (argc == 1) {
		int set = db_setting_get(c->d, k->key, val, sizeof val) == VK_OK;
		if (set && strcmp(k->key, DOOR_SETTING_PIN) == 0)
			snprintf(val, sizeof val, "%s", _("(set)"));
		fprintf(c->out, "%s\n", set ? val : k->fallback);
		return 0;
	}
	if (strcmp(k->key, DOOR_SETTING_PIN) == 0) {
		/* stored as a hash, with the lockout cleared: the organizer who knows the
		 * database may always set a new PIN */
		if (!k->valid(argv[1])) {
			fprintf(c->err, _("vkhid: this PIN does not fit %s: %s\n"), k->key, _(k->what));
			return 2;
		}
		if (pin_set(c->d, argv[1]) != VK_OK) {
			fprintf(c->err, "%s", _("vkhid: could not save the setting\n"));
			return 2;
		}
		fprintf(c->out, "%s = %s\n", k->key, _("(set)"));
		return 0;
	}
	if (!k->valid(argv[1])) {
		fprintf(c->err, _("vkhid: '%s' does not fit %s: %s\n"),
			argv[1], k->key, _(k->what));
		return 2;
	}
	if (db_setting_set(c->d, k->key, argv[1]) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: could not save the setting\n"));
		return 2;
	}
	fprintf(c->out, "%s = %s\n", k->key, argv[1]);
	return 0;
}
