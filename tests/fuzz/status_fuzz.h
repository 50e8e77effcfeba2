/* SPDX-License-Identifier: MIT */
/* The body of the three printer status harnesses (fuzz_zpl.c, fuzz_escpos.c,
 * fuzz_brother_ql.c): bytes a broken or hostile printer sends back on USB, through one
 * protocol's status parser the way the USB driver feeds it: parse, skip a byte on "not a
 * reply", drop what a reply used, wait when more is needed. The parser must never read
 * past the bytes it was given, never use more than it was given, and always leave a
 * detail string that ends inside its buffer. */
#ifndef VK_FUZZ_STATUS_FUZZ_H
#define VK_FUZZ_STATUS_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "printer/proto.h"

/* Runs one input through p's status parser; the first byte picks the model the reply is
 * read for: one of the models of protocol name, or none (NULL). Aborts on a violation. */
static inline void status_fuzz(const struct printer_protocol *p, const char *name,
			       const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the reply. */
	uint8_t *b = malloc(size ? size : 1);
	const struct printer_model *m = NULL;
	size_t at = 0;

	if (!b)
		return;
	memcpy(b, data, size);
	if (size > 0) {
		int want = data[0] % 8;
		for (int i = 0; printer_models[i].name; i++)
			if (strcmp(printer_models[i].protocol, name) == 0 && want-- == 0)
				m = &printer_models[i];
	}
	while (at < size) {
		struct proto_reply r;
		int used = p->status_parse(m, b + at, size - at, &r);
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
}

#endif
