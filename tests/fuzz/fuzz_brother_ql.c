/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: what a broken or hostile printer sends back, through the brother_ql status
 * parser (proto_brother_ql.status_parse); the properties are in status_fuzz.h.
 * Corpus: tests/fuzz/corpus/brother_ql/. Built and run by `make fuzz`. */
#include "status_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	status_fuzz(&proto_brother_ql, "brother_ql", data, size);
	return 0;
}
