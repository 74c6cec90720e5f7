/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk bench pipeline: the dataplane on net_null vdevs, in TSC cycles per
 * packet, beside a bare DPDK loop doing the same I/O without BPF on the same
 * ports and lcores, in the same run. Rounds alternate bare and xdpdk and
 * the best round of each is kept (other processes on the machine only ever
 * add cycles).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_memcpy.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

#include "xdpdk_config.h"
#include "pcap_compat.h" /* before cli.h: see there */
#include "cli.h"
#include "bench_kernel.h"
#include "golden.h"
#include "prog_test.h"

#define BENCH_OBJ XDPDK_BUILD_ROOT "/bpf/progs/xdp_bench.bpf.o"
#define LB_OBJ XDPDK_BUILD_ROOT "/bpf/progs/lb.bpf.o"
#define LB_PCAP XDPDK_SOURCE_ROOT "/pcaps/lb-in.pcap"
#define LB_MAPS XDPDK_SOURCE_ROOT "/config/examples/lb.maps"
#define LB_MAX_TMPL 1024
#define LB_TMPL_SIZE 2048
#define MAX_W 16
#define ROUNDS 2
#define CPUMAP_QSIZE 2048

enum scenario { SC_DROP, SC_TX, SC_PASS, SC_DEVMAP, SC_CPUMAP, SC_LB };

static const char *const scenario_names[] = { "drop", "tx", "pass", "devmap", "cpumap", "lb",
					       NULL };
static const char *const scenario_progs[] = {
	"bench_drop", "bench_macswap", "bench_pass", "bench_devmap", "bench_cpumap", "xdp_lb",
};

struct bench_cfg {
	const char *scenario;
	unsigned long long workers;
	unsigned long long burst;
	double seconds;
	bool json;
	bool no_huge;
	bool no_prog_cycles;
	const char *obj;
	const char *pcap;
	const char *maps_init;
	bool kernel;
	const char *packets;
};

static const struct xdpdk_opt pipeline_opts[] = {
	{ "scenario", 's', XDPDK_OPT_CHOICE, offsetof(struct bench_cfg, scenario), "NAME",
	  "drop, tx (MAC swap), pass (exception port), devmap, cpumap, lb (the bundled load "
	  "balancer on real packets) (default drop)", scenario_names },
	{ "workers", 'w', XDPDK_OPT_UINT, offsetof(struct bench_cfg, workers), "N",
	  "worker lcores (default 1)" },
	{ "burst", 'b', XDPDK_OPT_UINT, offsetof(struct bench_cfg, burst), "N",
	  "RX burst (default 32)" },
	{ "seconds", 't', XDPDK_OPT_DOUBLE, offsetof(struct bench_cfg, seconds), "S",
	  "measured time, split over the rounds of both loops (default 4)" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct bench_cfg, json), NULL, "JSON output" },
	{ "no-huge", 0, XDPDK_OPT_FLAG, offsetof(struct bench_cfg, no_huge), NULL,
	  "run DPDK without hugepages" },
	{ "no-prog-cycles", 0, XDPDK_OPT_FLAG, offsetof(struct bench_cfg, no_prog_cycles), NULL,
	  "do not time the programs (two TSC reads a burst less)" },
	{ "obj", 0, XDPDK_OPT_STRING, offsetof(struct bench_cfg, obj), "OBJ",
	  "the scenarios' programs (default: the bundled xdp_bench.bpf.o; lb: lb.bpf.o)" },
	{ "pcap", 0, XDPDK_OPT_STRING, offsetof(struct bench_cfg, pcap), "FILE",
	  "lb: the packets the ports receive, in turn (default pcaps/lb-in.pcap)" },
	{ "maps-init", 0, XDPDK_OPT_STRING, offsetof(struct bench_cfg, maps_init), "FILE",
	  "lb: map entries, as `prog test --maps-init` (default config/examples/lb.maps)" },
	{ "packets", 0, XDPDK_OPT_STRING, offsetof(struct bench_cfg, packets), "LIST",
	  "lb: only these packets of the pcap, numbered from 1 (e.g. 2 or 3,7)" },
	{ "kernel", 'k', XDPDK_OPT_FLAG, offsetof(struct bench_cfg, kernel), NULL,
	  "lb: also time the kernel's XDP on the same object, maps and packets, between the "
	  "rounds, on the worker's CPU (BPF_PROG_TEST_RUN, live frames: program and frame "
	  "work, no NIC)" },
	XDPDK_OPT_END,
};

/* ---- lb: real packets on net_null --------------------------------------- */

/*
 * net_null hands out mbufs as they come from the pool. For the lb, which
 * must see VIP traffic, an RX callback writes the pcap's packets into them
 * in turn: on the same ports for both loops, so the copy is part of the I/O
 * that the bare loop's figure holds too.
 */
struct lb_tmpl {
	uint32_t n;
	uint16_t len[LB_MAX_TMPL];
	uint8_t (*data)[LB_TMPL_SIZE];
	uint32_t next[MAX_W];
};

static struct lb_tmpl lb_tmpl;

static uint16_t
lb_fill(uint16_t port, uint16_t queue, struct rte_mbuf **m, uint16_t n, uint16_t max,
	void *arg)
{
	uint32_t *next = arg, k = *next;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	RTE_SET_USED(max);
	for (uint16_t i = 0; i < n; i++) {
		const uint16_t len = lb_tmpl.len[k];

		rte_memcpy(rte_pktmbuf_mtod(m[i], void *), lb_tmpl.data[k], len);
		m[i]->data_len = len;
		m[i]->pkt_len = len;
		if (++k == lb_tmpl.n)
			k = 0;
	}
	*next = k;
	return n;
}

/* Whether packet @p num (from 1) is in the comma-separated @p list (NULL: all). */
static bool
lb_wanted(const char *list, size_t num)
{
	const char *p = list;
	char *end;

	if (list == NULL)
		return true;
	while (*p != '\0') {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			return false;
		if (v == num)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* The templates: the pcap's packets that fit an mbuf (cli_pcap_read: Ethernet only). */
static int
lb_read_pcap(const char *path, const char *file, const char *list)
{
	struct pkts in = { 0 };
	char err[512];

	if (list != NULL && strspn(list, "0123456789,") != strlen(list)) {
		cli_err(path, "--packets: numbers from 1, separated by commas");
		return -2;
	}
	if (cli_pcap_read(file, &in, err, sizeof(err)) != 0) {
		cli_err(path, "%s", err);
		cli_pkts_free(&in);
		return -1;
	}
	lb_tmpl.data = malloc(sizeof(*lb_tmpl.data) * LB_MAX_TMPL);
	for (size_t i = 0; lb_tmpl.data != NULL && i < in.n && lb_tmpl.n < LB_MAX_TMPL; i++) {
		if (!lb_wanted(list, i + 1))
			continue;
		if (in.v[i].len < 14 || in.v[i].len > LB_TMPL_SIZE)
			continue; /* runts and jumbos: not for net_null's mbufs */
		memcpy(lb_tmpl.data[lb_tmpl.n], in.v[i].data, in.v[i].len);
		lb_tmpl.len[lb_tmpl.n++] = (uint16_t)in.v[i].len;
	}
	cli_pkts_free(&in);
	if (lb_tmpl.n == 0) {
		cli_err(path, "'%s': no packet of 14 to %d bytes%s", file, LB_TMPL_SIZE,
			list != NULL ? " among --packets" : "");
		free(lb_tmpl.data);
		return -1;
	}
	return 0;
}

/* ---- the bare loop ------------------------------------------------------ */

struct bare {
	enum scenario sc;
	uint32_t burst;
	uint32_t n;
	uint16_t in[MAX_W];
	uint16_t out;
	struct rte_ring *ring[MAX_W];
	volatile bool stop;
	uint64_t pkts[MAX_W][8];	/* a cache line each */
};

static struct bare bare;

static void
tx_or_free(uint16_t port, uint16_t q, struct rte_mbuf **m, uint16_t n)
{
	const uint16_t k = rte_eth_tx_burst(port, q, m, n);

	if (k < n)
		rte_pktmbuf_free_bulk(m + k, n - k);
}

static void
macswap(struct rte_mbuf *m)
{
	uint16_t *w = rte_pktmbuf_mtod(m, uint16_t *);
	uint16_t t0 = w[0], t1 = w[1], t2 = w[2];

	w[0] = w[3];
	w[1] = w[4];
	w[2] = w[5];
	w[3] = t0;
	w[4] = t1;
	w[5] = t2;
}

/* What the dataplane does for the scenario, in plain DPDK. */
static int
bare_main(void *arg)
{
	const uint32_t i = (uint32_t)(uintptr_t)arg;
	const uint16_t in = bare.in[i];
	struct rte_mbuf *m[64];

	while (!bare.stop) {
		uint16_t n = rte_eth_rx_burst(in, 0, m, (uint16_t)bare.burst);

		bare.pkts[i][0] += n;
		switch (bare.sc) {
		case SC_DROP:
			if (n != 0)
				rte_pktmbuf_free_bulk(m, n);
			break;
		case SC_TX:
			for (uint16_t k = 0; k < n; k++)
				macswap(m[k]);
			/* fall through */
		case SC_LB: /* the packets were written by lb_fill(): send them back */
			if (n != 0)
				tx_or_free(in, (uint16_t)i, m, n);
			break;
		case SC_PASS:
		case SC_DEVMAP:
			if (n != 0)
				tx_or_free(bare.out, (uint16_t)i, m, n);
			break;
		case SC_CPUMAP: {
			const unsigned int k = rte_ring_enqueue_burst(
				bare.ring[(i + 1) % bare.n], (void **)m, n, NULL);

			if (k < n)
				rte_pktmbuf_free_bulk(m + k, n - k);
			n = (uint16_t)rte_ring_dequeue_burst(bare.ring[i], (void **)m, bare.burst,
							     NULL);
			if (n != 0)
				tx_or_free(bare.out, (uint16_t)i, m, n);
			break;
		}
		}
	}
	return 0;
}

static uint64_t
bare_count(void)
{
	uint64_t s = 0;

	for (uint32_t i = 0; i < bare.n; i++)
		s += __atomic_load_n(&bare.pkts[i][0], __ATOMIC_RELAXED);
	return s;
}

static uint64_t
dp_count(const uint32_t *ifx, uint32_t n)
{
	struct xdpdk_dp_stats st;
	uint64_t s = 0;

	for (uint32_t i = 0; i < n; i++)
		if (xdpdk_dp_port_stats(ifx[i], &st) == 0)
			s += st.rx_packets;
	return s;
}

/* Packets and TSC cycles over @p seconds after a short warm-up. */
static void
measure(double seconds, bool dp, const uint32_t *ifx, uint32_t n, uint64_t *pkts,
	uint64_t *cycles)
{
	uint64_t p0, t0;

	usleep(200 * 1000);
	p0 = dp ? dp_count(ifx, n) : bare_count();
	t0 = rte_rdtsc();
	usleep((useconds_t)(seconds * 1e6));
	*pkts = (dp ? dp_count(ifx, n) : bare_count()) - p0;
	*cycles = rte_rdtsc() - t0;
}

static int
bare_round(double seconds, uint64_t *pkts, uint64_t *cycles)
{
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	int ret;

	for (uint32_t i = 0; i < bare.n; i++) {
		ret = rte_eth_dev_start(bare.in[i]);
		if (ret != 0)
			return ret;
	}
	if (bare.sc != SC_DROP && bare.sc != SC_TX && bare.sc != SC_LB &&
	    (ret = rte_eth_dev_start(bare.out)) != 0)
		return ret;
	bare.stop = false;
	memset(bare.pkts, 0, sizeof(bare.pkts));
	for (uint32_t i = 0; i < bare.n; i++, lcore = rte_get_next_lcore(lcore, 1, 0))
		rte_eal_remote_launch(bare_main, (void *)(uintptr_t)i, lcore);
	measure(seconds, false, NULL, 0, pkts, cycles);
	bare.stop = true;
	rte_eal_mp_wait_lcore();
	for (uint32_t i = 0; i < bare.n; i++) {
		struct rte_mbuf *m;

		rte_eth_dev_stop(bare.in[i]);
		while (bare.ring[i] != NULL && rte_ring_dequeue(bare.ring[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	if (bare.sc != SC_DROP && bare.sc != SC_TX && bare.sc != SC_LB)
		rte_eth_dev_stop(bare.out);
	return 0;
}

/* ---- set-up ------------------------------------------------------------- */

struct bench {
	uint32_t in_ifx[MAX_W];
	uint32_t out_ifx;
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *lo;
	struct xdpdk_fib *fib;		/* lb: --maps-init's fib-* lines, if any */
};

static int
setup_ports(const struct bench_cfg *cfg, enum scenario sc, struct bench *b)
{
	struct xdpdk_port_opts o = { .no_poll = true };
	char devargs[64];
	int ret;

	/* net_null: no copy, 64-byte packets; the out port only transmits (frees). */
	o.devargs = "net_null_out0";
	ret = xdpdk_dp_port_add(&o);
	if (ret < 0)
		return ret;
	b->out_ifx = (uint32_t)ret;
	bare.out = (uint16_t)xdpdk_dp_port_id(b->out_ifx);
	for (uint32_t i = 0; i < cfg->workers; i++) {
		struct xdpdk_port_opts in = { .devargs = devargs, .exception = XDPDK_EXC_PORT,
					      .exception_ifindex = b->out_ifx };

		snprintf(devargs, sizeof(devargs), "net_null_in%u", i);
		ret = xdpdk_dp_port_add(&in);
		if (ret < 0)
			return ret;
		b->in_ifx[i] = (uint32_t)ret;
		bare.in[i] = (uint16_t)xdpdk_dp_port_id(b->in_ifx[i]);
		ret = xdpdk_dp_poll_add(i, b->in_ifx[i], 0);
		if (ret != 0)
			return ret;
		if (sc == SC_LB && rte_eth_add_rx_callback(bare.in[i], 0, lb_fill,
							   &lb_tmpl.next[i]) == NULL)
			return -rte_errno;
		if (sc == SC_CPUMAP) {
			snprintf(devargs, sizeof(devargs), "bench_ring%u", i);
			bare.ring[i] = rte_ring_create(devargs, CPUMAP_QSIZE, SOCKET_ID_ANY,
						       RING_F_SC_DEQ | RING_F_EXACT_SZ);
			if (bare.ring[i] == NULL)
				return -rte_errno;
		}
	}
	return 0;
}

static int
setup_progs(const struct bench_cfg *cfg, enum scenario sc, struct bench *b)
{
	char log[2048] = "";
	struct xdpdk_load_opts lo = { .helpers = xdpdk_helpers_resolve, .log_buf = log,
				      .log_size = sizeof(log) };
	struct xdpdk_prog *prog;
	int ret = 0;

	b->obj = xdpdk_obj_open(cfg->obj, NULL);
	if (b->obj == NULL)
		return -errno;
	b->lo = xdpdk_obj_load(b->obj, &lo);
	if (b->lo == NULL) {
		fprintf(stderr, "%s", log);
		return -errno;
	}
	prog = xdpdk_loaded_prog_find(b->lo, scenario_progs[sc]);
	if (prog == NULL)
		return -ENOENT;
	if (sc == SC_LB && cli_golden_seed_file(cfg->maps_init, b->lo, &b->fib) != 0)
		return -EINVAL;
	for (uint32_t i = 0; i < cfg->workers && ret == 0; i++)
		ret = xdpdk_dp_port_set_prog(b->in_ifx[i], prog);
	if (ret == 0 && sc == SC_DEVMAP) {
		const struct bpf_devmap_val v = { .ifindex = b->out_ifx };
		const uint32_t k = 0;

		ret = xdpdk_map_update(xdpdk_loaded_map_find(b->lo, "bench_ports"), &k, &v, 0);
	}
	for (uint32_t i = 0; sc == SC_CPUMAP && ret == 0 && i < cfg->workers; i++) {
		const struct bpf_cpumap_val v = { .qsize = CPUMAP_QSIZE };
		const uint32_t next = (i + 1) % (uint32_t)cfg->workers;

		ret = xdpdk_map_update(xdpdk_loaded_map_find(b->lo, "bench_cpus"), &i, &v, 0);
		if (ret == 0)
			ret = xdpdk_map_update(xdpdk_loaded_map_find(b->lo, "bench_cpu_next"), &i,
					       &next, 0);
	}
	return ret;
}

static bool
hugepages_used(const struct bench_cfg *cfg)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long n = 0;

	if (f != NULL) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	return !cfg->no_huge && n > 0;
}

/* The verdicts of the kept round, as shares of the packets the program ran on. */
/*
 * The kernel's side (--kernel), ns a packet over the pcap's packets in turn: its program
 * time (on fresh pages) and the frame work of each verdict; 0 if not measured.
 */
static double kernel_ns, kernel_prog_ns, kernel_frame_ns, kernel_stderr_ns;
static const char *kernel_why;

/* Pairs of single-batch live runs per round, shared out over the packets. */
#define KERNEL_CALLS 4000u
#define KERNEL_CALLS_MIN 100u

/*
 * One kernel round on the worker's CPU (its lcore idles between rounds):
 * means over the pcap's packets, each weighted as the ports get it.
 */
static int
kernel_round(struct cli_bench_kernel *k, struct cli_bench_kernel_fig *mean)
{
	const uint32_t calls = RTE_MAX(KERNEL_CALLS / lb_tmpl.n, KERNEL_CALLS_MIN);
	rte_cpuset_t old, cpu = rte_lcore_cpuset(1);
	double var = 0;
	int rc = 0;

	memset(mean, 0, sizeof(*mean));
	pthread_getaffinity_np(pthread_self(), sizeof(old), &old);
	pthread_setaffinity_np(pthread_self(), sizeof(cpu), &cpu);
	for (uint32_t i = 0; i < lb_tmpl.n && rc == 0; i++) {
		struct cli_bench_kernel_fig f;

		rc = cli_bench_kernel_packet(k, lb_tmpl.data[i], lb_tmpl.len[i], calls, &f);
		mean->prog_ns += f.prog_ns / lb_tmpl.n;
		mean->frame_ns += f.frame_ns / lb_tmpl.n;
		var += f.prog_stderr_ns * f.prog_stderr_ns;
	}
	pthread_setaffinity_np(pthread_self(), sizeof(old), &old);
	mean->prog_stderr_ns = sqrt(var) / lb_tmpl.n;
	return rc;
}

static double verdict_share[XDPDK_DP_N_ACTIONS];
static const char *const verdict_names[XDPDK_DP_N_ACTIONS] = {
	"aborted", "drop", "pass", "tx", "redirect", "invalid",
};

static void
report(const struct bench_cfg *cfg, bool huge, double x_cpp, double b_cpp, double x_mpps,
       double b_mpps, double prog_cpp)
{
	if (cfg->json) {
		printf("{\"verdicts\": {");
		for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
			printf("%s\"%s\": %.4f", a ? ", " : "", verdict_names[a],
			       verdict_share[a]);
		printf("}, ");
		printf("\"scenario\": \"%s\", \"workers\": %llu, \"burst\": %llu, "
		       "\"seconds\": %.2f, \"hugepages\": %s, \"xdpdk_cycles_per_pkt\": %.2f, "
		       "\"baseline_cycles_per_pkt\": %.2f, \"ratio\": %.3f, \"mpps\": %.3f, "
		       "\"baseline_mpps\": %.3f, \"prog_cycles_per_pkt\": %.2f, ",
		       cfg->scenario, cfg->workers, cfg->burst, cfg->seconds, huge ? "true" : "false",
		       x_cpp, b_cpp, b_cpp > 0 ? x_cpp / b_cpp : 0, x_mpps, b_mpps, prog_cpp);
		if (kernel_ns > 0)
			printf("\"kernel_ns_per_pkt\": %.2f, \"kernel_prog_ns\": %.2f, "
			       "\"kernel_prog_stderr_ns\": %.2f, \"kernel_frame_ns\": %.2f, "
			       "\"kernel_mpps\": %.3f, \"vs_kernel\": %.3f, ", kernel_ns,
			       kernel_prog_ns, kernel_stderr_ns, kernel_frame_ns, 1e3 / kernel_ns,
			       x_mpps * kernel_ns / 1e3);
		else if (kernel_why != NULL)
			printf("\"kernel_skipped\": \"%s\", ", kernel_why);
		printf("\"tsc_hz\": %" PRIu64 "}\n", rte_get_tsc_hz());
		return;
	}
	printf("scenario %s, %llu worker(s), burst %llu, %s\n", cfg->scenario, cfg->workers,
	       cfg->burst, huge ? "hugepages" : "no hugepages");
	printf("  xdpdk     %8.2f cycles/pkt  %8.3f Mpps  (program %.2f cycles/pkt)\n", x_cpp,
	       x_mpps, prog_cpp);
	printf("  bare DPDK %8.2f cycles/pkt  %8.3f Mpps\n", b_cpp, b_mpps);
	printf("  ratio     %8.3f\n", b_cpp > 0 ? x_cpp / b_cpp : 0);
	if (kernel_ns > 0)
		printf("  kernel    %8.2f ns/pkt     %8.3f Mpps  (program %.2f ± %.2f on fresh "
		       "pages, frame work %.2f)\n  xdpdk/kernel %5.3f\n", kernel_ns,
		       1e3 / kernel_ns, kernel_prog_ns, kernel_stderr_ns, kernel_frame_ns,
		       x_mpps * kernel_ns / 1e3);
	else if (kernel_why != NULL)
		printf("  kernel    not measured: %s\n", kernel_why);
	printf("  verdicts ");
	for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
		if (verdict_share[a] > 0)
			printf(" %s %.1f%%", verdict_names[a], 100 * verdict_share[a]);
	printf("\n");
}

static int
pipeline(const char *path, int argc, char **argv)
{
	struct bench_cfg cfg = { "drop", 1, 32, 4.0, false, false, false, NULL, LB_PCAP, LB_MAPS };
	struct bench b = { 0 };
	struct cli_bench_kernel *kern = NULL;
	double best_x = 0, best_b = 0, x_mpps = 0, b_mpps = 0, prog_cpp = 0;
	struct xdpdk_dp_opts dpo = { 0 };
	unsigned int lcores[MAX_W];
	enum scenario sc = SC_DROP;
	bool done, huge;
	int rc = cli_parse(path, "Cycles per packet of the dataplane on net_null vdevs, beside a "
			   "bare DPDK loop doing the same I/O.", pipeline_opts, argc, argv, &cfg,
			   &done);

	if (done)
		return rc;
	if (cfg.workers == 0 || cfg.workers > MAX_W || cfg.burst == 0 ||
	    cfg.burst > XDPDK_DP_MAX_BURST || cfg.seconds <= 0) {
		cli_err(path, "--workers 1..%d, --burst 1..%d, --seconds > 0", MAX_W,
			XDPDK_DP_MAX_BURST);
		return CLI_USAGE;
	}
	while (strcmp(scenario_names[sc], cfg.scenario) != 0)
		sc++;
	if (cfg.obj == NULL)
		cfg.obj = sc == SC_LB ? LB_OBJ : BENCH_OBJ;
	if (sc == SC_LB) {
		rc = lb_read_pcap(path, cfg.pcap, cfg.packets);
		if (rc != 0)
			return rc == -2 ? CLI_USAGE : CLI_FAIL;
	}
	huge = hugepages_used(&cfg);
	if (cli_eal_dataplane("xdpdk bench", (unsigned int)cfg.workers, cfg.no_huge) != 0) {
		free(lb_tmpl.data);
		return CLI_FAIL;
	}
	for (uint32_t i = 0; i < cfg.workers; i++)
		lcores[i] = i + 1;
	dpo.n_workers = (uint32_t)cfg.workers;
	dpo.lcores = lcores;
	dpo.burst = (uint32_t)cfg.burst;
	dpo.no_prog_cycles = cfg.no_prog_cycles;
	bare.sc = sc;
	bare.n = (uint32_t)cfg.workers;
	bare.burst = (uint32_t)cfg.burst;
	rc = xdpdk_dp_init(&dpo);
	if (rc == 0)
		rc = setup_ports(&cfg, sc, &b);
	if (rc == 0)
		rc = setup_progs(&cfg, sc, &b);
	if (rc == 0 && cfg.kernel && sc != SC_LB) {
		cli_err(path, "--kernel: the lb scenario only");
		rc = -EINVAL;
	}
	if (rc == 0 && cfg.kernel) {
		kern = cli_bench_kernel_open(cfg.obj, scenario_progs[sc], cfg.maps_init,
					     &kernel_why);
		if (kern == NULL)
			fprintf(stderr, "%s: --kernel: %s: no kernel figure\n", path, kernel_why);
	}
	for (int r = 0; rc == 0 && r < ROUNDS; r++) {
		const double s = cfg.seconds / (2 * ROUNDS);
		uint64_t bp, bc, xp, xc;
		struct xdpdk_dp_stats st;
		double cpp;

		rc = bare_round(s, &bp, &bc);
		if (rc != 0)
			break;
		cpp = bp ? (double)bc * (double)cfg.workers / (double)bp : 0;
		if (best_b == 0 || cpp < best_b) {
			best_b = cpp;
			b_mpps = (double)bp / s / 1e6;
		}
		xdpdk_dp_stats_reset();
		rc = xdpdk_dp_start();
		if (rc != 0)
			break;
		measure(s, true, b.in_ifx, bare.n, &xp, &xc);
		xdpdk_dp_stop();
		cpp = xp ? (double)xc * (double)cfg.workers / (double)xp : 0;
		if (best_x == 0 || cpp < best_x) {
			best_x = cpp;
			x_mpps = (double)xp / s / 1e6;
			double runs = 0, act[XDPDK_DP_N_ACTIONS] = { 0 };

			prog_cpp = 0;
			for (uint32_t i = 0; i < bare.n; i++) {
				xdpdk_dp_port_stats(b.in_ifx[i], &st);
				if (st.prog_timed != 0)
					prog_cpp += (double)st.prog_cycles / (double)st.prog_timed /
						    bare.n;
				runs += (double)st.prog_runs;
				for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
					act[a] += (double)st.action_packets[a];
			}
			for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
				verdict_share[a] = runs > 0 ? act[a] / runs : 0;
		}
		if (kern != NULL) {
			struct cli_bench_kernel_fig m;

			if (kernel_round(kern, &m) != 0) {
				kernel_why = "BPF_PROG_TEST_RUN with live frames failed";
				cli_bench_kernel_close(kern);
				kern = NULL;
				kernel_ns = 0;
			} else if (kernel_ns == 0 || m.prog_ns + m.frame_ns < kernel_ns) {
				/* the best round, as for both loops */
				kernel_ns = m.prog_ns + m.frame_ns;
				kernel_prog_ns = m.prog_ns;
				kernel_frame_ns = m.frame_ns;
				kernel_stderr_ns = m.prog_stderr_ns;
			}
		}
	}
	cli_bench_kernel_close(kern);
	if (rc != 0)
		cli_err(path, "%s", strerror(rc < 0 ? -rc : rc));
	else
		report(&cfg, huge, best_x, best_b, x_mpps, b_mpps, prog_cpp);
	cli_golden_fib_teardown(b.fib);
	xdpdk_loaded_free(b.lo);
	xdpdk_obj_close(b.obj);
	xdpdk_maps_reclaim();
	xdpdk_dp_fini();
	for (uint32_t i = 0; i < MAX_W; i++)
		rte_ring_free(bare.ring[i]);
	xdpdk_eal_cleanup_tool();
	free(lb_tmpl.data);
	return rc == 0 ? CLI_OK : CLI_FAIL;
}

static const struct cli_cmd bench_cmds[] = {
	{ "pipeline", "the dataplane on net_null vdevs beside a bare DPDK loop", pipeline, NULL },
	{ "replay", "top-speed replay beside net_pcap's infinite_rx", cli_bench_replay, NULL },
	{ NULL, NULL, NULL, NULL },
};

/* Engine benchmarks live in build/tests/bench/xdpdk_bench (docs/performance.md). */
int
cli_cmd_bench(const char *path, int argc, char **argv)
{
	return cli_dispatch(bench_cmds, path, argc - 1, argv + 1);
}
