/* SPDX-License-Identifier: MIT */
/* The simulated power cut (see powercut.h for the model). A VFS named "powercut" whose
 * files wrap the unix VFS's files: reads, locks and the shared-memory index go straight
 * through; writes, truncations and syncs of database, WAL and journal files are recorded
 * per path. Not a test program: it has no main. */
#include "powercut.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One change not yet synced: len bytes at off, or (data NULL) a truncation to off. */
struct change {
	sqlite3_int64 off;
	int len;
	unsigned char *data;
};

/* What the disk holds of one path, and what is waiting in the page cache. */
struct record {
	char *path;
	int main_db;              /* a main database: its -shm goes on restore */
	int durable;              /* the file exists on the disk */
	unsigned char *disk;      /* its content there */
	sqlite3_int64 disk_len, disk_cap;
	struct change *pending;
	int npending, cap_pending;
	struct record *next;
};

struct pc_file {
	sqlite3_file base;
	struct record *rec;       /* NULL: not recorded (opened disarmed, or a temp file) */
	sqlite3_file *real;       /* the unix VFS's file, in the same allocation after this */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sqlite3_vfs *real_vfs;
static sqlite3_vfs pc_vfs;
static int armed, dead;
static long ops, cut_at;
static struct record *records;

#define REAL(f) (((struct pc_file *)(f))->real)
#define REC(f) (((struct pc_file *)(f))->rec)

/* Counts one operation on a recorded file; 1 when power is (now) off. Under mu. */
static int power_fails(void)
{
	if (dead)
		return 1;
	ops++;
	if (cut_at > 0 && ops >= cut_at)
		dead = 1;
	return dead;
}

static int disk_reserve(struct record *r, sqlite3_int64 len)
{
	if (len <= r->disk_cap)
		return 0;
	sqlite3_int64 cap = r->disk_cap ? r->disk_cap : 4096;
	while (cap < len)
		cap *= 2;
	unsigned char *p = realloc(r->disk, (size_t)cap);
	if (!p)
		return -1;
	memset(p + r->disk_cap, 0, (size_t)(cap - r->disk_cap));
	r->disk = p;
	r->disk_cap = cap;
	return 0;
}

/* The disk catches up with the page cache: every pending change, in order. */
static int apply_pending(struct record *r)
{
	for (int i = 0; i < r->npending; i++) {
		struct change *c = &r->pending[i];
		if (!c->data) {
			if (c->off < r->disk_len)
				memset(r->disk + c->off, 0, (size_t)(r->disk_len - c->off));
			r->disk_len = c->off;
			continue;
		}
		if (disk_reserve(r, c->off + c->len))
			return -1;
		if (c->off > r->disk_len) /* a hole reads as zeros */
			memset(r->disk + r->disk_len, 0, (size_t)(c->off - r->disk_len));
		memcpy(r->disk + c->off, c->data, (size_t)c->len);
		if (c->off + c->len > r->disk_len)
			r->disk_len = c->off + c->len;
	}
	for (int i = 0; i < r->npending; i++)
		free(r->pending[i].data);
	r->npending = 0;
	r->durable = 1;
	return 0;
}

static int add_change(struct record *r, sqlite3_int64 off, const void *data, int len)
{
	if (r->npending == r->cap_pending) {
		int cap = r->cap_pending ? r->cap_pending * 2 : 64;
		struct change *p = realloc(r->pending, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		r->pending = p;
		r->cap_pending = cap;
	}
	struct change *c = &r->pending[r->npending];
	c->off = off;
	c->len = len;
	c->data = NULL;
	if (data) {
		if (!(c->data = malloc((size_t)len ? (size_t)len : 1)))
			return -1;
		memcpy(c->data, data, (size_t)len);
	}
	r->npending++;
	return 0;
}

static void drop_pending(struct record *r)
{
	for (int i = 0; i < r->npending; i++)
		free(r->pending[i].data);
	r->npending = 0;
}

static struct record *find_record(const char *path)
{
	for (struct record *r = records; r; r = r->next)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

/* ---- the file methods ------------------------------------------------------------------- */

static int pc_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	f->pMethods = NULL;
	return rc;
}

static int pc_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int pc_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct record *r = REC(f);
	if (r) {
		pthread_mutex_lock(&mu);
		int off_now = power_fails();
		int rc = off_now ? SQLITE_IOERR_WRITE
				 : add_change(r, off, buf, n) ? SQLITE_IOERR_NOMEM : SQLITE_OK;
		pthread_mutex_unlock(&mu);
		if (rc != SQLITE_OK)
			return rc;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int pc_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct record *r = REC(f);
	if (r) {
		pthread_mutex_lock(&mu);
		int off_now = power_fails();
		int rc = off_now ? SQLITE_IOERR_TRUNCATE
				 : add_change(r, size, NULL, 0) ? SQLITE_IOERR_NOMEM : SQLITE_OK;
		pthread_mutex_unlock(&mu);
		if (rc != SQLITE_OK)
			return rc;
	}
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int pc_sync(sqlite3_file *f, int flags)
{
	struct record *r = REC(f);
	if (!r)
		return REAL(f)->pMethods->xSync(REAL(f), flags);
	/* recorded: the model's disk is what counts, the real fsync would only cost time */
	pthread_mutex_lock(&mu);
	int rc = power_fails() ? SQLITE_IOERR_FSYNC
			       : apply_pending(r) ? SQLITE_IOERR_NOMEM : SQLITE_OK;
	pthread_mutex_unlock(&mu);
	return rc;
}

static int pc_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int pc_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int pc_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int pc_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int pc_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int pc_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int pc_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int pc_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int pc_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void pc_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int pc_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

/* No memory-mapped reads: every read goes through xRead (version 3 methods). */
static int pc_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	(void)f, (void)off, (void)n;
	*pp = NULL;
	return SQLITE_OK;
}

static int pc_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods pc_methods = {
	.iVersion = 3,
	.xClose = pc_close, .xRead = pc_read, .xWrite = pc_write, .xTruncate = pc_truncate,
	.xSync = pc_sync, .xFileSize = pc_file_size, .xLock = pc_lock, .xUnlock = pc_unlock,
	.xCheckReservedLock = pc_check_reserved, .xFileControl = pc_file_control,
	.xSectorSize = pc_sector_size, .xDeviceCharacteristics = pc_device,
	.xShmMap = pc_shm_map, .xShmLock = pc_shm_lock, .xShmBarrier = pc_shm_barrier,
	.xShmUnmap = pc_shm_unmap, .xFetch = pc_fetch, .xUnfetch = pc_unfetch,
};

/* ---- the VFS methods ------------------------------------------------------------------------ */

/* Reads the whole file f as it is now: its durable content when recording starts. */
static int read_all(sqlite3_file *real, struct record *r)
{
	sqlite3_int64 size = 0;
	if (real->pMethods->xFileSize(real, &size) != SQLITE_OK || disk_reserve(r, size))
		return -1;
	if (size > 0 && real->pMethods->xRead(real, r->disk, (int)size, 0) != SQLITE_OK)
		return -1;
	r->disk_len = size;
	r->durable = 1;
	return 0;
}

static int pc_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct pc_file *pf = (struct pc_file *)f;
	int existed, rc;
	(void)vfs;
	pf->real = (sqlite3_file *)(pf + 1);
	pf->rec = NULL;
	f->pMethods = NULL;
	existed = name && access(name, F_OK) == 0;
	rc = real_vfs->xOpen(real_vfs, name, pf->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		pf->real->pMethods = NULL;
		return rc;
	}
	f->pMethods = &pc_methods;
	if (!name || !(flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)))
		return SQLITE_OK;
	pthread_mutex_lock(&mu);
	if (armed) {
		/* the first open of a path while armed starts its record */
		struct record *r = find_record(name);
		if (!r) {
			if ((r = calloc(1, sizeof *r)) && !(r->path = strdup(name))) {
				free(r);
				r = NULL;
			}
			if (r) {
				r->main_db = !!(flags & SQLITE_OPEN_MAIN_DB);
				if (existed && read_all(pf->real, r))
					rc = SQLITE_IOERR_NOMEM;
				r->next = records;
				records = r;
			}
		}
		if (!r)
			rc = SQLITE_NOMEM;
		pf->rec = r;
	}
	pthread_mutex_unlock(&mu);
	if (rc != SQLITE_OK)
		pc_close(f);
	return rc;
}

static int pc_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	pthread_mutex_lock(&mu);
	struct record *r = armed ? find_record(name) : NULL;
	if (armed && dead) {
		pthread_mutex_unlock(&mu);
		return SQLITE_IOERR_DELETE;
	}
	if (r) {
		drop_pending(r);
		r->durable = 0;
		r->disk_len = 0;
	}
	pthread_mutex_unlock(&mu);
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int pc_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int pc_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *pc_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void pc_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*pc_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void pc_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int pc_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int pc_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int pc_current_time(sqlite3_vfs *vfs, double *t)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int pc_last_error(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, msg);
}

static int pc_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

int powercut_install(void)
{
	if (real_vfs)
		return 0;
	sqlite3_vfs *u = sqlite3_vfs_find("unix");
	if (!u || u->iVersion < 2)
		return -1;
	pc_vfs = (sqlite3_vfs){
		.iVersion = 2, .szOsFile = (int)sizeof(struct pc_file) + u->szOsFile,
		.mxPathname = u->mxPathname, .zName = "powercut",
		.xOpen = pc_open, .xDelete = pc_delete, .xAccess = pc_access,
		.xFullPathname = pc_full_pathname, .xDlOpen = pc_dlopen, .xDlError = pc_dlerror,
		.xDlSym = pc_dlsym, .xDlClose = pc_dlclose, .xRandomness = pc_randomness,
		.xSleep = pc_sleep, .xCurrentTime = pc_current_time, .xGetLastError = pc_last_error,
		.xCurrentTimeInt64 = pc_current_time64,
	};
	real_vfs = u;
	if (sqlite3_vfs_register(&pc_vfs, 1) != SQLITE_OK) {
		real_vfs = NULL;
		return -1;
	}
	return 0;
}

void powercut_arm(long at)
{
	pthread_mutex_lock(&mu);
	armed = 1;
	dead = 0;
	ops = 0;
	cut_at = at;
	pthread_mutex_unlock(&mu);
}

long powercut_ops(void)
{
	pthread_mutex_lock(&mu);
	long n = ops;
	pthread_mutex_unlock(&mu);
	return n;
}

int powercut_dead(void)
{
	pthread_mutex_lock(&mu);
	int d = dead;
	pthread_mutex_unlock(&mu);
	return d;
}

static int write_back(const struct record *r)
{
	if (!r->durable)
		return unlink(r->path) == 0 || errno == ENOENT ? 0 : -1;
	int fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	sqlite3_int64 done = 0;
	while (done < r->disk_len) {
		ssize_t n = write(fd, r->disk + done, (size_t)(r->disk_len - done));
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += n;
	}
	return close(fd);
}

int powercut_restore(void)
{
	int rc = 0;
	pthread_mutex_lock(&mu);
	while (records) {
		struct record *r = records;
		records = r->next;
		if (write_back(r))
			rc = -1;
		if (r->main_db) {
			char shm[4200];
			snprintf(shm, sizeof shm, "%s-shm", r->path);
			if (unlink(shm) != 0 && errno != ENOENT)
				rc = -1;
		}
		drop_pending(r);
		free(r->pending);
		free(r->disk);
		free(r->path);
		free(r);
	}
	armed = 0;
	dead = 0;
	cut_at = 0;
	pthread_mutex_unlock(&mu);
	return rc;
}
