/* SPDX-License-Identifier: MIT */
/* Participant lists: CSV exported from Google Forms, Excel (Ukrainian locale), pretix,
 * Eventbrite, or vkhid's own columns, into registrations.
 *
 * Forgiving: UTF-8 with or without BOM or Windows-1251 (detected), comma or semicolon
 * (detected), CRLF, quoted fields with commas, quotes and line breaks (libcsv). The format
 * is recognised from the header row; --map 'Header=field' adds or overrides columns.
 * A bad row is reported with its line number and does not stop the others. One import is
 * one transaction. A re-import updates by external id (or email), reports added / updated
 * / cancelled / unchanged, and never deletes a row that disappeared. */
#ifndef VK_CORE_IMPORT_H
#define VK_CORE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include "db/db.h"

/* The fields a column can fill (the names --map accepts). */
enum import_field {
	IMP_IGNORE = 0,
	IMP_EXTERNAL_ID,   /* "external_id" */
	IMP_TICKET_CODE,   /* "ticket_code" */
	IMP_GIVEN,         /* "given_name" */
	IMP_FAMILY,        /* "family_name" */
	IMP_FULL_NAME,     /* "name" (split into given/family when those are absent) */
	IMP_ORGANIZATION,  /* "organization" */
	IMP_CATEGORY,      /* "category" */
	IMP_EMAIL,         /* "email" */
	IMP_LANG,          /* "language" */
	IMP_STATUS,        /* "status" (active / cancelled and the formats' own words) */
	IMP_FIELD_COUNT
};

struct import_opts {
	int64_t event_id;
	const char *format;      /* "auto" (or NULL), "vkhid", "pretix", "eventbrite", "google" */
	const char *const *maps; /* "Header=field" strings */
	int n_maps;
	int dry_run;             /* parse and report, write nothing */
};

enum import_reason {
	IMP_R_NO_NAME = 1,       /* the row has no name at all */
	IMP_R_BAD_QUOTES,        /* broken quoting: a quote never closes (row skipped; reading
				  * resumes on the next line) */
	IMP_R_TOO_LONG,          /* a field longer than the database keeps (kept cut) */
	IMP_R_BAD_UTF8,          /* NUL bytes (or, in a file that is not UTF-8 at all,
				  * invalid bytes) were replaced */
	IMP_R_DUPLICATE,         /* the same external id / email twice in one file */
	IMP_R_BAD_EMAIL,
	IMP_R_COLUMNS,           /* more or fewer fields than the header */
	IMP_R_CODE_TAKEN,        /* the ticket code belongs to another registration */
	IMP_R_NOT_UTF8,          /* a line of a UTF-8 file is not UTF-8 (row skipped) */
	IMP_R_COUNT              /* number of reasons + 1 (reasons start at 1) */
};

struct import_problem {
	int line;                /* 1-based line in the file where the row starts */
	int reason;              /* enum import_reason */
	int skipped;             /* 1 = the row was not imported, 0 = imported with a warning */
	char detail[160];        /* the offending value, cut */
};

#define IMPORT_MAX_PROBLEMS 1000

struct import_report {
	char format[16];         /* the format used */
	char encoding[16];       /* "utf-8", "utf-8-bom", "windows-1251" */
	char delimiter;
	int64_t rows;            /* data rows read */
	int64_t added, updated, cancelled, unchanged, skipped;
	int n_problems;          /* problems kept (at most IMPORT_MAX_PROBLEMS) */
	int64_t problems_total;
	struct import_problem *problems; /* malloc'd; free with import_report_free() */
	char unmapped[512];      /* header names that were ignored, comma-separated */
};

/* Imports the CSV file at path. Returns VK_OK (even when some rows were bad: see rep),
 * VK_ERR_IO / VK_ERR_NOT_FOUND (file), VK_ERR_INVALID (no usable header: why says what
 * columns were expected), VK_ERR_DB. On any error nothing was written.
 * rep is filled in whatever the result and must be freed with import_report_free().
 * Each data row counts in exactly one of added / updated / cancelled / unchanged /
 * skipped: "cancelled" is a row this import made cancelled (new and marked so, or active
 * before); one that stays cancelled with nothing else changed is "unchanged".
 * VK_ERR_NOT_FOUND is also returned when o->event_id names no event. */
int import_csv_file(db *d, const char *path, const struct import_opts *o,
		    struct import_report *rep, char *why, size_t why_len);
/* The same for bytes in memory. */
int import_csv_buffer(db *d, const char *data, size_t len, const struct import_opts *o,
		      struct import_report *rep, char *why, size_t why_len);
void import_report_free(struct import_report *rep);

/* The text of a problem in the current language (i18n.h). */
const char *import_reason_text(int reason);
/* The same in language lang (i18n.h), for tests walking every reason in every language:
 * "unknown problem" for 0 and out of range. */
const char *import_reason_text_in(int lang, int reason);
/* The field name for --map ("given_name"...), and back (-1 when unknown). */
const char *import_field_name(enum import_field f);
int import_field_parse(const char *name);

#endif
