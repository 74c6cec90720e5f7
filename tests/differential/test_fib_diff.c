/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_lookup and check_mtu, kernel against xdpdk, on the same routing setup:
 * this process moves into a network namespace of its own, builds interfaces
 * (veth), addresses, routes (unicast, via gateway, blackhole, unreachable,
 * prohibit, a second table) and neighbours there with ip(8), mirrors them
 * into an xdpdk table, and runs tests/progs/xdp_fib.bpf.o (XDP, and TC's
 * skb variants with bpf_clone_redirect) on requests that
 * reach every BPF_FIB_LKUP_RET_* code the kernel can give here, through
 * BPF_PROG_TEST_RUN and xdpdk's test run (interpreter and JIT). The whole
 * request struct as the program left it must be the same.
 *
 * The kernel adds routes of its own for each address (the connected subnet
 * in main; local and broadcast routes in table local): they are mirrored
 * here by hand. Not compared: BPF_FIB_LKUP_RET_UNSUPP_LWT (xdpdk has no
 * lightweight tunnels, so never returns it).
 *
 * Skips (77) when it cannot make a namespace (not root) or run ip(8).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

#include "kdiff.h"

#define MESON_SKIP 77
#define PKT_LEN 200

/* As tests/progs/xdp_fib.bpf.c. */
struct fib_req {
	uint32_t flags;
	uint32_t mtu_ifindex;
	int32_t mtu_len_diff;
	uint32_t mtu_len;
	struct bpf_fib_lookup p;
	int64_t rc_fib;
	int64_t rc_short;
	int64_t rc_mtu;
	int64_t rc_mtu_segs;
};

/* As tc_fib_req in tests/progs/xdp_fib.bpf.c: TC's request, on EtherType 0x88b5. */
struct tc_fib_req {
	struct fib_req r;
	int64_t rc_clone;
	int64_t rc_clone_ingress;
};

static const char *const setup_cmds[] = {
	"ip link set lo up",
	"ip link add v1 type veth peer name v1p",
	"ip link add v2 type veth peer name v2p",
	"ip link add v3 type veth peer name v3p",
	"ip link set v2 mtu 1400",
	"for d in v1 v1p v2 v2p v3 v3p; do ip link set $d up || exit 1; done",
	"ip addr add 10.0.0.1/24 dev v1",
	"ip addr add 192.0.2.1/24 dev v2",
	"ip -6 addr add 2001:db8:2::1/64 dev v2 nodad",
	"sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1",
	"sysctl -qw net.ipv4.conf.v3.forwarding=0 net.ipv6.conf.v3.forwarding=0",
	"ip route add 10.1.0.0/16 via 192.0.2.254 dev v2 metric 7",
	"ip route add 10.2.0.0/16 dev v2",
	"ip route add blackhole 10.3.0.0/16",
	"ip route add unreachable 10.4.0.0/16",
	"ip route add prohibit 10.5.0.0/16",
	"ip route add 10.7.0.0/16 dev v2",
	"ip route add 10.8.0.0/24 dev v1",
	"ip route add 10.8.0.0/16 dev v2",
	"ip route add 10.1.0.0/16 via 10.0.0.254 dev v1 metric 3 table 100",
	"ip -6 route add 2001:db8:1::/48 via 2001:db8:2::fe dev v2",
	"ip -6 route add prohibit 2001:db8:3::/48",
	"ip neigh add 192.0.2.254 lladdr aa:01:02:03:04:05 dev v2 nud permanent",
	"ip neigh add 10.2.0.9 lladdr bb:01:02:03:04:05 dev v2 nud permanent",
	"ip neigh add 10.0.0.254 lladdr dd:01:02:03:04:05 dev v1 nud permanent",
	"ip neigh add 10.8.0.5 lladdr dd:01:02:03:04:06 dev v1 nud permanent",
	"ip neigh add 10.8.0.5 lladdr bb:01:02:03:04:06 dev v2 nud permanent",
	"ip -6 neigh add 2001:db8:2::fe lladdr cc:01:02:03:04:05 dev v2 nud permanent",
};

static unsigned passed, failed;

static int
addr(int family, const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	return inet_pton(family, s, out) == 1 ? 0 : -1;
}

static int
route(struct xdpdk_fib *fib, uint32_t table, int family, const char *dst, uint8_t depth,
      enum xdpdk_fib_route_type type, const char *gw, const char *dev, uint32_t metric,
      const char *prefsrc)
{
	struct xdpdk_fib_route r = { .family = family, .depth = depth, .table = table,
				     .type = type, .metric = metric };

	addr(family, dst, r.dst);
	if (dev != NULL)
		r.ifindex = if_nametoindex(dev);
	if (gw != NULL) {
		r.gw_family = family;
		addr(family, gw, r.gw);
	}
	if (prefsrc != NULL)
		addr(family, prefsrc, r.prefsrc);
	return xdpdk_fib_route_add(fib, &r);
}

static int
neigh(struct xdpdk_fib *fib, const char *dev, int family, const char *ip, const char *mac)
{
	uint8_t a[16], m[6];

	addr(family, ip, a);
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6)
		return -EINVAL;
	return xdpdk_fib_neigh_add(fib, if_nametoindex(dev), family, a, m);
}

static int
read_flag(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* An interface as the kernel has it: MTU and MAC by ioctl, forwarding from /proc. */
static int
mirror_if(struct xdpdk_fib *fib, const char *dev, const char *a4, const char *a6)
{
	struct xdpdk_fib_if c = { 0 };
	struct ifreq ifr = { 0 };
	char path[128];
	int s = socket(AF_INET, SOCK_DGRAM, 0), rc = -1;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0) {
		c.mtu = (uint32_t)ifr.ifr_mtu;
		if (ioctl(s, SIOCGIFHWADDR, &ifr) == 0) {
			memcpy(c.mac, ifr.ifr_hwaddr.sa_data, 6);
			rc = 0;
		}
	}
	if (s >= 0)
		close(s);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", dev);
	c.forwarding = read_flag(path);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", dev);
	c.forwarding6 = read_flag(path);
	if (a4 != NULL)
		addr(AF_INET, a4, c.addr4);
	if (a6 != NULL)
		addr(AF_INET6, a6, c.addr6);
	return xdpdk_fib_if_set(fib, if_nametoindex(dev), &c);
}

/* The setup_cmds state, and the routes the kernel adds by itself, in xdpdk's table. */
static int
mirror(struct xdpdk_fib *fib)
{
	const enum xdpdk_fib_route_type U = XDPDK_FIB_ROUTE_UNICAST, L = XDPDK_FIB_ROUTE_LOCAL;
	int rc = 0;

	rc |= mirror_if(fib, "lo", NULL, NULL);
	rc |= mirror_if(fib, "v1", "10.0.0.1", NULL);
	rc |= mirror_if(fib, "v2", "192.0.2.1", "2001:db8:2::1");
	rc |= mirror_if(fib, "v3", NULL, NULL);
	/* The kernel's own: connected subnets, local and broadcast addresses. */
	rc |= route(fib, 0, AF_INET, "10.0.0.0", 24, U, NULL, "v1", 0, "10.0.0.1");
	rc |= route(fib, 0, AF_INET, "192.0.2.0", 24, U, NULL, "v2", 0, "192.0.2.1");
	rc |= route(fib, 255, AF_INET, "127.0.0.0", 8, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 255, AF_INET, "10.0.0.1", 32, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 255, AF_INET, "10.0.0.255", 32, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 255, AF_INET, "192.0.2.1", 32, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 255, AF_INET, "192.0.2.255", 32, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 0, AF_INET6, "2001:db8:2::", 64, U, NULL, "v2", 256, NULL);
	rc |= route(fib, 255, AF_INET6, "2001:db8:2::1", 128, L, NULL, NULL, 0, NULL);
	rc |= route(fib, 255, AF_INET6, "::1", 128, L, NULL, NULL, 0, NULL);
	/* setup_cmds */
	rc |= route(fib, 0, AF_INET, "10.1.0.0", 16, U, "192.0.2.254", "v2", 7, NULL);
	rc |= route(fib, 0, AF_INET, "10.2.0.0", 16, U, NULL, "v2", 0, NULL);
	rc |= route(fib, 0, AF_INET, "10.3.0.0", 16, XDPDK_FIB_ROUTE_BLACKHOLE, NULL, NULL, 0,
		    NULL);
	rc |= route(fib, 0, AF_INET, "10.4.0.0", 16, XDPDK_FIB_ROUTE_UNREACHABLE, NULL, NULL, 0,
		    NULL);
	rc |= route(fib, 0, AF_INET, "10.5.0.0", 16, XDPDK_FIB_ROUTE_PROHIBIT, NULL, NULL, 0,
		    NULL);
	rc |= route(fib, 0, AF_INET, "10.7.0.0", 16, U, NULL, "v2", 0, NULL);
	rc |= route(fib, 0, AF_INET, "10.8.0.0", 24, U, NULL, "v1", 0, NULL);
	rc |= route(fib, 0, AF_INET, "10.8.0.0", 16, U, NULL, "v2", 0, NULL);
	rc |= route(fib, 100, AF_INET, "10.1.0.0", 16, U, "10.0.0.254", "v1", 3, NULL);
	rc |= route(fib, 0, AF_INET6, "2001:db8:1::", 48, U, "2001:db8:2::fe", "v2", 1024, NULL);
	rc |= route(fib, 0, AF_INET6, "2001:db8:3::", 48, XDPDK_FIB_ROUTE_PROHIBIT, NULL, NULL,
		    1024, NULL);
	rc |= neigh(fib, "v2", AF_INET, "192.0.2.254", "aa:01:02:03:04:05");
	rc |= neigh(fib, "v2", AF_INET, "10.2.0.9", "bb:01:02:03:04:05");
	rc |= neigh(fib, "v1", AF_INET, "10.0.0.254", "dd:01:02:03:04:05");
	rc |= neigh(fib, "v1", AF_INET, "10.8.0.5", "dd:01:02:03:04:06");
	rc |= neigh(fib, "v2", AF_INET, "10.8.0.5", "bb:01:02:03:04:06");
	rc |= neigh(fib, "v2", AF_INET6, "2001:db8:2::fe", "cc:01:02:03:04:05");
	return rc;
}

struct req_spec {
	const char *what;
	int family;
	const char *in;		/* input device name, or NULL for ifindex 999 */
	const char *dst;
	uint32_t flags;
	uint16_t tot_len;
	uint32_t tbid;
	const char *mtu_dev;	/* check_mtu's device; NULL: 0 (ingress, lo) */
	uint32_t mtu_len;
	int32_t mtu_len_diff;
};

static const struct req_spec reqs[] = {
	{ "v4 via gateway", AF_INET, "v1", "10.1.2.3", 0, 100, 0, NULL, 0, 0 },
	{ "v4 connected", AF_INET, "v1", "10.2.0.9", 0, 0, 0, "v2", 1400, 0 },
	{ "v4 blackhole", AF_INET, "v1", "10.3.0.1", 0, 0, 0, "v2", 1401, 0 },
	{ "v4 unreachable", AF_INET, "v1", "10.4.0.1", 0, 0, 0, "v2", 1401, -1 },
	{ "v4 prohibit", AF_INET, "v1", "10.5.0.1", 0, 0, 0, NULL, 0, 65536 },
	{ "v4 local address", AF_INET, "v1", "10.0.0.1", 0, 0, 0, NULL, 0, 65351 },
	{ "v4 broadcast", AF_INET, "v1", "10.0.0.255", 0, 0, 0, NULL, 0, 0 },
	{ "v4 no route", AF_INET, "v1", "172.16.0.1", 0, 0, 0, NULL, 0, 0 },
	{ "v4 forwarding off", AF_INET, "v3", "10.1.2.3", 0, 0, 0, "v3", 0, 0 },
	{ "v4 no neighbour", AF_INET, "v1", "10.7.0.1", 0, 0, 0, NULL, 0, 0 },
	{ "v4 connected, no neighbour", AF_INET, "v2", "10.0.0.77", 0, 0, 0, NULL, 0, 0 },
	{ "v4 frag needed", AF_INET, "v1", "10.1.2.3", 0, 1401, 0, NULL, 0, 0 },
	{ "v4 mtu exactly", AF_INET, "v1", "10.1.2.3", 0, 1400, 0, NULL, 0, 0 },
	{ "v4 direct", AF_INET, "v1", "10.1.2.3", BPF_FIB_LOOKUP_DIRECT, 0, 0, NULL, 0, 0 },
	{ "v4 tbid 100", AF_INET, "v1", "10.1.2.3",
	  BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID, 0, 100, NULL, 0, 0 },
	{ "v4 tbid missing", AF_INET, "v1", "10.1.2.3",
	  BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID, 0, 77, NULL, 0, 0 },
	{ "v4 skip neigh", AF_INET, "v1", "10.7.0.1", BPF_FIB_LOOKUP_SKIP_NEIGH, 0, 0, NULL, 0,
	  0 },
	{ "v4 src", AF_INET, "v1", "10.1.2.3", BPF_FIB_LOOKUP_SRC, 0, 0, NULL, 0, 0 },
	{ "v4 src prefsrc", AF_INET, "v2", "10.0.0.77",
	  BPF_FIB_LOOKUP_SRC | BPF_FIB_LOOKUP_SKIP_NEIGH, 0, 0, NULL, 0, 0 },
	{ "v4 input /24", AF_INET, "v2", "10.8.0.5", 0, 0, 0, NULL, 0, 0 },
	{ "v4 output skips /24", AF_INET, "v2", "10.8.0.5", BPF_FIB_LOOKUP_OUTPUT, 0, 0, NULL,
	  0, 0 },
	{ "v4 output v3: forwarding off", AF_INET, "v3", "10.8.0.5", BPF_FIB_LOOKUP_OUTPUT, 0,
	  0, NULL, 0, 0 },
	{ "v4 output lo: no route", AF_INET, "lo", "10.8.0.5", BPF_FIB_LOOKUP_OUTPUT, 0, 0,
	  NULL, 0, 0 },
	{ "v4 output blackhole", AF_INET, "v2", "10.3.0.1", BPF_FIB_LOOKUP_OUTPUT, 0, 0, NULL, 0,
	  0 },
	{ "unknown device", AF_INET, NULL, "10.1.2.3", 0, 0, 0, NULL, 0, 0 },
	{ "unknown flag", AF_INET, "v1", "10.1.2.3", 1u << 7, 0, 0, NULL, 0, 0 },
	{ "bad family", 3, "v1", "10.1.2.3", 0, 0, 0, NULL, 0, 0 },
	{ "v6 via gateway", AF_INET6, "v1", "2001:db8:1::42", 0, 100, 0, NULL, 0, 0 },
	{ "v6 prohibit", AF_INET6, "v1", "2001:db8:3::1", 0, 0, 0, NULL, 0, 0 },
	{ "v6 link-local", AF_INET6, "v1", "fe80::1", 0, 0, 0, NULL, 0, 0 },
	{ "v6 connected, no neighbour", AF_INET6, "v1", "2001:db8:2::9", 0, 0, 0, NULL, 0, 0 },
	{ "v6 local address", AF_INET6, "v1", "2001:db8:2::1", 0, 0, 0, NULL, 0, 0 },
	{ "v6 no route", AF_INET6, "v1", "2001:db8:99::1", 0, 0, 0, NULL, 0, 0 },
	{ "v6 frag needed", AF_INET6, "v1", "2001:db8:1::42", 0, 1401, 0, NULL, 0, 0 },
	{ "v6 forwarding off", AF_INET6, "v3", "2001:db8:1::42", 0, 0, 0, NULL, 0, 0 },
	{ "v6 src", AF_INET6, "v1", "2001:db8:1::42", BPF_FIB_LOOKUP_SRC, 0, 0, NULL, 0, 0 },
	{ "v6 skip neigh", AF_INET6, "v1", "2001:db8:2::9", BPF_FIB_LOOKUP_SKIP_NEIGH, 0, 0,
	  NULL, 0, 0 },
};

static void
make_req(const struct req_spec *s, struct fib_req *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = s->flags;
	r->p.family = (uint8_t)s->family;
	r->p.ifindex = s->in ? if_nametoindex(s->in) : 999;
	r->p.tot_len = s->tot_len;
	if (s->family == AF_INET6) {
		addr(AF_INET6, s->dst, (uint8_t *)r->p.ipv6_dst);
		addr(AF_INET6, "2001:db8:7::1", (uint8_t *)r->p.ipv6_src);
	} else {
		addr(AF_INET, s->dst, (uint8_t *)&r->p.ipv4_dst);
		addr(AF_INET, "10.0.0.9", (uint8_t *)&r->p.ipv4_src);
	}
	if (s->tbid)
		r->p.tbid = s->tbid;
	r->mtu_ifindex = s->mtu_dev ? if_nametoindex(s->mtu_dev) : 0;
	r->mtu_len = s->mtu_len;
	r->mtu_len_diff = s->mtu_len_diff;
}

/* A request of @p size bytes after an Ethernet header of @p ethertype. */
static void
pkt_of(uint8_t *pkt, const void *r, size_t size, uint16_t ethertype)
{
	memset(pkt, 0, PKT_LEN);
	pkt[12] = (uint8_t)(ethertype >> 8);
	pkt[13] = (uint8_t)ethertype;
	memcpy(pkt + 14, r, size);
}

/*
 * Test-run @p in (behind an Ethernet header of @p ethertype) on xdpdk's @p prog,
 * or on the kernel's @p fd when @p prog is NULL (cli/kdiff.c's runner), and
 * copy the request back into @p out. @return 0 or -errno.
 */
static int
run(int fd, const struct xdpdk_prog *prog, const void *in, void *out, size_t size,
    uint16_t ethertype, uint32_t *retval)
{
	static struct cli_kdiff_outcome o;
	uint8_t pkt[PKT_LEN];

	pkt_of(pkt, in, size, ethertype);
	if (prog)
		cli_kdiff_run_xdpdk(prog, pkt, PKT_LEN, &o);
	else
		cli_kdiff_run_kernel(fd, pkt, PKT_LEN, &o);
	if (o.err)
		return -o.err;
	*retval = o.retval;
	memcpy(out, o.data + 14, size);
	return 0;
}

/* Compare @p size bytes of requests (a struct fib_req first). */
static void
report(const char *engine, const struct req_spec *s, const struct fib_req *k,
       const struct fib_req *x, size_t size)
{
	const uint8_t *a = (const void *)k, *b = (const void *)x;

	if (memcmp(k, x, size) == 0) {
		passed++;
		return;
	}
	failed++;
	printf("DIFF %s %s: fib kernel %lld xdpdk %lld; mtu kernel %lld/%u xdpdk %lld/%u\n",
	       engine, s->what, (long long)k->rc_fib, (long long)x->rc_fib, (long long)k->rc_mtu,
	       k->mtu_len, (long long)x->rc_mtu, x->mtu_len);
	for (size_t i = 0; i < size; i++)
		if (a[i] != b[i]) {
			printf("  first byte differing: %zu (kernel 0x%02x xdpdk 0x%02x)\n", i,
			       a[i], b[i]);
			break;
		}
}

int
main(int argc, char **argv)
{
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
	char log[2048] = "";
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_loaded *lo[2] = { NULL, NULL };
	struct bpf_object *kobj;
	struct xdpdk_obj *xobj;
	struct xdpdk_fib *fib;
	int kfd, tkfd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s xdp_fib.bpf.o\n", argv[0]);
		return 2;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: cannot make a network namespace (%s): needs root\n", strerror(errno));
		printf("0 passed, 0 failed, 1 skipped\n");
		return MESON_SKIP;
	}
	for (size_t i = 0; i < sizeof(setup_cmds) / sizeof(setup_cmds[0]); i++)
		if (system(setup_cmds[i]) != 0) {
			printf("SKIP: '%s' failed in the namespace\n", setup_cmds[i]);
			printf("0 passed, 0 failed, 1 skipped\n");
			return MESON_SKIP;
		}
	libbpf_set_print(NULL);
	kobj = bpf_object__open_file(argv[1], NULL);
	if (kobj == NULL || bpf_object__load(kobj) != 0) {
		printf("SKIP: the kernel does not load %s\n", argv[1]);
		printf("0 passed, 0 failed, 1 skipped\n");
		return MESON_SKIP;
	}
	kfd = bpf_program__fd(bpf_object__find_program_by_name(kobj, "xdp_fib_req"));
	tkfd = bpf_program__fd(bpf_object__find_program_by_name(kobj, "tc_fib_req"));
	if (xdpdk_eal_init_tool("test_fib_diff", 0, NULL) != 0)
		return 1;
	fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = 256, .max_neigh = 256,
							 .num_tbl8 = 256 }); /* IPv6 /128: 13 each */
	if (fib == NULL || mirror(fib) != 0) {
		printf("FAIL: cannot mirror the namespace's setup into xdpdk's table\n");
		return 1;
	}
	xdpdk_fib_set_current(fib);
	xobj = xdpdk_obj_open(argv[1], &oo);
	for (size_t e = 0; e < 2 && xobj != NULL; e++) {
		struct xdpdk_load_opts o = { .engine = engines[e], .helpers = xdpdk_helpers_resolve,
					     .log_buf = log, .log_size = sizeof(log) };

		lo[e] = xdpdk_obj_load(xobj, &o);
	}
	if (lo[0] == NULL || lo[1] == NULL) {
		printf("FAIL: xdpdk does not load %s: %s\n", argv[1], log);
		return 1;
	}
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct fib_req in, k, x;
		struct tc_fib_req tin = { 0 }, tk, tx;
		uint32_t kret = 0, xret = 0;

		make_req(&reqs[i], &in);
		if (run(kfd, NULL, &in, &k, sizeof(in), 0x0800, &kret) != 0 || kret != XDP_PASS) {
			printf("FAIL %s: kernel test run failed\n", reqs[i].what);
			failed++;
			continue;
		}
		printf("%-28s kernel: fib %lld mtu %lld\n", reqs[i].what, (long long)k.rc_fib,
		       (long long)k.rc_mtu);
		for (size_t e = 0; e < 2; e++) {
			if (run(-1, xdpdk_loaded_prog_find(lo[e], "xdp_fib_req"), &in, &x,
				sizeof(in), 0x0800, &xret) != 0 || xret != XDP_PASS) {
				printf("FAIL %s: xdpdk test run failed\n", reqs[i].what);
				failed++;
				continue;
			}
			report(xdpdk_engine_name(engines[e]), &reqs[i], &k, &x, sizeof(k));
		}
		/* TC: the skb variants, and clone_redirect to the check_mtu device */
		tin.r = in;
		if (run(tkfd, NULL, &tin, &tk, sizeof(tin), 0x88b5, &kret) != 0 || kret != 0) {
			printf("FAIL %s: kernel TC test run failed\n", reqs[i].what);
			failed++;
			continue;
		}
		printf("%-28s kernel TC: fib %lld mtu %lld clone %lld/%lld\n", reqs[i].what,
		       (long long)tk.r.rc_fib, (long long)tk.r.rc_mtu, (long long)tk.rc_clone,
		       (long long)tk.rc_clone_ingress);
		for (size_t e = 0; e < 2; e++) {
			if (run(-1, xdpdk_loaded_prog_find(lo[e], "tc_fib_req"), &tin, &tx,
				sizeof(tin), 0x88b5, &xret) != 0 || xret != 0) {
				printf("FAIL %s: xdpdk TC test run failed\n", reqs[i].what);
				failed++;
				continue;
			}
			report(xdpdk_engine_name(engines[e]), &reqs[i], &tk.r, &tx.r, sizeof(tk));
			xdpdk_tc_clones_take(NULL, 0);
		}
	}
	printf("%u passed, %u failed, 0 skipped\n", passed, failed);
	xdpdk_fib_set_current(NULL);
	for (size_t e = 0; e < 2; e++)
		xdpdk_loaded_free(lo[e]);
	xdpdk_obj_close(xobj);
	xdpdk_fib_free(fib);
	bpf_object__close(kobj);
	xdpdk_eal_cleanup_tool();
	return failed ? 1 : 0;
}
