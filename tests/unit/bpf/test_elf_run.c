/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF loader tests, end to end: programs of tests/progs, relocated by the
 * loader (subprograms, global data, kconfig, CO-RE), checked, their context
 * rewritten and run on the interpreter; results compared with C references.
 */
#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>

#include "elf_test.h"

/* ---- End to end: relocated programs run on the interpreter ---- */

/* A packet in a buffer with XDP headroom, as the dataplane hands it over. */
struct xdp_buf {
	uint8_t mem[XDPDK_XDP_HEADROOM + 256];
	struct xdpdk_xdp_ctx ctx;
};

static void
xdp_buf_init(struct xdp_buf *b, const uint8_t *pkt, size_t len)
{
	uint8_t *data = b->mem + XDPDK_XDP_HEADROOM;

	assert_true(len <= sizeof(b->mem) - XDPDK_XDP_HEADROOM);
	memset(b->mem, 0, sizeof(b->mem));
	memcpy(data, pkt, len);
	b->ctx = (struct xdpdk_xdp_ctx){
	    .data = data,
	    .data_end = data + len,
	    .data_meta = data,
	    .data_hard_start = b->mem,
	    .data_hard_end = b->mem + sizeof(b->mem),
	    .ingress_ifindex = 7,
	    .rx_queue_index = 3,
	};
}

static struct xdpdk_prog *
create_prog(struct fixture *fx, const struct xdpdk_obj *obj, const char *name)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, name);
	struct xdpdk_prog_opts o = {
	    .name = name,
	    .engine = XDPDK_ENGINE_INTERP,
	    .no_verify = 1, /* maps are this test's own memory, unknown to the verifier */
	    .log_buf = fx->log,
	    .log_size = sizeof(fx->log),
	};
	struct xdpdk_prog *prog;
	const struct bpf_insn *insns;
	uint32_t n;

	assert_non_null(p);
	o.type = xdpdk_obj_prog_type(p);
	insns = xdpdk_obj_prog_insns(p, &n);
	prog = xdpdk_prog_create(insns, n, &o);
	if (prog == NULL)
		fail_msg("prog '%s': create failed (errno %d): %s", name, errno, fx->log);
	return prog;
}

static uint64_t
run_checked(const struct xdpdk_prog *prog, struct xdp_buf *b)
{
	struct xdpdk_run_result res;

	memset(&res, 0, sizeof(res));
	assert_int_equal(xdpdk_prog_run_checked(prog, &b->ctx, 0, &res), 0);
	if (res.fault != 0)
		fail_msg("fault at insn %u: %s", res.fault_pc, res.fault_msg);
	return res.retval;
}

static void
test_elf_run_macswap(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->macswap);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_macswap");
	uint8_t pkt[60];
	struct xdp_buf b;
	size_t i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	assert_memory_equal(b.ctx.data, pkt + 6, 6);
	assert_memory_equal(b.ctx.data + 6, pkt, 6);
	assert_memory_equal(b.ctx.data + 12, pkt + 12, sizeof(pkt) - 12);

	xdp_buf_init(&b, pkt, 13); /* runt */
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	assert_memory_equal(b.ctx.data, pkt, 13);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

static uint32_t
rol32(uint32_t x, unsigned k)
{
	return (x << k) | (x >> (32 - k));
}

/* mix3() of xdp_parse_hash.bpf.c, the reference. */
static uint32_t
ref_mix3(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b;
	c -= rol32(b, 14);
	a ^= c;
	a -= rol32(c, 11);
	b ^= a;
	b -= rol32(a, 25);
	c ^= b;
	c -= rol32(b, 16);
	a ^= c;
	a -= rol32(c, 4);
	b ^= a;
	b -= rol32(a, 14);
	c ^= b;
	c -= rol32(b, 24);
	return c;
}

static uint16_t
ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Ethernet + IPv4 (checksummed) + UDP 1234 → 5678. */
static size_t
build_ipv4_udp(uint8_t *pkt, uint8_t ihl)
{
	static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	static const uint8_t ip[20] = {0x45, 0, 0,  36, 0, 1, 0,  0, 64, 17,
				       0,    0, 10, 0,	0, 1, 10, 0, 0,	 2};
	static const uint8_t udp[8] = {0x04, 0xd2, 0x16, 0x2e, 0, 16, 0, 0};
	uint16_t c;

	memset(pkt, 0xab, 64);
	memcpy(pkt, eth, sizeof(eth));
	memcpy(pkt + 14, ip, sizeof(ip));
	pkt[14] = (uint8_t)(0x40 | ihl);
	c = ip_csum(pkt + 14, 20);
	pkt[24] = (uint8_t)(c >> 8);
	pkt[25] = (uint8_t)c;
	memcpy(pkt + 34, udp, sizeof(udp));
	return 64;
}

static void
test_elf_run_parse_hash(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->parse_hash);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_parse_hash");
	uint8_t pkt[64], out[64];
	struct xdp_buf b;
	uint32_t hash;
	size_t len;

	/* IPv4/UDP: bounced, hash in the new source MAC, TTL - 1, checksum valid. */
	len = build_ipv4_udp(pkt, 5);
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	memcpy(out, b.ctx.data, len);
	hash = ref_mix3(load32(pkt + 26) + 0xdeadbeef, load32(pkt + 30) + 17, load32(pkt + 34));
	assert_memory_equal(out, pkt + 6, 6);
	assert_memory_equal(out + 6, pkt, 2);
	assert_int_equal(out[8], hash >> 24);
	assert_int_equal(out[9], (hash >> 16) & 0xff);
	assert_int_equal(out[10], (hash >> 8) & 0xff);
	assert_int_equal(out[11], hash & 0xff);
	assert_int_equal(out[14 + 8], 63);
	assert_int_equal(ip_csum(out + 14, 20), 0);
	assert_memory_equal(out + 34, pkt + 34, len - 34);

	/* Malformed IPv4 (ihl 4): dropped, untouched. */
	len = build_ipv4_udp(pkt, 4);
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	assert_memory_equal(b.ctx.data, pkt, len);

	/* ARP: passed. */
	len = build_ipv4_udp(pkt, 5);
	pkt[12] = 0x08;
	pkt[13] = 0x06;
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_PASS);

	/* Truncated in the UDP header: dropped. */
	len = build_ipv4_udp(pkt, 5);
	xdp_buf_init(&b, pkt, 38);
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

/* mix() of multi_prog.bpf.c. */
static uint32_t
ref_mix(uint32_t a, uint32_t b)
{
	a ^= b;
	a -= rol32(b, 7);
	return a;
}

/* The subprograms are appended and called: the results match C. */
static void
test_elf_run_multi_prog(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->multi);
	struct xdpdk_prog *first = create_prog(fx, obj, "xdp_first");
	struct xdpdk_prog *second = create_prog(fx, obj, "xdp_second");
	uint8_t pkt[200] = {0};
	unsigned seen[4] = {0};
	struct xdp_buf b;
	uint32_t len, q;

	for (len = 14; len < sizeof(pkt); len++) {
		uint32_t want = (ref_mix(len, 0x9e3779b9) & 0xff) > 0x80 ? XDP_PASS : XDP_DROP;

		xdp_buf_init(&b, pkt, len);
		assert_int_equal(run_checked(first, &b), want);
		seen[want]++;
	}
	assert_true(seen[XDP_PASS] > 0 && seen[XDP_DROP] > 0);
	for (q = 0; q < 16; q++) {
		xdp_buf_init(&b, pkt, 60);
		b.ctx.rx_queue_index = q;
		assert_int_equal(run_checked(second, &b), (ref_mix(7, q) & 1) ? XDP_PASS : XDP_TX);
	}
	xdpdk_prog_free(first);
	xdpdk_prog_free(second);
	xdpdk_obj_close(obj);
}

static void
test_elf_run_ctx_fields(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->ctx_fields);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_ctx_fields");
	uint8_t pkt[60] = {0};
	struct xdp_buf b;

	xdp_buf_init(&b, pkt, sizeof(pkt));
	b.ctx.data_meta = b.ctx.data - 8;
	assert_int_equal(run_checked(prog, &b), XDP_PASS);
	assert_int_equal(load32(b.ctx.data), 7);
	assert_int_equal(load32(b.ctx.data + 4), 3);
	assert_int_equal(load32(b.ctx.data + 8), 8);

	/* Room for the first field only. */
	xdp_buf_init(&b, pkt, 6);
	assert_int_equal(run_checked(prog, &b), XDP_PASS);
	assert_int_equal(load32(b.ctx.data), 7);
	assert_int_equal(b.ctx.data[4], 0);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

/* Global data maps in memory, as the maps component will make them: resolve and run. */
struct data_maps {
	uint8_t *buf[8];
	void *value[8];
	uint32_t n;
};

static void
data_maps_init(struct data_maps *dm, const struct xdpdk_obj *obj)
{
	uint32_t i;

	memset(dm, 0, sizeof(*dm));
	dm->n = xdpdk_obj_map_count(obj);
	assert_true(dm->n <= 8);
	for (i = 0; i < dm->n; i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		uint32_t size = xdpdk_obj_map_def(m)->value_size;

		dm->buf[i] = malloc(size);
		assert_non_null(dm->buf[i]);
		memcpy(dm->buf[i], xdpdk_obj_map_data(m), size);
		dm->value[i] = dm->buf[i];
	}
}

static void
data_maps_free(struct data_maps *dm)
{
	uint32_t i;

	for (i = 0; i < dm->n; i++)
		free(dm->buf[i]);
}

/* A program of @p obj with its map references resolved to @p dm. */
static struct xdpdk_prog *
create_resolved(struct fixture *fx, const struct xdpdk_obj *obj, const char *name,
		const struct data_maps *dm)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, name);
	struct xdpdk_prog_opts o = {
	    .name = name,
	    .engine = XDPDK_ENGINE_INTERP,
	    .no_verify = 1, /* maps are this test's own memory, unknown to the verifier */
	    .log_buf = fx->log,
	    .log_size = sizeof(fx->log),
	};
	struct xdpdk_prog *prog;
	struct bpf_insn *insns;
	uint32_t n;

	assert_non_null(p);
	o.type = xdpdk_obj_prog_type(p);
	insns = malloc(sizeof(*insns) * 4096);
	assert_non_null(insns);
	xdpdk_obj_prog_insns(p, &n);
	assert_true(n <= 4096);
	memcpy(insns, xdpdk_obj_prog_insns(p, NULL), n * sizeof(*insns));
	assert_int_equal(
	    xdpdk_insns_resolve_maps(insns, n, NULL, dm->value, dm->n, fx->log, sizeof(fx->log)),
	    0);
	prog = xdpdk_prog_create(insns, n, &o);
	free(insns);
	if (prog == NULL)
		fail_msg("prog '%s': create failed (errno %d): %s", name, errno, fx->log);
	return prog;
}

static void
test_elf_run_global_data(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->data_all);
	uint32_t data = map_index(obj, ".data"), bss = map_index(obj, ".bss");
	const uint8_t *b0 = fx->data_all.buf;
	struct xdpdk_prog *prog, *tc;
	struct data_maps dm;
	uint8_t pkt[64] = {0};
	struct xdp_buf b;
	uint64_t zeroes1;

	data_maps_init(&dm, obj);
	prog = create_resolved(fx, obj, "xdp_globals", &dm);
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	/* bump(ro_pad[2] = 13): bss_word = 13, + table[1] = 15; times ro_mult 3. */
	assert_int_equal(load32(b.ctx.data), 45);
	assert_int_equal(load32(b.ctx.data + 4), 101);
	assert_int_equal(load32(b.ctx.data + 8), 3);
	assert_int_equal(load32(b.ctx.data + 12), 0xfeed + 0xc0ffee);
	assert_memory_equal(b.ctx.data + 16, "dk", 2); /* "xdpdk-str"[3..4], queue 3 */
	assert_int_equal(load32(b.ctx.data + 20), 41);
	/* The program wrote its maps: counter, hits (.data), bss_word, zeroes[1] (.bss). */
	assert_int_equal(load32(dm.buf[data] + find_sym((uint8_t *)b0, "counter")->st_value), 101);
	assert_int_equal(load32(dm.buf[data] + find_sym((uint8_t *)b0, "hits")->st_value), 41);
	assert_int_equal(load32(dm.buf[bss] + find_sym((uint8_t *)b0, "bss_word")->st_value), 13);
	memcpy(&zeroes1, dm.buf[bss] + find_sym((uint8_t *)b0, "zeroes")->st_value + 8, 8);
	assert_int_equal(zeroes1, 5);
	/* The object's initial data is untouched. */
	assert_int_equal(load32((const uint8_t *)xdpdk_obj_map_data(xdpdk_obj_map_at(obj, data)) +
				find_sym((uint8_t *)b0, "counter")->st_value),
			 100);

	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	assert_int_equal(load32(b.ctx.data), 3 * (26 + 2));
	assert_int_equal(load32(b.ctx.data + 4), 102);

	/* Another program sharing the maps and the subprogram. */
	tc = create_resolved(fx, obj, "tc_globals", &dm);
	xdpdk_prog_free(tc);
	xdpdk_prog_free(prog);
	data_maps_free(&dm);
	xdpdk_obj_close(obj);
}

static void
test_elf_run_kconfig(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj_opts o = {.log_buf = fx->log,
				   .log_size = sizeof(fx->log),
				   .kernel_version = KERNEL_VERSION(6, 1, 7),
				   .kconfig = TEST_KCONFIG};
	struct xdpdk_obj *obj = xdpdk_obj_open_mem(fx->kconfig.buf, fx->kconfig.size, &o);
	/* BPF_JIT, XDP_SOCKETS (TRI_MODULE), HZ low bytes, X_CHAR, X_STR[0], X_U64 (unset) */
	const uint8_t want[7] = { 1, 2, 0xe8, 0x03, 'm', 'h', 0 };
	uint8_t pkt[32];
	struct xdpdk_prog *prog;
	struct data_maps dm;
	struct xdp_buf b;

	assert_non_null(obj);
	data_maps_init(&dm, obj);
	prog = create_resolved(fx, obj, "xdp_kconfig", &dm);
	memset(pkt, 0xaa, sizeof(pkt));
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	assert_int_equal(load32(b.ctx.data), KERNEL_VERSION(6, 1, 7));
	assert_memory_equal(b.ctx.data + 4, want, 7);
	xdpdk_prog_free(prog);
	data_maps_free(&dm);
	xdpdk_obj_close(obj);
}

/* CO-RE end to end: relocated offsets, bitfields, sizes, enum values, existence. */
static void
test_elf_run_core(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->core);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_core");
	uint8_t pkt[64] = {0};
	struct xdp_buf b;

	pkt[14] = 0x46; /* version 4, ihl 6 */
	pkt[14 + 8] = 63;
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	assert_int_equal(load32(b.ctx.data), 3);     /* rx_queue_index */
	assert_int_equal(load32(b.ctx.data + 4), 7); /* ingress_ifindex */
	assert_int_equal(b.ctx.data[8], 6);	     /* ihl */
	assert_int_equal(b.ctx.data[9], 4);	     /* version */
	assert_int_equal(b.ctx.data[10], 63);	     /* ttl */
	/* rx_queue_index exists, no_such and no_such_type do not, XDP_REDIRECT does. */
	assert_int_equal(b.ctx.data[11], 1 | 8);
	assert_int_equal(b.ctx.data[12], 20 + 14);
	assert_int_equal(b.ctx.data[14], XDP_TX);
	assert_int_equal(b.ctx.data[15], 2);

	xdp_buf_init(&b, pkt, 20); /* too short */
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

/* Verified (the poison handling is the verifier's), on @p engine. */
static struct xdpdk_prog *
create_verified(struct fixture *fx, const struct xdpdk_obj *obj, const char *name,
		enum xdpdk_engine engine)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, name);
	struct xdpdk_prog_opts o = {
	    .name = name, .engine = engine, .log_buf = fx->log, .log_size = sizeof(fx->log),
	};
	const struct bpf_insn *insns;
	uint32_t n;

	assert_non_null(p);
	o.type = xdpdk_obj_prog_type(p);
	o.verify.line_info = xdpdk_obj_prog_line_info(p, &o.verify.n_line_info);
	o.verify.core_poison = xdpdk_obj_prog_core_poison(p, &o.verify.n_core_poison);
	insns = xdpdk_obj_prog_insns(p, &n);
	return xdpdk_prog_create(insns, n, &o);
}

/*
 * Poisoned CO-RE relocations (tests/progs/core_poison.bpf.c): behind an
 * existence check they are dead code, the program loads and takes the
 * fallback on both engines, its dead calls made traps; reached, the
 * verifier refuses the program with the kernel's message and names the
 * relocation, as libbpf's log fixup does.
 */
static void
test_elf_run_core_poison(void **state)
{
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->core_poison);
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, "xdp_core_guarded");
	uint8_t pkt[64] = {0};
	struct xdp_buf b;
	uint32_t n;

	/* rx_hash's load, and both halves of the enum value's lddw */
	xdpdk_obj_prog_core_poison(p, &n);
	assert_int_equal(n, 3);
	for (unsigned e = 0; e < 2; e++) {
		struct xdpdk_prog *prog = create_verified(fx, obj, "xdp_core_guarded", engines[e]);
		const struct bpf_insn *insns;
		uint32_t n_insns;

		if (prog == NULL)
			fail_msg("xdp_core_guarded refused (errno %d): %s", errno, fx->log);
		xdp_buf_init(&b, pkt, sizeof(pkt));
		assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_PASS);
		insns = xdpdk_prog_insns(prog, &n_insns);
		for (uint32_t i = 0; i < n_insns; i++)
			assert_false(insns[i].code == (BPF_JMP | BPF_CALL) &&
				     (uint32_t)insns[i].imm == XDPDK_CORE_POISON_HELPER);
		xdpdk_prog_free(prog);

		errno = 0;
		assert_null(create_verified(fx, obj, "xdp_core_reached", engines[e]));
		assert_int_equal(errno, EINVAL);
		assert_log_has(fx, "invalid func unknown#195896080");
		assert_log_has(fx, "5: <invalid CO-RE relocation>\nfailed to resolve CO-RE "
				   "relocation struct xdp_md___new.rx_hash (byte_off, access 0:2): "
				   "xdpdk's types have no such field");
	}
	xdpdk_obj_close(obj);
}

/* A weak __ksym is never found here: it reads as NULL and the program says so. */
static void
test_elf_run_weak_ksym(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj_opts o = {.log_buf = fx->log, .log_size = sizeof(fx->log)};
	char path[512];
	struct xdpdk_obj *obj;
	struct xdpdk_prog *prog;
	uint8_t pkt[32] = {0};
	struct xdp_buf b;

	snprintf(path, sizeof(path), "%s/ksym_weak.bpf.o", getenv("XDPDK_PROGS_DIR"));
	obj = xdpdk_obj_open(path, &o);
	if (obj == NULL)
		fail_msg("open %s: %s", path, fx->log);
	prog = create_prog(fx, obj, "xdp_ksym");
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_PASS);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_run_macswap),
	    cmocka_unit_test(test_elf_run_parse_hash),
	    cmocka_unit_test(test_elf_run_multi_prog),
	    cmocka_unit_test(test_elf_run_ctx_fields),
	    cmocka_unit_test(test_elf_run_global_data),
	    cmocka_unit_test(test_elf_run_kconfig),
	    cmocka_unit_test(test_elf_run_core),
	    cmocka_unit_test(test_elf_run_core_poison),
	    cmocka_unit_test(test_elf_run_weak_ksym),
	};

	/* libbpf quiet on stderr, as in the other ELF tests; the log says why. */
	libbpf_set_print(NULL);

	return cmocka_run_group_tests_name("elf_run", tests, group_setup, group_teardown);
}
