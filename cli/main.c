/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk: run XDP and TC eBPF objects on DPDK poll-mode cores. Dispatch only. */
#include <string.h>

#include "xdpdk_config.h"
#include "cli.h"

static const struct cli_cmd top_cmds[] = {
	{ "prog", "programs: run, test, verify, dump, show, exec-raw, attach, replace, detach",
	  NULL, cli_prog_cmds },
	{ "map", "maps: show, dump, lookup, update, delete", NULL, cli_map_cmds },
	{ "port", "ports of a running dataplane: show", NULL, cli_port_cmds },
	{ "route", "routes of a running dataplane: show, add, del", NULL, cli_route_cmds },
	{ "run", "start the dataplane from a configuration file", cli_cmd_run, NULL },
	{ "replay", "replay a pcap at line rate into a port", cli_cmd_replay, NULL },
	{ "bench", "benchmarks: engine and pipeline cycles per packet", cli_cmd_bench, NULL },
	{ "stats", "counters of a running dataplane", cli_cmd_stats, NULL },
	{ "capture", "capture packets at a port's XDP hook of a running dataplane",
	  cli_cmd_capture, NULL },
	{ "feature", "probe the supported program types, ISA, map types and helpers",
	  cli_cmd_feature, NULL },
	{ "demo", "run the bundled program over the bundled pcap", cli_cmd_demo, NULL },
	{ "trace", "lines programs printed with bpf_trace_printk", cli_cmd_trace, NULL },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("xdpdk %s\n", XDPDK_VERSION);
		return CLI_OK;
	}
	return cli_dispatch(top_cmds, "xdpdk", argc - 1, argv + 1);
}
