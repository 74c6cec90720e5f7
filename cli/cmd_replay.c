/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk replay: replay a pcap at line rate into a DPDK port and measure what comes back. */
#include "cli.h"

int
cli_cmd_replay(const char *path, int argc, char **argv)
{
	return cli_planned(path, argc, argv, "Replay a pcap at line rate into a DPDK port and measure what comes back.",
			   "pcap replay comes with issue #10");
}
