/* SPDX-License-Identifier: MIT */
/* Option parsing for the subcommands: "--name VALUE", "--name=VALUE", "--flag", repeated
 * options collected in a list, and positional arguments. */
#ifndef VK_CLI_OPT_H
#define VK_CLI_OPT_H

#include <stdio.h>

#define OPT_MAX_LIST 64

struct opt_spec {
	const char *name;       /* "--out" */
	int kind;               /* OPT_VALUE, OPT_FLAG or OPT_LIST */
	void *store;            /* const char ** (value), int * (flag), struct opt_list * (list) */
};
enum { OPT_VALUE = 0, OPT_FLAG = 1, OPT_LIST = 2 };

struct opt_list {
	const char *v[OPT_MAX_LIST];
	int n;
};

/* Parses argv[0..argc) against spec (terminated by a NULL name). Arguments that are not
 * options go to pos (at most max_pos; *n_pos gets the count). Returns 0, or prints what
 * is wrong on err (in the user's language) and returns 2. */
int opt_parse(int argc, char **argv, const struct opt_spec *spec, const char **pos,
	      int max_pos, int *n_pos, FILE *err);

/* For the global options: matches argv[*i] as "--name VALUE" or "--name=VALUE", sets
 * *val, advances *i over a separate value; returns 1 on a match, 0 otherwise (a missing
 * value is no match, and the caller reports the word). */
int opt_value(int argc, char **argv, int *i, const char *name, const char **val);

#endif
