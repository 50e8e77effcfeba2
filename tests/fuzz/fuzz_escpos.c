/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: what a broken or hostile printer sends back, through the escpos status
 * parser (proto_escpos.status_parse); the properties are in status_fuzz.h.
 * Corpus: tests/fuzz/corpus/escpos/. Built and run by `make fuzz`. */
#include "status_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	status_fuzz(&proto_escpos, "escpos", data, size);
	return 0;
}
