/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: a participant list (CSV from anywhere: Excel, Google Forms, an
 * attacker) through import_csv_buffer() into a real SQLite database held in memory.
 * The database and its one event are made once, at the first input; after each input the
 * harness empties what an import writes (registrations, import batches and their undo
 * notes), so every input meets the same empty event and costs only its own parsing and
 * statements, not a new database (that made it 25 times slower). The import cannot run
 * inside a savepoint of ours: it begins and commits its own short transactions.
 * Properties beyond "no crash, no sanitizer report": the import succeeds or says why;
 * every data row counts in exactly one of added / updated / cancelled / unchanged /
 * skipped; and it is all or nothing: a dry run or a refused list leaves the event empty,
 * a real one leaves at least the rows it added and no more than the file's rows.
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
static int64_t event_id;

/* Opens the in-memory database and creates the event every input imports into. */
static void setup(void)
{
	struct db_event ev;
	char why[512];

	if (db_open(":memory:", DB_CREATE, &d, why, sizeof why) != VK_OK) {
		fprintf(stderr, "db_open: %s\n", why);
		abort();
	}
	memset(&ev, 0, sizeof ev);
	strcpy(ev.name, "Fuzz");
	if (db_event_create(d, &ev) != VK_OK)
		abort();
	event_id = ev.id;
}

/* Puts the event back as setup() left it. The harness owns the only event, so whole
 * tables go; a failure here means the import left a transaction open. */
static void reset(void)
{
	if (db_exec(d, "BEGIN IMMEDIATE; DELETE FROM import_undo; DELETE FROM import_batch;"
		       " DELETE FROM registration; COMMIT") != VK_OK) {
		fprintf(stderr, "reset failed: the import left the database in a transaction\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { 0 };
	struct import_report rep;
	char why[512];

	if (size > 256 * 1024)
		return 0;
	if (!d)
		setup();
	o.event_id = event_id;
	/* The last byte decides a dry run (parse and report only) for about a quarter. */
	o.dry_run = size > 0 && (data[size - 1] & 3) == 0;
	memset(&rep, 0, sizeof rep);
	why[0] = '\0';
	int rc = import_csv_buffer(d, (const char *)data, size, &o, &rep, why, sizeof why);
	int64_t kept = db_reg_count(d, event_id, 0);
	if (rc == VK_OK) {
		if (rep.added + rep.updated + rep.cancelled + rep.unchanged + rep.skipped != rep.rows)
			abort();
		if (o.dry_run ? kept != 0 : kept < (int64_t)rep.added || kept > (int64_t)rep.rows) {
			fprintf(stderr, "import kept %lld registrations of %lld rows (%lld added)%s\n",
				(long long)kept, (long long)rep.rows, (long long)rep.added,
				o.dry_run ? " in a dry run" : "");
			abort();
		}
	} else if (rc != VK_ERR_INVALID || why[0] == '\0') {
		/* Only a file that is not a list may be refused, and with a reason: a database
		 * error here is a row the importer let through to SQLite unchecked. */
		fprintf(stderr, "import: %d (%s)\n", rc, why);
		abort();
	} else if (kept != 0) {
		fprintf(stderr, "a refused import kept %lld registrations (%s)\n", (long long)kept, why);
		abort();
	}
	import_report_free(&rep);
	reset();
	return 0;
}
