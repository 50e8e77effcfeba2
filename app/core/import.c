/* SPDX-License-Identifier: MIT */
/* Participant-list import: CSV bytes into registrations (the contract is in import.h).
 *
 * One pass, streaming. The whole file is read into memory (capped), its encoding and
 * delimiter are guessed, and libcsv is fed one physical line at a time, which is how we
 * know the line where each row starts even when quoted fields hold line breaks. The first
 * row that names a name column is the header (a title row or two above it are passed
 * over); each later row is cleaned, matched to an existing registration and written at
 * once, inside one transaction that is committed only when the whole file went through.
 * Nothing is kept per row after it is written except the id of the registration it
 * touched, in a hash set that catches the same person twice in one file.
 *
 * Forgiving by design, because the people who export these lists are not engineers:
 * header names are compared case-, apostrophe- and punctuation-insensitively against a
 * vocabulary per format, a quote inside an unquoted field is read as text, a broken row
 * costs that row only, and every problem is reported with its line and what to do.
 *
 * Map of this file:
 *   1. limits, column kinds, the header vocabulary of each format
 *   2. field names and problem texts
 *   3. the importer's state, the report and its problems
 *   4. bytes: encoding, line ends and delimiter
 *   5. the header row: recognising the format and the columns
 *   6. a data row: cleaning values, names, status, writing to the database
 *   7. driving libcsv: physical lines, line numbers, broken quotes
 *   8. entry points */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/i18n.h"
#include "core/import.h"
#include "core/text.h"

/* ---- 1. limits, column kinds, vocabulary ------------------------------------------------ */

#define IMP_MAX_FILE       ((size_t)256 << 20) /* a 100,000-row list is about 15 MB */
#define IMP_MAX_COLS       512          /* columns kept; more are counted, not stored */
#define IMP_FIELD_KEEP     1024         /* bytes kept of a field: more than any db column */
#define IMP_VAL            (3 * IMP_FIELD_KEEP + 4) /* a kept field after U+FFFD repair */
#define IMP_HDR            192          /* bytes of a normalised header name */
#define IMP_CSV_FIELD_CAP  ((size_t)32 << 20) /* libcsv's buffer: past this, quotes broke */
#define IMP_PIECE          65536        /* bytes given to libcsv per call */
#define IMP_MAX_TITLE_ROWS 5            /* rows above the header we pass over */
#define IMP_MAX_MAPS       64
#define IMP_SET_MAX        ((size_t)1 << 24) /* slots of a set of ids or key hashes */
#define IMP_ROW_WARN       8            /* warnings kept per row */

/* What a column holds: an enum import_field, or one of these. */
enum col_kind {
	K_FULL_FF = IMP_FIELD_COUNT, /* a full name written family name first (ПІБ) */
	K_ORDER,                     /* pretix order code: prefixes the position id */
	K_PRODUCT,                   /* product / ticket type: the category when none */
	K_KNOWN,                     /* a column of the format we do not use (timestamp) */
	K_COUNT
};

enum { F_VKHID = 1, F_PRETIX = 2, F_EVENTBRITE = 4, F_GOOGLE = 8, F_ALL = 15 };

static const struct { const char *name; int bit; } formats[] = {
	{ "vkhid", F_VKHID }, { "pretix", F_PRETIX }, { "eventbrite", F_EVENTBRITE },
	{ "google", F_GOOGLE },
};
#define N_FORMATS (int)(sizeof formats / sizeof formats[0])

/* A header a format is known to write. hdr is in the form hdr_norm() makes: lower case,
 * apostrophes dropped, punctuation and "#" turned into single spaces ("Barcode #" is
 * "barcode", "Ім’я" is "імя"). weight says how strongly the header points at the formats
 * in fmts when the format is guessed; prio orders columns that fill the same field (1
 * first; an empty cell falls through to the next). For each format the first entry that
 * applies wins, so the formats' own entries come before the shared ones. */
struct synonym {
	const char *hdr;
	unsigned char kind, prio, weight, fmts;
};

static const struct synonym vocab[] = {
	/* vkhid's own columns: the field names of import_field_name() */
	{ "external id", IMP_EXTERNAL_ID, 1, 3, F_VKHID },
	{ "ticket code", IMP_TICKET_CODE, 1, 3, F_VKHID },
	{ "given name", IMP_GIVEN, 1, 2, F_VKHID },
	{ "family name", IMP_FAMILY, 1, 2, F_VKHID },
	{ "name", IMP_FULL_NAME, 2, 1, F_VKHID },
	{ "organization", IMP_ORGANIZATION, 1, 1, F_VKHID },
	{ "category", IMP_CATEGORY, 1, 1, F_VKHID },
	{ "email", IMP_EMAIL, 1, 1, F_VKHID },
	{ "language", IMP_LANG, 1, 2, F_VKHID },
	{ "status", IMP_STATUS, 1, 1, F_VKHID | F_PRETIX },
	/* pretix, "Order data" export, order positions */
	{ "order code", K_ORDER, 1, 3, F_PRETIX },
	{ "position id", IMP_EXTERNAL_ID, 1, 3, F_PRETIX },
	{ "attendee name", IMP_FULL_NAME, 1, 3, F_PRETIX },
	{ "attendee name given name", IMP_GIVEN, 1, 3, F_PRETIX },
	{ "attendee name family name", IMP_FAMILY, 1, 3, F_PRETIX },
	{ "attendee name title", K_KNOWN, 1, 2, F_PRETIX },
	{ "attendee email", IMP_EMAIL, 1, 3, F_PRETIX },
	{ "email", IMP_EMAIL, 2, 0, F_PRETIX },  /* the buyer's, when no attendee email */
	{ "e mail", IMP_EMAIL, 2, 0, F_PRETIX },
	{ "product", K_PRODUCT, 1, 2, F_PRETIX },
	{ "variation", K_KNOWN, 1, 1, F_PRETIX },
	{ "secret", IMP_TICKET_CODE, 1, 3, F_PRETIX },
	{ "ticket secret", IMP_TICKET_CODE, 1, 3, F_PRETIX },
	{ "order status", IMP_STATUS, 1, 3, F_PRETIX },
	{ "company", IMP_ORGANIZATION, 1, 0, F_PRETIX | F_EVENTBRITE },
	{ "invoice address company", IMP_ORGANIZATION, 3, 2, F_PRETIX },
	{ "invoice address name", IMP_FULL_NAME, 3, 2, F_PRETIX },
	{ "event slug", K_KNOWN, 1, 3, F_PRETIX },
	{ "pseudonymization id", K_KNOWN, 1, 3, F_PRETIX },
	{ "order date", K_KNOWN, 1, 1, F_PRETIX | F_EVENTBRITE },
	{ "order time", K_KNOWN, 1, 1, F_PRETIX },
	{ "price", K_KNOWN, 1, 1, F_PRETIX },
	{ "tax rate", K_KNOWN, 1, 2, F_PRETIX },
	{ "voucher", K_KNOWN, 1, 1, F_PRETIX },
	/* Eventbrite, attendee summary report */
	{ "order", K_KNOWN, 1, 3, F_EVENTBRITE },             /* "Order #" */
	{ "order id", K_KNOWN, 1, 2, F_EVENTBRITE },
	{ "attendee", IMP_EXTERNAL_ID, 1, 3, F_EVENTBRITE },  /* "Attendee #" */
	{ "attendee id", IMP_EXTERNAL_ID, 1, 2, F_EVENTBRITE },
	{ "barcode", IMP_TICKET_CODE, 1, 3, F_EVENTBRITE },   /* "Barcode #" */
	{ "ticket type", K_PRODUCT, 1, 3, F_EVENTBRITE },
	{ "attendee status", IMP_STATUS, 1, 3, F_EVENTBRITE },
	{ "first name", IMP_GIVEN, 1, 1, F_EVENTBRITE },
	{ "last name", IMP_FAMILY, 1, 1, F_EVENTBRITE },
	{ "quantity", K_KNOWN, 1, 1, F_EVENTBRITE },
	{ "order type", K_KNOWN, 1, 2, F_EVENTBRITE },
	{ "total paid", K_KNOWN, 1, 2, F_EVENTBRITE },
	{ "eventbrite fees", K_KNOWN, 1, 3, F_EVENTBRITE },
	{ "eventbrite payment processing", K_KNOWN, 1, 3, F_EVENTBRITE },
	{ "job title", K_KNOWN, 1, 1, F_EVENTBRITE },
	/* Google Forms: the columns the form itself adds */
	{ "timestamp", K_KNOWN, 1, 3, F_GOOGLE },
	{ "позначка часу", K_KNOWN, 1, 3, F_GOOGLE },
	{ "отметка времени", K_KNOWN, 1, 3, F_GOOGLE },
	{ "email address", IMP_EMAIL, 1, 2, F_GOOGLE },
	{ "адреса електронної пошти", IMP_EMAIL, 1, 2, F_GOOGLE },
	{ "адрес электронной почты", IMP_EMAIL, 1, 2, F_GOOGLE },
	{ "score", K_KNOWN, 1, 1, F_GOOGLE },
	{ "бали", K_KNOWN, 1, 1, F_GOOGLE },
	/* Everyone's lists (Excel tables, form questions), Ukrainian, English, Russian */
	{ "name", IMP_FULL_NAME, 2, 0, F_ALL },
	{ "full name", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "fullname", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "participant", IMP_FULL_NAME, 2, 0, F_ALL },
	{ "імя та прізвище", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "імя і прізвище", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "імя прізвище", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "повне імя", IMP_FULL_NAME, 1, 0, F_ALL },
	{ "ваше імя", IMP_FULL_NAME, 2, 0, F_ALL },
	{ "учасник", IMP_FULL_NAME, 2, 0, F_ALL },
	{ "прізвище та імя", K_FULL_FF, 1, 0, F_ALL },
	{ "прізвище і імя", K_FULL_FF, 1, 0, F_ALL },
	{ "прізвище імя", K_FULL_FF, 1, 0, F_ALL },
	{ "піб", K_FULL_FF, 1, 0, F_ALL },
	{ "прізвище імя по батькові", K_FULL_FF, 1, 0, F_ALL },
	{ "прізвище імя та по батькові", K_FULL_FF, 1, 0, F_ALL },
	{ "фио", K_FULL_FF, 1, 0, F_ALL },
	{ "фамилия имя", K_FULL_FF, 1, 0, F_ALL },
	{ "фамилия и имя", K_FULL_FF, 1, 0, F_ALL },
	{ "фамилия имя отчество", K_FULL_FF, 1, 0, F_ALL },
	{ "імя", IMP_GIVEN, 1, 0, F_ALL },
	{ "имя", IMP_GIVEN, 1, 0, F_ALL },
	{ "first name", IMP_GIVEN, 1, 0, F_ALL },
	{ "firstname", IMP_GIVEN, 1, 0, F_ALL },
	{ "given name", IMP_GIVEN, 1, 0, F_ALL },
	{ "прізвище", IMP_FAMILY, 1, 0, F_ALL },
	{ "фамилия", IMP_FAMILY, 1, 0, F_ALL },
	{ "last name", IMP_FAMILY, 1, 0, F_ALL },
	{ "lastname", IMP_FAMILY, 1, 0, F_ALL },
	{ "surname", IMP_FAMILY, 1, 0, F_ALL },
	{ "family name", IMP_FAMILY, 1, 0, F_ALL },
	{ "email", IMP_EMAIL, 1, 0, F_ALL },
	{ "e mail", IMP_EMAIL, 1, 0, F_ALL },
	{ "email address", IMP_EMAIL, 1, 0, F_ALL },
	{ "e mail address", IMP_EMAIL, 1, 0, F_ALL },
	{ "mail", IMP_EMAIL, 2, 0, F_ALL },
	{ "адреса електронної пошти", IMP_EMAIL, 1, 0, F_ALL },
	{ "електронна пошта", IMP_EMAIL, 1, 0, F_ALL },
	{ "електронна адреса", IMP_EMAIL, 1, 0, F_ALL },
	{ "ел пошта", IMP_EMAIL, 1, 0, F_ALL },
	{ "ел адреса", IMP_EMAIL, 1, 0, F_ALL },
	{ "пошта", IMP_EMAIL, 2, 0, F_ALL },
	{ "емейл", IMP_EMAIL, 1, 0, F_ALL },
	{ "імейл", IMP_EMAIL, 1, 0, F_ALL },
	{ "электронная почта", IMP_EMAIL, 1, 0, F_ALL },
	{ "organization", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "organisation", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "company", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "company name", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "affiliation", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "employer", IMP_ORGANIZATION, 2, 0, F_ALL },
	{ "організація", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "компанія", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "організація компанія", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "місце роботи", IMP_ORGANIZATION, 2, 0, F_ALL },
	{ "установа", IMP_ORGANIZATION, 2, 0, F_ALL },
	{ "заклад", IMP_ORGANIZATION, 2, 0, F_ALL },
	{ "организация", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "компания", IMP_ORGANIZATION, 1, 0, F_ALL },
	{ "category", IMP_CATEGORY, 1, 0, F_ALL },
	{ "participant type", IMP_CATEGORY, 1, 0, F_ALL },
	{ "role", IMP_CATEGORY, 2, 0, F_ALL },
	{ "категорія", IMP_CATEGORY, 1, 0, F_ALL },
	{ "тип учасника", IMP_CATEGORY, 1, 0, F_ALL },
	{ "роль", IMP_CATEGORY, 2, 0, F_ALL },
	{ "категория", IMP_CATEGORY, 1, 0, F_ALL },
	{ "ticket type", K_PRODUCT, 2, 0, F_ALL },
	{ "тип квитка", K_PRODUCT, 2, 0, F_ALL },
	{ "квиток", K_PRODUCT, 2, 0, F_ALL },
	{ "language", IMP_LANG, 1, 0, F_ALL },
	{ "lang", IMP_LANG, 1, 0, F_ALL },
	{ "мова", IMP_LANG, 1, 0, F_ALL },
	{ "мова спілкування", IMP_LANG, 1, 0, F_ALL },
	{ "язык", IMP_LANG, 1, 0, F_ALL },
	{ "status", IMP_STATUS, 1, 0, F_ALL },
	{ "статус", IMP_STATUS, 1, 0, F_ALL },
	{ "external id", IMP_EXTERNAL_ID, 1, 0, F_ALL },
	{ "id", IMP_EXTERNAL_ID, 2, 0, F_ALL },
	{ "ідентифікатор", IMP_EXTERNAL_ID, 2, 0, F_ALL },
	{ "ticket code", IMP_TICKET_CODE, 1, 0, F_ALL },
	{ "code", IMP_TICKET_CODE, 2, 0, F_ALL },
	{ "barcode", IMP_TICKET_CODE, 2, 0, F_ALL },
	{ "qr code", IMP_TICKET_CODE, 2, 0, F_ALL },
	{ "код квитка", IMP_TICKET_CODE, 1, 0, F_ALL },
	{ "код", IMP_TICKET_CODE, 2, 0, F_ALL },
	{ "штрихкод", IMP_TICKET_CODE, 2, 0, F_ALL },
};

/* ---- 2. field names and problem texts --------------------------------------------------- */

static const char *const field_names[IMP_FIELD_COUNT] = {
	[IMP_IGNORE] = "ignore",
	[IMP_EXTERNAL_ID] = "external_id",
	[IMP_TICKET_CODE] = "ticket_code",
	[IMP_GIVEN] = "given_name",
	[IMP_FAMILY] = "family_name",
	[IMP_FULL_NAME] = "name",
	[IMP_ORGANIZATION] = "organization",
	[IMP_CATEGORY] = "category",
	[IMP_EMAIL] = "email",
	[IMP_LANG] = "language",
	[IMP_STATUS] = "status",
};

/* The name --map accepts for f ("given_name"); "" for a value out of range. */
const char *import_field_name(enum import_field f)
{
	if ((int)f < 0 || f >= IMP_FIELD_COUNT)
		return "";
	return field_names[f];
}

static void hdr_norm(const char *s, char *out, size_t cap);

/* The field a --map name means, or -1. Accepts the names of import_field_name() in any
 * case, with spaces or dashes for underscores, and a few words people use instead
 * ("first_name", "company", "id"); "ignore", "skip" or "-" drop a column. */
int import_field_parse(const char *name)
{
	static const struct { const char *word; int field; } extra[] = {
		{ "skip", IMP_IGNORE }, { "none", IMP_IGNORE }, { "id", IMP_EXTERNAL_ID },
		{ "code", IMP_TICKET_CODE }, { "given", IMP_GIVEN }, { "first name", IMP_GIVEN },
		{ "first", IMP_GIVEN }, { "family", IMP_FAMILY }, { "last name", IMP_FAMILY },
		{ "last", IMP_FAMILY }, { "surname", IMP_FAMILY }, { "full name", IMP_FULL_NAME },
		{ "org", IMP_ORGANIZATION }, { "company", IMP_ORGANIZATION },
		{ "organisation", IMP_ORGANIZATION }, { "e mail", IMP_EMAIL },
		{ "mail", IMP_EMAIL }, { "lang", IMP_LANG },
	};
	char h[64], f[64];

	if (!name)
		return -1;
	text_copy(h, sizeof h, name);
	text_trim(h);
	if (strcmp(h, "-") == 0)
		return IMP_IGNORE;
	hdr_norm(name, h, sizeof h);
	if (!h[0])
		return -1;
	for (int i = 0; i < IMP_FIELD_COUNT; i++) {
		hdr_norm(field_names[i], f, sizeof f);
		if (strcmp(h, f) == 0)
			return i;
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (strcmp(h, extra[i].word) == 0)
			return extra[i].field;
	return -1;
}

/* What each problem means and what to do (English msgids). Sized by its last row, so the
 * assertion catches a reason added at the end without its text (test_i18n catches a hole). */
static const char *const reason_texts[] = {
	[IMP_R_NO_NAME] = N_("row without a name, skipped: add a name or delete the row"),
	[IMP_R_BAD_QUOTES] = N_("a quote opens here and never closes, so the row was skipped:"
		" fix the quotes in this row and import again"),
	[IMP_R_TOO_LONG] = N_("a value is too long and was cut: shorten it in the list if the cut"
		" matters"),
	[IMP_R_BAD_UTF8] = N_("unreadable characters were replaced with \xEF\xBF\xBD: save the file"
		" as \"CSV UTF-8\" and import again"),
	[IMP_R_DUPLICATE] = N_("the same person (id or email) as an earlier row, skipped: the earlier"
		" row was imported; remove one of the two"),
	[IMP_R_BAD_EMAIL] = N_("not an email address, imported without it: correct the address and"
		" import again"),
	[IMP_R_COLUMNS] = N_("the number of fields differs from the header (a stray comma,"
		" semicolon or quote?): check this row"),
	[IMP_R_NOT_UTF8] = N_("this line is not UTF-8 text (pasted from a Windows-1251 file?) and was"
		" not imported: retype its letters, save the list as \"CSV UTF-8\" and"
		" import again"),
	[IMP_R_CODE_TAKEN] = N_("this ticket code already belongs to another participant, imported"
		" without it: check the codes in the list"),
};
_Static_assert(sizeof reason_texts / sizeof reason_texts[0] == IMP_R_COUNT, "one text per reason");

const char *import_reason_text_in(int lang, int reason)
{
	if (reason < 0 || reason >= IMP_R_COUNT || !reason_texts[reason])
		return i18n_tr(lang, "unknown problem");
	return i18n_tr(lang, reason_texts[reason]);
}

const char *import_reason_text(int reason)
{
	return import_reason_text_in(i18n_lang(), reason);
}

/* ---- 3. the importer's state, the report and its problems ------------------------------- */

struct cell {
	uint32_t off, len; /* in the row arena; len <= IMP_FIELD_KEEP */
	int cut;           /* the field was longer than IMP_FIELD_KEEP */
};

struct col {
	unsigned char kind, prio;
};

struct map {
	char hdr[IMP_HDR];
	int kind;
	int used;
	const char *text; /* as the user wrote it, for messages */
};

/* A set of nonzero 64-bit values (registration ids, hashes of keys): open addressing,
 * linear probing, at most half full, so a row costs one probe and 100,000 rows stay
 * linear. Capped at IMP_SET_MAX slots. */
struct u64set {
	uint64_t *slot;
	size_t cap, n;
};

struct warning {
	int reason;
	char detail[sizeof ((struct import_problem *)0)->detail];
};

struct imp {
	db *d;
	const struct import_opts *o;
	struct import_report *rep;
	char *why;
	size_t why_len;
	int rc;               /* the first fatal error: stops everything */
	int fmt;              /* the format's bit */
	int forced_fmt;       /* 0 = guess */
	int need_fix;         /* the text may hold bad UTF-8 or NUL bytes */
	int in_tx;
	int64_t batch;        /* the import's batch (db_import_begin), 0 in a dry run */
	int chunk_rows;       /* rows written in the current short transaction */
	char now[32];

	/* the text being parsed and libcsv */
	const char *data;
	size_t len;
	char term;            /* the physical line end: '\n', or '\r' for old Mac files */
	char delim;
	struct csv_parser parser;
	size_t chunk_off;     /* where the line being fed starts */
	int cur_line;         /* its number */
	int awaiting_row;     /* no byte of the next row seen yet */
	size_t row_off;       /* where the line holding the current row's start begins */
	int row_line;
	size_t rescanned, rescan_budget;

	/* the row being read: its fields in an arena that grows to what the widest row needs
	 * (at most IMP_MAX_COLS * (IMP_FIELD_KEEP + 1)); most lists never pass a few KB */
	char *arena;
	size_t arena_len, arena_cap;
	struct cell cells[IMP_MAX_COLS];
	int nf;               /* fields in the row, also those past IMP_MAX_COLS */
	int extra_nonempty;   /* a field past the header's columns holds something */

	/* the header */
	int header_done;
	int title_rows;
	char first_headers[640]; /* the first candidate header row, for messages */
	int ncols;            /* fields of the header row */
	int ncols_eff;        /* up to its last named column */
	struct col cols[IMP_MAX_COLS];
	char (*hnorm)[IMP_HDR]; /* one per column of the widest candidate header row so far,
				 * written before they are read */
	int hnorm_cap;
	int has[K_COUNT];     /* a column of that kind exists */
	struct map *maps;
	int n_maps;

	/* values of the current row, per kind (K_FULL_FF shares IMP_FULL_NAME's slot) */
	char val[K_COUNT][IMP_VAL];
	int vcut[K_COUNT];
	int vcol[K_COUNT];
	int full_ff;          /* the full name came from a family-first column */
	struct warning warn[IMP_ROW_WARN];
	int nwarn;
	struct db_registration in, old, cur, other;

	struct u64set seen;   /* ids of the registrations this import touched */
	int fresh;            /* the event had no registrations when the import began */
	int64_t next_number;  /* with fresh: the number the next new registration gets */
	struct u64set keys;   /* with fresh: hashes of every id, email and code written */
	int prob_cap;
};

static void say(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

static void fail(struct imp *im, int rc)
{
	if (!im->rc)
		im->rc = rc;
}

static void db_failed(struct imp *im, int rc)
{
	if (im->rc)
		return;
	/* The caller needs "the database failed", not which constraint: a trigger or a
	 * full disk mean the same to an organizer. */
	im->rc = rc == VK_ERR_NOMEM ? VK_ERR_NOMEM : VK_ERR_DB;
	say(im->why, im->why_len, _("database error while importing (%s): nothing was saved"),
	    vk_strerror(rc));
}

/* Records a problem. The list keeps the first IMPORT_MAX_PROBLEMS; the total counts all.
 * The list is best effort: when memory for it runs out the problem is only counted. */
static void add_problem(struct imp *im, int line, int reason, int skipped, const char *detail)
{
	struct import_report *rep = im->rep;
	struct import_problem *p;

	rep->problems_total++;
	if (rep->n_problems >= IMPORT_MAX_PROBLEMS)
		return;
	if (rep->n_problems == im->prob_cap) {
		int cap = im->prob_cap ? im->prob_cap * 2 : 32;
		if (cap > IMPORT_MAX_PROBLEMS)
			cap = IMPORT_MAX_PROBLEMS;
		p = realloc(rep->problems, (size_t)cap * sizeof *p);
		if (!p)
			return;
		rep->problems = p;
		im->prob_cap = cap;
	}
	p = &rep->problems[rep->n_problems++];
	p->line = line;
	p->reason = reason;
	p->skipped = skipped;
	text_copy(p->detail, sizeof p->detail, detail ? detail : "");
}

static void warn(struct imp *im, int reason, const char *detail)
{
	if (im->nwarn >= IMP_ROW_WARN)
		return;
	im->warn[im->nwarn].reason = reason;
	text_copy(im->warn[im->nwarn].detail, sizeof im->warn[0].detail, detail);
	im->nwarn++;
}

/* The row is not imported: one problem, its warnings dropped (they would be noise). */
static void skip_row(struct imp *im, int reason, const char *detail)
{
	im->rep->skipped++;
	im->nwarn = 0;
	add_problem(im, im->row_line, reason, 1, detail);
}

static void flush_warnings(struct imp *im)
{
	for (int i = 0; i < im->nwarn; i++)
		add_problem(im, im->row_line, im->warn[i].reason, 0, im->warn[i].detail);
	im->nwarn = 0;
}

static size_t u64set_home(uint64_t v, size_t cap)
{
	/* Fibonacci hashing spreads sequential ids over the table. */
	return (size_t)((v * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

/* 1 when v is in the set. */
static int u64set_has(const struct u64set *s, uint64_t v)
{
	if (!s->cap)
		return 0;
	for (size_t i = u64set_home(v, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == v)
			return 1;
	return 0;
}

/* Adds v (nonzero). Returns 1 when it was there already, 0 when added, VK_ERR_NOMEM. */
static int u64set_add(struct u64set *s, uint64_t v)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *t;
		if (cap > IMP_SET_MAX)
			return VK_ERR_NOMEM;
		t = calloc(cap, sizeof *t);
		if (!t)
			return VK_ERR_NOMEM;
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->slot[j])
				continue;
			for (i = u64set_home(s->slot[j], cap); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = t;
		s->cap = cap;
	}
	for (i = u64set_home(v, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == v)
			return 1;
	s->slot[i] = v;
	s->n++;
	return 0;
}

/* FNV-1a of a key kind ('e' id, 'm' email, 't' ticket code) and its text; never 0. */
static uint64_t key_hash(char kind, const char *s)
{
	uint64_t h = (14695981039346656037ull ^ (unsigned char)kind) * 1099511628211ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* Frees what import_csv_*() put into rep; rep may be reused after. */
void import_report_free(struct import_report *rep)
{
	if (!rep)
		return;
	free(rep->problems);
	rep->problems = NULL;
	rep->n_problems = 0;
}

/* ---- 4. bytes: encoding, line ends and delimiter ---------------------------------------- */

/* Cleans len bytes into out (capacity cap >= len + 1, or IMP_VAL when fix is set):
 * with fix, NULs and bytes that are not UTF-8 become U+FFFD first; then text_clean()
 * makes the stored form: invisible and bidi control characters dropped, control
 * characters, line breaks and odd spaces one space, ends trimmed, letters with a
 * combining mark composed (NFC). Returns the number of bytes replaced. */
static size_t clean_text(const char *s, size_t len, int fix, char *out, size_t cap)
{
	char fixed[IMP_VAL];
	size_t bad = 0;

	if (fix) {
		bad = text_utf8_fix(fixed, sizeof fixed, s, len);
		s = fixed;
		len = strlen(fixed);
	}
	text_clean(out, cap, s, len);
	return bad;
}

/* Picks the physical line end: the first line break in the file decides, so a file
 * saved by an old Mac (CR only) still gets line numbers. */
static char line_end(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			return '\n';
		if (p[i] == '\r')
			return i + 1 < n && p[i + 1] == '\n' ? '\n' : '\r';
	}
	return '\n';
}

/* An Excel hint on the first line: "sep=;". Returns the delimiter and the length of the
 * line (with its end), or 0. */
static char sep_line(const char *p, size_t n, size_t *skip)
{
	size_t i = 0;
	char c;

	if (n >= 1 && p[0] == '"')
		i = 1;
	if (n < i + 5 || strncasecmp(p + i, "sep=", 4) != 0)
		return 0;
	c = p[i + 4];
	if (c != ',' && c != ';' && c != '\t' && c != '|')
		return 0;
	i += 5;
	if (i < n && p[i] == '"')
		i++;
	if (i < n && p[i] != '\r' && p[i] != '\n')
		return 0;
	if (i < n && p[i] == '\r')
		i++;
	if (i < n && p[i] == '\n')
		i++;
	*skip = i;
	return c;
}

/* The delimiter: for comma, semicolon and tab, the most found on one line outside
 * quotes among the first ten lines that have any; the header line usually has the most.
 * A title line above the header ("Список учасників, 2025") cannot outvote it. Ties go to
 * the comma. */
static char detect_delim(const char *p, size_t n)
{
	static const char cand[3] = { ',', ';', '\t' };
	int best[3] = { 0 }, cnt[3] = { 0 }, lines = 0, inq = 0;
	size_t lim = n < 262144 ? n : 262144;

	for (size_t i = 0; i <= lim && lines < 10; i++) {
		char c = i < lim ? p[i] : '\n';
		if (c == '"') {
			inq = !inq;
		} else if (!inq && (c == '\n' || c == '\r')) {
			if (cnt[0] || cnt[1] || cnt[2])
				lines++;
			for (int k = 0; k < 3; k++) {
				if (cnt[k] > best[k])
					best[k] = cnt[k];
				cnt[k] = 0;
			}
		} else if (!inq) {
			for (int k = 0; k < 3; k++)
				cnt[k] += c == cand[k];
		}
	}
	if (best[1] > best[0] && best[1] >= best[2])
		return ';';
	if (best[2] > best[0] && best[2] > best[1])
		return '\t';
	return ',';
}

/* ---- 5. the header row ------------------------------------------------------------------- */

/* The comparison form of a header: folded (lower case, apostrophes dropped, see
 * text_fold), then every character that is neither letter nor digit made a space:
 * ASCII punctuation, Latin-1 symbols (U+0080..U+00BF), general punctuation and symbols
 * (U+2000..U+2FFF: dashes, quotes, №) and a stray BOM; runs of spaces one, trimmed. */
static void hdr_norm(const char *s, char *out, size_t cap)
{
	char f[IMP_HDR * 2];
	size_t n = text_fold(s, f, sizeof f), o = 0;
	int sp = 0;

	for (size_t i = 0; i < n && o + 1 < cap;) {
		unsigned char c = (unsigned char)f[i];
		size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		int letter;
		if (i + k > n)
			break;
		if (c < 0x80)
			letter = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				 (c >= 'A' && c <= 'Z');
		else if (c == 0xC2)
			letter = 0;
		else if (c == 0xE2)
			letter = 0;
		else if (c == 0xEF && (unsigned char)f[i + 1] == 0xBB &&
			 (unsigned char)f[i + 2] == 0xBF)
			letter = 0;
		else
			letter = 1;
		if (!letter) {
			sp = 1;
			i += k;
			continue;
		}
		if (sp && o) {
			if (o + 2 >= cap)
				break;
			out[o++] = ' ';
		}
		sp = 0;
		if (o + k + 1 > cap)
			break;
		memcpy(out + o, f + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

static const struct synonym *vocab_find(const char *h, int fmt)
{
	for (size_t i = 0; i < sizeof vocab / sizeof vocab[0]; i++)
		/* the first byte first: a header row of hundreds of columns meets a vocabulary
		 * of hundreds of names once per format */
		if ((vocab[i].fmts & fmt) && vocab[i].hdr[0] == h[0] && strcmp(vocab[i].hdr, h) == 0)
			return &vocab[i];
	return NULL;
}

static int has_word(const char *h, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = strstr(h, w); p; p = strstr(p + 1, w))
		if ((p == h || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* A full-name header that puts the family name first: ПІБ, ФИО, "Прізвище та ім'я". */
static int family_first(const char *h)
{
	const char *fam = strstr(h, "прізвищ"), *giv = strstr(h, "імя");

	if (has_word(h, "піб") || has_word(h, "фио"))
		return 1;
	if (!fam) {
		fam = strstr(h, "фамили");
		giv = strstr(h, "имя");
	}
	return fam && (!giv || fam < giv);
}

/* A last chance for a header no vocabulary knows, by the words in it: form questions
 * like "Вкажіть ваше ім'я та прізвище (як на бейджі)". */
static int fuzzy_kind(const char *h)
{
	const char *fam = strstr(h, "прізвищ"), *giv = strstr(h, "імя");

	if (strstr(h, "mail") || strstr(h, "пошт") || strstr(h, "почт"))
		return IMP_EMAIL;
	if (strstr(h, "компан") || strstr(h, "організац") || strstr(h, "организац") ||
	    strstr(h, "company") || strstr(h, "organi") || strstr(h, "affiliation") ||
	    strstr(h, "місце роботи"))
		return IMP_ORGANIZATION;
	if (has_word(h, "піб") || has_word(h, "фио"))
		return K_FULL_FF;
	if (fam && giv)
		return fam < giv ? K_FULL_FF : IMP_FULL_NAME;
	if (fam || strstr(h, "surname") || strstr(h, "last name") || strstr(h, "family name"))
		return IMP_FAMILY;
	if (giv || strstr(h, "first name") || strstr(h, "given name"))
		return IMP_GIVEN;
	if (strstr(h, "full name"))
		return IMP_FULL_NAME;
	if (strstr(h, "категор") || strstr(h, "category"))
		return IMP_CATEGORY;
	if (has_word(h, "мова") || strstr(h, "language"))
		return IMP_LANG;
	return IMP_IGNORE;
}

static int is_name_kind(int k)
{
	return k == IMP_GIVEN || k == IMP_FAMILY || k == IMP_FULL_NAME || k == K_FULL_FF;
}

/* Fills im->cols for format fmt from the normalised headers of n columns. */
static void map_columns(struct imp *im, int n, int fmt)
{
	int fuzzy_col[K_COUNT];

	memset(im->has, 0, sizeof im->has);
	for (int j = 0; j < n; j++) {
		const struct synonym *s = im->hnorm[j][0] ? vocab_find(im->hnorm[j], fmt) : NULL;
		im->cols[j].kind = s ? s->kind : IMP_IGNORE;
		im->cols[j].prio = s ? s->prio : 0;
		im->has[im->cols[j].kind] = 1;
	}
	/* Headers no vocabulary knows may still say what they hold; the shortest one
	 * per field wins (questions are long, the plain "Ваша пошта" is short), and only
	 * for fields no known header filled. */
	for (int k = 0; k < K_COUNT; k++)
		fuzzy_col[k] = -1;
	for (int j = 0; j < n; j++) {
		int k;
		if (im->cols[j].kind != IMP_IGNORE || !im->hnorm[j][0])
			continue;
		k = fuzzy_kind(im->hnorm[j]);
		if (k == IMP_IGNORE || im->has[k] ||
		    (k == IMP_FULL_NAME && im->has[K_FULL_FF]) ||
		    (k == K_FULL_FF && im->has[IMP_FULL_NAME]))
			continue;
		if (fuzzy_col[k] < 0 || strlen(im->hnorm[j]) < strlen(im->hnorm[fuzzy_col[k]]))
			fuzzy_col[k] = j;
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (fuzzy_col[k] < 0)
			continue;
		im->cols[fuzzy_col[k]].kind = (unsigned char)k;
		im->cols[fuzzy_col[k]].prio = 9;
		im->has[k] = 1;
	}
}

static int score_format(struct imp *im, int n, int fmt)
{
	int score = 0;
	for (int j = 0; j < n; j++) {
		const struct synonym *s = im->hnorm[j][0] ? vocab_find(im->hnorm[j], fmt) : NULL;
		if (s)
			score += s->weight;
	}
	return score;
}

/* Appends s to a comma-separated list in out (capacity cap), cut whole. */
static void list_add(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);
	if (n + 4 >= cap)
		return;
	if (n) {
		memcpy(out + n, ", ", 2);
		n += 2;
	}
	text_copy(out + n, cap - n, s);
}

/* The header names as written (cleaned), comma-separated, for messages. */
static void header_list(struct imp *im, int n, char *out, size_t cap)
{
	char h[96];

	out[0] = '\0';
	for (int j = 0; j < n; j++) {
		clean_text(im->arena + im->cells[j].off, im->cells[j].len, 1, h, sizeof h);
		if (h[0])
			list_add(out, cap, h);
	}
}

static void fail_no_name(struct imp *im)
{
	fail(im, VK_ERR_INVALID);
	say(im->why, im->why_len,
	    _("No column with the participants' names was found. Columns in the file: %s.\n"
	       "Expected: name, or given_name and family_name (pretix: \"Attendee name\";"
	       " Eventbrite: \"First Name\", \"Last Name\"; Google Forms: \"Ім'я\","
	       " \"Прізвище\" or \"ПІБ\").\n"
	       "If the names are in another column, say which: --map 'Your header=name'."),
	    im->first_headers[0] ? im->first_headers : "-");
}

/* Handles a row while no header has been accepted. */
static void header_row(struct imp *im)
{
	int n = im->nf < IMP_MAX_COLS ? im->nf : IMP_MAX_COLS, nonempty = 0, last = -1;
	int has_name = 0;

	if (n > im->hnorm_cap) {
		void *p = realloc(im->hnorm, (size_t)n * sizeof *im->hnorm);
		if (!p) {
			fail(im, VK_ERR_NOMEM);
			return;
		}
		im->hnorm = p;
		im->hnorm_cap = n;
	}
	for (int j = 0; j < n; j++) {
		hdr_norm(im->arena + im->cells[j].off, im->hnorm[j], IMP_HDR);
		if (im->hnorm[j][0]) {
			nonempty++;
			last = j;
		}
	}
	if (!nonempty)
		return;
	if (!im->first_headers[0])
		header_list(im, n, im->first_headers, sizeof im->first_headers);

	im->fmt = im->forced_fmt;
	if (!im->fmt) {
		int best = -1;
		for (int f = 0; f < N_FORMATS; f++) {
			int s = score_format(im, n, formats[f].bit);
			if (s > best) {
				best = s;
				im->fmt = formats[f].bit;
			}
		}
	}
	map_columns(im, n, im->fmt);

	/* --map overrides: the user knows their file. */
	for (int m = 0; m < im->n_maps; m++) {
		im->maps[m].used = 0;
		for (int j = 0; j < n; j++) {
			int k = im->maps[m].kind;
			if (strcmp(im->hnorm[j], im->maps[m].hdr) != 0)
				continue;
			if (k == IMP_FULL_NAME && family_first(im->hnorm[j]))
				k = K_FULL_FF;
			im->cols[j].kind = (unsigned char)k;
			im->cols[j].prio = 0;
			im->has[k] = 1;
			im->maps[m].used = 1;
			break;
		}
	}
	for (int j = 0; j < n; j++)
		has_name |= is_name_kind(im->cols[j].kind);

	if (!has_name && nonempty <= 1 && im->title_rows < IMP_MAX_TITLE_ROWS) {
		/* "Список учасників" above the real header. */
		im->title_rows++;
		return;
	}
	for (int m = 0; m < im->n_maps; m++) {
		if (im->maps[m].used)
			continue;
		fail(im, VK_ERR_INVALID);
		say(im->why, im->why_len,
		    _("--map '%s': the file has no such column. Columns in the file: %s."),
		    im->maps[m].text, im->first_headers);
		return;
	}
	if (!has_name) {
		fail_no_name(im);
		return;
	}

	im->header_done = 1;
	im->ncols = im->nf;
	im->ncols_eff = last + 1;
	for (int f = 0; f < N_FORMATS; f++)
		if (formats[f].bit == im->fmt)
			text_copy(im->rep->format, sizeof im->rep->format, formats[f].name);
	for (int j = 0; j < n; j++) {
		char h[96];
		if (im->cols[j].kind != IMP_IGNORE && im->cols[j].kind != K_KNOWN)
			continue;
		clean_text(im->arena + im->cells[j].off, im->cells[j].len, 1, h, sizeof h);
		if (h[0])
			list_add(im->rep->unmapped, sizeof im->rep->unmapped, h);
	}
	/* A real import writes in short transactions (see write_chunk) and holds the import
	 * lock meanwhile, so no other process takes it for a dead import and undoes it. */
	int rc = im->o->dry_run ? VK_OK : db_import_running(im->d);
	if (rc == VK_OK)
		rc = db_begin(im->d);
	if (rc) {
		db_failed(im, rc);
		return;
	}
	im->in_tx = 1;
	if (!im->o->dry_run) {
		rc = db_import_begin(im->d, im->o->event_id, &im->batch);
		if (rc) {
			db_failed(im, rc);
			return;
		}
		/* other writers (walk-ins at the door) may add registrations between our
		 * chunks: no shortcut that assumes the event holds only what we wrote */
		im->fresh = 0;
	} else {
		/* A dry run is one transaction, rolled back: "empty" stays true inside it. */
		im->fresh = db_reg_count(im->d, im->o->event_id, 0) == 0;
	}
	im->next_number = 1;
}

/* Rows per short transaction of a real import: a few hundred keep each one to some tens
 * of milliseconds, which is all a check-in at the door may have to wait. */
#define IMP_CHUNK 400

/* Ends the current short transaction after IMP_CHUNK rows and begins the next one. The
 * pause between them gives a waiting check-in the lock: SQLite's locks are not a fair
 * queue, and an importer that begins again at once would win every time. */
static void write_chunk(struct imp *im)
{
	int rc;
	if (!im->batch || im->rc || ++im->chunk_rows < IMP_CHUNK)
		return;
	im->chunk_rows = 0;
	rc = db_commit(im->d);
	if (rc) {
		db_failed(im, rc);
		return;
	}
	im->in_tx = 0;
	/* No other process can be waiting on a database held in memory. */
	if (strcmp(db_path(im->d), ":memory:") != 0)
		usleep(4000);
	rc = db_begin(im->d);
	if (rc) {
		db_failed(im, rc);
		return;
	}
	im->in_tx = 1;
}

/* ---- 6. a data row ------------------------------------------------------------------------ */

/* Chooses, for each field, the column that fills it in this row (the best priority
 * whose cell is not empty) and cleans its value into im->val. Returns the number of
 * bytes that had to be replaced. */
static size_t pick_values(struct imp *im, int n, const char **bad_value)
{
	size_t bad = 0;

	for (int k = 0; k < K_COUNT; k++) {
		im->vcol[k] = -1;
		im->val[k][0] = '\0';
		im->vcut[k] = 0;
	}
	im->full_ff = 0;
	if (n > im->ncols)
		n = im->ncols < IMP_MAX_COLS ? im->ncols : IMP_MAX_COLS;
	for (int j = 0; j < n; j++) {
		int k = im->cols[j].kind;
		if (k == IMP_IGNORE || k == K_KNOWN || im->cells[j].len == 0)
			continue;
		if (k == K_FULL_FF)
			k = IMP_FULL_NAME;
		if (im->vcol[k] < 0 || im->cols[j].prio < im->cols[im->vcol[k]].prio)
			im->vcol[k] = j;
	}
	for (int k = 0; k < K_COUNT; k++) {
		int j = im->vcol[k];
		size_t b;
		if (j < 0)
			continue;
		b = clean_text(im->arena + im->cells[j].off, im->cells[j].len, im->need_fix,
			       im->val[k], IMP_VAL);
		im->vcut[k] = im->cells[j].cut;
		if (k == IMP_FULL_NAME)
			im->full_ff = im->cols[j].kind == K_FULL_FF;
		if (b && !bad)
			*bad_value = im->val[k];
		bad += b;
	}
	return bad;
}

/* Copies v into a database field, warning when it does not fit (or was already cut). */
static void put_field(struct imp *im, char *dst, size_t cap, const char *v, int cut)
{
	if (cut || strlen(v) >= cap)
		warn(im, IMP_R_TOO_LONG, v);
	text_copy(dst, cap, v);
}

/* Splits a full name into given and family names: at the last space ("Olena Kovalenko
 * Shevchuk" gives "Olena Kovalenko" + "Shevchuk"), or, for family-first columns (ПІБ),
 * after the first word ("Шевченко Тарас Григорович" gives family "Шевченко"). A comma
 * is the catalogue convention "Family, Given" in any column. given and family have room
 * for full (IMP_VAL). */
static void split_name(const char *full, int ff, char *given, char *family)
{
	const char *comma = strchr(full, ','), *sp;

	if (comma) {
		memcpy(family, full, (size_t)(comma - full));
		family[comma - full] = '\0';
		strcpy(given, comma + 1);
		text_trim(family);
		text_trim(given);
		/* "Шевченко,Тарас," leaves a comma in given: drop what is left of them */
		for (char *p = given; (p = strchr(p, ',')) != NULL;)
			memmove(p, p + 1, strlen(p));
		text_trim(given);
		if (given[0] || family[0])
			return;
	}
	sp = ff ? strchr(full, ' ') : strrchr(full, ' ');
	if (!sp) {
		strcpy(given, full);
		family[0] = '\0';
		return;
	}
	if (ff) {
		strcpy(given, sp + 1);
		memcpy(family, full, (size_t)(sp - full));
		family[sp - full] = '\0';
	} else {
		strcpy(family, sp + 1);
		memcpy(given, full, (size_t)(sp - full));
		given[sp - full] = '\0';
	}
}

/* 1 when the status words of any format mean the ticket is not valid: pretix
 * "canceled"/"c"/"expired", Eventbrite "Not Attending"/"Refunded"/"Deleted", vkhid
 * "cancelled", and Ukrainian or Russian "Скасовано"/"Отменен". */
static int status_cancelled(const char *v)
{
	static const char *const prefixes[] = {
		"cancel", "not attending", "refund", "expired", "deleted", "void", "declin",
		"inactive", "скасов", "відмін", "відхил", "повернен", "анул", "отмен",
		"возврат",
	};
	char f[64];

	text_fold(v, f, sizeof f);
	if (strcmp(f, "c") == 0 || strcmp(f, "e") == 0)
		return 1;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(f, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* "uk" or "en" from what people write in a language column; "" for anything else. */
static void parse_lang(const char *v, char *out, size_t cap)
{
	static const char *const uk[] = { "uk", "ua", "укр", "ukrain", "украин" };
	static const char *const en[] = { "en", "англ", "англий", "english" };
	char f[64];

	text_fold(v, f, sizeof f);
	text_copy(out, cap, "");
	for (size_t i = 0; i < sizeof uk / sizeof uk[0]; i++)
		if (strncmp(f, uk[i], strlen(uk[i])) == 0)
			text_copy(out, cap, "uk");
	for (size_t i = 0; i < sizeof en / sizeof en[0]; i++)
		if (strncmp(f, en[i], strlen(en[i])) == 0)
			text_copy(out, cap, "en");
}

/* A plausible address: one @, something before it, a dot inside the domain, no spaces
 * or characters mail programs reject. Not RFC 5322; it catches "так", "-" and typos. */
static int email_ok(const char *e)
{
	const char *at = strchr(e, '@'), *dot;

	if (!at || at == e || strchr(at + 1, '@'))
		return 0;
	dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1] || strstr(e, ".."))
		return 0;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\",;:<>()[]\\", *p))
			return 0;
	return 1;
}

static int same_reg(const struct db_registration *a, const struct db_registration *b)
{
	return a->status == b->status && strcmp(a->external_id, b->external_id) == 0 &&
	       strcmp(a->ticket_code, b->ticket_code) == 0 && strcmp(a->given, b->given) == 0 &&
	       strcmp(a->family, b->family) == 0 && strcmp(a->display, b->display) == 0 &&
	       strcmp(a->organization, b->organization) == 0 &&
	       strcmp(a->category, b->category) == 0 && strcmp(a->email, b->email) == 0 &&
	       strcmp(a->lang, b->lang) == 0 && strcmp(a->search_key, b->search_key) == 0;
}

/* The first non-empty cell of the row, cleaned, to show which row a problem is about. */
static void row_hint(struct imp *im, char *out, size_t cap)
{
	int n = im->nf < IMP_MAX_COLS ? im->nf : IMP_MAX_COLS;
	out[0] = '\0';
	for (int j = 0; j < n && !out[0]; j++)
		clean_text(im->arena + im->cells[j].off, im->cells[j].len, 1, out, cap);
}

/* Reads the values of the row into im->in. Returns 0, or 1 when the row was skipped. */
static int row_to_registration(struct imp *im)
{
	struct db_registration *in = &im->in;
	char *given = im->val[IMP_GIVEN], *family = im->val[IMP_FAMILY];
	const char *ext = im->val[IMP_EXTERNAL_ID], *order = im->val[K_ORDER];
	const char *bad_value = "";
	int gcut, fcut;
	int n = im->nf < IMP_MAX_COLS ? im->nf : IMP_MAX_COLS;
	char detail[160];

	/* A line that is not UTF-8 in a file that is: pasted from a Windows-1251 file, or
	 * damaged. Its letters cannot be read, so it is not guessed at but reported. */
	if (im->need_fix && strcmp(im->rep->encoding, "windows-1251") != 0) {
		for (int j = 0; j < n; j++) {
			if (text_utf8_valid(im->arena + im->cells[j].off, im->cells[j].len))
				continue;
			clean_text(im->arena + im->cells[j].off, im->cells[j].len, 1, detail,
				   sizeof detail);
			skip_row(im, IMP_R_NOT_UTF8, detail);
			return 1;
		}
	}
	if (pick_values(im, n, &bad_value))
		warn(im, IMP_R_BAD_UTF8, bad_value);
	/* The cut flags of this row: pick_values() has just set them. */
	gcut = im->vcut[IMP_GIVEN];
	fcut = im->vcut[IMP_FAMILY];
	if (im->nf < im->ncols_eff) {
		snprintf(detail, sizeof detail, _("%d of %d fields"), im->nf,
			 im->ncols_eff);
		warn(im, IMP_R_COLUMNS, detail);
	}
	memset(in, 0, sizeof *in);
	in->event_id = im->o->event_id;

	/* pretix numbers positions within an order: "ABC12" position 1 is "ABC12-1". */
	if (im->fmt == F_PRETIX && order[0] && ext[0] && strncmp(ext, order, strlen(order))) {
		char id[sizeof in->external_id + 8];
		size_t lo = strlen(order), le = strlen(ext);
		int cut = im->vcut[K_ORDER] || im->vcut[IMP_EXTERNAL_ID];
		if (lo + 1 + le >= sizeof id) {
			/* far past the column anyway: put_field reports it */
			cut = 1;
			lo = lo < sizeof id - 2 ? lo : sizeof id - 2;
			le = sizeof id - 2 - lo;
		}
		memcpy(id, order, lo);
		id[lo] = '-';
		memcpy(id + lo + 1, ext, le);
		id[lo + 1 + le] = '\0';
		put_field(im, in->external_id, sizeof in->external_id, id, cut);
	} else {
		put_field(im, in->external_id, sizeof in->external_id, ext,
			  im->vcut[IMP_EXTERNAL_ID]);
	}
	put_field(im, in->ticket_code, sizeof in->ticket_code, im->val[IMP_TICKET_CODE],
		  im->vcut[IMP_TICKET_CODE]);

	if (!given[0] && !family[0] && im->val[IMP_FULL_NAME][0]) {
		split_name(im->val[IMP_FULL_NAME], im->full_ff, given, family);
		gcut = fcut = im->vcut[IMP_FULL_NAME];
		/* A cut full name cut the given name in ПІБ order, the family otherwise. */
		if (im->full_ff)
			fcut = 0;
		else
			gcut = 0;
	}
	if (!given[0] && !family[0]) {
		row_hint(im, detail, sizeof detail);
		skip_row(im, IMP_R_NO_NAME, detail);
		return 1;
	}
	put_field(im, in->given, sizeof in->given, given, gcut);
	put_field(im, in->family, sizeof in->family, family, fcut);
	/* given and family are under 128 bytes each: the display (256) always fits. */
	{
		size_t lg = strlen(in->given), lf = strlen(in->family), o = lg;
		memcpy(in->display, in->given, lg);
		if (lg && lf)
			in->display[o++] = ' ';
		memcpy(in->display + o, in->family, lf + 1);
	}

	put_field(im, in->organization, sizeof in->organization, im->val[IMP_ORGANIZATION],
		  im->vcut[IMP_ORGANIZATION]);
	if (im->val[IMP_CATEGORY][0])
		put_field(im, in->category, sizeof in->category, im->val[IMP_CATEGORY],
			  im->vcut[IMP_CATEGORY]);
	else
		put_field(im, in->category, sizeof in->category, im->val[K_PRODUCT],
			  im->vcut[K_PRODUCT]);

	if (im->val[IMP_EMAIL][0]) {
		char *e = im->val[IMP_EMAIL];
		if (strncasecmp(e, "mailto:", 7) == 0)
			memmove(e, e + 7, strlen(e + 7) + 1);
		for (char *p = e; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		/* A bad address identifies nobody: kept, "так" would merge every row of a
		 * form into one person. */
		if (email_ok(e))
			put_field(im, in->email, sizeof in->email, e, im->vcut[IMP_EMAIL]);
		else
			warn(im, IMP_R_BAD_EMAIL, e);
	}
	parse_lang(im->val[IMP_LANG], in->lang, sizeof in->lang);
	in->status = im->val[IMP_STATUS][0] && status_cancelled(im->val[IMP_STATUS]) ?
		     DB_REG_CANCELLED : DB_REG_ACTIVE;
	return 0;
}

/* Writes the row in im->in: finds the registration it refers to, merges, and inserts,
 * updates or leaves it. Counts the row in exactly one of added / updated / cancelled /
 * unchanged / skipped: "cancelled" is a row that this import made cancelled (a new row
 * marked cancelled, or an active registration now marked so); a cancelled registration
 * that stays cancelled and unchanged is "unchanged". */
static void write_row(struct imp *im)
{
	struct db_registration *in = &im->in, *old = &im->old, *r = &im->cur;
	struct import_report *rep = im->rep;
	int found = 0, rc;

	/* An event that was empty when the import began holds only what this import
	 * wrote, and every key written is in im->keys: a key not there cannot be found,
	 * which spares a fresh import two lookups a row. A hash that is there (or
	 * collides) still asks the database, so the answer is always exact. */
	if (in->external_id[0] || in->email[0] || in->ticket_code[0]) {
		char kind = in->external_id[0] ? 'e' : in->email[0] ? 'm' : 't';
		const char *key = kind == 'e' ? in->external_id : kind == 'm' ? in->email :
				  in->ticket_code;
		if (im->fresh && !u64set_has(&im->keys, key_hash(kind, key)))
			rc = VK_ERR_NOT_FOUND;
		else
			rc = db_reg_find_for_import(im->d, in->event_id, in->external_id,
						    in->email, in->ticket_code, old);
		if (rc == VK_OK) {
			found = 1;
		} else if (rc != VK_ERR_NOT_FOUND) {
			db_failed(im, rc);
			return;
		}
	}
	if (found) {
		rc = u64set_add(&im->seen, (uint64_t)old->id);
		if (rc == 1) {
			skip_row(im, IMP_R_DUPLICATE, in->external_id[0] ? in->external_id :
				 in->email[0] ? in->email : in->ticket_code);
			return;
		}
		if (rc < 0) {
			fail(im, rc);
			say(im->why, im->why_len, "%s", _("too many rows in one file"));
			return;
		}
		*r = *old;
	} else {
		memset(r, 0, sizeof *r);
		r->event_id = in->event_id;
	}

	/* What the file says overrides what is stored; a column the file does not have
	 * leaves the stored value alone, and an identity (id, code, email) is never
	 * wiped by an empty cell: that would orphan a ticket already sent. */
	if (in->external_id[0])
		memcpy(r->external_id, in->external_id, sizeof r->external_id);
	memcpy(r->given, in->given, sizeof r->given);
	memcpy(r->family, in->family, sizeof r->family);
	memcpy(r->display, in->display, sizeof r->display);
	if (im->has[IMP_ORGANIZATION])
		memcpy(r->organization, in->organization, sizeof r->organization);
	if (im->has[IMP_CATEGORY] || im->has[K_PRODUCT])
		memcpy(r->category, in->category, sizeof r->category);
	if (in->email[0])
		memcpy(r->email, in->email, sizeof r->email);
	if (im->has[IMP_LANG])
		memcpy(r->lang, in->lang, sizeof r->lang);
	if (im->has[IMP_STATUS])
		r->status = in->status;

	if (in->ticket_code[0] && (!found || strcmp(in->ticket_code, old->ticket_code) != 0)) {
		if (im->fresh && !u64set_has(&im->keys, key_hash('t', in->ticket_code)))
			rc = VK_ERR_NOT_FOUND;
		else
			rc = db_reg_find_for_import(im->d, in->event_id, "", "", in->ticket_code,
						    &im->other);
		if (rc == VK_OK && im->other.id != r->id) {
			warn(im, IMP_R_CODE_TAKEN, in->ticket_code);
		} else if (rc != VK_OK && rc != VK_ERR_NOT_FOUND) {
			db_failed(im, rc);
			return;
		} else {
			memcpy(r->ticket_code, in->ticket_code, sizeof r->ticket_code);
		}
	}
	/* display is given + family here, so it would only be folded a second time */
	text_search_key(r->given, r->family, NULL, r->search_key, sizeof r->search_key);

	if (found && same_reg(r, old)) {
		rep->unchanged++;
		flush_warnings(im);
		return;
	}
	memcpy(r->updated, im->now, sizeof im->now);
	/* In an event that was empty, the next free number is simply the next in import
	 * order, what db_reg_insert would look up with a query per row. */
	if (!found)
		r->number = im->fresh ? im->next_number++ : 0;
	/* what the row was, so a failed import can put it back */
	rc = found && im->batch ? db_import_note(im->d, im->batch, r->id, 0) : VK_OK;
	if (rc == VK_OK)
		rc = found ? db_reg_update(im->d, r) : db_reg_insert(im->d, r);
	if (rc == VK_OK && !found && im->batch)
		rc = db_import_note(im->d, im->batch, r->id, 1);
	if (rc) {
		db_failed(im, rc);
		return;
	}
	if ((!found && u64set_add(&im->seen, (uint64_t)r->id) < 0) ||
	    (im->fresh && (
	     (r->external_id[0] && u64set_add(&im->keys, key_hash('e', r->external_id)) < 0) ||
	     (r->email[0] && u64set_add(&im->keys, key_hash('m', r->email)) < 0) ||
	     (r->ticket_code[0] && u64set_add(&im->keys, key_hash('t', r->ticket_code)) < 0)))) {
		fail(im, VK_ERR_NOMEM);
		say(im->why, im->why_len, "%s", _("too many rows in one file"));
		return;
	}
	if (r->status == DB_REG_CANCELLED && (!found || old->status != DB_REG_CANCELLED))
		rep->cancelled++;
	else if (!found)
		rep->added++;
	else
		rep->updated++;
	flush_warnings(im);
}

static void data_row(struct imp *im)
{
	int n = im->nf < IMP_MAX_COLS ? im->nf : IMP_MAX_COLS, blank = 1;
	char detail[160];

	/* Excel leaves ";;;;" rows under a table: not rows anyone meant. */
	for (int j = 0; j < n && blank; j++)
		blank = im->cells[j].len == 0;
	if (blank && !im->extra_nonempty)
		return;
	im->rep->rows++;
	im->nwarn = 0;
	if (im->extra_nonempty) {
		/* Values past the header's columns: something shifted them (an unquoted
		 * delimiter), so the name may sit in the organization column. */
		snprintf(detail, sizeof detail, _("%d fields, the header has %d"), im->nf, im->ncols);
		skip_row(im, IMP_R_COLUMNS, detail);
		return;
	}
	if (row_to_registration(im))
		return;
	write_row(im);
	write_chunk(im);
}

/* ---- 7. driving libcsv ------------------------------------------------------------------- */

/* libcsv's buffer holds the field being read; a quote that never closes makes the rest
 * of the file one field. This cap turns that into CSV_ENOMEM instead of a 256 MB buffer. */
static void *csv_capped_realloc(void *p, size_t n)
{
	return n > IMP_CSV_FIELD_CAP ? NULL : realloc(p, n);
}

static void row_done(struct imp *im)
{
	im->nf = 0;
	im->arena_len = 0;
	im->extra_nonempty = 0;
	im->awaiting_row = 1;
}

static void on_field(void *s, size_t len, void *ctx)
{
	struct imp *im = ctx;
	const unsigned char *b = s;
	size_t keep = len;
	int j;

	if (im->rc)
		return;
	if (im->awaiting_row) {
		/* A row that starts mid-line (after a lone CR). */
		im->awaiting_row = 0;
		im->row_line = im->cur_line;
		im->row_off = im->chunk_off;
	}
	j = im->nf;
	if (im->nf < 0x7FFFFFFF)
		im->nf++;
	if (im->header_done && j >= im->ncols && len)
		im->extra_nonempty = 1;
	if (j >= IMP_MAX_COLS)
		return;
	if (keep > IMP_FIELD_KEEP) {
		keep = IMP_FIELD_KEEP;
		while (keep > 0 && (b[keep] & 0xC0) == 0x80)
			keep--;
	}
	if (im->arena_len + keep + 1 > im->arena_cap) {
		size_t cap = im->arena_cap;
		char *p;
		while (cap < im->arena_len + keep + 1)
			cap *= 2;
		if (!(p = realloc(im->arena, cap))) {
			fail(im, VK_ERR_NOMEM);
			return;
		}
		im->arena = p;
		im->arena_cap = cap;
	}
	memcpy(im->arena + im->arena_len, b, keep);
	im->arena[im->arena_len + keep] = '\0';
	im->cells[j].off = (uint32_t)im->arena_len;
	im->cells[j].len = (uint32_t)keep;
	im->cells[j].cut = keep < len;
	im->arena_len += keep + 1;
}

static void on_row(int c, void *ctx)
{
	struct imp *im = ctx;

	if (!im->rc) {
		if (!im->header_done)
			header_row(im);
		else
			data_row(im);
	}
	row_done(im);
}

/* Feeds n bytes to libcsv in pieces, growing its field buffer geometrically (it grows
 * by a fixed block, so a 1 MB field would take 8,000 reallocations). Returns 0 or
 * libcsv's error. */
static int feed(struct imp *im, const char *s, size_t n)
{
	while (n && !im->rc) {
		size_t piece = n < IMP_PIECE ? n : IMP_PIECE;
		size_t have = csv_get_buffer_size(&im->parser);
		csv_set_blk_size(&im->parser, have < 4096 ? 4096 : have);
		if (csv_parse(&im->parser, s, piece, on_field, on_row, im) < piece)
			return csv_error(&im->parser);
		s += piece;
		n -= piece;
	}
	return 0;
}

/* Forgets the half-read row and resets libcsv between rows. */
static void drop_row(struct imp *im)
{
	int opts = csv_get_opts(&im->parser);

	/* Without CSV_STRICT_FINI, csv_fini resets whatever state the parser is in. */
	csv_set_opts(&im->parser, CSV_STRICT);
	csv_fini(&im->parser, NULL, NULL, NULL);
	csv_set_opts(&im->parser, (unsigned char)opts);
	row_done(im);
}

static int is_blank_line(const struct imp *im, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c != ' ' && c != '\r' && c != '\n' && (c != '\t' || im->delim == '\t'))
			return 0;
	}
	return 1;
}

/* The end of the physical line starting at pos. */
static size_t line_after(const struct imp *im, size_t pos)
{
	const char *nl = memchr(im->data + pos, im->term, im->len - pos);
	return nl ? (size_t)(nl - im->data) + 1 : im->len;
}

/* Feeds the physical lines [pos, end) starting with line number line. Returns 0 or
 * libcsv's error; *stop gets the end of the line where it stopped. */
static int feed_lines(struct imp *im, size_t pos, size_t end, int line, size_t *stop, int *stop_line)
{
	int err = 0;

	while (pos < end && !im->rc) {
		size_t e = line_after(im, pos);
		im->chunk_off = pos;
		im->cur_line = line;
		if (im->awaiting_row && !is_blank_line(im, im->data + pos, e - pos)) {
			im->awaiting_row = 0;
			im->row_off = pos;
			im->row_line = line;
		}
		err = feed(im, im->data + pos, e - pos);
		*stop = e;
		*stop_line = line;
		if (err)
			break;
		pos = e;
		if (line < 0x7FFFFFFF)
			line++;
	}
	return err;
}

/* The current row's quoting is broken (or a field outgrew the cap): the row is reported
 * and skipped, and reading resumes on the line after the one where it started, so a
 * stray quote costs one row, not the rest of the file. Re-reading is bounded: past the
 * budget the rest of the file is given up. Returns 1 to resume at *pos / *line, 0 to
 * stop. */
static int broken_row(struct imp *im, int reason, size_t *pos, int *line)
{
	char raw[200], hint[160];
	size_t next = line_after(im, im->row_off), n;

	if (!im->header_done) {
		fail(im, VK_ERR_INVALID);
		say(im->why, im->why_len,
		    _("The header row (line %d) has a quote that never closes: fix it and"
		       " import again."),
		    im->row_line);
		return 0;
	}
	n = next - im->row_off < sizeof raw - 1 ? next - im->row_off : sizeof raw - 1;
	memcpy(raw, im->data + im->row_off, n);
	clean_text(raw, n, 1, hint, sizeof hint);
	im->rep->rows++;
	im->nwarn = 0;
	skip_row(im, reason, hint);
	drop_row(im);
	if (*pos > next)
		im->rescanned += *pos - next;
	if (im->rescanned > im->rescan_budget)
		return 0;
	*pos = next;
	*line = im->row_line < 0x7FFFFFFF ? im->row_line + 1 : im->row_line;
	return 1;
}

/* libcsv stopped inside the line ending at *pos (line *line). Returns 1 to go on at
 * *pos / *line (updated), 0 to stop. */
static int recover(struct imp *im, int err, size_t *pos, int *line)
{
	size_t from = im->row_off, stop = *pos;
	int first = im->row_line, stop_line = *line;

	if (err != CSV_EPARSE) {
		/* CSV_ENOMEM / CSV_ETOOBIG: a field outgrew IMP_CSV_FIELD_CAP. */
		return broken_row(im, im->parser.quoted ? IMP_R_BAD_QUOTES : IMP_R_TOO_LONG,
				  pos, line);
	}
	im->rescanned += *pos - from;
	if (im->rescanned > im->rescan_budget)
		return broken_row(im, IMP_R_BAD_QUOTES, pos, line);
	/* Strict mode refused a quote. Read the row again leniently up to here: a quote
	 * inside an unquoted field (Олександр "Сашко" Скалозуб) is then plain text. */
	drop_row(im);
	im->awaiting_row = 0;
	im->row_off = from;
	im->row_line = first;
	csv_set_opts(&im->parser, 0);
	err = feed_lines(im, from, *pos, first, &stop, &stop_line);
	csv_set_opts(&im->parser, CSV_STRICT);
	if (im->rc)
		return 0;
	if (err || (!im->awaiting_row && im->row_line == first))
		return broken_row(im, IMP_R_BAD_QUOTES, pos, line);
	*line = *line < 0x7FFFFFFF ? *line + 1 : *line;
	return 1;
}

/* Parses im->data from pos (line number line) to the end. */
static void drive(struct imp *im, size_t pos, int line)
{
	im->awaiting_row = 1;
	for (;;) {
		while (pos < im->len && !im->rc) {
			size_t stop = pos;
			int stop_line = line;
			int err = feed_lines(im, pos, im->len, line, &stop, &stop_line);
			if (!err)
				break;
			pos = stop;
			line = stop_line;
			if (im->rc || !recover(im, err, &pos, &line))
				return;
		}
		if (im->rc)
			return;
		/* A quote still open at the end of the file: the file was cut, or a quote
		 * was never closed. */
		csv_set_opts(&im->parser, CSV_STRICT | CSV_STRICT_FINI);
		int fe = csv_fini(&im->parser, on_field, on_row, im);
		csv_set_opts(&im->parser, CSV_STRICT);
		if (fe == 0 || im->rc)
			return;
		pos = im->len;
		if (!broken_row(im, IMP_R_BAD_QUOTES, &pos, &line))
			return;
	}
}

/* ---- 8. entry points ------------------------------------------------------------------- */

static int parse_opts(struct imp *im)
{
	const struct import_opts *o = im->o;

	if (o->format && *o->format && strcasecmp(o->format, "auto") != 0) {
		for (int f = 0; f < N_FORMATS; f++)
			if (strcasecmp(o->format, formats[f].name) == 0)
				im->forced_fmt = formats[f].bit;
		if (!im->forced_fmt) {
			say(im->why, im->why_len,
			    _("Unknown format '%s': use auto, vkhid, pretix, eventbrite or google."),
			    o->format);
			return VK_ERR_INVALID;
		}
	}
	if (o->n_maps < 0 || o->n_maps > IMP_MAX_MAPS || (o->n_maps && !o->maps)) {
		say(im->why, im->why_len, _("Too many --map options (at most %d)."),
		    IMP_MAX_MAPS);
		return VK_ERR_INVALID;
	}
	if (o->n_maps) {
		im->maps = calloc((size_t)o->n_maps, sizeof *im->maps);
		if (!im->maps)
			return VK_ERR_NOMEM;
	}
	for (int m = 0; m < o->n_maps; m++) {
		const char *s = o->maps[m] ? o->maps[m] : "";
		const char *eq = strrchr(s, '=');
		char hdr[IMP_HDR];
		int k = eq ? import_field_parse(eq + 1) : -1;
		if (k < 0) {
			say(im->why, im->why_len,
			    _("--map '%s': write it as 'Header=field', the field one of ignore,"
			       " external_id, ticket_code, given_name, family_name, name,"
			       " organization, category, email, language, status."),
			    s);
			return VK_ERR_INVALID;
		}
		text_copy(hdr, (size_t)(eq - s) + 1 < sizeof hdr ? (size_t)(eq - s) + 1 : sizeof hdr, s);
		hdr_norm(hdr, im->maps[m].hdr, sizeof im->maps[m].hdr);
		im->maps[m].kind = k;
		im->maps[m].text = s;
	}
	im->n_maps = o->n_maps;
	return VK_OK;
}

/* Decides the encoding of data and returns the UTF-8 text to parse in *text / *n (data
 * itself past a BOM, or a converted copy in *conv to free). */
static int decode(struct imp *im, const char *data, size_t len, const char **text, size_t *n,
		  char **conv)
{
	struct import_report *rep = im->rep;
	const unsigned char *u = (const unsigned char *)data;
	int valid;

	*text = data;
	*n = len;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		say(im->why, im->why_len,
		    _("The file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\""
		       " and import again."));
		return VK_ERR_INVALID;
	}
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		*text = data + 3;
		*n = len - 3;
		text_copy(rep->encoding, sizeof rep->encoding, "utf-8-bom");
	} else {
		text_copy(rep->encoding, sizeof rep->encoding, "utf-8");
	}
	valid = text_utf8_valid(*text, *n);
	if (!valid && strcmp(rep->encoding, "utf-8") == 0 && text_guess_cp1251(*text, *n)) {
		*conv = text_cp1251_to_utf8(*text, *n, n);
		if (!*conv)
			return VK_ERR_NOMEM;
		*text = *conv;
		valid = 1;
		text_copy(rep->encoding, sizeof rep->encoding, "windows-1251");
	}
	im->need_fix = !valid || memchr(*text, '\0', *n) != NULL;
	return VK_OK;
}

/* Imports len bytes of CSV (see import.h). The bytes are only read; a converted copy is
 * made for Windows-1251. rep is always filled in and must be freed with
 * import_report_free(); why gets a message in the user's language on error. */
int import_csv_buffer(db *d, const char *data, size_t len, const struct import_opts *o,
		      struct import_report *rep, char *why, size_t why_len)
{
	struct imp *im = NULL;
	char *conv = NULL;
	const char *text;
	size_t n, skip = 0;
	int rc = VK_OK, parser_ok = 0, line = 1;
	struct db_event ev;
	time_t now = time(NULL);
	struct tm tm;

	if (why && why_len)
		why[0] = '\0';
	if (!rep)
		return VK_ERR_INVALID;
	memset(rep, 0, sizeof *rep);
	if (!d || !o || (!data && len)) {
		say(why, why_len, "%s", _("Nothing to import."));
		return VK_ERR_INVALID;
	}
	if (len > IMP_MAX_FILE) {
		say(why, why_len, _("The file is larger than %zu MB: split it."),
		    IMP_MAX_FILE >> 20);
		return VK_ERR_INVALID;
	}
	im = calloc(1, sizeof *im);
	/* Small first: under a fuzzer or a sanitizer a fresh 600 KB per import was most of
	 * what an import of a short list cost. */
	if (!im || !(im->arena = malloc(im->arena_cap = 4096))) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	im->d = d;
	im->o = o;
	im->rep = rep;
	im->why = why;
	im->why_len = why_len;
	gmtime_r(&now, &tm);
	strftime(im->now, sizeof im->now, "%Y-%m-%dT%H:%M:%SZ", &tm);

	rc = parse_opts(im);
	if (rc)
		goto out;
	rc = db_event_get(d, o->event_id, &ev);
	if (rc) {
		if (rc == VK_ERR_NOT_FOUND)
			say(why, why_len, _("No event %lld in this database: create it first."),
			    (long long)o->event_id);
		else
			say(why, why_len, _("Database error: %s."),
			    vk_strerror(rc));
		goto out;
	}
	rc = decode(im, data ? data : "", len, &text, &n, &conv);
	if (rc)
		goto out;

	im->delim = sep_line(text, n, &skip);
	if (im->delim)
		line = 2;
	else
		im->delim = detect_delim(text, n);
	rep->delimiter = im->delim;
	im->data = text + skip;
	im->len = n - skip;
	im->term = line_end(im->data, im->len);
	im->rescan_budget = 2 * im->len + ((size_t)1 << 20);

	if (csv_init(&im->parser, CSV_STRICT) != 0) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	parser_ok = 1;
	csv_set_delim(&im->parser, (unsigned char)im->delim);
	csv_set_realloc_func(&im->parser, csv_capped_realloc);
	drive(im, 0, line);
	rc = im->rc;
	if (!rc && !im->header_done) {
		rc = VK_ERR_INVALID;
		if (im->first_headers[0])
			fail_no_name(im);
		else
			say(why, why_len, "%s", _("The file is empty: there is no header row."));
	}
	if (im->in_tx) {
		if (!rc && !o->dry_run) {
			/* the last short transaction also drops the undo notes: the import stands */
			rc = db_import_finish(d, im->batch);
			if (rc == VK_OK)
				rc = db_commit(d);
			if (rc) {
				db_rollback(d);
				say(why, why_len, _("Database error while saving (%s): nothing was"
						     " saved."),
				    vk_strerror(rc));
			}
		} else {
			db_rollback(d);
		}
	}
	if (rc && im->batch) {
		/* All or nothing: the chunks already committed are put back as they were. If
		 * even that fails (the disk is gone), the next command that opens the database
		 * for writing does it (db_import_recover). */
		db_import_undo(d, im->batch);
	}
	if (im->batch || !o->dry_run)
		db_import_done(d);
out:
	if (parser_ok)
		csv_free(&im->parser);
	free(conv);
	if (im) {
		free(im->seen.slot);
		free(im->keys.slot);
		free(im->maps);
		free(im->arena);
		free(im->hnorm);
		free(im);
	}
	return rc;
}

/* Reads the file at path whole (up to IMP_MAX_FILE) and imports it like
 * import_csv_buffer(); file errors are VK_ERR_NOT_FOUND or VK_ERR_IO with the path and
 * the system's reason in why. */
int import_csv_file(db *d, const char *path, const struct import_opts *o,
		    struct import_report *rep, char *why, size_t why_len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = -1, rc = VK_OK;

	if (why && why_len)
		why[0] = '\0';
	if (rep)
		memset(rep, 0, sizeof *rep);
	if (!path) {
		say(why, why_len, "%s", _("No file given."));
		return VK_ERR_INVALID;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? VK_ERR_NOT_FOUND : VK_ERR_IO;
		say(why, why_len, _("Cannot open %s: %s."), path,
		    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = VK_ERR_IO;
		say(why, why_len, _("%s is not a regular file."), path);
		goto out;
	}
	if ((uint64_t)st.st_size > IMP_MAX_FILE) {
		rc = VK_ERR_INVALID;
		say(why, why_len, _("%s is larger than %zu MB: split it."),
		    path, IMP_MAX_FILE >> 20);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = VK_ERR_NOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = VK_ERR_IO;
			say(why, why_len, _("Cannot read %s: %s."),
			    path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break; /* the file shrank while we read: import what is there */
		got += (size_t)r;
	}
	rc = import_csv_buffer(d, buf, got, o, rep, why, why_len);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}
