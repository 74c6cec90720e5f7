/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic BPF → eBPF (bpf/cbpf.c), differentially: tcpdump expressions
 * compiled by libpcap run over every packet of the committed pcaps, by
 * libpcap's own bpf_filter() (pcap_offline_filter) and by the translation on
 * xdpdk's interpreter and JIT; the return values must be equal. Also
 * hand-written classic programs for what libpcap's optimiser rarely emits
 * (division and shift by X, scratch memory, out-of-bounds loads), and the
 * refusals.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define bpf_insn cbpf_insn /* libpcap's classic struct clashes with linux/bpf.h */
#include <pcap/pcap.h>
#undef bpf_insn

#include <linux/filter.h>

#include <xdpdk/bpf.h>
#include <xdpdk/cbpf.h>

#define MAX_PKTS 2048

struct pkt {
	struct pcap_pkthdr h;
	uint8_t *data;
};

static struct pkt pkts[MAX_PKTS];
static unsigned n_pkts;

static int
load_pcaps(void **state)
{
	const char *dir = getenv("XDPDK_PCAPS_DIR");
	char path[1024], err[PCAP_ERRBUF_SIZE];
	struct dirent *e;
	DIR *d;

	(void)state;
	d = opendir(dir != NULL ? dir : "pcaps");
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && n_pkts < MAX_PKTS) {
		const size_t l = strlen(e->d_name);
		const struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *p;

		if (l < 5 || strcmp(e->d_name + l - 5, ".pcap") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : "pcaps", e->d_name);
		p = pcap_open_offline(path, err);
		if (p == NULL)
			continue; /* the deliberately broken ones */
		if (pcap_datalink(p) == DLT_EN10MB)
			while (n_pkts < MAX_PKTS && pcap_next_ex(p, (struct pcap_pkthdr **)&h, &data) == 1) {
				pkts[n_pkts].h = *h;
				pkts[n_pkts].data = malloc(h->caplen);
				memcpy(pkts[n_pkts].data, data, h->caplen);
				n_pkts++;
			}
		pcap_close(p);
	}
	closedir(d);
	return n_pkts > 100 ? 0 : -1;
}

static int
free_pcaps(void **state)
{
	(void)state;
	for (unsigned i = 0; i < n_pkts; i++)
		free(pkts[i].data);
	return 0;
}

static struct xdpdk_prog *
make_prog(const struct sock_filter *f, uint32_t n, enum xdpdk_engine engine)
{
	struct bpf_insn *insns;
	uint32_t n_insns;
	char err[256] = "";
	struct xdpdk_prog_opts o = { .name = "cbpf", .type = XDPDK_PROG_TYPE_RAW, .engine = engine,
				     .no_verify = true };
	struct xdpdk_prog *prog;

	if (xdpdk_cbpf_to_ebpf(f, n, &insns, &n_insns, err, sizeof(err)) != 0)
		fail_msg("translation refused: %s", err);
	prog = xdpdk_prog_create(insns, n_insns, &o);
	free(insns);
	assert_non_null(prog);
	assert_int_equal(xdpdk_prog_engine(prog), engine);
	return prog;
}

/* Every packet: libpcap's answer equals both engines'. Returns how many matched. */
static unsigned
compare(const char *what, const struct sock_filter *f, uint32_t n)
{
	struct xdpdk_prog *interp = make_prog(f, n, XDPDK_ENGINE_INTERP);
	struct xdpdk_prog *jit = make_prog(f, n, XDPDK_ENGINE_JIT);
	struct bpf_program bp = { .bf_len = n, .bf_insns = (struct cbpf_insn *)f };
	unsigned matched = 0;

	for (unsigned i = 0; i < n_pkts; i++) {
		const uint32_t want = (uint32_t)pcap_offline_filter(&bp, &pkts[i].h, pkts[i].data);
		const uint32_t a = (uint32_t)xdpdk_prog_run(interp, pkts[i].data, pkts[i].h.caplen);
		const uint32_t b = (uint32_t)xdpdk_prog_run(jit, pkts[i].data, pkts[i].h.caplen);

		if (a != want || b != want)
			fail_msg("'%s', packet %u (%u bytes): libpcap %u, interpreter %u, JIT %u",
				 what, i, pkts[i].h.caplen, want, a, b);
		matched += want != 0;
	}
	xdpdk_prog_free(interp);
	xdpdk_prog_free(jit);
	return matched;
}

static void
test_cbpf_tcpdump_expressions(void **state)
{
	static const char *const exprs[] = {
		"", "tcp", "udp", "icmp", "ip", "ip6", "arp", "vlan", "vlan and udp", "vlan 100",
		"tcp port 80", "udp dst port 53", "port 443 or port 80", "host 10.0.0.1",
		"net 10.0.0.0/8", "src net 192.168.0.0/16", "dst host 10.0.0.2 and tcp",
		"ip6 and tcp", "ip6 host fd00::1", "icmp6", "ip6 proto 58",
		"tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
		"ip[8] < 64", "len > 100", "less 64", "greater 1000", "ip[6:2] & 0x1fff != 0",
		"ether host 02:00:00:00:00:01", "ether broadcast", "ether multicast",
		"portrange 1000-2000", "udp[8:2] = 0x1234", "ip and (tcp or udp) and not port 22",
		"proto 47", "ip proto 4", "ip[2:2] / 4 > 10", "ip[2:2] % 7 = 3",
		"(ip[0] & 0xf) << 2 > 20", "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420",
		"ip[2:2] - (ip[0] & 0xf) * 4 > 100", "ip[2:2] > (ip[0] & 0xf) * 4 + 8",
		"udp[4:2] >> (ip[0] & 3) > 10", "ip[1] ^ 0xff = 0xff", "ip[0] | 0x0f = 0x4f",
		"not ip and not ip6", "ip multicast", "ip6 multicast", "ether proto 0x88cc",
		"ip[9] == 17 && udp[0:2] > 1023",
	};
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	unsigned total = 0;

	(void)state;
	assert_non_null(dead);
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		struct bpf_program bp;

		if (pcap_compile(dead, &bp, exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0)
			fail_msg("libpcap cannot compile '%s': %s", exprs[e], pcap_geterr(dead));
		total += compare(exprs[e], (const struct sock_filter *)bp.bf_insns, bp.bf_len);
		pcap_freecode(&bp);
	}
	printf("%zu expressions x %u packets: equal on both engines (%u accepts)\n",
	       sizeof(exprs) / sizeof(exprs[0]), n_pkts, total);
	assert_true(total > 500);
	pcap_close(dead);
}

/* What libpcap's compiler rarely writes: X arithmetic, scratch memory, bad bounds. */
static void
test_cbpf_hand_written(void **state)
{
	const struct sock_filter div_x[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),	/* X = protocol (0 for some) */
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14),	/* A = first IP byte */
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter mod_shift_x[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 15),	/* shift amounts of 32+ too */
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
		BPF_STMT(BPF_STX, 15),
		BPF_STMT(BPF_LDX | BPF_MEM, 15),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_LDX | BPF_MSH | BPF_B, 16),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 7),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const struct sock_filter ind_far[] = {
		BPF_STMT(BPF_LDX | BPF_MSH | BPF_B, 14),	/* X = IP header length */
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, 14),	/* the L4 header's first word */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 0, 2),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0xfffffff0), /* X + k wraps: rejected */
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40000),	/* past every packet here */
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
	};

	(void)state;
	compare("div_x", div_x, sizeof(div_x) / sizeof(div_x[0]));
	compare("mod_shift_x", mod_shift_x, sizeof(mod_shift_x) / sizeof(mod_shift_x[0]));
	compare("ind_far", ind_far, sizeof(ind_far) / sizeof(ind_far[0]));
}

static void
expect_refused(const struct sock_filter *f, uint32_t n, int rc, const char *msg)
{
	struct bpf_insn *out = NULL;
	uint32_t n_out;
	char err[256] = "";

	assert_int_equal(xdpdk_cbpf_to_ebpf(f, n, &out, &n_out, err, sizeof(err)), rc);
	assert_null(out);
	if (strstr(err, msg) == NULL)
		fail_msg("message '%s' has no '%s'", err, msg);
}

static void
test_cbpf_refusals(void **state)
{
	const struct sock_filter no_ret[] = { BPF_STMT(BPF_LD | BPF_IMM, 1) };
	const struct sock_filter div0[] = { BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
					    BPF_STMT(BPF_RET | BPF_A, 0) };
	const struct sock_filter far_jump[] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
						BPF_STMT(BPF_RET | BPF_A, 0) };
	const struct sock_filter mem16[] = { BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0) };
	const struct sock_filter ext[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + 4),
					   BPF_STMT(BPF_RET | BPF_A, 0) };
	const struct sock_filter ret_x[] = { BPF_STMT(BPF_RET | BPF_X, 0) };
	const struct sock_filter shift[] = { BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
					     BPF_STMT(BPF_RET | BPF_A, 0) };

	(void)state;
	expect_refused(no_ret, 1, -EINVAL, "instruction 0: the program must end with a return");
	expect_refused(div0, 2, -EINVAL, "instruction 0: division by zero");
	expect_refused(far_jump, 2, -EINVAL, "instruction 0: jump out of the program");
	expect_refused(mem16, 2, -EINVAL, "scratch memory index out of range");
	expect_refused(ext, 2, -ENOTSUP, "Linux BPF extensions");
	expect_refused(shift, 2, -EINVAL, "shift by 32 or more");
	expect_refused(no_ret, 0, -EINVAL, "1..4096 instructions");
	expect_refused(ret_x, 1, -EINVAL, "unknown return");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cbpf_tcpdump_expressions),
		cmocka_unit_test(test_cbpf_hand_written),
		cmocka_unit_test(test_cbpf_refusals),
	};

	return cmocka_run_group_tests(tests, load_pcaps, free_pcaps);
}
