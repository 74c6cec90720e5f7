/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk demo: the main job on embedded defaults. The bundled load balancer
 * (bpf/progs/lb.bpf.o, xdp_lb, with the VIPs, reals and Maglev rings of
 * config/examples/lb.yaml) runs on the DPDK dataplane (`xdpdk run -c` on a
 * configuration written for it: a net_pcap port reading the bundled pcap,
 * one worker), which prints the port's counters; then through the engine
 * alone (`xdpdk prog run --pcap-in --maps-init`) for the verdict counts and
 * the time per packet. With --prog, another object runs with empty maps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "xdpdk_config.h"
#include "cli.h"

#define DEMO_PROG XDPDK_BUILD_ROOT "/bpf/progs/lb.bpf.o"
#define DEMO_PCAP XDPDK_SOURCE_ROOT "/pcaps/lb-in.pcap"
#define DEMO_LB_DIR XDPDK_SOURCE_ROOT "/config/examples"
#define DEMO_OUT "/tmp/xdpdk-demo-out.pcap"
#define DEMO_DP_OUT "/tmp/xdpdk-demo-dataplane-out.pcap"

struct demo_cfg {
	const char *prog;
	const char *pcap;
	const char *out;
	const char *engine;
};

/* The bundled lb, which needs its VIPs and reals? */
static bool
is_lb(const struct demo_cfg *cfg)
{
	return strcmp(cfg->prog, DEMO_PROG) == 0;
}

/* The dataplane part: a configuration for one net_pcap port, run for a second. */
static int
run_dataplane(const char *path, const struct demo_cfg *cfg)
{
	char file[64], sock[64];
	int rc, status;
	pid_t child;
	FILE *f;

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
		"    attach: [{port: demo}]\n%s"
		"control:\n  socket: %s\n",
		cfg->pcap, DEMO_DP_OUT, cfg->prog,
		strcmp(cfg->engine, "interp") == 0 ? "interp" : "jit",
		is_lb(cfg) ? "    program: xdp_lb\n" : "", sock);
	if (is_lb(cfg))
		/* config/examples/lb.yaml's entries, for xdp_lb on the port itself. */
		fprintf(f, "maps:\n"
			"  - {name: vip_map, program: demo, file: %s/lb-vips.txt}\n"
			"  - {name: reals, program: demo, file: %s/lb-reals.txt}\n"
			"  - {name: ch_rings, program: demo, file: %s/lb-ring.txt}\n"
			"  - name: lb_ctl\n    program: demo\n    entries:\n"
			"      - {key: \"00000000\", value: \"0200000000fe 17c0 ac100001 "
			"fc000000000000000000000000000001\"}\n",
			DEMO_LB_DIR, DEMO_LB_DIR, DEMO_LB_DIR);
	fclose(f);
	printf("xdpdk demo: the dataplane (xdpdk run -c %s, 1 s)\n", file);
	fflush(stdout);
	/*
	 * In a child: DPDK's EAL starts once per process, and the engine part
	 * after this one needs it again (for the lb's maps) with other arguments.
	 */
	child = fork();
	if (child == 0) {
		rc = cli_run_config(path, file, false, false, 1.0);
		fflush(NULL);
		_exit(rc);
	}
	rc = CLI_FAIL;
	if (child < 0)
		cli_err(path, "fork: %s", strerror(errno));
	else if (waitpid(child, &status, 0) == child && WIFEXITED(status))
		rc = WEXITSTATUS(status);
	unlink(file);
	if (rc == CLI_OK)
		printf("            XDP_TX packets went out of the port into %s\n\n", DEMO_DP_OUT);
	return rc;
}


static const char *const engine_choices[] = { "jit", "interp", "auto", NULL };

static const struct xdpdk_opt demo_opts[] = {
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct demo_cfg, prog), "OBJ",
	  "object to run (default: the bundled load balancer, lb.bpf.o's xdp_lb, with "
	  "config/examples/lb.yaml's VIPs)" },
	{ "pcap", 0, XDPDK_OPT_STRING, offsetof(struct demo_cfg, pcap), "FILE",
	  "packets (default: the bundled pcaps/lb-in.pcap)" },
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
			     "--engine", (char *)cfg.engine, NULL, NULL, NULL, NULL, NULL };
	int run_argc = 10;

	if (done)
		return rc;
	printf("xdpdk demo: program %s\n            packets %s\n", cfg.prog, cfg.pcap);
	rc = run_dataplane(path, &cfg);
	if (rc != CLI_OK)
		return rc;
	printf("xdpdk demo: the engine alone (xdpdk prog run --pcap-in, 1000 runs a packet)\n");
	if (is_lb(&cfg)) {
		run_argv[run_argc++] = "--prog";
		run_argv[run_argc++] = "xdp_lb";
		run_argv[run_argc++] = "--maps-init";
		run_argv[run_argc++] = DEMO_LB_DIR "/lb.maps";
	}
	return cli_dispatch(cli_prog_cmds, path, run_argc, run_argv);
}
