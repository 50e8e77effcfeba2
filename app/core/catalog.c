/* SPDX-License-Identifier: MIT */
/* The gettext catalogs (i18n.h): finds and reads msgfmt's .mo files once, and looks texts
 * up in them. The format (GNU gettext manual, "The Format of GNU MO Files"): a 28-byte
 * header of 32-bit words in the writer's byte order (magic 0x950412de, revision, count N,
 * offset of the originals table, offset of the translations table, hash table size and
 * offset); each table holds N (length, offset) pairs; originals are sorted by strcmp, so a
 * lookup is a binary search.
 *
 * Loading is guarded by a mutex and published through an atomic flag: the first lookup
 * from any thread loads the default place, later lookups only read. */
#include "core/i18n.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES (8u << 20) /* a catalog of all texts is tens of kB; refuse absurd files */

struct catalog {
	char code[16];
	unsigned char *data;   /* the whole file, NUL-terminated strings inside */
	size_t size;
	uint32_t n, orig, trans;
	int swap;              /* written on a machine of the other byte order */
};

static struct catalog langs[I18N_MAX_LANGS];
static int n_langs;
/* 1 once langs[] is filled in; lookups read langs[] only after seeing it (acquire). */
static atomic_int loaded;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t word(const struct catalog *c, size_t off)
{
	uint32_t v;
	memcpy(&v, c->data + off, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

/* Checks that entry i of the table at base points inside the file at a NUL-terminated
 * string; returns the string or NULL, and its length in *len_out when not NULL (a plural
 * entry is several strings one after another: the length covers them all). */
static const char *entry_len(const struct catalog *c, uint32_t base, uint32_t i,
			     uint32_t *len_out)
{
	size_t at = (size_t)base + (size_t)i * 8;
	uint32_t len, off;
	if (at + 8 > c->size)
		return NULL;
	len = word(c, at);
	off = word(c, at + 4);
	if ((size_t)off + len >= c->size || c->data[(size_t)off + len] != '\0')
		return NULL;
	if (len_out)
		*len_out = len;
	return (const char *)c->data + off;
}

static const char *entry(const struct catalog *c, uint32_t base, uint32_t i)
{
	return entry_len(c, base, i, NULL);
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

static void free_all(void)
{
	for (int i = 0; i < n_langs; i++)
		free(langs[i].data);
	memset(langs, 0, sizeof langs);
	n_langs = 0;
}

/* 1 when dir holds at least one LANG/LC_MESSAGES/vkhid.mo. */
static int dir_has_catalogs(const char *dir)
{
	char p[PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = e->d_name[0] != '.'
			&& snprintf(p, sizeof p, "%s/%s/LC_MESSAGES/vkhid.mo", dir, e->d_name) < (int)sizeof p
			&& access(p, R_OK) == 0;
	closedir(d);
	return found;
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

static int load_all(const char *dir)
{
	char base[PATH_MAX - 64], path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	free_all();
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
	while ((e = readdir(d)) && n_langs < I18N_MAX_LANGS) {
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

int i18n_load(const char *dir)
{
	int n;

	pthread_mutex_lock(&load_lock);
	if (dir || !atomic_load_explicit(&loaded, memory_order_acquire)) {
		atomic_store_explicit(&loaded, 0, memory_order_release);
		load_all(dir);
		atomic_store_explicit(&loaded, 1, memory_order_release);
	}
	n = n_langs;
	pthread_mutex_unlock(&load_lock);
	return n;
}

void i18n_free(void)
{
	pthread_mutex_lock(&load_lock);
	atomic_store_explicit(&loaded, 0, memory_order_release);
	free_all();
	pthread_mutex_unlock(&load_lock);
}

/* The catalogs, loaded from the default place on first use. */
static void ensure_loaded(void)
{
	if (!atomic_load_explicit(&loaded, memory_order_acquire))
		i18n_load(NULL);
}

int i18n_lang_count(void)
{
	ensure_loaded();
	return n_langs ? n_langs : 1;
}

const char *i18n_lang_code(int lang)
{
	ensure_loaded();
	if (lang < 0 || lang >= n_langs)
		return "en";
	return langs[lang].code;
}

int i18n_lang_find(const char *code)
{
	if (!code || !*code)
		return -1;
	if (strcmp(code, "C") == 0 || strncmp(code, "C.", 2) == 0 || strcmp(code, "POSIX") == 0)
		return VK_LANG_EN;
	/* "ua" is the country, often typed for the language */
	if (strncmp(code, "ua", 2) == 0 && (code[2] == '\0' || code[2] == '_' || code[2] == '.'))
		code = "uk";
	for (int i = 0; i < i18n_lang_count(); i++) {
		const char *c = i18n_lang_code(i);
		size_t n = strlen(c);
		if (strncmp(code, c, n) == 0 && (code[n] == '\0' || code[n] == '_' || code[n] == '.'
						 || code[n] == '-' || code[n] == '@'))
			return i;
	}
	return -1;
}

/* The translation of msgid in catalog c and its length (all plural forms), or NULL. A
 * plural original is "singular\0plural": strcmp stops at the first NUL, so the singular
 * finds it. */
static const char *lookup(const struct catalog *c, const char *msgid, uint32_t *len)
{
	uint32_t lo = 0, hi = c->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *o = entry(c, c->orig, mid);
		int cmp;
		if (!o)
			return NULL;
		cmp = strcmp(msgid, o);
		if (cmp == 0) {
			const char *t = entry_len(c, c->trans, mid, len);
			return t && *t ? t : NULL;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *i18n_tr(int lang, const char *msgid)
{
	const char *t;

	ensure_loaded();
	if (lang < 0 || lang >= n_langs || !msgid || !*msgid || !langs[lang].data)
		return msgid;
	t = lookup(&langs[lang], msgid, NULL);
	return t ? t : msgid;
}

/* Which plural form a count takes in a language: the rules of the Plural-Forms headers
 * of the languages vkhid is translated into (the GNU gettext manual, "Plural forms"),
 * chosen by the language code rather than by evaluating the header's C expression. */
static unsigned plural_form(const char *code, unsigned long n)
{
	if (strcmp(code, "uk") == 0 || strcmp(code, "ru") == 0 || strcmp(code, "be") == 0)
		return n % 10 == 1 && n % 100 != 11 ? 0
		     : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
	if (strcmp(code, "pl") == 0)
		return n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
	return n != 1;
}

const char *i18n_ntr(int lang, const char *singular, const char *plural, unsigned long n)
{
	const char *english = n == 1 ? singular : plural, *t, *end;
	uint32_t len = 0;
	unsigned form;

	ensure_loaded();
	if (lang < 0 || lang >= n_langs || !singular || !*singular || !langs[lang].data)
		return english;
	t = lookup(&langs[lang], singular, &len);
	if (!t)
		return english;
	/* the form-th of the NUL-separated forms; a catalog with fewer forms gives its last */
	end = t + len;
	form = plural_form(langs[lang].code, n);
	for (const char *p = t; form > 0; form--) {
		const char *next = p + strlen(p) + 1;
		if (next >= end)
			break;
		t = p = next;
	}
	return *t ? t : english;
}
