/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: a participant list (CSV from anywhere: Excel, Google Forms, an
 * attacker) through import_csv_buffer() into a real SQLite database held in memory.
 * Each input goes into an event of its own, so one input's rows never meet another's;
 * the database is reopened every few thousand inputs to keep memory flat. Properties
 * beyond "no crash, no sanitizer report": the import succeeds or says why, and every data
 * row counts in exactly one of added / updated / cancelled / unchanged / skipped.
 * Corpus: tests/fuzz/corpus/import/. Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/import.h"
#include "db/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static db *d;
static int uses;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { 0 };
	struct import_report rep;
	struct db_event ev;
	char why[512];

	if (size > 256 * 1024)
		return 0;
	if (d && ++uses >= 4000) {
		db_close(d);
		d = NULL;
	}
	if (!d) {
		uses = 0;
		if (db_open(":memory:", DB_CREATE, &d, why, sizeof why) != VK_OK) {
			fprintf(stderr, "db_open: %s\n", why);
			abort();
		}
	}
	memset(&ev, 0, sizeof ev);
	strcpy(ev.name, "Fuzz");
	if (db_event_create(d, &ev) != VK_OK)
		abort();
	o.event_id = ev.id;
	/* The last byte decides a dry run (parse and report only) for about a quarter. */
	o.dry_run = size > 0 && (data[size - 1] & 3) == 0;
	memset(&rep, 0, sizeof rep);
	why[0] = '\0';
	int rc = import_csv_buffer(d, (const char *)data, size, &o, &rep, why, sizeof why);
	if (rc == VK_OK) {
		if (rep.added + rep.updated + rep.cancelled + rep.unchanged + rep.skipped != rep.rows)
			abort();
	} else if (rc != VK_ERR_INVALID || why[0] == '\0') {
		/* Only a file that is not a list may be refused, and with a reason: a database
		 * error here is a row the importer let through to SQLite unchecked. */
		fprintf(stderr, "import: %d (%s)\n", rc, why);
		abort();
	}
	import_report_free(&rep);
	return 0;
}
