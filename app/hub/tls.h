/* SPDX-License-Identifier: MIT */
/* The hub's TLS identity: an ECDSA P-256 key and a self-signed certificate made with
 * GnuTLS on first start and kept beside the database (DB.hub-key.pem, DB.hub-cert.pem,
 * mode 0600). Kiosks do not trust a certificate authority: they pin the key, by the
 * SHA-256 of its SubjectPublicKeyInfo ("sha256//BASE64", the form curl's
 * CURLOPT_PINNEDPUBLICKEY takes). */
#ifndef VK_HUB_TLS_H
#define VK_HUB_TLS_H

#include <stddef.h>

struct hub_tls {
	char *key_pem;   /* malloc'd, NUL-terminated */
	char *cert_pem;
	char pin[80];    /* "sha256//" + base64 of the SPKI hash */
};

/* Loads the key and certificate stored beside db_path, creating them when absent.
 * Returns VK_OK, or VK_ERR_IO / VK_ERR_CRYPTO with a reason in why. Free with
 * hub_tls_free(). */
int hub_tls_load(const char *db_path, struct hub_tls *t, char *why, size_t why_len);
void hub_tls_free(struct hub_tls *t);

#endif
