/* SPDX-License-Identifier: MIT */
/* The printer layer's front door: the table of drivers, "--printer NAME[:ARG]" dispatch,
 * the names of errors and states, and the thin wrappers every caller goes through.
 *
 * The wrappers are the one place all printing passes, so argument checks live here (a
 * driver may trust its arguments) and later logging and fault hooks will too. Each driver
 * lives in its own file (printer_file.c, later printer_usb.c with brother_ql/zpl/escpos)
 * and is listed once in printer_drivers[]. */
#include "printer/printer.h"
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

/* Defined in printer_file.c and printer_usb.c. Declared here rather than in printer.h
 * because nothing but this table should name a driver directly; callers choose drivers by
 * name. */
extern const struct printer_driver printer_file_driver;
extern const struct printer_driver printer_usb_driver;
/* printer_usb.c: lists connected USB printers for printer_list(). */
int printer_usb_list(struct printer_found *out, int max);

/* Every driver, in the order `vkhid printers` lists them; NULL-terminated. */
const struct printer_driver *const printer_drivers[] = {
	&printer_usb_driver,
	&printer_file_driver,
	NULL,
};

/* A short English phrase for a printer_err code, for logs; never NULL, static storage. */
const char *printer_strerror(int err)
{
	switch (err) {
	case PRINTER_OK: return "success";
	case PRINTER_ERR_IO: return "input/output error";
	case PRINTER_ERR_NOMEM: return "out of memory";
	case PRINTER_ERR_INVALID: return "invalid printer spec or raster";
	case PRINTER_ERR_NO_DRIVER: return "no such printer driver";
	case PRINTER_ERR_NOT_READY: return "printer not ready";
	case PRINTER_ERR_TIMEOUT: return "printer did not answer in time";
	case PRINTER_ERR_GONE: return "printer unplugged";
	}
	return "unknown printer error";
}

/* Indexed by enum printer_state. These words appear in logs and in headless scenario files
 * ("printer no-media"), so they never change once released. */
static const char *const state_names[PRINTER_STATE_COUNT] = {
	[PRINTER_READY] = "ready",
	[PRINTER_ABSENT] = "absent",
	[PRINTER_UNPLUGGED] = "unplugged",
	[PRINTER_COVER_OPEN] = "cover-open",
	[PRINTER_NO_MEDIA] = "no-media",
	[PRINTER_END_OF_MEDIA] = "end-of-media",
	[PRINTER_WRONG_MEDIA] = "wrong-media",
	[PRINTER_CUTTER_JAM] = "cutter-jam",
	[PRINTER_CANNOT_FEED] = "cannot-feed",
	[PRINTER_EDITOR_LITE] = "editor-lite",
	[PRINTER_NOT_ANSWERING] = "not-answering",
	[PRINTER_SYSTEM_ERROR] = "system-error",
	[PRINTER_PAUSED] = "paused",
	[PRINTER_UNSUPPORTED] = "unsupported",
};

/* The stable lower-case word for st; "unknown" for a value outside the enum. Static
 * storage, never NULL. */
const char *printer_state_name(enum printer_state st)
{
	if ((unsigned)st >= PRINTER_STATE_COUNT || !state_names[st])
		return "unknown";
	return state_names[st];
}

/* The state whose printer_state_name() is word (exact, case-sensitive), or -1. */
int printer_state_parse(const char *word)
{
	if (!word)
		return -1;
	for (int i = 0; i < PRINTER_STATE_COUNT; i++)
		if (state_names[i] && strcmp(state_names[i], word) == 0)
			return i;
	return -1;
}

/* Writes "file, usb, ..." into buf: the known names, for error messages. */
static void list_driver_names(char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (int i = 0; printer_drivers[i]; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 printer_drivers[i]->name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* Opens the printer described by spec, "NAME" or "NAME:ARG" (split at the first ':', so
 * ARG may itself hold colons, as in "usb:04f9:209d"). Returns PRINTER_OK and a printer to
 * close with printer_close(), or an error with an English reason in why (which may be NULL
 * when why_len is 0): PRINTER_ERR_INVALID for an empty spec, PRINTER_ERR_NO_DRIVER for an
 * unknown name (the reason lists the known ones), or whatever the driver's open returns. */
int printer_open(const char *spec, struct printer **out, char *why, size_t why_len)
{
	char names[160];

	if (why_len)
		why[0] = '\0';
	if (!out)
		return PRINTER_ERR_INVALID;
	*out = NULL;
	if (!spec || !*spec || *spec == ':') {
		if (why_len)
			snprintf(why, why_len, "no printer given (expected NAME or NAME:ARG)");
		return PRINTER_ERR_INVALID;
	}

	const char *colon = strchr(spec, ':');
	size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *arg = colon ? colon + 1 : NULL;

	for (int i = 0; printer_drivers[i]; i++) {
		const struct printer_driver *d = printer_drivers[i];
		if (strlen(d->name) == name_len && memcmp(d->name, spec, name_len) == 0) {
			int rc = d->open(arg, out, why, why_len);
			if (rc != PRINTER_OK)
				*out = NULL;
			vk_trace(VK_TRACE_PRINTER, "open %s: %s%s%s", spec,
				 rc ? printer_strerror(rc) : "ok", rc && why_len ? ": " : "",
				 rc && why_len ? why : "");
			return rc;
		}
	}
	list_driver_names(names, sizeof(names));
	if (why_len)
		snprintf(why, why_len, "unknown printer driver \"%.*s\" (known: %s)",
			 (int)(name_len > 40 ? 40 : name_len), spec, names);
	return PRINTER_ERR_NO_DRIVER;
}

/* Fills st with the printer's state (zeroed first). PRINTER_OK even when the printer is
 * not ready; an error only when the state could not be read at all. */
int printer_status(struct printer *p, struct printer_status *st)
{
	if (!p || !st)
		return PRINTER_ERR_INVALID;
	memset(st, 0, sizeof(*st));
	int rc = p->drv->status(p, st);
	vk_trace(VK_TRACE_PRINTER, "status: %s (%s)", printer_state_name(st->state),
		 rc ? printer_strerror(rc) : "ok");
	return rc;
}

/* Prints r as one label. st (zeroed first) tells what the printer said, especially on
 * failure; the caller keeps the job queued and retries. PRINTER_ERR_INVALID for a missing
 * job name or an empty raster. */
int printer_print(struct printer *p, const struct printer_job *job,
		  const struct printer_raster *r, struct printer_status *st)
{
	if (!p || !job || !job->name || !*job->name || !r || !r->bits || r->width <= 0
	    || r->height <= 0 || r->stride < (r->width + 7) / 8 || !st)
		return PRINTER_ERR_INVALID;
	memset(st, 0, sizeof(*st));
	vk_trace(VK_TRACE_PRINTER, "job %s: sending %dx%d raster", job->name, r->width, r->height);
	int rc = p->drv->print(p, job, r, st);
	vk_trace(VK_TRACE_PRINTER, "job %s: %s, printer %s", job->name,
		 rc ? printer_strerror(rc) : "sent", printer_state_name(st->state));
	return rc;
}

/* Closes and frees p; NULL is allowed. */
void printer_close(struct printer *p)
{
	if (p) {
		vk_trace(VK_TRACE_PRINTER, "close");
		p->drv->close(p);
	}
}

/* The geometry of stock m on p: the model's when known, else a 300 dpi Brother QL's (the
 * simulated printer without a MODEL). PRINTER_ERR_INVALID when p cannot print m at all. */
int printer_geometry(struct printer *p, const struct printer_media *m, struct printer_geometry *g)
{
	return printer_model_geometry(p ? p->model : NULL, m, g);
}

/* Lists what is connected: USB printers (the simulated printer is never "connected").
 * Returns the number found (at most max) or a negative printer_err. */
int printer_list(struct printer_found *out, int max)
{
	if (!out || max < 0)
		return PRINTER_ERR_INVALID;
	return printer_usb_list(out, max);
}
