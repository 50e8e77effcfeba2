/* SPDX-License-Identifier: MIT */
/* Checks the unit tests make on a database file from outside vkhid's own code (a plain
 * SQLite connection), so what they check does not depend on the code under test. */
#ifndef VK_TEST_DBCHECK_H
#define VK_TEST_DBCHECK_H

#include <stddef.h>

/* Runs PRAGMA integrity_check on the SQLite file at path over a connection of its own and
 * writes its answer into out (the rows joined with "; ", truncated to fit; "ok" for a
 * sound file). Returns 0 when the check ran, -1 when the file could not be opened or the
 * check could not run (out then holds SQLite's reason). */
int dbcheck_integrity(const char *path, char *out, size_t len);

#endif
