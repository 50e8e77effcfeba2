/* SPDX-License-Identifier: MIT */
/* `vkhid certificates` (the rule, the dry run, the PDFs and the mail merge list) and
 * `vkhid verify` (is this certificate genuine?). The rules of attendance, the signed code
 * and the drawing live in app/cert; this file reads the options, walks the roster and
 * writes the files, each under a temporary name renamed when complete, so a folder never
 * holds half a certificate that looks whole. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cert/cert.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"

/* ---- the rule ------------------------------------------------------------------------------ */
struct title_find {
	int64_t id;
	int found, cancelled;
	char title[256];
};

static int find_session(void *ctx, const struct db_cert_session *s)
{
	struct title_find *t = ctx;
	if (s->id != t->id)
		return 0;
	t->found = 1;
	t->cancelled = s->cancelled;
	snprintf(t->title, sizeof t->title, "%s", s->title);
	return 1;
}

static void print_rule(struct cli *c, const struct db_event *ev, const struct cert_rule *r)
{
	fprintf(c->out, _("Certificate rule of %s:\n"), ev->name);
	if (r->is_default) {
		fprintf(c->out, "%s", _("  at least one day (the default: no rule was set)\n"));
		return;
	}
	if (r->min_days)
		fprintf(c->out, _("  days: at least %d\n"), r->min_days);
	if (r->min_sessions)
		fprintf(c->out, _("  sessions: at least %d\n"), r->min_sessions);
	for (int i = 0; i < r->n_required; i++) {
		struct title_find t = { .id = r->required[i] };
		db_cert_session_each(c->d, ev->id, find_session, &t);
		fprintf(c->out, _("  required session %lld: %s%s\n"), (long long)t.id,
			t.found ? t.title : _("(not in the programme)"),
			t.cancelled ? _(" (cancelled: not required)") : "");
	}
	if (r->min_minutes)
		fprintf(c->out, _("  minutes between entrance and exit: at least %lld\n"),
			(long long)r->min_minutes);
}

static int cmd_rule(struct cli *c, int argc, char **argv)
{
	const char *days = NULL, *sessions = NULL, *required = NULL, *minutes = NULL, *pos[1];
	int np = 0, dflt = 0;
	struct opt_spec spec[] = {
		{ "--min-days", OPT_VALUE, &days }, { "--min-sessions", OPT_VALUE, &sessions },
		{ "--required", OPT_VALUE, &required }, { "--min-minutes", OPT_VALUE, &minutes },
		{ "--default", OPT_FLAG, &dflt }, { NULL, 0, NULL },
	};
	struct db_event ev;
	struct cert_rule r;
	char text[1200], why[256];
	int set, rc;

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	set = days || sessions || required || minutes || dflt;
	if (!cli_db(c, set ? CLI_DB_WRITE : CLI_DB_READ) || cli_event(c, &ev))
		return 2;
	if (!set) {
		if (cert_rule_load(c->d, ev.id, &r) != VK_OK) {
			fprintf(c->err, "%s", _("vkhid: the stored certificate rule cannot be read; set it "
						 "again with `vkhid certificates rule ...`\n"));
			return 2;
		}
		print_rule(c, &ev, &r);
		return 0;
	}
	if (dflt && (days || sessions || required || minutes)) {
		fprintf(c->err, "%s", _("vkhid: --default takes no other option\n"));
		return 2;
	}
	snprintf(text, sizeof text, "%s%s %s%s %s%s %s%s", days ? "days=" : "", days ? days : "",
		 sessions ? "sessions=" : "", sessions ? sessions : "",
		 required ? "required=" : "", required ? required : "",
		 minutes ? "minutes=" : "", minutes ? minutes : "");
	if (cert_rule_parse(text, &r, why, sizeof why) != VK_OK) {
		fprintf(c->err, _("vkhid: %s. Example: vkhid certificates rule --min-days 2 "
				   "--min-sessions 3\n"), why);
		return 2;
	}
	/* a required session must be one of this event's: a typo would fail everybody */
	for (int i = 0; i < r.n_required; i++) {
		struct title_find t = { .id = r.required[i] };
		rc = db_cert_session_each(c->d, ev.id, find_session, &t);
		if (rc < 0) {
			fprintf(c->err, _("vkhid: could not read the programme. %s\n"), cli_db_advice(rc));
			return 2;
		}
		if (!t.found) {
			fprintf(c->err, _("vkhid: the event has no session %lld. `vkhid session list` "
					   "shows the sessions and their numbers.\n"), (long long)t.id);
			return 2;
		}
	}
	rc = cert_rule_save(c->d, ev.id, &r);
	if (rc) {
		fprintf(c->err, _("vkhid: the rule was not saved. %s\n"), cli_db_advice(rc));
		return 2;
	}
	print_rule(c, &ev, &r);
	return 0;
}

/* ---- the dry run and the certificates --------------------------------------------------------- */
struct run {
	struct cli *c;
	struct db_event ev;
	struct cert_rule rule;
	cert_book *book;
	int dry;
	/* --out */
	const char *dir;
	struct cert_template tpl;
	cert_pdf *all;
	FILE *csv;
	uint8_t sk[64];
	int key_id, issued_day;
	char date_text[16];
	int64_t people, eligible, written;
	int err;
};

/* The person's name exactly as registered: what the badge shows. */
static const char *name_of(const struct db_registration *r, char *buf, size_t cap)
{
	if (r->display[0])
		return r->display;
	snprintf(buf, cap, "%s%s%s", r->given, r->given[0] && r->family[0] ? " " : "", r->family);
	return buf;
}

static int cert_lang(const struct run *x, const struct db_registration *r)
{
	int l = -1;
	if (x->tpl.lang[0])
		l = i18n_lang_find(x->tpl.lang);
	if (l < 0 && r->lang[0])
		l = i18n_lang_find(r->lang);
	return l < 0 ? i18n_lang() : l;
}

static int write_one(struct run *x, const struct db_registration *r, const char *name,
		     const struct cert_verdict *v)
{
	struct cert_claim cl = {
		.key_id = x->key_id, .event_id = x->ev.id, .number = r->number,
		.issued_day = x->issued_day, .days = v->days > 255 ? 255 : v->days,
		.sessions = v->sessions > 65535 ? 65535 : v->sessions,
		.minutes = v->minutes ? v->minutes : v->session_minutes,
	};
	char code[CERT_CODE_MAX], attended[256], file[64], path[4200], tmp[4300];
	struct cert_verdict shown = *v;
	cert_pdf *one;
	int lang = cert_lang(x, r), rc;

	size_t nl = strlen(name);
	/* cut, it would no longer be the name as registered */
	if (nl > CERT_NAME_MAX)
		return VK_ERR_INVALID;
	memcpy(cl.name, name, nl + 1);
	if ((rc = cert_code_sign(&cl, x->sk, code, sizeof code)) != VK_OK)
		return rc;
	shown.minutes = cl.minutes;
	cert_attended_text(lang, &shown, attended, sizeof attended);
	struct cert_page pg = {
		.event = x->ev.name, .name = name, .attended = attended, .date = x->date_text,
		.code = code, .lang = lang,
	};
	snprintf(file, sizeof file, "certificate-%04" PRId64 ".pdf", r->number);
	snprintf(path, sizeof path, "%s/%s", x->dir, file);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((rc = cert_pdf_open(tmp, &one)) != VK_OK)
		return rc;
	rc = cert_pdf_page(one, &x->tpl, &pg);
	int rc2 = cert_pdf_close(one);
	if (!rc)
		rc = rc2;
	if (!rc && rename(tmp, path) != 0)
		rc = VK_ERR_IO;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	if ((rc = cert_pdf_page(x->all, &x->tpl, &pg)) != VK_OK)
		return rc;
	cli_csv_number(x->csv, r->number, 0);
	cli_csv_field(x->csv, name, 0);
	cli_csv_field(x->csv, r->email, 0);
	cli_csv_field(x->csv, file, 0);
	cli_csv_field(x->csv, code, 1);
	x->written++;
	return ferror(x->csv) ? VK_ERR_IO : VK_OK;
}

static int one_person(void *ctx, const struct db_registration *r)
{
	struct run *x = ctx;
	struct cert_facts f;
	struct cert_verdict v;
	char buf[300], line[2048];
	const char *name;

	if (r->status != DB_REG_ACTIVE)
		return 0;
	name = name_of(r, buf, sizeof buf);
	cert_book_facts(x->book, r->number, &f);
	cert_judge(&x->rule, &f, &v);
	x->people++;
	x->eligible += v.eligible;
	if (x->dry) {
		cert_verdict_text(i18n_lang(), &v, &f, line, sizeof line);
		fprintf(x->c->out, "%5" PRId64 "  %s — %s\n", r->number, name, line);
		return 0;
	}
	if (!v.eligible)
		return 0;
	int rc = write_one(x, r, name, &v);
	if (rc) {
		fprintf(x->c->err, _("vkhid: the certificate of registration %lld could not be "
				      "written (%s)\n"), (long long)r->number, vk_strerror(rc));
		return rc;
	}
	return 0;
}

/* Loads the event's secret key as `vkhid tickets` does (same file, same refusals). */
static int load_key(struct run *x, const char *keyfile)
{
	struct cli *c = x->c;
	struct db_key key;
	char path[4096];
	int64_t key_event;
	int rc;
	if (db_key_latest(c->d, x->ev.id, &key) != VK_OK) {
		fprintf(c->err, _("vkhid: the event has no signing key yet. Create one:\n"
				   "  vkhid --db %s keygen\n"), c->db_path);
		return 2;
	}
	if (!keyfile) {
		cli_key_path(c, x->ev.id, key.key_id, path, sizeof path);
		keyfile = path;
	}
	if (ticket_key_exposed(keyfile)) {
		fprintf(c->err, _("vkhid: the secret key %s can be read by other users of this "
				   "computer; anyone who copies it can make tickets. Make it private and "
				   "try again:\n  chmod 600 %s\n"), keyfile, keyfile);
		return 2;
	}
	rc = ticket_key_load(keyfile, &key_event, &x->key_id, x->sk);
	if (rc != VK_OK || key_event != x->ev.id) {
		fprintf(c->err, rc == VK_ERR_NOT_FOUND
			? _("vkhid: the secret key %s is missing. Pass --key FILE, or run keygen "
			     "for a new key (tickets already sent stay valid).\n")
			: _("vkhid: %s is not a secret key of this event\n"), keyfile);
		sodium_memzero(x->sk, sizeof x->sk);
		return 2;
	}
	return 0;
}

/* The certificate's date: --date, the template's, the event's last day, else today. */
static int pick_date(struct run *x, const char *opt)
{
	char today[11];
	const char *d = opt ? opt : x->tpl.date[0] ? x->tpl.date : x->ev.ends[0] ? x->ev.ends : NULL;
	if (!d) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		d = today;
	}
	x->issued_day = strlen(d) == 10 ? ticket_day_from_date(d) : -1;
	if (x->issued_day < 0) {
		fprintf(x->c->err, _("vkhid: --date %s is not a date; write it as YYYY-MM-DD\n"), d);
		return 2;
	}
	/* printed day first, as certificates are read in Ukraine and most of Europe */
	snprintf(x->date_text, sizeof x->date_text, "%.2s.%.2s.%.4s", d + 8, d + 5, d);
	return 0;
}

static int make_all(struct run *x, const char *keyfile, const char *tplfile, const char *date)
{
	struct cli *c = x->c;
	char why[1200], all[4200], all_tmp[4300], csv[4200], csv_tmp[4300];
	int rc;

	if (cli_refuse_on_kiosk(c, "certificates"))
		return 2;
	if (tplfile && cert_template_load(tplfile, &x->tpl, why, sizeof why) != VK_OK) {
		fprintf(c->err, _("vkhid: the certificate template %s\n"), why);
		return 2;
	}
	if (pick_date(x, date) || load_key(x, keyfile))
		return 2;
	if (mkdir(x->dir, 0755) != 0 && errno != EEXIST) {
		fprintf(c->err, _("vkhid: cannot create the folder %s: %s\n"), x->dir, strerror(errno));
		return 2;
	}
	snprintf(all, sizeof all, "%s/certificates-all.pdf", x->dir);
	snprintf(all_tmp, sizeof all_tmp, "%s.tmp", all);
	snprintf(csv, sizeof csv, "%s/certificates.csv", x->dir);
	snprintf(csv_tmp, sizeof csv_tmp, "%s.tmp", csv);
	if (cert_pdf_open(all_tmp, &x->all) != VK_OK || !(x->csv = fopen(csv_tmp, "w"))) {
		fprintf(c->err, _("vkhid: cannot write into %s: %s\n"), x->dir, strerror(errno));
		cert_pdf_close(x->all);
		unlink(all_tmp);
		return 2;
	}
	fputs("\xef\xbb\xbfnumber,name,email,certificate_file,verification_code\r\n", x->csv);
	rc = db_reg_each(c->d, x->ev.id, one_person, x);
	sodium_memzero(x->sk, sizeof x->sk);
	int rc_all = cert_pdf_close(x->all);
	int rc_csv = fclose(x->csv) != 0 ? VK_ERR_IO : VK_OK;
	x->all = NULL;
	x->csv = NULL;
	if (!rc)
		rc = rc_all ? rc_all : rc_csv;
	/* an empty combined file is not worth a page: no one eligible, no PDF */
	if (!rc && x->written && rename(all_tmp, all) != 0)
		rc = VK_ERR_IO;
	if (!rc && rename(csv_tmp, csv) != 0)
		rc = VK_ERR_IO;
	if (!x->written || rc)
		unlink(all_tmp);
	if (rc) {
		unlink(csv_tmp);
		fprintf(c->err, _("vkhid: making certificates failed (%s); check the disk and run "
				   "the command again\n"), vk_strerror(rc));
		return 2;
	}
	fprintf(c->out, _("%lld certificates written to %s (%lld participants; the others: "
			   "vkhid certificates --dry-run); for printing: %s; mail merge list: %s\n"),
		(long long)x->written, x->dir, (long long)x->people,
		x->written ? all : _("(none)"), csv);
	return 0;
}

int cmd_certificates(struct cli *c, int argc, char **argv)
{
	const char *dir = NULL, *keyfile = NULL, *tplfile = NULL, *date = NULL, *pos[1];
	int np = 0, dry = 0, rc;
	struct opt_spec spec[] = {
		{ "--out", OPT_VALUE, &dir }, { "--dry-run", OPT_FLAG, &dry },
		{ "--key", OPT_VALUE, &keyfile }, { "--template", OPT_VALUE, &tplfile },
		{ "--date", OPT_VALUE, &date }, { NULL, 0, NULL },
	};
	struct run *x;

	if (argc > 0 && strcmp(argv[0], "rule") == 0)
		return cmd_rule(c, argc - 1, argv + 1);
	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (dry == (dir != NULL)) {
		cli_usage(c, "certificates");
		return 2;
	}
	if (!cli_db(c, dry ? CLI_DB_READ : CLI_DB_WRITE))
		return 2;
	if (!(x = calloc(1, sizeof *x))) {
		fprintf(c->err, "%s", _("vkhid: out of memory\n"));
		return 2;
	}
	x->c = c;
	x->dry = dry;
	x->dir = dir;
	cert_template_default(&x->tpl);
	rc = cli_event(c, &x->ev);
	if (!rc && cert_rule_load(c->d, x->ev.id, &x->rule) != VK_OK) {
		fprintf(c->err, "%s", _("vkhid: the stored certificate rule cannot be read; set it "
					 "again with `vkhid certificates rule ...`\n"));
		rc = 2;
	}
	if (!rc && (rc = cert_book_load(c->d, &x->ev, &x->book)) != VK_OK) {
		fprintf(c->err, _("vkhid: could not read the attendance. %s\n"), cli_db_advice(rc));
		rc = 2;
	}
	if (!rc && dry) {
		rc = db_reg_each(c->d, x->ev.id, one_person, x) ? 2 : 0;
		if (!rc)
			fprintf(c->out, _("%lld of %lld participants are eligible\n"),
				(long long)x->eligible, (long long)x->people);
	} else if (!rc) {
		rc = make_all(x, keyfile, tplfile, date);
	}
	cert_book_free(x->book);
	cert_template_free(&x->tpl);
	sodium_memzero(x->sk, sizeof x->sk);
	free(x);
	if (!dry)
		cert_pdf_shutdown();
	return rc;
}

/* ---- verify ------------------------------------------------------------------------------------ */
int cmd_verify(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np = 0, rc;
	struct opt_spec spec[] = { { NULL, 0, NULL } };
	struct cert_claim cl;
	struct db_event ev, cur;
	char buf[CERT_CODE_MAX + 8], date[11], attended[256];
	const char *code;
	size_t len;

	if (opt_parse(argc, argv, spec, pos, 1, &np, c->err))
		return 2;
	if (np != 1) {
		cli_usage(c, "verify");
		return 2;
	}
	code = pos[0];
	len = strlen(code);
	if (strcmp(code, "-") == 0) {
		len = fread(buf, 1, sizeof buf - 1, stdin);
		/* the line break a scanner or echo adds, and only that (see core/ticket.c) */
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		buf[len] = '\0';
		code = buf;
	}
	if (!cli_db(c, CLI_DB_READ))
		return 2;
	rc = cert_check(c->d, code, len, &cl);
	if (rc < 0) {
		fprintf(c->err, _("vkhid: could not read the signing keys. %s\n"), cli_db_advice(rc));
		return 2;
	}
	if (rc != CERT_GENUINE) {
		fprintf(c->err, _("vkhid: NOT a genuine certificate: %s\n"), _(cert_check_text(rc)));
		return 1;
	}
	if (db_event_get(c->d, cl.event_id, &ev) != VK_OK)
		snprintf(ev.name, sizeof ev.name, "#%" PRId64, cl.event_id);
	struct cert_verdict v = { .days = cl.days, .sessions = cl.sessions, .minutes = cl.minutes };
	cert_attended_text(i18n_lang(), &v, attended, sizeof attended);
	ticket_date_from_day(cl.issued_day, date);
	fprintf(c->out, "%s\n", _(cert_check_text(CERT_GENUINE)));
	fprintf(c->out, _("  name:      %s\n"), cl.name);
	fprintf(c->out, _("  event:     %s\n"), ev.name);
	fprintf(c->out, _("  attended:  %s\n"), attended);
	fprintf(c->out, _("  date:      %s\n"), date);
	fprintf(c->out, _("  number:    %lld\n"), (long long)cl.number);
	if (db_event_current(c->d, &cur) == VK_OK && cur.id != cl.event_id) {
		fprintf(c->err, _("vkhid: this certificate is of another event (%s), not of %s, the "
				   "event of this database\n"), ev.name, cur.name);
		return 1;
	}
	return 0;
}
