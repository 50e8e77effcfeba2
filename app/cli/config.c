/* SPDX-License-Identifier: MIT */
/* /etc/vkhid/vkhid.conf and the matching flags (see config.h). libinih splits the file
 * into sections and "name = value" pairs; we feed it the lines ourselves so that we know
 * each line's number (Debian's libinih is built without INI_HANDLER_LINENO) and so that
 * every mistake is reported, not only the first: a line inih would reject is reported
 * here and handed to inih as an empty line. */
#include "cli/config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "camera/camera.h"
#include "core/err.h"
#include "core/i18n.h"
#include "gpio/gpio.h"
#include "printer/printer.h"

const struct config_key config_keys[] = {
	{ "kiosk", "camera", "--camera", "SPEC" },
	{ "kiosk", "printer", "--printer", "SPEC" },
	{ "kiosk", "template", "--template", "NAME|FILE" },
	{ "kiosk", "language", "--lang", "uk|en" },
	{ "kiosk", "database", "--db", "/PATH/vkhid.db" },
	{ "screen", "rotation", "--rotation", "landscape|portrait|0|90|180|270" },
	{ "screen", "size", "--size", "WIDTHxHEIGHT" },
	{ "screen", "fullscreen", "--fullscreen", "yes|no" },
	{ "hub", "address", "--hub", "https://HOST[:PORT]" },
	{ "light", "pins", "--light", "gpiod:CHIP:green=N,red=N,amber=N,buzzer=N | none" },
	{ NULL, NULL, NULL, NULL },
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->camera, sizeof cfg->camera, "auto");
	snprintf(cfg->printer, sizeof cfg->printer, "usb");
	snprintf(cfg->database, sizeof cfg->database, "/var/lib/vkhid/vkhid.db");
	snprintf(cfg->light, sizeof cfg->light, "none");
	cfg->fullscreen = 1;
}

static void add(struct config_report *rep, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add(struct config_report *rep, int line, const char *fmt, ...)
{
	va_list ap;
	if (rep->n >= CONFIG_MAX_PROBLEMS) {
		rep->more++;
		return;
	}
	rep->p[rep->n].line = line;
	va_start(ap, fmt);
	vsnprintf(rep->p[rep->n].text, sizeof rep->p[rep->n].text, fmt, ap);
	va_end(ap);
	rep->n++;
}

static void say(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;
	if (!why || !why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

/* The driver names of a spec table, for "known: ..." */
static int known_driver(const char *spec, int camera, char *known, size_t len)
{
	size_t n = strcspn(spec, ":"), used = 0;
	int found = 0;
	known[0] = '\0';
	for (int i = 0;; i++) {
		const char *name = camera ? (camera_drivers[i] ? camera_drivers[i]->name : NULL)
					  : (printer_drivers[i] ? printer_drivers[i]->name : NULL);
		if (!name)
			break;
		if (strlen(name) == n && strncmp(name, spec, n) == 0)
			found = 1;
		if (used < len)
			used += (size_t)snprintf(known + used, len - used, "%s%s", used ? ", " : "", name);
	}
	return found;
}

static int yes_no(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Copies v into dst[CONFIG_VALUE_MAX] or says why not. */
static int take(char *dst, size_t cap, const char *v, char *why, size_t why_len)
{
	if (!*v) {
		say(why, why_len, "%s", _("the value is empty: write one after the =, or delete the line"));
		return VK_ERR_INVALID;
	}
	if (strlen(v) >= cap) {
		say(why, why_len, _("the value is too long (at most %d characters)"), (int)cap - 1);
		return VK_ERR_INVALID;
	}
	memcpy(dst, v, strlen(v) + 1);
	return VK_OK;
}

int config_set(struct config *cfg, const char *name, const char *value, char *why, size_t why_len)
{
	char known[256], reason[256];
	const char *v = value ? value : "";

	if (why && why_len)
		why[0] = '\0';
	if (strcmp(name, "camera") == 0 || strcmp(name, "printer") == 0) {
		int cam = name[0] == 'c';
		if (*v && !known_driver(v, cam, known, sizeof known)) {
			say(why, why_len, cam ? _("unknown camera '%s' (known: %s)") : _("unknown printer '%s' (known: %s)"),
			    v, known);
			return VK_ERR_INVALID;
		}
		return take(cam ? cfg->camera : cfg->printer, CONFIG_VALUE_MAX, v, why, why_len);
	}
	if (strcmp(name, "template") == 0)
		return take(cfg->template_name, sizeof cfg->template_name, v, why, why_len);
	if (strcmp(name, "language") == 0) {
		if (strcmp(v, "uk") != 0 && strcmp(v, "en") != 0) {
			say(why, why_len, "%s", _("the language is uk or en"));
			return VK_ERR_INVALID;
		}
		return take(cfg->language, sizeof cfg->language, v, why, why_len);
	}
	if (strcmp(name, "database") == 0) {
		if (v[0] != '/') {
			say(why, why_len, "%s", _("the database is a full path, such as /var/lib/vkhid/vkhid.db"));
			return VK_ERR_INVALID;
		}
		return take(cfg->database, sizeof cfg->database, v, why, why_len);
	}
	if (strcmp(name, "rotation") == 0) {
		static const struct { const char *word; int deg; } rot[] = {
			{ "landscape", 0 }, { "portrait", 90 }, { "0", 0 }, { "90", 90 },
			{ "180", 180 }, { "270", 270 },
		};
		for (size_t i = 0; i < sizeof rot / sizeof rot[0]; i++)
			if (strcmp(v, rot[i].word) == 0) {
				cfg->rotation = rot[i].deg;
				cfg->portrait = rot[i].deg % 180 != 0;
				return VK_OK;
			}
		say(why, why_len, "%s", _("the rotation is landscape or portrait (or 0, 90, 180, 270 degrees)"));
		return VK_ERR_INVALID;
	}
	if (strcmp(name, "size") == 0) {
		int w, h, end = 0;
		if (sscanf(v, "%5dx%5d%n", &w, &h, &end) != 2 || v[end] || w < 320 || h < 240 || w > 8192 || h > 8192) {
			say(why, why_len, "%s", _("the size is WIDTHxHEIGHT in pixels, such as 800x480"));
			return VK_ERR_INVALID;
		}
		cfg->width = w;
		cfg->height = h;
		return VK_OK;
	}
	if (strcmp(name, "fullscreen") == 0) {
		int b = yes_no(v);
		if (b < 0) {
			say(why, why_len, "%s", _("fullscreen is yes or no"));
			return VK_ERR_INVALID;
		}
		cfg->fullscreen = b;
		return VK_OK;
	}
	if (strcmp(name, "address") == 0) {
		if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) || strpbrk(v, " \t")) {
			say(why, why_len, "%s", _("the hub address starts with https:// (or http://), such as https://hub.example.org:8443"));
			return VK_ERR_INVALID;
		}
		return take(cfg->hub, sizeof cfg->hub, v, why, why_len);
	}
	if (strcmp(name, "pins") == 0) {
		if (!*v || gpio_spec_check(v, reason, sizeof reason) != GPIO_OK) {
			say(why, why_len, _("the light and buzzer: %s"), *v ? reason : "none");
			return VK_ERR_INVALID;
		}
		return take(cfg->light, sizeof cfg->light, v, why, why_len);
	}
	return VK_ERR_NOT_FOUND;
}

int config_flag(struct config *cfg, const char *flag, const char *value, char *why, size_t why_len)
{
	if (strcmp(flag, "--fullscreen") == 0 || strcmp(flag, "--windowed") == 0)
		return config_set(cfg, "fullscreen", flag[2] == 'f' ? "yes" : "no", why, why_len);
	for (const struct config_key *k = config_keys; k->name; k++)
		if (strcmp(k->flag, flag) == 0)
			return config_set(cfg, k->name, value, why, why_len);
	return VK_ERR_NOT_FOUND;
}

/* ---- reading the file ------------------------------------------------------------------ */
struct reader {
	const char *p, *end;
	int line;                 /* number of the line last handed to inih */
	int section_ok;           /* the current section is one we know (or none yet) */
	struct config *cfg;
	struct config_report *rep;
};

static const char *const sections[] = { "kiosk", "screen", "hub", "light" };

static int section_known(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
		if (strlen(sections[i]) == n && strncmp(sections[i], name, n) == 0)
			return 1;
	return 0;
}

static void problem(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct reader *r, const char *fmt, ...)
{
	char text[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	add(r->rep, r->line, "%s", text);
}

/* inih's reader: hands over one line at a time (at most num - 1 bytes and its newline),
 * checked first; a bad line is reported and replaced by an empty one. */
static char *next_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	if (r->p >= r->end)
		return NULL;
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	const char *stop = nl ? nl : r->end;
	const char *s = r->p;
	size_t len = (size_t)(stop - s);
	r->p = nl ? nl + 1 : r->end;
	r->line++;
	str[0] = '\n';
	str[1] = '\0';
	if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3; /* a byte-order mark, as Windows Notepad writes */
		len -= 3;
	}
	if (len && s[len - 1] == '\r')
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (memchr(s, '\0', len)) {
		problem(r, "%s", _("this line is not text (it holds a zero byte): retype it"));
		return str;
	}
	if (len + 2 > (size_t)num) {
		problem(r, _("this line is longer than %d characters: shorten it"), num - 2);
		return str;
	}
	if (len == 0 || *s == ';' || *s == '#') {
		memcpy(str, s, len);
		str[len] = '\n';
		str[len + 1] = '\0';
		return str;
	}
	if (*s == '[') {
		const char *close = memchr(s, ']', len);
		if (!close) {
			problem(r, "%s", _("a section name needs its closing ], such as [kiosk]"));
			return str;
		}
		char name[64];
		size_t n = (size_t)(close - s - 1);
		r->section_ok = section_known(s + 1, n);
		if (!r->section_ok) {
			snprintf(name, sizeof name, "%.*s", (int)(n < 40 ? n : 40), s + 1);
			problem(r, _("unknown section [%s] (known: [kiosk], [screen], [hub], [light])"), name);
		}
	} else {
		const char *eq = memchr(s, '=', len), *colon = memchr(s, ':', len);
		size_t key = eq && (!colon || eq < colon) ? (size_t)(eq - s) : colon ? (size_t)(colon - s) : len;
		if (key >= len) {
			problem(r, "%s", _("this line is not 'name = value', a [section] or a comment"));
			return str;
		}
		size_t k = key;
		while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k == 0) {
			problem(r, "%s", _("a setting has no name before its ="));
			return str;
		}
	}
	memcpy(str, s, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	char why[300], known[160];
	size_t used = 0;
	const struct config_key *hit = NULL;

	if (!r->section_ok)
		return 1; /* its section was reported already */
	for (const struct config_key *k = config_keys; k->name; k++) {
		if ((!*section || strcmp(k->section, section) == 0) && strcmp(k->name, name) == 0) {
			hit = k;
			break;
		}
	}
	if (!hit) {
		known[0] = '\0';
		for (const struct config_key *k = config_keys; k->name; k++)
			if ((!*section || strcmp(k->section, section) == 0) && used < sizeof known)
				used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
							 used ? ", " : "", k->name);
		char nm[48];
		snprintf(nm, sizeof nm, "%.40s", name);
		problem(r, _("unknown setting '%s' (known here: %s)"), nm, known);
		return 1;
	}
	if (config_set(r->cfg, hit->name, value, why, sizeof why) != VK_OK)
		problem(r, "%s: %s", hit->name, why);
	return 1;
}

int config_parse(const char *text, size_t len, struct config *cfg, struct config_report *rep)
{
	struct reader r = { .p = text, .end = text + len, .section_ok = 1, .cfg = cfg, .rep = rep };
	int bad = ini_parse_stream(next_line, &r, on_pair, &r);
	if (bad > 0) {
		int already = 0;
		for (int i = 0; i < rep->n; i++)
			already |= rep->p[i].line == bad;
		if (!already)
			add(rep, bad, "%s", _("this line is not 'name = value', a [section] or a comment"));
	}
	return VK_OK;
}

int config_load(const char *path, struct config *cfg, struct config_report *rep)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return VK_ERR_NOT_FOUND;
		add(rep, 0, _("cannot read the file: %s"), strerror(errno));
		return VK_ERR_IO;
	}
	char *buf = malloc(CONFIG_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, CONFIG_FILE_MAX + 1, f) : 0;
	int err = !buf || ferror(f);
	fclose(f);
	if (err || n > CONFIG_FILE_MAX) {
		if (err)
			add(rep, 0, _("cannot read the file: %s"), strerror(buf ? EIO : ENOMEM));
		else
			add(rep, 0, _("the file is larger than %d KiB: is it the right file?"), CONFIG_FILE_MAX / 1024);
		free(buf);
		return VK_ERR_IO;
	}
	config_parse(buf, n, cfg, rep);
	free(buf);
	return VK_OK;
}

void config_report_print(const struct config_report *rep, const char *path, FILE *out)
{
	if (!rep->n && !rep->more)
		return;
	for (int i = 0; i < rep->n; i++) {
		if (rep->p[i].line)
			fprintf(out, _("%s, line %d: %s\n"), path, rep->p[i].line, rep->p[i].text);
		else
			fprintf(out, "%s: %s\n", path, rep->p[i].text);
	}
	if (rep->more)
		fprintf(out, _("%s: more mistakes not shown here: %d\n"), path, rep->more);
	fprintf(out, "%s\n", _("The kiosk starts with the default for each of these settings."));
}
