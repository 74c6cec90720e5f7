/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane end to end on vdevs: pcap in (net_pcap rx_pcap) → workers on
 * their lcores running XDP programs → pcap out (tx_pcap), with the bytes of
 * every output packet checked against what the program must have made of
 * the input. Every test checks that each port's mempool has as many mbufs in
 * use at the end as at the start.
 *
 * XDPDK_TEST_NO_HUGE=1 runs EAL without hugepages (it does anyway when none
 * are free).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>
/* libpcap's classic struct bpf_insn clashes with linux/bpf.h's (cli/pcap_compat.h). */
#define bpf_insn cbpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>
#include <xdpdk/xsk.h>

#define MAX_PKTS 128
#define MAX_PORTS 4

struct pkt {
	uint32_t len;
	uint8_t data[9100];
};

struct pcap_pkts {
	uint32_t n;
	struct pkt *p;
};

/* What one test set up; torn down by tdown(). */
struct t {
	char dir[64];
	char out[MAX_PORTS][128];
	uint32_t ifx[MAX_PORTS];
	unsigned int in_use0[MAX_PORTS];
	uint32_t n_ports;
	struct xdpdk_obj *obj, *entry_obj;
	struct xdpdk_loaded *lo, *entry_lo;	/* dp_verdicts, dp_entry (argv[1]) */
};

static const char *entry_path;

static const char *
pcaps_dir(void)
{
	const char *d = getenv("XDPDK_PCAPS_DIR");

	return d != NULL ? d : "pcaps";
}

static void
read_pcap(const char *path, struct pcap_pkts *out)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc = pcap_open_offline(path, err);

	assert_non_null(pc);
	out->n = 0;
	out->p = calloc(MAX_PKTS, sizeof(*out->p));
	assert_non_null(out->p);
	while (out->n < MAX_PKTS && pcap_next_ex(pc, &h, &data) == 1) {
		out->p[out->n].len = h->caplen;
		memcpy(out->p[out->n].data, data, h->caplen);
		out->n++;
	}
	pcap_close(pc);
}

/* The input packets a program sees: single-segment (fits 3520 bytes), >= 14 bytes. */
static void
read_valid_input(struct pcap_pkts *in)
{
	char path[256];
	uint32_t k = 0;

	snprintf(path, sizeof(path), "%s/mixed.pcap", pcaps_dir());
	read_pcap(path, in);
	for (uint32_t i = 0; i < in->n; i++)
		if (in->p[i].len >= 14 && in->p[i].len <= 3520)
			in->p[k++] = in->p[i];
	in->n = k;
}

static int
group_setup(void **state)
{
	const char *nh = getenv("XDPDK_TEST_NO_HUGE");

	(void)state;
	/* Three lcores on the machine's CPUs: the test (0) and two workers. */
	return xdpdk_eal_init_dataplane("test_dataplane", "(0-2)@(0-1)",
					nh != NULL && strcmp(nh, "1") == 0, 0, NULL) == 0
		       ? 0
		       : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	xdpdk_eal_cleanup_tool();
	return 0;
}

static void
tsetup(struct t *t, uint32_t n_workers)
{
	static const unsigned int lcores[] = { 1, 2 };
	const struct xdpdk_dp_opts o = { .n_workers = n_workers, .lcores = lcores };
	char path[256];
	struct xdpdk_load_opts lo = { .helpers = xdpdk_helpers_resolve };
	char log[4096] = "";

	xdpdk_dp_fini();	/* after a failed test: start from nothing */
	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/xdpdk-dp-test.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	assert_int_equal(xdpdk_dp_init(&o), 0);
	snprintf(path, sizeof(path), "%s/dp_verdicts.bpf.o", getenv("XDPDK_PROGS_DIR"));
	t->obj = xdpdk_obj_open(path, NULL);
	assert_non_null(t->obj);
	lo.log_buf = log;
	lo.log_size = sizeof(log);
	t->lo = xdpdk_obj_load(t->obj, &lo);
	if (t->lo == NULL)
		fprintf(stderr, "load: %s\n", log);
	assert_non_null(t->lo);
	t->entry_obj = xdpdk_obj_open(entry_path, NULL);
	assert_non_null(t->entry_obj);
	t->entry_lo = xdpdk_obj_load(t->entry_obj, &lo);
	assert_non_null(t->entry_lo);
}

/* A program of either object. */
static struct xdpdk_prog *
prog(struct t *t, const char *name)
{
	struct xdpdk_prog *p = xdpdk_loaded_prog_find(t->lo, name);

	if (p == NULL)
		p = xdpdk_loaded_prog_find(t->entry_lo, name);
	assert_non_null(p);
	return p;
}

/*
 * Port @p i: net_pcap reading mixed.pcap (if @p rx) and writing out[i].
 * @p exc: exception port ifindex (0: drop).
 */
static uint32_t
add_port(struct t *t, bool rx, uint32_t exc)
{
	const uint32_t i = t->n_ports++;
	char dir[sizeof(t->dir)];
	struct xdpdk_port_opts o = { 0 };
	char devargs[512];
	int ifx;

	memcpy(dir, t->dir, sizeof(dir));
	snprintf(t->out[i], sizeof(t->out[i]), "%.64s/out%u.pcap", dir, i);
	if (rx)
		snprintf(devargs, sizeof(devargs), "net_pcap%u,rx_pcap=%s/mixed.pcap,tx_pcap=%s", i,
			 pcaps_dir(), t->out[i]);
	else
		snprintf(devargs, sizeof(devargs), "net_pcap%u,tx_pcap=%s", i, t->out[i]);
	o.devargs = devargs;
	o.no_poll = !rx;
	o.exception = exc != 0 ? XDPDK_EXC_PORT : XDPDK_EXC_DROP;
	o.exception_ifindex = exc;
	ifx = xdpdk_dp_port_add(&o);
	assert_true(ifx > 0);
	t->ifx[i] = (uint32_t)ifx;
	t->in_use0[i] = rte_mempool_in_use_count(xdpdk_dp_port_pool(t->ifx[i]));
	return t->ifx[i];
}

static void
attach(struct t *t, uint32_t ifindex, const char *name)
{
	assert_int_equal(xdpdk_dp_port_set_prog(ifindex, prog(t, name)), 0);
}

static struct xdpdk_map *
map(struct t *t, const char *name)
{
	struct xdpdk_map *m = xdpdk_loaded_map_find(t->lo, name);

	assert_non_null(m);
	return m;
}

/* Start, wait until port @p ifindex received the whole pcap and @p done says so, stop. */
static void
run(struct t *t, uint32_t ifindex, bool (*done)(void *), void *arg)
{
	struct xdpdk_dp_stats st;
	const uint64_t end = rte_get_tsc_cycles() + 20 * rte_get_tsc_hz();

	(void)t;
	assert_int_equal(xdpdk_dp_poll_default(), 0);
	assert_int_equal(xdpdk_dp_start(), 0);
	do {
		usleep(1000);
		assert_int_equal(xdpdk_dp_port_stats(ifindex, &st), 0);
	} while ((st.rx_packets < 64 || (done != NULL && !done(arg))) &&
		 rte_get_tsc_cycles() < end);
	xdpdk_dp_stop();
	assert_int_equal(st.rx_packets, 64);
}

/* No mbuf left behind, then everything down; the output pcaps are complete now. */
static void
tdown(struct t *t)
{
	for (uint32_t i = 0; i < t->n_ports; i++)
		assert_int_equal(rte_mempool_in_use_count(xdpdk_dp_port_pool(t->ifx[i])),
				 t->in_use0[i]);
	xdpdk_loaded_free(t->lo);
	xdpdk_obj_close(t->obj);
	xdpdk_loaded_free(t->entry_lo);
	xdpdk_obj_close(t->entry_obj);
	xdpdk_maps_reclaim();
	xdpdk_dp_fini();
}

static void
cleanup_dir(struct t *t)
{
	for (uint32_t i = 0; i < t->n_ports; i++)
		unlink(t->out[i]);
	rmdir(t->dir);
}

/* out[i] holds exactly @p want (in order). */
static void
assert_out(struct t *t, uint32_t i, const struct pcap_pkts *want)
{
	struct pcap_pkts got;

	read_pcap(t->out[i], &got);
	assert_int_equal(got.n, want->n);
	for (uint32_t k = 0; k < got.n; k++) {
		assert_int_equal(got.p[k].len, want->p[k].len);
		assert_memory_equal(got.p[k].data, want->p[k].data, got.p[k].len);
	}
	free(got.p);
}

static void
get_stats(uint32_t ifindex, struct xdpdk_dp_stats *st)
{
	assert_int_equal(xdpdk_dp_port_stats(ifindex, st), 0);
}

static const struct pcap_pkts none = { 0, NULL };

/* What xdp_macswap_tx makes of the packets: source and destination MACs swapped. */
static void
swap_macs(struct pcap_pkts *p)
{
	for (uint32_t k = 0; k < p->n; k++) {
		uint8_t mac[6];

		memcpy(mac, p->p[k].data, 6);
		memcpy(p->p[k].data, p->p[k].data + 6, 6);
		memcpy(p->p[k].data + 6, mac, 6);
	}
}

/* Ask DPDK's telemetry socket (as dpdk-telemetry.py does) and return the reply. */
static void
telemetry(const char *cmd, char *out, size_t size)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	n = read(fd, out, size - 1);	/* the greeting */
	assert_true(n > 0);
	assert_int_equal(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	n = read(fd, out, size - 1);
	assert_true(n > 0);
	out[n] = '\0';
	close(fd);
}

/* ---- verdicts ----------------------------------------------------------- */

static void
test_drop(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_drop");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_DROP], in.n);
	assert_int_equal(st.runt, 4);
	assert_int_equal(st.oversize, 1);
	assert_int_equal(st.prog_runs, in.n);
	assert_int_equal(xdpdk_dp_queue_stats(a, 0, &st), 0);
	assert_int_equal(st.rx_packets, 64);
	assert_int_equal(xdpdk_dp_queue_stats(a, 1, &st), -ENOENT);
	assert_int_equal(xdpdk_dp_worker_stats(0, &st), 0);
	assert_int_equal(st.rx_packets, 64);
	assert_int_equal(st.action_packets[XDP_DROP], in.n);
	get_stats(a, &st);
	/* The first burst is always timed (then one in eight). */
	assert_true(st.prog_timed > 0 && st.prog_timed <= st.prog_runs);
	assert_true(st.prog_cycles > 0);
	{
		char reply[4096], cmd[64];

		snprintf(cmd, sizeof(cmd), "/xdpdk/port_stats,%u", a);
		telemetry(cmd, reply, sizeof(reply));
		assert_non_null(strstr(reply, "\"rx_packets\":64"));
		assert_non_null(strstr(reply, "\"runt\":4"));
		telemetry("/xdpdk/ports", reply, sizeof(reply));
		assert_non_null(strstr(reply, "\"/xdpdk/ports\":["));
	}
	tdown(&t);
	assert_out(&t, 0, &none);
	cleanup_dir(&t);
	free(in.p);
}

static void
test_tx_macswap(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_macswap_tx");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_TX], in.n);
	assert_int_equal(st.tx_packets, in.n);
	tdown(&t);
	swap_macs(&in);
	assert_out(&t, 0, &in);
	cleanup_dir(&t);
	free(in.p);
}

static void
test_pass_to_port(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a, b;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, b);
	attach(&t, a, "xdp_pass");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_PASS], in.n);
	assert_int_equal(st.exception_pkts, in.n);
	get_stats(b, &st);
	assert_int_equal(st.tx_packets, in.n);
	tdown(&t);
	assert_out(&t, 0, &in);	/* b */
	assert_out(&t, 1, &none);	/* a */
	cleanup_dir(&t);
	free(in.p);
}

/*
 * XDP_PASS into a TAP: the host's kernel gets the packets. An AF_PACKET
 * socket on the TAP interface sees them arrive, bytes and order intact
 * (the host's own packets on it are PACKET_OUTGOING and skipped).
 */
static void
test_pass_to_tap(void **state)
{
	struct xdpdk_port_opts o = { .exception = XDPDK_EXC_TAP, .exception_tap = "xdpdk_t0" };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct xdpdk_dp_stats st;
	struct pcap_pkts in, got = { 0, NULL };
	char devargs[256];
	struct t t;
	int a, fd;

	(void)state;
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		print_message("skipped: no /dev/net/tun (%s)\n", strerror(errno));
		skip();
	}
	read_valid_input(&in);
	tsetup(&t, 1);
	snprintf(devargs, sizeof(devargs), "net_pcap0,rx_pcap=%s/mixed.pcap,tx_pcap=%s/a.pcap",
		 pcaps_dir(), t.dir);
	o.devargs = devargs;
	a = xdpdk_dp_port_add(&o);
	assert_true(a > 0);
	assert_true(xdpdk_dp_port_exception((uint32_t)a) > 0);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	assert_true(fd >= 0);
	sll.sll_ifindex = (int)if_nametoindex("xdpdk_t0");
	assert_true(sll.sll_ifindex > 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	assert_int_equal(setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &(int){ 1 }, sizeof(int)), 0);
	attach(&t, (uint32_t)a, "xdp_pass");
	run(&t, (uint32_t)a, NULL, NULL);
	get_stats((uint32_t)a, &st);
	assert_int_equal(st.exception_pkts, in.n);
	get_stats(xdpdk_dp_port_exception((uint32_t)a), &st);
	assert_int_equal(st.tx_packets, in.n);
	assert_int_equal(st.tx_drop, 0);
	got.p = calloc(MAX_PKTS, sizeof(*got.p));
	assert_non_null(got.p);
	for (;;) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} cm;
		struct sockaddr_ll from;
		uint8_t *data = got.p[got.n].data;
		struct iovec iov = { data + 4, sizeof(got.p[got.n].data) - 4 };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm,
				     .msg_controllen = sizeof(cm) };
		ssize_t r = recvmsg(fd, &mh, MSG_DONTWAIT);

		/* Bound while the TAP was down: the socket reports that once (ENETDOWN). */
		if (r < 0 && errno == ENETDOWN)
			continue;
		if (r < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		memmove(data, data + 4, (size_t)r);
		got.p[got.n].len = (uint32_t)r;
		/* The kernel took the VLAN tag out into auxdata: put it back, as libpcap. */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (!(aux.tp_status & TP_STATUS_VLAN_VALID) || r < 12)
				continue;
			memmove(data + 16, data + 12, (size_t)r - 12);
			data[12] = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID ? aux.tp_vlan_tpid
									      : 0x8100) >> 8;
			data[13] = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID ? aux.tp_vlan_tpid
									      : 0x8100) & 0xff;
			data[14] = aux.tp_vlan_tci >> 8;
			data[15] = aux.tp_vlan_tci & 0xff;
			got.p[got.n].len += 4;
		}
		if (++got.n == MAX_PKTS)
			break;
	}
	close(fd);
	assert_int_equal(got.n, in.n);
	for (uint32_t i = 0; i < in.n; i++) {
		assert_int_equal(got.p[i].len, in.p[i].len);
		assert_memory_equal(got.p[i].data, in.p[i].data, in.p[i].len);
	}
	tdown(&t);
	snprintf(devargs, sizeof(devargs), "%s/a.pcap", t.dir);
	unlink(devargs);
	cleanup_dir(&t);
	free(got.p);
	free(in.p);
}

/* ---- redirect ----------------------------------------------------------- */

/*
 * Run port @p a (the second port added), whose program redirects every packet
 * to the first: all of @p in comes out of the first, nothing out of @p a.
 */
static void
run_all_redirected(struct t *t, uint32_t a, struct pcap_pkts *in)
{
	struct xdpdk_dp_stats st;

	run(t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_REDIRECT], in->n);
	assert_int_equal(st.redirect_err, 0);
	tdown(t);
	assert_out(t, 0, in);
	assert_out(t, 1, &none);
	cleanup_dir(t);
	free(in->p);
}

static void
test_redirect_ifindex(void **state)
{
	struct pcap_pkts in;
	struct t t;
	uint32_t a, b, k = 0;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &b, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_ifindex");
	run_all_redirected(&t, a, &in);
}

/* ---- chains of programs on one hook (libxdp's dispatcher semantics) -------- */

/* The per-CPU packet counter of xdp_count, summed. */
static uint64_t
hits(struct t *t)
{
	uint64_t v[XDPDK_DP_MAX_WORKERS] = { 0 }, sum = 0;
	uint32_t k = 0;

	assert_int_equal(xdpdk_map_lookup(map(t, "hits"), &k, v, 0), 0);
	for (uint32_t w = 0; w < xdpdk_dp_n_workers(); w++)
		sum += v[w];
	return sum;
}

/*
 * xdp_count (XDP_DROP) then xdp_macswap_tx: with XDP_DROP in the first
 * one's chain_call_actions every packet goes on and leaves swapped; with
 * libxdp's default (XDP_PASS only) the drop is final.
 */
static void
test_chain(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a;

	(void)state;
	for (int final_drop = 0; final_drop < 2; final_drop++) {
		read_valid_input(&in);
		tsetup(&t, 1);
		a = add_port(&t, true, 0);
		{
			const struct xdpdk_dp_chain_prog chain[] = {
				{ prog(&t, "xdp_count"),
				  final_drop ? 1u << XDP_PASS : 1u << XDP_DROP },
				{ prog(&t, "xdp_macswap_tx"), 0 },
			};

			assert_int_equal(xdpdk_dp_port_set_chain(a, chain, 2), 0);
		}
		run(&t, a, NULL, NULL);
		get_stats(a, &st);
		assert_int_equal(hits(&t), in.n);
		assert_int_equal(st.prog_runs, in.n);
		assert_int_equal(st.action_packets[final_drop ? XDP_DROP : XDP_TX], in.n);
		if (!final_drop) {
			/* telemetry: the chain, a queue's counters, the maps */
			char reply[8192], cmd[64];

			snprintf(cmd, sizeof(cmd), "/xdpdk/port_info,%u", a);
			telemetry(cmd, reply, sizeof(reply));
			assert_non_null(strstr(reply, "\"xdp_programs\":[\"xdp_count\","
						      "\"xdp_macswap_tx\"]"));
			assert_non_null(strstr(reply, "\"capturing\":0"));
			snprintf(cmd, sizeof(cmd), "/xdpdk/queue_stats,%u,0", a);
			telemetry(cmd, reply, sizeof(reply));
			assert_non_null(strstr(reply, "\"rx_packets\":64"));
			telemetry("/xdpdk/maps", reply, sizeof(reply));
			assert_non_null(strstr(reply, "\"name\":\"hits\",\"type\":\"percpu_array\""));
		}
		tdown(&t);
		if (final_drop) {
			assert_out(&t, 0, &none);
		} else {
			swap_macs(&in);
			assert_out(&t, 0, &in);
		}
		cleanup_dir(&t);
		free(in.p);
	}
}

/*
 * A redirecting program second in a chain (it runs one packet at a time
 * after a burst-run first one): xdp_pass, then bpf_redirect to port b.
 * Too many programs, or a missing one, are refused.
 */
static void
test_chain_redirect(void **state)
{
	struct pcap_pkts in;
	struct t t;
	uint32_t a, b, k = 0;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &b, BPF_ANY), 0);
	{
		struct xdpdk_dp_chain_prog chain[XDPDK_DP_MAX_CHAIN + 1] = {
			{ prog(&t, "xdp_pass"), 1u << XDP_PASS },
			{ prog(&t, "xdp_redirect_ifindex"), 0 },
		};

		assert_int_equal(xdpdk_dp_port_set_chain(a, chain, XDPDK_DP_MAX_CHAIN + 1), -EINVAL);
		assert_int_equal(xdpdk_dp_port_set_chain(a, chain, 3), -EINVAL);
		assert_int_equal(xdpdk_dp_port_set_chain(a, chain, 2), 0);
	}
	run_all_redirected(&t, a, &in);
}

/* ---- TC on the exception path --------------------------------------------- */

static bool
is_ipv4_udp(const struct pkt *p)
{
	return p->len >= 24 && p->data[12] == 0x08 && p->data[13] == 0x00 && p->data[23] == 17;
}

/*
 * XDP passes, the port's TC ingress program acts on the way to the
 * exception port b: tc_mark rewrites a byte of every packet; tc_shot_udp
 * drops IPv4 UDP; tc_redirect_cfg sends everything out of port c instead;
 * tc_clone_cfg sends a copy out of c as well.
 */
static void
test_tc_ingress(void **state)
{
	static const char *const progs[] = { "tc_mark", "tc_shot_udp", "tc_redirect_cfg",
					      "tc_clone_cfg" };

	(void)state;
	for (size_t v = 0; v < sizeof(progs) / sizeof(progs[0]); v++) {
		struct xdpdk_dp_stats st;
		struct pcap_pkts in, kept = { 0, NULL };
		struct t t;
		uint32_t a, b, c, k = 0, n_udp = 0;

		read_valid_input(&in);
		tsetup(&t, 1);
		b = add_port(&t, false, 0);
		c = add_port(&t, false, 0);
		a = add_port(&t, true, b);
		attach(&t, a, "xdp_pass");
		assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &c, BPF_ANY), 0);
		assert_int_equal(xdpdk_dp_port_set_tc(a, XDPDK_TC_INGRESS, prog(&t, progs[v])), 0);
		assert_int_equal(xdpdk_dp_port_set_tc(a, XDPDK_TC_INGRESS, prog(&t, "xdp_pass")),
				 -EINVAL);
		run(&t, a, NULL, NULL);
		get_stats(a, &st);
		assert_int_equal(st.tc_runs, in.n);
		kept.p = calloc(MAX_PKTS, sizeof(*kept.p));
		assert_non_null(kept.p);
		for (uint32_t i = 0; i < in.n; i++) {
			n_udp += is_ipv4_udp(&in.p[i]);
			if (v != 1 || !is_ipv4_udp(&in.p[i]))
				kept.p[kept.n++] = in.p[i];
		}
		if (v == 0)
			for (uint32_t i = 0; i < kept.n; i++)
				kept.p[i].data[11] = 0xab;
		assert_true(n_udp > 0);
		assert_int_equal(st.tc_shot, v == 1 ? n_udp : 0);
		assert_int_equal(st.tc_redirect, v == 2 ? in.n : 0);
		assert_int_equal(st.exception_pkts, v == 2 ? 0 : kept.n);
		tdown(&t);
		assert_out(&t, 0, v == 2 ? &none : &kept);	/* b: the exception port */
		assert_out(&t, 1, v >= 2 ? &in : &none);	/* c */
		assert_out(&t, 2, &none);			/* a */
		cleanup_dir(&t);
		free(kept.p);
		free(in.p);
	}
}

/*
 * TC egress: what the host sends into a port's exception TAP leaves through
 * the port with tc_vlan_push's tag inserted in the frame (the host may send
 * packets of its own too: the ones sent here are found among them).
 */
static void
test_tc_egress(void **state)
{
	struct xdpdk_port_opts o = { .exception = XDPDK_EXC_TAP, .exception_tap = "xdpdk_t1",
				     .no_poll = true };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	const uint64_t end_wait = 5;
	struct xdpdk_dp_stats st;
	struct pcap_pkts got;
	uint8_t frame[5][60];
	char devargs[256];
	uint32_t found = 0;
	uint64_t end;
	struct t t;
	int a, fd;

	(void)state;
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		print_message("skipped: no /dev/net/tun (%s)\n", strerror(errno));
		skip();
	}
	tsetup(&t, 1);
	snprintf(devargs, sizeof(devargs), "net_pcap0,tx_pcap=%s/a.pcap", t.dir);
	o.devargs = devargs;
	a = xdpdk_dp_port_add(&o);
	assert_true(a > 0);
	assert_int_equal(xdpdk_dp_port_set_tc((uint32_t)a, XDPDK_TC_EGRESS,
					      prog(&t, "tc_vlan_push")), 0);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	assert_true(fd >= 0);
	sll.sll_ifindex = (int)if_nametoindex("xdpdk_t1");
	assert_true(sll.sll_ifindex > 0);
	assert_int_equal(xdpdk_dp_poll_default(), 0);
	assert_int_equal(xdpdk_dp_start(), 0);
	for (int i = 0; i < 5; i++) {
		/* an Ethernet frame of an unknown type, its payload numbered */
		memset(frame[i], 0, sizeof(frame[i]));
		memset(frame[i], 0x02, 6);
		frame[i][12] = 0x88;
		frame[i][13] = 0xb5;
		memset(frame[i] + 14, 0x40 + i, sizeof(frame[i]) - 14);
		assert_int_equal(sendto(fd, frame[i], sizeof(frame[i]), 0, (struct sockaddr *)&sll,
					sizeof(sll)), (ssize_t)sizeof(frame[i]));
	}
	end = rte_get_tsc_cycles() + end_wait * rte_get_tsc_hz();
	do {
		usleep(1000);
		get_stats((uint32_t)a, &st);
	} while (st.tc_runs < 5 && rte_get_tsc_cycles() < end);
	xdpdk_dp_stop();
	close(fd);
	get_stats((uint32_t)a, &st);
	assert_true(st.tc_runs >= 5);
	assert_int_equal(st.tx_packets, st.tc_runs);
	snprintf(devargs, sizeof(devargs), "%s/a.pcap", t.dir);
	tdown(&t);
	read_pcap(devargs, &got);
	for (uint32_t k = 0; k < got.n; k++) {
		/* every frame leaves tagged: VLAN 100 after the MAC addresses */
		assert_true(got.p[k].len >= 16);
		assert_int_equal(got.p[k].data[12], 0x81);
		assert_int_equal(got.p[k].data[13], 0x00);
		assert_int_equal(got.p[k].data[14], 0x00);
		assert_int_equal(got.p[k].data[15], 100);
		for (int i = 0; i < 5; i++)
			if (got.p[k].len == sizeof(frame[i]) + 4 &&
			    memcmp(got.p[k].data, frame[i], 12) == 0 &&
			    memcmp(got.p[k].data + 16, frame[i] + 12, sizeof(frame[i]) - 12) == 0)
				found |= 1u << i;
	}
	assert_int_equal(found, 0x1f);
	unlink(devargs);
	cleanup_dir(&t);
	free(got.p);
}

/*
 * xdp.frags: the jumbo frame of mixed.pcap arrives in several segments; an
 * xdp.frags program gets it with its fragments (bpf_xdp_get_buff_len sees
 * all of it), cuts 4 bytes from the end, and it leaves whole. A program that
 * is not xdp.frags never sees it (oversize).
 */
static void
test_frags(void **state)
{
	char path[256];
	struct xdpdk_dp_stats st;
	struct pcap_pkts in, want = { 0, NULL };
	uint64_t bytes = 0;
	struct t t;
	uint32_t a;

	(void)state;
	snprintf(path, sizeof(path), "%s/mixed.pcap", pcaps_dir());
	read_pcap(path, &in);
	want.p = calloc(MAX_PKTS, sizeof(*want.p));
	assert_non_null(want.p);
	for (uint32_t i = 0; i < in.n; i++)
		if (in.p[i].len >= 14) {
			want.p[want.n] = in.p[i];
			want.p[want.n++].len -= 4;
			bytes += in.p[i].len;
		}
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_frags_trim");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.oversize, 0);
	assert_int_equal(st.runt, 4);
	assert_int_equal(st.action_packets[XDP_TX], want.n);
	assert_int_equal(hits(&t), bytes);
	tdown(&t);
	assert_out(&t, 0, &want);
	cleanup_dir(&t);
	free(want.p);
	free(in.p);
}

/* Reads what a net_ring port (TX looped to its RX) got, while the dataplane runs. */
struct ring_read {
	uint16_t port_id;
	struct pcap_pkts got;
};

static bool
ring_read(void *arg)
{
	struct ring_read *rr = arg;
	struct rte_mbuf *m[32];
	uint16_t n = rte_eth_rx_burst(rr->port_id, 0, m, 32);

	for (uint16_t i = 0; i < n; i++) {
		if (rr->got.n < MAX_PKTS) {
			rr->got.p[rr->got.n].len = rte_pktmbuf_data_len(m[i]);
			memcpy(rr->got.p[rr->got.n].data, rte_pktmbuf_mtod(m[i], void *),
			       rte_pktmbuf_data_len(m[i]));
			rr->got.n++;
		}
		rte_pktmbuf_free(m[i]);
	}
	return rr->got.n >= 59;
}

/* bpf_redirect to a net_ring port: what it receives back is what the program saw. */
static void
test_redirect_to_ring(void **state)
{
	struct xdpdk_port_opts ro = { .devargs = "net_ring0", .no_poll = true };
	struct ring_read rr = { 0 };
	struct pcap_pkts in;
	struct t t;
	uint32_t a, k = 0;
	int r;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	r = xdpdk_dp_port_add(&ro);
	assert_true(r > 0);
	t.ifx[t.n_ports] = (uint32_t)r;
	t.in_use0[t.n_ports++] = rte_mempool_in_use_count(xdpdk_dp_port_pool((uint32_t)r));
	rr.port_id = (uint16_t)xdpdk_dp_port_id((uint32_t)r);
	rr.got.p = calloc(MAX_PKTS, sizeof(*rr.got.p));
	assert_non_null(rr.got.p);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &r, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_ifindex");
	run(&t, a, ring_read, &rr);
	tdown(&t);
	assert_int_equal(rr.got.n, in.n);
	for (uint32_t i = 0; i < in.n; i++) {
		assert_int_equal(rr.got.p[i].len, in.p[i].len);
		assert_memory_equal(rr.got.p[i].data, in.p[i].data, in.p[i].len);
	}
	cleanup_dir(&t);
	free(rr.got.p);
	free(in.p);
}

static void
test_redirect_devmap(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct bpf_devmap_val v = { 0 };
	struct t t;
	uint32_t a, b, k = 0;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	v.ifindex = b;
	assert_int_equal(xdpdk_map_update(map(&t, "tx_ports"), &k, &v, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_devmap");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_REDIRECT], in.n);
	tdown(&t);
	assert_out(&t, 0, &in);
	cleanup_dir(&t);
	free(in.p);
}

/* A missing devmap entry: the lower bits of the flags (XDP_PASS) are the verdict. */
static void
test_redirect_devmap_missing(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_redirect_devmap");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDP_PASS], in.n);
	assert_int_equal(st.exception_drop, in.n);
	tdown(&t);
	cleanup_dir(&t);
	free(in.p);
}

/* A devmap entry's program rewrites the source MAC with the egress ifindex. */
static void
test_devmap_prog(void **state)
{
	struct pcap_pkts in;
	struct bpf_devmap_val v = { 0 };
	struct t t;
	uint32_t a, b, k = 0;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	v.ifindex = b;
	v.bpf_prog.fd = xdpdk_dp_prog_register(prog(&t, "xdp_devmap_mac"));
	assert_true(v.bpf_prog.fd > 0);
	assert_int_equal(xdpdk_map_update(map(&t, "tx_ports"), &k, &v, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_devmap");
	run(&t, a, NULL, NULL);
	tdown(&t);
	for (uint32_t i = 0; i < in.n; i++) {
		const uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)b };

		memcpy(in.p[i].data + 6, mac, 6);
	}
	assert_out(&t, 0, &in);
	cleanup_dir(&t);
	free(in.p);
}

/* To every devmap_hash entry but the ingress port: B and C get each packet, A none. */
static void
test_broadcast_exclude_ingress(void **state)
{
	struct pcap_pkts in;
	struct bpf_devmap_val v = { 0 };
	struct t t;
	uint32_t a, b, c;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	c = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	for (uint32_t k = 0; k < 3; k++) {
		const uint32_t ifx[3] = { a, b, c };

		v.ifindex = ifx[k];
		assert_int_equal(xdpdk_map_update(map(&t, "bcast_ports"), &k, &v, BPF_ANY), 0);
	}
	attach(&t, a, "xdp_broadcast");
	run(&t, a, NULL, NULL);
	tdown(&t);
	assert_out(&t, 0, &in);
	assert_out(&t, 1, &in);
	assert_out(&t, 2, &none);
	cleanup_dir(&t);
	free(in.p);
}

static bool
cpumap_done(void *arg)
{
	struct xdpdk_dp_stats st;
	const uint32_t *want = arg;

	xdpdk_dp_worker_stats(1, &st);
	return st.cpumap_in >= *want;
}

/* Worker 0 polls A and redirects to worker 1, whose cpumap program marks and passes. */
static void
test_cpumap(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct bpf_cpumap_val v = { .qsize = 256 };
	struct t t;
	uint32_t a, b, k = 1;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 2);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, b);
	v.bpf_prog.fd = xdpdk_dp_prog_register(prog(&t, "xdp_cpumap_mark"));
	assert_true(v.bpf_prog.fd > 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cpus"), &k, &v, BPF_ANY), 0);
	attach(&t, a, "xdp_to_cpu");
	run(&t, a, cpumap_done, &in.n);
	xdpdk_dp_worker_stats(1, &st);
	assert_int_equal(st.cpumap_in, in.n);
	assert_int_equal(st.exception_pkts, in.n);
	tdown(&t);
	for (uint32_t i = 0; i < in.n; i++)
		in.p[i].data[5] = 0xc1;	/* run by worker 1 */
	assert_out(&t, 0, &in);
	cleanup_dir(&t);
	free(in.p);
}

/*
 * xskmap: the application receives every packet through the socket API,
 * swaps the MACs and sends them back (no copy); they leave through A.
 */
static void
test_xsk_deliver_and_reinject(void **state)
{
	struct xdpdk_xsk_opts xo = { 0 };
	struct xdpdk_xsk_desc d[64];
	struct xdpdk_xsk *x;
	struct pcap_pkts in;
	uint32_t a, k = 0, fd, got = 0, done = 0;
	uint64_t end;
	struct t t;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_dp_poll_default(), 0);
	xo.ifindex = a;
	x = xdpdk_xsk_create(&xo);
	assert_non_null(x);
	fd = xdpdk_xsk_fd(x);
	/* Only sockets the dataplane knows can be stored (the kernel: EBADF). */
	k = 1;
	assert_int_equal(xdpdk_map_update(map(&t, "xsks"), &k, &(uint32_t){ 99 }, BPF_ANY),
			 -EBADF);
	k = 0;
	assert_int_equal(xdpdk_map_update(map(&t, "xsks"), &k, &fd, BPF_ANY), 0);
	attach(&t, a, "xdp_to_xsk");
	assert_int_equal(xdpdk_dp_start(), 0);
	end = rte_get_tsc_cycles() + 20 * rte_get_tsc_hz();
	while ((got < in.n || done < in.n) && rte_get_tsc_cycles() < end) {
		const uint32_t n = xdpdk_xsk_recv(x, d, 64);

		for (uint32_t i = 0; i < n; i++) {
			uint8_t mac[6];

			assert_int_equal(d[i].len, in.p[got + i].len);
			assert_memory_equal(d[i].data, in.p[got + i].data, d[i].len);
			memcpy(mac, d[i].data, 6);
			memmove(d[i].data, d[i].data + 6, 6);
			memcpy(d[i].data + 6, mac, 6);
		}
		assert_int_equal(xdpdk_xsk_send(x, d, n), n);
		got += n;
		done += xdpdk_xsk_complete(x);
		if (n == 0)
			usleep(1000);
	}
	xdpdk_dp_stop();
	assert_int_equal(got, in.n);
	assert_int_equal(done, in.n);
	assert_int_equal(xdpdk_xsk_rx_dropped(x), 0);
	xdpdk_xsk_free(x);
	tdown(&t);
	for (uint32_t i = 0; i < in.n; i++) {
		uint8_t mac[6];

		memcpy(mac, in.p[i].data, 6);
		memcpy(in.p[i].data, in.p[i].data + 6, 6);
		memcpy(in.p[i].data + 6, mac, 6);
	}
	assert_out(&t, 0, &in);
	cleanup_dir(&t);
	free(in.p);
}

/* ---- maps, bad input ---------------------------------------------------- */

static void
test_percpu_counter(void **state)
{
	struct pcap_pkts in;
	uint64_t vals[2] = { 0, 0 };
	struct t t;
	uint32_t a, k = 0;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_count");
	run(&t, a, NULL, NULL);
	assert_int_equal(xdpdk_map_value_buf_size(map(&t, "hits")), 8);
	assert_int_equal(xdpdk_map_lookup(map(&t, "hits"), &k, vals, 0), 0);
	assert_int_equal(vals[0], in.n);
	tdown(&t);
	cleanup_dir(&t);
	free(in.p);
}

static void
test_bad_action(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	attach(&t, a, "xdp_bad_action");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.action_packets[XDPDK_DP_N_ACTIONS - 1], in.n);
	assert_int_equal(st.tx_packets, 0);
	{
		struct xdpdk_dp_trace_event ev[64];
		const int n = xdpdk_dp_trace_get(0, ev, 64);

		/* The ring keeps the last ones: the last packet was a bad verdict (7). */
		assert_true(n > 0);
		assert_int_equal(ev[n - 1].reason, XDPDK_DP_TRACE_BAD_ACTION);
		assert_int_equal(ev[n - 1].action, 7);
		assert_int_equal(ev[n - 1].ifindex, a);
	}
	tdown(&t);
	assert_out(&t, 0, &none);
	cleanup_dir(&t);
	free(in.p);
}

/* Redirect to a port that is down, and to an ifindex no port has: dropped, counted. */
static void
test_redirect_down_and_missing(void **state)
{
	struct xdpdk_dp_stats st;
	struct pcap_pkts in;
	struct t t;
	uint32_t a, b, k = 0, nope = 999;

	(void)state;
	read_valid_input(&in);
	tsetup(&t, 1);
	b = add_port(&t, false, 0);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_dp_port_set_up(b, false), 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &b, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_ifindex");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.redirect_down, in.n);
	tdown(&t);
	assert_out(&t, 0, &none);
	cleanup_dir(&t);

	tsetup(&t, 1);
	a = add_port(&t, true, 0);
	assert_int_equal(xdpdk_map_update(map(&t, "cfg"), &k, &nope, BPF_ANY), 0);
	attach(&t, a, "xdp_redirect_ifindex");
	run(&t, a, NULL, NULL);
	get_stats(a, &st);
	assert_int_equal(st.redirect_err, in.n);
	tdown(&t);
	cleanup_dir(&t);
	free(in.p);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_tx_macswap),
		cmocka_unit_test(test_pass_to_port),
		cmocka_unit_test(test_pass_to_tap),
		cmocka_unit_test(test_redirect_ifindex),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_chain_redirect),
		cmocka_unit_test(test_frags),
		cmocka_unit_test(test_tc_ingress),
		cmocka_unit_test(test_tc_egress),
		cmocka_unit_test(test_redirect_to_ring),
		cmocka_unit_test(test_redirect_devmap),
		cmocka_unit_test(test_redirect_devmap_missing),
		cmocka_unit_test(test_devmap_prog),
		cmocka_unit_test(test_broadcast_exclude_ingress),
		cmocka_unit_test(test_cpumap),
		cmocka_unit_test(test_xsk_deliver_and_reinject),
		cmocka_unit_test(test_percpu_counter),
		cmocka_unit_test(test_bad_action),
		cmocka_unit_test(test_redirect_down_and_missing),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s dp_entry.bpf.o\n", argv[0]);
		return 2;
	}
	entry_path = argv[1];
	return cmocka_run_group_tests_name("dataplane", tests, group_setup, group_teardown);
}
