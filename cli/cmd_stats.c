/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk stats: show the counters of a running dataplane (once, or live with rates). */
#include "cli.h"

int
cli_cmd_stats(const char *path, int argc, char **argv)
{
	return cli_planned(path, argc, argv, "Show the counters of a running dataplane (once, or live with rates).",
			   "stats come with the control plane, issue #9");
}
