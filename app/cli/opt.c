/* SPDX-License-Identifier: MIT */
/* Option parsing for the subcommands (see opt.h). */
#include "cli/opt.h"

#include <string.h>

#include "core/i18n.h"

int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0' || *i + 1 >= argc)
		return 0;
	*val = argv[++*i];
	return 1;
}

int opt_parse(int argc, char **argv, const struct opt_spec *spec, const char **pos,
	      int max_pos, int *n_pos, FILE *err)
{
	int np = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_spec *s;
		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (np >= max_pos)
					goto too_many;
				pos[np++] = argv[i];
			}
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (np >= max_pos)
				goto too_many;
			pos[np++] = a;
			continue;
		}
		for (s = spec; s->name; s++) {
			size_t n = strlen(s->name);
			if (strncmp(a, s->name, n) != 0 || (a[n] != '\0' && a[n] != '='))
				continue;
			if (s->kind == OPT_FLAG) {
				if (a[n] == '=')
					goto bad_flag;
				*(int *)s->store = 1;
				break;
			}
			const char *v;
			if (a[n] == '=') {
				v = a + n + 1;
			} else if (i + 1 < argc) {
				v = argv[++i];
			} else {
				fprintf(err, _("vkhid: %s needs a value\n"), a);
				return 2;
			}
			if (s->kind == OPT_VALUE) {
				*(const char **)s->store = v;
			} else {
				struct opt_list *l = s->store;
				if (l->n >= OPT_MAX_LIST) {
					fprintf(err, _("vkhid: too many %s options (at most %d)\n"),
						s->name, OPT_MAX_LIST);
					return 2;
				}
				l->v[l->n++] = v;
			}
			break;
		}
		if (!s->name) {
			fprintf(err, _("vkhid: unknown option %s (see --help)\n"), a);
			return 2;
		}
		continue;
bad_flag:
		fprintf(err, _("vkhid: %s takes no value\n"), s->name);
		return 2;
	}
	if (n_pos)
		*n_pos = np;
	return 0;
too_many:
	fprintf(err, "%s", _("vkhid: too many arguments (see --help)\n"));
	return 2;
}
