/* SPDX-License-Identifier: MIT */
/* Bundles for USB sticks (see bundle.h): the key, the signed file, careful writing. */
#include "sync/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"

/* ---- the key ------------------------------------------------------------------------------ */
static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int sync_bundle_key_load(const char *db_path, struct sync_bundle_key *k, char *why,
			 size_t why_len)
{
	char path[4200];
	struct stat st;
	int fd;

	if (sodium_init() < 0) {
		snprintf(why, why_len, "libsodium cannot start");
		return VK_ERR_IO;
	}
	snprintf(path, sizeof path, "%s.bundle-key", db_path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* first use: made in a temporary file, flushed, then linked into place, so a
		 * crash never leaves half a key */
		char tmp[4300];
		snprintf(tmp, sizeof tmp, "%s.tmp", path);
		crypto_sign_keypair(k->pk, k->sk);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write_all(fd, k->sk, sizeof k->sk) || fsync(fd) || close(fd) ||
		    rename(tmp, path)) {
			if (fd >= 0)
				close(fd);
			unlink(tmp);
			snprintf(why, why_len, "cannot write the signing key %s", path);
			return VK_ERR_IO;
		}
		sodium_bin2hex(k->pubhex, sizeof k->pubhex, k->pk, sizeof k->pk);
		return VK_OK;
	}
	if (fd < 0 || fstat(fd, &st) || st.st_size != (off_t)sizeof k->sk ||
	    read(fd, k->sk, sizeof k->sk) != (ssize_t)sizeof k->sk) {
		if (fd >= 0)
			close(fd);
		snprintf(why, why_len, "cannot read the signing key %s (64 bytes expected)", path);
		return VK_ERR_IO;
	}
	close(fd);
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	sodium_bin2hex(k->pubhex, sizeof k->pubhex, k->pk, sizeof k->pk);
	return VK_OK;
}

void sync_bundle_writer(db *d, char out[16])
{
	char v[16];
	if (db_setting_get(d, "hub.schema", v, sizeof v) == VK_OK)
		snprintf(out, 16, "%s", SYNC_BUNDLE_WRITER_HUB);
	else
		snprintf(out, 16, "%s", db_kiosk_id(d));
}

int sync_bundle_trust(db *d, const char *writer, const char *pubhex)
{
	char key[64], v[80];
	snprintf(key, sizeof key, "bundle.key.%s", writer);
	if (db_setting_get(d, key, v, sizeof v) == VK_OK && strcmp(v, pubhex) == 0)
		return VK_OK; /* unchanged: no change record for the kiosks */
	return db_setting_set(d, key, pubhex);
}

/* ---- parsing ------------------------------------------------------------------------------ */
static int fail(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return VK_ERR_INVALID;
}

static int hex_ok(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

int sync_bundle_parse(const char *buf, size_t len, struct sync_bundle *b, char *why,
		      size_t why_len)
{
	static const char magic[] = SYNC_BUNDLE_FORMAT " ";
	const char *nl, *p, *sp;
	unsigned char pk[32], sig[64];
	size_t wl;
	json_t *body, *w;
	json_error_t je;

	memset(b, 0, sizeof *b);
	if (len < sizeof magic - 1 || memcmp(buf, magic, sizeof magic - 1) != 0)
		return fail(why, why_len, "this file is not a vkhid bundle");
	nl = memchr(buf, '\n', len < 400 ? len : 400);
	if (!nl)
		return fail(why, why_len, "the bundle is truncated (its first line is incomplete)");
	p = buf + sizeof magic - 1;
	sp = memchr(p, ' ', (size_t)(nl - p));
	wl = sp ? (size_t)(sp - p) : 0;
	if (!sp || wl == 0 || wl >= sizeof b->writer)
		return fail(why, why_len, "the bundle's first line is damaged");
	memcpy(b->writer, p, wl);
	b->writer[wl] = 0;
	for (size_t i = 0; i < wl; i++)
		if (!((b->writer[i] >= 'a' && b->writer[i] <= 'z') ||
		      (b->writer[i] >= 'A' && b->writer[i] <= 'Z') ||
		      (b->writer[i] >= '0' && b->writer[i] <= '9') || b->writer[i] == '_' ||
		      b->writer[i] == '-'))
			return fail(why, why_len, "the bundle's first line is damaged");
	p = sp + 1;
	/* PUBHEX (64) SP SIGHEX (128) then the newline */
	if (nl - p != 64 + 1 + 128 || p[64] != ' ' || !hex_ok(p, 64) || !hex_ok(p + 65, 128))
		return fail(why, why_len, "the bundle's first line is damaged");
	memcpy(b->pubhex, p, 64);
	b->pubhex[64] = 0;
	if (sodium_init() < 0 ||
	    sodium_hex2bin(pk, sizeof pk, p, 64, NULL, NULL, NULL) != 0 ||
	    sodium_hex2bin(sig, sizeof sig, p + 65, 128, NULL, NULL, NULL) != 0)
		return fail(why, why_len, "the bundle's first line is damaged");
	nl++;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)nl, (size_t)(buf + len - nl),
					pk) != 0)
		return fail(why, why_len, "the bundle's signature does not match its contents: it "
					  "was changed or cut short after it was written");
	body = json_loadb(nl, (size_t)(buf + len - nl), JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(body)) {
		json_decref(body);
		return fail(why, why_len, "the bundle's contents are not readable");
	}
	w = json_object_get(body, "writer");
	if (!json_is_string(json_object_get(body, "format")) ||
	    strcmp(json_string_value(json_object_get(body, "format")), SYNC_BUNDLE_FORMAT) != 0 ||
	    !json_is_string(w) || strcmp(json_string_value(w), b->writer) != 0 ||
	    !json_is_integer(json_object_get(body, "event_id"))) {
		json_decref(body);
		return fail(why, why_len, "the bundle's contents are not a vkhid bundle of this version");
	}
	b->body = body;
	return VK_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */
int sync_bundle_read(const char *path, char **buf, size_t *len, char *why, size_t why_len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	*buf = NULL;
	*len = 0;
	if (!f) {
		snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
		return VK_ERR_IO;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		snprintf(why, why_len, "cannot read %s", path);
		return VK_ERR_IO;
	}
	if ((unsigned long)n > SYNC_BUNDLE_MAX) {
		fclose(f);
		snprintf(why, why_len, "%s is too large to be a bundle", path);
		return VK_ERR_INVALID;
	}
	b = malloc((size_t)n + 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		fclose(f);
		snprintf(why, why_len, "cannot read %s", path);
		return VK_ERR_IO;
	}
	fclose(f);
	b[n] = 0;
	*buf = b;
	*len = (size_t)n;
	return VK_OK;
}

int sync_bundle_write(const char *dir, const char *writer, const struct sync_bundle_key *k,
		      const json_t *body, char *path, size_t cap, char *why, size_t why_len)
{
	char tmp[4300], head[16 + 32 + 64 + 130 + 8], sighex[129], *text, *back = NULL;
	unsigned char sig[64];
	size_t tlen, hlen, blen = 0;
	int fd, dfd, rc = VK_ERR_IO;

	text = json_dumps(body, JSON_COMPACT);
	if (!text)
		return VK_ERR_NOMEM;
	tlen = strlen(text);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, tlen, k->sk);
	sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
	hlen = (size_t)snprintf(head, sizeof head, SYNC_BUNDLE_FORMAT " %s %s %s\n", writer,
				k->pubhex, sighex);
	snprintf(path, cap, "%s/vkhid-%s.bundle", dir, writer);
	snprintf(tmp, sizeof tmp, "%s/.vkhid-%s.bundle.tmp", dir, writer);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, why_len, "cannot write in %s: %s", dir, strerror(errno));
		free(text);
		return VK_ERR_IO;
	}
	if (write_all(fd, head, hlen) || write_all(fd, text, tlen) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		snprintf(why, why_len, "cannot write %s: %s", tmp, strerror(errno));
		free(text);
		return VK_ERR_IO;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		snprintf(why, why_len, "cannot rename %s: %s", tmp, strerror(errno));
		free(text);
		return VK_ERR_IO;
	}
	/* the rename itself is only durable once the folder is flushed */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		if (dfd >= 0)
			close(dfd);
		snprintf(why, why_len, "cannot flush the folder %s", dir);
		free(text);
		return VK_ERR_IO;
	}
	close(dfd);
	/* read back and compare: a stick that acknowledged a flush it did not make is found now,
	 * while the organizer still holds it */
	if (sync_bundle_read(path, &back, &blen, why, why_len) == VK_OK && blen == hlen + tlen &&
	    memcmp(back, head, hlen) == 0 && memcmp(back + hlen, text, tlen) == 0)
		rc = VK_OK;
	else
		snprintf(why, why_len, "%s reads back differently from what was written: the stick "
				       "is failing; use another one", path);
	free(back);
	free(text);
	return rc;
}
