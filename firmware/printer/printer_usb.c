/* SPDX-License-Identifier: MIT */
/* The "usb" printer driver: label and receipt printers spoken to directly over libusb-1.0,
 * no CUPS. "--printer usb" takes the first printer it knows; "usb:04f9:209d" a USB id;
 * "usb:QL-820NWB" a model by name.
 *
 * Sections: finding (printer-class interface 7/1, the table of known ids, GET_DEVICE_ID to
 * confirm the model); connecting (detach usblp explicitly, claim); transfers (bulk with
 * timeouts; libusb errors become printer errors here and nowhere else); status; printing.
 *
 * The printer may be absent when opened, be unplugged and come back: a handle is made on
 * demand, and every status call while there is none looks again (polling: the print queue
 * asks about once a second while it waits, so a replugged printer is found within that).
 * Timeouts, a device gone and a stalled endpoint are three errors with three messages.
 * A mutex serialises users of one printer (the queue's thread and a status snapshot). */
#include "printer/printer.h"
#include "printer/proto.h"

#include <libusb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define USB_CHUNK 16384             /* bytes a bulk transfer; umockdev splits larger ones */
#define USB_WRITE_TIMEOUT_MS 10000  /* a whole chunk: the printer pauses intake while printing */
#define USB_READ_TIMEOUT_MS 250     /* one status read; repeated up to the deadline */
#define USB_STATUS_DEADLINE_MS 1500 /* no status by then: the printer is not answering */
#define USB_DONE_DEADLINE_MS 20000  /* print command sent -> label out */

struct usb_printer {
	struct printer base;          /* always the first member */
	libusb_context *ctx;
	pthread_mutex_t lock;         /* guards everything below */
	/* what the user asked for */
	uint16_t want_vid, want_pid;  /* 0 = any */
	const struct printer_model *want_model;
	/* what is connected */
	libusb_device_handle *h;
	const struct printer_protocol *proto;
	int iface, ep_out, ep_in;     /* ep_in 0: a send-only printer, no status */
	int seen;                     /* a printer was there once: gone now means unplugged */
	enum printer_state absent_state; /* ABSENT, UNPLUGGED, EDITOR_LITE or UNSUPPORTED */
	char absent_detail[160];
	char device_id[256];          /* IEEE 1284 id, "MFG:Brother;CMD:PT-CBP;MDL:QL-820NWB;" */
	uint8_t rx[512];              /* bytes read and not yet parsed (replies come in bursts) */
	size_t rx_len;
	struct printer_status last;   /* the last status read */
};

extern const struct printer_driver printer_usb_driver;

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- finding ------------------------------------------------------------------------- */
struct candidate {
	libusb_device *dev;
	const struct printer_model *model; /* NULL: a printer-class device we do not know */
	uint16_t vid, pid;
	int iface, ep_out, ep_in;          /* iface -1: no printer interface */
};

/* Looks for a printer-class interface (7/1) in the active configuration and its bulk
 * endpoints. Protocol 2 (bidirectional) has an IN endpoint for status; 1 is send-only. */
static void find_interface(libusb_device *dev, struct candidate *c)
{
	struct libusb_config_descriptor *cfg = NULL;

	c->iface = -1;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0
	    && libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return;
	for (int i = 0; i < cfg->bNumInterfaces && c->iface < 0; i++) {
		for (int a = 0; a < cfg->interface[i].num_altsetting; a++) {
			const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[a];
			int vendor = d->bInterfaceClass == 0xFF && c->model
				     && strcmp(c->model->protocol, "escpos") == 0;
			if (!(d->bInterfaceClass == 7 && d->bInterfaceSubClass == 1) && !vendor)
				continue;
			int out = 0, in = 0;
			for (int e = 0; e < d->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];
				if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)
					in = in ? in : ep->bEndpointAddress;
				else
					out = out ? out : ep->bEndpointAddress;
			}
			if (!out)
				continue;
			c->iface = d->bInterfaceNumber;
			c->ep_out = out;
			c->ep_in = in;
			break;
		}
	}
	libusb_free_config_descriptor(cfg);
}

/* Describes dev as a candidate; 0 when it is no printer of ours at all. */
static int describe(libusb_device *dev, struct candidate *c)
{
	struct libusb_device_descriptor dd;

	memset(c, 0, sizeof(*c));
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return 0;
	c->dev = dev;
	c->vid = dd.idVendor;
	c->pid = dd.idProduct;
	c->model = printer_model_by_usb(dd.idVendor, dd.idProduct);
	find_interface(dev, c);
	if (c->model && (c->model->flags & (PM_EDITOR_LITE | PM_UNSUPPORTED)))
		return 1;
	if (c->model && (c->model->flags & PM_ANY_PRODUCT) && c->iface < 0)
		return 0;
	return c->model != NULL || c->iface >= 0;
}

static int wanted(const struct usb_printer *u, const struct candidate *c)
{
	if (u->want_vid && (c->vid != u->want_vid || (u->want_pid && c->pid != u->want_pid)))
		return 0;
	if (u->want_model && c->model != u->want_model)
		return 0;
	return 1;
}

/* ---- connecting ---------------------------------------------------------------------- */
/* Reads the IEEE 1284 device id (printer class request GET_DEVICE_ID): two bytes of
 * big-endian length, then "KEY:value;" pairs. */
static void read_device_id(libusb_device_handle *h, int iface, char *out, size_t len)
{
	unsigned char buf[1024];
	int n = libusb_control_transfer(h, 0xA1, 0, 0, (uint16_t)(iface << 8), buf, sizeof(buf),
					1000);
	out[0] = '\0';
	if (n < 2)
		return;
	size_t total = (size_t)(buf[0] << 8 | buf[1]);
	if (total > (size_t)n || total < 2)
		total = (size_t)n;
	size_t k = total - 2 < len - 1 ? total - 2 : len - 1;
	memcpy(out, buf + 2, k);
	out[k] = '\0';
}

/* The value of KEY in a device id ("MDL" or "MODEL"), copied into out. */
static int id_field(const char *id, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = id; *p;) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > kl && strncasecmp(p, key, kl) == 0 && p[kl] == ':') {
			size_t v = n - kl - 1 < len - 1 ? n - kl - 1 : len - 1;
			memcpy(out, p + kl + 1, v);
			out[v] = '\0';
			return 1;
		}
		p += n + (end ? 1 : 0);
	}
	return 0;
}

static void disconnect(struct usb_printer *u)
{
	if (!u->h)
		return;
	libusb_release_interface(u->h, u->iface);
	libusb_close(u->h);
	u->h = NULL;
	u->proto = NULL;
	u->rx_len = 0;
}

/* Opens the first wanted printer. Returns PRINTER_OK with u->h set, or an error with
 * u->absent_state saying what a person should know. */
static int connect_printer(struct usb_printer *u)
{
	libusb_device **list = NULL;
	struct candidate c, found = { 0 };
	int have = 0, rc = PRINTER_ERR_GONE;

	u->absent_state = u->seen ? PRINTER_UNPLUGGED : PRINTER_ABSENT;
	snprintf(u->absent_detail, sizeof(u->absent_detail), "%s",
		 u->seen ? "the printer was unplugged" : "no printer found on USB");
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	if (n < 0)
		return PRINTER_ERR_IO;
	for (ssize_t i = 0; i < n && !have; i++) {
		if (!describe(list[i], &c) || !wanted(u, &c))
			continue;
		/* A driveable printer wins over one we can only name. */
		if (c.model && (c.model->flags & (PM_EDITOR_LITE | PM_UNSUPPORTED))) {
			if (!found.dev)
				found = c;
			continue;
		}
		if (c.iface >= 0) {
			found = c;
			have = 1;
		}
	}
	if (!have && found.dev && found.model) {
		u->absent_state = (found.model->flags & PM_EDITOR_LITE) ? PRINTER_EDITOR_LITE
									 : PRINTER_UNSUPPORTED;
		snprintf(u->absent_detail, sizeof(u->absent_detail), "%s (%04x:%04x)",
			 found.model->name, found.vid, found.pid);
		goto out;
	}
	if (!have)
		goto out;
	const struct printer_model *model = found.model;
	libusb_device_handle *h = NULL;
	int lrc = libusb_open(found.dev, &h);
	if (lrc == LIBUSB_ERROR_ACCESS) {
		u->absent_state = PRINTER_SYSTEM_ERROR;
		snprintf(u->absent_detail, sizeof(u->absent_detail), "no permission to use the "
			 "printer (%04x:%04x): install the udev rule from board/", found.vid, found.pid);
		rc = PRINTER_ERR_IO;
		goto out;
	}
	if (lrc != 0) {
		/* Listed but gone: libusb has not yet heard of the unplug. */
		snprintf(u->absent_detail + strlen(u->absent_detail),
			 sizeof(u->absent_detail) - strlen(u->absent_detail), " (%s)",
			 libusb_error_name(lrc));
		goto out;
	}
	/* usblp may hold the interface; detach it ourselves (automatic detach uses requests
	 * some stacks reject). */
	if (libusb_kernel_driver_active(h, found.iface) == 1)
		libusb_detach_kernel_driver(h, found.iface);
	lrc = libusb_claim_interface(h, found.iface);
	if (lrc != 0) {
		libusb_close(h);
		if (lrc == LIBUSB_ERROR_NO_DEVICE)
			goto out; /* unplugged as we came */
		u->absent_state = PRINTER_SYSTEM_ERROR;
		snprintf(u->absent_detail, sizeof(u->absent_detail), lrc == LIBUSB_ERROR_BUSY
			 ? "the printer is in use by another program (CUPS or ipp-usb?)"
			 : "cannot claim the printer: %s", libusb_error_name(lrc));
		rc = PRINTER_ERR_IO;
		goto out;
	}
	read_device_id(h, found.iface, u->device_id, sizeof(u->device_id));
	char mdl[64];
	if (id_field(u->device_id, "MDL", mdl, sizeof(mdl))
	    || id_field(u->device_id, "MODEL", mdl, sizeof(mdl))) {
		const struct printer_model *by_id = printer_model_find(mdl);
		/* The printer's own word beats our table (a re-used product id). */
		if (by_id && by_id->vid == found.vid)
			model = by_id;
	}
	const struct printer_protocol *proto = model ? proto_find(model->protocol) : NULL;
	if (!proto) {
		libusb_release_interface(h, found.iface);
		libusb_close(h);
		u->absent_state = PRINTER_UNSUPPORTED;
		snprintf(u->absent_detail, sizeof(u->absent_detail),
			 "unknown printer %04x:%04x (%.80s)", found.vid, found.pid, u->device_id);
		rc = PRINTER_ERR_INVALID;
		goto out;
	}
	u->h = h;
	u->iface = found.iface;
	u->ep_out = found.ep_out;
	u->ep_in = found.ep_in;
	u->proto = proto;
	u->base.model = model;
	u->seen = 1;
	rc = PRINTER_OK;
out:
	libusb_free_device_list(list, 1);
	return rc;
}

/* ---- transfers ----------------------------------------------------------------------- */
/* Converts a libusb error where it enters our code: fills st and returns a printer_err. */
static int usb_error(struct usb_printer *u, int lrc, struct printer_status *st, const char *what)
{
	switch (lrc) {
	case LIBUSB_ERROR_TIMEOUT:
		st->state = PRINTER_NOT_ANSWERING;
		snprintf(st->detail, sizeof(st->detail), "%s: the printer did not answer in time", what);
		return PRINTER_ERR_TIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE:
		disconnect(u);
		st->state = PRINTER_UNPLUGGED;
		snprintf(st->detail, sizeof(st->detail), "%s: the printer was unplugged", what);
		return PRINTER_ERR_GONE;
	case LIBUSB_ERROR_PIPE:
		/* A stalled endpoint: clear it so the next job can go. */
		libusb_clear_halt(u->h, (unsigned char)(strcmp(what, "read") ? u->ep_out : u->ep_in));
		st->state = PRINTER_SYSTEM_ERROR;
		snprintf(st->detail, sizeof(st->detail), "%s: the printer stalled the endpoint", what);
		return PRINTER_ERR_IO;
	default:
		st->state = PRINTER_SYSTEM_ERROR;
		snprintf(st->detail, sizeof(st->detail), "%s: USB error %s", what,
			 libusb_error_name(lrc));
		return PRINTER_ERR_IO;
	}
}

/* Writes all of buf; *sent says how much went out. Returns 0 or a libusb error. */
static int write_all(struct usb_printer *u, const uint8_t *buf, size_t len, size_t *sent)
{
	*sent = 0;
	while (*sent < len) {
		int chunk = (int)(len - *sent < USB_CHUNK ? len - *sent : USB_CHUNK), done = 0;
		int lrc = libusb_bulk_transfer(u->h, (unsigned char)u->ep_out, (uint8_t *)buf + *sent,
					       chunk, &done, USB_WRITE_TIMEOUT_MS);
		*sent += (size_t)(done > 0 ? done : 0);
		if (lrc != 0)
			return lrc;
	}
	return 0;
}

/* Reads what the printer has to say into buf[*have..cap), once. 0, TIMEOUT or an error. */
static int read_some(struct usb_printer *u, uint8_t *buf, size_t cap, size_t *have, int ms)
{
	int got = 0;
	if (*have >= cap)
		return 0;
	int lrc = libusb_bulk_transfer(u->h, (unsigned char)u->ep_in, buf + *have,
				       (int)(cap - *have), &got, (unsigned)ms);
	*have += (size_t)(got > 0 ? got : 0);
	return lrc;
}

/* Throws away replies nobody asked for (a status left from a crashed run). */
static void drain(struct usb_printer *u)
{
	uint8_t junk[512];
	u->rx_len = 0;
	for (int i = 0; i < 8; i++) {
		size_t have = 0;
		if (read_some(u, junk, sizeof(junk), &have, 10) != 0 || have == 0)
			return;
	}
}

/* Reads replies until one parses; deadline in ms. Returns 0 with r, or a libusb error.
 * Bytes after the reply stay in u->rx for the next call (a Brother QL sends three replies
 * in a row after printing). */
static int read_reply(struct usb_printer *u, struct proto_reply *r, int deadline_ms)
{
	double end = mono_ms() + deadline_ms;

	for (;;) {
		while (u->rx_len > 0) {
			int k = u->proto->status_parse(u->base.model, u->rx, u->rx_len, r);
			if (k > 0) {
				memmove(u->rx, u->rx + k, u->rx_len - (size_t)k);
				u->rx_len -= (size_t)k;
				return 0;
			}
			if (k == 0)
				break;
			memmove(u->rx, u->rx + 1, --u->rx_len); /* not a reply: skip a byte */
		}
		if (u->rx_len == sizeof(u->rx))
			u->rx_len = 0;
		int lrc = read_some(u, u->rx, sizeof(u->rx), &u->rx_len, USB_READ_TIMEOUT_MS);
		if (lrc != 0 && lrc != LIBUSB_ERROR_TIMEOUT)
			return lrc;
		if (mono_ms() > end)
			return LIBUSB_ERROR_TIMEOUT;
	}
}

/* ---- status -------------------------------------------------------------------------- */
static void fill_identity(struct usb_printer *u, struct printer_status *st)
{
	snprintf(st->model, sizeof(st->model), "%s", u->base.model ? u->base.model->name : "");
}

/* Asks the printer its state. Caller holds the lock and u->h is set. */
static int ask_status(struct usb_printer *u, struct printer_status *st, struct proto_reply *r)
{
	struct pbuf req = { 0 };
	size_t sent;
	int rc = PRINTER_OK;

	memset(r, 0, sizeof(*r));
	fill_identity(u, st);
	if (!u->ep_in) {
		st->state = PRINTER_READY;
		snprintf(st->detail, sizeof(st->detail), "send-only printer: no status");
		return PRINTER_OK;
	}
	drain(u);
	if (u->proto->status_request(u->base.model, &req) != PRINTER_OK) {
		pbuf_free(&req);
		return PRINTER_ERR_NOMEM;
	}
	int lrc = write_all(u, req.data, req.len, &sent);
	pbuf_free(&req);
	if (lrc == 0)
		lrc = read_reply(u, r, USB_STATUS_DEADLINE_MS);
	if (lrc != 0)
		return usb_error(u, lrc, st, lrc == LIBUSB_ERROR_TIMEOUT ? "status" : "read");
	char model[64];
	memcpy(model, st->model, sizeof(model));
	*st = r->st;
	memcpy(st->model, model, sizeof(model));
	return rc;
}

/* The status, connecting first if needed. Caller holds the lock. */
static int status_locked(struct usb_printer *u, struct printer_status *st, struct proto_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (!u->h && connect_printer(u) != PRINTER_OK) {
		st->state = u->absent_state;
		snprintf(st->detail, sizeof(st->detail), "%s", u->absent_detail);
		snprintf(st->model, sizeof(st->model), "%s", u->want_model ? u->want_model->name : "");
		return PRINTER_OK;
	}
	int rc = ask_status(u, st, r);
	if (rc == PRINTER_ERR_TIMEOUT || rc == PRINTER_ERR_GONE || rc == PRINTER_ERR_IO)
		rc = PRINTER_OK; /* the state says it */
	u->last = *st;
	return rc;
}

static int usb_status(struct printer *p, struct printer_status *st)
{
	struct usb_printer *u = (struct usb_printer *)p;
	struct proto_reply r;

	pthread_mutex_lock(&u->lock);
	int rc = status_locked(u, st, &r);
	pthread_mutex_unlock(&u->lock);
	return rc;
}

/* ---- printing ------------------------------------------------------------------------ */
/* "62 x 100 mm die-cut" or "62 mm endless". */
static void roll_name(const struct printer_media *m, char *out, size_t len)
{
	if (m->length_mm)
		snprintf(out, len, "%d x %d mm die-cut", m->width_mm, m->length_mm);
	else
		snprintf(out, len, "%d mm endless", m->width_mm);
}

/* Compares the loaded roll (Brother reports it) with the job's stock. */
static int media_ok(const struct printer_status *st, const struct printer_job *job,
		    char *detail, size_t len)
{
	if (!job->media.width_mm || !st->media.width_mm)
		return 1;
	if (st->media.width_mm == job->media.width_mm && st->media.length_mm == job->media.length_mm)
		return 1;
	char a[48], b[48];
	roll_name(&st->media, a, sizeof(a));
	roll_name(&job->media, b, sizeof(b));
	snprintf(detail, len, "loaded: %s; needed: %s", a, b);
	return 0;
}

/* After the print command: waits until the printer says the label is out. */
static int wait_done(struct usb_printer *u, struct printer_status *st)
{
	struct proto_reply r;
	double end = mono_ms() + USB_DONE_DEADLINE_MS;

	if (!u->ep_in)
		return PRINTER_OK;
	while (mono_ms() < end) {
		int lrc;
		if (u->proto->reports_completion) {
			lrc = read_reply(u, &r, (int)(end - mono_ms()));
		} else {
			struct pbuf req = { 0 };
			size_t sent;
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
			if (u->proto->status_request(u->base.model, &req) != PRINTER_OK) {
				pbuf_free(&req);
				return PRINTER_ERR_NOMEM;
			}
			lrc = write_all(u, req.data, req.len, &sent);
			pbuf_free(&req);
			if (lrc == 0)
				lrc = read_reply(u, &r, USB_STATUS_DEADLINE_MS);
		}
		if (lrc != 0)
			return usb_error(u, lrc, st, "print");
		if (r.st.state != PRINTER_READY) {
			st->state = r.st.state;
			snprintf(st->detail, sizeof(st->detail), "during printing: %.140s", r.st.detail);
			return PRINTER_ERR_NOT_READY;
		}
		if (u->proto->reports_completion ? r.completed : !r.busy)
			return PRINTER_OK;
	}
	st->state = PRINTER_NOT_ANSWERING;
	snprintf(st->detail, sizeof(st->detail), "no \"printed\" report from the printer");
	return PRINTER_ERR_TIMEOUT;
}

static int usb_print(struct printer *p, const struct printer_job *job,
		     const struct printer_raster *r, struct printer_status *st)
{
	struct usb_printer *u = (struct usb_printer *)p;
	struct pbuf body = { 0 }, tail = { 0 };
	struct proto_reply rep;
	size_t sent = 0;
	int rc, lrc;

	pthread_mutex_lock(&u->lock);
	rc = status_locked(u, st, &rep);
	if (rc != PRINTER_OK)
		goto out;
	if (st->state != PRINTER_READY) {
		rc = st->state == PRINTER_UNPLUGGED || st->state == PRINTER_ABSENT ? PRINTER_ERR_GONE
		     : st->state == PRINTER_NOT_ANSWERING ? PRINTER_ERR_TIMEOUT
							   : PRINTER_ERR_NOT_READY;
		goto out;
	}
	if (!media_ok(st, job, st->detail, sizeof(st->detail))) {
		st->state = PRINTER_WRONG_MEDIA;
		rc = PRINTER_ERR_NOT_READY;
		goto out;
	}
	rc = u->proto->encode(u->base.model, &job->media, r, NULL, &body, &tail);
	if (rc != PRINTER_OK) {
		snprintf(st->detail, sizeof(st->detail), "%s cannot print this label (%dx%d dots)",
			 u->base.model->name, r->width, r->height);
		goto out;
	}
	lrc = write_all(u, body.data, body.len, &sent);
	if (lrc != 0) {
		rc = usb_error(u, lrc, st, "write");
		goto out;
	}
	if (job->commit && job->commit(job->commit_ctx, PRINTER_COMMIT_BEGIN) != 0) {
		rc = PRINTER_ERR_IO;
		snprintf(st->detail, sizeof(st->detail), "the queue could not record the job");
		goto out;
	}
	lrc = write_all(u, tail.data, tail.len, &sent);
	if (lrc != 0) {
		/* Nothing of the print command went out: the printer will not print. */
		if (sent == 0 && job->commit)
			job->commit(job->commit_ctx, PRINTER_COMMIT_ABORT);
		rc = usb_error(u, lrc, st, "write");
		goto out;
	}
	rc = wait_done(u, st);
	if (rc == PRINTER_OK)
		st->state = PRINTER_READY;
out:
	fill_identity(u, st);
	pthread_mutex_unlock(&u->lock);
	pbuf_free(&body);
	pbuf_free(&tail);
	return rc;
}

/* ---- opening and listing ------------------------------------------------------------- */
/* arg: NULL or "" (any), "VVVV:PPPP" or "VVVV" (hex USB id), or a model name. */
static int parse_want(struct usb_printer *u, const char *arg, char *why, size_t why_len)
{
	unsigned vid, pid;
	char tail;

	if (!arg || !*arg)
		return PRINTER_OK;
	if (sscanf(arg, "%4x:%4x%c", &vid, &pid, &tail) == 2) {
		u->want_vid = (uint16_t)vid;
		u->want_pid = (uint16_t)pid;
		return PRINTER_OK;
	}
	if (strlen(arg) == 4 && sscanf(arg, "%4x%c", &vid, &tail) == 1) {
		u->want_vid = (uint16_t)vid;
		return PRINTER_OK;
	}
	u->want_model = printer_model_find(arg);
	if (u->want_model)
		return PRINTER_OK;
	if (why_len)
		snprintf(why, why_len, "usb:%s is neither a USB id (usb:04f9:209d) nor a model we "
			 "know (usb:QL-820NWB)", arg);
	return PRINTER_ERR_INVALID;
}

static int usb_open(const char *arg, struct printer **out, char *why, size_t why_len)
{
	struct usb_printer *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return PRINTER_ERR_NOMEM;
	u->base.drv = &printer_usb_driver;
	rc = parse_want(u, arg, why, why_len);
	if (rc)
		goto fail;
	if (libusb_init(&u->ctx) != 0) {
		if (why_len)
			snprintf(why, why_len, "libusb could not start (no USB on this machine?)");
		rc = PRINTER_ERR_IO;
		goto fail;
	}
	if (pthread_mutex_init(&u->lock, NULL) != 0) {
		libusb_exit(u->ctx);
		rc = PRINTER_ERR_NOMEM;
		goto fail;
	}
	/* A printer that is not there yet is fine: jobs wait for it. */
	u->base.model = u->want_model;
	if (connect_printer(u) != PRINTER_OK)
		u->base.model = u->want_model;
	*out = &u->base;
	return PRINTER_OK;
fail:
	free(u);
	return rc;
}

static void usb_close(struct printer *p)
{
	struct usb_printer *u = (struct usb_printer *)p;

	disconnect(u);
	libusb_exit(u->ctx);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

const struct printer_driver printer_usb_driver = {
	.name = "usb",
	.help = "usb[:VVVV:PPPP|:MODEL]  a label printer on USB (Brother QL, Zebra ZPL, ESC/POS)",
	.open = usb_open,
	.status = usb_status,
	.print = usb_print,
	.close = usb_close,
};

/* Every printer on USB with its state: opened one by one with their own handles. */
int printer_usb_list(struct printer_found *out, int max)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	struct candidate c;
	int count = 0;

	if (libusb_init(&ctx) != 0)
		return 0; /* no USB at all: nothing connected */
	ssize_t n = libusb_get_device_list(ctx, &list);
	for (ssize_t i = 0; i < n && count < max; i++) {
		if (!describe(list[i], &c))
			continue;
		struct printer_found *f = &out[count++];
		memset(f, 0, sizeof(*f));
		snprintf(f->spec, sizeof(f->spec), "usb:%04x:%04x", c.vid, c.pid);
		snprintf(f->model, sizeof(f->model), "%s", c.model ? c.model->name : "?");
		char arg[16], why[160];
		struct printer *p = NULL;
		snprintf(arg, sizeof(arg), "%04x:%04x", c.vid, c.pid);
		if (usb_open(arg, &p, why, sizeof(why)) == PRINTER_OK) {
			usb_status(p, &f->status);
			if (f->status.model[0])
				snprintf(f->model, sizeof(f->model), "%s", f->status.model);
			usb_close(p);
		}
	}
	libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return count;
}
