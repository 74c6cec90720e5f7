/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faults in the dataplane, each made to happen for real: a port that goes
 * down (administratively, or its device stopped) mid-run, a full cpumap
 * ring with its consumer paused, a full TX queue, a program that hits the
 * tail-call limit, an exhausted mempool, a map at max_entries (from a
 * program and from the control plane). Each must be counted, must not
 * crash or leak an mbuf, and the dataplane must forward again afterwards.
 *
 * Ports are net_ring devices over rings the test owns (rte_eth_from_rings):
 * it feeds their RX ring with mbufs of the port's own pool and reads what
 * they sent from their TX ring, whose size it chooses. The workers are
 * driven in place (their lcore is the test's), so every step is exact.
 * XDPDK_TEST_NO_HUGE=1 or --no-huge runs EAL without hugepages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_dev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

#define MAX_PORTS 3
#define MAX_OBJS 3
#define RING_SIZE 1024
/* mixed.pcap's packets (pcaps/gen_pcaps.py) */
#define MIXED_PKTS 64
/* the kernel's MAX_TAIL_CALL_CNT: 33 tail calls, the 34th falls through */
#define TAIL_CALLS 33

struct fixture {
	uint32_t n_ports;
	uint32_t ifx[MAX_PORTS];
	struct rte_ring *rx[MAX_PORTS], *tx[MAX_PORTS];	/* NULL: not a ring port */
	char dev[MAX_PORTS][RTE_ETH_NAME_MAX_LEN];	/* a ring port's device */
	unsigned int in_use0[MAX_PORTS];
	uint32_t n_objs;
	struct xdpdk_obj *obj[MAX_OBJS];
	struct xdpdk_loaded *lo[MAX_OBJS];
};

/* Names of rings and devices: unique in the process, as DPDK's lists want. */
static unsigned int seq;
static bool no_huge;

static int
group_setup(void **state)
{
	(void)state;
	/* One lcore: the workers are driven from it. */
	return xdpdk_eal_init_dataplane("test_faults", "0", no_huge, 0, NULL) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	xdpdk_eal_cleanup_tool();
	return 0;
}

/* Two workers, both on this lcore: worker 1 runs only when the test says (a paused consumer). */
static int
setup(void **state)
{
	static const unsigned int lcores[] = { 0, 0 };
	const struct xdpdk_dp_opts o = { .n_workers = 2, .lcores = lcores, .no_telemetry = true };
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || xdpdk_dp_init(&o) != 0)
		return -1;
	*state = f;
	return 0;
}

static void
drain_ring(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	xdpdk_dp_stop();
	for (uint32_t i = 0; i < f->n_ports; i++) {
		drain_ring(f->rx[i]);
		drain_ring(f->tx[i]);
	}
	for (uint32_t i = 0; i < f->n_objs; i++) {
		xdpdk_loaded_free(f->lo[i]);
		xdpdk_obj_close(f->obj[i]);
	}
	xdpdk_maps_reclaim();
	xdpdk_dp_fini();	/* closes the ports: the devices and rings are ours to free after */
	for (uint32_t i = 0; i < f->n_ports; i++) {
		if (f->dev[i][0] != '\0')
			rte_eal_hotplug_remove("vdev", f->dev[i]);
		rte_ring_free(f->rx[i]);
		rte_ring_free(f->tx[i]);
	}
	free(f);
	return 0;
}

static struct xdpdk_loaded *
load(struct fixture *f, const char *file, enum xdpdk_engine engine)
{
	char path[512], log[4096] = "";
	struct xdpdk_load_opts lo = { .engine = engine, .helpers = xdpdk_helpers_resolve,
				      .log_buf = log, .log_size = sizeof(log) };
	const uint32_t i = f->n_objs++;

	assert_true(i < MAX_OBJS);
	snprintf(path, sizeof(path), "%s/%s", getenv("XDPDK_PROGS_DIR"), file);
	f->obj[i] = xdpdk_obj_open(path, NULL);
	assert_non_null(f->obj[i]);
	f->lo[i] = xdpdk_obj_load(f->obj[i], &lo);
	if (f->lo[i] == NULL)
		fprintf(stderr, "%s: %s\n", path, log);
	assert_non_null(f->lo[i]);
	return f->lo[i];
}

static void
attach(struct xdpdk_loaded *lo, uint32_t ifindex, const char *name)
{
	struct xdpdk_prog *p = xdpdk_loaded_prog_find(lo, name);

	assert_non_null(p);
	assert_int_equal(xdpdk_dp_port_set_prog(ifindex, p), 0);
}

static struct xdpdk_map *
map(struct xdpdk_loaded *lo, const char *name)
{
	struct xdpdk_map *m = xdpdk_loaded_map_find(lo, name);

	assert_non_null(m);
	return m;
}

static uint32_t
port_add(struct fixture *f, struct xdpdk_port_opts *o)
{
	const uint32_t i = f->n_ports;
	const int ifx = xdpdk_dp_port_add(o);

	if (ifx <= 0)
		fprintf(stderr, "port %s: %s\n", o->devargs, strerror(-ifx));
	assert_true(ifx > 0);
	f->ifx[i] = (uint32_t)ifx;
	f->in_use0[i] = rte_mempool_in_use_count(xdpdk_dp_port_pool(f->ifx[i]));
	f->n_ports++;
	return i;
}

/*
 * Port i: a net_ring device over an RX ring the test fills and a TX ring of
 * @p tx_size slots the test reads. @p exc: its exception port's ifindex (0: drop).
 */
static uint32_t
ring_port(struct fixture *f, unsigned int tx_size, uint32_t exc)
{
	const uint32_t i = f->n_ports;
	struct xdpdk_port_opts o = { .n_txq = 1, .pool_size = 1024, .no_poll = true };
	char name[RTE_RING_NAMESIZE];
	const unsigned int n = seq++;
	int pid;

	assert_true(i < MAX_PORTS);
	snprintf(name, sizeof(name), "flt_rx%u", n);
	f->rx[i] = rte_ring_create(name, RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "flt_tx%u", n);
	f->tx[i] = rte_ring_create(name, tx_size, SOCKET_ID_ANY,
				   RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	assert_non_null(f->rx[i]);
	assert_non_null(f->tx[i]);
	snprintf(name, sizeof(name), "flt_port%u", n);
	pid = rte_eth_from_rings(name, &f->rx[i], 1, &f->tx[i], 1, SOCKET_ID_ANY);
	assert_true(pid >= 0);
	/* the device is "net_ring_<name>" */
	assert_int_equal(rte_eth_dev_get_name_by_port((uint16_t)pid, f->dev[i]), 0);
	o.devargs = f->dev[i];
	o.exception = exc != 0 ? XDPDK_EXC_PORT : XDPDK_EXC_DROP;
	o.exception_ifindex = exc;
	return port_add(f, &o);
}

/* @p n UDP frames from port i's own pool into its RX ring, as a NIC would receive them. */
static void
inject(struct fixture *f, uint32_t i, uint32_t n)
{
	static const uint8_t frame[60] = {
		0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00,	/* Ethernet */
		0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,	/* IPv4 */
		0x30, 0x39, 0x00, 0x35, 0, 26, 0, 0,				/* UDP */
	};
	struct rte_mempool *mp = xdpdk_dp_port_pool(f->ifx[i]);

	for (uint32_t k = 0; k < n; k++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		char *d;

		assert_non_null(m);
		d = rte_pktmbuf_append(m, sizeof(frame));
		assert_non_null(d);
		memcpy(d, frame, sizeof(frame));
		assert_int_equal(rte_ring_enqueue(f->rx[i], m), 0);
	}
}

/* What port i sent since the last call (freed). */
static unsigned int
sent(struct fixture *f, uint32_t i)
{
	unsigned int n = rte_ring_count(f->tx[i]);

	drain_ring(f->tx[i]);
	return n;
}

/* One round of @p worker on this thread: its queues polled once, its targets flushed. */
static uint32_t
poll(uint32_t worker)
{
	assert_int_equal(xdpdk_dp_worker_enter(worker), 0);
	return xdpdk_dp_worker_poll(worker);
}

static struct xdpdk_dp_stats
stats(struct fixture *f, uint32_t i)
{
	struct xdpdk_dp_stats st;

	assert_int_equal(xdpdk_dp_port_stats(f->ifx[i], &st), 0);
	return st;
}

/* Every received packet got a verdict, or was dropped (counted) before the program. */
static void
assert_accounted(const struct xdpdk_dp_stats *st)
{
	uint64_t verdicts = 0;

	for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
		verdicts += st->action_packets[a];
	assert_int_equal(st->rx_packets, verdicts + st->runt + st->oversize + st->no_prog);
}

/* Stopped, TX rings drained: every mbuf is back in its pool. */
static void
assert_no_leak(struct fixture *f)
{
	xdpdk_dp_stop();
	for (uint32_t i = 0; i < f->n_ports; i++) {
		drain_ring(f->tx[i]);
		assert_int_equal(rte_mempool_in_use_count(xdpdk_dp_port_pool(f->ifx[i])),
				 f->in_use0[i]);
	}
}

/* A per-CPU counter's slot of worker 0 (the control plane reads every slot). */
static uint64_t
percpu0(struct xdpdk_map *m, uint32_t key)
{
	uint64_t vals[2];

	assert_int_equal(xdpdk_map_value_buf_size(m), sizeof(vals));
	assert_int_equal(xdpdk_map_lookup(m, &key, vals, 0), 0);
	return vals[0];
}

/* ---- a port goes down mid-run ------------------------------------------- */

static void
test_faults_port_down(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_loaded *lo = load(f, "dp_verdicts.bpf.o", XDPDK_ENGINE_AUTO);
	const uint32_t b = ring_port(f, RING_SIZE, 0), a = ring_port(f, RING_SIZE, 0);
	const uint16_t pa = (uint16_t)xdpdk_dp_port_id(f->ifx[a]);
	const uint16_t pb = (uint16_t)xdpdk_dp_port_id(f->ifx[b]);
	struct xdpdk_dp_stats sa, sb;
	uint32_t k = 0;

	assert_int_equal(xdpdk_map_update(map(lo, "cfg"), &k, &f->ifx[b], BPF_ANY), 0);
	attach(lo, f->ifx[a], "xdp_redirect_ifindex");
	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);

	inject(f, a, 32);
	assert_int_equal(poll(0), 32);
	assert_int_equal(sent(f, b), 32);

	/* B set down while traffic runs: redirects to it are dropped and counted */
	assert_int_equal(xdpdk_dp_port_set_up(f->ifx[b], false), 0);
	inject(f, a, 32);
	poll(0);
	assert_int_equal(sent(f, b), 0);
	assert_int_equal(stats(f, a).redirect_down, 32);
	assert_int_equal(xdpdk_dp_port_set_up(f->ifx[b], true), 0);

	/* B's device stops under the dataplane (it failed, or was taken away): TX takes nothing */
	assert_int_equal(rte_eth_dev_stop(pb), 0);
	inject(f, a, 32);
	poll(0);
	assert_int_equal(sent(f, b), 0);
	assert_int_equal(stats(f, b).tx_drop, 32);
	assert_int_equal(rte_eth_dev_start(pb), 0);
	inject(f, a, 32);
	poll(0);
	assert_int_equal(sent(f, b), 32);

	/* A's device stops: nothing is received, nothing lost (the packets wait in its ring) */
	assert_int_equal(rte_eth_dev_stop(pa), 0);
	inject(f, a, 16);
	assert_int_equal(poll(0), 0);
	assert_int_equal(rte_ring_count(f->rx[a]), 16);
	assert_int_equal(rte_eth_dev_start(pa), 0);
	assert_int_equal(poll(0), 16);
	assert_int_equal(sent(f, b), 16);

	/* A set down: not polled until it is up again */
	assert_int_equal(xdpdk_dp_port_set_up(f->ifx[a], false), 0);
	inject(f, a, 8);
	assert_int_equal(poll(0), 0);
	assert_int_equal(xdpdk_dp_port_set_up(f->ifx[a], true), 0);
	assert_int_equal(poll(0), 8);
	assert_int_equal(sent(f, b), 8);

	sa = stats(f, a);
	sb = stats(f, b);
	assert_int_equal(sa.rx_packets, 32 * 4 + 16 + 8);
	assert_int_equal(sa.action_packets[XDP_REDIRECT], sa.rx_packets);
	assert_accounted(&sa);
	/* every redirect: sent by B, refused by its stopped device, or dropped while B was down */
	assert_int_equal(sb.tx_packets + sb.tx_drop + sa.redirect_down, sa.rx_packets);
	assert_int_equal(sb.tx_packets, 32 * 2 + 16 + 8);
	assert_no_leak(f);
}

/* ---- a full cpumap ring, its consumer paused ---------------------------- */

static void
test_faults_cpumap_ring_full(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_loaded *lo = load(f, "dp_verdicts.bpf.o", XDPDK_ENGINE_AUTO);
	const uint32_t b = ring_port(f, RING_SIZE, 0);
	const uint32_t a = ring_port(f, RING_SIZE, f->ifx[b]);
	const struct bpf_cpumap_val v = { .qsize = 8 };
	struct xdpdk_dp_stats sa;
	uint32_t k = 1;

	/* worker 0 receives and redirects to worker 1's ring, of 8 slots */
	assert_int_equal(xdpdk_map_update(map(lo, "cpus"), &k, &v, BPF_ANY), 0);
	attach(lo, f->ifx[a], "xdp_to_cpu");
	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);

	inject(f, a, 64);
	assert_int_equal(poll(0), 32);
	assert_int_equal(poll(0), 32);
	sa = stats(f, a);
	assert_int_equal(sa.action_packets[XDP_REDIRECT], 64);
	assert_int_equal(sa.ring_full, 64 - 8);
	assert_int_equal(sa.cpumap_in, 0);

	/* the consumer runs: what the ring held goes on (XDP_PASS: the exception port B) */
	assert_int_equal(poll(1), 8);
	assert_int_equal(sent(f, b), 8);
	inject(f, a, 8);
	poll(0);
	poll(1);
	assert_int_equal(sent(f, b), 8);

	sa = stats(f, a);
	assert_int_equal(sa.ring_full, 56);
	assert_int_equal(sa.cpumap_in, 16);
	assert_int_equal(sa.exception_pkts, 16);
	assert_int_equal(sa.ring_full + sa.cpumap_in, sa.action_packets[XDP_REDIRECT]);
	assert_accounted(&sa);
	assert_no_leak(f);
}

/* ---- a full TX queue ---------------------------------------------------- */

static void
test_faults_tx_queue_full(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_loaded *lo = load(f, "dp_verdicts.bpf.o", XDPDK_ENGINE_AUTO);
	const uint32_t a = ring_port(f, 16, 0);	/* a TX queue of 16 the test does not drain */
	struct xdpdk_dp_stats sa;

	attach(lo, f->ifx[a], "xdp_macswap_tx");
	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);

	inject(f, a, 64);
	poll(0);
	poll(0);
	sa = stats(f, a);
	assert_int_equal(sa.action_packets[XDP_TX], 64);
	assert_int_equal(sa.tx_packets, 16);
	assert_int_equal(sa.tx_drop, 48);

	/* the queue drains: sending resumes */
	assert_int_equal(sent(f, a), 16);
	inject(f, a, 8);
	poll(0);
	assert_int_equal(sent(f, a), 8);
	sa = stats(f, a);
	assert_int_equal(sa.tx_packets + sa.tx_drop, sa.action_packets[XDP_TX]);
	assert_accounted(&sa);
	assert_no_leak(f);
}

/* ---- the tail-call limit ------------------------------------------------ */

static void
test_faults_tail_call_limit(void **state)
{
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
	struct fixture *f = *state;
	const uint32_t a = ring_port(f, RING_SIZE, 0);
	uint64_t runs0 = 0;

	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);
	for (unsigned int e = 0; e < RTE_DIM(engines); e++) {
		struct xdpdk_loaded *lo = load(f, "faults.bpf.o", engines[e]);
		struct xdpdk_dp_stats sa;

		attach(lo, f->ifx[a], "xdp_tail_self");
		inject(f, a, 10);
		poll(0);
		/* each packet: the first run and 33 tail calls; the 34th falls through to XDP_TX */
		assert_int_equal(percpu0(map(lo, "runs"), 0), 10 * (1 + TAIL_CALLS));
		assert_int_equal(sent(f, a), 10);
		sa = stats(f, a);
		assert_int_equal(sa.action_packets[XDP_TX], 10 * (e + 1));
		runs0 += 10;
		assert_int_equal(sa.prog_runs, runs0);
	}
	{
		const struct xdpdk_dp_stats sa = stats(f, a);

		assert_accounted(&sa);
	}
	assert_no_leak(f);
}

/* ---- an exhausted mempool ----------------------------------------------- */

static void
test_faults_mempool_exhausted(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_loaded *lo = load(f, "dp_verdicts.bpf.o", XDPDK_ENGINE_AUTO);
	const char *pcaps = getenv("XDPDK_PCAPS_DIR");
	/* net_pcap allocates an mbuf per packet it reads from the file */
	struct xdpdk_port_opts o = { .pool_size = 512 };
	struct rte_mbuf **held = calloc(512, sizeof(*held));
	struct rte_mempool *mp;
	struct xdpdk_dp_stats sa;
	char devargs[512];
	uint32_t a, n_held = 0;

	assert_non_null(held);
	snprintf(devargs, sizeof(devargs), "net_pcap_flt%u,rx_pcap=%s/mixed.pcap,tx_pcap=/dev/null",
		 seq++, pcaps != NULL ? pcaps : "pcaps");
	o.devargs = devargs;
	a = port_add(f, &o);
	attach(lo, f->ifx[a], "xdp_macswap_tx");
	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);

	/* Someone else holds every mbuf of the pool: the device cannot receive into it. */
	mp = xdpdk_dp_port_pool(f->ifx[a]);
	while (n_held < 512 && (held[n_held] = rte_pktmbuf_alloc(mp)) != NULL)
		n_held++;
	assert_int_equal(rte_mempool_avail_count(mp), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(poll(0), 0);
	sa = stats(f, a);
	assert_int_equal(sa.rx_packets, 0);
	/* net_pcap drops the packet it read and counts it (rte_eth_stats.rx_nombuf) */
	assert_int_equal(sa.rx_nombuf, 4);

	/* given back: the rest of the file is received and sent */
	rte_pktmbuf_free_bulk(held, n_held);
	for (int i = 0; i < 100 && stats(f, a).rx_packets + 4 < MIXED_PKTS; i++)
		poll(0);
	sa = stats(f, a);
	assert_int_equal(sa.rx_packets + sa.rx_nombuf, MIXED_PKTS);
	assert_true(sa.action_packets[XDP_TX] > 0);
	assert_accounted(&sa);
	assert_no_leak(f);
	free(held);
}

/* ---- a map at max_entries ----------------------------------------------- */

static uint32_t
count_keys(struct xdpdk_map *m)
{
	uint32_t key, next, n = 0;
	const void *prev = NULL;

	while (xdpdk_map_get_next_key(m, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

static void
test_faults_map_full(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_loaded *lo = load(f, "faults.bpf.o", XDPDK_ENGINE_AUTO);
	const uint32_t a = ring_port(f, RING_SIZE, 0);
	struct xdpdk_map *flows = map(lo, "flows"), *upd = map(lo, "upd");
	uint32_t k, one = 1;
	uint64_t v2[2] = { 0, 0 };

	attach(lo, f->ifx[a], "xdp_fill_flows");
	assert_int_equal(xdpdk_dp_poll_add(0, f->ifx[a], 0), 0);
	assert_int_equal(xdpdk_dp_start(), 0);

	/* From the program: 8 keys fit, the next 4 updates get -E2BIG (htab_map_update_elem) */
	inject(f, a, 12);
	poll(0);
	assert_int_equal(percpu0(upd, 0), 8);
	assert_int_equal(percpu0(upd, 1), 4);
	assert_int_equal(percpu0(upd, 2), 0);
	assert_int_equal(count_keys(flows), 8);
	assert_int_equal(sent(f, a), 12);

	/* From the control plane, as bpf(BPF_MAP_UPDATE_ELEM) */
	k = 100;
	assert_int_equal(xdpdk_map_update(flows, &k, &one, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_update(flows, &k, &one, BPF_NOEXIST), -E2BIG);
	k = 0;
	assert_int_equal(xdpdk_map_update(flows, &k, &one, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_update(flows, &k, &one, BPF_EXIST), 0);	/* replacing fits */
	assert_int_equal(xdpdk_map_delete(flows, &k), 0);
	k = 100;
	assert_int_equal(xdpdk_map_update(flows, &k, &one, BPF_NOEXIST), 0);
	assert_int_equal(count_keys(flows), 8);
	/* arrays: a key at or past max_entries */
	k = 2;
	assert_int_equal(xdpdk_map_update(map(lo, "runs"), &k, v2, BPF_ANY), -E2BIG);

	/* full again for the program: it is told so, and traffic goes on */
	inject(f, a, 4);
	poll(0);
	assert_int_equal(percpu0(upd, 1), 8);
	assert_int_equal(sent(f, a), 4);
	assert_int_equal(stats(f, a).action_packets[XDP_TX], 16);
	assert_no_leak(f);
}

int
main(int argc, char **argv)
{
	const char *nh = getenv("XDPDK_TEST_NO_HUGE");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_faults_port_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_cpumap_ring_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_tx_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_tail_call_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_mempool_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_map_full, setup, teardown),
	};

	no_huge = (nh != NULL && strcmp(nh, "1") == 0) ||
		  (argc > 1 && strcmp(argv[1], "--no-huge") == 0);
	return cmocka_run_group_tests_name("dataplane_faults", tests, group_setup, group_teardown);
}
