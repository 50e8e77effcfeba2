/* SPDX-License-Identifier: MIT */
/* The organizers' dashboard, served by the hub beside its API (see web.c): a login with the
 * organizers' password, pages under /dash/, live figures by Server-Sent Events, incidents to
 * resolve and the attendance export. Everything it shows is drawn on the hub: no asset is
 * loaded from anywhere else (venues are often offline).
 *
 *   GET  /dash/             the dashboard (or the login page without a session)
 *   POST /dash/login        password=...            -> a session cookie, back to /dash/
 *   POST /dash/logout       csrf=...
 *   GET  /dash/lang?to=uk   the language (a cookie), back to /dash/
 *   GET  /dash/app.js       the page's script (written for vkhid, served from here)
 *   GET  /dash/events?q=&group=   text/event-stream: the page's sections as HTML in JSON
 *   POST /dash/resolve      csrf=...&id=...&note=...   an incident resolved with a note
 *   GET  /dash/export.csv   the attendance CSV, as `vkhid export attendance` writes it
 *   GET  /verify, POST /verify   code=...   checks a certificate's code (public: no login;
 *                           shows only what the signed code says and the event's name)
 *   POST /dash/kiosk-add    csrf=...&name=...   a one-time enrollment code as a QR and text
 *   POST /dash/import       multipart: csrf, csv (the file), dry   the participant list
 *                           through `vkhid import`'s importer; the report, lines and all
 * Every route but login, lang and the login page needs a session; every POST of a session
 * needs its CSRF token (and cookies are SameSite=Strict). */
#ifndef VK_HUB_WEB_H
#define VK_HUB_WEB_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>

#include "hub/store.h"

/* The key of the organizers' password hash among the store's secrets. */
#define WEB_PASSWORD_KEY "dashboard.password"

struct web;

/* A dashboard over store, whose calls are serialised by lock (the hub's). log may be NULL.
 * Returns NULL when out of memory. Free with web_free() after the server stopped. */
struct web *web_new(struct hub_store *store, pthread_mutex_t *lock, FILE *log);
/* Ends every open event stream (they return at once); call before stopping the server. */
void web_shutdown(struct web *w);
void web_free(struct web *w);

/* 1 when url is the dashboard's (/, /dash and below) or the certificate check (/verify). */
int web_owns(const char *url);
/* Answers one request of the dashboard; body is a POST's body (len bytes, NUL-terminated;
 * NULL for none). */
enum MHD_Result web_handle(struct web *w, struct MHD_Connection *c, const char *url,
			   const char *method, const char *body, size_t len);
/* Tells the open event streams that the log or the kiosks changed (a push, an admission):
 * they send fresh figures at once. */
void web_changed(struct web *w);

/* Hashes password for the store (argon2id, libsodium's interactive limits) into out
 * (crypto_pwhash_STRBYTES). Returns VK_OK, VK_ERR_INVALID for a password shorter than 8
 * bytes or longer than 1024, VK_ERR_NOMEM when the hash cannot get its memory. */
int web_password_hash(const char *password, char *out, size_t cap);

#endif
