/* SPDX-License-Identifier: MIT */
/* The kiosk's settings file, /etc/vkhid/vkhid.conf (INI, read with libinih), and the
 * command-line flags that say the same things. Every setting has a default, a place in
 * the file and a flag; the flag wins over the file. A mistake in the file is reported with
 * its line, in the user's language, and only that setting keeps its default: a kiosk at a
 * door starts rather than refusing over a typo.
 *
 *   [kiosk]                         [screen]
 *   camera   = auto                 rotation   = landscape | portrait | 0|90|180|270
 *   printer  = usb                  size       = 800x480
 *   template = NAME or FILE         fullscreen = yes | no
 *   language = uk | en              [hub]
 *   database = /var/lib/vkhid/vkhid.db   address = https://hub.example.org:8443
 *   [light]
 *   pins = gpiod:gpiochip0:green=17,red=27,amber=22,buzzer=18   (or none)
 */
#ifndef VK_CLI_CONFIG_H
#define VK_CLI_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define CONFIG_PATH "/etc/vkhid/vkhid.conf"
#define CONFIG_VALUE_MAX 256      /* bytes of a value, with its NUL */
#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_MAX_PROBLEMS 32

struct config {
	char camera[CONFIG_VALUE_MAX];   /* camera spec (firmware/camera/camera.h) */
	char printer[CONFIG_VALUE_MAX];  /* printer spec (firmware/printer/printer.h) */
	char template_name[CONFIG_VALUE_MAX]; /* "" = the event's own */
	char language[8];                /* "" = from the environment, "uk" or "en" */
	char database[CONFIG_VALUE_MAX];
	int portrait;                    /* 0 landscape, 1 portrait (rotation 90 or 270) */
	int rotation;                    /* degrees the screens are turned clockwise: 0, 90,
					  * 180, 270 ("portrait" = 90) */
	int width, height;               /* 0 = the screen's own size */
	int fullscreen;
	char hub[CONFIG_VALUE_MAX];      /* "" = no hub */
	char light[CONFIG_VALUE_MAX];    /* light and buzzer spec (firmware/gpio/gpio.h) */
};

/* One mistake: the line it is on (0 = the file as a whole) and what to do, in the user's
 * language. */
struct config_problem {
	int line;
	char text[320];
};
struct config_report {
	int n;                    /* problems kept in p[] */
	int more;                 /* problems beyond CONFIG_MAX_PROBLEMS, counted only */
	struct config_problem p[CONFIG_MAX_PROBLEMS];
};

/* One setting: where it sits in the file and its flag ("--camera"). */
struct config_key {
	const char *section;
	const char *name;
	const char *flag;
	const char *help;         /* English, for --help; the form of the value */
};
/* Every setting, terminated by a zeroed entry. */
extern const struct config_key config_keys[];

/* Fills cfg with the defaults: camera auto, printer usb, landscape, full
 * screen, no hub, light none, database /var/lib/vkhid/vkhid.db, language and template
 * unset. */
void config_defaults(struct config *cfg);

/* Reads the file at path over cfg (which should hold the defaults): each good setting is
 * taken, each mistake is added to rep with its line and leaves that setting alone.
 * Returns 0 when the file was read (rep->n may still be nonzero), VK_ERR_NOT_FOUND when
 * there is no such file (cfg untouched: the defaults serve), VK_ERR_IO when it cannot be
 * read or is larger than CONFIG_FILE_MAX (said in rep at line 0). */
int config_load(const char *path, struct config *cfg, struct config_report *rep);

/* The same over len bytes of text (any bytes: a file of garbage is reported, never
 * crashes). Returns 0. */
int config_parse(const char *text, size_t len, struct config *cfg, struct config_report *rep);

/* Sets one setting by its name in the file ("camera", "rotation", ...), checking the
 * value as the file does. Returns 0, or VK_ERR_INVALID with what to do in why (the
 * user's language) and cfg unchanged; VK_ERR_NOT_FOUND when there is no such setting. */
int config_set(struct config *cfg, const char *name, const char *value, char *why, size_t why_len);

/* Sets the setting a command-line flag names ("--camera", "--rotation", "--light", ...):
 * as config_set. "--fullscreen" and "--windowed" take value NULL. */
int config_flag(struct config *cfg, const char *flag, const char *value, char *why, size_t why_len);

/* Prints every problem of rep as "PATH, line N: what to do", then that the kiosk starts
 * with the defaults for those settings. Prints nothing for an empty report. */
void config_report_print(const struct config_report *rep, const char *path, FILE *out);

#endif
