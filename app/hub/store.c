/* SPDX-License-Identifier: MIT */
/* The table of hub storage backends, chosen by name, and what they share. */
#include "hub/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

const struct hub_store_ops *const hub_store_backends[] = {
	&hub_store_sqlite,
	&hub_store_postgres,
	NULL,
};

const struct hub_store_ops *hub_store_find(const char *name)
{
	if (!name)
		return hub_store_backends[0];
	for (int i = 0; hub_store_backends[i]; i++)
		if (strcmp(hub_store_backends[i]->name, name) == 0)
			return hub_store_backends[i];
	return NULL;
}

int hub_store_open_auto(const char *db_path, const char *pg_url, struct hub_store **out,
			char *why, size_t why_len)
{
	struct hub_store *s;
	char url[1024];
	int rc;
	if (pg_url && *pg_url)
		return hub_store_postgres.open(db_path, pg_url, out, why, why_len);
	if ((rc = hub_store_sqlite.open(db_path, NULL, &s, why, why_len)))
		return rc;
	if (s->ops->secret_get(s, HUB_PG_URL_KEY, url, sizeof url) != VK_OK || !url[0]) {
		*out = s;
		return VK_OK;
	}
	s->ops->close(s);
	return hub_store_postgres.open(db_path, url, out, why, why_len);
}

void hub_hash_hex(const char *text, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, h, sizeof h);
}

void hub_random_hex(char out[65])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(out, 65, r, sizeof r);
}
