/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: a presented ticket code (anything a camera or a hand scanner can
 * deliver) through ticket_decode(), and the same bytes through the Base45 decoder and the
 * date parser. Properties checked beyond "no crash, no sanitizer report": Base45 is
 * strict, so whatever it accepts encodes back to the same characters; encoding any bytes
 * and decoding them gives the bytes back; a decoded ticket's fields fit its payload.
 * Corpus: tests/fuzz/corpus/ticket/. Built and run by `make fuzz` (see the Makefile). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base45.h"
#include "core/ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ticket_signed ts;
	uint8_t bytes[512];
	char text[1024];
	char date[11];

	if (ticket_decode((const char *)data, size, &ts) == TICKET_OK) {
		if (ts.t.version != 1 || ts.t.nonce > 0xFFFF)
			abort();
		ticket_valid_on(&ts.t, (int)ts.t.valid_from + ts.t.valid_days);
		ticket_date_from_day(ts.t.valid_from, date);
	}

	long n = base45_decode((const char *)data, size, bytes, sizeof bytes);
	if (n >= 0) {
		long m = base45_encode(bytes, (size_t)n, text, sizeof text);
		if (m != (long)size || memcmp(text, data, size) != 0)
			abort(); /* accepted a non-canonical spelling */
	}

	/* Any bytes (at most 300) survive an encode-decode round trip. */
	size_t k = size < 300 ? size : 300;
	long e = base45_encode(data, k, text, sizeof text);
	if (e < 0 || (size_t)e != base45_encoded_len(k))
		abort();
	if (base45_decode(text, (size_t)e, bytes, sizeof bytes) != (long)k ||
	    memcmp(bytes, data, k) != 0)
		abort();

	if (size < 32) {
		char s[32];
		memcpy(s, data, size);
		s[size] = '\0';
		int day = ticket_day_from_date(s);
		if (day >= 0) {
			ticket_date_from_day(day, date);
		}
	}
	return 0;
}
