/* SPDX-License-Identifier: MIT */
/* `vkhid demo`: the embedded default. Builds a demo event with about 200 participants
 * (Ukrainian and English names), issues their tickets, and runs the headless kiosk over a
 * demo scenario: most admitted, one twice, one cancelled, one forged, one for another
 * event, one unknown, one foreign code from an imported pretix list. Every step is a real
 * `vkhid` command, printed as it runs, so the demo doubles as a tour of the CLI. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "badge/qr.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "core/base45.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/ticket.h"

static const char *const given_uk_m[] = {
	"Олександр", "Андрій", "Дмитро", "Максим", "Богдан", "Тарас", "Юрій", "Ігор", "Остап",
	"Володимир", "Євген", "Сергій", "Назар", "Ярослав", "Василь", "Григорій",
};
static const char *const given_uk_f[] = {
	"Олена", "Ганна", "Марія", "Ірина", "Оксана", "Наталія", "Юлія", "Соломія", "Катерина",
	"Христина", "Ольга", "Дарина", "Леся", "Зоряна", "Ївга", "Єлизавета",
};
static const char *const family_uk[] = {
	"Скалозуб", "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Олійник",
	"Мельник", "Гнатюк", "Лисенко", "Руденко", "Савчук", "Захарченко", "Гончаренко", "Литвин",
	"Мʼясоїд", "Пʼятниця", "Ґудзь", "Їжакевич", "Дорошенко", "Федорів", "Костенко",
};
static const char *const given_en[] = {
	"Emily", "James", "Sophie", "Oliver", "Hannah", "Lukas", "Anna", "Mateusz", "Chloé", "Jonas",
};
static const char *const family_en[] = {
	"Smith", "Müller", "Kowalski", "O'Brien", "Novák", "Dubois", "Andersen", "García",
};
static const char *const orgs[] = {
	"ГО «Вхід»", "Львівська міська рада", "Фонд «Громада, розвиток і майбутнє»",
	"Kyiv School of Economics", "Open Data Ukraine", "Черкаська ОТГ", "UNDP Ukraine",
	"ГО «Жінки в науці»", "Vinnytsia IT Cluster", "",
};
static const char *const cats[] = { "Учасник", "Учасник", "Учасник", "Учасник", "Спікер",
				    "Волонтер", "Преса", "Організатор" };

#define N_PEOPLE 200

/* A small deterministic generator: the demo is the same on every machine. */
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

#define PICK(arr, s) (arr[rnd(s) % (sizeof(arr) / sizeof(arr[0]))])

/* Writes the participant list; updated = 1 writes the organizer's corrected version, after
 * the tickets went out (one registration cancelled, one organization renamed). */
static int write_people(const char *path, int updated)
{
	FILE *f = fopen(path, "w");
	uint32_t s = 20261122;
	char id[16], mail[64];
	if (!f)
		return -1;
	fputs("external_id,given_name,family_name,organization,category,email,language,status\r\n", f);
	for (int i = 1; i <= N_PEOPLE; i++) {
		int english = i % 9 == 0;
		int female = rnd(&s) & 1;
		const char *g = english ? PICK(given_en, &s) : female ? PICK(given_uk_f, &s) : PICK(given_uk_m, &s);
		const char *fam = english ? PICK(family_en, &s) : PICK(family_uk, &s);
		const char *org = PICK(orgs, &s);
		const char *cat = PICK(cats, &s);
		if (i == 1) { /* the name the README's search examples use */
			g = "Олександр";
			fam = "Скалозуб";
			org = "ГО «Вхід»";
			cat = "Спікер";
		}
		if (updated && i == 12)
			org = "Львівська міська рада (департамент розвитку)";
		snprintf(id, sizeof id, "D%04d", i);
		snprintf(mail, sizeof mail, "participant%03d@example.org", i);
		cli_csv_field(f, id, 0);
		cli_csv_field(f, g, 0);
		cli_csv_field(f, fam, 0);
		cli_csv_field(f, org, 0);
		cli_csv_field(f, cat, 0);
		cli_csv_field(f, mail, 0);
		cli_csv_field(f, english ? "en" : "uk", 0);
		cli_csv_field(f, updated && i == 7 ? "cancelled" : "active", 1);
	}
	return fclose(f);
}

/* Runs one vkhid subcommand as the user would type it, echoing it first. */
static int vk(struct cli *c, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, c);
	for (const char *a; argc < 31 && (a = va_arg(ap, const char *));)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	fprintf(c->out, "\n$ vkhid --db %s", c->db_path);
	for (int i = 0; i < argc; i++)
		fprintf(c->out, strchr(argv[i], ' ') ? " '%s'" : " %s", argv[i]);
	fputc('\n', c->out);
	fflush(c->out);
	for (const struct cli_command *k = cli_commands; k->name; k++)
		if (strcmp(k->name, argv[0]) == 0)
			return k->fn(c, argc - 1, argv + 1);
	return 2;
}

static int write_qr_png(const char *text, const char *path)
{
	struct qr_image q;
	int rc = qr_encode(text, &q);
	if (rc == VK_OK) {
		rc = qr_write_png(&q, 8, 4, path);
		qr_free(&q);
	}
	return rc;
}

/* A forged ticket: a real one with one bit of its signature flipped, as someone editing a
 * screenshot would make. */
static int forge(const char *code, char *out, size_t cap)
{
	struct ticket_signed ts;
	uint8_t raw[TICKET_PAYLOAD_LEN + TICKET_SIG_LEN];
	if (ticket_decode(code, strlen(code), &ts) != TICKET_OK || cap < TICKET_CODE_LEN + 1)
		return -1;
	memcpy(raw, ts.msg + 4, TICKET_PAYLOAD_LEN);
	memcpy(raw + TICKET_PAYLOAD_LEN, ts.sig, TICKET_SIG_LEN);
	raw[TICKET_PAYLOAD_LEN + 20] ^= 0x10;
	memcpy(out, TICKET_PREFIX, 4);
	return base45_encode(raw, sizeof raw, out + 4, cap - 4) < 0 ? -1 : 0;
}

/* Empties the demo folder of what an earlier demo left (only our own file kinds). */
static void clean_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || (strcmp(dot, ".png") && strcmp(dot, ".svg") && strcmp(dot, ".csv") &&
			     strcmp(dot, ".jsonl") && strcmp(dot, ".secret") && strcmp(dot, ".scenario") &&
			     strcmp(dot, ".db") && strcmp(dot, ".db-wal") && strcmp(dot, ".db-shm")))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

static int reg_code(struct cli *c, int64_t event_id, int64_t number, char *out, size_t cap)
{
	struct db_registration r;
	if (db_reg_get(c->d, event_id, number, &r) != VK_OK)
		return -1;
	snprintf(out, cap, "%s", r.vk_code[0] ? r.vk_code : r.ticket_code);
	return 0;
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
	const char *out = "vkhid-demo", *pos[1];
	int np = 0, rc = 2;
	struct opt_spec spec[] = { { "--out", OPT_VALUE, &out }, { NULL, 0, NULL } };
	char dbp[4096], p1[4096], p2[4096], p3[4096], p4[4096], scen[4096], path[4096];
	char code[256], forged[TICKET_CODE_LEN + 1], starts[16], ends[16];
	struct db_event main_ev, other_ev;
	FILE *f;
	time_t now = time(NULL);
	struct tm tm;

	if (opt_parse(argc, argv, spec, pos, 0, &np, c->err))
		return 2;
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		fprintf(c->err, _("vkhid: cannot create %s: %s\n"),
			out, strerror(errno));
		return 2;
	}
	snprintf(path, sizeof path, "%s/tickets", out);
	clean_dir(path);
	snprintf(path, sizeof path, "%s/badges", out);
	clean_dir(path);
	snprintf(path, sizeof path, "%s/other-event", out);
	clean_dir(path);
	clean_dir(out);
	snprintf(dbp, sizeof dbp, "%s/demo.db", out);
	c->db_path = dbp;
	db_close(c->d);
	c->d = NULL;

	fprintf(c->out, "%s", _("vkhid demo: a community forum with 200 participants, tickets, and a "
				 "morning at the door.\n"));
	/* the event runs today and tomorrow, so the tickets are valid now */
	cli_set_timezone("Europe/Kyiv");
	localtime_r(&now, &tm);
	strftime(starts, sizeof starts, "%Y-%m-%d", &tm);
	now += 86400;
	localtime_r(&now, &tm);
	strftime(ends, sizeof ends, "%Y-%m-%d", &tm);

	/* another event in the same database, whose ticket someone brings by mistake */
	snprintf(p3, sizeof p3, "%s/other-event.csv", out);
	f = fopen(p3, "w");
	if (!f)
		goto io;
	fputs("external_id,given_name,family_name,organization,category,email\r\n"
	      "W1,Марта,Гнатюк,ГО «Жінки в науці»,Учасник,marta@example.org\r\n", f);
	if (fclose(f) != 0)
		goto io;
	snprintf(p4, sizeof p4, "%s/other-event", out);
	if (vk(c, "event", "create", "--name", "Осінній воркшоп з відкритих даних", "--starts", "2026-10-01",
	       "--ends", "2026-12-31", NULL) ||
	    vk(c, "keygen", NULL) || vk(c, "import", p3, NULL) || vk(c, "tickets", "--out", p4, NULL))
		goto fail;
	if (db_event_current(c->d, &other_ev) != VK_OK)
		goto fail;

	/* the demo event */
	snprintf(p1, sizeof p1, "%s/participants.csv", out);
	snprintf(p2, sizeof p2, "%s/participants-updated.csv", out);
	if (write_people(p1, 0) || write_people(p2, 1))
		goto io;
	snprintf(p3, sizeof p3, "%s/pretix-export.csv", out);
	f = fopen(p3, "w");
	if (!f)
		goto io;
	fputs("Order code,Position ID,Attendee name,Attendee email,Product,Secret,Order status,Company\r\n"
	      "KX7QD,1,Ірина Савчук,iryna@example.org,Учасник,k8vpyf2tz9qm4hwx6rjd3c5b,Paid,Open Data Ukraine\r\n"
	      "KX7QD,2,Tom Novák,tom@example.org,Спікер,3nq8wz5ytv7kcr2mbj4hxg6p,Paid,\r\n"
	      "P2M9A,1,Соломія Ґудзь,solomiia@example.org,Преса,p9dx4kz7wq2vfm8tnc3hbr6y,Paid,Суспільне\r\n", f);
	if (fclose(f) != 0)
		goto io;
	snprintf(path, sizeof path, "%s/tickets", out);
	if (vk(c, "event", "create", "--name", "Форум громад 2026", "--starts", starts, "--ends", ends, NULL) ||
	    vk(c, "keygen", NULL) || vk(c, "import", p1, NULL) ||
	    vk(c, "import", p3, "--format", "pretix", NULL) || vk(c, "tickets", "--out", path, NULL) ||
	    vk(c, "import", p2, NULL))
		goto fail;
	if (db_event_current(c->d, &main_ev) != VK_OK)
		goto fail;

	/* the codes nobody got from us: forged, unknown, a pretix secret, another event's */
	if (reg_code(c, main_ev.id, 5, code, sizeof code) || forge(code, forged, sizeof forged))
		goto fail;
	snprintf(path, sizeof path, "%s/tickets/forged.png", out);
	if (write_qr_png(forged, path))
		goto io;
	snprintf(path, sizeof path, "%s/tickets/unknown.png", out);
	if (write_qr_png("ORDER-2026-99999", path))
		goto io;
	snprintf(path, sizeof path, "%s/tickets/pretix-secret.png", out);
	if (write_qr_png("p9dx4kz7wq2vfm8tnc3hbr6y", path))
		goto io;

	snprintf(scen, sizeof scen, "%s/demo.scenario", out);
	f = fopen(scen, "w");
	if (!f)
		goto io;
	fputs("# The morning of the forum at the entrance, as the simulated camera sees it.\n", f);
	static const int arrivals[] = { 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 14, 15, 18, 21, 27 };
	for (size_t i = 0; i < sizeof arrivals / sizeof arrivals[0]; i++) {
		fprintf(f, "show tickets/ticket-%04d.png\nexpect admitted\n", arrivals[i]);
		if (i == 4) /* someone comes back and shows the same ticket again */
			fputs("wait 2000\nshow tickets/ticket-0003.png\nexpect already_admitted\n", f);
		if (i == 7)
			fputs("show tickets/ticket-0007.png\nexpect cancelled\n", f);
		if (i == 9)
			fputs("show tickets/forged.png\nexpect forged\n", f);
		if (i == 11)
			fputs("show other-event/ticket-0001.png\nexpect wrong_event\n", f);
		if (i == 12)
			fputs("show tickets/unknown.png\nexpect unknown\n", f);
		if (i == 13)
			fputs("show tickets/pretix-secret.png\nexpect admitted Соломія\n", f);
	}
	if (fclose(f) != 0)
		goto io;

	fprintf(c->out, "\n$ vkhid --db %s run --headless --scenario %s --out %s\n", dbp, scen, out);
	char *run_argv[] = { "--headless", "--scenario", scen, "--out", (char *)out, NULL };
	rc = cmd_run(c, 5, run_argv);
	if (rc == 2)
		goto fail;
	snprintf(path, sizeof path, "%s/attendance.csv", out);
	if (vk(c, "stats", NULL) || vk(c, "export", "attendance", "--out", path, NULL))
		goto fail;
	fprintf(c->out, _("\nDone. Badges are in %s/badges, tickets in %s/tickets, the kiosk's log "
			   "in %s/log.jsonl.\nTry: vkhid --db %s checkin 'p9dx4kz7wq2vfm8tnc3hbr6y'\n"),
		out, out, out, dbp);
	(void)other_ev;
	return rc;
io:
	fprintf(c->err, _("vkhid: cannot write the demo files in %s: %s\n"), out, strerror(errno));
	return 2;
fail:
	fprintf(c->err, "%s", _("vkhid: the demo stopped at the step above.\n"));
	return 2;
}
