/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line options from tables (xdp-tools' design on getopt_long): one
 * table per command fills that command's config struct by offsetof, and the
 * usage text is generated from the same table, so help never drifts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/config.h>

#define MAX_OPTS 64

static int
set_value(const struct xdpdk_opt *o, void *cfg, const char *arg, char *err, size_t err_size)
{
	char *field = (char *)cfg + o->offset;
	char *end;

	switch (o->type) {
	case XDPDK_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case XDPDK_OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case XDPDK_OPT_UINT: {
		unsigned long long v;

		errno = 0;
		v = strtoull(arg, &end, 0);
		if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-') {
			snprintf(err, err_size, "--%s: expected a non-negative integer, got '%s'",
				 o->name, arg);
			return -EINVAL;
		}
		*(unsigned long long *)field = v;
		return 0;
	}
	case XDPDK_OPT_DOUBLE: {
		double v;

		errno = 0;
		v = strtod(arg, &end);
		if (errno != 0 || end == arg || *end != '\0') {
			snprintf(err, err_size, "--%s: expected a number, got '%s'", o->name, arg);
			return -EINVAL;
		}
		*(double *)field = v;
		return 0;
	}
	case XDPDK_OPT_CHOICE:
		for (const char *const *c = o->choices; c && *c; c++) {
			if (strcmp(*c, arg) == 0) {
				*(const char **)field = *c;
				return 0;
			}
		}
		snprintf(err, err_size, "--%s: '%s' is not one of:", o->name, arg);
		for (const char *const *c = o->choices; c && *c; c++) {
			size_t l = strlen(err);

			snprintf(err + l, err_size - l, " %s", *c);
		}
		return -EINVAL;
	}
	return -EINVAL;
}

int
xdpdk_opts_parse(const struct xdpdk_opt *opts, int argc, char **argv, void *cfg, char *err,
		 size_t err_size)
{
	struct option lopts[MAX_OPTS + 2];
	bool seen[MAX_OPTS] = { false };
	char sopts[3 * MAX_OPTS + 4] = "h"; /* GNU order: options may follow OBJ */
	int n = 0, nl = 0, c, rc;

	err[0] = '\0';
	for (const struct xdpdk_opt *o = opts; o->name; o++, n++) {
		if (n >= MAX_OPTS)
			return -E2BIG;
		if (o->positional)
			continue;
		/* val = 256 + table index, so positionals need no getopt entry */
		lopts[nl++] = (struct option){ o->name,
					    o->type == XDPDK_OPT_FLAG ? no_argument : required_argument,
					    NULL, 256 + n };
		if (o->short_opt) {
			size_t l = strlen(sopts);

			sopts[l] = o->short_opt;
			sopts[l + 1] = o->type == XDPDK_OPT_FLAG ? '\0' : ':';
			sopts[l + 2] = '\0';
		}
	}
	lopts[nl] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[nl + 1] = (struct option){ NULL, 0, NULL, 0 };

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		int idx = -1;

		if (c == 'h')
			return XDPDK_OPTS_HELP;
		if (c == '?') {
			if (optopt && optopt < 256)
				snprintf(err, err_size, "unknown option '-%c'", optopt);
			else if (optopt >= 256)
				snprintf(err, err_size, "option '%s' needs an argument",
					 argv[optind - 1]);
			else
				snprintf(err, err_size, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			snprintf(err, err_size, "option '%s' needs an argument", argv[optind - 1]);
			return -EINVAL;
		}
		if (c >= 256)
			idx = c - 256;
		else
			for (int i = 0; i < n; i++)
				if (opts[i].short_opt == c && !opts[i].positional)
					idx = i;
		if (idx < 0) {
			snprintf(err, err_size, "unknown option '-%c'", c);
			return -EINVAL;
		}
		rc = set_value(&opts[idx], cfg, optarg, err, err_size);
		if (rc != 0)
			return rc;
		seen[idx] = true;
	}

	for (int i = 0; i < n; i++) {
		if (!opts[i].positional)
			continue;
		if (optind >= argc)
			break;
		rc = set_value(&opts[i], cfg, argv[optind++], err, err_size);
		if (rc != 0)
			return rc;
		seen[i] = true;
	}
	if (optind < argc) {
		snprintf(err, err_size, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (opts[i].required && !seen[i]) {
			if (opts[i].positional)
				snprintf(err, err_size, "missing %s", opts[i].name);
			else
				snprintf(err, err_size, "missing required option --%s", opts[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

void
xdpdk_opts_usage(FILE *out, const char *cmd, const char *summary, const struct xdpdk_opt *opts)
{
	fprintf(out, "usage: %s [options]", cmd);
	for (const struct xdpdk_opt *o = opts; o->name; o++)
		if (o->positional)
			fprintf(out, o->required ? " %s" : " [%s]", o->name);
	fprintf(out, "\n");
	if (summary)
		fprintf(out, "\n%s\n", summary);
	fprintf(out, "\noptions:\n");
	for (const struct xdpdk_opt *o = opts; o->name; o++) {
		char left[64];

		if (o->positional)
			continue;
		snprintf(left, sizeof(left), "%c%c%c --%s%s%s", o->short_opt ? '-' : ' ',
			 o->short_opt ? o->short_opt : ' ', o->short_opt ? ',' : ' ', o->name,
			 o->type == XDPDK_OPT_FLAG ? "" : " ",
			 o->type == XDPDK_OPT_FLAG ? "" : (o->metavar ? o->metavar : "ARG"));
		fprintf(out, "  %-30s %s%s\n", left, o->help ? o->help : "",
			o->required ? " (required)" : "");
		if (o->type == XDPDK_OPT_CHOICE && o->choices) {
			fprintf(out, "  %-30s one of:", "");
			for (const char *const *c = o->choices; *c; c++)
				fprintf(out, " %s", *c);
			fprintf(out, "\n");
		}
	}
	fprintf(out, "  %-30s %s\n", "-h, --help", "show this help");
}
