/* SPDX-License-Identifier: MIT */
/* The `vkhid` command line: the only place that reads argv and configuration.
 *
 * Each subcommand is a function `int cmd_X(struct cli *c, int argc, char **argv)` that
 * gets the arguments after its name and returns the process exit status: 0 success,
 * 1 a refusal the user should know about (checkin: not admitted), 2 an error (bad usage,
 * missing file, database trouble), with a message on stderr that says what to do. */
#ifndef VK_CLI_H
#define VK_CLI_H

#include <stdio.h>
#include <stdint.h>

#include "db/db.h"

struct cli {
	const char *db_path;   /* --db, $VKHID_DB, or the default */
	db *d;                 /* opened on demand by cli_db() */
	FILE *out;             /* stdout, or a capture in tests */
	FILE *err;
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;   /* English msgid (N_): shown through _() */
	const char *usage;     /* options after the name, for --help */
};

/* The table of subcommands, NULL-terminated by name. */
extern const struct cli_command cli_commands[];

/* Runs the vkhid command line (argv[0] is the program name). Returns the exit status. */
int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* Opens c->db_path and sets the process time zone to the current event's. CLI_DB_READ
 * opens read-only (never writes, works on a read-only copy); CLI_DB_WRITE and CLI_DB_CREATE
 * (which may make a new file) first check the file's integrity and refuse a damaged one.
 * Prints a clear message and returns NULL on failure. */
enum { CLI_DB_WRITE = 0, CLI_DB_CREATE = 1, CLI_DB_READ = 2 };
db *cli_db(struct cli *c, int mode);
/* What to do about a database error rc (enum db_err) met while working, in the user's
 * language: one or two sentences that never blame the disk for a busy database. */
const char *cli_db_advice(int rc);
/* 1 (after printing why) when c->d is a kiosk enrolled to a hub (setting sync.url): the
 * commands that need a secret signing key (keygen, tickets) refuse there. what names the
 * command for the message. */
int cli_refuse_on_kiosk(struct cli *c, const char *what);
/* The current event, or prints how to create one and returns nonzero. */
int cli_event(struct cli *c, struct db_event *ev);
/* Makes the process's local time the event's time zone (TZ), for dates and hours. */
void cli_set_timezone(const char *tz);

/* Writes s as a JSON string (with quotes) to f, escaping what JSON requires. */
void cli_json_str(FILE *f, const char *s);
/* Writes text s as one CSV field, followed by "," or, when last, by CRLF: quoted when it
 * holds a separator, quote or line break; and when it starts with = + - @, a tab or a CR
 * (a spreadsheet would run it as a formula), prefixed with ' and quoted (the OWASP rule
 * against CSV injection), so it opens as the text it is. Every text vkhid writes into a
 * CSV goes through here. */
void cli_csv_field(FILE *f, const char *s, int last);
/* Writes a number vkhid computed (a registration number) as one CSV field, unchanged. */
void cli_csv_number(FILE *f, int64_t v, int last);
/* 1 when a is --help or -h. */
int cli_is_help(const char *a);
/* Prints "usage: vkhid NAME USAGE" and the summary of a command. */
void cli_usage(struct cli *c, const char *name);

/* Where a secret key file of an event lives by default: next to the database. */
void cli_key_path(struct cli *c, int64_t event_id, int key_id, char *out, size_t cap);

struct checkin_result;
/* Prints one check-in result, human-readable or as the JSON object scripts rely on. */
void cli_print_result(struct cli *c, const struct checkin_result *r, int json);

/* Subcommands. */
int cmd_event(struct cli *c, int argc, char **argv);
int cmd_keygen(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_tickets(struct cli *c, int argc, char **argv);
int cmd_checkin(struct cli *c, int argc, char **argv);
int cmd_undo(struct cli *c, int argc, char **argv);
int cmd_reprint(struct cli *c, int argc, char **argv);
int cmd_revoke(struct cli *c, int argc, char **argv);
int cmd_scan(struct cli *c, int argc, char **argv);
int cmd_find(struct cli *c, int argc, char **argv);
int cmd_setting(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_session(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_run(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_doctor(struct cli *c, int argc, char **argv);
int cmd_rehearse(struct cli *c, int argc, char **argv);
int cmd_purge(struct cli *c, int argc, char **argv);
int cmd_badge(struct cli *c, int argc, char **argv);
int cmd_printers(struct cli *c, int argc, char **argv);
int cmd_print_test(struct cli *c, int argc, char **argv);
int cmd_hub(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_incidents(struct cli *c, int argc, char **argv);
int cmd_certificates(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv);

#endif
