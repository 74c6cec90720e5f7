/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk demo: the main job on embedded defaults. Until the dataplane lands it
 * runs the bundled program over the bundled pcap through the engine (the same
 * path as `xdpdk prog run --pcap-in`), printing verdict counts, the rate and
 * where the output pcap is.
 */
#include <string.h>

#include "xdpdk_config.h"
#include "cli.h"

#define DEMO_PROG XDPDK_BUILD_ROOT "/bpf/progs/xdp_flowhash.bpf.o"
#define DEMO_PCAP XDPDK_SOURCE_ROOT "/pcaps/mixed.pcap"
#define DEMO_OUT "/tmp/xdpdk-demo-out.pcap"

struct demo_cfg {
	const char *prog;
	const char *pcap;
	const char *out;
	const char *engine;
};

static const char *const engine_choices[] = { "jit", "interp", "auto", NULL };

static const struct xdpdk_opt demo_opts[] = {
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct demo_cfg, prog), "OBJ",
	  "object to run (default: the bundled xdp_flowhash program)" },
	{ "pcap", 0, XDPDK_OPT_STRING, offsetof(struct demo_cfg, pcap), "FILE",
	  "packets (default: the bundled pcaps/mixed.pcap)" },
	{ "out", 'o', XDPDK_OPT_STRING, offsetof(struct demo_cfg, out), "FILE",
	  "output pcap (default: " DEMO_OUT ")" },
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct demo_cfg, engine), "ENGINE",
	  "engine (default jit)", engine_choices },
	XDPDK_OPT_END,
};

int
cli_cmd_demo(const char *path, int argc, char **argv)
{
	struct demo_cfg cfg = { DEMO_PROG, DEMO_PCAP, DEMO_OUT, "jit" };
	bool done;
	int rc = cli_parse(path, "Run the bundled XDP program over the bundled pcap through the "
			   "engine and summarise the verdicts.", demo_opts, argc, argv, &cfg,
			   &done);
	char *run_argv[] = { "run", (char *)cfg.prog, "--pcap-in", (char *)cfg.pcap,
			     "--pcap-out", (char *)cfg.out, "--repeat", "1000",
			     "--engine", (char *)cfg.engine, NULL };

	if (done)
		return rc;
	printf("xdpdk demo: program %s\n            packets %s\n", cfg.prog, cfg.pcap);
	rc = cli_dispatch(cli_prog_cmds, path, 10, run_argv);
	if (rc == CLI_OK)
		printf("(engine only: the DPDK dataplane joins the demo when it lands)\n");
	return rc;
}
