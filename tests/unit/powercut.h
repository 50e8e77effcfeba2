/* SPDX-License-Identifier: MIT */
/* A simulated power cut for SQLite: a VFS that wraps the default "unix" VFS, keeps for each
 * database, WAL and journal file what a disk would still hold after power fails (the
 * content as of its last xSync), and at a chosen write or sync throws away everything not
 * yet synced. A SIGKILL cannot test this: the kernel's page cache survives the process.
 *
 * The model, per file opened while armed:
 *   - a file that existed when it was opened is durable as it was then (the test makes
 *     its files, closes them, and only then arms);
 *   - writes and truncations are kept in order, in memory, and reach the durable copy only
 *     when the file is synced (the real fsync is skipped: only the model counts);
 *   - a file created while armed exists after the cut only if it was synced (SQLite's
 *     unix VFS syncs the directory on a new WAL or journal's first sync, so this is the
 *     promise it makes);
 *   - a deletion takes effect at once (pessimistic for nothing SQLite relies on);
 *   - the -shm index is not kept (SQLite rebuilds it when the first connection opens).
 * The operations that count towards the cut are writes, truncations and syncs of those
 * files; the one that is number cut_at fails with SQLITE_IOERR and is not done, and from
 * then on every such operation fails: the machine is off.
 *
 * One process-wide instance, made for one test program at a time; its state is guarded by
 * a mutex, so connections on several threads may use it. */
#ifndef VK_TEST_POWERCUT_H
#define VK_TEST_POWERCUT_H

/* Registers the "powercut" VFS as SQLite's default, so code that opens databases with the
 * default VFS (db_open) goes through it. Disarmed it only passes calls on. Returns 0, or
 * -1 when SQLite has no "unix" VFS or registration failed. Calling it again does nothing. */
int powercut_install(void);

/* Starts recording files opened from now on; power fails at counted operation number
 * cut_at (1-based), or never when cut_at is 0. */
void powercut_arm(long cut_at);

/* Counted operations (writes, truncations, syncs of recorded files) since powercut_arm. */
long powercut_ops(void);

/* 1 once power has failed (the cut point was reached), else 0. */
int powercut_dead(void);

/* After every connection to the recorded files is closed: puts each file back as the
 * disk would hold it after the cut (its durable copy, or no file when it was never
 * synced), removes the -shm index of recorded databases, forgets every record and
 * disarms. Returns 0, or -1 when a file could not be written back (errno says why). */
int powercut_restore(void);

#endif
