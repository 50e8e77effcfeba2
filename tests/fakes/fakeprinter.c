/* SPDX-License-Identifier: MIT */
/* The fake USB printer (see fakeprinter.h). Map: device descriptions for the fake sysfs;
 * the printer's behaviour per protocol (status replies written by hand from the command
 * references, job end detection); usbfs ioctls (submit, reap, discard of URBs; control
 * transfers for GET_DEVICE_ID); plugging. One mutex guards everything, because the
 * handler runs in umockdev's thread while the test changes states in its own. */
#include "fakeprinter.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <umockdev.h>

#define MAX_FAKES 8
#define MAX_URBS 64
#define MAX_JOBS 32

struct fakeprinter {
	struct fakebed *bed;
	const struct printer_model *model;
	char name[64], syspath[128], devnode[64], spec[32], desc[4096];
	int devnum, has_printer_iface, attached;
	/* state */
	enum printer_state state;
	struct printer_media media;
	int silent, plugged;
	size_t unplug_after;
	/* bytes since the last status request or job */
	uint8_t *buf;
	size_t len, cap;
	/* replies not yet read */
	uint8_t reply[1024];
	size_t reply_len;
	/* jobs taken */
	int njobs;
	uint8_t *job[MAX_JOBS];
	size_t job_len[MAX_JOBS];
	/* URBs: in flight (IN, waiting for a reply), and done (to be reaped) */
	UMockdevIoctlData *waiting[MAX_URBS];
	int nwaiting;
	UMockdevIoctlData *done[MAX_URBS];
	int ndone;
};

struct fakebed {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	pthread_mutex_t lock;
	struct fakeprinter *f[MAX_FAKES];
	int n;
};

/* ---- device descriptions -------------------------------------------------------------- */
/* The QL-820NWB fixture's layout (../shared/fixtures/usb/ql820nwb.umockdev) with this
 * device's ids: device descriptor, one configuration, one interface (7/1/2, printer,
 * bidirectional; or 8/6/80, a USB disk, for Editor Lite; or vendor class for DYMO), bulk
 * IN 0x81 and OUT 0x02 of 64 bytes. */
static void describe(struct fakeprinter *f)
{
	const struct printer_model *m = f->model;
	char descr[256];
	int cls = 7, sub = 1, proto = 2;

	if (m->flags & PM_EDITOR_LITE) {
		cls = 8; sub = 6; proto = 0x50;
	} else if (m->flags & PM_UNSUPPORTED) {
		cls = 0xFF; sub = 0; proto = 0;
	}
	f->has_printer_iface = cls == 7;
	uint16_t pid = m->pid ? m->pid : 0x0181;
	snprintf(descr, sizeof descr,
		 "12010002000000%02X%02X%02X%02X%02X000101020301"
		 "09022000010100C001"
		 "0904000002%02X%02X%02X00"
		 "0705810240000007050202400000",
		 0x40, m->vid & 0xFF, m->vid >> 8, pid & 0xFF, pid >> 8, cls, sub, proto);
	snprintf(f->spec, sizeof f->spec, "usb:%04x:%04x", m->vid, pid);
	snprintf(f->syspath, sizeof f->syspath, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d",
		 f->devnum);
	snprintf(f->devnode, sizeof f->devnode, "/dev/bus/usb/001/%03d", f->devnum);
	snprintf(f->desc, sizeof f->desc,
		 "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d\n"
		 "N: bus/usb/001/%03d=%s\n"
		 "E: BUSNUM=001\nE: DEVNAME=/dev/bus/usb/001/%03d\nE: DEVNUM=%03d\n"
		 "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: SUBSYSTEM=usb\n"
		 "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n"
		 "E: PRODUCT=%x/%x/100\nE: MAJOR=189\nE: MINOR=%d\n"
		 "A: bConfigurationValue=1\\n\nA: bDeviceClass=00\nA: bNumConfigurations=1\n"
		 "A: busnum=1\\n\nA: devnum=%d\\n\nA: speed=12\\n\n"
		 "A: idVendor=%04x\nA: idProduct=%04x\nA: product=%s\n"
		 "H: descriptors=%s\n",
		 f->devnum, f->devnum, descr, f->devnum, f->devnum, m->vid, pid, m->vid, pid,
		 f->devnum - 1, f->devnum, m->vid, pid, m->name, descr);
}

static const char root_hub[] =
	"P: /devices/pci0000:00/0000:00:14.0/usb1\n"
	"N: bus/usb/001/001\n"
	"E: BUSNUM=001\nE: DEVNAME=/dev/bus/usb/001/001\nE: DEVNUM=001\nE: DEVTYPE=usb_device\n"
	"E: DRIVER=usb\nE: SUBSYSTEM=usb\nE: ID_VENDOR_ID=1d6b\nE: ID_MODEL_ID=0002\n"
	"A: bConfigurationValue=1\\n\nA: bDeviceClass=09\nA: busnum=1\\n\nA: devnum=1\\n\n"
	"A: idProduct=0002\nA: idVendor=1d6b\nA: speed=480\\n\n"
	"H: descriptors=12010002090001406B1D020006060302010109021900010100E0000904000001090000000705810304000C\n"
	"\n"
	"P: /devices/pci0000:00/0000:00:14.0\n"
	"E: DRIVER=xhci_hcd\nE: SUBSYSTEM=pci\nA: class=0x0c0330\nA: vendor=0x8086\n";

/* ---- behaviour ----------------------------------------------------------------------- */
static void add_reply(struct fakeprinter *f, const uint8_t *b, size_t n)
{
	if (f->reply_len + n <= sizeof f->reply) {
		memcpy(f->reply + f->reply_len, b, n);
		f->reply_len += n;
	}
}

/* Brother: 32 bytes; 80 20 42, series '4', model code, error bytes 8-9, media 10/11/17,
 * status type 18, phase 19. */
static void brother_reply(struct fakeprinter *f, int type, int phase)
{
	uint8_t s[32] = { 0x80, 0x20, 0x42, 0x34, f->model->status_code, 0x30 };
	switch (f->state) {
	case PRINTER_NO_MEDIA: s[8] = 0x01; break;
	case PRINTER_END_OF_MEDIA: s[8] = 0x02; break;
	case PRINTER_CUTTER_JAM: s[8] = 0x04; break;
	case PRINTER_COVER_OPEN: s[9] = 0x10; break;
	case PRINTER_SYSTEM_ERROR: s[9] = 0x80; break;
	default: break;
	}
	if (f->state != PRINTER_NO_MEDIA) {
		s[10] = (uint8_t)f->media.width_mm;
		s[11] = f->media.length_mm ? 0x0B : 0x0A;
		s[17] = (uint8_t)f->media.length_mm;
	}
	s[18] = (uint8_t)(f->state != PRINTER_READY ? 0x02 : type);
	s[19] = (uint8_t)phase;
	add_reply(f, s, 32);
}

/* ZPL ~HS: paper out (field 2 of line 1), pause (3), head up (field 3 of line 2). */
static void zpl_reply(struct fakeprinter *f)
{
	char s[256];
	int n = snprintf(s, sizeof s,
			 "\x02" "030,%d,%d,1218,000,0,0,0,000,0,0,0\x03\r\n"
			 "\x02" "000,0,%d,0,0,2,6,0,00000000,1,000\x03\r\n"
			 "\x02" "1234,0\x03\r\n",
			 f->state == PRINTER_NO_MEDIA, f->state == PRINTER_PAUSED,
			 f->state == PRINTER_COVER_OPEN);
	add_reply(f, (const uint8_t *)s, (size_t)n);
}

/* ESC/POS: one byte for each DLE EOT 1..4, fixed bits 0x12. */
static void escpos_reply(struct fakeprinter *f)
{
	uint8_t s[4] = { 0x12, 0x12, 0x12, 0x12 };
	if (f->state == PRINTER_COVER_OPEN) {
		s[0] |= 0x08;
		s[1] |= 0x04;
	}
	if (f->state == PRINTER_END_OF_MEDIA || f->state == PRINTER_NO_MEDIA) {
		s[0] |= 0x08;
		s[1] |= 0x20;
		s[3] |= 0x60;
	}
	add_reply(f, s, 4);
}

static int ends_with(const struct fakeprinter *f, const void *tail, size_t n)
{
	return f->len >= n && memcmp(f->buf + f->len - n, tail, n) == 0;
}

static void take_job(struct fakeprinter *f)
{
	if (f->njobs < MAX_JOBS && f->state == PRINTER_READY) {
		f->job[f->njobs] = malloc(f->len);
		memcpy(f->job[f->njobs], f->buf, f->len);
		f->job_len[f->njobs++] = f->len;
	}
	f->len = 0;
}

/* Bytes arrived from the host. */
static void feed(struct fakeprinter *f, const uint8_t *b, size_t n)
{
	if (f->len + n > f->cap) {
		f->cap = (f->len + n) * 2;
		f->buf = realloc(f->buf, f->cap);
	}
	memcpy(f->buf + f->len, b, n);
	f->len += n;
	const char *p = f->model->protocol;
	if (strcmp(p, "brother_ql") == 0) {
		if (ends_with(f, "\x1B\x69\x53", 3)) {
			brother_reply(f, 0, 0);
			f->len = 0;
		} else if (ends_with(f, "\x1A", 1) && f->len > 400
			   && memmem(f->buf, f->len, "\x1B\x69\x7A", 3)) {
			/* The print command: a real QL reports the phase, then completion. */
			int ok = f->state == PRINTER_READY;
			take_job(f);
			if (ok) {
				brother_reply(f, 6, 1);
				brother_reply(f, 1, 1);
				brother_reply(f, 6, 0);
			} else {
				brother_reply(f, 2, 0);
			}
		}
	} else if (strcmp(p, "zpl") == 0) {
		if (ends_with(f, "~HS", 3)) {
			zpl_reply(f);
			f->len = 0;
		} else if (ends_with(f, "^XZ", 3)) {
			take_job(f);
		}
	} else if (strcmp(p, "escpos") == 0) {
		if (ends_with(f, "\x10\x04\x04", 3)) {
			escpos_reply(f);
			f->len = 0;
		} else if (ends_with(f, "\x1D\x56\x42\x00", 4)) {
			take_job(f);
		}
	}
}

/* ---- usbfs ioctls -------------------------------------------------------------------- */
static struct fakeprinter *by_node(struct fakebed *b, const char *node)
{
	for (int i = 0; i < b->n; i++)
		if (strcmp(b->f[i]->devnode, node) == 0)
			return b->f[i];
	return NULL;
}

/* Completes waiting IN URBs with reply bytes (not when silent). */
static void deliver(struct fakeprinter *f)
{
	while (!f->silent && f->reply_len && f->nwaiting && f->ndone < MAX_URBS) {
		UMockdevIoctlData *d = f->waiting[0];
		memmove(f->waiting, f->waiting + 1, sizeof(f->waiting[0]) * (size_t)--f->nwaiting);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)d->data;
		size_t k = f->reply_len < (size_t)urb->buffer_length ? f->reply_len
								       : (size_t)urb->buffer_length;
		memcpy(urb->buffer, f->reply, k); /* same process: the client's own buffer */
		memmove(f->reply, f->reply + k, f->reply_len - k);
		f->reply_len -= k;
		urb->actual_length = (int)k;
		urb->status = 0;
		f->done[f->ndone++] = d;
	}
}

static void unplug_locked(struct fakeprinter *f)
{
	if (!f->plugged)
		return;
	f->plugged = 0;
	umockdev_testbed_remove_device(f->bed->tb, f->syspath);
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer data)
{
	struct fakebed *b = data;
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	gulong req = umockdev_ioctl_client_get_request(client);
	long rc = 0;
	int err = 0;

	(void)h;
	pthread_mutex_lock(&b->lock);
	struct fakeprinter *f = by_node(b, umockdev_ioctl_client_get_devnode(client));
	if (!f) {
		pthread_mutex_unlock(&b->lock);
		return FALSE;
	}
	if (!f->plugged && req != (gulong)USBDEVFS_DISCARDURB && req != (gulong)USBDEVFS_RELEASEINTERFACE) {
		rc = -1;
		err = ENODEV;
		goto out;
	}
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), NULL);
		*(guint32 *)d->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM
				      | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		umockdev_ioctl_data_unref(d);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
	case USBDEVFS_SETINTERFACE:
		break;
	case USBDEVFS_GETDRIVER: /* no kernel driver bound (usblp is not here) */
		rc = -1;
		err = ENODATA;
		break;
	case USBDEVFS_SUBMITURB: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb),
								   NULL);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)d->data;
		uint8_t *buf = urb->buffer;
		if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
			/* GET_DEVICE_ID: 2 bytes of big-endian length, then the IEEE 1284 id */
			char id[160];
			const char *mfg = f->model->vid == 0x04f9 ? "Brother" : f->model->vid == 0x0a5f
					  ? "Zebra Technologies" : "EPSON";
			int n = snprintf(id, sizeof id, "MFG:%s;CMD:%s;MDL:%s;CLS:PRINTER;", mfg,
					 f->model->protocol, f->model->name);
			urb->actual_length = 0;
			if (buf[0] == 0xA1 && buf[1] == 0 && urb->buffer_length >= 8 + 2 + n) {
				buf[8] = (uint8_t)((n + 2) >> 8);
				buf[9] = (uint8_t)(n + 2);
				memcpy(buf + 10, id, (size_t)n);
				urb->actual_length = n + 2;
			}
			urb->status = 0;
			f->done[f->ndone++] = d;
		} else if (urb->endpoint & 0x80) {
			f->waiting[f->nwaiting++] = d;
			deliver(f);
		} else {
			size_t n = (size_t)urb->buffer_length;
			if (f->unplug_after && n >= f->unplug_after) {
				/* The cable comes out in the middle of this transfer. */
				feed(f, buf, f->unplug_after);
				unplug_locked(f);
				umockdev_ioctl_data_unref(d);
				rc = -1;
				err = ENODEV;
				break;
			}
			if (f->unplug_after)
				f->unplug_after -= n;
			feed(f, buf, n);
			urb->actual_length = urb->buffer_length;
			urb->status = 0;
			f->done[f->ndone++] = d;
			deliver(f);
		}
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		deliver(f);
		if (!f->ndone) {
			rc = -1;
			err = EAGAIN;
			break;
		}
		UMockdevIoctlData *d = f->done[0];
		memmove(f->done, f->done + 1, sizeof(f->done[0]) * (size_t)--f->ndone);
		UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);
		umockdev_ioctl_data_set_ptr(ptr, 0, d);
		umockdev_ioctl_data_unref(ptr);
		umockdev_ioctl_data_unref(d);
		break;
	}
	case USBDEVFS_DISCARDURB: {
		gulong addr = (gulong) * (void **)arg->data;
		rc = -1;
		err = EINVAL;
		for (int i = 0; i < f->nwaiting; i++) {
			if (f->waiting[i]->client_addr != addr)
				continue;
			UMockdevIoctlData *d = f->waiting[i];
			memmove(f->waiting + i, f->waiting + i + 1,
				sizeof(f->waiting[0]) * (size_t)(--f->nwaiting - i));
			((struct usbdevfs_urb *)d->data)->status = -ENOENT;
			((struct usbdevfs_urb *)d->data)->actual_length = 0;
			f->done[f->ndone++] = d;
			rc = 0;
			err = 0;
			break;
		}
		break;
	}
	default:
		rc = -1;
		err = ENOTTY;
	}
out:
	pthread_mutex_unlock(&b->lock);
	umockdev_ioctl_client_complete(client, rc, err);
	return TRUE;
}

/* ---- plugging ------------------------------------------------------------------------ */
struct fakebed *fakebed_new(void)
{
	const char *pre = getenv("LD_PRELOAD");
	if (!pre || !strstr(pre, "umockdev-preload"))
		return NULL;
	struct fakebed *b = calloc(1, sizeof *b);
	pthread_mutex_init(&b->lock, NULL);
	b->tb = umockdev_testbed_new();
	b->handler = umockdev_ioctl_base_new();
	g_signal_connect_after(b->handler, "handle-ioctl", G_CALLBACK(on_ioctl), b);
	umockdev_testbed_add_from_string(b->tb, root_hub, NULL);
	return b;
}

static void plug(struct fakeprinter *f)
{
	GError *e = NULL;
	if (!f->attached)
		umockdev_testbed_attach_ioctl(f->bed->tb, f->devnode, f->bed->handler, &e);
	f->attached = 1;
	g_clear_error(&e);
	umockdev_testbed_add_from_string(f->bed->tb, f->desc, &e);
	g_clear_error(&e);
	f->plugged = 1;
}

struct fakeprinter *fake_add(struct fakebed *b, const char *model, struct printer_media m)
{
	struct fakeprinter *f = calloc(1, sizeof *f);
	f->bed = b;
	f->model = printer_model_find(model);
	if (!f->model || b->n >= MAX_FAKES) {
		free(f);
		return NULL;
	}
	f->devnum = 5 + b->n;
	f->media = m;
	f->state = PRINTER_READY;
	describe(f);
	pthread_mutex_lock(&b->lock);
	b->f[b->n++] = f;
	pthread_mutex_unlock(&b->lock);
	plug(f);
	return f;
}

void fakebed_free(struct fakebed *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++) {
		struct fakeprinter *f = b->f[i];
		GError *e = NULL;
		umockdev_testbed_detach_ioctl(b->tb, f->devnode, &e);
		g_clear_error(&e);
		for (int k = 0; k < f->njobs; k++)
			free(f->job[k]);
		for (int k = 0; k < f->nwaiting; k++)
			umockdev_ioctl_data_unref(f->waiting[k]);
		for (int k = 0; k < f->ndone; k++)
			umockdev_ioctl_data_unref(f->done[k]);
		free(f->buf);
		free(f);
	}
	g_object_unref(b->handler);
	g_object_unref(b->tb);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

#define LOCKED(f, stmt) do { pthread_mutex_lock(&(f)->bed->lock); stmt; \
			     pthread_mutex_unlock(&(f)->bed->lock); } while (0)

void fake_set_state(struct fakeprinter *f, enum printer_state st) { LOCKED(f, f->state = st); }
void fake_set_media(struct fakeprinter *f, struct printer_media m) { LOCKED(f, f->media = m); }
void fake_set_silent(struct fakeprinter *f, int s) { LOCKED(f, f->silent = s; deliver(f)); }
void fake_unplug_after(struct fakeprinter *f, size_t n) { LOCKED(f, f->unplug_after = n); }
void fake_unplug(struct fakeprinter *f) { LOCKED(f, unplug_locked(f)); }

void fake_replug(struct fakeprinter *f)
{
	pthread_mutex_lock(&f->bed->lock);
	int was = f->plugged;
	f->len = 0;
	f->reply_len = 0;
	f->unplug_after = 0;
	pthread_mutex_unlock(&f->bed->lock);
	if (!was)
		plug(f);
}

int fake_jobs(struct fakeprinter *f)
{
	int n;
	LOCKED(f, n = f->njobs);
	return n;
}

const uint8_t *fake_job(struct fakeprinter *f, int i, size_t *len)
{
	const uint8_t *p = NULL;
	LOCKED(f, if (i >= 0 && i < f->njobs) { p = f->job[i]; *len = f->job_len[i]; });
	return p;
}

const char *fake_spec(struct fakeprinter *f)
{
	return f->spec;
}
