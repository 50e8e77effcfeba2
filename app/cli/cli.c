/* SPDX-License-Identifier: MIT */
/* `vkhid` dispatch and the shared helpers of the subcommands (see cli.h): global options,
 * --help, opening the database with messages a person can act on, JSON output. */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/opt.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/json.h"

#define DEFAULT_DB "/var/lib/vkhid/vkhid.db"

const struct cli_command cli_commands[] = {
	{ "event", cmd_event, N_("create, list or choose the event"),
	  "create --name NAME [--starts YYYY-MM-DD --ends YYYY-MM-DD] [--timezone Europe/Kyiv] [--walk-ins]\n"
	  "         [--daily-badges]   (an event of several days: print a badge every day)\n"
	  "       vkhid event list\n       vkhid event use ID" },
	{ "keygen", cmd_keygen, N_("create the event's ticket signing key pair"),
	  "[--out SECRET-KEY-FILE]" },
	{ "import", cmd_import, N_("import a participant list (CSV)"),
	  "FILE.csv [--format auto|vkhid|pretix|eventbrite|google] [--map 'Header=field' ...] [--dry-run]" },
	{ "tickets", cmd_tickets,
	  N_("write a QR ticket (PNG, SVG) for every participant and tickets.csv"),
	  "--out DIR [--key SECRET-KEY-FILE] [--reissue NUMBER]" },
	{ "checkin", cmd_checkin, N_("present one code as the camera would"),
	  "CODE [--json]   (CODE - reads the code from standard input)" },
	{ "undo", cmd_undo, N_("undo a mistaken check-in (recorded, never erased)"), "CODE" },
	{ "reprint", cmd_reprint, N_("queue a badge reprint for an admitted participant"), "CODE" },
	{ "revoke", cmd_revoke, N_("revoke a signed ticket (lost or reissued)"), "CODE" },
	{ "scan", cmd_scan, N_("decode QR codes from image files"),
	  "IMAGE..." },
	{ "find", cmd_find, N_("find participants by name (Cyrillic or Latin, any part)"),
	  "TEXT [--json]" },
	{ "session", cmd_session, N_("the programme: create, list, edit, cancel or import sessions"),
	  "create --title TITLE [--room ROOM] --starts 'YYYY-MM-DD HH:MM' --ends 'YYYY-MM-DD HH:MM'\n"
	  "         [--capacity N] [--categories 'A,B'] [--speakers TEXT]   (the event's time zone)\n"
	  "       vkhid session list [--json]\n       vkhid session edit ID [the options of create]\n"
	  "       vkhid session cancel ID\n"
	  "       vkhid session import FILE.csv [--dry-run]   (title, room, start, end, capacity, speakers)" },
	{ "stats", cmd_stats, N_("turnout: registered, admitted, by category, by hour, by day, by session"),
	  "[--json]" },
	{ "export", cmd_export,
	  N_("export attendance as CSV (UTF-8 with BOM, opens in Excel)"),
	  "attendance --out FILE.csv" },
	{ "badge", cmd_badge,
	  N_("preview a participant's badge as PNG, or print it (a counted reprint)"),
	  "preview (--registration NUMBER | --code CODE) [--template FILE|NAME] --out FILE.png\n"
	  "       vkhid badge print CODE [--printer SPEC] [--template FILE]" },
	{ "printers", cmd_printers, N_("list connected printers: model, loaded labels, state"), "" },
	{ "print-test", cmd_print_test, N_("print a test badge"),
	  "[--printer SPEC] [--template FILE|NAME]" },
	{ "setting", cmd_setting,
	  N_("show or change a kiosk setting (organizer PIN, language, reprint limits)"),
	  "[KEY [VALUE]]" },
	{ "run", cmd_run, N_("run the kiosk: the touch screen, or headless driven by a scenario"),
	  "[--headless --scenario FILE --out DIR] [--camera SPEC] [--printer SPEC] [--size WxH]\n"
	  "       [--fullscreen] [--rotation 0|90|180|270] [--exit-after SECONDS] [--screenshot FILE] [--no-screens]\n"
	  "       [--light gpiod:CHIP:green=N,red=N,amber=N,buzzer=N|sim|none] [--config FILE]\n"
	  "       [--session ID [--exit]]   (the door of a session's room: scans record its\n"
	  "       attendance; with --exit, leaving it)" },
	{ "purge", cmd_purge,
	  N_("remove the personal data of events that ended before a date (counts stay)"),
	  "--before YYYY-MM-DD [--yes]" },
	{ "doctor", cmd_doctor,
	  N_("is the kiosk ready? camera, printer, database, hub, clock, power: OK or what to do"),
	  "[--json] [--camera SPEC] [--printer SPEC] [--template NAME|FILE] [--config FILE]\n"
	  "       [--printer-fault STATE|labels=N]   (the simulated printer, for tests)" },
	{ "rehearse", cmd_rehearse,
	  N_("a dress rehearsal on a copy of the event: generated tickets through the door"),
	  "[--attendees N] [--rate R/min] [--printer SPEC] [--out DIR] [--json]" },
	{ "demo", cmd_demo, N_("build a demo event and run the kiosk over a demo scenario"),
	  "[--out DIR]" },
	{ "hub", cmd_hub, N_("run the venue's hub (sync over HTTPS); enroll, list or revoke kiosks"),
	  "--listen ADDRESS:PORT [--pg postgresql://USER@HOST:PORT/DB]\n"
	  "       vkhid hub enroll-token [--name KIOSK] [--url https://ADDRESS:PORT] [--hours 24] [--pg URL]\n"
	  "       vkhid hub kiosks [--json] [--pg URL]\n       vkhid hub revoke-kiosk NAME [--pg URL]\n"
	  "       vkhid hub password   (the organizers' dashboard; reads it from the terminal or stdin)" },
	{ "sync", cmd_sync, N_("sync this kiosk with its hub: enroll, one round, status"),
	  "[enroll CODE | status [--json]]" },
	{ "certificates", cmd_certificates,
	  N_("certificates of completion: who earned one (--dry-run), the PDFs, the rule"),
	  "--dry-run\n"
	  "       vkhid certificates --out DIR [--template FILE.ini] [--key SECRET-KEY-FILE] [--date YYYY-MM-DD]\n"
	  "       vkhid certificates rule [--min-days N] [--min-sessions N] [--required ID,ID...]\n"
	  "                               [--min-minutes N] | --default   (no option: show it)" },
	{ "verify", cmd_verify, N_("check that a certificate's code is genuine, offline"),
	  "CODE   (CODE - reads the code from standard input)" },
	{ "incidents", cmd_incidents, N_("tickets admitted at two doors while offline; resolve with a note"),
	  "[--json]\n       vkhid incidents resolve ID --note TEXT" },
	{ NULL, NULL, NULL, NULL },
};

int cli_is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

void cli_usage(struct cli *c, const char *name)
{
	for (const struct cli_command *k = cli_commands; k->name; k++) {
		if (strcmp(k->name, name) != 0)
			continue;
		fprintf(c->out, "%s\n\n", _(k->summary));
		fprintf(c->out, _("usage: vkhid [--db FILE] %s %s\n"), k->name, k->usage);
		return;
	}
}

/* The codes of the loaded catalogs, "en, uk, ...". */
static void lang_list(char *out, size_t cap)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = 0; i < i18n_lang_count() && at < cap; i++)
		at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? ", " : "", i18n_lang_code(i));
}

static void help(struct cli *c)
{
	char langs[128];
	lang_list(langs, sizeof langs);
	fprintf(c->out,
		_("vkhid: conference check-in and badge kiosk\n\n"
		  "usage: vkhid [--db FILE] [--lang CODE] COMMAND [OPTIONS]\n\n"
		  "The database is FILE, else $VKHID_DB, else %s.\n"
		  "Languages: %s.\n\n"
		  "Commands:\n"), DEFAULT_DB, langs);
	for (const struct cli_command *k = cli_commands; k->name; k++)
		fprintf(c->out, "  %-9s %s\n", k->name, _(k->summary));
	fprintf(c->out, "%s", _("\n`vkhid COMMAND --help` describes one command.\n"));
}

/* Reads one global option at argv[*i] (--db FILE, --lang CODE, either also with '=');
 * returns 1 and advances *i past its value when it was one, 0 when not, -1 after saying
 * what is wrong. */
static int global_opt(struct cli *c, int argc, char **argv, int *i)
{
	const char *val;

	if (opt_value(argc, argv, i, "--db", &val)) {
		c->db_path = val;
		return 1;
	}
	if (opt_value(argc, argv, i, "--lang", &val)) {
		int l = i18n_lang_find(val);
		if (l < 0) {
			char langs[128];
			lang_list(langs, sizeof langs);
			fprintf(c->err, _("vkhid: --lang %s: no such language; there are: %s\n"), val,
				langs);
			return -1;
		}
		i18n_set_lang(l);
		return 1;
	}
	if (strcmp(argv[*i], "--db") == 0 || strcmp(argv[*i], "--lang") == 0) {
		fprintf(c->err, _("vkhid: %s needs a value\n"), argv[*i]);
		return -1;
	}
	return 0;
}

/* Runs command k with its arguments; --db and --lang may also come after the command name
 * (`vkhid stats --lang uk`, as people type them): they are taken out here, since no
 * command has options of those names. */
static int run_command(struct cli *c, const struct cli_command *k, int argc, char **argv)
{
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	int n = 0, rc;

	if (!rest) {
		fprintf(c->err, "%s", _("vkhid: out of memory\n"));
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		int g = global_opt(c, argc, argv, &i);
		if (g < 0) {
			free(rest);
			return 2;
		}
		if (g == 0)
			rest[n++] = argv[i];
	}
	if (!c->db_path || !*c->db_path)
		c->db_path = DEFAULT_DB;
	rc = k->fn(c, n, rest);
	free(rest);
	return rc;
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli c = { .out = out, .err = err };
	int i = 1, rc;

	c.db_path = getenv("VKHID_DB");
	for (; i < argc; i++) {
		int g = global_opt(&c, argc, argv, &i);
		if (g < 0)
			return 2;
		if (g > 0)
			continue;
		if (cli_is_help(argv[i])) {
			help(&c);
			return 0;
		}
		break;
	}
	if (!c.db_path || !*c.db_path)
		c.db_path = DEFAULT_DB;
	if (i >= argc) {
		help(&c);
		return 2;
	}
	for (const struct cli_command *k = cli_commands; k->name; k++) {
		if (strcmp(k->name, argv[i]) != 0)
			continue;
		if (i + 1 < argc && cli_is_help(argv[i + 1])) {
			cli_usage(&c, k->name);
			return 0;
		}
		rc = run_command(&c, k, argc - i - 1, argv + i + 1);
		db_close(c.d);
		return rc;
	}
	fprintf(err, _("vkhid: unknown command '%s'. `vkhid --help` lists the commands.\n"),
		argv[i]);
	return 2;
}

/* Creates the folder of the default database when we are allowed to. */
static void make_parent(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	char *dir = dirname(copy);
	if (access(dir, F_OK) != 0)
		mkdir(dir, 0755);
	free(copy);
}

const char *cli_db_advice(int rc)
{
	switch (rc) {
	case DB_ERR_BUSY:
		return _("Another program kept the database busy (a long import?). Try again in a moment.");
	case DB_ERR_FULL:
		return _("The disk is full. Free some space (or move the database to a larger disk) "
			 "and try again.");
	case DB_ERR_READONLY:
		return _("The database or its folder is read-only. Fix the permissions, or copy it to "
			 "a writable folder.");
	case DB_ERR_CORRUPT:
		return _("The database is damaged. Restore the last backup (or the hub's copy) and "
			 "check it with `vkhid doctor`.");
	case DB_ERR_DISK:
		return _("The disk reported an error; it may be failing. Run `vkhid doctor` and "
			 "restore the last backup onto a good disk.");
	default:
		return _("Try again; if it happens again, run `vkhid doctor`.");
	}
}

db *cli_db(struct cli *c, int mode)
{
	char why[600];
	struct db_event ev;
	int rc, create = mode == CLI_DB_CREATE;

	if (c->d)
		return c->d;
	if (create && strcmp(c->db_path, DEFAULT_DB) == 0)
		make_parent(c->db_path);
	rc = db_open(c->db_path, create ? DB_CREATE : mode == CLI_DB_READ ? DB_READONLY : 0, &c->d,
		     why, sizeof why);
	if (rc == VK_OK && mode != CLI_DB_READ) {
		/* never write into a damaged file: the check reads every page, once per command */
		rc = db_check(c->d, why, sizeof why);
		/* an import that died half-way (killed, power cut) is undone before anything
		 * else writes: imports are all or nothing (db.h) */
		int undone = 0;
		if (rc == VK_OK && db_import_recover(c->d, &undone) == VK_OK && undone)
			fprintf(c->err, _("vkhid: an import that was interrupted has been undone (%d); "
					   "run it again.\n"), undone);
		if (rc) {
			db_close(c->d);
			c->d = NULL;
		}
	}
	if (rc == VK_OK) {
		if (db_event_current(c->d, &ev) == VK_OK)
			cli_set_timezone(ev.timezone);
		return c->d;
	}
	switch (rc) {
	case VK_ERR_NOT_FOUND:
		fprintf(c->err, _("vkhid: the database %s does not exist. Create an event first:\n"
				   "  vkhid --db %s event create --name \"My event\"\n"),
			c->db_path, c->db_path);
		break;
	case DB_ERR_EMPTY:
		fprintf(c->err, _("vkhid: %s is an empty file, not a vkhid database. Check the --db "
				   "path; the file was not changed.\n"), c->db_path);
		break;
	case VK_ERR_DB_FOREIGN:
		fprintf(c->err, _("vkhid: %s is not a vkhid database (%s). Check the --db path; "
				   "nothing was changed in that file.\n"), c->db_path, why);
		break;
	case VK_ERR_DB_NEWER:
		fprintf(c->err, _("vkhid: %s. Install the newer vkhid; the file was not changed.\n"), why);
		break;
	case DB_ERR_CORRUPT:
		fprintf(c->err, _("vkhid: the database %s is damaged (%s). Nothing was written to it. "
				   "Restore the last backup, or the hub's copy, and check it with:\n"
				   "  vkhid --db FILE doctor\n"), c->db_path, why);
		break;
	case DB_ERR_READONLY:
		fprintf(c->err, _("vkhid: the database %s is read-only (%s). Reading commands (stats, "
				   "export, find, doctor) still work; to record anything, fix the "
				   "permissions or copy it to a writable folder.\n"), c->db_path, why);
		break;
	case DB_ERR_FULL:
		fprintf(c->err, _("vkhid: the disk holding %s is full (%s). Free some space and try "
				   "again; nothing recorded was lost.\n"), c->db_path, why);
		break;
	default:
		fprintf(c->err, _("vkhid: cannot open the database %s: %s. %s\n"), c->db_path, why,
			cli_db_advice(rc));
	}
	c->d = NULL;
	return NULL;
}

int cli_refuse_on_kiosk(struct cli *c, const char *what)
{
	char url[512];
	if (db_setting_get(c->d, "sync.url", url, sizeof url) != VK_OK)
		return 0;
	fprintf(c->err, _("vkhid: %s refused: this database is a kiosk enrolled to the hub %s, and "
			   "kiosks never hold a signing key (a stolen kiosk must not make tickets). "
			   "Run it on the organizer's computer.\n"), what, url);
	return 1;
}

int cli_event(struct cli *c, struct db_event *ev)
{
	if (db_event_current(c->d, ev) == VK_OK)
		return 0;
	fprintf(c->err, _("vkhid: %s has no event yet. Create one:\n"
			   "  vkhid --db %s event create --name \"My event\"\n"),
		c->db_path, c->db_path);
	return 2;
}

void cli_set_timezone(const char *tz)
{
	if (!tz || !*tz)
		return;
	setenv("TZ", tz, 1);
	tzset();
}

void cli_csv_field(FILE *f, const char *s, int last)
{
	/* A cell that starts with = + - @ (or a tab or CR before one) is a formula to Excel,
	 * LibreOffice and Google Sheets: a participant named =HYPERLINK(...) would run in
	 * the organizer's spreadsheet. The OWASP rule: a leading ' makes it text, shown as
	 * written, and the field is quoted. Numbers vkhid computes go through
	 * cli_csv_number() and stay numbers. */
	int formula = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	/* ';' too: Excel in a Ukrainian locale splits on it */
	int q = formula || strpbrk(s, ",;\"\r\n") != NULL;
	if (q)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (q)
		fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

void cli_csv_number(FILE *f, int64_t v, int last)
{
	fprintf(f, "%" PRId64 "%s", v, last ? "\r\n" : ",");
}

void cli_json_str(FILE *f, const char *s)
{
	json_cstr(f, s);
}

void cli_key_path(struct cli *c, int64_t event_id, int key_id, char *out, size_t cap)
{
	char *copy = strdup(c->db_path);
	const char *dir = copy ? dirname(copy) : ".";
	snprintf(out, cap, "%s/vkhid-event-%" PRId64 "-key-%d.secret", dir, event_id, key_id);
	free(copy);
}
