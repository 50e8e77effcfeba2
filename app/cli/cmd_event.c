/* SPDX-License-Identifier: MIT */
/* `vkhid event` and `vkhid keygen`: the event and its ticket signing keys. */
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/checkin.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/ticket.h"

static int print_event(void *ctx, const struct db_event *ev)
{
	struct cli *c = ctx;
	struct db_event cur;
	int is_cur = db_event_current(c->d, &cur) == VK_OK && cur.id == ev->id;
	fprintf(c->out, "%c %" PRId64 "  %s  %s..%s  %s\n", is_cur ? '*' : ' ', ev->id, ev->name,
		ev->starts[0] ? ev->starts : "-", ev->ends[0] ? ev->ends : "-", ev->timezone);
	return 0;
}

static int valid_tz(const char *tz)
{
	char path[512];
	if (!*tz || strstr(tz, "..") || tz[0] == '/')
		return 0;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0 || strcmp(tz, "UTC") == 0;
}

static int event_create(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *starts = "", *ends = "", *tz = "Europe/Kyiv";
	int walkins = 0, daily = 0, np;
	const char *pos[1];
	struct opt_spec spec[] = {
		{ "--name", OPT_VALUE, &name }, { "--starts", OPT_VALUE, &starts },
		{ "--ends", OPT_VALUE, &ends }, { "--timezone", OPT_VALUE, &tz },
		{ "--walk-ins", OPT_FLAG, &walkins }, { "--daily-badges", OPT_FLAG, &daily },
		{ NULL, 0, NULL },
	};
	struct db_event ev;
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!name || !*name) {
		fprintf(c->err, "%s", _("vkhid: give the event a name: event create --name \"Name\"\n"));
		return 2;
	}
	if (!text_utf8_valid(name, strlen(name))) {
		fprintf(c->err, "%s", _("vkhid: the event name is not valid UTF-8 text\n"));
		return 2;
	}
	if ((*starts && ticket_day_from_date(starts) < 0) || (*ends && ticket_day_from_date(ends) < 0)) {
		fprintf(c->err, "%s", _("vkhid: dates are written YYYY-MM-DD, e.g. 2026-11-23\n"));
		return 2;
	}
	if (*starts && *ends && ticket_day_from_date(ends) < ticket_day_from_date(starts)) {
		fprintf(c->err, "%s", _("vkhid: --ends is before --starts\n"));
		return 2;
	}
	if (!valid_tz(tz)) {
		fprintf(c->err, _("vkhid: unknown time zone '%s' (use a name like Europe/Kyiv)\n"), tz);
		return 2;
	}
	if (!cli_db(c, CLI_DB_CREATE))
		return 2;
	memset(&ev, 0, sizeof ev);
	text_copy(ev.name, sizeof ev.name, name);
	text_copy(ev.starts, sizeof ev.starts, starts);
	text_copy(ev.ends, sizeof ev.ends, ends);
	text_copy(ev.timezone, sizeof ev.timezone, tz);
	ev.walkins = walkins;
	if (db_event_create(c->d, &ev) != VK_OK || db_event_set_current(c->d, ev.id) != VK_OK ||
	    (daily && db_setting_set(c->d, CHECKIN_SETTING_DAILY_BADGES, "1") != VK_OK)) {
		fprintf(c->err, "%s", _("vkhid: could not save the event (is the disk full?)\n"));
		return 2;
	}
	fprintf(c->out, _("Event %lld created: %s. It is now the current event.\n"
			   "Next: vkhid --db %s keygen\n"), (long long)ev.id, ev.name, c->db_path);
	return 0;
}

int cmd_event(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		cli_usage(c, "event");
		return 2;
	}
	if (strcmp(argv[0], "create") == 0)
		return event_create(c, argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0) {
		if (!cli_db(c, CLI_DB_READ))
			return 2;
		return db_event_each(c->d, print_event, c) == VK_OK ? 0 : 2;
	}
	if (strcmp(argv[0], "use") == 0 && argc == 2) {
		struct db_event ev;
		char *end;
		long long id = strtoll(argv[1], &end, 10);
		if (!cli_db(c, 0))
			return 2;
		if (*end || db_event_get(c->d, id, &ev) != VK_OK) {
			fprintf(c->err, _("vkhid: no event %s here; `vkhid event list` shows them\n"), argv[1]);
			return 2;
		}
		db_event_set_current(c->d, ev.id);
		fprintf(c->out, _("Current event: %s\n"), ev.name);
		return 0;
	}
	cli_usage(c, "event");
	return 2;
}

int cmd_keygen(struct cli *c, int argc, char **argv)
{
	const char *out = NULL, *pos[1];
	int np, rc;
	struct opt_spec spec[] = { { "--out", OPT_VALUE, &out }, { NULL, 0, NULL } };
	struct db_event ev;
	struct db_key key;
	uint8_t sk[64];
	char path[1024];

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!cli_db(c, 0) || cli_event(c, &ev) || cli_refuse_on_kiosk(c, "keygen"))
		return 2;
	memset(&key, 0, sizeof key);
	key.event_id = ev.id;
	crypto_sign_keypair(key.pk, sk);
	if (db_begin(c->d) != VK_OK || db_key_add(c->d, &key) != VK_OK) {
		db_rollback(c->d);
		fprintf(c->err, "%s", _("vkhid: could not store the public key\n"));
		sodium_memzero(sk, sizeof sk);
		return 2;
	}
	if (out)
		snprintf(path, sizeof path, "%s", out);
	else
		cli_key_path(c, ev.id, key.key_id, path, sizeof path);
	rc = ticket_key_save(path, ev.id, key.key_id, sk);
	sodium_memzero(sk, sizeof sk);
	if (rc) {
		db_rollback(c->d);
		fprintf(c->err, rc == VK_ERR_EXISTS
			? _("vkhid: %s already exists; move it away or pass --out FILE\n")
			: _("vkhid: cannot write the secret key to %s (check the folder)\n"), path);
		return 2;
	}
	if (db_commit(c->d) != VK_OK) {
		unlink(path);
		fprintf(c->err, "%s", _("vkhid: could not store the public key\n"));
		return 2;
	}
	fprintf(c->out, _("Key %d created for %s.\nSecret key (keep it off the kiosks): %s\n"),
		key.key_id, ev.name, path);
	return 0;
}
