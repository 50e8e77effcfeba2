/* SPDX-License-Identifier: MIT */
/* A fake USB label printer for tests, on umockdev: the real libusb code of the "usb"
 * driver finds it in a fake sysfs, opens /dev/bus/usb/BBB/DDD, claims it, asks GET_DEVICE_ID
 * and exchanges bulk transfers with it, all answered here as it goes (umockdev's
 * UMockdevIoctlBase "handle-ioctl" signal). It speaks Brother QL, ZPL and ESC/POS well
 * enough to answer status requests and to take whole jobs, which it keeps (the bytes) for
 * the test to decode. A test can open its cover, take its labels away, load another roll,
 * make it stop answering (bulk reads then really time out), or unplug it mid-job and plug it
 * back in.
 *
 * It runs inside the test process (the handler writes into the client's buffers directly),
 * which must run under umockdev-wrapper (LD_PRELOAD of libumockdev-preload). */
#ifndef VK_TESTS_FAKEPRINTER_H
#define VK_TESTS_FAKEPRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "printer/printer.h"

struct fakebed;
struct fakeprinter;

/* A fresh testbed with no printers; NULL when umockdev is not preloaded. */
struct fakebed *fakebed_new(void);
void fakebed_free(struct fakebed *b);

/* Plugs in a fake of model ("QL-820NWB", "QL-1110NWB", "ZD421", "TM-T20"; also
 * "QL-1110NWB (Editor Lite)" and "LabelWriter 450", which have no printer interface)
 * with roll m loaded. */
struct fakeprinter *fake_add(struct fakebed *b, const char *model, struct printer_media m);

void fake_set_state(struct fakeprinter *f, enum printer_state st);
void fake_set_media(struct fakeprinter *f, struct printer_media m);
/* 1 = stops answering: bulk reads never complete (LIBUSB_ERROR_TIMEOUT for the driver). */
void fake_set_silent(struct fakeprinter *f, int silent);
/* Unplugs after n more bytes of a job arrive (0 = never). */
void fake_unplug_after(struct fakeprinter *f, size_t n);
void fake_unplug(struct fakeprinter *f);
void fake_replug(struct fakeprinter *f);
/* Whole jobs taken (the print command arrived) and the bytes of job i (owned by f). */
int fake_jobs(struct fakeprinter *f);
const uint8_t *fake_job(struct fakeprinter *f, int i, size_t *len);
/* "usb:04f9:209d" for this fake. */
const char *fake_spec(struct fakeprinter *f);

#endif
