/* SPDX-License-Identifier: MIT */
/* The programme's rules and its CSV (see programme.h).
 *
 * The CSV is fed to libcsv one physical line at a time, so the line a row starts on is
 * known (a quoted field may hold line breaks); each row's cells go into a fixed set of
 * buffers (a cell longer than a session field can hold is a mistake of that row, not a
 * reason to stop). */
#include "core/programme.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/text.h"

int programme_check(const struct db_session *x, const struct db_event *ev, char *why,
		    size_t why_len)
{
	int64_t s, e;
	if (!x->title[0] || !text_utf8_valid(x->title, strlen(x->title))) {
		snprintf(why, why_len, "%s", _("the session needs a title (UTF-8 text)"));
		return VK_ERR_INVALID;
	}
	if (!text_utf8_valid(x->room, strlen(x->room)) ||
	    !text_utf8_valid(x->speakers, strlen(x->speakers)) ||
	    !text_utf8_valid(x->categories, strlen(x->categories))) {
		snprintf(why, why_len, "%s", _("the room, speakers and categories must be UTF-8 text"));
		return VK_ERR_INVALID;
	}
	if (clock_parse_local(x->starts, &s) != 0) {
		snprintf(why, why_len, _("the start '%s' is not a time: write YYYY-MM-DD HH:MM, e.g. 2026-11-23 09:30"),
			 x->starts);
		return VK_ERR_INVALID;
	}
	if (clock_parse_local(x->ends, &e) != 0) {
		snprintf(why, why_len, _("the end '%s' is not a time: write YYYY-MM-DD HH:MM, e.g. 2026-11-23 11:00"),
			 x->ends);
		return VK_ERR_INVALID;
	}
	if (e <= s) {
		snprintf(why, why_len, "%s", _("the session ends before it starts: check the times"));
		return VK_ERR_INVALID;
	}
	/* the dates are compared as text: both are YYYY-MM-DD */
	if (ev && ev->starts[0] && strncmp(x->starts, ev->starts, 10) < 0) {
		snprintf(why, why_len, _("the session starts before the event's first day (%s)"), ev->starts);
		return VK_ERR_INVALID;
	}
	if (ev && ev->ends[0] && strncmp(x->starts, ev->ends, 10) > 0) {
		snprintf(why, why_len, _("the session starts after the event's last day (%s)"), ev->ends);
		return VK_ERR_INVALID;
	}
	if (x->capacity < 0) {
		snprintf(why, why_len, "%s", _("the capacity is a number of seats: 0 (no limit) or more"));
		return VK_ERR_INVALID;
	}
	return VK_OK;
}

/* ---- the CSV ---------------------------------------------------------------------------- */
enum col { C_TITLE, C_ROOM, C_START, C_END, C_CAPACITY, C_SPEAKERS, C_CATEGORIES, C_COUNT };

/* the header words a column is known by (compared without letter case for Latin) */
static const char *const col_names[C_COUNT][4] = {
	[C_TITLE] = { "title", "назва", "тема", NULL },
	[C_ROOM] = { "room", "зала", "аудиторія", NULL },
	[C_START] = { "start", "starts", "початок", NULL },
	[C_END] = { "end", "ends", "кінець", NULL },
	[C_CAPACITY] = { "capacity", "місць", "місткість", NULL },
	[C_SPEAKERS] = { "speakers", "спікери", "доповідачі", NULL },
	[C_CATEGORIES] = { "categories", "категорії", NULL, NULL },
};

#define MAX_CELLS 32
#define CELL_CAP 512

struct reader {
	const struct db_event *ev;
	struct programme *p;
	size_t cap;
	int map[MAX_CELLS];        /* column of the file -> enum col, -1 = ignored */
	int have_header;
	int cur_line, row_line;
	int awaiting_row;          /* the last row ended: the next line with text starts one */
	int nf;
	char cells[MAX_CELLS][CELL_CAP];
	int too_long;              /* a cell of this row did not fit */
	int nomem;
};

static void add_error(struct programme *p, int line, const char *text)
{
	if (p->n_errors < PROGRAMME_MAX_ERRORS) {
		p->errors[p->n_errors].line = line;
		text_copy(p->errors[p->n_errors].text, sizeof p->errors[p->n_errors].text, text);
	}
	p->n_errors++;
}

static void on_field(void *s, size_t len, void *ctx)
{
	struct reader *r = ctx;
	if (r->nf < MAX_CELLS) {
		if (len >= CELL_CAP) {
			len = CELL_CAP - 1;
			r->too_long = 1;
		}
		memcpy(r->cells[r->nf], s, len);
		r->cells[r->nf][len] = '\0';
		text_trim(r->cells[r->nf]);
	}
	r->nf++;
}

static int header_col(const char *cell)
{
	char low[CELL_CAP];
	const char *p = cell;
	size_t n = 0;
	/* letter case aside, Cyrillic too ("Назва" is "назва") */
	while (*p && n + 4 < sizeof low)
		n += text_utf8_put(text_lower_cp(text_utf8_next(&p)), low + n);
	low[n] = '\0';
	for (int c = 0; c < C_COUNT; c++)
		for (int k = 0; k < 4 && col_names[c][k]; k++)
			if (strcmp(low, col_names[c][k]) == 0)
				return c;
	return -1;
}

static void take_header(struct reader *r)
{
	int seen[C_COUNT] = { 0 };
	char msg[256];
	for (int i = 0; i < MAX_CELLS; i++)
		r->map[i] = -1;
	for (int i = 0; i < r->nf && i < MAX_CELLS; i++) {
		int c = header_col(r->cells[i]);
		if (c >= 0 && !seen[c]) {
			r->map[i] = c;
			seen[c] = 1;
		}
	}
	if (!seen[C_TITLE] || !seen[C_START] || !seen[C_END]) {
		snprintf(msg, sizeof msg, "%s",
			 _("the first row must name the columns: title, room, start, end, capacity, speakers"));
		add_error(r->p, r->row_line, msg);
	}
	r->have_header = 1;
}

static void take_row(struct reader *r)
{
	struct db_session x;
	char why[256], msg[320];
	int empty = 1;
	for (int i = 0; i < r->nf && i < MAX_CELLS; i++)
		if (r->cells[i][0])
			empty = 0;
	if (empty)
		return; /* a blank line between blocks of the programme */
	memset(&x, 0, sizeof x);
	x.event_id = r->ev ? r->ev->id : 0;
	if (r->too_long) {
		add_error(r->p, r->row_line, _("a cell is too long (more than 500 bytes)"));
		return;
	}
	for (int i = 0; i < r->nf && i < MAX_CELLS; i++) {
		const char *v = r->cells[i];
		char *end;
		switch (r->map[i]) {
		case C_TITLE: snprintf(x.title, sizeof x.title, "%s", v); break;
		case C_ROOM: snprintf(x.room, sizeof x.room, "%s", v); break;
		case C_START: snprintf(x.starts, sizeof x.starts, "%.16s", v); break;
		case C_END: snprintf(x.ends, sizeof x.ends, "%.16s", v); break;
		case C_SPEAKERS: snprintf(x.speakers, sizeof x.speakers, "%s", v); break;
		case C_CATEGORIES: snprintf(x.categories, sizeof x.categories, "%s", v); break;
		case C_CAPACITY:
			if (!*v)
				break;
			errno = 0;
			x.capacity = strtoll(v, &end, 10);
			if (*end || errno || x.capacity < 0 || x.capacity > 1000000) {
				snprintf(msg, sizeof msg, _("the capacity '%s' is not a number of seats"), v);
				add_error(r->p, r->row_line, msg);
				return;
			}
			break;
		default: break;
		}
		/* a time longer than YYYY-MM-DD HH:MM was cut above: say so instead */
		if ((r->map[i] == C_START || r->map[i] == C_END) && strlen(v) > 16) {
			snprintf(msg, sizeof msg, _("'%s' is not a time: write YYYY-MM-DD HH:MM"), v);
			add_error(r->p, r->row_line, msg);
			return;
		}
	}
	if (programme_check(&x, r->ev, why, sizeof why) != VK_OK) {
		add_error(r->p, r->row_line, why);
		return;
	}
	if (r->p->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		void *q = realloc(r->p->sessions, ncap * sizeof *r->p->sessions);
		if (!q) {
			r->nomem = 1;
			return;
		}
		r->p->sessions = q;
		r->cap = ncap;
	}
	r->p->sessions[r->p->n++] = x;
}

static void on_row(int c, void *ctx)
{
	struct reader *r = ctx;
	(void)c;
	if (!r->have_header)
		take_header(r);
	else
		take_row(r);
	r->nf = 0;
	r->too_long = 0;
	r->awaiting_row = 1;
}

int programme_read_csv(const char *path, const struct db_event *ev, struct programme *p,
		       char *why, size_t why_len)
{
	struct reader *r = NULL;
	struct csv_parser parser;
	char *data = NULL;
	size_t len = 0, off;
	FILE *f;
	int rc = VK_OK, semis = 0, commas = 0;

	memset(p, 0, sizeof *p);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(why, why_len, _("cannot read %s: %s"), path, strerror(errno));
		return VK_ERR_IO;
	}
	data = malloc(PROGRAMME_MAX_BYTES + 1);
	if (!data) {
		fclose(f);
		return VK_ERR_NOMEM;
	}
	len = fread(data, 1, PROGRAMME_MAX_BYTES + 1, f);
	fclose(f);
	if (len > PROGRAMME_MAX_BYTES) {
		snprintf(why, why_len, _("%s is larger than %u MB: is it really a programme?"), path,
			 PROGRAMME_MAX_BYTES >> 20);
		free(data);
		return VK_ERR_INVALID;
	}
	data[len] = '\0'; /* the blank-line test below reads up to a NUL */
	off = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	if (!text_utf8_valid(data + off, len - off)) {
		snprintf(why, why_len, "%s", _("the file is not UTF-8 text: save it from the spreadsheet as "
					       "\"CSV UTF-8\""));
		free(data);
		return VK_ERR_INVALID;
	}
	/* the separator: whichever of ';' and ',' the header line has more of */
	for (size_t i = off; i < len && data[i] != '\n'; i++) {
		semis += data[i] == ';';
		commas += data[i] == ',';
	}
	r = calloc(1, sizeof *r);
	if (!r || csv_init(&parser, CSV_APPEND_NULL) != 0) {
		free(r);
		free(data);
		return VK_ERR_NOMEM;
	}
	csv_set_delim(&parser, semis > commas ? ';' : ',');
	r->ev = ev;
	r->p = p;
	r->cur_line = 1;
	r->awaiting_row = 1;
	/* one physical line at a time: a row starts on the first line with text after the
	 * last row ended (libcsv skips blank lines, and calls back for a field only when it
	 * ends, which for a quoted line break is lines later) */
	while (off < len && !r->nomem) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t piece = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
		if (r->awaiting_row && strspn(data + off, "\r\n") < piece) {
			r->row_line = r->cur_line;
			r->awaiting_row = 0;
		}
		if (csv_parse(&parser, data + off, piece, on_field, on_row, r) != piece) {
			snprintf(why, why_len, _("line %d: the file cannot be read as CSV (%s)"), r->cur_line,
				 csv_strerror(csv_error(&parser)));
			rc = VK_ERR_INVALID;
			break;
		}
		off += piece;
		r->cur_line++;
	}
	if (rc == VK_OK)
		csv_fini(&parser, on_field, on_row, r);
	csv_free(&parser);
	if (rc == VK_OK && r->nomem)
		rc = VK_ERR_NOMEM;
	if (rc == VK_OK && !r->have_header) {
		snprintf(why, why_len, "%s", _("the file is empty: the first row names the columns "
					       "(title, room, start, end, capacity, speakers)"));
		rc = VK_ERR_INVALID;
	}
	free(r);
	free(data);
	return rc;
}

void programme_free(struct programme *p)
{
	free(p->sessions);
	p->sessions = NULL;
	p->n = 0;
}
