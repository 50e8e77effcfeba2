/* SPDX-License-Identifier: MIT */
/* Unit tests of core/import.c against a real SQLite file (db_open in a mkdtemp folder):
 * what an organizer would notice after importing a list. Each format's header row as its
 * exporter writes it, with Cyrillic names; --map; encodings (BOM, Windows-1251 written as
 * bytes, stray bad bytes, NULs); semicolons and CRLF; quoted commas, quotes and line
 * breaks with the line numbers of later bad rows; re-import counts; dry runs; a database
 * failure in the middle of an import (a trigger) rolling everything back; and hostile
 * files: empty, header only, cut inside a quote, binary garbage, a 1 MB field.
 *
 * Results are read back through db.h (db_reg_get, db_reg_find_for_import, db_reg_count),
 * never through the importer's own report alone. Messages are checked in English (the
 * language is set at start) and once in Ukrainian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/i18n.h"
#include "core/import.h"
#include "core/search.h"
#include "core/text.h"
#include "db/db.h"

struct fx {
	char dir[64];
	char path[96];
	db *d;
	int64_t ev;
	struct import_report rep;
	char why[1024];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct db_event ev;
	char why[256];

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/vkhid-import-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, why, sizeof why) != VK_OK) {
		fprintf(stderr, "db_open: %s\n", why);
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	strcpy(ev.name, "Конференція");
	if (db_event_create(f->d, &ev) != VK_OK)
		return -1;
	f->ev = ev.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[128];

	import_report_free(&f->rep);
	db_close(f->d);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s/list.csv", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Imports n bytes (strlen when n is 0) with the given format, maps and dry-run flag. */
static int imp_opts(struct fx *f, const char *csv, size_t n, const char *format,
		    const char *const *maps, int n_maps, int dry)
{
	struct import_opts o = { .event_id = f->ev, .format = format, .maps = maps,
				 .n_maps = n_maps, .dry_run = dry };
	import_report_free(&f->rep);
	return import_csv_buffer(f->d, csv, n ? n : strlen(csv), &o, &f->rep, f->why,
				 sizeof f->why);
}

static int imp(struct fx *f, const char *csv)
{
	return imp_opts(f, csv, 0, "auto", NULL, 0, 0);
}

/* The registration with this external id (or, with ext "", this email). */
static struct db_registration reg_by(struct fx *f, const char *ext, const char *email)
{
	struct db_registration r;
	memset(&r, 0, sizeof r);
	assert_int_equal(db_reg_find_for_import(f->d, f->ev, ext, email, "", &r), VK_OK);
	return r;
}

static struct db_registration reg_no(struct fx *f, int64_t number)
{
	struct db_registration r;
	memset(&r, 0, sizeof r);
	assert_int_equal(db_reg_get(f->d, f->ev, number, &r), VK_OK);
	return r;
}

/* 1 when the report holds a problem of this reason at this line. */
static int problem_at(const struct import_report *rep, int line, int reason, int skipped)
{
	for (int i = 0; i < rep->n_problems; i++)
		if (rep->problems[i].line == line && rep->problems[i].reason == reason &&
		    rep->problems[i].skipped == skipped)
			return 1;
	return 0;
}

static void assert_counts(const struct import_report *r, int64_t rows, int64_t added,
			  int64_t updated, int64_t cancelled, int64_t unchanged, int64_t skipped)
{
	assert_int_equal(r->rows, rows);
	assert_int_equal(r->added, added);
	assert_int_equal(r->updated, updated);
	assert_int_equal(r->cancelled, cancelled);
	assert_int_equal(r->unchanged, unchanged);
	assert_int_equal(r->skipped, skipped);
	/* every row lands in exactly one bucket */
	assert_int_equal(r->added + r->updated + r->cancelled + r->unchanged + r->skipped, r->rows);
}

/* ---- formats ------------------------------------------------------------------------- */

static void test_vkhid_format(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp(f,
		"external_id,ticket_code,given_name,family_name,organization,category,email,language,status\n"
		"A-1,T1,Олександр,Скалозуб,КПІ,speaker, Oleks@Example.COM ,uk,active\n"
		"A-2,T2,Мар’яна,Ґонта,,guest,maryana@example.com,English,\n"
		"A-3,,Ivan,Petrenko,Acme,,,,cancelled\n"), VK_OK);
	assert_string_equal(f->rep.format, "vkhid");
	assert_string_equal(f->rep.encoding, "utf-8");
	assert_int_equal(f->rep.delimiter, ',');
	assert_counts(&f->rep, 3, 2, 0, 1, 0, 0);
	assert_int_equal(f->rep.n_problems, 0);
	assert_string_equal(f->rep.unmapped, "");

	r = reg_by(f, "A-1", "");
	assert_int_equal(r.number, 1);
	assert_string_equal(r.ticket_code, "T1");
	assert_string_equal(r.given, "Олександр");
	assert_string_equal(r.family, "Скалозуб");
	assert_string_equal(r.display, "Олександр Скалозуб");
	assert_string_equal(r.organization, "КПІ");
	assert_string_equal(r.category, "speaker");
	assert_string_equal(r.email, "oleks@example.com");
	assert_string_equal(r.lang, "uk");
	assert_int_equal(r.status, DB_REG_ACTIVE);
	assert_non_null(strstr(r.search_key, "олександр скалозуб oleksandr skalozub"));
	/* ISO UTC, "YYYY-MM-DDTHH:MM:SSZ" */
	assert_int_equal(strlen(r.updated), 20);
	assert_int_equal(r.updated[10], 'T');
	assert_int_equal(r.updated[19], 'Z');

	r = reg_no(f, 2);
	assert_string_equal(r.external_id, "A-2");
	assert_string_equal(r.display, "Мар’яна Ґонта");
	assert_string_equal(r.lang, "en");
	assert_non_null(strstr(r.search_key, "mariana gonta"));
	r = reg_no(f, 3);
	assert_int_equal(r.status, DB_REG_CANCELLED);
	assert_int_equal(db_reg_count(f->d, f->ev, 1), 2);
}

static const char pretix_csv[] =
	"Event slug,Order code,Position ID,Status,Email,Order date,Product,Variation,Price,"
	"Attendee name,Attendee name: Title,Attendee name: Given name,"
	"Attendee name: Family name,Attendee email,Company,Secret\n"
	"kyivconf,ABC12,1,Paid,buyer@firma.ua,2025-03-01,Стандартний,,500.00,"
	"Тарас Шевченко,,Тарас,Шевченко,taras@firma.ua,Фірма,s3cr3t-aaa\n"
	"kyivconf,ABC12,2,Paid,buyer@firma.ua,2025-03-01,Студентський,,100.00,"
	"Леся Українка,,,,,Фірма,s3cr3t-bbb\n"
	"kyivconf,XYZ99,1,Canceled,x@y.ua,2025-03-02,Стандартний,,500.00,"
	"Іван Франко,,Іван,Франко,,\"Товариство \"\"Просвіта\"\"\",s3cr3t-ccc\n"
	"kyivconf,QQQ11,1,Скасовано,q@y.ua,2025-03-02,VIP,,900.00,"
	"Ольга Кобилянська,,Ольга,Кобилянська,,,s3cr3t-ddd\n";

static void test_pretix_format(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp(f, pretix_csv), VK_OK);
	assert_string_equal(f->rep.format, "pretix");
	assert_counts(&f->rep, 4, 2, 0, 2, 0, 0);
	assert_int_equal(f->rep.n_problems, 0);
	/* columns nobody uses are listed, so the organizer sees what was left out */
	assert_non_null(strstr(f->rep.unmapped, "Event slug"));
	assert_non_null(strstr(f->rep.unmapped, "Price"));
	assert_null(strstr(f->rep.unmapped, "Secret"));

	r = reg_by(f, "ABC12-1", "");
	assert_string_equal(r.ticket_code, "s3cr3t-aaa");
	assert_string_equal(r.given, "Тарас");
	assert_string_equal(r.family, "Шевченко");
	assert_string_equal(r.email, "taras@firma.ua");       /* the attendee's, not the buyer's */
	assert_string_equal(r.category, "Стандартний");       /* the product */
	assert_string_equal(r.organization, "Фірма");
	/* no name parts: the full "Attendee name" is split; no attendee email: the buyer's */
	r = reg_by(f, "ABC12-2", "");
	assert_string_equal(r.given, "Леся");
	assert_string_equal(r.family, "Українка");
	assert_string_equal(r.email, "buyer@firma.ua");
	assert_string_equal(r.category, "Студентський");
	r = reg_by(f, "XYZ99-1", "");
	assert_int_equal(r.status, DB_REG_CANCELLED);
	assert_string_equal(r.organization, "Товариство \"Просвіта\"");
	r = reg_by(f, "QQQ11-1", "");
	assert_int_equal(r.status, DB_REG_CANCELLED);
	assert_string_equal(r.category, "VIP");
}

static void test_eventbrite_format(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp(f,
		"Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Attendee #,"
		"Barcode #,Order Type,Total Paid,Eventbrite Fees,Attendee Status,Company\n"
		"1234567890,2025-03-01 10:00:00+02:00,Богдан,Хмельницький,bohdan@example.com,1,"
		"General Admission,9876543210,98765432101001,Eventbrite Completed,20.00,1.50,"
		"Attending,Військо\n"
		"1234567891,2025-03-01 11:00:00+02:00,Соломія,Крушельницька,sol@example.com,1,"
		"VIP,9876543211,98765432111001,Eventbrite Completed,90.00,3.00,Not Attending,\n"
		"1234567892,2025-03-01 12:00:00+02:00,Jane,Doe,jane@example.com,1,"
		"General Admission,9876543212,98765432121001,Free Order,0.00,0.00,Checked In,ACME\n"),
		VK_OK);
	assert_string_equal(f->rep.format, "eventbrite");
	assert_counts(&f->rep, 3, 2, 0, 1, 0, 0);
	r = reg_by(f, "9876543210", "");
	assert_string_equal(r.ticket_code, "98765432101001");
	assert_string_equal(r.display, "Богдан Хмельницький");
	assert_string_equal(r.category, "General Admission");
	assert_string_equal(r.organization, "Військо");
	assert_int_equal(r.status, DB_REG_ACTIVE);
	assert_non_null(strstr(r.search_key, "bohdan khmelnytskyi"));
	r = reg_by(f, "9876543211", "");
	assert_int_equal(r.status, DB_REG_CANCELLED);
	r = reg_by(f, "9876543212", "");
	assert_int_equal(r.status, DB_REG_ACTIVE); /* "Checked In" is a valid ticket */
}

static void test_google_forms_uk(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	/* "Прізвище та ім'я" holds the family name first */
	assert_int_equal(imp(f,
		"Позначка часу,Адреса електронної пошти,Прізвище та ім'я,Організація,"
		"Категорія,Чи потрібен вам паркінг?\n"
		"01.03.2025 10:11:12,Olena@Example.com,Коваленко Олена,ЛНУ,Учасник,Так\n"
		"01.03.2025 10:15:00,petro@example.com,Петренко Петро Петрович,,Доповідач,Ні\n"),
		VK_OK);
	assert_string_equal(f->rep.format, "google");
	assert_counts(&f->rep, 2, 2, 0, 0, 0, 0);
	assert_non_null(strstr(f->rep.unmapped, "Позначка часу"));
	assert_non_null(strstr(f->rep.unmapped, "паркінг"));
	/* no external id: the email is the identity */
	r = reg_by(f, "", "olena@example.com");
	assert_string_equal(r.external_id, "");
	assert_string_equal(r.given, "Олена");
	assert_string_equal(r.family, "Коваленко");
	assert_string_equal(r.display, "Олена Коваленко");
	assert_string_equal(r.category, "Учасник");
	r = reg_by(f, "", "petro@example.com");
	assert_string_equal(r.family, "Петренко");
	assert_string_equal(r.given, "Петро Петрович");

	/* the same form exported again with a typo fixed: an update, found by email */
	assert_int_equal(imp(f,
		"Позначка часу,Адреса електронної пошти,Прізвище та ім'я,Організація,"
		"Категорія,Чи потрібен вам паркінг?\n"
		"01.03.2025 10:11:12,olena@example.com,Коваленко Олена,ЛНУ ім. Франка,Учасник,Так\n"
		"01.03.2025 10:15:00,petro@example.com,Петренко Петро Петрович,,Доповідач,Ні\n"),
		VK_OK);
	assert_counts(&f->rep, 2, 0, 1, 0, 1, 0);
	r = reg_by(f, "", "olena@example.com");
	assert_int_equal(r.number, 1);
	assert_string_equal(r.organization, "ЛНУ ім. Франка");
}

static void test_google_forms_variants(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	/* English form; separate given and family questions with the curly apostrophe */
	assert_int_equal(imp(f,
		"Timestamp,Email address,First name,Last name,Company\n"
		"3/1/2025 10:11:12,a@b.com,Anna,Smith,Globex\n"), VK_OK);
	assert_string_equal(f->rep.format, "google");
	assert_string_equal(reg_by(f, "", "a@b.com").family, "Smith");
	assert_int_equal(imp(f,
		"Позначка часу;Ім’я;Прізвище;Електронна пошта;ОРГАНІЗАЦІЯ \n"
		"01.03.2025 10:11:12;Ярослав;Мудрий;yar@kyiv.ua;Київська Русь\n"), VK_OK);
	r = reg_by(f, "", "yar@kyiv.ua");
	assert_string_equal(r.given, "Ярослав");
	assert_string_equal(r.family, "Мудрий");
	assert_string_equal(r.organization, "Київська Русь");
	/* ПІБ, and a question nobody put in the vocabulary */
	assert_int_equal(imp(f,
		"ПІБ,Вкажіть вашу електронну пошту,Назва вашої компанії\n"
		"Сковорода Григорій Савич,hryhorii@example.com,Академія\n"), VK_OK);
	r = reg_by(f, "", "hryhorii@example.com");
	assert_string_equal(r.family, "Сковорода");
	assert_string_equal(r.given, "Григорій Савич");
	assert_string_equal(r.organization, "Академія");
}

static void test_map(void **state)
{
	struct fx *f = *state;
	static const char csv[] = "Хто,Звідки,Нотатки\nДанило Галицький,Галич,-\n";
	const char *maps[] = { "Хто=name", "звідки = organization" };
	const char *bad[] = { "Хто=nonsense" };
	const char *missing[] = { "Хто=name", "Нема такої=email" };
	struct db_registration r;

	/* without a map: refused, and the message says what was found and what to do */
	assert_int_equal(imp(f, csv), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "Хто, Звідки, Нотатки"));
	assert_non_null(strstr(f->why, "given_name"));
	assert_non_null(strstr(f->why, "--map"));
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 0);

	assert_int_equal(imp_opts(f, csv, 0, "auto", maps, 2, 0), VK_OK);
	assert_counts(&f->rep, 1, 1, 0, 0, 0, 0);
	r = reg_no(f, 1);
	assert_string_equal(r.given, "Данило");
	assert_string_equal(r.family, "Галицький");
	assert_string_equal(r.organization, "Галич");
	assert_string_equal(f->rep.unmapped, "Нотатки");

	assert_int_equal(imp_opts(f, csv, 0, "auto", bad, 1, 0), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "nonsense"));
	assert_int_equal(imp_opts(f, csv, 0, "auto", missing, 2, 0), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "Нема такої"));
	/* a map overrides the vocabulary, and "ignore" drops a column */
	{
		const char *m2[] = { "Company=ignore", "E-mail=ignore" };
		assert_int_equal(imp_opts(f, "Name,Company,E-mail\nNew Person,Initech,np@x.com\n",
					  0, "auto", m2, 2, 0), VK_OK);
		r = reg_no(f, 2);
		assert_string_equal(r.display, "New Person");
		assert_string_equal(r.organization, "");
		assert_string_equal(r.email, "");
	}
}

static void test_format_forced(void **state)
{
	struct fx *f = *state;

	assert_int_equal(imp_opts(f, pretix_csv, 0, "eventbrite", NULL, 0, 0), VK_OK);
	assert_string_equal(f->rep.format, "eventbrite");
	/* "Position ID" means nothing to Eventbrite: no external ids */
	assert_int_equal(db_reg_find_for_import(f->d, f->ev, "ABC12-1", "", "", &(struct db_registration){0}),
			 VK_ERR_NOT_FOUND);
	assert_int_equal(imp_opts(f, pretix_csv, 0, "excel", NULL, 0, 0), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "pretix"));
}

/* ---- bytes --------------------------------------------------------------------------- */

static void test_bom(void **state)
{
	struct fx *f = *state;

	assert_int_equal(imp(f, "\xEF\xBB\xBF" "name,email\nЛіна Костенко,lina@example.com\n"), VK_OK);
	assert_string_equal(f->rep.encoding, "utf-8-bom");
	assert_counts(&f->rep, 1, 1, 0, 0, 0, 0);
	assert_string_equal(reg_no(f, 1).given, "Ліна");
	/* UTF-16 is refused with what to do */
	assert_int_equal(imp_opts(f, "\xFF\xFEn\0a\0", 6, "auto", NULL, 0, 0), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "CSV UTF-8"));
}

static void test_cp1251_semicolon_crlf(void **state)
{
	struct fx *f = *state;
	struct db_registration r;
	/* Excel in a Ukrainian locale: Windows-1251, semicolons, CRLF. Header
	 * "ПІБ;Організація;Email", then "Ґонта Їжак’ян;ТОВ «Єдність» №1;..." and
	 * "Іваненко Іванна;;..." */
	static const char csv[] =
		"\xCF\xB2\xC1;\xCE\xF0\xE3\xE0\xED\xB3\xE7\xE0\xF6\xB3\xFF;Email\r\n"
		"\xA5\xEE\xED\xF2\xE0 \xAF\xE6\xE0\xEA\x92\xFF\xED;\xD2\xCE\xC2 \xAB\xAA\xE4\xED\xB3\xF1\xF2\xFC\xBB \xB9" "1;gonta@example.com\r\n"
		"\xB2\xE2\xE0\xED\xE5\xED\xEA\xEE \xB2\xE2\xE0\xED\xED\xE0;;ivanna@example.com\r\n";

	assert_int_equal(imp(f, csv), VK_OK);
	assert_string_equal(f->rep.encoding, "windows-1251");
	assert_int_equal(f->rep.delimiter, ';');
	assert_counts(&f->rep, 2, 2, 0, 0, 0, 0);
	r = reg_by(f, "", "gonta@example.com");
	assert_string_equal(r.family, "Ґонта");
	assert_string_equal(r.given, "Їжак’ян");
	assert_string_equal(r.organization, "ТОВ «Єдність» №1");
	assert_non_null(strstr(r.search_key, "yizhakian gonta"));
	r = reg_by(f, "", "ivanna@example.com");
	assert_string_equal(r.display, "Іванна Іваненко");
	assert_string_equal(r.email, "ivanna@example.com"); /* no \r left */
}

static void test_bad_utf8_and_nul(void **state)
{
	struct fx *f = *state;
	static const char csv[] = "name,organization\n"
				  "Олег Ольжич,Культура\n"
				  "Олена Теліга,Пр\xFF\xFE" "світа\n"
				  "Ні\0на Матвієнко,Хор\n";
	struct db_registration r;

	assert_int_equal(imp_opts(f, csv, sizeof csv - 1, "auto", NULL, 0, 0), VK_OK);
	assert_string_equal(f->rep.encoding, "utf-8");
	/* bytes that are not UTF-8 in a UTF-8 file: the line is reported, not imported */
	assert_counts(&f->rep, 3, 2, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 3, IMP_R_NOT_UTF8, 1));
	/* a NUL is replaced and the row kept, with a warning */
	assert_true(problem_at(&f->rep, 4, IMP_R_BAD_UTF8, 0));
	r = reg_no(f, 2);
	assert_string_equal(r.given, "Ні\xEF\xBF\xBD" "на");
	assert_int_equal(text_utf8_valid(r.search_key, strlen(r.search_key)), 1);
}

/* ---- quoting and line numbers -------------------------------------------------------- */

static void test_quotes_and_line_numbers(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp(f,
		"external_id,name,organization,email\n"                          /* 1 */
		"1,\"Шевченко, Тарас\",\"ТОВ \"\"Кобзар\"\", Київ\",t@k.ua\n"    /* 2 */
		"2,Марко Вовчок,\"Рядок перший\n"                               /* 3 */
		"рядок другий\n"                                                 /* 4 */
		"рядок третій\",m@v.ua\n"                                        /* 5 */
		"\"3\n"                                                          /* 6 */
		"\",Пантелеймон Куліш,,p@k.ua\n"                                 /* 7 */
		"\n"                                                             /* 8 */
		"4,,Без імені,\n"                                                /* 9 */
		"5,Григір Тютюнник,,not-an-email\n"),                           /* 10 */
		VK_OK);
	assert_counts(&f->rep, 5, 4, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 9, IMP_R_NO_NAME, 1));
	assert_true(problem_at(&f->rep, 10, IMP_R_BAD_EMAIL, 0));
	assert_int_equal(f->rep.n_problems, 2);
	assert_int_equal(f->rep.problems_total, 2);

	r = reg_by(f, "1", "");
	/* a comma inside the name: "Family, Given" */
	assert_string_equal(r.given, "Тарас");
	assert_string_equal(r.family, "Шевченко");
	assert_string_equal(r.organization, "ТОВ \"Кобзар\", Київ");
	r = reg_by(f, "2", "");
	/* line breaks inside a value become spaces: a badge has no room for them */
	assert_string_equal(r.organization, "Рядок перший рядок другий рядок третій");
	r = reg_by(f, "3", "");
	assert_string_equal(r.display, "Пантелеймон Куліш");
	r = reg_by(f, "5", "");
	assert_string_equal(r.email, ""); /* a bad address identifies nobody */
}

static void test_columns_and_duplicates(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp(f,
		"external_id,given_name,family_name,email,ticket_code\n"          /* 1 */
		"1,Іван,Котляревський,ivan@x.ua,C1\n"                             /* 2 */
		"2,Григорій,Квітка-Основ'яненко,hryc@x.ua,C2,,\n"                 /* 3: empty extras */
		"3,Євген,Гребінка,yevhen@x.ua,C3,зайве\n"                         /* 4: shifted */
		"4,Марко\n"                                                       /* 5: short */
		"1,Іван,Інший,other@x.ua,C9\n"                                    /* 6: same id */
		"6,Петро,Гулак-Артемовський,petro@x.ua,C2\n"),                    /* 7: code taken */
		VK_OK);
	assert_counts(&f->rep, 6, 4, 0, 0, 0, 2);
	assert_true(problem_at(&f->rep, 4, IMP_R_COLUMNS, 1));
	assert_true(problem_at(&f->rep, 5, IMP_R_COLUMNS, 0));
	assert_true(problem_at(&f->rep, 6, IMP_R_DUPLICATE, 1));
	assert_true(problem_at(&f->rep, 7, IMP_R_CODE_TAKEN, 0));
	assert_false(problem_at(&f->rep, 3, IMP_R_COLUMNS, 0));
	/* the first row with id 1 wins */
	assert_string_equal(reg_by(f, "1", "").family, "Котляревський");
	r = reg_by(f, "4", "");
	assert_string_equal(r.given, "Марко");
	r = reg_by(f, "6", "");
	assert_string_equal(r.ticket_code, "");
	assert_string_equal(reg_by(f, "2", "").ticket_code, "C2");
	assert_int_equal(db_reg_find_for_import(f->d, f->ev, "3", "", "", &r), VK_ERR_NOT_FOUND);
}

/* The same checks when the event already holds registrations (every lookup goes to
 * the database), and a later row that names an earlier one by another key. */
static void test_duplicates_against_stored(void **state)
{
	struct fx *f = *state;

	assert_int_equal(imp(f, "external_id,name,email,ticket_code\n"
				"1,Іван Котляревський,ivan@x.ua,C1\n"), VK_OK);
	assert_int_equal(imp(f,
		"external_id,name,email,ticket_code\n"                  /* 1 */
		"2,Григорій Квітка,hryc@x.ua,C1\n"                      /* 2: code of id 1 */
		"3,Євген Гребінка,yevhen@x.ua,C3\n"                     /* 3 */
		"3,Євген Інший,other@x.ua,C4\n"                         /* 4: same id */
		",Євген Гребінка,yevhen@x.ua,\n"), VK_OK);              /* 5: same by email */
	assert_counts(&f->rep, 4, 2, 0, 0, 0, 2);
	assert_true(problem_at(&f->rep, 2, IMP_R_CODE_TAKEN, 0));
	assert_true(problem_at(&f->rep, 4, IMP_R_DUPLICATE, 1));
	assert_true(problem_at(&f->rep, 5, IMP_R_DUPLICATE, 1));
	assert_string_equal(reg_by(f, "2", "").ticket_code, "");
	assert_string_equal(reg_by(f, "1", "").ticket_code, "C1");

	/* into an empty event: the first row is found again by its email alone */
	{
		struct db_event ev;
		memset(&ev, 0, sizeof ev);
		strcpy(ev.name, "Друга подія");
		assert_int_equal(db_event_create(f->d, &ev), VK_OK);
		f->ev = ev.id;
	}
	assert_int_equal(imp(f,
		"external_id,name,email,ticket_code\n"
		"A,Марко Вовчок,marko@x.ua,K1\n"
		",Марко Вовчок,MARKO@x.ua,\n"
		"B,Інша Людина,other@x.ua,K1\n"
		"C,Ще Одна,,K1\n"), VK_OK);
	assert_counts(&f->rep, 4, 3, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 3, IMP_R_DUPLICATE, 1));
	assert_true(problem_at(&f->rep, 4, IMP_R_CODE_TAKEN, 0));
	assert_true(problem_at(&f->rep, 5, IMP_R_CODE_TAKEN, 0));
	assert_int_equal(reg_by(f, "A", "").number, 1);
	assert_int_equal(reg_by(f, "C", "").number, 3);
	assert_string_equal(reg_by(f, "C", "").ticket_code, "");
}

static void test_unterminated_quote_at_eof(void **state)
{
	struct fx *f = *state;

	/* a download cut inside a quoted field: the last row is lost, with its line */
	assert_int_equal(imp(f,
		"external_id,name,organization\n"
		"1,Василь Стус,Поет\n"
		"2,Алла Горська,\"Художниця, \"\"Шістдесятниця\"\"\"\n"
		"3,Іван Світличний,\"Критик, перекла"), VK_OK);
	assert_counts(&f->rep, 3, 2, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 4, IMP_R_BAD_QUOTES, 1));
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 2);
	assert_string_equal(reg_by(f, "2", "").organization, "Художниця, \"Шістдесятниця\"");
	assert_int_equal(db_reg_find_for_import(f->d, f->ev, "3", "", "", &(struct db_registration){0}),
			 VK_ERR_NOT_FOUND);

	/* two rows whose quotes never close: the first one's quote takes the second
	 * one's opening quote as its end, and each row is reported on its own line */
	assert_int_equal(imp(f,
		"external_id,name,organization\n"
		"4,Алла Горська,\"Художниця\n"
		"5,Іван Світличний,\"Критик, перекладач\n"
		"6,Надія Світлична,Редакторка\n"), VK_OK);
	assert_counts(&f->rep, 3, 1, 0, 0, 0, 2);
	assert_true(problem_at(&f->rep, 2, IMP_R_BAD_QUOTES, 1));
	assert_true(problem_at(&f->rep, 3, IMP_R_BAD_QUOTES, 1));
	assert_string_equal(reg_by(f, "6", "").organization, "Редакторка");
}

static void test_stray_quotes_mid_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(imp(f,
		"external_id,name,organization\n"                       /* 1 */
		"1,Олександр \"Сашко\" Скалозуб,Гурт\n"                 /* 2: quotes as text */
		"2,\"Микола Лисенко,Композитор\n"                       /* 3: never closes */
		"3,Леонтович Микола,Хор\n"                              /* 4 */
		"4,\"Соломія\" Крушельницька,Опера\n"                   /* 5: text after a quote */
		"5,Борис Лятошинський,Симфонія\n"), VK_OK);             /* 6 */
	assert_true(problem_at(&f->rep, 3, IMP_R_BAD_QUOTES, 1));
	assert_true(problem_at(&f->rep, 5, IMP_R_BAD_QUOTES, 1));
	assert_counts(&f->rep, 5, 3, 0, 0, 0, 2);
	assert_string_equal(reg_by(f, "1", "").display, "Олександр \"Сашко\" Скалозуб");
	assert_string_equal(reg_by(f, "3", "").organization, "Хор");
	assert_string_equal(reg_by(f, "5", "").organization, "Симфонія");
}

static void test_title_sep_and_cr(void **state)
{
	struct fx *f = *state;

	/* a title row above the header, Excel style */
	assert_int_equal(imp(f,
		"Список учасників;;\n"
		"ПІБ;Email;Організація\n"
		"Чорновіл В'ячеслав;v@ch.ua;Рух\n"
		";;\n"
		"Без;імені\n"
		";x@y.ua;Ніхто\n"), VK_OK);
	assert_counts(&f->rep, 3, 2, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 6, IMP_R_NO_NAME, 1));
	assert_true(problem_at(&f->rep, 5, IMP_R_COLUMNS, 0));
	assert_string_equal(reg_no(f, 1).given, "В'ячеслав");
	/* Excel's "sep=" hint line */
	assert_int_equal(imp(f, "sep=;\r\nname;email\r\nНіна Строката;nina@x.ua\r\n;\r\n;z@z.ua\r\n"),
			 VK_OK);
	assert_int_equal(f->rep.delimiter, ';');
	assert_true(problem_at(&f->rep, 5, IMP_R_NO_NAME, 1));
	/* old Mac line ends (CR only) still count lines */
	assert_int_equal(imp(f, "name,email\rЄвген Сверстюк,ye@x.ua\r,\"no\rname\"\rКарл,k@x.ua\r"),
			 VK_OK);
	assert_counts(&f->rep, 3, 2, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 3, IMP_R_NO_NAME, 1));
	/* tab-separated */
	assert_int_equal(imp(f, "name\temail\nОксана Забужко\toz@x.ua\n"), VK_OK);
	assert_int_equal(f->rep.delimiter, '\t');
	assert_string_equal(reg_by(f, "", "oz@x.ua").family, "Забужко");
}

/* ---- re-import, dry run, transaction ------------------------------------------------- */

static const char list_v1[] =
	"external_id,name,organization,category,status\n"
	"1,Леся Українка,Поезія,speaker,active\n"
	"2,Іван Франко,Проза,guest,active\n"
	"3,Михайло Коцюбинський,Проза,guest,active\n"
	"4,Ольга Кобилянська,Проза,guest,active\n";

static void test_reimport_counts(void **state)
{
	struct fx *f = *state;
	struct db_registration r, before4;

	assert_int_equal(imp(f, list_v1), VK_OK);
	assert_counts(&f->rep, 4, 4, 0, 0, 0, 0);
	/* tickets were issued after the first import: a re-import must keep them */
	r = reg_by(f, "2", "");
	assert_int_equal(db_reg_set_vk_code(f->d, r.id, "VK1:TEST"), VK_OK);
	before4 = reg_by(f, "4", "");

	assert_int_equal(imp(f,
		"external_id,name,organization,category,status\n"
		"1,Леся Українка,Поезія,speaker,active\n"              /* unchanged */
		"2,Іван Франко,Драма,guest,active\n"                   /* updated */
		"3,Михайло Коцюбинський,Проза,guest,Cancelled\n"       /* cancelled */
		"5,Василь Стефаник,Новела,guest,active\n"),            /* added; 4 is missing */
		VK_OK);
	assert_counts(&f->rep, 4, 1, 1, 1, 1, 0);
	r = reg_by(f, "2", "");
	assert_int_equal(r.number, 2);
	assert_string_equal(r.organization, "Драма");
	assert_string_equal(r.vk_code, "VK1:TEST");
	assert_int_equal(reg_by(f, "3", "").status, DB_REG_CANCELLED);
	assert_int_equal(reg_by(f, "5", "").number, 5);
	/* the row missing from the new list is neither deleted nor changed */
	r = reg_by(f, "4", "");
	assert_int_equal(r.id, before4.id);
	assert_int_equal(r.status, DB_REG_ACTIVE);
	assert_string_equal(r.updated, before4.updated);
	assert_string_equal(r.organization, before4.organization);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 5);

	/* the same list again: nothing to do; a still-cancelled row is unchanged */
	assert_int_equal(imp(f,
		"external_id,name,organization,category,status\n"
		"1,Леся Українка,Поезія,speaker,active\n"
		"2,Іван Франко,Драма,guest,active\n"
		"3,Михайло Коцюбинський,Проза,guest,Cancelled\n"
		"5,Василь Стефаник,Новела,guest,active\n"), VK_OK);
	assert_counts(&f->rep, 4, 0, 0, 0, 4, 0);
	/* a list without the organization column leaves organizations alone */
	assert_int_equal(imp(f, "external_id,name\n2,Іван Франко\n"), VK_OK);
	assert_counts(&f->rep, 1, 0, 0, 0, 1, 0);
	assert_string_equal(reg_by(f, "2", "").organization, "Драма");
}

static void test_dry_run(void **state)
{
	struct fx *f = *state;
	struct db_registration r;

	assert_int_equal(imp_opts(f, list_v1, 0, "auto", NULL, 0, 1), VK_OK);
	assert_counts(&f->rep, 4, 4, 0, 0, 0, 0);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 0);

	assert_int_equal(imp(f, list_v1), VK_OK);
	assert_int_equal(imp_opts(f,
		"external_id,name,organization,category,status\n"
		"1,Леся Українка,Нове,speaker,cancelled\n"
		"9,Новий Учасник,,guest,\n", 0, "auto", NULL, 0, 1), VK_OK);
	assert_counts(&f->rep, 2, 1, 0, 1, 0, 0);
	r = reg_by(f, "1", "");
	assert_string_equal(r.organization, "Поезія");
	assert_int_equal(r.status, DB_REG_ACTIVE);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 4);
	/* the database is usable right after (no transaction left open) */
	assert_int_equal(imp(f, "external_id,name\n9,Новий Учасник\n"), VK_OK);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 5);
}

static void test_failure_rolls_back(void **state)
{
	struct fx *f = *state;

	/* A database failure on the third row (as a full disk would cause): the rows
	 * before it must not stay written. */
	assert_int_equal(db_exec(f->d,
		"CREATE TRIGGER boom BEFORE INSERT ON registration WHEN NEW.given = 'Бум'"
		" BEGIN SELECT RAISE(ABORT, 'boom'); END;"
		"CREATE TRIGGER boom2 BEFORE UPDATE ON registration WHEN NEW.organization = 'Бум'"
		" BEGIN SELECT RAISE(ABORT, 'boom'); END;"), VK_OK);
	assert_int_equal(imp(f,
		"external_id,name\n1,Перший Рядок\n2,Другий Рядок\n3,Бум Рядок\n4,Четвертий Рядок\n"),
		VK_ERR_DB);
	assert_true(f->why[0] != '\0');
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 0);

	/* the same for updates of an earlier list */
	assert_int_equal(imp(f, list_v1), VK_OK);
	assert_int_equal(imp(f,
		"external_id,name,organization\n"
		"1,Леся Українка,Змінено\n2,Іван Франко,Бум\n3,Михайло Коцюбинський,Змінено\n"),
		VK_ERR_DB);
	assert_string_equal(reg_by(f, "1", "").organization, "Поезія");
	assert_string_equal(reg_by(f, "3", "").organization, "Проза");
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 4);
	/* and the database takes the next import */
	assert_int_equal(db_exec(f->d, "DROP TRIGGER boom; DROP TRIGGER boom2;"), VK_OK);
	assert_int_equal(imp(f, "external_id,name\n7,Сьомий Рядок\n"), VK_OK);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 5);
}

/* ---- hostile files ------------------------------------------------------------------- */

static void test_empty_and_header_only(void **state)
{
	struct fx *f = *state;

	assert_int_equal(imp_opts(f, "", 0, "auto", NULL, 0, 0), VK_ERR_INVALID);
	assert_non_null(strstr(f->why, "empty"));
	assert_int_equal(imp(f, "\xEF\xBB\xBF"), VK_ERR_INVALID);
	assert_int_equal(imp(f, "\n\r\n   \n"), VK_ERR_INVALID);
	assert_int_equal(imp(f, "name,email\n"), VK_OK);
	assert_counts(&f->rep, 0, 0, 0, 0, 0, 0);
	assert_int_equal(imp(f, "name,email"), VK_OK);
	assert_int_equal(imp(f, "name,email\n,\n,,\n\n"), VK_OK);
	assert_counts(&f->rep, 0, 0, 0, 0, 0, 0);
	/* a header whose quote never closes */
	assert_int_equal(imp(f, "name,\"email\nx,y\n"), VK_ERR_INVALID);
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 0);
}

static void test_binary_garbage(void **state)
{
	struct fx *f = *state;
	uint32_t x = 2463534242u;

	for (int round = 0; round < 40; round++) {
		size_t n = 1 + (size_t)round * 997;
		char *buf = malloc(n);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			buf[i] = (char)x;
			/* some rounds are mostly CSV punctuation, the worst case for quotes */
			if (round % 2 && (x & 3) == 0)
				buf[i] = "\",;\n\r"[x % 5];
		}
		int rc = imp_opts(f, buf, n, "auto", NULL, 0, 0);
		assert_true(rc == VK_OK || rc == VK_ERR_INVALID);
		/* a header followed by garbage: never a crash, every row accounted for */
		memcpy(buf, "name,email\n", n < 11 ? n : 11);
		rc = imp_opts(f, buf, n, "auto", NULL, 0, 1);
		assert_true(rc == VK_OK || rc == VK_ERR_INVALID);
		if (rc == VK_OK)
			assert_int_equal(f->rep.added + f->rep.updated + f->rep.cancelled +
					 f->rep.unchanged + f->rep.skipped, f->rep.rows);
		free(buf);
	}
}

static void test_huge_fields(void **state)
{
	struct fx *f = *state;
	size_t big = (size_t)1 << 20, n = 0;
	char *csv = malloc(big * 2 + 256);
	struct db_registration r;

	/* 1 MB of "ж" (two bytes each) after an odd "x": no cut may split a letter */
	n += (size_t)sprintf(csv, "name,organization\nКороткий Рядок,x");
	for (size_t i = 0; i < big / 2; i++, n += 2)
		memcpy(csv + n, "ж", 2);
	n += (size_t)sprintf(csv + n, "\n\"");
	for (size_t i = 0; i < big; i++)
		csv[n++] = i % 100 == 99 ? ' ' : 'a';
	n += (size_t)sprintf(csv + n, " Quoted\",org\nОстанній Рядок,\n");
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 0), VK_OK);
	assert_counts(&f->rep, 3, 3, 0, 0, 0, 0);
	assert_true(problem_at(&f->rep, 2, IMP_R_TOO_LONG, 0));
	assert_true(problem_at(&f->rep, 3, IMP_R_TOO_LONG, 0));
	r = reg_no(f, 1);
	assert_true(strlen(r.organization) < sizeof r.organization);
	assert_true(strlen(r.organization) > 200);
	assert_int_equal(text_utf8_valid(r.organization, strlen(r.organization)), 1);
	r = reg_no(f, 2);
	assert_int_equal(text_utf8_valid(r.given, strlen(r.given)), 1);
	assert_string_equal(reg_no(f, 3).display, "Останній Рядок");

	/* a quote opened and never closed with megabytes after it */
	n = (size_t)sprintf(csv, "name,organization\nПерший Рядок,\"");
	memset(csv + n, 'z', big);
	n += big;
	n += (size_t)sprintf(csv + n, "\nДругий Рядок,b\n");
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 1), VK_OK);
	assert_true(problem_at(&f->rep, 2, IMP_R_BAD_QUOTES, 1));
	assert_int_equal(f->rep.added, 1);
	free(csv);
}

/* ---- text hygiene (issue 10, defects 10 and 11) -------------------------------------- */

/* A cut value warns on its own row only: the row after a cut given name has nothing cut
 * and must not be told it has. */
static void test_cut_warning_stays_on_its_row(void **state)
{
	struct fx *f = *state;
	size_t n = 0;
	char *csv = malloc(4096);

	n += (size_t)sprintf(csv, "given_name,family_name,email\n");
	for (int i = 0; i < 1500; i++)
		csv[n++] = 'a';
	n += (size_t)sprintf(csv + n, ",Довгий,long@example.org\nОля,Коротка,short@example.org\n");
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 0), VK_OK);
	assert_counts(&f->rep, 2, 2, 0, 0, 0, 0);
	assert_true(problem_at(&f->rep, 2, IMP_R_TOO_LONG, 0));
	assert_false(problem_at(&f->rep, 3, IMP_R_TOO_LONG, 0));
	assert_int_equal(f->rep.problems_total, 1);
	assert_string_equal(reg_by(f, "", "short@example.org").given, "Оля");
	free(csv);
}

/* The exact hits of query among the event's people: their display names, ", "-joined. */
static void exact_hits(struct fx *f, const char *query, char *out, size_t cap)
{
	struct search *s;
	struct search_hit hits[8];
	size_t len = 0;

	out[0] = '\0';
	assert_int_equal(search_open(f->d, f->ev, &s), VK_OK);
	int k = search_find(s, query, hits, 8);
	for (int i = 0; i < k; i++)
		if (hits[i].match == SEARCH_EXACT)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "",
						hits[i].display);
	search_free(s);
}

/* Zero-width characters, BOMs and bidi controls inside names are dropped, so the name
 * is found and printed as it reads; odd spaces become one space; and a name typed with a
 * combining breve is the same name as one typed with "й". */
static void test_invisible_and_bidi_dropped(void **state)
{
	struct fx *f = *state;
	char got[512];
	static const char csv[] =
		"external_id,given_name,family_name,organization\n"
		/* Ганна Ко<ZWSP>валь<BOM>, organization with a ZWJ and a word joiner */
		"1,Ганна,Ко\xE2\x80\x8B" "валь\xEF\xBB\xBF,ГО\xE2\x80\x8D \xE2\x81\xA0«Вхід»\n"
		/* <RLO>Олена<PDF> Пчілка, with an LRM and an RLI..PDI in the organization */
		"2,\xE2\x80\xAE" "Олена\xE2\x80\xAC,Пчілка,\xE2\x80\x8E" "Фонд \xE2\x81\xA7" "Х\xE2\x81\xA9\n"
		/* Андрій with и + U+0306, and an em space and a line separator in the name */
		"3,Андрі\xD0\xB8\xCC\x86,Шевчук\xE2\x80\x83\xE2\x80\xA8Гнатюк,Cafe\xCC\x81\n";

	assert_int_equal(imp(f, csv), VK_OK);
	assert_counts(&f->rep, 3, 3, 0, 0, 0, 0);
	struct db_registration r = reg_by(f, "1", "");
	assert_string_equal(r.family, "Коваль");
	assert_string_equal(r.organization, "ГО «Вхід»");
	r = reg_by(f, "2", "");
	assert_string_equal(r.given, "Олена");
	assert_string_equal(r.display, "Олена Пчілка");
	assert_string_equal(r.organization, "Фонд Х");
	r = reg_by(f, "3", "");
	assert_string_equal(r.given, "Андрій"); /* и + breve composed: й */
	assert_string_equal(r.family, "Шевчук Гнатюк");
	assert_string_equal(r.organization, "Caf\xC3\xA9"); /* e + U+0301 is é */

	exact_hits(f, "Коваль", got, sizeof got);
	assert_string_equal(got, "Ганна Коваль");
	exact_hits(f, "Олена", got, sizeof got);
	assert_string_equal(got, "Олена Пчілка");

	/* The precomposed spelling of the same person changes nothing. */
	assert_int_equal(imp(f, "external_id,given_name,family_name,organization\n"
			        "3,Андрій,Шевчук Гнатюк,Caf\xC3\xA9\n"), VK_OK);
	assert_counts(&f->rep, 1, 0, 0, 0, 1, 0);
	exact_hits(f, "андрій", got, sizeof got);
	assert_string_equal(got, "Андрій Шевчук Гнатюк");
}

/* A Windows-1251 line pasted into a UTF-8 file is reported with its line number and not
 * imported as a person called "����� ������"; the UTF-8 lines around it are. */
static void test_cp1251_line_in_utf8_file(void **state)
{
	struct fx *f = *state;
	/* line 3 is "Олена Коваль" in Windows-1251 */
	static const char csv[] =
		"name,organization\n"
		"Ліна Костенко,Спілка\n"
		"\xCE\xEB\xE5\xED\xE0 \xCA\xEE\xE2\xE0\xEB\xFC,\n"
		"Остап Вишня,Редакція\n";

	assert_int_equal(imp(f, csv), VK_OK);
	assert_string_equal(f->rep.encoding, "utf-8");
	assert_counts(&f->rep, 3, 2, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 3, IMP_R_NOT_UTF8, 1));
	assert_int_equal(db_reg_count(f->d, f->ev, 0), 2);
	assert_string_equal(reg_no(f, 1).display, "Ліна Костенко");
	assert_string_equal(reg_no(f, 2).display, "Остап Вишня");
	/* the message says what to do */
	assert_non_null(strstr(import_reason_text(IMP_R_NOT_UTF8), "CSV UTF-8"));
}

/* ---- the rest ------------------------------------------------------------------------ */

static void test_file_entry(void **state)
{
	struct fx *f = *state;
	struct import_opts o = { .event_id = f->ev };
	char p[128];
	FILE *fp;

	snprintf(p, sizeof p, "%s/list.csv", f->dir);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	fputs("ПІБ,Email\nТичина Павло,pavlo@x.ua\n", fp);
	fclose(fp);
	assert_int_equal(import_csv_file(f->d, p, &o, &f->rep, f->why, sizeof f->why), VK_OK);
	assert_int_equal(f->rep.added, 1);
	import_report_free(&f->rep);
	assert_int_equal(import_csv_file(f->d, "/nonexistent/list.csv", &o, &f->rep, f->why,
					 sizeof f->why), VK_ERR_NOT_FOUND);
	assert_non_null(strstr(f->why, "/nonexistent/list.csv"));
	assert_int_equal(import_csv_file(f->d, f->dir, &o, &f->rep, f->why, sizeof f->why),
			 VK_ERR_IO);
	/* an event that does not exist */
	o.event_id = f->ev + 1;
	assert_int_equal(import_csv_file(f->d, p, &o, &f->rep, f->why, sizeof f->why),
			 VK_ERR_NOT_FOUND);
}

static void test_many_rows(void **state)
{
	struct fx *f = *state;
	size_t cap = 6000 * 80, n = 0;
	char *csv = malloc(cap);

	n += (size_t)sprintf(csv, "external_id,given_name,family_name,email\n");
	for (int i = 0; i < 6000; i++)
		n += (size_t)sprintf(csv + n, "E%d,Учасник%d,Прізвище%d,p%d@example.com\n", i, i, i, i);
	/* one problem row after many good ones keeps its exact line */
	n += (size_t)sprintf(csv + n, "X,,,\n");
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 0), VK_OK);
	assert_counts(&f->rep, 6001, 6000, 0, 0, 0, 1);
	assert_true(problem_at(&f->rep, 6002, IMP_R_NO_NAME, 1));
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 0), VK_OK);
	assert_counts(&f->rep, 6001, 0, 0, 0, 6000, 1);
	assert_int_equal(reg_by(f, "E5999", "").number, 6000);
	free(csv);
}

static void test_problem_list_cap(void **state)
{
	struct fx *f = *state;
	size_t n = 0;
	char *csv = malloc(1500 * 8 + 64);

	n += (size_t)sprintf(csv, "name,email\n");
	for (int i = 0; i < 1500; i++)
		n += (size_t)sprintf(csv + n, ",x\n");
	assert_int_equal(imp_opts(f, csv, n, "auto", NULL, 0, 0), VK_OK);
	assert_int_equal(f->rep.n_problems, IMPORT_MAX_PROBLEMS);
	assert_int_equal(f->rep.problems_total, 1500);
	assert_int_equal(f->rep.skipped, 1500);
	assert_int_equal(f->rep.problems[IMPORT_MAX_PROBLEMS - 1].line, IMPORT_MAX_PROBLEMS + 1);
	free(csv);
}

static void test_names_and_texts(void **state)
{
	(void)state;
	for (int i = 0; i < IMP_FIELD_COUNT; i++)
		assert_int_equal(import_field_parse(import_field_name((enum import_field)i)), i);
	assert_int_equal(import_field_parse("Given-Name"), IMP_GIVEN);
	assert_int_equal(import_field_parse(" FAMILY_NAME "), IMP_FAMILY);
	assert_int_equal(import_field_parse("company"), IMP_ORGANIZATION);
	assert_int_equal(import_field_parse("-"), IMP_IGNORE);
	assert_int_equal(import_field_parse("colour"), -1);
	assert_int_equal(import_field_parse(""), -1);
	assert_int_equal(import_field_parse(NULL), -1);
	assert_string_equal(import_field_name(IMP_FIELD_COUNT), "");

	for (int r = IMP_R_NO_NAME; r <= IMP_R_CODE_TAKEN; r++) {
		const char *en = import_reason_text(r), *uk;
		i18n_set_lang(VK_LANG_UK);
		uk = import_reason_text(r);
		i18n_set_lang(VK_LANG_EN);
		assert_true(strlen(en) > 20);
		assert_string_not_equal(en, uk);
		/* every message says what to do, after a colon */
		assert_non_null(strchr(en, ':'));
		assert_non_null(strchr(uk, ':'));
	}
	i18n_set_lang(VK_LANG_UK);
	assert_non_null(strstr(import_reason_text(IMP_R_NO_NAME), "додайте ім'я"));
	i18n_set_lang(VK_LANG_EN);
	assert_non_null(import_reason_text(999));
}

static void test_why_in_ukrainian(void **state)
{
	struct fx *f = *state;

	i18n_set_lang(VK_LANG_UK);
	assert_int_equal(imp(f, "Колонка1,Колонка2\nx,y\n"), VK_ERR_INVALID);
	i18n_set_lang(VK_LANG_EN);
	assert_non_null(strstr(f->why, "Колонки у файлі: Колонка1, Колонка2"));
	assert_non_null(strstr(f->why, "--map 'Ваш заголовок=name'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vkhid_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pretix_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eventbrite_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_google_forms_uk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_google_forms_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_forced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cp1251_semicolon_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_utf8_and_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotes_and_line_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_and_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_against_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_quote_at_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_quotes_mid_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_sep_and_cr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_header_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problem_list_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_warning_stays_on_its_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invisible_and_bidi_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cp1251_line_in_utf8_file, setup, teardown),
		cmocka_unit_test(test_names_and_texts),
		cmocka_unit_test_setup_teardown(test_why_in_ukrainian, setup, teardown),
	};
	i18n_set_lang(VK_LANG_EN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
