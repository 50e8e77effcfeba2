/* SPDX-License-Identifier: MIT */
/* The kiosk's screens as a state machine, free of SDL: what is on screen, what a tap on a
 * button does, when a screen times out, and the display list that draws it.
 *
 * Inputs come from whoever runs the kiosk (the threaded app, the headless scenario, the
 * unit tests): outcomes of presented codes, printer and scanner states, taps (by button
 * name or by position), typed text, the passing of time. Outputs are
 *   - the display list of the current screen (ui_sm_layout): boxes, texts and named
 *     buttons in pixels for a given window size. ui.c draws it with SDL; tests read it.
 *   - requests (ui_sm_next_request): things only the door thread may do, such as
 *     admitting the person picked in "Find me", undoing, reprinting, registering a walk-in,
 *     setting the clock, saving a setting. Their results come back as inputs.
 * Name search is the one synchronous call (an in-memory index, a few ms): ops.find.
 *
 * Times are milliseconds on any monotonic scale the caller keeps (the headless virtual
 * clock, or SDL_GetTicks64) and are only compared with each other. */
#ifndef VK_UI_SCREEN_H
#define VK_UI_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/checkin.h"
#include "core/search.h"
#include "doctor/doctor.h"
#include "printer/printer.h"

enum ui_screen {
	UI_WELCOME = 0,   /* camera preview, "Find me", languages, organizer corner */
	UI_GREETING,      /* admitted: the name large, badge progress */
	UI_REFUSED,       /* one of the refusal outcomes */
	UI_FIND,          /* on-screen keyboard and results (attendee, or organizer's pick) */
	UI_CONFIRM,       /* "Is this you?" / "Reprint for ...?" */
	UI_WALKIN,        /* registration on the spot */
	UI_PIN,           /* the organizer's PIN */
	UI_ORG,           /* organizer: turnout, printer, scanner, actions */
	UI_CLOCK,         /* organizer: set the clock */
	UI_VERIFY,        /* Find me: something only the person knows, before the badge prints */
	UI_SCREEN_COUNT
};
/* Stable lower-case name ("welcome", "greeting", ...) for logs and scenarios. */
const char *ui_screen_name(enum ui_screen s);
int ui_screen_parse(const char *name);

/* ---- the display list ------------------------------------------------------------------ */
struct ui_rect { int x, y, w, h; };

enum ui_item_kind {
	UI_IT_BOX,        /* a filled rectangle */
	UI_IT_TEXT,       /* text fitted into its rectangle */
	UI_IT_BUTTON,     /* a filled rectangle with centred text; tappable by name */
	UI_IT_PREVIEW,    /* the camera's live picture, with a guide frame */
	UI_IT_FRAME,      /* a rectangle outline (the guide frame, the focused field) */
};
enum ui_item_flags {
	UI_WRAP = 1,      /* the text may take several lines */
	UI_CENTER = 2,    /* centred horizontally (buttons always are) */
	UI_BOLD = 4,
	UI_DISABLED = 8,  /* a button that does nothing now (drawn, not tappable) */
	UI_MIDDLE = 16,   /* centred vertically */
	UI_SCROLLS = 32,  /* part of a list a finger scrolls: a press may start a drag, so a
			   * tap is taken when the finger lifts without moving */
};

#define UI_TEXT_MAX 640 /* bytes: a readiness line in Ukrainian (two bytes a letter) fits */
struct ui_item {
	enum ui_item_kind kind;
	struct ui_rect r;
	int px;               /* text size: pixels from baseline to cap top ~ 0.7 em; the em */
	int min_px;           /* the smallest size the text may shrink to, to fit */
	int flags;
	uint32_t fg, bg;      /* 0xRRGGBB; bg is the colour under the text (for contrast) */
	char name[40];        /* buttons: the name scenarios tap ("find", "key:а", "hit-0") */
	char text[UI_TEXT_MAX];
};

enum ui_sound { UI_SOUND_NONE = 0, UI_SOUND_OK, UI_SOUND_REFUSED };
enum ui_camera_side { UI_CAM_BEHIND = 0, UI_CAM_TOP, UI_CAM_LEFT, UI_CAM_RIGHT, UI_CAM_BOTTOM };

#define UI_MAX_ITEMS 400
struct ui_dlist {
	int w, h;
	int n;
	double scale;         /* 1.0 at 800x480 */
	int scroll_max;       /* how far the screen's list can scroll, px at scale 1 (0: fits) */
	int sound;            /* enum ui_sound to play once for sound_id (0 = silence) */
	uint32_t sound_id;    /* a new value plays the sound; a repeated one does not */
	int code_seen;        /* the preview's guide frame turns green: a code is in view */
	struct ui_item item[UI_MAX_ITEMS];
};

/* Measures text as it will be drawn (ui.c installs SDL2_ttf's measure when it opens the
 * window): width in pixels of utf8 at size px, bold or not. Layouts size buttons and chips
 * with it. Without one, a width is estimated from the number of characters. */
typedef int (*ui_measure_fn)(void *ctx, const char *utf8, int px, int bold);
void ui_set_measure(ui_measure_fn fn, void *ctx);
/* The width text takes at px through the installed measure (or the estimate). */
int ui_text_width(const char *utf8, int px, int bold);

/* ---- requests to the door thread ------------------------------------------------------- */
enum ui_req_kind {
	UI_REQ_CHECKIN,     /* admit registration `number` found by name (method search) */
	UI_REQ_REPRINT,     /* organizer: print the badge of `number` again */
	UI_REQ_UNDO,        /* organizer: undo the check-in of `number` */
	UI_REQ_WALKIN,      /* register a[]=name b[]=organization c[]=email and admit */
	UI_REQ_STATS,       /* turnout for the organizer screen */
	UI_REQ_SET_CLOCK,   /* shift the kiosk's clock by `ms` (the organizer set the time) */
	UI_REQ_SETTING,     /* save setting a[] = b[] */
	UI_REQ_QUIT,        /* the organizer quits the kiosk */
	UI_REQ_PRESENT,     /* a code typed by a keyboard-wedge scanner: a[] (method manual) */
	UI_REQ_HUB_ENROLL,  /* organizer: enroll with the hub whose code (sync/client.h) is a[] */
};
struct ui_request {
	enum ui_req_kind kind;
	int64_t number;
	int64_t ms;
	char a[256], b[256], c[256];
};

/* What the organizer screen shows of the turnout (filled from db_stats). */
#define UI_MAX_CATS 24
struct ui_turnout {
	int valid;
	int64_t registered, admitted, this_hour, reprints, undos;
	int n_cat;
	struct { char name[64]; int64_t registered, admitted; } cat[UI_MAX_CATS];
};

enum ui_scanner_state {
	UI_SCANNER_OK = 0,
	UI_SCANNER_NONE,   /* no picture yet (starting) */
	UI_SCANNER_GONE,   /* the camera was disconnected */
	UI_SCANNER_ENDED,  /* a files: camera showed its last image */
	UI_SCANNER_COUNT
};
/* What staff read about the camera ("Camera: working"), in language lang (core/i18n.h);
 * "?" out of range. Static strings. */
const char *ui_scanner_text_in(int lang, int sc);

/* The kiosk's link to its hub as the screens show it (fed from the sync worker). */
struct ui_sync_state {
	int enrolled;                 /* 0: a kiosk on its own; nothing is shown */
	int online;                   /* the last round reached the hub */
	char hub[256];                /* the hub's address */
	int64_t last_contact_ms;      /* wall time of the last contact, 0 never */
	int64_t pending;              /* events waiting to go up */
	int64_t roster;               /* roster version (the hub's change cursor reached) */
};

enum ui_print_progress { UI_PRINT_NONE = 0, UI_PRINT_QUEUED, UI_PRINT_DONE, UI_PRINT_HELD };

struct ui_ops {
	void *ctx;
	/* Name search (search_find's contract); NULL = no index (Find me says so). */
	int (*find)(void *ctx, const char *query, struct search_hit *hits, int max);
	/* The organizer PIN's keeper (door_pin_check): checks typed (NULL = only the state),
	 * sets *tries_left (before the lockout) and *locked_ms_left (0 = not locked); returns
	 * UI_PIN_RIGHT, UI_PIN_WRONG, UI_PIN_LOCKED or a negative error (not accepted).
	 * NULL = the state machine compares with its own pin (tests). */
	int (*pin_check)(void *ctx, const char *typed, int *tries_left, int64_t *locked_ms_left);
};
enum { UI_PIN_RIGHT = 0, UI_PIN_WRONG = 1, UI_PIN_LOCKED = 2 }; /* = enum pin_result */

#define UI_MAX_HITS 60                 /* results Find me holds (the list scrolls) */
#define UI_MAX_REQUESTS 16
#define UI_MAX_PROBLEMS 8
#define UI_MAX_RECENT 32               /* check-ins this kiosk remembers for a 2nd scan */
#define UI_MAX_CAT_STYLES 16           /* categories given a colour or an English name */
#define UI_VERIFY_TRIES 3              /* wrong answers before Find me starts over */
#define UI_PIN_TRIES 5                 /* wrong PINs before the lockout */
#define UI_PIN_LOCK_MS (5 * 60 * 1000) /* lockout after UI_PIN_TRIES wrong PINs */
#define UI_DEFAULT_PIN "2580"          /* = PIN_DEFAULT of core/pin.h */

/* Timeouts, ms */
#define UI_GREETING_MS 6000   /* greeting after the badge printed (or was held) */
#define UI_REFUSED_MS 10000
#define UI_REPEAT_MS (10 * 60 * 1000) /* a second scan this soon: the badge is in the tray */
#define UI_CAMERA_WAIT_MS 5000  /* no picture this long: the camera is not working */
#define UI_STATS_MS 5000        /* the organizer screen's turnout refreshes itself */
#define UI_IDLE_MS 45000      /* find / confirm / walk-in / PIN left alone */
#define UI_ORG_IDLE_MS 120000 /* organizer mode locks itself */
#define UI_HUB_SCAN_MS 120000 /* Connect to hub waits this long for the hub's code */

enum ui_find_purpose { UI_FOR_CHECKIN = 0, UI_FOR_REPRINT, UI_FOR_UNDO };

/* What the organizer's message line says (rendered in the organizer's language when drawn,
 * so switching the kiosk's default language does not leave it in another one). */
enum ui_org_msg {
	UI_OM_NONE = 0, UI_OM_SCANNED, UI_OM_REPRINT_OK, UI_OM_REPRINT_MAX, UI_OM_REPRINT_NOT_IN,
	UI_OM_UNDO_OK, UI_OM_UNDO_NOT_IN, UI_OM_CLOCK_OK, UI_OM_CLOCK_FAIL, UI_OM_SETTING_FAIL,
	UI_OM_HUB_SCAN,     /* Connect to hub: waiting for the hub's code at the camera */
	UI_OM_HUB_WAIT,     /* the code was read: enrolling */
	UI_OM_HUB_OK,       /* enrolled: org_arg is the kiosk's name at the hub */
	UI_OM_HUB_FAIL,     /* not enrolled: org_arg says why */
	UI_OM_HUB_UNASKED,  /* a hub's code was shown without Connect to hub */
};
/* A line of the organizer's problem log (also rendered when drawn). */
enum ui_problem {
	UI_PB_PRINTER = 0, /* code: enum printer_state */
	UI_PB_CAMERA_GONE, UI_PB_CAMERA_NONE, UI_PB_PIN_LOCK,
	UI_PB_REFUSAL,     /* code: enum checkin_outcome; arg: the name */
	UI_PB_NOT_RECORDED,
};

struct ui_state {
	enum ui_screen screen;
	int lang;                     /* language of the screen now */
	int default_lang;             /* the kiosk's default (organizer setting ui.lang) */
	char event_name[256];
	int walkins;                  /* the event allows walk-in registration */
	struct ui_ops ops;

	int w, h;                     /* window size of the last layout (for taps by name) */
	int64_t now;                  /* the latest time seen */
	int64_t since;                /* the current screen began */
	int64_t last_input;           /* the latest tap or key */
	int changed;                  /* the screen changed since ui_sm_take_changed() */

	/* greeting and refusal */
	int outcome;                  /* enum checkin_outcome shown */
	int64_t number;
	int guest_lang;               /* language of the greeted person, -1 = the screen's */
	char name[256], organization[256], category[64];
	char detail[256];             /* already admitted: when and where; other event; ... */
	int print;                    /* enum ui_print_progress of the greeted person's badge */
	int64_t print_since;
	int64_t job_id;

	/* find me / confirm / walk-in */
	int purpose;                  /* enum ui_find_purpose */
	char query[128];
	struct search_hit hits[UI_MAX_HITS];
	int n_hits;
	int picked;                   /* index into hits on the confirm screen */
	int kbd;                      /* keyboard layout: 0 = the language's letters, 1 = the
				       * other alphabet, 2 = digits and symbols */
	char field[3][128];           /* walk-in: name, organization, email */
	int focus;                    /* walk-in: which field the keyboard types into */
	int shift;                    /* walk-in: the next letter in capitals (the Shift key) */
	char note[256];               /* a line under the form ("Type your name") */
	char wedge[256];              /* welcome: what a keyboard-wedge scanner typed so far */

	/* organizer */
	int scroll;                   /* the result list scrolled by, px at scale 1 */
	char verify[32];              /* verify screen: what the person typed */
	int verify_wrong;

	/* settings (ui_sm_setting) */
	int findme_verify;            /* ask for proof before a name search prints a badge */
	int sound_on;
	int bilingual;                /* welcome and refusals also in a second language */
	int camera_side;              /* enum ui_camera_side */
	struct { char name[64]; char en[64]; uint32_t color; int has_color; }
		cat_style[UI_MAX_CAT_STYLES];
	int n_cat_style;

	/* what this kiosk admitted lately (a second scan of the same ticket) */
	struct { int64_t number, wall_ms, printed_wall; int print; } recent[UI_MAX_RECENT];
	int n_recent;
	int repeat;                   /* refusal screen: a second scan of a fresh check-in */
	int repeat_print;             /* its enum ui_print_progress */
	int64_t repeat_wall;          /* when its badge printed (or it was admitted) */
	int64_t wall_at;              /* the monotonic time wall_ms was taken */
	int64_t seen_at;              /* a code was seen by the camera (guide frame green) */
	int sound;                    /* enum ui_sound of the latest outcome */
	uint32_t sound_id;
	int64_t scanner_since;        /* the camera state began */
	int64_t stats_at;             /* the organizer's turnout was last asked for */
	int quit_confirm;             /* organizer: "Close the kiosk?" is asked */

	char pin[16];                 /* the PIN, only when ops.pin_check is NULL (tests) */
	char pin_typed[16];
	int pin_wrong;
	int64_t pin_locked_until;
	struct ui_turnout turnout;
	enum printer_state printer;
	int64_t printer_queued, printer_printed;
	char printer_model[64];
	int scanner;                  /* enum ui_scanner_state */
	int64_t wall_ms;              /* the kiosk's wall clock now (for the clock screen) */
	int clock_trusted;
	int64_t clock_delta;          /* clock screen: the shift being set */
	struct ui_sync_state sync;    /* the link to the hub (ui_sm_sync) */
	struct doctor_facts doctor;   /* the readiness report's facts (ui/org_doctor.c) */
	int have_doctor;
	int org_msg;                  /* enum ui_org_msg: the result of the last organizer action */
	int org_code;
	char org_arg[256];
	struct { int kind, code, resolved; int64_t at_wall, resolved_wall; char arg[128]; }
		problems[UI_MAX_PROBLEMS];
	int n_problems;
	int quit;                     /* the organizer chose Quit */
	int64_t hub_scan_at;          /* Connect to hub was tapped (0: not asked); a hub's code
				       * is taken on the organizer screen for UI_HUB_SCAN_MS */

	struct ui_request req[UI_MAX_REQUESTS];
	int req_head, req_n;
};

/* "2026-11-23 10:15": wall-clock ms as local time, for the screens. */
void ui_when_text(int64_t ms, char *out, size_t cap);
/* Starts on the welcome screen in lang (an index of catalog.h). */
void ui_sm_init(struct ui_state *st, const char *event_name, int walkins, int lang,
		const char *pin, int64_t now);

/* A code was presented (camera, keyboard wedge, or a request of ours): greeting or refusal.
 * In organizer mode the outcome goes to the organizer's message line instead. */
void ui_sm_outcome(struct ui_state *st, const struct checkin_result *r, int64_t wall_ms,
		   int64_t now);
/* The badge of registration number was printed, or waits (state says why). */
void ui_sm_printed(struct ui_state *st, int64_t number, int64_t now);
void ui_sm_held(struct ui_state *st, int64_t number, enum printer_state state, int64_t now);
/* The printer's state and queue (from printq_get_status), the scanner's state. */
void ui_sm_printer(struct ui_state *st, enum printer_state state, int64_t queued,
		   int64_t printed, const char *model, int64_t now);
void ui_sm_scanner(struct ui_state *st, enum ui_scanner_state sc, int64_t now);
/* The kiosk's wall clock (shown on the clock screen) and whether it can be trusted. */
void ui_sm_wall(struct ui_state *st, int64_t wall_ms, int trusted);
/* The link to the hub: the welcome screen marks an offline kiosk in a corner, the
 * organizer screen shows hub, last contact, events waiting and roster version. */
void ui_sm_sync(struct ui_state *st, const struct ui_sync_state *sync);
/* A hub's enrollment code (door note DOOR_HUB_CODE, len bytes, not NUL-terminated): on the
 * organizer screen after Connect to hub it becomes a UI_REQ_HUB_ENROLL request; elsewhere it
 * enrolls nothing (the organizer screen says to tap Connect to hub first). Returns 1 when a
 * request was made. */
int ui_sm_hub_code(struct ui_state *st, const char *code, size_t len, int64_t now);
/* The result of a request: rc VK_OK or an error; name of the person when known
 * (UI_REQ_HUB_ENROLL: the kiosk's name at the hub, or on failure why). */
void ui_sm_done(struct ui_state *st, enum ui_req_kind kind, int rc, const char *name,
		int64_t now);
void ui_sm_turnout(struct ui_state *st, const struct ui_turnout *t);

/* A tap on the button called name; returns 1 when such a button is on screen and enabled.
 * The layout for the hit test is the last one built by ui_sm_layout (or w x h). */
int ui_sm_button(struct ui_state *st, const char *name, int64_t now);
/* A tap at pixel (x, y) of a w x h window: the button under it, if any. Returns 1 when a
 * button took it. */
int ui_sm_tap(struct ui_state *st, int x, int y, int w, int h, int64_t now);
/* Text typed on a physical keyboard (UTF-8), or keys: */
void ui_sm_text(struct ui_state *st, const char *utf8, int64_t now);
enum ui_key { UI_KEY_BACKSPACE, UI_KEY_ENTER, UI_KEY_ESCAPE };
void ui_sm_key(struct ui_state *st, enum ui_key key, int64_t now);
/* Time passes: screens time out. */
void ui_sm_tick(struct ui_state *st, int64_t now);

/* A setting the screens follow (the door passes every ui.* setting at start):
 *   ui.findme_verify on|off   ask for the last 3 digits of the registration number or the
 *                             first letters of the e-mail before Find me prints (on)
 *   ui.sound on|off           a short tone on success, another on a refusal (on)
 *   ui.bilingual on|off       welcome and refusals also in a second language (on)
 *   ui.camera_side behind|top|left|right|bottom   an arrow shows where the camera is
 *   ui.category_colors  "Спікер=#1E88E5; Волонтер=#2E7D32"  a category's colour
 *   ui.category_en      "Спікер=Speaker; Учасник=Participant" English names of categories
 * Returns 1 when key is one of these and value was taken, 0 otherwise. */
int ui_sm_setting(struct ui_state *st, const char *key, const char *value);
/* Reads every setting above through get (the door's settings reader: it returns 0 and
 * fills buf when the key is set); absent ones keep their defaults. The screens never speak
 * SQL themselves. */
typedef int (*ui_setting_fn)(void *ctx, const char *key, char *buf, size_t len);
void ui_sm_load_settings(struct ui_state *st, ui_setting_fn get, void *ctx);
/* The camera sees a code now (it is being decoded): the guide frame turns green. */
void ui_sm_code_seen(struct ui_state *st, int64_t now);
/* A finger dragged dy pixels (down is positive) over a w x h window: the list scrolls. */
void ui_sm_drag(struct ui_state *st, int dy, int w, int h, int64_t now);
/* The organizer's message line and a problem-log line as text in lang. */
void ui_sm_org_text(const struct ui_state *st, int lang, char *out, size_t cap);
void ui_sm_problem_text(const struct ui_state *st, int i, int lang, char *out, size_t cap);
/* A category's colour (the organizer's choice, else a readable default) and the name to
 * show to a guest in lang: in English, the organizer's English name (ui.category_en), else
 * the usual one for common categories (Спікер: Speaker), else the name as it is. */
uint32_t ui_category_color(const struct ui_state *st, const char *category);
const char *ui_category_name(const struct ui_state *st, const char *category, int lang);

/* Builds the display list of the current screen for a w x h window. */
void ui_sm_layout(const struct ui_state *st, int w, int h, struct ui_dlist *out);
/* Appends an item (zeroed, kind and rectangle set); NULL when the list is full. */
struct ui_item *ui_dlist_add(struct ui_dlist *dl, enum ui_item_kind kind, struct ui_rect r);
/* Finds a button by name in a display list; NULL when absent. */
const struct ui_item *ui_dlist_find(const struct ui_dlist *dl, const char *name);
/* The enabled button under (x, y); NULL when none. */
const struct ui_item *ui_dlist_hit(const struct ui_dlist *dl, int x, int y);

/* Takes the oldest pending request; returns 0 when there is none. */
int ui_sm_next_request(struct ui_state *st, struct ui_request *out);
/* 1 when the screen changed since the last call (and clears the flag). */
int ui_sm_take_changed(struct ui_state *st);

/* WCAG 2 contrast ratio of two 0xRRGGBB colours (1..21). */
double ui_contrast(uint32_t a, uint32_t b);

#endif
