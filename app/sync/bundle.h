/* SPDX-License-Identifier: MIT */
/* Bundles: sync by USB stick where there is no network. A bundle is one file a database
 * writes to a folder (`vkhid sync export --to DIR`) and another database merges
 * (`vkhid sync import FILE`):
 *   - from a kiosk: its own check-in events and notes (cumulative: every one it has);
 *   - from the hub: the hub's whole change feed (event, keys, registrations, revocations,
 *     settings, every kiosk's events and notes, the hub's confirmations).
 * A lost or doubled stick does no harm: merging is idempotent by uuid.
 *
 * File format: one header line, then the body (compact JSON):
 *   vkhid-bundle-1 WRITER PUBHEX SIGHEX\n{"format":"vkhid-bundle-1","writer":..,...}
 * WRITER is "hub" or the kiosk's id; PUBHEX its Ed25519 public key (64 hex digits); SIGHEX
 * the Ed25519 signature of the body bytes (128 hex digits). The body repeats the writer and
 * names the event (event_id, event_name).
 *
 * Trust: each database has its own Ed25519 key, made on first use and kept beside the
 * database file (DB.bundle-key, mode 0600). The keys are published as settings
 * "bundle.key.WRITER": the hub's by the hub itself, a kiosk's by the hub when the kiosk
 * sends it with a push (sync/client.c); settings travel to every kiosk with the roster. An
 * importer accepts a bundle only when its signature checks and the writer's key is the one
 * its database knows, and only for its own current event. Everything is checked before
 * anything is written; what is written is one transaction.
 *
 * Writing: a temporary file in DIR, fsync, rename over the bundle, fsync of DIR, then the
 * file is read back and compared (USB sticks lie about flushes). */
#ifndef VK_SYNC_BUNDLE_H
#define VK_SYNC_BUNDLE_H

#include <jansson.h>
#include <stddef.h>

#include "db/db.h"

#define SYNC_BUNDLE_FORMAT "vkhid-bundle-1"
#define SYNC_BUNDLE_MAX (512u << 20)  /* bytes: a bundle larger than this is refused */
#define SYNC_BUNDLE_WRITER_HUB "hub"

struct sync_bundle_key {
	unsigned char pk[32];
	unsigned char sk[64];
	char pubhex[65];
};

/* Loads the database's bundle key from DB_PATH.bundle-key, making it (0600, fsynced) when
 * missing. Returns VK_OK, or VK_ERR_IO with why. */
int sync_bundle_key_load(const char *db_path, struct sync_bundle_key *k, char *why,
			 size_t why_len);
/* Who this database writes as: "hub" on a hub's database, else its kiosk id. */
void sync_bundle_writer(db *d, char out[16]);
/* Records pubhex as writer's key ("bundle.key.WRITER"), unless it is already. */
int sync_bundle_trust(db *d, const char *writer, const char *pubhex);

/* A parsed and verified bundle. */
struct sync_bundle {
	char writer[16];
	char pubhex[65];
	json_t *body;      /* the body object; json_decref */
};
/* Parses len bytes as a bundle and checks its signature against the key in its header and
 * its body's shape. Returns VK_OK (b->body to free), or VK_ERR_INVALID with why (truncated,
 * tampered, not a bundle). Nothing is trusted yet: the caller checks the writer's key. */
int sync_bundle_parse(const char *buf, size_t len, struct sync_bundle *b, char *why,
		      size_t why_len);

/* Signs body with k and writes it as DIR/vkhid-WRITER.bundle the careful way (see above).
 * path (cap >= 4200) receives the file's path. Returns VK_OK, or VK_ERR_IO with why. */
int sync_bundle_write(const char *dir, const char *writer, const struct sync_bundle_key *k,
		      const json_t *body, char *path, size_t cap, char *why, size_t why_len);
/* Reads a whole file of at most SYNC_BUNDLE_MAX bytes: *buf malloc'd (caller frees).
 * VK_ERR_IO / VK_ERR_INVALID (too big) with why. */
int sync_bundle_read(const char *path, char **buf, size_t *len, char *why, size_t why_len);

#endif
