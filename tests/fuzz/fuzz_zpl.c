/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: what a broken or hostile printer sends back, through the zpl status
 * parser (proto_zpl.status_parse); the properties are in status_fuzz.h.
 * Corpus: tests/fuzz/corpus/zpl/. Built and run by `make fuzz`. */
#include "status_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	status_fuzz(&proto_zpl, "zpl", data, size);
	return 0;
}
