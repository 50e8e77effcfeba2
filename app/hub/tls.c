/* SPDX-License-Identifier: MIT */
/* The hub's key and self-signed certificate (see tls.h), made and read with GnuTLS. */
#include "hub/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 65536 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	fclose(f);
	return buf;
}

/* Writes a secret file all-or-nothing: a temporary file of mode 0600, fsynced, renamed. */
static int write_secret(const char *path, const void *data, size_t len)
{
	char tmp[4200];
	int fd, ok;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return VK_ERR_IO;
	ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return VK_ERR_IO;
	}
	return VK_OK;
}

static int make_pair(char **key_pem, char **cert_pem, char *why, size_t why_len)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t k = { 0 }, c = { 0 };
	unsigned char serial[16];
	time_t now = time(NULL);
	int rc = VK_ERR_CRYPTO;

	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0)
		goto out;
	randombytes_buf(serial, sizeof serial);
	serial[0] &= 0x7f; /* a positive serial number */
	if (gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof serial) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 20 * 365 * 86400L) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "vkhid hub", 9) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
						 GNUTLS_FSAN_SET) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
	    gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &k) < 0 ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &c) < 0)
		goto out;
	*key_pem = strndup((const char *)k.data, k.size);
	*cert_pem = strndup((const char *)c.data, c.size);
	rc = *key_pem && *cert_pem ? VK_OK : VK_ERR_NOMEM;
out:
	if (rc)
		snprintf(why, why_len, "GnuTLS could not make the hub's key and certificate");
	gnutls_free(k.data);
	gnutls_free(c.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

/* "sha256//" + base64(sha256(SubjectPublicKeyInfo)) of the certificate's key. */
static int pin_of(const char *cert_pem, char *pin, size_t cap)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t in = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) }, der = { 0 };
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[64];
	int rc = VK_ERR_CRYPTO;
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_pubkey_init(&pub) < 0 || gnutls_pubkey_import_x509(pub, crt, 0) < 0 ||
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der) < 0)
		goto out;
	crypto_hash_sha256(h, der.data, der.size);
	sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	snprintf(pin, cap, "sha256//%s", b64);
	rc = VK_OK;
out:
	gnutls_free(der.data);
	gnutls_pubkey_deinit(pub);
	gnutls_x509_crt_deinit(crt);
	return rc;
}

int hub_tls_load(const char *db_path, struct hub_tls *t, char *why, size_t why_len)
{
	char kp[4096], cp[4096];
	int rc;
	memset(t, 0, sizeof *t);
	snprintf(kp, sizeof kp, "%s.hub-key.pem", db_path);
	snprintf(cp, sizeof cp, "%s.hub-cert.pem", db_path);
	t->key_pem = read_all(kp);
	t->cert_pem = read_all(cp);
	if (!t->key_pem || !t->cert_pem) {
		/* first start, or a start cut short before both files were written */
		free(t->key_pem);
		free(t->cert_pem);
		t->key_pem = t->cert_pem = NULL;
		if ((rc = make_pair(&t->key_pem, &t->cert_pem, why, why_len)))
			goto fail;
		if (write_secret(kp, t->key_pem, strlen(t->key_pem)) ||
		    write_secret(cp, t->cert_pem, strlen(t->cert_pem))) {
			snprintf(why, why_len, "cannot write %s: %s", kp, strerror(errno));
			rc = VK_ERR_IO;
			goto fail;
		}
	}
	if ((rc = pin_of(t->cert_pem, t->pin, sizeof t->pin))) {
		snprintf(why, why_len, "%s is not a usable certificate (remove it and %s to make "
			 "new ones; enrolled kiosks must then enroll again)", cp, kp);
		goto fail;
	}
	return VK_OK;
fail:
	hub_tls_free(t);
	return rc;
}

void hub_tls_free(struct hub_tls *t)
{
	free(t->key_pem);
	free(t->cert_pem);
	t->key_pem = t->cert_pem = NULL;
}
