/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk run: start the dataplane from a YAML configuration and serve the control socket. */
#include "cli.h"

int
cli_cmd_run(const char *path, int argc, char **argv)
{
	return cli_planned(path, argc, argv, "Start the dataplane from a YAML configuration and serve the control socket.",
			   "the dataplane and control plane come with issues #8 and #9");
}
