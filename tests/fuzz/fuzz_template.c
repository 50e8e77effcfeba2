/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: badge template text (a file an organizer edits, or downloads from
 * someone) through badge_template_parse(), then the printer geometry of what it accepts.
 * A refused template must say why; an accepted one must have sane sizes.
 * Corpus: tests/fuzz/corpus/template/. Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "badge/badge.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct badge_template t;
	struct printer_geometry g;
	char why[256];
	char *text;

	if (size > 65536) /* badge_template_load() reads at most 64 KiB */
		return 0;
	if (!(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	why[0] = '\0';
	int rc = badge_template_parse(text, "/nonexistent", &t, why, sizeof why);
	if (rc != VK_OK && why[0] == '\0')
		abort(); /* refused without saying why */
	if (rc == VK_OK)
		badge_template_geometry(&t, &g);
	free(text);
	return 0;
}
