/* SPDX-License-Identifier: MIT */
/* Signed vkhid tickets: "VK1:" + Base45(payload | Ed25519 signature).
 *
 * Payload (16 bytes, big-endian): version (1), key id (2), event id (4), registration
 * number (4), first valid day (2; days since 2020-01-01), number of valid
 * days (1; 0 = no window), nonce (2; 1 .. 65535, tells reissued tickets of one person
 * apart; there is no issue time, so the database records when it issued which nonce). The
 * signature (libsodium crypto_sign_detached) covers the ASCII prefix "VK1:" followed by the
 * payload. No personal data is in a ticket. 80 bytes -> 120 Base45 characters, 124 with the
 * prefix: QR version 7 at ECC level Q (a 3-byte nonce would need version 8).
 *
 * Version 1 windows hold at most 255 days. Version 2 is the same layout for longer events
 * (a season pass, a programme of months): its days byte is 255 = TICKET_TO_EVENT_END,
 * "from the first valid day through the event's last day as the checking database records
 * it". It is used only when the window is longer than 255 days, so every shorter ticket
 * (and the test vector) stays version 1, and a vkhid that knows only version 1 calls a
 * long-event ticket malformed instead of misreading its window. */
#ifndef VK_CORE_TICKET_H
#define VK_CORE_TICKET_H

#include <stddef.h>
#include <stdint.h>

#define TICKET_PREFIX "VK1:"
#define TICKET_PAYLOAD_LEN 16
#define TICKET_SIG_LEN 64
#define TICKET_CODE_LEN 124 /* prefix + 120 Base45 characters */
#define TICKET_VERSION_DAYS 1      /* window of up to 255 days in the ticket */
#define TICKET_VERSION_EVENT 2     /* window ending with the event (see above) */
#define TICKET_TO_EVENT_END 255    /* version 2's days byte */

struct ticket {
	uint8_t version;
	uint16_t key_id;
	uint32_t event_id;
	uint32_t number;
	uint16_t valid_from;   /* day number, 0 = any day */
	uint8_t valid_days;
	uint32_t nonce;        /* 1 .. 65535; ticket_sign refuses 0 */
};

/* A decoded ticket with what its signature covers. */
struct ticket_signed {
	struct ticket t;
	uint8_t msg[4 + TICKET_PAYLOAD_LEN];
	uint8_t sig[TICKET_SIG_LEN];
};

enum ticket_decode_result {
	TICKET_OK = 0,
	TICKET_NOT_VK = 1,     /* no VK1: prefix: a foreign code */
	TICKET_MALFORMED = 2,  /* prefix but not Base45 of the right length or version */
};

/* A fresh random nonce, uniformly 1 .. 65535 (never 0). The issuer records it with
 * db_ticket_issued() and draws again when that says it was used for this person. */
uint32_t ticket_nonce_new(void);
/* Signs t with the 64-byte libsodium secret key and writes the code (NUL-terminated) into
 * out (at least TICKET_CODE_LEN + 1 bytes). Returns VK_OK, or VK_ERR_INVALID (also for
 * nonce 0 or over 65535: no signer makes a nonce-0 ticket). */
int ticket_sign(const struct ticket *t, const uint8_t sk[64], char *out, size_t out_len);
/* Splits a presented code (len bytes, may hold anything) into fields; no crypto here. */
enum ticket_decode_result ticket_decode(const char *code, size_t len, struct ticket_signed *ts);
/* Checks the signature against a 32-byte public key: VK_OK or VK_ERR_CRYPTO (forged). */
int ticket_verify(const struct ticket_signed *ts, const uint8_t pk[32]);

/* Day numbers: days since 2020-01-01 for a YYYY-MM-DD date; -1 when invalid. */
int ticket_day_from_date(const char *yyyy_mm_dd);
/* Writes the date of a day number as YYYY-MM-DD. */
void ticket_date_from_day(int day, char out[11]);
/* Sets up t (zeroed first) for a window from day from to day to, both included: version,
 * valid_from, valid_days: version 1 for up to 255 days, else version 2 (to is then the
 * event's last day, which the kiosk reads from its database). Returns VK_OK or
 * VK_ERR_INVALID (to before from, negative). */
int ticket_window(int from, int to, struct ticket *t);
/* 1 when day (today at the event) lies inside the ticket's window (or it has none:
 * valid_days 0). A version 2 ticket's window ends on last_day, the event's last day as the
 * database records it (-1: none recorded, the window is open-ended). */
int ticket_valid_on_event(const struct ticket *t, int day, int last_day);
/* ticket_valid_on_event with no event end known. */
int ticket_valid_on(const struct ticket *t, int day);

/* Secret key files: text, mode 0600, "vkhid-secret-key 1", "event ID", "key ID",
 * "secret HEX". ticket_key_save refuses to overwrite (VK_ERR_EXISTS). */
int ticket_key_save(const char *path, int64_t event_id, int key_id, const uint8_t sk[64]);
/* Returns VK_OK, VK_ERR_NOT_FOUND (no file), VK_ERR_INVALID (not a key file). */
int ticket_key_load(const char *path, int64_t *event_id, int *key_id, uint8_t sk[64]);
/* 1 when the key file at path exists and its group or others may read or write it (the
 * callers refuse it: "chmod 600"); 0 otherwise (also when it does not exist). */
int ticket_key_exposed(const char *path);

#endif
