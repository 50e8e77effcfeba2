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
	{ "event", cmd_event, "create, list or choose the event", "створити, переглянути або вибрати захід",
	  "create --name NAME [--starts YYYY-MM-DD --ends YYYY-MM-DD] [--timezone Europe/Kyiv] [--walk-ins]\n"
	  "       vkhid event list\n       vkhid event use ID" },
	{ "keygen", cmd_keygen, "create the event's ticket signing key pair",
	  "створити ключі для підпису квитків", "[--out SECRET-KEY-FILE]" },
	{ "import", cmd_import, "import a participant list (CSV)", "імпортувати список учасників (CSV)",
	  "FILE.csv [--format auto|vkhid|pretix|eventbrite|google] [--map 'Header=field' ...] [--dry-run]" },
	{ "tickets", cmd_tickets, "write a QR ticket (PNG, SVG) for every participant and tickets.csv",
	  "створити QR-квитки (PNG, SVG) і tickets.csv", "--out DIR [--key SECRET-KEY-FILE] [--reissue NUMBER]" },
	{ "checkin", cmd_checkin, "present one code as the camera would", "пред'явити один код, як камері",
	  "CODE [--json]   (CODE - reads the code from standard input)" },
	{ "undo", cmd_undo, "undo a mistaken check-in (recorded, never erased)",
	  "скасувати помилкову реєстрацію входу (записується, не стирається)", "CODE" },
	{ "reprint", cmd_reprint, "queue a badge reprint for an admitted participant",
	  "поставити бейдж на повторний друк", "CODE" },
	{ "revoke", cmd_revoke, "revoke a signed ticket (lost or reissued)",
	  "відкликати підписаний квиток (загублений чи перевиданий)", "CODE" },
	{ "scan", cmd_scan, "decode QR codes from image files", "розпізнати QR-коди з файлів зображень",
	  "IMAGE..." },
	{ "find", cmd_find, "find participants by name (Cyrillic or Latin, any part)",
	  "знайти учасників за ім'ям (кирилицею чи латиницею, будь-яку частину)", "TEXT [--json]" },
	{ "stats", cmd_stats, "turnout: registered, admitted, by category, by hour",
	  "явка: зареєстровано, прийшли, за категоріями, за годинами", "[--json]" },
	{ "export", cmd_export, "export attendance as CSV (UTF-8 with BOM, opens in Excel)",
	  "експорт відвідуваності в CSV (UTF-8 з BOM, для Excel)", "attendance --out FILE.csv" },
	{ "badge", cmd_badge, "preview a participant's badge as PNG, or print it (a counted reprint)",
	  "переглянути бейдж учасника (PNG) або надрукувати його (повторний друк)",
	  "preview (--registration NUMBER | --code CODE) [--template FILE|NAME] --out FILE.png\n"
	  "       vkhid badge print CODE [--printer SPEC] [--template FILE]" },
	{ "printers", cmd_printers, "list connected printers: model, loaded labels, state",
	  "підключені принтери: модель, етикетки, стан", "" },
	{ "print-test", cmd_print_test, "print a test badge", "надрукувати тестовий бейдж",
	  "[--printer SPEC] [--template FILE|NAME]" },
	{ "setting", cmd_setting, "show or change a kiosk setting (organizer PIN, language, reprint limits)",
	  "переглянути чи змінити налаштування кіоску (PIN організатора, мова, повторний друк)",
	  "[KEY [VALUE]]" },
	{ "run", cmd_run, "run the kiosk: the touch screen, or headless driven by a scenario",
	  "запустити кіоск: сенсорний екран, або без екрана за сценарієм",
	  "[--headless --scenario FILE --out DIR] [--camera SPEC] [--printer SPEC] [--size WxH]\n"
	  "       [--fullscreen] [--exit-after SECONDS] [--screenshot FILE] [--no-screens]" },
	{ "demo", cmd_demo, "build a demo event and run the kiosk over a demo scenario",
	  "створити демо-захід і запустити кіоск за демо-сценарієм", "[--out DIR]" },
	{ "hub", cmd_hub, "run the venue's hub (sync over HTTPS); enroll, list or revoke kiosks",
	  "запустити хаб місця проведення (синхронізація HTTPS); підключити, переглянути або відкликати кіоски",
	  "--listen ADDRESS:PORT [--pg postgresql://USER@HOST:PORT/DB]\n"
	  "       vkhid hub enroll-token [--name KIOSK] [--url https://ADDRESS:PORT] [--hours 24] [--pg URL]\n"
	  "       vkhid hub kiosks [--json] [--pg URL]\n       vkhid hub revoke-kiosk NAME [--pg URL]" },
	{ "sync", cmd_sync, "sync this kiosk with its hub: enroll, one round, status",
	  "синхронізувати кіоск із хабом: підключити, один обмін, стан",
	  "[enroll CODE | status [--json]]" },
	{ "incidents", cmd_incidents, "tickets admitted at two doors while offline; resolve with a note",
	  "квитки, за якими вхід відмічено двічі без зв'язку; розв'язати з приміткою",
	  "[--json]\n       vkhid incidents resolve ID --note TEXT" },
	{ NULL, NULL, NULL, NULL, NULL },
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
		fprintf(c->out, "%s\n\n", TR(k->summary_en, k->summary_uk));
		fprintf(c->out, "usage: vkhid [--db FILE] %s %s\n", k->name, k->usage);
		return;
	}
}

static void help(struct cli *c)
{
	fprintf(c->out, "%s",
		TR("vkhid: conference check-in and badge kiosk\n\n"
		   "usage: vkhid [--db FILE] [--lang uk|en] COMMAND [OPTIONS]\n\n"
		   "The database is FILE, else $VKHID_DB, else " DEFAULT_DB ".\n\n"
		   "Commands:\n",
		   "vkhid: кіоск реєстрації учасників і друку бейджів\n\n"
		   "використання: vkhid [--db ФАЙЛ] [--lang uk|en] КОМАНДА [ПАРАМЕТРИ]\n\n"
		   "База даних: ФАЙЛ, або $VKHID_DB, або " DEFAULT_DB ".\n\n"
		   "Команди:\n"));
	for (const struct cli_command *k = cli_commands; k->name; k++)
		fprintf(c->out, "  %-9s %s\n", k->name, TR(k->summary_en, k->summary_uk));
	fprintf(c->out, "%s", TR("\n`vkhid COMMAND --help` describes one command.\n",
				 "\n`vkhid КОМАНДА --help` описує одну команду.\n"));
}

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli c = { .out = out, .err = err };
	int i = 1, rc;
	const char *val;

	c.db_path = getenv("VKHID_DB");
	for (; i < argc; i++) {
		if (opt_value(argc, argv, &i, "--db", &val)) {
			c.db_path = val;
		} else if (opt_value(argc, argv, &i, "--lang", &val)) {
			if (strcmp(val, "uk") == 0)
				i18n_set_lang(VK_LANG_UK);
			else if (strcmp(val, "en") == 0)
				i18n_set_lang(VK_LANG_EN);
			else {
				fprintf(err, "%s\n", TR("--lang takes uk or en", "--lang: uk або en"));
				return 2;
			}
		} else if (cli_is_help(argv[i])) {
			help(&c);
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--lang") == 0) {
			fprintf(err, TR("vkhid: %s needs a value\n", "vkhid: %s потребує значення\n"),
				argv[i]);
			return 2;
		} else {
			break;
		}
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
		rc = k->fn(&c, argc - i - 1, argv + i + 1);
		db_close(c.d);
		return rc;
	}
	fprintf(err, TR("vkhid: unknown command '%s'. `vkhid --help` lists the commands.\n",
			"vkhid: невідома команда «%s». `vkhid --help` показує всі команди.\n"),
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

db *cli_db(struct cli *c, int create)
{
	char why[600];
	struct db_event ev;
	int rc;

	if (c->d)
		return c->d;
	if (create && strcmp(c->db_path, DEFAULT_DB) == 0)
		make_parent(c->db_path);
	rc = db_open(c->db_path, create ? DB_CREATE : 0, &c->d, why, sizeof why);
	if (rc == VK_OK) {
		if (db_event_current(c->d, &ev) == VK_OK)
			cli_set_timezone(ev.timezone);
		return c->d;
	}
	switch (rc) {
	case VK_ERR_NOT_FOUND:
		fprintf(c->err, TR("vkhid: the database %s does not exist. Create an event first:\n"
				   "  vkhid --db %s event create --name \"My event\"\n",
				   "vkhid: бази даних %s немає. Спершу створіть захід:\n"
				   "  vkhid --db %s event create --name \"Мій захід\"\n"),
			c->db_path, c->db_path);
		break;
	case VK_ERR_DB_FOREIGN:
		fprintf(c->err, TR("vkhid: %s is not a vkhid database (%s). Check the --db path; "
				   "nothing was changed in that file.\n",
				   "vkhid: %s не є базою даних vkhid (%s). Перевірте шлях --db; "
				   "файл не змінено.\n"), c->db_path, why);
		break;
	case VK_ERR_DB_NEWER:
		fprintf(c->err, TR("vkhid: %s. Install the newer vkhid; the file was not changed.\n",
				   "vkhid: %s. Встановіть новішу версію vkhid; файл не змінено.\n"), why);
		break;
	default:
		fprintf(c->err, TR("vkhid: cannot open the database: %s. Check that the folder exists "
				   "and is writable (or pass --db FILE).\n",
				   "vkhid: не вдається відкрити базу даних: %s. Перевірте, що тека існує "
				   "і доступна для запису (або вкажіть --db ФАЙЛ).\n"), why);
	}
	c->d = NULL;
	return NULL;
}

int cli_event(struct cli *c, struct db_event *ev)
{
	if (db_event_current(c->d, ev) == VK_OK)
		return 0;
	fprintf(c->err, TR("vkhid: %s has no event yet. Create one:\n"
			   "  vkhid --db %s event create --name \"My event\"\n",
			   "vkhid: у %s ще немає заходу. Створіть його:\n"
			   "  vkhid --db %s event create --name \"Мій захід\"\n"),
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
	/* ';' too: Excel in a Ukrainian locale splits on it */
	int q = strpbrk(s, ",;\"\r\n") != NULL;
	if (q)
		fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (q)
		fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
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
