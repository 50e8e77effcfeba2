/* SPDX-License-Identifier: MIT */
/* Tests of the days and sessions rules (app/core/checkin.c, app/core/programme.c, the
 * day-aware turnout of app/db/db.c and the hub's per-day episodes) on real SQLite files,
 * with the desk's clock set to local times of the event's time zone (Europe/Kyiv): once a
 * day at the entrance, the day-two greeting and daily badges, an undo that takes back its
 * own day only, a room's door (hours and grace, category, capacity, the entrance rule
 * both ways, a cancelled session), the programme CSV with its line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/checkin.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/programme.h"
#include "db/db.h"
#include "hub/store.h"
#include "sync/merge.h"
#include "sync/replica.h"

/* The event runs three days from D1 in Kyiv. */
#define D1 "2026-11-23"
#define D2 "2026-11-24"
#define D3 "2026-11-25"

struct fx {
	char dir[64], path[128];
	db *d;
	struct checkin_desk desk;
	int64_t s_hall, s_panel, s_cancelled;
};

static int64_t at(const char *local)
{
	int64_t ms;
	assert_int_equal(clock_parse_local(local, &ms), 0);
	return ms;
}

/* The desk's clock stands at a local time ("YYYY-MM-DD HH:MM"). */
static void set_clock(struct fx *f, const char *local)
{
	f->desk.clock.virtual_ms = at(local);
	f->desk.clock.offset_ms = 0;
}

static int64_t add_session(db *d, int64_t ev, const char *title, const char *starts,
			   const char *ends, int64_t capacity, const char *categories)
{
	struct db_session x;
	memset(&x, 0, sizeof x);
	x.event_id = ev;
	snprintf(x.title, sizeof x.title, "%s", title);
	snprintf(x.room, sizeof x.room, "Зала %s", title);
	snprintf(x.starts, sizeof x.starts, "%s", starts);
	snprintf(x.ends, sizeof x.ends, "%s", ends);
	x.capacity = capacity;
	snprintf(x.categories, sizeof x.categories, "%s", categories);
	assert_int_equal(db_session_insert(d, &x), VK_OK);
	return x.id;
}

static int setup_event(void **state, const char *starts, const char *ends)
{
	struct fx *f = calloc(1, sizeof *f);
	struct db_event ev;
	char why[256];
	setenv("TZ", "Europe/Kyiv", 1);
	tzset();
	snprintf(f->dir, sizeof f->dir, "/tmp/vkhid-test-days.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/k.db", f->dir);
	if (db_open(f->path, DB_CREATE, &f->d, why, sizeof why))
		return -1;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.name, sizeof ev.name, "Тренінг");
	snprintf(ev.starts, sizeof ev.starts, "%s", starts);
	snprintf(ev.ends, sizeof ev.ends, "%s", ends);
	if (db_event_create(f->d, &ev) || db_event_set_current(f->d, ev.id))
		return -1;
	for (int i = 1; i <= 5; i++) {
		struct db_registration r;
		memset(&r, 0, sizeof r);
		r.event_id = ev.id;
		snprintf(r.display, sizeof r.display, "Учасник %d", i);
		snprintf(r.category, sizeof r.category, "%s", i == 2 ? "Спікер" : i == 5 ? "VIP" : "Учасник");
		if (db_reg_insert(f->d, &r))
			return -1;
	}
	if (checkin_desk_init(&f->desk, f->d))
		return -1;
	f->s_hall = add_session(f->d, ev.id, "Відкриття", D2 " 10:00", D2 " 11:00", 2, "");
	f->s_panel = add_session(f->d, ev.id, "Панель", D2 " 10:00", D2 " 11:30", 0, "Спікер, VIP");
	f->s_cancelled = add_session(f->d, ev.id, "Скасована", D2 " 12:00", D2 " 13:00", 0, "");
	struct db_session x;
	db_session_get(f->d, f->s_cancelled, &x);
	x.cancelled = 1;
	db_session_update(f->d, &x);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_event(state, D1, D3);
}

static int setup_one_day(void **state)
{
	return setup_event(state, "", "");
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	db_close(f->d);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int number(struct fx *f, int64_t n, struct checkin_result *r)
{
	assert_int_equal(checkin_number(&f->desk, n, DB_CI_QR, r), VK_OK);
	return r->outcome;
}

/* Day one greets and prints; day two greets again without a badge; each day admits once;
 * the days are counted. */
static void test_once_a_day(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	struct db_day days[4];

	set_clock(f, D1 " 09:00");
	assert_int_equal(number(f, 1, &r), CI_ADMITTED);
	assert_true(r.job_id > 0);
	set_clock(f, D1 " 23:59");
	assert_int_equal(number(f, 1, &r), CI_ALREADY_ADMITTED);
	set_clock(f, D2 " 00:01"); /* just after midnight in Kyiv: a new day */
	assert_int_equal(number(f, 1, &r), CI_WELCOME_BACK);
	assert_true(checkin_outcome_admits(r.outcome));
	assert_int_equal(r.job_id, 0);
	assert_int_equal(r.first.wall_ms, at(D1 " 09:00")); /* the first day, for staff */
	assert_int_equal(number(f, 1, &r), CI_ALREADY_ADMITTED);
	assert_int_equal(r.first.wall_ms, at(D2 " 00:01"));
	assert_int_equal(db_job_count(f->d, DB_JOB_QUEUED), 1);
	/* the event prints a badge every day: day three is a first greeting with a badge */
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_DAILY_BADGES, "1"), VK_OK);
	set_clock(f, D3 " 08:30");
	assert_int_equal(number(f, 1, &r), CI_ADMITTED);
	assert_true(r.job_id > 0);
	assert_int_equal(db_checkin_days(f->d, f->desk.event.id, 1, 0, days, 4), 3);
	assert_string_equal(days[0].date, D1);
	assert_string_equal(days[2].date, D3);

	struct db_stats st;
	set_clock(f, D2 " 10:00");
	assert_int_equal(number(f, 2, &r), CI_ADMITTED);
	assert_int_equal(db_stats(f->d, f->desk.event.id, &st), VK_OK);
	assert_int_equal(st.admitted, 2);  /* people, not days */
	assert_int_equal(st.n_day, 3);
	assert_string_equal(st.day[1].key, D2);
	assert_int_equal(st.day[1].admitted, 2);
	assert_int_equal(st.event_days, 3);
	assert_int_equal(st.every_day, 1);
	db_stats_free(&st);
}

/* An event of one day keeps "already admitted" for good. */
static void test_one_day_event(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	set_clock(f, D1 " 09:00");
	assert_int_equal(number(f, 1, &r), CI_ADMITTED);
	set_clock(f, D2 " 09:00");
	assert_int_equal(number(f, 1, &r), CI_ALREADY_ADMITTED);
}

/* Undoing a mistaken check-in on day two takes back day two only. */
static void test_undo_its_own_day(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	struct db_day days[4];
	set_clock(f, D1 " 09:00");
	assert_int_equal(number(f, 3, &r), CI_ADMITTED);
	set_clock(f, D2 " 09:00");
	assert_int_equal(number(f, 3, &r), CI_WELCOME_BACK);
	assert_int_equal(checkin_undo_number(&f->desk, 3, &r), VK_OK);
	assert_int_equal(db_checkin_days(f->d, f->desk.event.id, 3, 0, days, 4), 1);
	assert_string_equal(days[0].date, D1);
	/* nothing left to undo today; day one stays */
	assert_int_equal(checkin_undo_number(&f->desk, 3, &r), VK_ERR_NOT_FOUND);
	assert_int_equal(db_checkin_admission(f->d, f->desk.event.id, 3, &r.first), VK_OK);
	set_clock(f, D2 " 09:05");
	assert_int_equal(number(f, 3, &r), CI_WELCOME_BACK);
	assert_int_equal(db_checkin_days(f->d, f->desk.event.id, 3, 0, days, 4), 2);
}

/* A room's door: doors open grace minutes before the start and close grace minutes after
 * the end. */
static void test_session_hours(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_SESSION_GRACE, "10"), VK_OK);
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_hall), VK_OK);
	set_clock(f, D2 " 09:49");
	assert_int_equal(number(f, 1, &r), CI_SESSION_NOT_STARTED);
	assert_false(checkin_outcome_admits(r.outcome));
	assert_int_equal(db_session_attendance(f->d, f->desk.event.id, f->s_hall), 0);
	set_clock(f, D2 " 09:50");
	assert_int_equal(number(f, 1, &r), CI_SESSION_ADMITTED);
	assert_int_equal(r.session_count, 1);
	assert_int_equal(r.job_id, 0); /* no badge at a room's door */
	set_clock(f, D2 " 11:10");
	assert_int_equal(number(f, 2, &r), CI_SESSION_OVER);
	set_clock(f, D2 " 11:09");
	assert_int_equal(number(f, 2, &r), CI_SESSION_ADMITTED);
	/* no grace at all */
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_SESSION_GRACE, "0"), VK_OK);
	set_clock(f, D2 " 09:59");
	assert_int_equal(number(f, 4, &r), CI_SESSION_NOT_STARTED);
	/* a session not on today's programme: another day is "over" or "not started" */
	set_clock(f, D3 " 10:30");
	assert_int_equal(number(f, 4, &r), CI_SESSION_OVER);
	/* cancelled */
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_cancelled), VK_OK);
	set_clock(f, D2 " 12:30");
	assert_int_equal(number(f, 4, &r), CI_SESSION_CANCELLED);
	/* a session of no event of ours */
	assert_int_equal(checkin_desk_set_session(&f->desk, 999), VK_ERR_NOT_FOUND);
}

/* Capacity: the third person meets a full room (the count is told), someone coming back
 * after a break is let in and counted once, an undo frees a seat. */
static void test_session_capacity(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_hall), VK_OK);
	set_clock(f, D2 " 10:00");
	assert_int_equal(number(f, 1, &r), CI_SESSION_ADMITTED);
	assert_int_equal(number(f, 2, &r), CI_SESSION_ADMITTED);
	assert_int_equal(r.session_count, 2);
	assert_int_equal(number(f, 4, &r), CI_ROOM_FULL);
	assert_int_equal(r.session_count, 2);
	assert_int_equal(r.session_capacity, 2);
	char line[128];
	checkin_session_line(&r, line, sizeof line);
	assert_non_null(strstr(line, "2 of 2"));
	set_clock(f, D2 " 10:40");
	assert_int_equal(number(f, 1, &r), CI_SESSION_ADMITTED); /* back from a break */
	assert_int_equal(r.entry.uuid[0], '\0');                 /* not recorded twice */
	assert_int_equal(db_session_attendance(f->d, f->desk.event.id, f->s_hall), 2);
	assert_int_equal(checkin_undo_number(&f->desk, 2, &r), VK_OK);
	assert_int_equal(r.session_id, f->s_hall);
	assert_int_equal(number(f, 4, &r), CI_SESSION_ADMITTED);
	/* the room's undo left the entrance alone */
	assert_int_equal(checkin_admitted_now(&f->desk, f->desk.event.id, 2, &r.first), VK_OK);
	struct db_stats st;
	assert_int_equal(db_stats(f->d, f->desk.event.id, &st), VK_OK);
	assert_int_equal(st.n_session, 3);
	assert_int_equal(st.session[0].admitted + st.session[1].admitted, 2);
	db_stats_free(&st);
}

/* Who a session is for, and the entrance rule both ways. */
static void test_session_category_and_entrance(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	struct db_checkin c;
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_panel), VK_OK);
	set_clock(f, D2 " 10:05");
	assert_int_equal(number(f, 1, &r), CI_NOT_FOR_CATEGORY);
	assert_int_equal(number(f, 5, &r), CI_SESSION_ADMITTED); /* "VIP" among "Спікер, VIP" */
	/* "admit" (the default): the entrance is recorded too, so day two counts */
	assert_int_equal(r.entrance_recorded, 1);
	assert_int_equal(checkin_admitted_now(&f->desk, f->desk.event.id, 5, &c), VK_OK);
	assert_int_equal(c.session_id, 0);
	/* "send": not checked in at the entrance today, sent there; nothing recorded */
	assert_int_equal(db_setting_set(f->d, CHECKIN_SETTING_SESSION_ENTRANCE, "send"), VK_OK);
	assert_int_equal(number(f, 2, &r), CI_NOT_CHECKED_IN);
	assert_int_equal(db_session_attendance(f->d, f->desk.event.id, f->s_panel), 1);
	assert_int_equal(checkin_admitted_now(&f->desk, f->desk.event.id, 2, &c), VK_ERR_NOT_FOUND);
	/* checked in at the entrance yesterday is not today */
	assert_int_equal(checkin_desk_set_session(&f->desk, 0), VK_OK);
	set_clock(f, D1 " 12:00");
	assert_int_equal(number(f, 2, &r), CI_ADMITTED);
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_panel), VK_OK);
	set_clock(f, D2 " 10:06");
	assert_int_equal(number(f, 2, &r), CI_NOT_CHECKED_IN);
	assert_int_equal(checkin_desk_set_session(&f->desk, 0), VK_OK);
	assert_int_equal(number(f, 2, &r), CI_WELCOME_BACK);
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_panel), VK_OK);
	assert_int_equal(number(f, 2, &r), CI_SESSION_ADMITTED);
	assert_int_equal(r.entrance_recorded, 0);
}

/* A room's exit door: leaving frees a seat (the room is full no longer), coming back is a
 * new entry; attendance still counts people once. */
static void test_session_exits(void **state)
{
	struct fx *f = *state;
	struct checkin_result r;
	assert_int_equal(checkin_desk_set_session(&f->desk, f->s_hall), VK_OK);
	set_clock(f, D2 " 10:00");
	assert_int_equal(number(f, 1, &r), CI_SESSION_ADMITTED);
	assert_int_equal(number(f, 2, &r), CI_SESSION_ADMITTED);
	assert_int_equal(number(f, 4, &r), CI_ROOM_FULL);
	f->desk.exit_mode = 1;
	set_clock(f, D2 " 10:20");
	assert_int_equal(number(f, 1, &r), CI_SESSION_EXIT);
	assert_true(r.entry.uuid[0] != '\0');
	assert_int_equal(r.entry.kind, DB_CI_EXIT);
	assert_int_equal(r.session_count, 1);
	/* leaving twice, or without having come: nothing more to record */
	assert_int_equal(number(f, 1, &r), CI_SESSION_EXIT);
	assert_int_equal(r.entry.uuid[0], '\0');
	assert_int_equal(number(f, 3, &r), CI_SESSION_EXIT);
	assert_int_equal(r.entry.uuid[0], '\0');
	assert_int_equal(db_session_present(f->d, f->desk.event.id, f->s_hall, 0), 1);
	f->desk.exit_mode = 0;
	assert_int_equal(number(f, 4, &r), CI_SESSION_ADMITTED); /* the seat she left */
	assert_int_equal(number(f, 1, &r), CI_ROOM_FULL);        /* and now it is taken */
	f->desk.exit_mode = 1;
	assert_int_equal(number(f, 2, &r), CI_SESSION_EXIT);
	f->desk.exit_mode = 0;
	set_clock(f, D2 " 10:30");
	assert_int_equal(number(f, 1, &r), CI_SESSION_ADMITTED); /* back: a new entry */
	assert_true(r.entry.uuid[0] != '\0');
	assert_int_equal(db_session_attendance(f->d, f->desk.event.id, f->s_hall), 3);
	assert_int_equal(db_session_present(f->d, f->desk.event.id, f->s_hall, 0), 2);
}

/* Incidents are weighed per place and day: a day-two entry and a room's attendance are no
 * second admission; two entrance admissions on one day are. */
static void test_merge_per_day(void **state)
{
	struct fx *f = *state;
	struct sync_event e[4];
	struct sync_derived d;
	int64_t multi[1] = { f->desk.event.id };
	memset(e, 0, sizeof e);
	for (int i = 0; i < 4; i++) {
		sync_uuid_new(e[i].ci.uuid);
		snprintf(e[i].ci.kiosk, sizeof e[i].ci.kiosk, "k%d", i);
		e[i].ci.seq = 1;
		e[i].ci.event_id = f->desk.event.id;
		e[i].ci.number = 7;
		e[i].ci.kind = DB_CI_ENTRY;
		e[i].ci.clock_trusted = 1;
	}
	e[0].ci.wall_ms = at(D1 " 09:00");
	e[1].ci.wall_ms = at(D2 " 09:00");
	e[2].ci.wall_ms = at(D2 " 10:00");
	e[2].ci.session_id = f->s_hall;
	e[3].ci.wall_ms = at(D2 " 09:01");
	for (int i = 0; i < 4; i++)
		e[i].ci.hlc = e[i].ci.wall_ms << 16;
	assert_int_equal(sync_derive_days(e, 3, NULL, 0, multi, 1, &d), VK_OK);
	assert_int_equal(d.n_inc, 0);
	assert_int_equal(d.n_first, 3);
	sync_derived_free(&d);
	assert_int_equal(sync_derive_days(e, 4, NULL, 0, multi, 1, &d), VK_OK);
	assert_int_equal(d.n_inc, 1);
	assert_string_equal(d.inc[0].id, e[3].ci.uuid);
	sync_derived_free(&d);
	/* an event of one day: the second day's entry is an incident */
	assert_int_equal(sync_derive_days(e, 2, NULL, 0, NULL, 0, &d), VK_OK);
	assert_int_equal(d.n_inc, 1);
	sync_derived_free(&d);
}

/* The hub decides per day too: day two's admission is a new episode, the second one that
 * day is refused. */
static void test_hub_per_day(void **state)
{
	struct fx *f = *state;
	struct hub_store *s;
	struct hub_redeem r;
	struct sync_event e;
	char why[256];
	db_close(f->d);
	f->d = NULL;
	assert_int_equal(hub_store_sqlite.open(f->path, NULL, &s, why, sizeof why), VK_OK);
	memset(&e, 0, sizeof e);
	snprintf(e.ci.kiosk, sizeof e.ci.kiosk, "ka");
	e.ci.event_id = f->desk.event.id;
	e.ci.number = 1;
	e.ci.kind = DB_CI_ENTRY;
	e.ci.wall_ms = at(D1 " 09:00");
	e.ci.hlc = e.ci.wall_ms << 16;
	sync_uuid_new(e.ci.uuid);
	assert_int_equal(s->ops->redeem(s, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ADMITTED);
	sync_uuid_new(e.ci.uuid);
	e.ci.wall_ms = at(D1 " 18:00");
	assert_int_equal(s->ops->redeem(s, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ALREADY_ADMITTED);
	sync_uuid_new(e.ci.uuid);
	e.ci.wall_ms = at(D2 " 09:00");
	assert_int_equal(s->ops->redeem(s, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ADMITTED);
	sync_uuid_new(e.ci.uuid);
	e.ci.wall_ms = at(D2 " 09:30");
	assert_int_equal(s->ops->redeem(s, &e, &r), VK_OK);
	assert_int_equal(r.decision, HUB_ALREADY_ADMITTED);
	s->ops->close(s);
	char why2[256];
	assert_int_equal(db_open(f->path, 0, &f->d, why2, sizeof why2), VK_OK);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* The programme CSV: Excel's semicolons and BOM, Ukrainian headers; mistakes named by
 * their line, a quoted line break counted. */
static void test_programme_csv(void **state)
{
	struct fx *f = *state;
	struct programme p;
	char path[160], why[256];
	snprintf(path, sizeof path, "%s/prog.csv", f->dir);
	write_file(path, "\xef\xbb\xbf" "Назва;Зала;Початок;Кінець;Місць;Спікери\r\n"
			 "Відкриття;A;" D1 " 10:00;" D1 " 11:00;120;Олена Коваль\r\n"
			 "\"Панель; дві\nлінії\";B;" D2 " 12:00;" D2 " 13:30;;\r\n");
	assert_int_equal(programme_read_csv(path, &f->desk.event, &p, why, sizeof why), VK_OK);
	assert_int_equal(p.n_errors, 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.sessions[0].title, "Відкриття");
	assert_int_equal(p.sessions[0].capacity, 120);
	assert_string_equal(p.sessions[0].speakers, "Олена Коваль");
	assert_string_equal(p.sessions[1].title, "Панель; дві\nлінії");
	assert_string_equal(p.sessions[1].ends, D2 " 13:30");
	programme_free(&p);

	write_file(path, "title,room,start,end,capacity\n"
			 "Good,A," D1 " 10:00," D1 " 11:00,10\n"
			 "\"Two\nlines\",A," D1 " 25:00," D1 " 11:00,\n"     /* line 3 */
			 "Backwards,A," D1 " 12:00," D1 " 11:00,\n"          /* line 5 */
			 "\n"
			 "Seats,A," D1 " 10:00," D1 " 11:00,many\n"          /* line 7 */
			 ",A," D1 " 10:00," D1 " 11:00,\n"                   /* line 8 */
			 "After,A,2026-12-01 10:00,2026-12-01 11:00,\n");    /* line 9 */
	assert_int_equal(programme_read_csv(path, &f->desk.event, &p, why, sizeof why), VK_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.n_errors, 5);
	assert_int_equal(p.errors[0].line, 3);
	assert_non_null(strstr(p.errors[0].text, "25:00"));
	assert_int_equal(p.errors[1].line, 5);
	assert_int_equal(p.errors[2].line, 7);
	assert_int_equal(p.errors[3].line, 8);
	assert_int_equal(p.errors[4].line, 9);
	assert_non_null(strstr(p.errors[4].text, D3));
	programme_free(&p);

	write_file(path, "name,when\nx,y\n");
	assert_int_equal(programme_read_csv(path, &f->desk.event, &p, why, sizeof why), VK_OK);
	assert_int_equal(p.n_errors, 2); /* the header, then the row without a title */
	assert_int_equal(p.errors[0].line, 1);
	programme_free(&p);
	write_file(path, "");
	assert_int_equal(programme_read_csv(path, &f->desk.event, &p, why, sizeof why), VK_ERR_INVALID);
	programme_free(&p);
	write_file(path, "title,start,end\n\xff\xfe,x,y\n");
	assert_int_equal(programme_read_csv(path, &f->desk.event, &p, why, sizeof why), VK_ERR_INVALID);
	assert_non_null(strstr(why, "UTF-8"));
	programme_free(&p);
}

/* Local times: a real minute of the event's time zone, or nothing. */
static void test_parse_local(void **state)
{
	int64_t ms, from, to;
	(void)state;
	assert_int_equal(clock_parse_local("2026-02-30 10:00", &ms), -1);
	assert_int_equal(clock_parse_local("2026-11-23 24:00", &ms), -1);
	assert_int_equal(clock_parse_local("2026-11-23 10:00 ", &ms), -1);
	assert_int_equal(clock_parse_local("2026-11-23T10:00", &ms), -1);
	assert_int_equal(clock_parse_local("2026-11-23 10:00", &ms), 0);
	assert_int_equal(ms, 1795420800000LL); /* 08:00 UTC: Kyiv is UTC+2 in November */
	/* the day summer time ends in Kyiv has 25 hours */
	assert_int_equal(clock_parse_local("2026-10-25 12:00", &ms), 0);
	clock_day_bounds(ms, &from, &to);
	assert_int_equal(to - from, 25LL * 3600000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_once_a_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_day_event, setup_one_day, teardown),
		cmocka_unit_test_setup_teardown(test_undo_its_own_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_capacity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_category_and_entrance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_per_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_per_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_programme_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_local, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
