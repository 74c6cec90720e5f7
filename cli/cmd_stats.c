/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk stats: the per-port counters of a running dataplane, once, or live
 * (--watch S) with rates computed between two snapshots; and the `port` and
 * `route` verb families, which the dataplane serves (ctl_dp.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xdpdk/control.h>

#include "cli.h"

#define MAX_PORTS 64
#define N_ACTIONS 6

struct stats_cfg {
	const char *socket;
	bool json;
	double watch;
	unsigned long long count;
};

static const struct xdpdk_opt stats_opts[] = {
	{ "socket", 's', XDPDK_OPT_STRING, offsetof(struct stats_cfg, socket), "PATH",
	  "the dataplane's control socket (default $XDPDK_SOCKET or " CLI_DEFAULT_SOCKET ")" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct stats_cfg, json), NULL, "JSON output" },
	{ "watch", 'w', XDPDK_OPT_DOUBLE, offsetof(struct stats_cfg, watch), "SECONDS",
	  "refresh every SECONDS with packet and bit rates (until interrupted or --count)" },
	{ "count", 'c', XDPDK_OPT_UINT, offsetof(struct stats_cfg, count), "N",
	  "with --watch: stop after N refreshes" },
	XDPDK_OPT_END,
};

/* One port's line of `stats --raw` (ctl_dp.c writes it). */
struct port_row {
	char name[64];
	uint64_t rx, rx_bytes, tx, tx_bytes, act[N_ACTIONS], dropped;
};

static int
snapshot(const char *path, const char *sock, struct port_row *rows, double *t)
{
	char *argv[] = { "stats", "--raw" };
	struct xdpdk_ctl_reply r;
	struct timespec ts;
	char *line, *save = NULL;
	int n = 0;

	if (cli_remote_call(path, sock, 2, argv, &r) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*t = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	for (line = strtok_r(r.out, "\n", &save); line != NULL && n < MAX_PORTS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct port_row *p = &rows[n];

		if (sscanf(line, "%63s %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
			   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			   p->name, &p->rx, &p->rx_bytes, &p->tx, &p->tx_bytes, &p->act[0],
			   &p->act[1], &p->act[2], &p->act[3], &p->act[4], &p->act[5],
			   &p->dropped) == 12)
			n++;
	}
	xdpdk_ctl_reply_free(&r);
	return n;
}

static int
watch(const char *path, const char *sock, const struct stats_cfg *cfg)
{
	static struct port_row a[MAX_PORTS], b[MAX_PORTS];
	struct port_row *prev = a, *cur = b, *tmp;
	const bool tty = isatty(STDOUT_FILENO);
	double t0, t1;
	int n0 = snapshot(path, sock, prev, &t0);

	if (n0 < 0)
		return CLI_FAIL;
	for (unsigned long long k = 0; cfg->count == 0 || k < cfg->count; k++) {
		int n;

		usleep((useconds_t)(cfg->watch * 1e6));
		n = snapshot(path, sock, cur, &t1);
		if (n < 0)
			return CLI_FAIL;
		if (tty)
			fputs("\033[H\033[2J", stdout);	/* like watch(1): redraw in place */
		printf("%-12s %14s %10s %10s %14s %10s %12s %12s %12s %12s\n", "port", "rx",
		       "rx Mpps", "rx Gb/s", "tx", "tx Mpps", "drop", "pass", "tx(xdp)",
		       "redirect");
		for (int i = 0; i < n && i < n0; i++) {
			const double dt = t1 - t0 > 0 ? t1 - t0 : 1;

			printf("%-12s %14" PRIu64 " %10.3f %10.3f %14" PRIu64 " %10.3f %12" PRIu64
			       " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
			       cur[i].name, cur[i].rx, (double)(cur[i].rx - prev[i].rx) / dt / 1e6,
			       (double)(cur[i].rx_bytes - prev[i].rx_bytes) * 8 / dt / 1e9, cur[i].tx,
			       (double)(cur[i].tx - prev[i].tx) / dt / 1e6, cur[i].act[1],
			       cur[i].act[2], cur[i].act[3], cur[i].act[4]);
		}
		fflush(stdout);
		tmp = prev;
		prev = cur;
		cur = tmp;
		n0 = n;
		t0 = t1;
	}
	return CLI_OK;
}

int
cli_cmd_stats(const char *path, int argc, char **argv)
{
	struct stats_cfg cfg = { 0 };
	const char *sock;
	bool done;
	int rc = cli_parse(path, "Show the per-port counters of a running dataplane: once, or live "
			   "with rates (--watch).", stats_opts, argc, argv, &cfg, &done);
	char *fwd[] = { "stats", "--json" };

	if (done)
		return rc;
	sock = cfg.socket != NULL ? cfg.socket : cli_remote_socket();
	if (cfg.watch < 0 || (cfg.watch > 0 && cfg.watch < 0.01)) {
		cli_err(path, "--watch: expected at least 0.01 seconds");
		return CLI_USAGE;
	}
	if (cfg.watch > 0)
		return watch(path, sock, &cfg);
	return cli_remote_run(path, sock, cfg.json ? 2 : 1, fwd);
}

/* ---- port, route ---------------------------------------------------------- */

static const struct cli_remote_help port_help[] = {
	{ "show", "[--json]", "List the ports of the running dataplane: device, driver, MAC, MTU, "
	  "link, queues, the XDP program.", true, NULL },
};

static const struct cli_remote_help route_help[] = {
	{ "show", "[--json]", "List the routes of the dataplane's routing table (bpf_fib_lookup's).",
	  true, NULL },
	{ "add", "PREFIX {via GW dev PORT | dev PORT | blackhole | unreachable | prohibit} "
	  "[table N] [metric N]", "Add or replace a route, as ip-route(8) does.", false, NULL },
	{ "del", "PREFIX [table N]", "Delete a route.", false, NULL },
};

static int
remote_family(const char *path, const char *family, int argc, char **argv,
	      const struct cli_remote_help *help, size_t n)
{
	for (size_t h = 0; h < n; h++)
		if (strcmp(help[h].verb, argv[0]) == 0)
			return cli_remote(path, family, argc, argv, &help[h]);
	return CLI_USAGE;
}

static int
cmd_port(const char *path, int argc, char **argv)
{
	return remote_family(path, "port", argc, argv, port_help,
			     sizeof(port_help) / sizeof(port_help[0]));
}

static int
cmd_route(const char *path, int argc, char **argv)
{
	return remote_family(path, "route", argc, argv, route_help,
			     sizeof(route_help) / sizeof(route_help[0]));
}

const struct cli_cmd cli_port_cmds[] = {
	{ "show", "list the ports of the running dataplane", cmd_port, NULL },
	{ NULL, NULL, NULL, NULL },
};

const struct cli_cmd cli_route_cmds[] = {
	{ "show", "list the routes of the running dataplane", cmd_route, NULL },
	{ "add", "add or replace a route", cmd_route, NULL },
	{ "del", "delete a route", cmd_route, NULL },
	{ NULL, NULL, NULL, NULL },
};
