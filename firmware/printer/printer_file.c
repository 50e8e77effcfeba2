/* SPDX-License-Identifier: MIT */
/* The simulated printer, "--printer file:DIR[:MODEL]": the twin of the USB drivers for
 * headless runs, demos and tests. Each label becomes DIR/<job name>.png; with a MODEL
 * ("file:out:QL-820NWB", "file:out:ZD421", "file:out:TM-T20") also DIR/<job name>.bin, the
 * exact bytes that model would have received over USB (status request, job, print
 * command), so a job can be inspected without hardware. It behaves like a real printer
 * where it matters to the rest of the program: a forced state (unplugged, no media, cover
 * open...) makes jobs fail with the error a real driver would return and writes nothing, a
 * job laid out for other stock is refused as wrong media, the roll can be made to run out
 * after n labels (printer_sim_fail_after), and the process can be made to die at any step
 * of a job (printer_sim_crash_at) to test the queue's promise of one badge per job.
 *
 * Like paper, a label once out is never overwritten: a second label of the same name
 * becomes NAME~2.png, so a duplicate print shows. The loaded stock is the model's usual
 * roll (62x100 mm die-cut without a model). A mutex guards the state because the printer
 * thread prints while the UI or a scenario thread forces states. */
#include "printer/printer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "printer/proto.h"

#define FILE_MEDIA_WIDTH_MM 62
#define FILE_MEDIA_LENGTH_MM 100
#define FILE_MAX_DIR 3072
#define FILE_MAX_JOB_NAME 200

struct file_printer {
	struct printer base;          /* always the first member */
	char *dir;
	char model[32];               /* "" or the model named after the last ':' */
	pthread_mutex_t lock;         /* guards everything below */
	struct printer_media stock;   /* the roll loaded */
	enum printer_sim_crash crash; /* test hook: where the next job ends the process */
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
	if (fp->model[0]) {
		fp->base.model = printer_model_find(fp->model);
		if (!fp->base.model || !proto_find(fp->base.model->protocol)) {
			if (why_len)
				snprintf(why, why_len, "the file printer does not know the model \"%s\" "
					 "(try QL-820NWB, QL-1110NWB, ZD421, TM-T20)", fp->model);
			pthread_mutex_destroy(&fp->lock);
			rc = PRINTER_ERR_INVALID;
			goto fail;
		}
		fp->stock = fp->base.model->stock;
	} else {
		fp->stock = (struct printer_media){ FILE_MEDIA_WIDTH_MM, FILE_MEDIA_LENGTH_MM, 0 };
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
	snprintf(st->model, sizeof(st->model), "%s", fp->base.model ? fp->base.model->name : "file");
	st->media = fp->stock;
	/* a roll end set by a test is the one thing this printer knows of its labels: the
	 * n-th next job finds the end, so n - 1 labels are left */
	st->labels_known = fp->fail_after > 0 || fp->forced == PRINTER_END_OF_MEDIA;
	st->labels_left = fp->fail_after > 0 ? fp->fail_after - 1 : 0;
	st->near_end = 0;
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

/* Writes the bytes the model would receive: status request, job body, print command. */
static int write_bytes(const struct file_printer *fp, const struct printer_job *job,
		       const struct printer_raster *r, const char *path)
{
	const struct printer_model *m = fp->base.model;
	const struct printer_protocol *pr = proto_find(m->protocol);
	struct pbuf all = { 0 }, tail = { 0 };
	int rc = pr->status_request(m, &all);

	if (rc == PRINTER_OK)
		rc = pr->encode(m, &job->media, r, NULL, &all, &tail);
	if (rc == PRINTER_OK)
		rc = pbuf_put(&all, tail.data, tail.len);
	if (rc == PRINTER_OK) {
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(all.data, 1, all.len, f) != all.len || fflush(f) != 0
		    || fsync(fileno(f)) != 0)
			rc = PRINTER_ERR_IO;
		if (f && fclose(f) != 0)
			rc = PRINTER_ERR_IO;
	}
	pbuf_free(&all);
	pbuf_free(&tail);
	return rc;
}

/* Puts the finished file tmp in place as DIR/NAME.EXT, or NAME~2.EXT... when a label of
 * that name is already out: link() never replaces, so nothing printed is ever lost. */
static int place(const char *tmp, const char *dir, const char *name, const char *ext)
{
	char path[FILE_MAX_DIR + FILE_MAX_JOB_NAME + 16];

	for (int copy = 1; copy < 100; copy++) {
		if (copy == 1)
			snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
		else
			snprintf(path, sizeof(path), "%s/%s~%d.%s", dir, name, copy, ext);
		if (link(tmp, path) == 0) {
			unlink(tmp);
			return PRINTER_OK;
		}
		if (errno != EEXIST)
			return PRINTER_ERR_IO;
	}
	return PRINTER_ERR_IO;
}

static void crash_if(const struct file_printer *fp, enum printer_sim_crash here)
{
	if (fp->crash == here)
		_exit(137);
}

static int file_print(struct printer *p, const struct printer_job *job,
		      const struct printer_raster *r, struct printer_status *st)
{
	struct file_printer *fp = (struct file_printer *)p;
	char *png = NULL, *bin = NULL;
	int rc, committed = 0, placed = 0;

	pthread_mutex_lock(&fp->lock);
	fill_status(fp, st);
	if (fp->forced != PRINTER_READY) {
		rc = error_for_state(fp->forced);
		goto out;
	}
	/* A real printer reports the loaded roll; a job laid out for other stock would waste
	 * a label, so refuse it the way the Brother driver does. Width 0 means "any"; a
	 * length of 0 is endless stock, which a die-cut roll is not. */
	if ((job->media.width_mm && (job->media.width_mm != fp->stock.width_mm
				     || job->media.length_mm != fp->stock.length_mm))
	    || (job->media.two_colour && !fp->stock.two_colour)) {
		st->state = PRINTER_WRONG_MEDIA;
		snprintf(st->detail, sizeof(st->detail),
			 "job is for %dx%d mm%s, the roll is %dx%d mm%s", job->media.width_mm,
			 job->media.length_mm, job->media.two_colour ? " black/red" : "",
			 fp->stock.width_mm, fp->stock.length_mm,
			 fp->stock.two_colour ? " black/red" : "");
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
	if (asprintf(&png, "%s/.%s.png.part", fp->dir, job->name) < 0) {
		png = NULL;
		rc = PRINTER_ERR_NOMEM;
		goto out;
	}
	if (fp->base.model && asprintf(&bin, "%s/.%s.bin.part", fp->dir, job->name) < 0) {
		bin = NULL;
		rc = PRINTER_ERR_NOMEM;
		goto out;
	}
	rc = printer_raster_save_png(r, png);
	if (rc == PRINTER_OK && bin)
		rc = write_bytes(fp, job, r, bin);
	if (rc != PRINTER_OK) {
		st->state = PRINTER_SYSTEM_ERROR;
		snprintf(st->detail, sizeof(st->detail), "cannot write into %.120s", fp->dir);
		if (rc != PRINTER_ERR_INVALID)
			rc = PRINTER_ERR_IO;
		goto out;
	}
	crash_if(fp, SIM_CRASH_BEFORE_COMMIT);
	if (job->commit && job->commit(job->commit_ctx, PRINTER_COMMIT_BEGIN) != 0) {
		rc = PRINTER_ERR_IO;
		snprintf(st->detail, sizeof(st->detail), "the queue could not record the job");
		goto out;
	}
	committed = 1;
	crash_if(fp, SIM_CRASH_AFTER_COMMIT);
	/* The label "comes out": the picture first, then the bytes beside it. */
	rc = place(png, fp->dir, job->name, "png");
	placed = rc == PRINTER_OK;
	if (rc == PRINTER_OK && bin)
		rc = place(bin, fp->dir, job->name, "bin");
	if (rc != PRINTER_OK) {
		st->state = PRINTER_SYSTEM_ERROR;
		snprintf(st->detail, sizeof(st->detail), "cannot write into %.120s", fp->dir);
		goto out;
	}
	fp->count++;
	crash_if(fp, SIM_CRASH_AFTER_PRINT);
out:
	if (png)
		unlink(png);
	if (bin)
		unlink(bin);
	/* Before the label appeared nothing is out: the queue may send the job again. */
	if (rc != PRINTER_OK && committed && !placed && job->commit)
		job->commit(job->commit_ctx, PRINTER_COMMIT_ABORT);
	pthread_mutex_unlock(&fp->lock);
	free(png);
	free(bin);
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
	.help = "file:DIR[:MODEL]  simulated printer: each badge becomes DIR/NAME.png (and with a "
		"MODEL such as QL-820NWB, QL-1110NWB, ZD421 or TM-T20, DIR/NAME.bin: the bytes that "
		"printer would receive)",
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

/* Loads roll m into the simulated printer. PRINTER_ERR_INVALID when p is not it. */
int printer_sim_set_media(struct printer *p, const struct printer_media *m)
{
	struct file_printer *fp = as_sim(p);

	if (!fp || !m)
		return PRINTER_ERR_INVALID;
	pthread_mutex_lock(&fp->lock);
	fp->stock = *m;
	pthread_mutex_unlock(&fp->lock);
	return PRINTER_OK;
}

/* The folder labels go to (owned by the printer), or NULL when p is not the twin. */
const char *printer_sim_dir(struct printer *p)
{
	struct file_printer *fp = as_sim(p);
	return fp ? fp->dir : NULL;
}

/* Makes the next job end the process at where (see printer.h). */
int printer_sim_crash_at(struct printer *p, enum printer_sim_crash where)
{
	struct file_printer *fp = as_sim(p);

	if (!fp)
		return PRINTER_ERR_INVALID;
	pthread_mutex_lock(&fp->lock);
	fp->crash = where;
	pthread_mutex_unlock(&fp->lock);
	return PRINTER_OK;
}
