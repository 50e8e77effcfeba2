/* SPDX-License-Identifier: MIT */
/* The door's log writer (log.h). */
#include "door/log.h"

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/json.h"

struct door_log {
	FILE *f;
	pthread_mutex_t lock;
};

int door_log_open(const char *dir, struct door_log **out)
{
	char path[1200];
	struct door_log *l;
	int fd;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/log.jsonl", dir) >= sizeof path)
		return VK_ERR_IO;
	l = calloc(1, sizeof *l);
	if (!l)
		return VK_ERR_NOMEM;
	/* who came through the door, and when: for the organizer's eyes only */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || !(l->f = fdopen(fd, "a"))) {
		if (fd >= 0)
			close(fd);
		free(l);
		return VK_ERR_IO;
	}
	pthread_mutex_init(&l->lock, NULL);
	*out = l;
	return VK_OK;
}

void door_log_close(struct door_log *l)
{
	if (!l)
		return;
	fclose(l->f);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void door_code_fingerprint(const char *code, size_t len, char out[9])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)code, len);
	for (int i = 0; i < 4; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void head(FILE *f, const struct door_note *n, const char *event)
{
	char when[32];
	clock_format_local(n->wall_ms, when);
	fprintf(f, "{\"time\": \"%s\", \"wall_ms\": %" PRId64 ", \"event\": \"%s\"", when, n->wall_ms, event);
}

static void registration(FILE *f, int64_t number)
{
	if (number)
		fprintf(f, ", \"registration\": %" PRId64, number);
	else
		fputs(", \"registration\": null", f);
}

static void code(FILE *f, const struct door_note *n)
{
	char fp[9];
	if (!n->code) {
		fputs(", \"code_kind\": \"none\", \"code\": null", f);
		return;
	}
	door_code_fingerprint(n->code, n->code_len, fp);
	fprintf(f, ", \"code_kind\": \"%s\", \"code\": \"%s\"",
		n->result && n->result->signed_ticket ? "signed" : "foreign", fp);
}

static void outcome(FILE *f, const struct door_note *n)
{
	const struct checkin_result *r = n->result;
	head(f, n, "outcome");
	fprintf(f, ", \"source\": \"%s\", \"outcome\": \"%s\"", door_source_word(n->source),
		checkin_outcome_word(r->outcome));
	registration(f, r->number);
	code(f, n);
	if (r->outcome == CI_ALREADY_ADMITTED) {
		char when[32];
		clock_format_local(r->first.wall_ms, when);
		fprintf(f, ", \"first_checkin\": {\"time\": \"%s\", \"kiosk\": ", when);
		json_cstr(f, r->first.kiosk);
		fputc('}', f);
	}
	if (checkin_outcome_admits(r->outcome) && r->entry.uuid[0])
		fprintf(f, ", \"checkin\": \"%s\"", r->entry.uuid);
	if (r->session_id) /* a room's door: which session, how full */
		fprintf(f, ", \"session\": %lld, \"session_count\": %lld, \"session_capacity\": %lld%s",
			(long long)r->session_id, (long long)r->session_count,
			(long long)r->session_capacity, r->entrance_recorded ? ", \"entrance_recorded\": true" : "");
	fprintf(f, ", \"mode\": \"%s\", \"ms\": %.2f}\n", n->mode ? n->mode : "local", n->ms);
}

static void staff(FILE *f, const struct door_note *n)
{
	head(f, n, "staff");
	fprintf(f, ", \"action\": \"%s\"", n->staff_undo ? "undo" : "reprint");
	registration(f, n->number);
	fprintf(f, ", \"ok\": %s, \"source\": \"%s\"", n->rc == VK_OK ? "true" : "false",
		door_source_word(n->source));
	code(f, n);
	if (n->rc == VK_OK && n->result && n->result->entry.uuid[0])
		fprintf(f, ", \"checkin\": \"%s\"", n->result->entry.uuid);
	if (n->rc != VK_OK) {
		fputs(", \"error\": ", f);
		json_cstr(f, vk_strerror(n->rc));
	}
	fputs("}\n", f);
}

void door_log_note(struct door_log *l, const struct door_note *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!l)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	switch (n->kind) {
	case DOOR_OUTCOME:
		outcome(f, n);
		break;
	case DOOR_STAFF:
		staff(f, n);
		break;
	case DOOR_PRINTED:
		head(f, n, "printed");
		registration(f, n->number);
		fputs(", \"file\": ", f);
		json_cstr(f, n->file ? n->file : "");
		fprintf(f, ", \"ms\": %.2f}\n", n->ms);
		break;
	case DOOR_PRINT_ASSUMED:
		head(f, n, "assumed_printed");
		registration(f, n->number);
		fputs("}\n", f);
		break;
	case DOOR_PRINT_HELD:
		head(f, n, "print_held");
		registration(f, n->number);
		fprintf(f, ", \"printer\": \"%s\"}\n", printer_state_name(n->printer_state));
		break;
	case DOOR_PRINT_FAILED:
		head(f, n, "print_failed");
		registration(f, n->number);
		fputs("}\n", f);
		break;
	case DOOR_PROBLEM:
		head(f, n, "problem");
		fprintf(f, ", \"problem\": \"%s\", \"error\": ", door_problem_word(n->problem));
		json_cstr(f, vk_strerror(n->rc));
		fputs("}\n", f);
		break;
	case DOOR_CAMERA:
	case DOOR_FRAME:
	case DOOR_HUB_CODE: /* no ticket: the enrollment's result is the organizer's to see */
		break;
	}
	fclose(f);
	if (len) {
		pthread_mutex_lock(&l->lock);
		fwrite(buf, 1, len, l->f);
		fflush(l->f);
		pthread_mutex_unlock(&l->lock);
	}
	free(buf);
}
