/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: bytes a broken or hostile printer sends back on USB, through the
 * brother_ql status parser (proto_brother_ql.status_parse), the way the USB driver feeds it: parse,
 * skip a byte on "not a reply", drop what a reply used, wait when more is needed. The
 * parser must never read past the bytes it was given, never use more than it was given,
 * and always leave a detail string that ends inside its buffer.
 * Corpus: tests/fuzz/corpus/brother_ql/. Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the reply. */
	uint8_t *b = malloc(size ? size : 1);
	const struct printer_model *m = NULL;
	size_t at = 0;

	if (!b)
		return 0;
	memcpy(b, data, size);
	/* The first byte picks the model the reply is read for: one of this protocol's, or
	 * none (NULL). */
	if (size > 0) {
		int want = data[0] % 8;
		for (int i = 0; printer_models[i].name; i++)
			if (strcmp(printer_models[i].protocol, "brother_ql") == 0 && want-- == 0)
				m = &printer_models[i];
	}
	while (at < size) {
		struct proto_reply r;
		int used = proto_brother_ql.status_parse(m, b + at, size - at, &r);
		if (used == PRINTER_ERR_INVALID) {
			at++;
			continue;
		}
		if (used < 0 || (size_t)used > size - at)
			abort();
		if (used == 0)
			break; /* the driver would wait for more bytes */
		if (!memchr(r.st.detail, '\0', sizeof r.st.detail))
			abort();
		at += (size_t)used;
	}
	free(b);
	return 0;
}
