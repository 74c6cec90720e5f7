/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk run: the dataplane. From a YAML configuration (-c FILE, run_config.c),
 * or from the command line: ports from devargs, one program attached to
 * each, workers on lcores, counters at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include <xdpdk/dataplane.h>

#include "cli.h"

#define MAX_PORTS 8

struct run_cfg {
	const char *config;
	bool check;
	const char *obj;
	const char *ports;
	const char *prog;
	const char *pass_to;
	unsigned long long workers;
	double seconds;
	bool json;
	bool no_huge;
	bool jit_blind;
	struct cli_run_replay replay;	/* with -c: cmd_replay.c's in-process mode */
};

static const struct xdpdk_opt run_opts[] = {
	{ "OBJ", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, obj), NULL,
	  "object with the XDP program (without -c)", NULL, false, true },
	{ "config", 'c', XDPDK_OPT_STRING, offsetof(struct run_cfg, config), "FILE",
	  "the dataplane from a configuration (YAML; see config/examples, docs/configuration.md)" },
	{ "check", 0, XDPDK_OPT_FLAG, offsetof(struct run_cfg, check), NULL,
	  "with -c: validate the configuration and the objects it names, then exit" },
	{ "ports", 'P', XDPDK_OPT_STRING, offsetof(struct run_cfg, ports), "DEVARGS;...",
	  "ports, ';'-separated DPDK devargs (\"net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap\"); "
	  "ifindexes in this order, from 1 (2 with --pass-to, whose port is 1)" },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct run_cfg, prog), "NAME",
	  "program name (default: the object's first)" },
	{ "pass-to", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, pass_to), "DEVARGS",
	  "exception port for XDP_PASS (a vdev, e.g. net_tap0,iface=xd0; default: drop)" },
	{ "workers", 'w', XDPDK_OPT_UINT, offsetof(struct run_cfg, workers), "N",
	  "worker lcores (default 1)" },
	{ "seconds", 't', XDPDK_OPT_DOUBLE, offsetof(struct run_cfg, seconds), "S",
	  "run this long (default 1, with -c until SIGINT/SIGTERM; 0: until a signal)" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct run_cfg, json), NULL, "JSON output" },
	{ "no-huge", 0, XDPDK_OPT_FLAG, offsetof(struct run_cfg, no_huge), NULL,
	  "run DPDK without hugepages" },
	{ "jit-blind", 0, XDPDK_OPT_FLAG, offsetof(struct run_cfg, jit_blind), NULL,
	  "constant blinding in the JIT image (untrusted programs; with -c: the programs' "
	  "jit_blinding key)" },
	{ "replay", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, replay.pcap), "PCAP",
	  "with -c: replay this capture into a port's RX queue 0, then stop (see xdpdk replay)" },
	{ "replay-port", 0, XDPDK_OPT_UINT, offsetof(struct run_cfg, replay.ifindex), "IFINDEX",
	  "with --replay: the port (default 1)" },
	{ "pps", 0, XDPDK_OPT_DOUBLE, offsetof(struct run_cfg, replay.pps), "N",
	  "with --replay: packets per second (default: top speed)" },
	{ "mbps", 0, XDPDK_OPT_DOUBLE, offsetof(struct run_cfg, replay.mbps), "N",
	  "with --replay: megabits per second" },
	{ "multiplier", 0, XDPDK_OPT_DOUBLE, offsetof(struct run_cfg, replay.multiplier), "X",
	  "with --replay: the capture's timing sped up X times" },
	{ "loop", 0, XDPDK_OPT_UINT, offsetof(struct run_cfg, replay.loops), "N",
	  "with --replay: send it N times (default 1; 0 with --seconds: until then)" },
	XDPDK_OPT_END,
};

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const char *const action_names[XDPDK_DP_N_ACTIONS] = {
	"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT", "invalid",
};

static void
print_stats(uint32_t ifindex, bool json, bool first)
{
	struct xdpdk_dp_stats st;

	if (xdpdk_dp_port_stats(ifindex, &st) != 0)
		return;
	if (json) {
		printf("%s{\"ifindex\": %u, \"name\": ", first ? "" : ", ", ifindex);
		cli_json_str(stdout, xdpdk_dp_port_name(ifindex));
		printf(", \"rx_packets\": %" PRIu64 ", \"tx_packets\": %" PRIu64, st.rx_packets,
		       st.tx_packets);
		for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
			printf(", \"%s\": %" PRIu64, action_names[a], st.action_packets[a]);
		printf(", \"runt\": %" PRIu64 ", \"oversize\": %" PRIu64
		       ", \"redirect_err\": %" PRIu64 ", \"exception_drop\": %" PRIu64 "}",
		       st.runt, st.oversize, st.redirect_err, st.exception_drop);
		return;
	}
	printf("port %u (%s): rx %" PRIu64 ", tx %" PRIu64 "\n", ifindex,
	       xdpdk_dp_port_name(ifindex), st.rx_packets, st.tx_packets);
	for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
		if (st.action_packets[a] != 0)
			printf("  %-12s %" PRIu64 "\n", action_names[a], st.action_packets[a]);
	printf("  runt %" PRIu64 ", oversize %" PRIu64 ", redirect errors %" PRIu64
	       ", exception drops %" PRIu64 "\n",
	       st.runt, st.oversize, st.redirect_err, st.exception_drop);
}

/* Ports, program, start; the caller stops and tears down. */
static int
setup(const char *path, const struct run_cfg *cfg, struct cli_prog *cp, uint32_t *ifx,
      uint32_t *n_ifx)
{
	char *spec = strdup(cfg->ports), *save = NULL;
	struct xdpdk_port_opts pass = { .devargs = cfg->pass_to, .no_poll = true };
	uint32_t exc = 0;
	int ret = 0;

	if (spec == NULL)
		return -ENOMEM;
	if (cfg->pass_to != NULL) {
		ret = xdpdk_dp_port_add(&pass);
		exc = ret > 0 ? (uint32_t)ret : 0;
	}
	for (char *d = strtok_r(spec, ";", &save); ret >= 0 && d != NULL;
	     d = strtok_r(NULL, ";", &save)) {
		struct xdpdk_port_opts o = { .devargs = d, .exception_ifindex = exc,
					     .exception = exc ? XDPDK_EXC_PORT : XDPDK_EXC_DROP };

		if (*n_ifx == MAX_PORTS) {
			ret = -E2BIG;
			break;
		}
		ret = xdpdk_dp_port_add(&o);
		if (ret > 0)
			ifx[(*n_ifx)++] = (uint32_t)ret;
	}
	free(spec);
	if (ret < 0) {
		cli_err(path, "cannot add a port: %s", strerror(-ret));
		return ret;
	}
	if (cli_load_prog_blind(path, cfg->obj, cfg->prog, NULL, NULL, cfg->jit_blind, cp) != 0)
		return -EINVAL;
	for (uint32_t i = 0; i < *n_ifx && ret >= 0; i++)
		ret = xdpdk_dp_port_set_prog(ifx[i], cp->prog);
	if (ret >= 0)
		ret = xdpdk_dp_poll_default();
	if (ret >= 0)
		ret = xdpdk_dp_start();
	if (ret < 0)
		cli_err(path, "cannot start: %s", strerror(-ret));
	return ret < 0 ? ret : 0;
}

int
cli_cmd_run(const char *path, int argc, char **argv)
{
	/* --seconds not given: 1 s on the command-line form, until a signal with -c */
	struct run_cfg cfg = { .workers = 1, .seconds = -1.0 };
	struct cli_prog cp = { 0 };
	struct xdpdk_dp_opts dpo = { 0 };
	uint32_t ifx[MAX_PORTS], n_ifx = 0;
	bool done;
	int rc = cli_parse(path, "Run an XDP program on DPDK ports (devargs) with worker lcores, "
			   "then print the counters; or the dataplane a configuration file describes.", run_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.config != NULL) {
		if (cfg.obj != NULL || cfg.ports != NULL) {
			cli_err(path, "-c FILE describes the ports and programs: no OBJ or --ports");
			return CLI_USAGE;
		}
		if (cfg.jit_blind) {
			cli_err(path, "with -c, blinding is per program: 'jit_blinding: true' in the "
				"configuration");
			return CLI_USAGE;
		}
		cli_run_replay = cfg.replay;
		return cli_run_config(path, cfg.config, cfg.check, cfg.json,
				      cfg.seconds < 0 ? 0 : cfg.seconds);
	}
	if (cfg.seconds < 0)
		cfg.seconds = 1.0;
	if (cfg.obj == NULL || cfg.ports == NULL || cfg.check || cfg.replay.pcap != NULL) {
		cli_err(path, "either -c FILE [--check] [--replay PCAP], or OBJ --ports DEVARGS");
		return CLI_USAGE;
	}
	if (cfg.workers == 0 || cfg.workers > 16 || cfg.seconds < 0) {
		cli_err(path, "--workers 1..16, --seconds >= 0");
		return CLI_USAGE;
	}
	if (cli_eal_dataplane("xdpdk run", (unsigned int)cfg.workers, cfg.no_huge) != 0)
		return CLI_FAIL;
	dpo.n_workers = (uint32_t)cfg.workers;
	if (xdpdk_dp_init(&dpo) != 0) {
		cli_err(path, "cannot set the dataplane up");
		xdpdk_eal_cleanup_tool();
		return CLI_FAIL;
	}
	rc = setup(path, &cfg, &cp, ifx, &n_ifx) == 0 ? CLI_OK : CLI_FAIL;
	if (rc == CLI_OK) {
		const uint64_t end = rte_get_tsc_cycles() + (uint64_t)(cfg.seconds *
								       (double)rte_get_tsc_hz());

		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		while (!stop_requested && (cfg.seconds == 0 || rte_get_tsc_cycles() < end))
			usleep(10000);
		xdpdk_dp_stop();
		if (cfg.json)
			printf("{\"ports\": [");
		for (uint32_t i = 0; i < n_ifx; i++)
			print_stats(ifx[i], cfg.json, i == 0);
		if (cfg.json)
			printf("]}\n");
	}
	cli_unload_prog(&cp);
	xdpdk_dp_fini();
	xdpdk_eal_cleanup_tool();
	return rc;
}
