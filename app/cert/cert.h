/* SPDX-License-Identifier: MIT */
/* Certificates of completion: who earned one, and the certificate itself.
 *
 *   the rule      per event (setting "certificates.rule.EVENT"): minimum days, minimum
 *                 sessions or a list of required sessions, minimum minutes where exits
 *                 are scanned. None set: attended at least one day (rule.c).
 *   the verdict   cert_judge(): a pure function from one person's attendance facts (their
 *                 log rows, the programme, the event's days) to eligible or not and why
 *                 (judge.c). cert_book (facts.c) reads those facts from the database.
 *   the code      "VC1:" + Base45(payload | Ed25519 signature), signed with the event's
 *                 ticket signing key; it carries the name, so a printed certificate can be
 *                 checked with nothing but the public key (code.c).
 *   the PDF       A4 landscape with cairo and Pango, from a template (pdf.c).
 *
 * Attendance as certificates count it (judge.c):
 *   - a day is a calendar day (event's time zone) with an entrance check-in (session 0);
 *   - an undo cancels the check-ins before it at the same place (entrance or session)
 *     on the same day, never another day's;
 *   - a cancelled session counts for nobody: not attended, not in the total, and a
 *     required session that was cancelled is no longer required; a minimum of sessions
 *     above what the programme still holds asks for all of it;
 *   - minutes run from an entrance check-in to the next exit scan on the same day; an
 *     entry with no exit adds nothing. */
#ifndef VK_CERT_CERT_H
#define VK_CERT_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* ---- the rule (rule.c) ----------------------------------------------------------------- */
#define CERT_MAX_REQUIRED 32

struct cert_rule {
	int min_days;          /* 0: days do not matter */
	int min_sessions;      /* 0: the number of sessions does not matter */
	int64_t required[CERT_MAX_REQUIRED]; /* session ids that must all be attended */
	int n_required;
	int64_t min_minutes;   /* 0: minutes do not matter */
	int is_default;        /* no rule was set: at least one day */
};

/* The rule when none is set: attended at least one day. */
void cert_rule_default(struct cert_rule *r);
/* Parses the stored form "days=N sessions=N required=ID,ID minutes=N" (any order, any of
 * them; an empty text is the default rule). Returns VK_OK, or VK_ERR_INVALID with an
 * English reason in why (a bad number, an unknown word, more than CERT_MAX_REQUIRED). A
 * rule that asks for nothing at all is refused: it would certify people who never came. */
int cert_rule_parse(const char *text, struct cert_rule *r, char *why, size_t why_len);
/* The stored form of r (see cert_rule_parse). */
void cert_rule_format(const struct cert_rule *r, char *out, size_t cap);
/* The event's rule, or the default when none is set. VK_OK, VK_ERR_INVALID (a stored rule
 * that does not parse: the caller says so rather than certify by the default) or a db
 * error. */
int cert_rule_load(db *d, int64_t event_id, struct cert_rule *r);
/* Stores r as the event's rule (the default rule stores an empty text). */
int cert_rule_save(db *d, int64_t event_id, const struct cert_rule *r);

/* ---- attendance facts and the verdict (judge.c) ------------------------------------------ */
/* One row of the check-in log as certificates need it, in log order. */
struct cert_mark {
	int64_t session_id;    /* 0 = the entrance */
	int kind;              /* enum db_ci_kind */
	int day;               /* days since 2020-01-01, the event's time zone */
	int64_t wall_ms;
};

struct cert_session {
	int64_t id;
	const char *title;     /* borrowed; for reasons ("missing the session ...") */
	int cancelled;
	int minutes;           /* scheduled length, 0 when unknown */
};

/* What is known about one person: borrowed arrays, never freed by cert_judge. */
struct cert_facts {
	const struct cert_mark *marks;
	size_t n_marks;
	const struct cert_session *sessions; /* the event's programme, cancelled ones too */
	size_t n_sessions;
	const int *days;       /* the event's days in order ("day 2" is days[1]) */
	size_t n_days;
};

enum cert_why {
	CERT_WHY_DAY_MISSING = 1,  /* a = the day's place in the event (1 = the first day) */
	CERT_WHY_DAYS,             /* a days of b, c needed */
	CERT_WHY_SESSIONS,         /* a sessions of b, c needed */
	CERT_WHY_REQUIRED,         /* a = the id of a required session not attended */
	CERT_WHY_MINUTES,          /* a minutes, b needed */
};

#define CERT_MAX_REASONS 12
struct cert_reason {
	int why;                   /* enum cert_why */
	int64_t a, b, c;
};

struct cert_verdict {
	int eligible;
	int days;                  /* distinct days with an entrance check-in */
	int sessions;              /* sessions attended, cancelled ones left out */
	int sessions_total;        /* sessions in the programme, cancelled ones left out */
	int64_t minutes;           /* entrance to exit, where exits are scanned */
	int64_t session_minutes;   /* scheduled length of the sessions attended */
	int n_reasons;             /* why not eligible (empty when eligible) */
	int more_reasons;          /* reasons left out beyond CERT_MAX_REASONS */
	struct cert_reason reasons[CERT_MAX_REASONS];
};

/* Judges one person's facts by rule. Pure: reads only its arguments. Always fills v. */
void cert_judge(const struct cert_rule *rule, const struct cert_facts *f, struct cert_verdict *v);
/* One line for a person, in language lang: "eligible (days: 2 of 2; sessions: 5 of 5)" or
 * "not eligible: missing day 2; sessions: 3 of 5 (4 needed)". f gives session titles. */
void cert_verdict_text(int lang, const struct cert_verdict *v, const struct cert_facts *f,
		       char *out, size_t cap);
/* What was attended, for the certificate itself ("Days: 2 · Sessions: 5 · Hours: 12.5"),
 * in language lang; only what the event measured. */
void cert_attended_text(int lang, const struct cert_verdict *v, char *out, size_t cap);
/* The day number of a wall-clock time in the process's time zone (the event's: the
 * command line sets TZ), -1 when the time cannot be converted. */
int cert_day_of(int64_t wall_ms);
/* Minutes from "YYYY-MM-DD HH:MM" starts to ends; 0 when either is not in that form or
 * ends is not after starts. */
int cert_session_minutes(const char *starts, const char *ends);

/* ---- an event's facts read from the database (facts.c) ----------------------------------- */
typedef struct cert_book cert_book;
/* Reads the event's programme and check-in log (one pass each) and the event's days: its
 * dates when both are set, else the days anyone was checked in at the entrance. Returns
 * VK_OK and *out (free with cert_book_free), VK_ERR_NOMEM or a db error. */
int cert_book_load(db *d, const struct db_event *ev, cert_book **out);
/* Fills f with the facts of registration number (pointers into the book, valid until
 * cert_book_free). A person with no log rows gets an empty mark list. */
void cert_book_facts(const cert_book *b, int64_t number, struct cert_facts *f);
void cert_book_free(cert_book *b);

/* ---- the signed code (code.c) ------------------------------------------------------------- */
#define CERT_PREFIX "VC1:"
#define CERT_VERSION 1
#define CERT_NAME_MAX 255
#define CERT_FIXED_LEN 21          /* the payload before the name */
#define CERT_SIG_LEN 64
#define CERT_RAW_MAX (CERT_FIXED_LEN + CERT_NAME_MAX + CERT_SIG_LEN)
#define CERT_CODE_MAX (4 + (CERT_RAW_MAX / 2) * 3 + 2 + 1)   /* with the NUL */

/* What a certificate states, all of it signed. */
struct cert_claim {
	int key_id;            /* the event's signing key that made it */
	int64_t event_id;
	int64_t number;        /* registration number */
	int issued_day;        /* the certificate's date, days since 2020-01-01 */
	int days;              /* up to 255 */
	int sessions;          /* up to 65535 */
	int64_t minutes;       /* up to 2^32-1 */
	char name[CERT_NAME_MAX + 1]; /* exactly as registered, UTF-8 */
};

/* Signs c with the 64-byte secret key into out (NUL-terminated; CERT_CODE_MAX bytes are
 * always enough). The signature covers "VC1:" and the payload: a ticket's signature (over
 * "VK1:...") can never pass as a certificate's. Returns VK_OK or VK_ERR_INVALID (a name
 * empty, over CERT_NAME_MAX bytes or not UTF-8; a field out of range; out too small). */
int cert_code_sign(const struct cert_claim *c, const uint8_t sk[64], char *out, size_t cap);

enum cert_check_result {
	CERT_GENUINE = 0,
	CERT_NOT_CERT,         /* no "VC1:" prefix: not a vkhid certificate code */
	CERT_MALFORMED,        /* the prefix, but not a well-formed code (cut, mistyped) */
	CERT_UNKNOWN_KEY,      /* signed by a key this database does not know */
	CERT_KEY_REVOKED,      /* signed by a key the organizer withdrew */
	CERT_FORGED,           /* the signature does not match: altered or forged */
};

/* Checks code (len bytes, taken exactly) against the public keys in d: decodes it, finds
 * the signing key by its id, checks that the key belongs to the event the code names and
 * the signature. Fills *claim whenever the code decodes (even when forged: the caller
 * must show nothing of it then). Returns an enum cert_check_result, or a negative db
 * error. Reads only: safe on a read-only database, needs no network. */
int cert_check(db *d, const char *code, size_t len, struct cert_claim *claim);
/* The English text of a result (translate with _()). */
const char *cert_check_text(int result);

/* ---- the certificate as a PDF (pdf.c) ----------------------------------------------------- */
#define CERT_MAX_SIGNATURES 3

struct cert_signature {
	char image[1024];      /* PNG path (relative to the template's folder) or "" */
	char name[256];
	char role[256];
};

/* A certificate template: an INI file
 *     [certificate]
 *     title = Сертифікат про участь      (default: "Certificate of completion", translated)
 *     intro = за участь у заході           (default: "for taking part in", translated)
 *     lang = uk                            (the certificate's language; default: the
 *                                           person's, else the command's)
 *     date = 2026-12-01                    (default: the event's last day, else today)
 *     font = DejaVu Serif                  (any font fontconfig knows)
 *     [signature 1]  ... up to [signature 3]
 *     image = sign-chair.png
 *     name = Олена Коваль
 *     role = Голова оргкомітету
 * Loaded signature images are kept in it: free with cert_template_free. */
struct cert_template {
	char title[256];
	char intro[256];
	char lang[8];
	char date[11];
	char font[64];
	int n_sig;
	struct cert_signature sig[CERT_MAX_SIGNATURES];
	void *sig_surface[CERT_MAX_SIGNATURES]; /* cairo_surface_t *, NULL when no image */
};

/* The built-in template (no signatures). */
void cert_template_default(struct cert_template *t);
/* Loads the template at path, and its signature images. Returns VK_OK; VK_ERR_NOT_FOUND
 * (no such file), VK_ERR_INVALID (a line that is not INI, an unknown key, a bad date, a
 * signature image that is not a readable PNG) with an English reason naming the line or
 * file in why. Free with cert_template_free even after a failure. */
int cert_template_load(const char *path, struct cert_template *t, char *why, size_t why_len);
void cert_template_free(struct cert_template *t);

/* One certificate's contents (borrowed texts). */
struct cert_page {
	const char *event;     /* the event's name */
	const char *name;      /* the person's name exactly as registered */
	const char *attended;  /* cert_attended_text() */
	const char *date;      /* as printed */
	const char *code;      /* the signed code, drawn as the QR */
	int lang;              /* language of the fixed texts */
};

typedef struct cert_pdf cert_pdf;
/* Starts a PDF file at path (A4 landscape pages; fonts embedded as subsets). Returns
 * VK_OK and *out, or VK_ERR_IO. Finish with cert_pdf_close. */
int cert_pdf_open(const char *path, cert_pdf **out);
/* Adds one certificate as a page. VK_OK, VK_ERR_INVALID (the code does not fit a QR),
 * VK_ERR_NOMEM or VK_ERR_IO. */
int cert_pdf_page(cert_pdf *p, const struct cert_template *t, const struct cert_page *pg);
/* Finishes and closes the file; VK_OK or VK_ERR_IO (the disk refused it). Frees p. */
int cert_pdf_close(cert_pdf *p);
/* Releases the font caches Pango and fontconfig keep for the process (at exit, so leak
 * checkers see only what was really lost). No PDF may be open. */
void cert_pdf_shutdown(void);

#endif
