/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for USB-stick bundles (app/sync/bundle.c): whatever file is on a stick,
 * reading it ends in a verified bundle or a refusal with a reason, never a crash, a hang or
 * a leak. Each input is tried twice: as a whole file (header, signature, body), and as a
 * body that this harness signs with a fixed key, so the mutations also reach the JSON
 * checks behind the signature. A bundle that parses has its events and notes decoded as
 * an import would. Seeds: tests/fuzz/corpus/bundle/. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sync/bundle.h"
#include "sync/wire.h"

static void walk(const struct sync_bundle *b)
{
	char why[200];
	size_t i;
	json_t *x;
	struct sync_event e;
	struct sync_note n;
	json_array_foreach(json_object_get(b->body, "events"), i, x)
		(void)sync_event_from_json(x, &e, why, sizeof why);
	json_array_foreach(json_object_get(b->body, "notes"), i, x)
		(void)sync_note_from_json(x, &n, why, sizeof why);
}

static void try_file(const char *buf, size_t len)
{
	struct sync_bundle b;
	char why[300];
	if (sync_bundle_parse(buf, len, &b, why, sizeof why) == VK_OK) {
		if (!b.body)
			abort(); /* a bundle that parsed has a body */
		walk(&b);
		json_decref(b.body);
	} else if (!why[0]) {
		abort(); /* a refusal always says why */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char pk[32], sk[64];
	static char pubhex[65];
	static int ready;
	unsigned char sig[64];
	char sighex[129], head[300], *file;
	size_t hlen;

	if (!ready) {
		unsigned char seed[32];
		if (sodium_init() < 0)
			abort();
		memset(seed, 7, sizeof seed);
		crypto_sign_seed_keypair(pk, sk, seed);
		sodium_bin2hex(pubhex, sizeof pubhex, pk, sizeof pk);
		ready = 1;
	}
	try_file((const char *)data, size);
	/* the same bytes as a body, signed: what a writer with a known key could send */
	crypto_sign_detached(sig, NULL, data, size, sk);
	sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
	hlen = (size_t)snprintf(head, sizeof head, SYNC_BUNDLE_FORMAT " k1 %s %s\n", pubhex, sighex);
	file = malloc(hlen + size + 1);
	if (!file)
		return 0;
	memcpy(file, head, hlen);
	if (size)
		memcpy(file + hlen, data, size);
	try_file(file, hlen + size);
	free(file);
	return 0;
}
