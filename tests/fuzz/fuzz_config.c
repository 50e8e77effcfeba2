/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the vkhid.conf reader (app/cli/config.c): any bytes as a settings
 * file. The reader must never crash, read out of bounds or leak, every problem must carry
 * a line inside the file, and whatever it accepted must be a value the kiosk can use
 * (NUL-terminated, within the struct). Seeds: tests/fuzz/corpus/config/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct config_report rep;
	int lines = 1;

	if (size > CONFIG_FILE_MAX)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	config_defaults(&cfg);
	memset(&rep, 0, sizeof rep);
	config_parse((const char *)data, size, &cfg, &rep);
	if (rep.n < 0 || rep.n > CONFIG_MAX_PROBLEMS || rep.more < 0)
		abort();
	for (int i = 0; i < rep.n; i++) {
		if (rep.p[i].line < 1 || rep.p[i].line > lines)
			abort();
		if (!memchr(rep.p[i].text, '\0', sizeof rep.p[i].text) || !rep.p[i].text[0])
			abort();
	}
	if (!memchr(cfg.camera, '\0', sizeof cfg.camera) || !memchr(cfg.light, '\0', sizeof cfg.light) ||
	    !memchr(cfg.language, '\0', sizeof cfg.language) || !memchr(cfg.hub, '\0', sizeof cfg.hub))
		abort();
	if (cfg.language[0] && strcmp(cfg.language, "uk") != 0 && strcmp(cfg.language, "en") != 0)
		abort();
	if (cfg.width && (cfg.width < 320 || cfg.width > 8192 || cfg.height < 240 || cfg.height > 8192))
		abort();
	return 0;
}
