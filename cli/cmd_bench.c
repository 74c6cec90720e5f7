/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk bench: pipeline benchmarks on net_null vdevs: xdpdk bench pipeline --scenario drop|tx|pass|devmap|cpumap|lb. Engine benchmarks: build/tests/bench/xdpdk_bench (docs/performance.md). */
#include "cli.h"

int
cli_cmd_bench(const char *path, int argc, char **argv)
{
	return cli_planned(path, argc, argv, "Pipeline benchmarks on net_null vdevs: xdpdk bench pipeline --scenario drop|tx|pass|devmap|cpumap|lb. Engine benchmarks: build/tests/bench/xdpdk_bench (docs/performance.md).",
			   "pipeline benchmarks come with the dataplane, issue #8");
}
