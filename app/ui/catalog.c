/* SPDX-License-Identifier: MIT */
/* Reads msgfmt's .mo files (catalog.h). The format (GNU gettext manual, "The Format of
 * GNU MO Files"): a 28-byte header of 32-bit words in the writer's byte order (magic
 * 0x950412de, revision, count N, offset of the originals table, offset of the
 * translations table, hash table size and offset); each table holds N (length, offset)
 * pairs; originals are sorted by strcmp, so a lookup is a binary search. */
#include "ui/catalog.h"

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES (8u << 20) /* a catalog of screen texts is a few kB; refuse absurd files */

struct catalog {
	char code[16];
	unsigned char *data;   /* the whole file, NUL-terminated strings inside */
	size_t size;
	uint32_t n, orig, trans;
	int swap;              /* written on a machine of the other byte order */
};

static struct catalog langs[UI_MAX_LANGS];
static int n_langs;

static uint32_t word(const struct catalog *c, size_t off)
{
	uint32_t v;
	memcpy(&v, c->data + off, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

/* Checks that entry i of the table at base points inside the file at a NUL-terminated
 * string; returns the string or NULL. */
static const char *entry(const struct catalog *c, uint32_t base, uint32_t i)
{
	size_t at = (size_t)base + (size_t)i * 8;
	uint32_t len, off;
	if (at + 8 > c->size)
		return NULL;
	len = word(c, at);
	off = word(c, at + 4);
	if ((size_t)off + len >= c->size || c->data[(size_t)off + len] != '\0')
		return NULL;
	return (const char *)c->data + off;
}

static int load_mo(struct catalog *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	long size;
	uint32_t magic;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 28 || (unsigned long)size > MO_MAX_BYTES
	    || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	c->data = malloc((size_t)size + 1);
	if (!c->data || fread(c->data, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(c->data);
		c->data = NULL;
		return -1;
	}
	fclose(f);
	c->data[size] = '\0';
	c->size = (size_t)size;
	memcpy(&magic, c->data, 4);
	c->swap = magic != MO_MAGIC;
	if (c->swap && __builtin_bswap32(magic) != MO_MAGIC)
		goto bad;
	c->n = word(c, 8);
	c->orig = word(c, 12);
	c->trans = word(c, 16);
	if ((size_t)c->n * 8 > c->size || (size_t)c->orig + (size_t)c->n * 8 > c->size
	    || (size_t)c->trans + (size_t)c->n * 8 > c->size)
		goto bad;
	return 0;
bad:
	free(c->data);
	c->data = NULL;
	return -1;
}

void ui_catalog_free(void)
{
	for (int i = 0; i < n_langs; i++)
		free(langs[i].data);
	memset(langs, 0, sizeof langs);
	n_langs = 0;
}

static int dir_has_catalogs(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/uk/LC_MESSAGES/vkhid.mo", dir);
	return access(p, R_OK) == 0;
}

/* The folder to read: see catalog.h for the order. */
static void pick_dir(const char *dir, char *out, size_t cap)
{
	char exe[PATH_MAX];
	const char *env = getenv("VKHID_LOCALEDIR");
	ssize_t n;

	if (dir) {
		snprintf(out, cap, "%s", dir);
		return;
	}
	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, cap, "%s/locale", exe) < (int)cap && dir_has_catalogs(out))
				return;
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				if (snprintf(out, cap, "%s/locale", exe) < (int)cap && dir_has_catalogs(out))
					return;
			}
		}
	}
	snprintf(out, cap, "/usr/share/locale");
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct catalog *)a)->code, ((const struct catalog *)b)->code);
}

int ui_catalog_load(const char *dir)
{
	char base[PATH_MAX - 64], path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	ui_catalog_free();
	snprintf(langs[0].code, sizeof langs[0].code, "en");
	n_langs = 1;
	pick_dir(dir, base, sizeof base);
	/* Ukrainian first after English: it is the working language of the product. */
	snprintf(path, sizeof path, "%s/uk/LC_MESSAGES/vkhid.mo", base);
	if (load_mo(&langs[1], path) == 0) {
		snprintf(langs[1].code, sizeof langs[1].code, "uk");
		n_langs = 2;
	}
	d = opendir(base);
	if (!d)
		return n_langs;
	while ((e = readdir(d)) && n_langs < UI_MAX_LANGS) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof langs[0].code
		    || strcmp(e->d_name, "uk") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/vkhid.mo", base, e->d_name) >= (int)sizeof path)
			continue;
		if (strcmp(e->d_name, "en") == 0) {
			/* English overrides of the ids, if a catalog exists */
			if (!langs[0].data)
				load_mo(&langs[0], path);
			continue;
		}
		if (access(path, R_OK) != 0 || load_mo(&langs[n_langs], path) != 0)
			continue;
		memcpy(langs[n_langs].code, e->d_name, strlen(e->d_name) + 1); /* length checked above */
		n_langs++;
	}
	closedir(d);
	/* others in name order, after English and Ukrainian */
	{
		int first = langs[1].data && strcmp(langs[1].code, "uk") == 0 ? 2 : 1;
		if (n_langs > first)
			qsort(&langs[first], (size_t)(n_langs - first), sizeof langs[0], cmp_code);
	}
	return n_langs;
}

int ui_lang_count(void)
{
	return n_langs ? n_langs : 1;
}

const char *ui_lang_code(int lang)
{
	if (lang < 0 || lang >= n_langs)
		return "en";
	return langs[lang].code;
}

int ui_lang_find(const char *code)
{
	if (!code || !*code)
		return -1;
	for (int i = 0; i < ui_lang_count(); i++) {
		const char *c = ui_lang_code(i);
		size_t n = strlen(c);
		if (strncmp(code, c, n) == 0 && (code[n] == '\0' || code[n] == '_' || code[n] == '.'
						 || code[n] == '-'))
			return i;
	}
	return -1;
}

const char *ui_tr(int lang, const char *msgid)
{
	const struct catalog *c;
	uint32_t lo = 0, hi;

	if (lang < 0 || lang >= n_langs || !msgid || !*msgid)
		return msgid;
	c = &langs[lang];
	if (!c->data)
		return msgid;
	hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *o = entry(c, c->orig, mid);
		int cmp;
		if (!o)
			return msgid;
		cmp = strcmp(msgid, o);
		if (cmp == 0) {
			const char *t = entry(c, c->trans, mid);
			return t && *t ? t : msgid;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return msgid;
}
