/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the packet path: random packets through every program
 * of the bundled objects (bpf/progs: lb, firewall, router, ddos, spread, xsk,
 * tc), on the interpreter and on the JIT.
 *
 * Each object is loaded twice, once per engine, so each engine has maps of
 * its own; both sets are seeded from the golden seeds (tests/golden/<name>.maps,
 * with bpf_fib_lookup()'s table) so lookups hit and the interesting paths are
 * reached. After each input both engines must agree on the error, the return
 * value, the output bytes and context, and the full contents of every map
 * they can write; then each set of maps is put back to its seeded state, so
 * every input starts from the same state and replays alike.
 *
 * Input: 8 header bytes, then the packet.
 *   [0] object (mod 7)            [1] program of the object (mod its count)
 *   [2] bit 0: "tight" layout: the packet in a buffer of exactly headroom +
 *             length bytes, run by xdpdk_prog_run() (no tailroom, no
 *             fragments; TC: from 14 bytes on), so ASan sees any access past
 *             data_end; otherwise
 *             xdpdk_prog_test_run() with the kernel's layout (fragments past
 *             the linear part);
 *       bit 1: test run with ctx_in (XDP: metadata length, ingress ifindex,
 *             rx queue; TC: mark, priority, ifindex);
 *       bits 2-4: metadata length / 4; bits 5-7: headroom of the tight layout
 *   [3] ifindex (low 6 bits), rx queue (high 2 bits); TC: also the mark
 *   [4..7] the clock (bpf_ktime_get_*: microseconds) and the random seed
 *          (bpf_get_prandom_u32), identical on both engines; TC: [4] is also
 *          the priority.
 * libFuzzer sees the C code's edges (bpf core, maps, helpers) and, through
 * extra counters, which verdict and which map elements each program's run
 * produced: the paths inside a BPF program have no edges of their own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>
#include <xdpdk/dataplane.h>

#include "golden.h"

#define HDR_LEN 8
#define N_ENG 2
#define MAX_PROGS 8
#define MAX_MAPS 16
#define N_EXTRA (1u << 14)

/* Objects, in the order the first input byte picks them; seeds files per object. */
static const struct {
	const char *obj;
	const char *maps[2];
} specs[] = {
	{ "lb", { "lb.maps" } },
	{ "firewall", { "firewall.maps" } },
	{ "router", { "router.maps" } },
	{ "ddos", { "ddos.maps" } },
	{ "spread", { "spread.maps" } },
	{ "xsk", { "xsk.maps" } },
	{ "tc", { "tc_ingress.maps", "tc_egress.maps" } },
};
#define N_OBJ (sizeof(specs) / sizeof(specs[0]))

/* Entries of a hash-like map: key then value (all per-CPU slots), sorted by key. */
struct snap {
	uint8_t *v;
	size_t n, cap;
	uint32_t klen, esz;
};

/* One map of one engine: arrays are compared as memory, other writable maps entry by entry. */
struct mstate {
	struct xdpdk_map *m;
	enum { M_SKIP, M_REGION, M_WALK } how;
	uint8_t *region;	/* M_REGION: the live values */
	size_t region_len;
	uint32_t elem_size;
	uint8_t *base;		/* M_REGION: the seeded values */
	struct snap base_snap;	/* M_WALK: the seeded entries */
	struct snap cur;
};

struct fobj {
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *lo[N_ENG];
	struct xdpdk_prog *prog[N_ENG][MAX_PROGS];
	uint32_t n_progs, n_maps;
	struct mstate ms[N_ENG][MAX_MAPS];
};

/* What one engine's run left. */
struct outcome {
	int err;
	uint64_t ret;
	uint32_t len;
	uint8_t *out;		/* malloc'd to XDPDK_TEST_RUN_MAX_OUT: exact capacity */
	uint8_t ctx[sizeof(struct __sk_buff)];
	int32_t offs[3];	/* tight layout: data_meta, data, data_end from the buffer */
	struct xdpdk_skb_ctx skb;	/* tight TC: the context, pointers cleared */
};

static struct fobj objs[N_OBJ];
static struct outcome res[N_ENG];
static struct xdpdk_fib *fib;
/* Path features of the BPF programs, for libFuzzer (see the top comment). */
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t extra[N_EXTRA];

/* ---- deterministic clock and random numbers ------------------------------------ */

static uint64_t fake_now, rnd_state;
static struct xdpdk_helper_desc overridden[__BPF_FUNC_MAX_ID];

static uint64_t
fake_clock(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return fake_now;
}

static uint64_t
fake_jiffies(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return fake_now / 4000000; /* HZ 250 */
}

static uint64_t
fake_prandom(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)rnd_state;
}

/* xdpdk's helpers, with the clocks and the random numbers replaced (same on both engines). */
static const struct xdpdk_helper_desc *
resolve(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_resolve(id, type, arg);
	xdpdk_helper_fn fn;

	if (d == NULL || id >= __BPF_FUNC_MAX_ID)
		return d;
	switch (id) {
	case BPF_FUNC_ktime_get_ns:
	case BPF_FUNC_ktime_get_boot_ns:
	case BPF_FUNC_ktime_get_coarse_ns:
	case BPF_FUNC_ktime_get_tai_ns:
		fn = fake_clock;
		break;
	case BPF_FUNC_jiffies64:
		fn = fake_jiffies;
		break;
	case BPF_FUNC_get_prandom_u32:
		fn = fake_prandom;
		break;
	default:
		return d;
	}
	overridden[id] = *d;
	overridden[id].fn = fn;
	return &overridden[id];
}

/* ---- map states ------------------------------------------------------------------ */

static int
key_cmp(const void *a, const void *b, void *klen)
{
	return memcmp(a, b, *(const uint32_t *)klen);
}

/* Add the entry of @p key (its value read as the control plane reads it). */
static void
snap_add(struct snap *s, struct xdpdk_map *m, const uint8_t *key)
{
	uint8_t *e;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = realloc(s->v, s->cap * s->esz);
		if (s->v == NULL)
			abort();
	}
	e = s->v + s->n * s->esz;
	memcpy(e, key, s->klen);
	if (xdpdk_map_lookup(m, key, e + s->klen, 0) != 0)
		abort(); /* a key the walk gave must be there: nothing else runs */
	s->n++;
}

/*
 * Every entry, sorted by key. Hash maps are walked as bpf_for_each_map_elem
 * does (their get_next_key visits every slot of the table); LPM tries by key.
 */
static void
snap_take(struct snap *s, struct xdpdk_map *m)
{
	struct xdpdk_map_iter it = { 0 };
	uint8_t key[CLI_GOLDEN_MAX_HEX], prev[CLI_GOLDEN_MAX_HEX];
	bool first = true;
	int rc;

	s->n = 0;
	while ((rc = xdpdk_map_elem_next(m, &it)) == 1)
		snap_add(s, m, it.key);
	while (rc == -EOPNOTSUPP && xdpdk_map_get_next_key(m, first ? NULL : prev, key) == 0) {
		snap_add(s, m, key);
		memcpy(prev, key, s->klen);
		first = false;
	}
	if (s->n > 1)
		qsort_r(s->v, s->n, s->esz, key_cmp, &s->klen);
}

static const uint8_t *
snap_find(const struct snap *s, const uint8_t *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		const size_t mid = lo + (hi - lo) / 2;
		const int c = memcmp(key, s->v + mid * s->esz, s->klen);

		if (c == 0)
			return s->v + mid * s->esz;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void
map_init(struct mstate *ms, struct xdpdk_map *m)
{
	const struct xdpdk_map_def *d = xdpdk_map_def(m);
	struct xdpdk_map_inline in;

	ms->m = m;
	switch (d->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		if (xdpdk_map_inline_info(m, &in) != 0)
			abort();
		ms->how = M_REGION;
		ms->region = (uint8_t *)in.values;
		ms->elem_size = in.elem_size;
		ms->region_len = in.slot_size ? in.slot_size * in.n_slots :
						(size_t)in.max_entries * in.elem_size;
		ms->base = malloc(ms->region_len);
		if (ms->base == NULL)
			abort();
		memcpy(ms->base, ms->region, ms->region_len);
		break;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
		ms->how = M_WALK;
		ms->base_snap.klen = ms->cur.klen = d->key_size;
		ms->base_snap.esz = ms->cur.esz = d->key_size + xdpdk_map_value_buf_size(m);
		snap_take(&ms->base_snap, m);
		break;
	default:
		/* prog_array, devmap, cpumap, xskmap: set by the control plane, never by a program */
		ms->how = M_SKIP;
	}
}

/* ---- comparing and restoring ------------------------------------------------------- */

static uint32_t
mix(uint32_t h, uint32_t v)
{
	return (h ^ v) * 0x01000193u; /* FNV-1a step */
}

static void
feature(uint32_t h)
{
	extra[h % N_EXTRA]++;
}

static __attribute__((noreturn)) void
differ(uint32_t obj, uint32_t prog, const char *what)
{
	fprintf(stderr, "fuzz_packet: %s %s: interpreter and JIT differ: %s\n", specs[obj].obj,
		xdpdk_prog_name(objs[obj].prog[0][prog]), what);
	abort();
}

/* Both engines' maps must hold the same; which elements changed is a path feature. */
static void
maps_compare(uint32_t oi, uint32_t prog)
{
	struct fobj *o = &objs[oi];

	for (uint32_t i = 0; i < o->n_maps; i++) {
		struct mstate *a = &o->ms[0][i], *b = &o->ms[1][i];
		char what[96];

		snprintf(what, sizeof(what), "map '%s'", xdpdk_map_def(a->m)->name);
		if (a->how == M_REGION) {
			if (memcmp(a->region, b->region, a->region_len) != 0)
				differ(oi, prog, what);
			if (memcmp(a->region, a->base, a->region_len) == 0)
				continue;
			for (size_t off = 0; off < a->region_len; off += a->elem_size)
				if (memcmp(a->region + off, a->base + off, a->elem_size) != 0)
					feature(mix(mix(mix(0, oi), i), (uint32_t)(off / a->elem_size)));
		} else if (a->how == M_WALK) {
			size_t changed = 0;

			snap_take(&a->cur, a->m);
			snap_take(&b->cur, b->m);
			if (a->cur.n != b->cur.n ||
			    (a->cur.n && memcmp(a->cur.v, b->cur.v, a->cur.n * a->cur.esz)))
				differ(oi, prog, what);
			for (size_t k = 0; k < a->cur.n; k++) {
				const uint8_t *e = a->cur.v + k * a->cur.esz;
				const uint8_t *base = snap_find(&a->base_snap, e);

				changed += base == NULL || memcmp(base, e, a->cur.esz) != 0;
			}
			feature(mix(mix(mix(1, oi), i), (uint32_t)(changed < 8 ? changed : 8)));
		}
	}
}

/* Back to the seeded state (after maps_compare took the current entries). */
static void
map_restore(struct mstate *ms)
{
	const struct snap *cur = &ms->cur, *base = &ms->base_snap;

	if (ms->how == M_REGION) {
		if (memcmp(ms->region, ms->base, ms->region_len) != 0)
			memcpy(ms->region, ms->base, ms->region_len);
		return;
	}
	if (ms->how != M_WALK)
		return;
	for (size_t k = 0; k < cur->n; k++) {
		const uint8_t *e = cur->v + k * cur->esz;
		const uint8_t *b = snap_find(base, e);

		if (b == NULL) {
			if (xdpdk_map_delete(ms->m, e) != 0)
				abort();
		} else if (memcmp(b, e, cur->esz) != 0 &&
			   xdpdk_map_update(ms->m, b, b + cur->klen, BPF_ANY) != 0) {
			abort();
		}
	}
	for (size_t k = 0; k < base->n; k++) {
		const uint8_t *b = base->v + k * base->esz;

		if (snap_find(cur, b) == NULL &&
		    xdpdk_map_update(ms->m, b, b + base->klen, BPF_ANY) != 0)
			abort();
	}
}

/* ---- running ------------------------------------------------------------------------- */

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * TC as bpf/test_run.c's skb_reset() sets it up (the loopback's eth_type_trans,
 * network header after the MAC header), in @p buf of exactly headroom + length.
 */
static void
skb_tight(struct xdpdk_skb_ctx *s, uint8_t *buf, uint32_t hr, uint32_t len, const uint8_t *hdr)
{
	static const uint8_t zero[6];
	const uint8_t *eth = buf + hr;
	const uint16_t proto = (uint16_t)(eth[12] << 8 | eth[13]);

	memset(s, 0, sizeof(*s));
	s->head = buf;
	s->data = s->data_meta = buf + hr;
	s->data_end = s->buf_end = buf + hr + len;
	s->len = len;
	s->network_off = 14;
	s->dev_max_len = 65536 + 14;
	s->ifindex = XDPDK_TEST_RUN_DEFAULT_IFINDEX;
	s->mark = hdr[3];
	s->priority = hdr[4];
	s->pkt_type = memcmp(eth, zero, 6) == 0 ? PACKET_HOST :
		      eth[0] & 1 ? PACKET_MULTICAST : PACKET_OTHERHOST;
	/* skb->protocol is in network order */
	if (proto >= ETH_P_802_3_MIN)
		s->protocol = htons(proto);
	else
		s->protocol = htons(len >= 16 && eth[14] == 0xff && eth[15] == 0xff ?
				    ETH_P_802_3 : ETH_P_802_2);
}

/* A buffer of exactly headroom + length bytes: no tailroom, no fragments. */
static void
run_tight(const struct xdpdk_prog *prog, const uint8_t *hdr, const uint8_t *pkt, uint32_t len,
	  struct outcome *r)
{
	static const uint16_t headrooms[8] = { 0, 1, 14, 32, 64, 128, 255, 256 };
	const uint32_t hr = headrooms[hdr[2] >> 5];
	uint8_t *buf = malloc(hr + len ? hr + len : 1);
	struct xdpdk_xdp_ctx ctx = {
		.data = buf + hr, .data_meta = buf + hr, .data_end = buf + hr + len,
		.data_hard_start = buf, .data_hard_end = buf + hr + len,
		.ingress_ifindex = hdr[3] & 63, .rx_queue_index = hdr[3] >> 6,
	};
	uint8_t *ends[3] = { ctx.data_meta, ctx.data, ctx.data_end };

	if (buf == NULL)
		abort();
	memset(buf, 0, hr);
	memcpy(buf + hr, pkt, len);
	if (xdpdk_prog_type(prog) == XDPDK_PROG_TYPE_TC) {
		skb_tight(&r->skb, buf, hr, len, hdr);
		r->ret = xdpdk_prog_run(prog, &r->skb, 0);
		ends[0] = r->skb.data_meta;
		ends[1] = r->skb.data;
		ends[2] = r->skb.data_end;
		/* Only what the program can change counts; the buffers differ. */
		r->skb.data = r->skb.data_end = r->skb.data_meta = NULL;
		r->skb.head = r->skb.buf_end = NULL;
	} else {
		r->ret = xdpdk_prog_run(prog, &ctx, 0);
		ends[0] = ctx.data_meta;
		ends[1] = ctx.data;
		ends[2] = ctx.data_end;
	}
	for (int k = 0; k < 3; k++)
		r->offs[k] = (int32_t)(ends[k] - buf);
	r->len = hr + len;
	memcpy(r->out, buf, r->len);
	free(buf);
}

/* BPF_PROG_TEST_RUN's layout, with or without a context in. */
static void
run_test(const struct xdpdk_prog *prog, const uint8_t *hdr, const uint8_t *pkt, uint32_t len,
	 struct outcome *r)
{
	const bool xdp = xdpdk_prog_type(prog) == XDPDK_PROG_TYPE_XDP;
	struct xdp_md md = {
		.data = ((hdr[2] >> 2) & 7) * 4, .data_end = len,
		.ingress_ifindex = hdr[3] & 63, .rx_queue_index = hdr[3] >> 6,
	};
	struct __sk_buff skb = { .mark = hdr[3], .priority = hdr[4], .ifindex = hdr[3] & 63 };
	struct xdpdk_test_run t = {
		.data_in = pkt, .data_size_in = len,
		.data_out = r->out, .data_size_out = XDPDK_TEST_RUN_MAX_OUT,
		.ctx_out = r->ctx, .ctx_size_out = xdp ? sizeof(md) : sizeof(skb),
		.repeat = 1,
	};

	if (hdr[2] & 2) {
		t.ctx_in = xdp ? (const void *)&md : (const void *)&skb;
		t.ctx_size_in = xdp ? sizeof(md) : sizeof(skb);
	}
	r->err = xdpdk_prog_test_run(prog, &t);
	r->ret = t.retval;
	r->len = r->err ? 0 : t.data_size_out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t oi, p;
	struct fobj *o;
	bool tight;

	if (size < HDR_LEN || size - HDR_LEN > XDPDK_TEST_RUN_MAX_OUT - 256)
		return -1; /* not added to the corpus */
	oi = data[0] % N_OBJ;
	o = &objs[oi];
	p = data[1] % o->n_progs;
	tight = (data[2] & 1) && (xdpdk_prog_type(o->prog[0][p]) == XDPDK_PROG_TYPE_XDP ||
				  size - HDR_LEN >= 14);
	for (int e = 0; e < N_ENG; e++) {
		struct outcome *r = &res[e];

		r->err = 0;
		memset(r->ctx, 0, sizeof(r->ctx));
		memset(r->offs, 0, sizeof(r->offs));
		memset(&r->skb, 0, sizeof(r->skb));
		fake_now = 1000000000000ull + (uint64_t)le32(data + 4) * 1000;
		rnd_state = le32(data + 4) | 1ull << 32;
		if (tight)
			run_tight(o->prog[e][p], data, data + HDR_LEN, (uint32_t)(size - HDR_LEN), r);
		else
			run_test(o->prog[e][p], data, data + HDR_LEN, (uint32_t)(size - HDR_LEN), r);
	}
	if (res[0].err != res[1].err)
		differ(oi, p, "test run error");
	if (res[0].ret != res[1].ret)
		differ(oi, p, "return value");
	if (res[0].len != res[1].len || memcmp(res[0].offs, res[1].offs, sizeof(res[0].offs)))
		differ(oi, p, "packet length or offsets");
	if (memcmp(res[0].out, res[1].out, res[0].len) != 0)
		differ(oi, p, "packet bytes");
	if (memcmp(res[0].ctx, res[1].ctx, sizeof(res[0].ctx)) != 0 ||
	    memcmp(&res[0].skb, &res[1].skb, sizeof(res[0].skb)) != 0)
		differ(oi, p, "context out");
	feature(mix(mix(mix(mix(2, oi), p), (uint32_t)res[0].ret), (uint32_t)-res[0].err));
	maps_compare(oi, p);
	for (int e = 0; e < N_ENG; e++)
		for (uint32_t i = 0; i < o->n_maps; i++)
			map_restore(&o->ms[e][i]);
	return 0;
}

/* ---- setup ----------------------------------------------------------------------------- */

static void
obj_setup(uint32_t oi, const char *progs_dir, const char *golden_dir)
{
	char path[4096], log[8192] = "";
	struct fobj *o = &objs[oi];
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct cli_golden_seeds seeds[2] = { { 0 } };

	snprintf(path, sizeof(path), "%s/%s.bpf.o", progs_dir, specs[oi].obj);
	o->obj = xdpdk_obj_open(path, &oo);
	if (o->obj == NULL) {
		fprintf(stderr, "fuzz_packet: cannot open %s: %s\n%s", path, strerror(errno), log);
		abort();
	}
	for (int k = 0; k < 2 && specs[oi].maps[k]; k++) {
		snprintf(path, sizeof(path), "%s/%s", golden_dir, specs[oi].maps[k]);
		if (cli_golden_seeds_read(path, &seeds[k]) != 0)
			abort();
		/* bpf_fib_lookup()'s table is global: the router's seeds give it. */
		if (seeds[k].n_fib > 0 && cli_golden_fib_setup(&seeds[k], &fib) != 0)
			abort();
	}
	for (int e = 0; e < N_ENG; e++) {
		struct xdpdk_load_opts lo = {
			.engine = e == 0 ? XDPDK_ENGINE_INTERP : XDPDK_ENGINE_JIT,
			.helpers = resolve, .log_buf = log, .log_size = sizeof(log),
		};

		o->lo[e] = xdpdk_obj_load(o->obj, &lo);
		if (o->lo[e] == NULL) {
			fprintf(stderr, "fuzz_packet: cannot load %s: %s\n%s", specs[oi].obj,
				strerror(errno), log);
			abort();
		}
		for (int k = 0; k < 2; k++)
			if (cli_golden_seed_xdpdk(o->lo[e], &seeds[k]) != 0)
				abort();
		o->n_progs = xdpdk_loaded_prog_count(o->lo[e]);
		o->n_maps = xdpdk_loaded_map_count(o->lo[e]);
		if (o->n_progs == 0 || o->n_progs > MAX_PROGS || o->n_maps > MAX_MAPS)
			abort();
		for (uint32_t i = 0; i < o->n_progs; i++)
			o->prog[e][i] = xdpdk_loaded_prog_at(o->lo[e], i);
		for (uint32_t i = 0; i < o->n_maps; i++)
			map_init(&o->ms[e][i], xdpdk_loaded_map_at(o->lo[e], i));
	}
	for (int k = 0; k < 2; k++)
		cli_golden_seeds_free(&seeds[k]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *progs_dir = getenv("XDPDK_BPF_PROGS_DIR");
	const char *src = getenv("XDPDK_SOURCE_ROOT");
	char golden_dir[4096];

	snprintf(golden_dir, sizeof(golden_dir), "%s/tests/golden", src ? src : FUZZ_SOURCE_ROOT);
	if (xdpdk_eal_init_tool("fuzz_packet", 0, NULL) != 0)
		abort();
	for (uint32_t oi = 0; oi < N_OBJ; oi++)
		obj_setup(oi, progs_dir ? progs_dir : FUZZ_BPF_PROGS_DIR, golden_dir);
	for (int e = 0; e < N_ENG; e++) {
		res[e].out = malloc(XDPDK_TEST_RUN_MAX_OUT);
		if (res[e].out == NULL)
			abort();
	}
	return 0;
}
