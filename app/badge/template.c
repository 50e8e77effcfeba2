/* SPDX-License-Identifier: MIT */
/* Badge templates: a small text file per event, or a built-in, saying which stock is
 * loaded and which fields go on the badge. One directive a line, '#' starts a comment,
 * sizes in millimetres (text sizes are cap heights, what the eye reads as "size"):
 *
 *   stock 62x100                 62x100 | 62 | 62-red | 102x152 | 102 | 80 (receipt)
 *   length 90                    endless stock (62, 62-red, 102, 80): the label's length
 *   margin 2.5
 *   event 2.2 | off              the event's name at the top
 *   logo FILE [height 12]        a PNG, dithered; path relative to the template file
 *   name 9.3 [min 5.1] [family-line]   shrinks to fit, then two lines; family-line puts
 *                                the family name on a line of its own
 *   organization 3.4 | off
 *   category band|inverse|text|off [size 4.2] [height 9]
 *   category-for "Спікер" band|inverse|text|off [TEXT]   per category: style, and the
 *                                text printed instead (e.g. SPEAKER · СПІКЕР)
 *   qr ticket|contact|off [size 30]   the ticket's code, or a MECARD with name, org, email
 *   red category logo ...        on black/red stock (62-red, DK-22251): parts in red
 *
 * Errors name the line and what is wrong; a template that parses always renders or says
 * why (no room left for the name). */
#include "badge/badge.h"

#include "core/err.h"
#include "core/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEMPLATE_MAX_BYTES 65536

const char *const badge_template_names[] = { "62x100", "62", "62-red", "102x152", "80", NULL };

static void base_62x100(struct badge_template *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "62x100");
	t->media = (struct printer_media){ 62, 100, 0 };
	t->margin_mm = 2.5;
	t->event_mm = 2.2;
	t->name_mm = 9.3;
	t->name_min_mm = 5.1;
	t->org_mm = 3.4;
	t->cat_style = BADGE_CAT_BAND;
	t->cat_mm = 4.2;
	t->band_mm = 9;
	t->qr = BADGE_QR_TICKET;
	t->qr_mm = 30;
	t->logo_mm = 10;
}

int badge_template_builtin(const char *name, struct badge_template *t)
{
	if (!t)
		return VK_ERR_INVALID;
	base_62x100(t);
	if (!name || strcmp(name, "62x100") == 0)
		return VK_OK;
	snprintf(t->name, sizeof(t->name), "%s", name);
	if (strcmp(name, "62") == 0 || strcmp(name, "62-red") == 0) {
		t->media = (struct printer_media){ 62, 0, strcmp(name, "62-red") == 0 };
		t->length_mm = 90;
		t->qr_mm = 26;
		if (t->media.two_colour)
			t->red = BADGE_PART_CATEGORY | BADGE_PART_EVENT;
		return VK_OK;
	}
	if (strcmp(name, "102x152") == 0) {
		t->media = (struct printer_media){ 102, 152, 0 };
		t->margin_mm = 4;
		t->event_mm = 3.5;
		t->name_mm = 14;
		t->name_min_mm = 7;
		t->family_line = 1;
		t->org_mm = 5;
		t->cat_mm = 7;
		t->band_mm = 15;
		t->qr_mm = 40;
		t->logo_mm = 16;
		return VK_OK;
	}
	if (strcmp(name, "80") == 0) {
		t->media = (struct printer_media){ 80, 0, 0 };
		t->length_mm = 100;
		t->margin_mm = 2;
		t->event_mm = 3;
		t->name_mm = 8;
		t->name_min_mm = 4;
		t->org_mm = 3.2;
		t->cat_style = BADGE_CAT_INVERSE;
		t->cat_mm = 4;
		t->band_mm = 8;
		t->qr_mm = 30;
		return VK_OK;
	}
	return VK_ERR_NOT_FOUND;
}

int badge_template_geometry(const struct badge_template *t, struct printer_geometry *g)
{
	const char *usual = t->media.width_mm == 80 ? "TM-T20"
			    : t->media.width_mm > 62 ? "QL-1110NWB" : "QL-820NWB";
	int rc = printer_model_geometry(printer_model_find(usual), &t->media, g);
	return rc == PRINTER_OK ? VK_OK : VK_ERR_INVALID;
}

/* ---- parsing ------------------------------------------------------------------------- */
struct cursor {
	char *p;
	int line;
	int length_line;        /* where the stock or its length was given, for the last check */
	char *why;
	size_t why_len;
};

static int fail(struct cursor *c, const char *fmt, const char *arg)
{
	if (c->why_len) {
		int n = snprintf(c->why, c->why_len, _("line %d: "), c->line);
		if (n > 0 && (size_t)n < c->why_len)
			snprintf(c->why + n, c->why_len - (size_t)n, fmt, arg ? arg : "");
	}
	return VK_ERR_INVALID;
}

/* The next word of the line (a "quoted string" may hold spaces), or NULL at its end. */
static char *word(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
	if (!*c->p)
		return NULL;
	char *w = c->p;
	if (*w == '"') {
		w++;
		char *end = strchr(w, '"');
		if (!end)
			end = w + strlen(w);
		c->p = *end ? end + 1 : end;
		*end = '\0';
		return w;
	}
	while (*c->p && *c->p != ' ' && *c->p != '\t')
		c->p++;
	if (*c->p)
		*c->p++ = '\0';
	return w;
}

/* The rest of the line, trimmed, or "". */
static char *rest(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
	char *r = c->p;
	size_t n = strlen(r);
	while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
		r[--n] = '\0';
	if (n >= 2 && r[0] == '"' && r[n - 1] == '"') {
		r[n - 1] = '\0';
		r++;
	}
	c->p += strlen(c->p);
	return r;
}

/* A size in mm: a number in (0, 500]. */
static int size_mm(struct cursor *c, const char *w, double *out)
{
	char *end;
	if (!w)
		return fail(c, _("a size in millimetres is missing"), NULL);
	errno = 0;
	double v = strtod(w, &end);
	if (errno || *end || !(v > 0 && v <= 500))
		return fail(c, _("\"%s\" is not a size in millimetres"), w);
	*out = v;
	return VK_OK;
}

static int cat_style(struct cursor *c, const char *w, enum badge_cat_style *s)
{
	if (w && strcmp(w, "band") == 0)
		*s = BADGE_CAT_BAND;
	else if (w && strcmp(w, "inverse") == 0)
		*s = BADGE_CAT_INVERSE;
	else if (w && strcmp(w, "text") == 0)
		*s = BADGE_CAT_TEXT;
	else if (w && strcmp(w, "off") == 0)
		*s = BADGE_CAT_OFF;
	else
		return fail(c, _("category style \"%s\": use band, inverse, text or off"), w);
	return VK_OK;
}

static int parse_stock(struct cursor *c, const char *w, struct badge_template *t)
{
	static const struct { const char *name; struct printer_media m; double length; } stocks[] = {
		{ "62x100", { 62, 100, 0 }, 0 }, { "62", { 62, 0, 0 }, 90 },
		{ "62-red", { 62, 0, 1 }, 90 }, { "102x152", { 102, 152, 0 }, 0 },
		{ "102", { 102, 0, 0 }, 152 }, { "80", { 80, 0, 0 }, 100 },
	};
	for (size_t i = 0; w && i < sizeof(stocks) / sizeof(stocks[0]); i++) {
		if (strcmp(stocks[i].name, w) != 0)
			continue;
		t->media = stocks[i].m;
		if (!t->length_mm)
			t->length_mm = stocks[i].length;
		return VK_OK;
	}
	return fail(c, _("unknown stock \"%s\": use 62x100, 62, 62-red, 102x152, 102 or 80"), w);
}

/* "size N", "height N", "min N" options after a directive. */
static int options(struct cursor *c, double *size, double *height, double *min, int *family)
{
	char *w;
	while ((w = word(c))) {
		double *dst = strcmp(w, "size") == 0 ? size : strcmp(w, "height") == 0 ? height
			      : strcmp(w, "min") == 0 ? min : NULL;
		if (family && strcmp(w, "family-line") == 0) {
			*family = 1;
			continue;
		}
		if (!dst)
			return fail(c, _("unexpected \"%s\""), w);
		int rc = size_mm(c, word(c), dst);
		if (rc)
			return rc;
	}
	return VK_OK;
}

static int directive(struct cursor *c, const char *base_dir, struct badge_template *t)
{
	char *d = word(c), *w;
	int rc = VK_OK;

	if (!d)
		return VK_OK;
	if (strcmp(d, "stock") == 0 || strcmp(d, "length") == 0)
		c->length_line = c->line;
	if (strcmp(d, "stock") == 0)
		return parse_stock(c, word(c), t);
	if (strcmp(d, "length") == 0)
		return size_mm(c, word(c), &t->length_mm);
	if (strcmp(d, "margin") == 0)
		return size_mm(c, word(c), &t->margin_mm);
	if (strcmp(d, "event") == 0 || strcmp(d, "organization") == 0) {
		double *v = d[0] == 'e' ? &t->event_mm : &t->org_mm;
		w = word(c);
		if (w && strcmp(w, "off") == 0) {
			*v = 0;
			return VK_OK;
		}
		if ((rc = size_mm(c, w, v)))
			return rc;
		return options(c, v, NULL, NULL, NULL);
	}
	if (strcmp(d, "name") == 0) {
		if ((rc = size_mm(c, word(c), &t->name_mm)))
			return rc;
		if ((rc = options(c, &t->name_mm, NULL, &t->name_min_mm, &t->family_line)))
			return rc;
		if (t->name_min_mm > t->name_mm)
			t->name_min_mm = t->name_mm;
		return VK_OK;
	}
	if (strcmp(d, "category") == 0) {
		if ((rc = cat_style(c, word(c), &t->cat_style)))
			return rc;
		return options(c, &t->cat_mm, &t->band_mm, NULL, NULL);
	}
	if (strcmp(d, "category-for") == 0) {
		struct badge_cat_rule r = { 0 };
		if (t->nrules >= BADGE_MAX_RULES)
			return fail(c, _("too many category-for lines (at most 16)"), NULL);
		w = word(c);
		if (!w || !*w)
			return fail(c, _("category-for needs a category"), NULL);
		snprintf(r.match, sizeof(r.match), "%s", w);
		if ((rc = cat_style(c, word(c), &r.style)))
			return rc;
		snprintf(r.text, sizeof(r.text), "%s", rest(c));
		t->rules[t->nrules++] = r;
		return VK_OK;
	}
	if (strcmp(d, "qr") == 0) {
		w = word(c);
		if (w && strcmp(w, "ticket") == 0)
			t->qr = BADGE_QR_TICKET;
		else if (w && strcmp(w, "contact") == 0)
			t->qr = BADGE_QR_CONTACT;
		else if (w && strcmp(w, "off") == 0)
			t->qr = BADGE_QR_OFF;
		else
			return fail(c, _("qr \"%s\": use ticket, contact or off"), w);
		return options(c, &t->qr_mm, NULL, NULL, NULL);
	}
	if (strcmp(d, "logo") == 0) {
		w = word(c);
		if (!w || !*w)
			return fail(c, _("logo needs a PNG file"), NULL);
		if (w[0] == '/' || !base_dir || !*base_dir)
			snprintf(t->logo, sizeof(t->logo), "%s", w);
		else
			snprintf(t->logo, sizeof(t->logo), "%.500s/%.500s", base_dir, w);
		return options(c, NULL, &t->logo_mm, NULL, NULL);
	}
	if (strcmp(d, "red") == 0) {
		static const struct { const char *w; unsigned bit; } parts[] = {
			{ "event", BADGE_PART_EVENT }, { "name", BADGE_PART_NAME },
			{ "organization", BADGE_PART_ORG }, { "category", BADGE_PART_CATEGORY },
			{ "logo", BADGE_PART_LOGO }, { "qr", BADGE_PART_QR },
		};
		t->red = 0;
		while ((w = word(c))) {
			size_t i;
			for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
				if (strcmp(parts[i].w, w) == 0)
					break;
			if (i == sizeof(parts) / sizeof(parts[0]))
				return fail(c, _("red \"%s\": use event, name, organization, category, "
					    "logo or qr"), w);
			t->red |= parts[i].bit;
		}
		return VK_OK;
	}
	return fail(c, _("unknown directive \"%s\""), d);
}

int badge_template_parse(const char *text, const char *base_dir, struct badge_template *t,
			 char *why, size_t why_len)
{
	struct cursor c = { .why = why, .why_len = why_len };
	char *copy;
	int rc = VK_OK;

	if (why_len)
		why[0] = '\0';
	if (!text || !t)
		return VK_ERR_INVALID;
	base_62x100(t);
	snprintf(t->name, sizeof(t->name), "custom");
	copy = strdup(text);
	if (!copy)
		return VK_ERR_NOMEM;
	for (char *line = copy, *next; line && rc == VK_OK; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c.line++;
		char *hash = strchr(line, '#');
		/* '#' inside quotes is text ("category-for "#1 team""), elsewhere a comment. */
		if (hash) {
			int quotes = 0;
			for (char *q = line; q < hash; q++)
				quotes += *q == '"';
			if (quotes % 2 == 0)
				*hash = '\0';
		}
		line[strcspn(line, "\r")] = '\0';
		c.p = line;
		rc = directive(&c, base_dir, t);
		if (rc == VK_OK && word(&c))
			rc = fail(&c, "too many words", NULL);
	}
	free(copy);
	if (rc == VK_OK && t->media.length_mm == 0 && !(t->length_mm >= 20)) {
		c.line = c.length_line;
		rc = fail(&c, "endless stock needs a label length of at least 20 mm (length N)", NULL);
	}
	if (rc == VK_OK && t->media.two_colour == 0)
		t->red = 0;
	return rc;
}

int badge_template_load(const char *path, struct badge_template *t, char *why, size_t why_len)
{
	char *buf = NULL, *dir = NULL;
	FILE *f = fopen(path, "rb");
	int rc;

	if (why_len)
		why[0] = '\0';
	if (!f) {
		if (why_len)
			snprintf(why, why_len, _("cannot read %s: %s"), path, strerror(errno));
		return errno == ENOENT ? VK_ERR_NOT_FOUND : VK_ERR_IO;
	}
	buf = malloc(TEMPLATE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return VK_ERR_NOMEM;
	}
	size_t n = fread(buf, 1, TEMPLATE_MAX_BYTES + 1, f);
	fclose(f);
	if (n > TEMPLATE_MAX_BYTES) {
		free(buf);
		if (why_len)
			snprintf(why, why_len, _("%s is larger than 64 KiB: not a template"), path);
		return VK_ERR_INVALID;
	}
	buf[n] = '\0';
	dir = strdup(path);
	if (!dir) {
		free(buf);
		return VK_ERR_NOMEM;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, strlen(dir) + 1, ".");
	rc = badge_template_parse(buf, dir, t, why, why_len);
	if (rc == VK_OK) {
		const char *base = strrchr(path, '/');
		snprintf(t->name, sizeof(t->name), "%s", base ? base + 1 : path);
	}
	free(buf);
	free(dir);
	return rc;
}
