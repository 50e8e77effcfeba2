/* SPDX-License-Identifier: MIT */
/* A debug trace in the manner of LIBUSB_DEBUG: the environment variable VKHID_DEBUG names
 * the categories to trace, as a comma list ("printer,sql", "all"); each trace line goes to
 * stderr with a timestamp and its category:
 *
 *   vkhid 12:04:31.207Z [printer] open usb:04f9:209d: ok     (UTC)
 *
 * Off by default, and cheap when off: vk_trace() is a macro that tests one bit of a
 * global mask before it evaluates or formats its arguments. It lives in firmware/ so the
 * drivers (which must not include app/) and the app can both use it.
 *
 * Categories: door (the check-in loop), printer, camera, scan, sql. */
#ifndef FW_TRACE_H
#define FW_TRACE_H

enum vk_trace_cat {
	VK_TRACE_DOOR = 1u << 0,
	VK_TRACE_PRINTER = 1u << 1,
	VK_TRACE_CAMERA = 1u << 2,
	VK_TRACE_SCAN = 1u << 3,
	VK_TRACE_SQL = 1u << 4,
	VK_TRACE_ALL = (1u << 5) - 1,
};

/* The categories in force. It starts as "unread": the first check reads VKHID_DEBUG
 * (vk_trace_init), so no program has to remember to call anything. */
extern unsigned vk_trace_mask;
#define VK_TRACE_UNREAD (1u << 31)

/* Reads VKHID_DEBUG into vk_trace_mask (unknown words are ignored) and returns the mask.
 * Called by the first vk_trace_on(); call it again after changing the variable (tests). */
unsigned vk_trace_init(void);
/* Parses a category list ("door,sql", "all", "" = none) into a mask. */
unsigned vk_trace_parse(const char *list);

/* 1 when category cat is traced. */
static inline int vk_trace_on(unsigned cat)
{
	unsigned m = __atomic_load_n(&vk_trace_mask, __ATOMIC_RELAXED);
	if (m & VK_TRACE_UNREAD)
		m = vk_trace_init();
	return (m & cat) != 0;
}

/* Writes one trace line (timestamp, category, the printf-formatted text, a newline) to
 * stderr as one write, so lines of two threads do not interleave. Use vk_trace(). */
void vk_trace_write(unsigned cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* vk_trace(VK_TRACE_PRINTER, "job %d sent", id): nothing is formatted unless traced. */
#define vk_trace(cat, ...) \
	do { \
		if (vk_trace_on(cat)) \
			vk_trace_write((cat), __VA_ARGS__); \
	} while (0)

#endif
