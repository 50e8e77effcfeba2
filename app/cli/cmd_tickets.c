/* SPDX-License-Identifier: MIT */
/* `vkhid tickets`: a signed ticket for every active registration of the current event,
 * as QR images (PNG for mail, SVG for print) and tickets.csv for a mail merge.
 *
 * A registration keeps the ticket it was issued: running the command again rewrites the
 * images of the same codes. --reissue NUMBER revokes that person's ticket and issues a
 * new one (a lost or forwarded ticket). */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "badge/qr.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"

struct tickets_ctx {
	struct cli *c;
	const char *dir;
	FILE *csv;
	struct db_event ev;
	int key_id;
	uint8_t sk[64];
	int version, valid_from, valid_days; /* 0 days: no window */
	int64_t reissue;
	int64_t written, issued, failed;
};

/* Issues a new signed ticket for r into code. */
static int issue(struct tickets_ctx *x, const struct db_registration *r, char *code, size_t cap)
{
	struct ticket t = {
		.version = (uint8_t)(x->version ? x->version : TICKET_VERSION_DAYS), .key_id = (uint16_t)x->key_id, .event_id = (uint32_t)x->ev.id,
		.number = (uint32_t)r->number, .valid_from = (uint16_t)x->valid_from,
		.valid_days = (uint8_t)x->valid_days,
	};
	int rc, tries = 0;
	struct timeval tv;
	/* a nonce this person had before would bring back a revoked ticket: draw again */
	gettimeofday(&tv, NULL);
	do {
		t.nonce = ticket_nonce_new();
		rc = db_ticket_issued(x->c->d, x->ev.id, r->number, t.nonce,
				      (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
	} while (rc == VK_ERR_EXISTS && ++tries < 64);
	if (rc == VK_OK)
		rc = ticket_sign(&t, x->sk, code, cap);
	if (rc == VK_OK)
		rc = db_reg_set_vk_code(x->c->d, r->id, code);
	if (rc == VK_OK)
		x->issued++;
	return rc;
}

static int one(void *ctx, const struct db_registration *r)
{
	struct tickets_ctx *x = ctx;
	struct ticket_signed old;
	struct qr_image q;
	char code[sizeof r->vk_code], base[64], path[4096];
	int rc;

	if (r->status != DB_REG_ACTIVE)
		return 0;
	if (r->vk_code[0] && r->number != x->reissue) {
		snprintf(code, sizeof code, "%s", r->vk_code);
	} else {
		if (r->vk_code[0] && ticket_decode(r->vk_code, strlen(r->vk_code), &old) == TICKET_OK)
			db_revoke(x->c->d, old.t.event_id, old.t.number, old.t.nonce, "reissued");
		if ((rc = issue(x, r, code, sizeof code)) != VK_OK)
			return rc;
	}
	snprintf(base, sizeof base, "ticket-%04" PRId64, r->number);
	if (qr_encode(code, &q) != VK_OK) {
		x->failed++;
		return 0;
	}
	snprintf(path, sizeof path, "%s/%s.png", x->dir, base);
	rc = qr_write_png(&q, 8, 4, path);
	snprintf(path, sizeof path, "%s/%s.svg", x->dir, base);
	if (rc == VK_OK)
		rc = qr_write_svg(&q, 4, path);
	qr_free(&q);
	if (rc != VK_OK) {
		fprintf(x->c->err, _("vkhid: cannot write %s\n"), path);
		return VK_ERR_IO;
	}
	snprintf(path, sizeof path, "%s.png", base);
	cli_csv_number(x->csv, r->number, 0);
	cli_csv_field(x->csv, r->display, 0);
	cli_csv_field(x->csv, r->email, 0);
	cli_csv_field(x->csv, r->organization, 0);
	cli_csv_field(x->csv, path, 0);
	cli_csv_field(x->csv, code, 0);
	cli_csv_field(x->csv, r->ticket_code, 1);
	x->written++;
	return 0;
}

int cmd_tickets(struct cli *c, int argc, char **argv)
{
	const char *dir = NULL, *keyfile = NULL, *reissue = NULL, *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = {
		{ "--out", OPT_VALUE, &dir }, { "--key", OPT_VALUE, &keyfile },
		{ "--reissue", OPT_VALUE, &reissue }, { NULL, 0, NULL },
	};
	struct tickets_ctx x;
	struct db_key key;
	char path[4096], tmp[4200];
	int64_t key_event;

	memset(&x, 0, sizeof x);
	x.c = c;
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (!dir) {
		cli_usage(c, "tickets");
		return 2;
	}
	x.dir = dir;
	if (reissue) {
		char *end;
		x.reissue = strtoll(reissue, &end, 10);
		if (*end || x.reissue < 1) {
			fprintf(c->err, "%s", _("vkhid: --reissue takes a registration number\n"));
			return 2;
		}
	}
	if (!cli_db(c, 0) || cli_event(c, &x.ev) || cli_refuse_on_kiosk(c, "tickets"))
		return 2;
	if (db_key_latest(c->d, x.ev.id, &key) != VK_OK) {
		fprintf(c->err, _("vkhid: the event has no signing key yet. Create one:\n"
				   "  vkhid --db %s keygen\n"), c->db_path);
		return 2;
	}
	if (!keyfile) {
		cli_key_path(c, x.ev.id, key.key_id, path, sizeof path);
		keyfile = path;
	}
	if (ticket_key_exposed(keyfile)) {
		fprintf(c->err, _("vkhid: the secret key %s can be read by other users of this "
				   "computer; anyone who copies it can make tickets. Make it private and "
				   "try again:\n  chmod 600 %s\n"), keyfile, keyfile);
		return 2;
	}
	rc = ticket_key_load(keyfile, &key_event, &x.key_id, x.sk);
	if (rc != VK_OK || key_event != x.ev.id) {
		fprintf(c->err, rc == VK_ERR_NOT_FOUND
			? _("vkhid: the secret key %s is missing. Pass --key FILE, or run keygen "
			     "for a new key (tickets already sent stay valid).\n")
			: _("vkhid: %s is not a secret key of this event\n"), keyfile);
		sodium_memzero(x.sk, sizeof x.sk);
		return 2;
	}
	if (x.ev.starts[0]) {
		int from = ticket_day_from_date(x.ev.starts);
		int to = x.ev.ends[0] ? ticket_day_from_date(x.ev.ends) : from;
		struct ticket w;
		/* a window longer than 255 days becomes "until the event ends" (version 2) */
		if (ticket_window(from, to, &w) == VK_OK) {
			x.version = w.version;
			x.valid_from = w.valid_from;
			x.valid_days = w.valid_days;
		}
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(c->err, _("vkhid: cannot create the folder %s: %s\n"), dir, strerror(errno));
		sodium_memzero(x.sk, sizeof x.sk);
		return 2;
	}
	snprintf(tmp, sizeof tmp, "%s/tickets.csv.tmp", dir);
	x.csv = fopen(tmp, "w");
	if (!x.csv) {
		fprintf(c->err, _("vkhid: cannot write %s\n"), tmp);
		sodium_memzero(x.sk, sizeof x.sk);
		return 2;
	}
	fputs("\xef\xbb\xbfnumber,name,email,organization,ticket_file,code,existing_code\r\n", x.csv);
	rc = db_begin(c->d);
	if (rc == VK_OK)
		rc = db_reg_each(c->d, x.ev.id, one, &x);
	if (rc == VK_OK)
		rc = db_commit(c->d);
	else
		db_rollback(c->d);
	sodium_memzero(x.sk, sizeof x.sk);
	snprintf(path, sizeof path, "%s/tickets.csv", dir);
	if (fclose(x.csv) != 0 || rc != VK_OK || rename(tmp, path) != 0) {
		unlink(tmp);
		fprintf(c->err, "%s", _("vkhid: issuing tickets failed; nothing was changed\n"));
		return 2;
	}
	fprintf(c->out, _n("%lld ticket written to %s (%lld newly issued); mail merge list: %s\n",
			   "%lld tickets written to %s (%lld newly issued); mail merge list: %s\n",
			   x.written), (long long)x.written, dir, (long long)x.issued, path);
	if (x.failed)
		fprintf(c->err, _n("vkhid: %lld ticket could not be drawn as QR\n",
				   "vkhid: %lld tickets could not be drawn as QR\n", x.failed),
			(long long)x.failed);
	return x.failed ? 2 : 0;
}
