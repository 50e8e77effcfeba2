/* SPDX-License-Identifier: MIT */
/* A power cut for whole processes: an LD_PRELOAD library that keeps, for every file under
 * one folder, only what the process made durable, and kills the process at a chosen write.
 * tests/e2e/powercut.sh runs `vkhid checkin` and the threaded kiosk under it.
 *
 *   POWERCUT_DIR=/abs/dir  the folder watched (the database, its -wal and -shm)
 *   POWERCUT_AT=N          SIGKILL just before the Nth intercepted write operation
 *   POWERCUT_SEED=S        instead of POWERCUT_AT: N drawn from seed S in 1..POWERCUT_MAX
 *                          (default 400); the seed and N are printed to stderr
 *   POWERCUT_COUNT=FILE    at a normal exit, write the number of write operations seen
 *
 * The durable copy: at each fsync or fdatasync of a watched file, its whole content at that
 * moment is copied to DIR/.durable/NAME (write, then rename, so the copy itself is never
 * half made). A file never synced has no durable copy: after the cut the test replaces
 * every file of DIR by its copy and removes those without one, which is what a disk that
 * lost its cache would hold. unlink and rename of a watched file are applied to the copy
 * at once (SQLite syncs its folder after them; treating them as durable at once is the
 * kinder choice, so a loss the test finds is a real one).
 *
 * Write operations counted: write, pwrite, pwrite64, pwritev, ftruncate(64), fsync,
 * fdatasync, rename, unlink on watched files. close stops watching a descriptor. Threads
 * share one counter (atomic). The library itself is not sanitized: it is loaded into the
 * ASan build with ASAN_OPTIONS=verify_asan_link_order=0, and its calls to the real
 * functions go through dlsym(RTLD_NEXT). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FD 4096

static char dir[PATH_MAX];
static size_t dir_len;
static long cut_at;               /* 0 = never */
static long ops;
static const char *count_file;
static char *names[MAX_FD];       /* watched descriptor -> its name inside dir */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_unlink)(const char *);

/* The next definition of a function (libasan's or libc's), looked up on first use: the
 * process may call open before this library's constructor has run. */
static void *sym(void **slot, const char *name)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (!p) {
		p = dlsym(RTLD_NEXT, name);
		__atomic_store_n(slot, p, __ATOMIC_RELEASE);
	}
	return p;
}
#define REAL(name) ((__typeof__(real_##name))sym((void **)&real_##name, #name))

__attribute__((constructor)) static void pc_init(void)
{
	const char *d = getenv("POWERCUT_DIR"), *at = getenv("POWERCUT_AT"), *seed = getenv("POWERCUT_SEED");
	if (d && *d == '/' && strlen(d) < sizeof dir - 1) {
		snprintf(dir, sizeof dir, "%s", d);
		while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
			dir[strlen(dir) - 1] = '\0';
		dir_len = strlen(dir);
	}
	if (at)
		cut_at = strtol(at, NULL, 10);
	else if (seed) {
		unsigned s = (unsigned)strtoul(seed, NULL, 10);
		const char *mx = getenv("POWERCUT_MAX");
		long max = mx ? strtol(mx, NULL, 10) : 400;
		cut_at = 1 + (long)(rand_r(&s) % (unsigned)(max > 0 ? max : 400));
		fprintf(stderr, "powercut: seed %s, cut at write operation %ld\n", seed, cut_at);
	}
	count_file = getenv("POWERCUT_COUNT");
}

__attribute__((destructor)) static void pc_fini(void)
{
	if (count_file) {
		FILE *f = fopen(count_file, "w");
		if (f) {
			fprintf(f, "%ld\n", __atomic_load_n(&ops, __ATOMIC_SEQ_CST));
			fclose(f);
		}
	}
}

/* The name inside dir of path (absolute or relative to the working folder), or NULL when
 * the file is not watched (outside dir, or the durable copies themselves). */
static const char *watched(const char *path, char *buf, size_t cap)
{
	char cwd[PATH_MAX];
	const char *abs = path;
	if (!dir_len || !path)
		return NULL;
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		snprintf(buf, cap, "%s/%s", cwd, path);
		abs = buf;
	}
	if (strncmp(abs, dir, dir_len) != 0 || abs[dir_len] != '/')
		return NULL;
	abs += dir_len + 1;
	if (strchr(abs, '/') || strncmp(abs, ".durable", 8) == 0 || !*abs)
		return NULL;
	return abs;
}

static void track(int fd, const char *path)
{
	char buf[PATH_MAX * 2];
	const char *name;
	if (fd < 0 || fd >= MAX_FD || !(name = watched(path, buf, sizeof buf)))
		return;
	pthread_mutex_lock(&lock);
	free(names[fd]);
	names[fd] = strdup(name);
	pthread_mutex_unlock(&lock);
}

static int is_watched(int fd)
{
	int w;
	if (fd < 0 || fd >= MAX_FD)
		return 0;
	pthread_mutex_lock(&lock);
	w = names[fd] != NULL;
	pthread_mutex_unlock(&lock);
	return w;
}

/* One write operation on a watched file: the power goes here when its turn has come. */
static void tick(void)
{
	long n = __atomic_add_fetch(&ops, 1, __ATOMIC_SEQ_CST);
	if (cut_at && n >= cut_at)
		kill(getpid(), SIGKILL);
}

/* The durable copy of the file open on fd: its whole content now. */
static void make_durable(int fd)
{
	char name[PATH_MAX], tmp[PATH_MAX * 3], dst[PATH_MAX * 3], buf[65536];
	struct stat st;
	off_t off = 0;
	int out;
	pthread_mutex_lock(&lock);
	if (!names[fd]) {
		pthread_mutex_unlock(&lock);
		return;
	}
	snprintf(name, sizeof name, "%s", names[fd]);
	pthread_mutex_unlock(&lock);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	snprintf(tmp, sizeof tmp, "%s/.durable", dir);
	mkdir(tmp, 0700);
	snprintf(tmp, sizeof tmp, "%s/.durable/.%s.%d.tmp", dir, name, (int)gettid());
	snprintf(dst, sizeof dst, "%s/.durable/%s", dir, name);
	out = REAL(open)(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		return;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf, off);
		if (n <= 0)
			break;
		if (REAL(write)(out, buf, (size_t)n) != n)
			break;
		off += n;
	}
	REAL(close)(out);
	REAL(rename)(tmp, dst);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	int fd = REAL(open)(path, flags, m);
	track(fd, path);
	return fd;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	int fd = REAL(open64)(path, flags, m);
	track(fd, path);
	return fd;
}

int openat(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	int fd = REAL(openat)(dfd, path, flags, m);
	if (dfd == AT_FDCWD || path[0] == '/')
		track(fd, path);
	return fd;
}

int openat64(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	int fd = REAL(openat64)(dfd, path, flags, m);
	if (dfd == AT_FDCWD || path[0] == '/')
		track(fd, path);
	return fd;
}

ssize_t write(int fd, const void *b, size_t n)
{
	if (is_watched(fd))
		tick();
	return REAL(write)(fd, b, n);
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
	if (is_watched(fd))
		tick();
	return REAL(pwrite)(fd, b, n, off);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off_t off)
{
	if (is_watched(fd))
		tick();
	return REAL(pwrite64)(fd, b, n, off);
}

ssize_t pwritev(int fd, const struct iovec *v, int n, off_t off)
{
	if (is_watched(fd))
		tick();
	return REAL(pwritev)(fd, v, n, off);
}

int ftruncate(int fd, off_t len)
{
	if (is_watched(fd))
		tick();
	return REAL(ftruncate)(fd, len);
}

int ftruncate64(int fd, off_t len)
{
	if (is_watched(fd))
		tick();
	return REAL(ftruncate64)(fd, len);
}

int fsync(int fd)
{
	int rc;
	if (!is_watched(fd))
		return REAL(fsync)(fd);
	tick();
	rc = REAL(fsync)(fd);
	if (rc == 0)
		make_durable(fd);
	return rc;
}

int fdatasync(int fd)
{
	int rc;
	if (!is_watched(fd))
		return REAL(fdatasync)(fd);
	tick();
	rc = REAL(fdatasync)(fd);
	if (rc == 0)
		make_durable(fd);
	return rc;
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FD) {
		pthread_mutex_lock(&lock);
		free(names[fd]);
		names[fd] = NULL;
		pthread_mutex_unlock(&lock);
	}
	return REAL(close)(fd);
}

int rename(const char *from, const char *to)
{
	char b1[PATH_MAX * 2], b2[PATH_MAX * 2], d1[PATH_MAX * 2], d2[PATH_MAX * 2];
	const char *n1 = watched(from, b1, sizeof b1), *n2 = watched(to, b2, sizeof b2);
	int rc;
	if (n1 || n2)
		tick();
	rc = REAL(rename)(from, to);
	if (rc == 0 && n1 && n2) {
		snprintf(d1, sizeof d1, "%s/.durable/%s", dir, n1);
		snprintf(d2, sizeof d2, "%s/.durable/%s", dir, n2);
		REAL(rename)(d1, d2);
	}
	return rc;
}

int unlink(const char *path)
{
	char b[PATH_MAX * 2], d[PATH_MAX * 2];
	const char *n = watched(path, b, sizeof b);
	int rc;
	if (n)
		tick();
	rc = REAL(unlink)(path);
	if (rc == 0 && n) {
		snprintf(d, sizeof d, "%s/.durable/%s", dir, n);
		REAL(unlink)(d);
	}
	return rc;
}
