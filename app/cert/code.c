/* SPDX-License-Identifier: MIT */
/* The signed code of a certificate (see cert.h): "VC1:" + Base45(payload | signature).
 *
 * Payload, big-endian: version (1), key id (2), event id (4), registration number (4),
 * the certificate's date (2; days since 2020-01-01), days attended (1), sessions
 * attended (2), minutes attended (4), name length (1), the name (UTF-8, 1..255 bytes).
 * The Ed25519 signature (libsodium, the event's ticket signing key) covers "VC1:" and the
 * payload. Unlike a ticket, a certificate carries the person's name: it is shown to
 * whoever the person shows it to, and it must still verify after the organizer purged the
 * roster, with nothing but the event's public key. */
#include "cert/cert.h"

#include <sodium.h>
#include <string.h>

#include "core/base45.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/text.h"

#define PREFIX_LEN (sizeof(CERT_PREFIX) - 1)

static void be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t unbe(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* A name a certificate may carry: valid UTF-8, no control characters (a line break
 * would let a code print as two lines of text). */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CERT_NAME_MAX || !text_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

int cert_code_sign(const struct cert_claim *c, const uint8_t sk[64], char *out, size_t cap)
{
	uint8_t msg[PREFIX_LEN + CERT_FIXED_LEN + CERT_NAME_MAX];
	uint8_t raw[CERT_RAW_MAX];
	size_t nl = strlen(c->name);
	if (!name_ok(c->name, nl) || c->key_id < 1 || c->key_id > 0xffff || c->event_id < 1 ||
	    c->event_id > 0xffffffffLL || c->number < 1 || c->number > 0xffffffffLL ||
	    c->issued_day < 0 || c->issued_day > 0xffff || c->days < 0 || c->days > 0xff ||
	    c->sessions < 0 || c->sessions > 0xffff || c->minutes < 0 || c->minutes > 0xffffffffLL)
		return VK_ERR_INVALID;
	if (sodium_init() < 0)
		return VK_ERR_CRYPTO;
	uint8_t *p = msg + PREFIX_LEN;
	memcpy(msg, CERT_PREFIX, PREFIX_LEN);
	p[0] = CERT_VERSION;
	be(p + 1, (uint64_t)c->key_id, 2);
	be(p + 3, (uint64_t)c->event_id, 4);
	be(p + 7, (uint64_t)c->number, 4);
	be(p + 11, (uint64_t)c->issued_day, 2);
	p[13] = (uint8_t)c->days;
	be(p + 14, (uint64_t)c->sessions, 2);
	be(p + 16, (uint64_t)c->minutes, 4);
	p[20] = (uint8_t)nl;
	memcpy(p + CERT_FIXED_LEN, c->name, nl);
	size_t plen = CERT_FIXED_LEN + nl;
	memcpy(raw, p, plen);
	crypto_sign_detached(raw + plen, NULL, msg, PREFIX_LEN + plen, sk);
	if (cap < PREFIX_LEN + 1)
		return VK_ERR_INVALID;
	memcpy(out, CERT_PREFIX, PREFIX_LEN);
	if (base45_encode(raw, plen + CERT_SIG_LEN, out + PREFIX_LEN, cap - PREFIX_LEN) < 0)
		return VK_ERR_INVALID;
	return VK_OK;
}

/* Splits a code into its claim, the signed message and the signature; no crypto. */
static int decode(const char *code, size_t len, struct cert_claim *c, uint8_t *msg,
		  size_t *msg_len, uint8_t sig[CERT_SIG_LEN])
{
	uint8_t raw[CERT_RAW_MAX];
	long n;
	memset(c, 0, sizeof *c);
	if (len < PREFIX_LEN || memcmp(code, CERT_PREFIX, PREFIX_LEN) != 0)
		return CERT_NOT_CERT;
	if (len - PREFIX_LEN > (CERT_RAW_MAX / 2) * 3 + 2)
		return CERT_MALFORMED;
	n = base45_decode(code + PREFIX_LEN, len - PREFIX_LEN, raw, sizeof raw);
	if (n < CERT_FIXED_LEN + 1 + CERT_SIG_LEN || raw[0] != CERT_VERSION)
		return CERT_MALFORMED;
	size_t nl = raw[20];
	if ((size_t)n != CERT_FIXED_LEN + nl + CERT_SIG_LEN ||
	    !name_ok((const char *)raw + CERT_FIXED_LEN, nl))
		return CERT_MALFORMED;
	c->key_id = (int)unbe(raw + 1, 2);
	c->event_id = (int64_t)unbe(raw + 3, 4);
	c->number = (int64_t)unbe(raw + 7, 4);
	c->issued_day = (int)unbe(raw + 11, 2);
	c->days = raw[13];
	c->sessions = (int)unbe(raw + 14, 2);
	c->minutes = (int64_t)unbe(raw + 16, 4);
	memcpy(c->name, raw + CERT_FIXED_LEN, nl);
	c->name[nl] = '\0';
	memcpy(msg, CERT_PREFIX, PREFIX_LEN);
	memcpy(msg + PREFIX_LEN, raw, CERT_FIXED_LEN + nl);
	*msg_len = PREFIX_LEN + CERT_FIXED_LEN + nl;
	memcpy(sig, raw + CERT_FIXED_LEN + nl, CERT_SIG_LEN);
	return CERT_GENUINE;
}

int cert_check(db *d, const char *code, size_t len, struct cert_claim *claim)
{
	uint8_t msg[PREFIX_LEN + CERT_FIXED_LEN + CERT_NAME_MAX], sig[CERT_SIG_LEN];
	size_t msg_len = 0;
	struct db_key key;
	int rc = decode(code, len, claim, msg, &msg_len, sig);
	if (rc != CERT_GENUINE)
		return rc;
	rc = db_key_get(d, claim->key_id, &key);
	if (rc == VK_ERR_NOT_FOUND)
		return CERT_UNKNOWN_KEY;
	if (rc)
		return rc;
	/* a key of another event signs nothing for this one, however the bytes check out */
	if (key.event_id != claim->event_id)
		return CERT_FORGED;
	if (sodium_init() < 0 || crypto_sign_verify_detached(sig, msg, msg_len, key.pk) != 0)
		return CERT_FORGED;
	if (key.revoked)
		return CERT_KEY_REVOKED;
	return CERT_GENUINE;
}

const char *cert_check_text(int result)
{
	switch (result) {
	case CERT_GENUINE:
		return N_("genuine certificate");
	case CERT_NOT_CERT:
		return N_("this is not a vkhid certificate code (it does not start with VC1:)");
	case CERT_MALFORMED:
		return N_("the code is damaged or incomplete: scan the QR code again, or copy the whole code");
	case CERT_UNKNOWN_KEY:
		return N_("signed by a key this database does not know: a certificate of another event or "
		       "organizer, or a forgery");
	case CERT_KEY_REVOKED:
		return N_("signed by a key the organizer withdrew: do not accept it");
	case CERT_FORGED:
		return N_("FORGED or altered: the signature does not match what the certificate says");
	default:
		return N_("the database could not be read");
	}
}
