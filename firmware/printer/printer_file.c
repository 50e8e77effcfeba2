/* SPDX-License-Identifier: MIT */
/* The simulated printer, "--printer file:DIR[:MODEL]": the twin of the USB drivers for
 * headless runs, demos and tests. Each label becomes DIR/<job name>.png. It behaves like a
 * real printer where it matters to the rest of the program: a forced state (unplugged, no
 * media, cover open...) makes jobs fail with the error a real driver would return and
 * writes nothing, a job laid out for other stock is refused as wrong media, and the roll
 * can be made to run out after n labels (printer_sim_fail_after).
 *
 * The MODEL suffix will later make it also write the raw bytes that model's protocol would
 * send; for now it is parsed, kept and shown in the status. The loaded stock is a 62x100 mm
 * die-cut roll, the default badge. A mutex guards the state because the printer thread
 * prints while the UI or a scenario thread forces states. */
#include "printer/printer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FILE_MEDIA_WIDTH_MM 62
#define FILE_MEDIA_LENGTH_MM 100
#define FILE_MAX_DIR 3072
#define FILE_MAX_JOB_NAME 200

struct file_printer {
	struct printer base;          /* always the first member */
	char *dir;
	char model[32];               /* "" or the protocol named after the last ':' */
	pthread_mutex_t lock;         /* guards everything below */
	enum printer_state forced;    /* READY unless a test or scenario forced a fault */
	int fail_after;               /* 0 = never; n = the n-th next job ends the roll */
	int count;                    /* labels written */
};

/* Defined at the end of this file, after the functions it points to. */
extern const struct printer_driver printer_file_driver;

/* mkdir -p: creates dir and its missing parents. Returns 0 or an errno value. */
static int make_dirs(const char *dir)
{
	char path[FILE_MAX_DIR + 1];
	struct stat sb;
	size_t len = strlen(dir);

	if (len == 0 || len > FILE_MAX_DIR)
		return ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	/* Create each prefix that ends at a '/', then the whole path; an existing directory at
	 * any step is fine (another kiosk process may race us to it). */
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char saved = path[i];
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			path[i] = saved;
			return e;
		}
		path[i] = saved;
	}
	if (stat(dir, &sb) != 0)
		return errno;
	return S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
}

/* Splits "DIR[:MODEL]" into dir (malloc'd) and model. The suffix after the last ':' is a
 * model only when it looks like a name (no '/'), so "/srv/a:b/out" stays one folder. */
static int parse_arg(const char *arg, char **dir, char *model, size_t model_len,
		     char *why, size_t why_len)
{
	const char *colon = strrchr(arg, ':');
	size_t dir_len = strlen(arg);

	model[0] = '\0';
	if (colon && !strchr(colon + 1, '/')) {
		size_t n = strlen(colon + 1);
		if (n >= model_len) {
			if (why_len)
				snprintf(why, why_len, "printer model name too long: \"%.40s\"",
					 colon + 1);
			return PRINTER_ERR_INVALID;
		}
		memcpy(model, colon + 1, n + 1);
		dir_len = (size_t)(colon - arg);
	}
	if (dir_len == 0) {
		if (why_len)
			snprintf(why, why_len, "the file printer needs a folder: file:DIR");
		return PRINTER_ERR_INVALID;
	}
	*dir = strndup(arg, dir_len);
	return *dir ? PRINTER_OK : PRINTER_ERR_NOMEM;
}

static int file_open(const char *arg, struct printer **out, char *why, size_t why_len)
{
	struct file_printer *fp = NULL;
	int rc;

	if (!arg || !*arg) {
		if (why_len)
			snprintf(why, why_len, "the file printer needs a folder: file:DIR");
		return PRINTER_ERR_INVALID;
	}
	fp = calloc(1, sizeof(*fp));
	if (!fp)
		return PRINTER_ERR_NOMEM;
	fp->base.drv = &printer_file_driver;
	rc = parse_arg(arg, &fp->dir, fp->model, sizeof(fp->model), why, why_len);
	if (rc != PRINTER_OK)
		goto fail;
	int e = make_dirs(fp->dir);
	if (e != 0) {
		if (why_len)
			snprintf(why, why_len, "cannot create the folder %s: %s", fp->dir,
				 strerror(e));
		rc = PRINTER_ERR_IO;
		goto fail;
	}
	if (pthread_mutex_init(&fp->lock, NULL) != 0) {
		rc = PRINTER_ERR_NOMEM;
		goto fail;
	}
	fp->forced = PRINTER_READY;
	*out = &fp->base;
	return PRINTER_OK;
fail:
	free(fp->dir);
	free(fp);
	return rc;
}

/* Fills the parts of st that do not depend on the state. Caller holds the lock. */
static void fill_status(const struct file_printer *fp, struct printer_status *st)
{
	st->state = fp->forced;
	snprintf(st->model, sizeof(st->model), "file");
	st->media.width_mm = FILE_MEDIA_WIDTH_MM;
	st->media.length_mm = FILE_MEDIA_LENGTH_MM;
	snprintf(st->detail, sizeof(st->detail), "simulated printer%s%s writing PNGs to %.90s",
		 fp->model[0] ? " as " : "", fp->model, fp->dir);
}

static int file_status(struct printer *p, struct printer_status *st)
{
	struct file_printer *fp = (struct file_printer *)p;

	pthread_mutex_lock(&fp->lock);
	fill_status(fp, st);
	pthread_mutex_unlock(&fp->lock);
	return PRINTER_OK;
}

/* The error a real USB driver returns for a printer in state s. */
static int error_for_state(enum printer_state s)
{
	switch (s) {
	case PRINTER_READY: return PRINTER_OK;
	case PRINTER_ABSENT:
	case PRINTER_UNPLUGGED: return PRINTER_ERR_GONE;
	case PRINTER_NOT_ANSWERING: return PRINTER_ERR_TIMEOUT;
	default: return PRINTER_ERR_NOT_READY;
	}
}

/* A job name becomes a file name inside DIR: it must not climb out of it or hide. */
static int job_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > FILE_MAX_JOB_NAME || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || (unsigned char)name[i] < 0x20)
			return 0;
	return 1;
}

static int file_print(struct printer *p, const struct printer_job *job,
		      const struct printer_raster *r, struct printer_status *st)
{
	struct file_printer *fp = (struct file_printer *)p;
	char *path = NULL;
	int rc;

	pthread_mutex_lock(&fp->lock);
	fill_status(fp, st);
	if (fp->forced != PRINTER_READY) {
		rc = error_for_state(fp->forced);
		goto out;
	}
	/* A real printer reports the loaded roll; a job laid out for other stock would waste
	 * a label, so refuse it the way the Brother driver will. 0 means "any". */
	if ((job->media.width_mm && job->media.width_mm != FILE_MEDIA_WIDTH_MM)
	    || (job->media.length_mm && job->media.length_mm != FILE_MEDIA_LENGTH_MM)) {
		st->state = PRINTER_WRONG_MEDIA;
		snprintf(st->detail, sizeof(st->detail),
			 "job is for %dx%d mm, the roll is %dx%d mm", job->media.width_mm,
			 job->media.length_mm, FILE_MEDIA_WIDTH_MM, FILE_MEDIA_LENGTH_MM);
		rc = PRINTER_ERR_NOT_READY;
		goto out;
	}
	if (!job_name_ok(job->name)) {
		snprintf(st->detail, sizeof(st->detail), "job name not usable as a file name");
		rc = PRINTER_ERR_INVALID;
		goto out;
	}
	if (fp->fail_after > 0 && --fp->fail_after == 0) {
		/* The roll ends under this job: like the real printer, nothing comes out and the
		 * printer stays in the error state until someone loads a roll. */
		fp->forced = PRINTER_END_OF_MEDIA;
		fill_status(fp, st);
		rc = PRINTER_ERR_NOT_READY;
		goto out;
	}
	if (asprintf(&path, "%s/%s.png", fp->dir, job->name) < 0) {
		path = NULL;
		rc = PRINTER_ERR_NOMEM;
		goto out;
	}
	rc = printer_raster_save_png(r, path);
	if (rc != PRINTER_OK) {
		st->state = PRINTER_SYSTEM_ERROR;
		snprintf(st->detail, sizeof(st->detail), "cannot write %.120s", path);
		goto out;
	}
	fp->count++;
out:
	pthread_mutex_unlock(&fp->lock);
	free(path);
	return rc;
}

static void file_close(struct printer *p)
{
	struct file_printer *fp = (struct file_printer *)p;

	pthread_mutex_destroy(&fp->lock);
	free(fp->dir);
	free(fp);
}

const struct printer_driver printer_file_driver = {
	.name = "file",
	.help = "file:DIR[:MODEL]  simulated printer: each badge becomes DIR/NAME.png",
	.open = file_open,
	.status = file_status,
	.print = file_print,
	.close = file_close,
};

static struct file_printer *as_sim(struct printer *p)
{
	return p && p->drv == &printer_file_driver ? (struct file_printer *)p : NULL;
}

/* Forces the simulated printer into state st (READY clears the fault, and also cancels a
 * pending printer_sim_fail_after). Until then every job fails as a real printer in that
 * state would. Returns PRINTER_OK, or PRINTER_ERR_INVALID when p is not the simulated
 * printer or st is not a state. */
int printer_sim_set_state(struct printer *p, enum printer_state st)
{
	struct file_printer *fp = as_sim(p);

	if (!fp || (unsigned)st >= PRINTER_STATE_COUNT)
		return PRINTER_ERR_INVALID;
	pthread_mutex_lock(&fp->lock);
	fp->forced = st;
	if (st == PRINTER_READY)
		fp->fail_after = 0;
	pthread_mutex_unlock(&fp->lock);
	return PRINTER_OK;
}

/* Makes the n-th next job find the end of the roll: it fails with PRINTER_ERR_NOT_READY
 * and state END_OF_MEDIA (nothing written), and so does every job after it until
 * printer_sim_set_state(p, PRINTER_READY). n = 0 cancels. Returns PRINTER_OK or
 * PRINTER_ERR_INVALID (not the simulated printer, or n < 0). */
int printer_sim_fail_after(struct printer *p, int n)
{
	struct file_printer *fp = as_sim(p);

	if (!fp || n < 0)
		return PRINTER_ERR_INVALID;
	pthread_mutex_lock(&fp->lock);
	fp->fail_after = n;
	pthread_mutex_unlock(&fp->lock);
	return PRINTER_OK;
}

/* Labels written so far, or PRINTER_ERR_INVALID when p is not the simulated printer. */
int printer_sim_count(struct printer *p)
{
	struct file_printer *fp = as_sim(p);

	if (!fp)
		return PRINTER_ERR_INVALID;
	pthread_mutex_lock(&fp->lock);
	int n = fp->count;
	pthread_mutex_unlock(&fp->lock);
	return n;
}
