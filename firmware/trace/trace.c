/* SPDX-License-Identifier: MIT */
/* The VKHID_DEBUG trace (see trace.h): parsing the category list and writing lines. */
#include "trace/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

unsigned vk_trace_mask = VK_TRACE_UNREAD;

static const struct {
	const char *word;
	unsigned cat;
} cats[] = {
	{ "door", VK_TRACE_DOOR },   { "printer", VK_TRACE_PRINTER },
	{ "camera", VK_TRACE_CAMERA }, { "scan", VK_TRACE_SCAN },
	{ "sql", VK_TRACE_SQL },     { "all", VK_TRACE_ALL },
};

unsigned vk_trace_parse(const char *list)
{
	unsigned mask = 0;
	const char *p = list ? list : "";
	while (*p) {
		size_t n = strcspn(p, ", ");
		for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
			if (n == strlen(cats[i].word) && strncasecmp(p, cats[i].word, n) == 0)
				mask |= cats[i].cat;
		p += n;
		p += strspn(p, ", ");
	}
	return mask;
}

unsigned vk_trace_init(void)
{
	/* A benign race: two threads reading the same variable store the same mask. */
	unsigned m = vk_trace_parse(getenv("VKHID_DEBUG"));
	__atomic_store_n(&vk_trace_mask, m, __ATOMIC_RELAXED);
	return m;
}

static const char *cat_word(unsigned cat)
{
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
		if (cats[i].cat == cat)
			return cats[i].word;
	return "?";
}

void vk_trace_write(unsigned cat, const char *fmt, ...)
{
	char line[1024];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	gettimeofday(&tv, NULL);
	/* UTC: the kiosk switches its local zone to the event's, and traces of one run must
	 * read in one clock */
	gmtime_r(&tv.tv_sec, &tm);
	n = snprintf(line, sizeof line, "vkhid %02d:%02d:%02d.%03dZ [%s] ", tm.tm_hour, tm.tm_min,
		     tm.tm_sec, (int)(tv.tv_usec / 1000), cat_word(cat));
	if (n < 0)
		return;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2; /* a long line is cut, never split */
	line[n++] = '\n';
	/* one write(2): lines from two threads never interleave, and no stdio lock is held */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
