/* SPDX-License-Identifier: MIT */
/* The kiosk's background sync thread (see worker.h). */
#include "sync/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "db/db.h"
#include "sync/client.h"
#include "sync/replica.h"

struct sync_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char *path;
	int interval_ms;
	int stop, poked;
	struct sync_worker_state st;
	int has_health;
	struct sync_health health;
};

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void round_once(struct sync_worker *w, db *d, struct sync_client **c)
{
	struct sync_worker_state st;
	struct sync_report rep;
	struct sync_link link;
	char why[256] = "";
	int rc;

	memset(&st, 0, sizeof st);
	pthread_mutex_lock(&w->lock);
	st.clock_from_hub = w->st.clock_from_hub;
	st.clock_offset_ms = w->st.clock_offset_ms;
	st.rounds = w->st.rounds;
	st.last_contact_ms = w->st.last_contact_ms;
	pthread_mutex_unlock(&w->lock);
	st.enrolled = sync_link_load(d, &link) == VK_OK;
	if (st.enrolled)
		snprintf(st.hub, sizeof st.hub, "%s", link.url);
	if (st.enrolled && !*c && sync_client_new(&link, c) != VK_OK)
		*c = NULL;
	if (st.enrolled && *c) {
		struct sync_health h;
		int has;
		pthread_mutex_lock(&w->lock);
		h = w->health;
		has = w->has_health;
		pthread_mutex_unlock(&w->lock);
		sync_client_set_health(*c, has ? &h : NULL);
		rc = sync_round(d, *c, &rep, why, sizeof why);
		st.online = rc == VK_OK;
		if (st.online) {
			st.last_contact_ms = wall_ms();
			/* the hub's time, for the screens' clock (the door reads it from the
			 * settings sync_round wrote) */
			st.clock_from_hub = 1;
			st.clock_offset_ms = rep.clock_offset_ms;
		}
		else
			snprintf(st.error, sizeof st.error, "%s", why);
		if (rc == SYNC_ERR_TOKEN) {
			/* revoked, or enrolled anew meanwhile: read the link again next time */
			sync_client_free(*c);
			*c = NULL;
		}
	}
	st.pending = sync_replica_pending_count(d);
	st.cursor = sync_replica_cursor(d);
	st.rounds++;
	pthread_mutex_lock(&w->lock);
	w->st = st;
	pthread_mutex_unlock(&w->lock);
}

static void *run(void *arg)
{
	struct sync_worker *w = arg;
	struct sync_client *c = NULL;
	char why[256];
	db *d = NULL;

	if (db_open(w->path, 0, &d, why, sizeof why) == VK_OK && sync_replica_init(d) != VK_OK) {
		db_close(d);
		d = NULL;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		if (!d) {
			snprintf(w->st.error, sizeof w->st.error, "cannot open %s", w->path);
		} else {
			w->poked = 0;
			pthread_mutex_unlock(&w->lock);
			round_once(w, d, &c);
			pthread_mutex_lock(&w->lock);
		}
		if (w->stop || w->poked)
			continue;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w->interval_ms / 1000;
		until.tv_nsec += (long)(w->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!w->stop && !w->poked &&
		       pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->lock);
	sync_client_free(c);
	db_close(d);
	return NULL;
}

int sync_worker_start(const char *db_path, int interval_ms, struct sync_worker **out)
{
	struct sync_worker *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w || !(w->path = strdup(db_path))) {
		free(w);
		return VK_ERR_NOMEM;
	}
	w->interval_ms = interval_ms < 50 ? 50 : interval_ms;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w->path);
		free(w);
		return VK_ERR_IO;
	}
	*out = w;
	return VK_OK;
}

void sync_worker_poke(struct sync_worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->poked = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void sync_worker_set_health(struct sync_worker *w, const struct sync_health *h)
{
	pthread_mutex_lock(&w->lock);
	w->health = *h;
	w->has_health = 1;
	pthread_mutex_unlock(&w->lock);
}

void sync_worker_get(struct sync_worker *w, struct sync_worker_state *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	pthread_mutex_unlock(&w->lock);
}

void sync_worker_stop(struct sync_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w->path);
	free(w);
}
