/* SPDX-License-Identifier: MIT */
/* Database checks for the unit tests (see dbcheck.h). Not a test program: it has no main. */
#include "dbcheck.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int dbcheck_integrity(const char *path, char *out, size_t len)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *s = NULL;
	size_t used = 0;
	int rc;

	if (len)
		out[0] = '\0';
	/* read-write: a WAL database needs its -shm index to be writable even to read */
	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL);
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		const char *row = (const char *)sqlite3_column_text(s, 0);
		int n = snprintf(out + used, len - used, "%s%s", used ? "; " : "", row ? row : "");
		if (n > 0)
			used += (size_t)n < len - used ? (size_t)n : len - used - 1;
	}
	if (rc != SQLITE_DONE)
		snprintf(out, len, "%s", h ? sqlite3_errmsg(h) : "out of memory");
	sqlite3_finalize(s);
	sqlite3_close(h);
	return rc == SQLITE_DONE ? 0 : -1;
}
