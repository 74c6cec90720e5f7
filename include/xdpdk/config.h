/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Configuration: option tables for the command line (xdp-tools style: each
 * option names the field of a config struct it fills, help is generated from
 * the table), and later the YAML configuration file.
 */
#ifndef XDPDK_CONFIG_H
#define XDPDK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How an option's argument is parsed into its field. */
enum xdpdk_opt_type {
	XDPDK_OPT_FLAG,		/**< bool, no argument */
	XDPDK_OPT_STRING,	/**< const char * (borrowed from argv) */
	XDPDK_OPT_UINT,		/**< unsigned long long, decimal or 0x hex */
	XDPDK_OPT_DOUBLE,	/**< double */
	XDPDK_OPT_CHOICE,	/**< const char *, one of choices[] */
};

/** One option of a command. */
struct xdpdk_opt {
	const char *name;		/**< long name ("pcap-in"); for positionals, the metavar */
	char short_opt;			/**< 0 for none */
	enum xdpdk_opt_type type;
	size_t offset;			/**< offsetof(struct cfg, field) */
	const char *metavar;		/**< "FILE" */
	const char *help;
	const char *const *choices;	/**< NULL-terminated, for XDPDK_OPT_CHOICE */
	bool required;
	bool positional;		/**< filled from the remaining arguments in order */
};

#define XDPDK_OPT_END { .name = NULL }

/** Result of xdpdk_opts_parse() besides errors. */
#define XDPDK_OPTS_HELP 1

/**
 * Parse @p argv (argv[0] is the command name) into @p cfg by @p opts.
 * @return 0; XDPDK_OPTS_HELP when --help/-h was given; -EINVAL with a message
 *   in @p err (unknown option, bad number, missing required, extra argument).
 */
int xdpdk_opts_parse(const struct xdpdk_opt *opts, int argc, char **argv, void *cfg, char *err,
		     size_t err_size);

/** Print "usage: CMD [options] POSITIONALS" and the option table, from @p opts. */
void xdpdk_opts_usage(FILE *out, const char *cmd, const char *summary,
		      const struct xdpdk_opt *opts);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CONFIG_H */
