/* SPDX-License-Identifier: MIT */
/* The print queue worker (see printq.h): database queue -> badge -> printer.
 *
 * "Exactly once", as far as it can honestly go. A job moves QUEUED -> PRINTING -> DONE,
 * and PRINTING is written (and on disk, synchronous=FULL) at one moment only: just before
 * the command that makes the printer print leaves the host (the driver's commit callback,
 * printer.h). Everything before that point can be repeated safely: a Brother QL or Zebra
 * discards a half-received job when the next one starts, so a job interrupted there (crash,
 * power cut, unplugged cable, roll ended, a printer that stops answering) is still QUEUED
 * and is sent again when the printer is back; it prints once.
 *
 *   QUEUED    --(body sent, commit)-->  PRINTING  --(printer reports the label out)--> DONE
 *     ^                                   |
 *     +--(print command did not go out,   +--(the printer itself reports a failure:
 *         or the printer reported an          roll ended, cutter jam) back to QUEUED
 *         error before it)
 *
 * After the commit nobody can know for sure: the process may die between writing PRINTING
 * and the printer finishing, and no printer we drive can be asked "did you print job 17?".
 * A job found PRINTING after a restart is therefore taken as printed (DONE, with "assumed
 * printed" in its last_error and in the note) and never sent again by itself: a duplicate
 * badge is a second entry pass, which is what the reprint limit exists to prevent, while a
 * missing one is noticed by the person standing at the kiosk and reprinted by staff. The
 * window is the write of a few bytes (Brother: 1, ZPL: 3) plus the printer's report; only
 * for ESC/POS receipt printers, which print as bands arrive, is it the whole transfer.
 *
 * Sections: notes and status; one job; the queue; the thread; opening and closing. */
#include "badge/printq.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badge/badge.h"
#include "core/err.h"
#include "core/i18n.h"

/* last_error of a job whose print command was sent (or about to be). */
#define PQ_SENT "print command sent"
#define PQ_IDLE_POLL_MS 1000

struct printq {
	char *db_path, *spec, *event_name, *template_path;
	db *d;
	struct printer *prn[PRINTQ_MAX_PRINTERS]; /* several printers at one kiosk, used in turn */
	int n_prn, next;
	struct badge_template tpl;   /* from template_path */
	int have_tpl;
	printq_note_fn fn;
	void *ctx;
	pthread_t th;
	int started;
	pthread_mutex_t lock;        /* guards st, printed, kicked, stop */
	pthread_cond_t cond;
	int kicked, stop;
	struct printq_status st;
	int have_state;
	/* the job being sent, for the commit callback (worker thread only) */
	int64_t cur_job;
	int committed;
	int lost;                    /* another worker took cur_job first */
};

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- notes and status ---------------------------------------------------------------- */
static void note(struct printq *q, const struct printq_note *n)
{
	if (q->fn)
		q->fn(q->ctx, n);
}

/* Records the printer's status in the snapshot; tells when its state changed. */
static void record_status(struct printq *q, const struct printer_status *ps)
{
	pthread_mutex_lock(&q->lock);
	int changed = !q->have_state || q->st.state != ps->state;
	q->have_state = 1;
	q->st.state = ps->state;
	snprintf(q->st.model, sizeof(q->st.model), "%s", ps->model);
	q->st.media = ps->media;
	q->st.labels_known = ps->labels_known;
	q->st.labels_left = ps->labels_left;
	q->st.near_end = ps->near_end;
	snprintf(q->st.detail, sizeof(q->st.detail), "%s", ps->detail);
	pthread_mutex_unlock(&q->lock);
	if (changed) {
		struct printq_note n = { .kind = PRINTQ_STATE, .state = ps->state,
					 .detail = ps->detail };
		note(q, &n);
	}
}

static void count_queue(struct printq *q)
{
	int64_t n = db_job_count(q->d, DB_JOB_QUEUED) + db_job_count(q->d, DB_JOB_PRINTING);
	pthread_mutex_lock(&q->lock);
	q->st.queued = n;
	pthread_mutex_unlock(&q->lock);
}

/* ---- one job ------------------------------------------------------------------------- */
enum { JOB_PRINTED, JOB_HELD, JOB_SKIPPED };

/* The driver's point of no return, made durable before the print command goes out. */
static int on_commit(void *ctx, enum printer_commit what)
{
	struct printq *q = ctx;

	if (what == PRINTER_COMMIT_BEGIN) {
		/* Conditional: two workers on one database (a kiosk and `vkhid badge print`)
		 * may both have rendered this job; only the one that claims it prints it. */
		int rc = db_job_claim(q->d, q->cur_job, PQ_SENT);
		if (rc == VK_ERR_EXISTS)
			q->lost = 1;
		if (rc != VK_OK)
			return -1;
		q->committed = 1;
		return 0;
	}
	if (db_job_set_state(q->d, q->cur_job, DB_JOB_QUEUED, "print command not sent") == VK_OK)
		q->committed = 0;
	return 0;
}

static void held(struct printq *q, const struct db_print_job *job,
		 const struct printer_status *ps)
{
	struct printq_note n = { .kind = PRINTQ_HELD, .job_id = job->id, .number = job->number,
				 .state = ps->state, .detail = ps->detail };
	note(q, &n);
}

/* A job left PRINTING by a crash or a lost printer: see the top of this file. */
static void resolve_interrupted(struct printq *q, const struct db_print_job *job)
{
	if (strcmp(job->last_error, PQ_SENT) != 0) {
		/* PRINTING without our mark (an older vkhid marked jobs before sending): the
		 * print command never went out, so the job is simply still to do. */
		db_job_set_state(q->d, job->id, DB_JOB_QUEUED, "interrupted before printing");
		return;
	}
	const char *why = "interrupted after the print command: assumed printed (reprint if "
			  "it is missing)";
	db_job_set_state(q->d, job->id, DB_JOB_DONE, why);
	struct printq_note n = { .kind = PRINTQ_PRINTED, .job_id = job->id, .number = job->number,
				 .state = PRINTER_READY, .file = "", .detail = "assumed" };
	note(q, &n);
}

/* The template for a job: the queue's file, the job's built-in, or the default. */
static void job_template(struct printq *q, const struct db_print_job *job,
			 struct badge_template *t)
{
	if (q->have_tpl) {
		*t = q->tpl;
		return;
	}
	if (badge_template_builtin(job->template_name[0] ? job->template_name : NULL, t) != VK_OK)
		badge_template_builtin(NULL, t);
}

/* Picks the next ready printer in turn. Returns its index with ps its state, or -1 when
 * none can print, with ps the state of the one whose turn it was (what staff should fix). */
static int pick_printer(struct printq *q, struct printer_status *ps)
{
	struct printer_status s;
	for (int k = 0; k < q->n_prn; k++) {
		int i = (q->next + k) % q->n_prn;
		memset(&s, 0, sizeof(s));
		if (printer_status(q->prn[i], &s) != PRINTER_OK)
			s.state = PRINTER_SYSTEM_ERROR;
		if (k == 0)
			*ps = s;
		if (s.state == PRINTER_READY) {
			*ps = s;
			q->next = (i + 1) % q->n_prn;
			return i;
		}
	}
	return -1;
}

/* Renders and sends one queued job. Returns JOB_PRINTED, JOB_HELD (stop: the printer
 * cannot print now) or JOB_SKIPPED (the job was set aside; go on). */
static int print_one(struct printq *q, const struct db_print_job *job)
{
	struct printer_status ps;
	struct db_registration reg;
	struct badge_template t;
	struct printer_geometry geo;
	struct printer_raster ras;
	char fallback[64], name[64], file[1200] = "";
	double t0 = mono_ms();
	int rc;

	int pi = pick_printer(q, &ps);
	record_status(q, &ps);
	if (pi < 0) {
		held(q, job, &ps);
		return JOB_HELD;
	}
	struct printer *prn = q->prn[pi];
	job_template(q, job, &t);
	if (printer_geometry(prn, &t.media, &geo) != PRINTER_OK) {
		ps.state = PRINTER_WRONG_MEDIA;
		snprintf(ps.detail, sizeof(ps.detail), "this printer cannot print %d x %d mm stock",
			 t.media.width_mm, t.media.length_mm);
		record_status(q, &ps);
		held(q, job, &ps);
		return JOB_HELD;
	}
	int have = db_reg_get(q->d, job->event_id, job->number, &reg) == VK_OK;
	snprintf(fallback, sizeof(fallback), _("Participant %lld"),
		 (long long)job->number);
	struct badge_info b = {
		.display = have ? reg.display : fallback,
		.given = have ? reg.given : NULL,
		.family = have ? reg.family : NULL,
		.organization = have ? reg.organization : NULL,
		.category = have ? reg.category : NULL,
		.event_name = q->event_name,
		.code = have ? (reg.vk_code[0] ? reg.vk_code : reg.ticket_code) : NULL,
		.email = have ? reg.email : NULL,
	};
	rc = badge_render_template(&b, &t, &geo, &ras);
	if (rc != VK_OK) {
		/* A badge that cannot be drawn never will be: set it aside, keep the queue moving. */
		db_job_set_state(q->d, job->id, DB_JOB_FAILED, vk_strerror(rc));
		struct printq_note n = { .kind = PRINTQ_FAILED, .job_id = job->id,
					 .number = job->number, .state = ps.state,
					 .detail = vk_strerror(rc) };
		note(q, &n);
		return JOB_SKIPPED;
	}
	snprintf(name, sizeof(name), "badge-%04" PRId64 "-%" PRId64, job->number, job->id);
	struct printer_job pj = { .name = name, .media = t.media, .commit = on_commit,
				  .commit_ctx = q };
	q->cur_job = job->id;
	q->committed = 0;
	q->lost = 0;
	rc = printer_print(prn, &pj, &ras, &ps);
	printer_raster_free(&ras);
	if (q->lost) {
		/* the other worker prints it; this printer got no print command */
		q->lost = 0;
		return JOB_SKIPPED;
	}
	if (rc == PRINTER_OK) {
		db_job_set_state(q->d, job->id, DB_JOB_DONE, "");
		record_status(q, &ps);
		pthread_mutex_lock(&q->lock);
		q->st.printed++;
		pthread_mutex_unlock(&q->lock);
		const char *dir = printer_sim_dir(prn);
		if (dir)
			snprintf(file, sizeof(file), "%s/%s.png", dir, name);
		struct printq_note n = { .kind = PRINTQ_PRINTED, .job_id = job->id,
					 .number = job->number, .state = PRINTER_READY, .file = file,
					 .ms = mono_ms() - t0, .detail = "" };
		note(q, &n);
		return JOB_PRINTED;
	}
	if (rc == PRINTER_ERR_INVALID && !q->committed) {
		db_job_set_state(q->d, job->id, DB_JOB_FAILED, ps.detail[0] ? ps.detail
							    : printer_strerror(rc));
		struct printq_note n = { .kind = PRINTQ_FAILED, .job_id = job->id,
					 .number = job->number, .state = ps.state,
					 .detail = ps.detail };
		note(q, &n);
		return JOB_SKIPPED;
	}
	if (ps.state == PRINTER_READY)
		ps.state = rc == PRINTER_ERR_GONE ? PRINTER_UNPLUGGED
			   : rc == PRINTER_ERR_TIMEOUT ? PRINTER_NOT_ANSWERING : PRINTER_SYSTEM_ERROR;
	record_status(q, &ps);
	if (!q->committed || rc == PRINTER_ERR_NOT_READY) {
		/* Not sent, or the printer said the label failed: it goes again. */
		db_job_set_state(q->d, job->id, DB_JOB_QUEUED, printer_strerror(rc));
		held(q, job, &ps);
		return JOB_HELD;
	}
	/* Sent, then silence or a lost cable: the label is most likely out. */
	db_job_set_state(q->d, job->id, DB_JOB_DONE, "print command sent, no confirmation: "
			 "assumed printed");
	struct printq_note n = { .kind = PRINTQ_PRINTED, .job_id = job->id, .number = job->number,
				 .state = ps.state, .file = "", .ms = mono_ms() - t0,
				 .detail = "assumed" };
	note(q, &n);
	return JOB_PRINTED;
}

/* ---- the queue ----------------------------------------------------------------------- */
static int stopping(struct printq *q)
{
	pthread_mutex_lock(&q->lock);
	int s = q->stop;
	pthread_mutex_unlock(&q->lock);
	return s;
}

/* Works through the queue until it is empty or the printer cannot print. */
static int run(struct printq *q)
{
	struct db_print_job job;
	int printed = 0, rc;

	while (!stopping(q)) {
		rc = db_job_next(q->d, &job);
		if (rc == VK_ERR_NOT_FOUND)
			break;
		if (rc != VK_OK) {
			count_queue(q);
			return rc;
		}
		if (job.state == DB_JOB_PRINTING) {
			resolve_interrupted(q, &job);
			continue;
		}
		int r = print_one(q, &job);
		if (r == JOB_PRINTED)
			printed++;
		else if (r == JOB_HELD)
			break;
	}
	count_queue(q);
	return printed;
}

int printq_run_once(struct printq *q)
{
	if (!q || q->started)
		return VK_ERR_INVALID;
	return run(q);
}

int printq_print_job(struct printq *q, const struct db_print_job *job)
{
	if (!q || !job || q->started)
		return VK_ERR_INVALID;
	int r = print_one(q, job);
	count_queue(q);
	return r == JOB_PRINTED ? 1 : r == JOB_HELD ? 0 : VK_ERR_INVALID;
}

/* ---- the thread ---------------------------------------------------------------------- */
static void *worker(void *arg)
{
	struct printq *q = arg;
	struct printer_status ps;

	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		q->kicked = 0;
		pthread_mutex_unlock(&q->lock);
		/* Look at the printer even with nothing to print: a replugged printer or a
		 * closed cover shows on the screen at once, and the queue resumes. */
		if (printer_status(q->prn[q->next % q->n_prn], &ps) == PRINTER_OK)
			record_status(q, &ps);
		run(q);
		pthread_mutex_lock(&q->lock);
		if (q->stop || q->kicked)
			continue;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)PQ_IDLE_POLL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (!q->stop && !q->kicked)
			if (pthread_cond_timedwait(&q->cond, &q->lock, &until) == ETIMEDOUT)
				break;
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int printq_start(struct printq *q)
{
	if (!q || q->started)
		return VK_ERR_INVALID;
	if (pthread_create(&q->th, NULL, worker, q) != 0)
		return VK_ERR_NOMEM;
	q->started = 1;
	return VK_OK;
}

void printq_kick(struct printq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->kicked = 1;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void printq_get_status(struct printq *q, struct printq_status *st)
{
	pthread_mutex_lock(&q->lock);
	*st = q->st;
	pthread_mutex_unlock(&q->lock);
}

struct printer *printq_printer(struct printq *q)
{
	return q && q->n_prn ? q->prn[0] : NULL;
}

/* ---- opening and closing ------------------------------------------------------------- */
static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int printq_open(const struct printq_config *cfg, printq_note_fn fn, void *ctx,
		struct printq **out, char *why, size_t why_len)
{
	struct printq *q;
	char reason[512] = "";
	int rc;

	if (why_len)
		why[0] = '\0';
	if (!out || !cfg || !cfg->db_path || !cfg->printer_spec)
		return VK_ERR_INVALID;
	*out = NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return VK_ERR_NOMEM;
	q->fn = fn;
	q->ctx = ctx;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->db_path = strdup(cfg->db_path);
	q->spec = strdup(cfg->printer_spec);
	q->event_name = dup_or_null(cfg->event_name);
	q->template_path = dup_or_null(cfg->template_path);
	if (!q->db_path || !q->spec || (cfg->event_name && !q->event_name)
	    || (cfg->template_path && !q->template_path)) {
		rc = VK_ERR_NOMEM;
		goto fail;
	}
	if (q->template_path) {
		rc = badge_template_load(q->template_path, &q->tpl, reason, sizeof(reason));
		if (rc != VK_OK) {
			if (why_len)
				snprintf(why, why_len, "%s", reason);
			goto fail;
		}
		q->have_tpl = 1;
	}
	rc = db_open(q->db_path, 0, &q->d, reason, sizeof(reason));
	if (rc != VK_OK) {
		if (why_len)
			snprintf(why, why_len, "%s", reason);
		goto fail;
	}
	/* "A+B": several printers, used in turn (a printer that cannot print is skipped) */
	for (char *save = NULL, *one = strtok_r(q->spec, "+", &save); one;
	     one = strtok_r(NULL, "+", &save)) {
		if (q->n_prn == PRINTQ_MAX_PRINTERS ||
		    printer_open(one, &q->prn[q->n_prn], reason, sizeof(reason)) != PRINTER_OK) {
			if (q->n_prn == PRINTQ_MAX_PRINTERS)
				snprintf(reason, sizeof(reason), "at most %d printers", PRINTQ_MAX_PRINTERS);
			if (why_len)
				snprintf(why, why_len, _("printer %s: %s"), one, reason);
			rc = VK_ERR_DEVICE;
			goto fail;
		}
		q->n_prn++;
	}
	if (!q->n_prn) {
		if (why_len)
			snprintf(why, why_len, "%s", _("no printer given"));
		rc = VK_ERR_INVALID;
		goto fail;
	}
	rc = badge_init(reason, sizeof(reason));
	if (rc != VK_OK) {
		if (why_len)
			snprintf(why, why_len, "%s", reason);
		goto fail;
	}
	q->st.state = PRINTER_ABSENT;
	count_queue(q);
	*out = q;
	return VK_OK;
fail:
	printq_close(q);
	return rc;
}

void printq_close(struct printq *q)
{
	if (!q)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->lock);
		q->stop = 1;
		pthread_cond_signal(&q->cond);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->th, NULL);
	}
	/* The fonts stay loaded: they are the process's (badge_shutdown), shared with the UI. */
	for (int i = 0; i < q->n_prn; i++)
		printer_close(q->prn[i]);
	db_close(q->d);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q->db_path);
	free(q->spec);
	free(q->event_name);
	free(q->template_path);
	free(q);
}
