/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk demo: the main job on embedded defaults. The bundled program runs on
 * the DPDK dataplane (`xdpdk run -c` on a configuration written for it: a
 * net_pcap port reading the bundled pcap, one worker), which prints the
 * port's counters; then through the engine alone (`xdpdk prog run
 * --pcap-in`) for the verdict counts and the time per packet.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xdpdk_config.h"
#include "cli.h"

#define DEMO_PROG XDPDK_BUILD_ROOT "/bpf/progs/xdp_flowhash.bpf.o"
#define DEMO_PCAP XDPDK_SOURCE_ROOT "/pcaps/mixed.pcap"
#define DEMO_OUT "/tmp/xdpdk-demo-out.pcap"
#define DEMO_DP_OUT "/tmp/xdpdk-demo-dataplane-out.pcap"

struct demo_cfg {
	const char *prog;
	const char *pcap;
	const char *out;
	const char *engine;
};

/* The dataplane part: a configuration for one net_pcap port, run for a second. */
static int
run_dataplane(const char *path, const struct demo_cfg *cfg)
{
	char file[64], sock[64];
	FILE *f;
	int rc;

	snprintf(file, sizeof(file), "/tmp/xdpdk-demo-%d.yaml", (int)getpid());
	snprintf(sock, sizeof(sock), "/tmp/xdpdk-demo-%d.sock", (int)getpid());
	f = fopen(file, "w");
	if (f == NULL) {
		cli_err(path, "%s: cannot write the demo's configuration", file);
		return CLI_FAIL;
	}
	fprintf(f, "eal:\n  args: [\"--no-pci\", \"--vdev=net_pcap0,rx_pcap=%s,tx_pcap=%s\"]\n"
		"ports:\n  - {name: demo, device: net_pcap0}\n"
		"programs:\n  - name: demo\n    object: %s\n    engine: %s\n"
		"    attach: [{port: demo}]\n"
		"control:\n  socket: %s\n",
		cfg->pcap, DEMO_DP_OUT, cfg->prog,
		strcmp(cfg->engine, "interp") == 0 ? "interp" : "jit", sock);
	fclose(f);
	printf("xdpdk demo: the dataplane (xdpdk run -c %s, 1 s)\n", file);
	fflush(stdout);
	rc = cli_run_config(path, file, false, false, 1.0);
	unlink(file);
	if (rc == CLI_OK)
		printf("            XDP_TX packets went out of the port into %s\n\n", DEMO_DP_OUT);
	return rc;
}


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
	rc = run_dataplane(path, &cfg);
	if (rc != CLI_OK)
		return rc;
	printf("xdpdk demo: the engine alone (xdpdk prog run --pcap-in, 1000 runs a packet)\n");
	return cli_dispatch(cli_prog_cmds, path, 10, run_argv);
}
