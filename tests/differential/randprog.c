/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random XDP programs for the kernel differential: see randprog.h.
 *
 * The program is built as nested blocks (forward jumps only). Each register
 * and each 8-byte stack slot of [r10-128, r10) has a type in the generator's
 * state; a block that may be skipped is generated from a copy of the state
 * and the two are merged at its end, keeping what holds on both paths. Packet
 * pointers carry the range a bounds check proved for them; the generator only
 * relies on ranges it proved itself (never on the verifiers' propagation to
 * copies), so what it accepts, both verifiers must accept.
 */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "insn_macros.h"
#include "randprog.h"

#define I(...) ((struct bpf_insn)__VA_ARGS__)

/* Scratch stack areas for helper arguments, written right before each use. */
#define SCR_KEY (-136)	/* 8 bytes */
#define SCR_VAL (-176)	/* RANDPROG_MAX_VALUE bytes */
#define SCR_CSA (-216)	/* 40 bytes: csum_diff's "from" */
#define SCR_CSB (-256)	/* 40 bytes: csum_diff's "to" */
#define N_SLOTS 16	/* tracked slots: [r10-128, r10) */
#define MAX_DEPTH 4
#define ROOM 96		/* slots kept free for the largest operation and the epilogue */

/* xdp_md fields (UAPI offsets) */
#define MD_DATA 0
#define MD_DATA_END 4
#define MD_INGRESS_IFINDEX 12
#define MD_RX_QUEUE_INDEX 16

enum rtype {
	T_UNINIT = 0,	/* never written on some path: reading it is an error */
	T_DEAD,		/* written, but not to be read (a pointer of unknown use) */
	T_SCALAR,
	T_CTX,
	T_PKT,		/* data + something, proven readable for range bytes */
	T_PKT_END,
	T_MAPVAL,	/* a non-NULL map value of map `map` */
};

struct reg {
	uint8_t t;
	uint8_t map;
	uint16_t range;
};

enum skind { S_EMPTY = 0, S_BYTES, S_PKT };

struct slot {
	uint8_t kind;
	uint8_t mask;	/* S_BYTES: initialised bytes, bit i = byte (slot base + i) */
	uint16_t range;	/* S_PKT: the spilled pointer's range */
};

struct gstate {
	struct reg r[11];
	struct slot s[N_SLOTS];
};

struct gen {
	struct randprog *p;
	uint64_t rng;
	struct gstate st;
	const char *mistake;	/* still to place, or NULL */
	bool args_busy;		/* setting up a helper call: r1-r5 are taken */
};

uint64_t
randprog_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
rn(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)(randprog_rand(&g->rng) % n) : 0;
}

static bool
chance(struct gen *g, uint32_t pct)
{
	return rn(g, 100) < pct;
}

static bool
room(const struct gen *g)
{
	return g->p->n + ROOM < RANDPROG_MAX_INSNS;
}

static uint32_t
emit(struct gen *g, struct bpf_insn insn)
{
	g->p->insns[g->p->n] = insn;
	return g->p->n++;
}

static void
emit_map_ref(struct gen *g, uint8_t dst, uint32_t map)
{
	emit(g, I(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, (int32_t)map)));
	emit(g, I(BPF_RAW_INSN(0, 0, 0, 0, 0)));
}

/* A forward jump at @p at now lands on the next instruction to be emitted. */
static void
patch_to_here(struct gen *g, uint32_t at)
{
	struct bpf_insn *j = &g->p->insns[at];
	int32_t off = (int32_t)(g->p->n - at - 1);

	if (j->code == (BPF_JMP32 | BPF_JA))
		j->imm = off;
	else
		j->off = (int16_t)off;
}

static void
mark_mistake(struct gen *g, const char *what)
{
	g->p->mistake = what;
	g->p->mistake_pc = g->p->n;
	g->mistake = NULL;
}

/* Values biased to the edges of the operations. */
static int32_t
imm32(struct gen *g)
{
	static const int32_t edge[] = { 0, 1, -1, 2, INT32_MIN, INT32_MAX, 0xff, 0xffff, 0x80,
					0x8000, -2, 63, 64, 31, 32, 0x7f };

	switch (rn(g, 4)) {
	case 0:
		return edge[rn(g, sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return (int32_t)rn(g, 16);
	default:
		return (int32_t)randprog_rand(&g->rng);
	}
}

static int32_t
imm_nonzero(struct gen *g)
{
	int32_t v = imm32(g);

	return v ? v : -1;
}

/* ---- register choice ---------------------------------------------------- */

static int
pick_type(struct gen *g, uint8_t t, int min_range)
{
	int cand[11], n = 0;

	for (int r = 0; r < 10; r++)
		if (g->st.r[r].t == t && g->st.r[r].range >= min_range)
			cand[n++] = r;
	return n ? cand[rn(g, (uint32_t)n)] : -1;
}

/* A register to write: rather one without a pointer; never r6 (ctx) or r10. */
static int
pick_dst_not(struct gen *g, int a, int b, int c)
{
	int cand[11], n = 0;
	bool any = chance(g, 10);

	for (int r = 0; r < 10; r++) {
		uint8_t t = g->st.r[r].t;

		if (r == 6 || r == a || r == b || r == c || (g->args_busy && r >= 1 && r <= 5))
			continue;
		if (any || t == T_UNINIT || t == T_DEAD || t == T_SCALAR)
			cand[n++] = r;
	}
	if (n == 0) /* every register holds a pointer: take any */
		for (int r = 0; r < 10; r++)
			if (r != 6 && r != a && r != b && r != c &&
			    !(g->args_busy && r >= 1 && r <= 5))
				cand[n++] = r;
	return cand[rn(g, (uint32_t)n)];
}

static int
pick_dst(struct gen *g)
{
	return pick_dst_not(g, -1, -1, -1);
}

static void
set_reg(struct gen *g, int r, uint8_t t, uint16_t range, uint8_t map)
{
	g->st.r[r] = (struct reg){ .t = t, .range = range, .map = map };
}

/* A scalar register, made with a mov when there is none. */
static int
pick_scalar(struct gen *g)
{
	int r = pick_type(g, T_SCALAR, 0);

	if (r < 0 || chance(g, 5)) {
		r = pick_dst(g);
		if (chance(g, 50))
			emit(g, I(BPF_MOV64_IMM(r, imm32(g))));
		else
			emit(g, I(BPF_MOV32_IMM(r, imm32(g))));
		set_reg(g, r, T_SCALAR, 0, 0);
	}
	return r;
}

/* A scalar for a helper argument or a key: in a register r1-r5 does not clobber. */
static int
pick_scalar_safe(struct gen *g)
{
	int r = pick_scalar(g);

	if (r >= 1 && r <= 5) {
		int d = chance(g, 50) ? 0 : 9;

		emit(g, I(BPF_MOV64_REG(d, r)));
		set_reg(g, d, T_SCALAR, 0, 0);
		r = d;
	}
	return r;
}

/* ---- state merge ---------------------------------------------------------- */

static void
merge(struct gstate *a, const struct gstate *b)
{
	for (int r = 0; r < 11; r++) {
		struct reg *x = &a->r[r];
		const struct reg *y = &b->r[r];

		if (x->t == T_UNINIT || y->t == T_UNINIT)
			x->t = T_UNINIT;
		else if (x->t != y->t || (x->t == T_MAPVAL && x->map != y->map))
			x->t = T_DEAD;
		else if (x->range > y->range)
			x->range = y->range;
	}
	for (int s = 0; s < N_SLOTS; s++) {
		struct slot *x = &a->s[s];
		const struct slot *y = &b->s[s];

		if (x->kind != y->kind)
			*x = (struct slot){ S_EMPTY, 0, 0 };
		else if (x->kind == S_BYTES)
			x->mask &= y->mask;
		else if (x->kind == S_PKT && x->range > y->range)
			x->range = y->range;
	}
}

/*
 * After an update or delete of hash map @p m, pointers to its values are
 * not read again: the element may be gone, and what its memory holds then
 * depends on when each side reuses it (the kernel's free list, xdpdk's RCU
 * grace period), which no program can rely on (docs/compatibility.md).
 */
static void
forget_hash_values(struct gen *g, uint32_t m)
{
	if (g->p->maps[m].type != BPF_MAP_TYPE_HASH)
		return;
	for (int r = 0; r < 10; r++)
		if (g->st.r[r].t == T_MAPVAL && g->st.r[r].map == m)
			set_reg(g, r, T_DEAD, 0, 0);
}

/* A helper call: r1-r5 become uninitialised, r0 a scalar. */
static void
after_call(struct gen *g, bool changes_pkt)
{
	g->args_busy = false;
	for (int r = 1; r <= 5; r++)
		set_reg(g, r, T_UNINIT, 0, 0);
	set_reg(g, 0, T_SCALAR, 0, 0);
	if (!changes_pkt)
		return;
	/* Every packet pointer is invalid now (the kernel turns them into unknown
	 * scalars for root; their values must never be used). */
	for (int r = 0; r < 10; r++)
		if (g->st.r[r].t == T_PKT || g->st.r[r].t == T_PKT_END)
			set_reg(g, r, T_DEAD, 0, 0);
	for (int s = 0; s < N_SLOTS; s++)
		if (g->st.s[s].kind == S_PKT)
			g->st.s[s] = (struct slot){ S_EMPTY, 0, 0 };
}

static void gen_ops(struct gen *g, uint32_t n_ops, int depth);

/* ---- ALU ------------------------------------------------------------------ */

static void
gen_alu(struct gen *g)
{
	static const uint8_t ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
				       BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH };
	bool is64 = chance(g, 55);
	uint8_t cls = is64 ? BPF_ALU64 : BPF_ALU;
	uint32_t kind = rn(g, 20);
	int dst, src;

	if (kind == 0) { /* neg */
		dst = pick_scalar(g);
		emit(g, I(BPF_RAW_INSN(cls | BPF_NEG | BPF_K, dst, 0, 0, 0)));
		return;
	}
	if (kind == 1) { /* byte order (be/le) or ISA v4 bswap */
		static const int32_t w[] = { 16, 32, 64 };
		uint8_t how = chance(g, 50) ? BPF_TO_BE : BPF_TO_LE;

		dst = pick_scalar(g);
		emit(g, I(BPF_RAW_INSN((is64 ? BPF_ALU64 | BPF_TO_LE : BPF_ALU | how) | BPF_END, dst,
				       0, 0, w[rn(g, 3)])));
		return;
	}
	if (kind == 2) { /* movsx */
		src = pick_scalar(g);
		dst = pick_dst(g);
		emit(g, I(BPF_RAW_INSN(cls | BPF_MOV | BPF_X, dst, src,
				       (int16_t)(is64 ? 8 << rn(g, 3) : 8 << rn(g, 2)), 0)));
		set_reg(g, dst, T_SCALAR, 0, 0);
		return;
	}
	if (kind == 3) { /* 64-bit immediate */
		dst = pick_dst(g);
		emit(g, I(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, imm32(g))));
		emit(g, I(BPF_RAW_INSN(0, 0, 0, 0, imm32(g))));
		set_reg(g, dst, T_SCALAR, 0, 0);
		return;
	}

	uint8_t op = ops[rn(g, sizeof(ops) / sizeof(ops[0]))];
	bool sdiv = (op == BPF_DIV || op == BPF_MOD) && chance(g, 40);
	bool reg = chance(g, 50);
	int32_t imm = 0;

	if (op == BPF_MOV) {
		src = reg ? pick_scalar(g) : 0;
		dst = pick_dst(g);
	} else {
		src = reg ? pick_scalar(g) : 0;
		dst = pick_scalar(g);
	}
	if (!reg) {
		if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) {
			imm = (int32_t)rn(g, is64 ? 64 : 32);
			if (g->mistake && strcmp(g->mistake, "shift_out_of_range") == 0) {
				imm = is64 ? 64 + (int32_t)rn(g, 64) : 32 + (int32_t)rn(g, 32);
				mark_mistake(g, "shift_out_of_range");
			}
		} else if (op == BPF_DIV || op == BPF_MOD) {
			imm = imm_nonzero(g);
			if (g->mistake && strcmp(g->mistake, "div_by_zero_imm") == 0) {
				imm = 0;
				mark_mistake(g, "div_by_zero_imm");
			}
		} else {
			imm = imm32(g);
		}
	}
	emit(g, I(BPF_RAW_INSN(cls | op | (reg ? BPF_X : BPF_K), dst, reg ? src : 0, sdiv ? 1 : 0,
			       imm)));
	set_reg(g, dst, T_SCALAR, 0, 0);
}

/* ---- memory --------------------------------------------------------------- */

static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

/* A width (1, 2, 4, 8) of at most @p max bytes, as its BPF_SIZE; -1 if none. */
static int
pick_width(struct gen *g, uint32_t max, uint32_t *w)
{
	uint32_t n = max >= 8 ? 4 : max >= 4 ? 3 : max >= 2 ? 2 : max >= 1 ? 1 : 0;
	uint32_t i;

	if (n == 0)
		return -1;
	i = rn(g, n);
	*w = 1u << i;
	return sizes[i];
}

/* Load from [base + off] into a fresh scalar; ldsx sometimes. */
static void
emit_load(struct gen *g, int base, int16_t off, int size, uint32_t w)
{
	int dst = pick_dst(g);
	uint8_t mode = (w < 8 && chance(g, 25)) ? BPF_MEMSX : BPF_MEM;

	emit(g, I(BPF_RAW_INSN(BPF_LDX | size | mode, dst, base, off, 0)));
	set_reg(g, dst, T_SCALAR, 0, 0);
}

/*
 * What to store: a scalar register, or -1 for an immediate. Picked before the
 * base register, since making a scalar may take over any register.
 */
static int
store_src(struct gen *g)
{
	return chance(g, 35) ? -1 : pick_scalar(g);
}

/* Store @p src (store_src()) to [base + off]. */
static void
emit_store(struct gen *g, int base, int16_t off, int size, int src)
{
	if (src < 0)
		emit(g, I(BPF_ST_MEM(size, base, off, imm32(g))));
	else
		emit(g, I(BPF_STX_MEM(size, base, src, off)));
}

/* Read or write a packet or map value pointer within what is proven. */
static void
gen_mem_access(struct gen *g, bool pkt, bool write)
{
	int base, src = write ? store_src(g) : -1;
	uint32_t avail, w, off;
	int size;

	if (pkt) {
		base = pick_type(g, T_PKT, 1);
		if (base < 0)
			return;
		avail = g->st.r[base].range;
	} else {
		base = pick_type(g, T_MAPVAL, 0);
		if (base < 0)
			return;
		avail = g->p->maps[g->st.r[base].map].value_size;
	}
	size = pick_width(g, avail, &w);
	if (size < 0)
		return;
	off = rn(g, avail - w + 1);
	if (g->mistake && strcmp(g->mistake, pkt ? "pkt_out_of_range" : "map_value_out_of_range")
			== 0) {
		off = avail - w + 1 + rn(g, 4);
		mark_mistake(g, g->mistake);
	}
	if (write)
		emit_store(g, base, (int16_t)off, size, src);
	else
		emit_load(g, base, (int16_t)off, size, w);
}

/* Atomic operation on a stack slot or a map value (aligned, as the kernel wants). */
static void
gen_atomic(struct gen *g)
{
	static const int32_t ops[] = { BPF_ADD, BPF_AND, BPF_OR, BPF_XOR,
				       BPF_ADD | BPF_FETCH, BPF_AND | BPF_FETCH,
				       BPF_OR | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG,
				       BPF_CMPXCHG };
	bool dw = chance(g, 50);
	uint32_t w = dw ? 8 : 4;
	int32_t op = ops[rn(g, sizeof(ops) / sizeof(ops[0]))];
	int base, src = pick_scalar(g);
	int16_t off;

	base = pick_type(g, T_MAPVAL, 0);
	if (base >= 0 && chance(g, 60)) {
		uint32_t vs = g->p->maps[g->st.r[base].map].value_size;

		off = (int16_t)(rn(g, vs / w) * w);
	} else {
		uint32_t s = rn(g, N_SLOTS);
		uint32_t sub = dw ? 0 : rn(g, 2) * 4;
		uint8_t need = (uint8_t)(((1u << w) - 1) << sub);

		if (g->st.s[s].kind != S_BYTES || (g->st.s[s].mask & need) != need)
			return;
		base = 10;
		off = (int16_t)(-8 * (int)(s + 1) + (int)sub);
	}
	if (op == BPF_CMPXCHG) { /* compares with r0 and loads the old value into it */
		if (src == 0 || base == 0)
			return;
		if (g->st.r[0].t != T_SCALAR) {
			emit(g, I(BPF_MOV64_IMM(0, imm32(g))));
			set_reg(g, 0, T_SCALAR, 0, 0);
		}
	}
	emit(g, I(BPF_ATOMIC_OP(dw ? BPF_DW : BPF_W, op, base, src, off)));
	if (op == BPF_CMPXCHG)
		set_reg(g, 0, T_SCALAR, 0, 0);
}

/* Spill or fill on the tracked stack slots. */
static void
gen_stack(struct gen *g)
{
	uint32_t s = rn(g, N_SLOTS);
	struct slot *sl = &g->st.s[s];
	int16_t base_off = (int16_t)(-8 * (int)(s + 1));
	uint32_t w, sub;
	int size, r;

	switch (rn(g, 5)) {
	case 0: /* spill a packet pointer */
		r = pick_type(g, T_PKT, 0);
		if (r < 0)
			return;
		emit(g, I(BPF_STX_MEM(BPF_DW, 10, r, base_off)));
		*sl = (struct slot){ S_PKT, 0, g->st.r[r].range };
		return;
	case 1: /* fill one */
		if (sl->kind != S_PKT)
			return;
		r = pick_dst(g);
		emit(g, I(BPF_LDX_MEM(BPF_DW, r, 10, base_off)));
		set_reg(g, r, T_PKT, sl->range, 0);
		return;
	case 2:
	case 3: /* store a scalar, whole or in part */
		size = pick_width(g, 8, &w);
		sub = rn(g, 8 / w) * w;
		if (g->mistake && strcmp(g->mistake, "stack_out_of_range") == 0) {
			emit(g, I(BPF_ST_MEM(BPF_DW, 10, -520, 0)));
			mark_mistake(g, g->mistake);
			return;
		}
		emit_store(g, 10, (int16_t)(base_off + (int)sub), size, store_src(g));
		if (sl->kind != S_BYTES)
			*sl = (struct slot){ S_BYTES, 0, 0 };
		sl->mask |= (uint8_t)(((1u << w) - 1) << sub);
		return;
	default: /* load initialised bytes */
		if (sl->kind != S_BYTES)
			return;
		size = pick_width(g, 8, &w);
		sub = rn(g, 8 / w) * w;
		if ((sl->mask & (((1u << w) - 1) << sub)) != (((1u << w) - 1) << sub))
			return;
		if (w > 1 && g->mistake && strcmp(g->mistake, "stack_misaligned") == 0) {
			emit(g, I(BPF_LDX_MEM(size, pick_dst(g), 10,
					      (int16_t)(base_off + (int)sub + 1))));
			mark_mistake(g, g->mistake);
			return;
		}
		emit_load(g, 10, (int16_t)(base_off + (int)sub), size, w);
	}
}

/* ---- packet --------------------------------------------------------------- */

/* Registers holding data and data_end, loaded from the context if needed. */
static void
pkt_regs(struct gen *g, int *data, int *end, int keep)
{
	*data = pick_type(g, T_PKT, 0);
	*end = pick_type(g, T_PKT_END, 0);
	if (*data < 0 || chance(g, 10)) {
		*data = pick_dst_not(g, *end, keep, -1);
		emit(g, I(BPF_LDX_MEM(BPF_W, *data, 6, MD_DATA)));
		set_reg(g, *data, T_PKT, 0, 0);
	}
	if (*end < 0) {
		*end = pick_dst_not(g, *data, keep, -1);
		emit(g, I(BPF_LDX_MEM(BPF_W, *end, 6, MD_DATA_END)));
		set_reg(g, *end, T_PKT_END, 0, 0);
	}
}

static uint32_t
check_len(struct gen *g)
{
	static const uint32_t hdr[] = { 14, 18, 22, 34, 38, 42, 54, 58, 62, 74 };

	if (chance(g, 40))
		return hdr[rn(g, sizeof(hdr) / sizeof(hdr[0]))];
	return 1 + rn(g, chance(g, 80) ? 64 : 300);
}

/* if (base + N > data_end) skip; { the block may read N bytes from base } */
static void
gen_pkt_block(struct gen *g, int depth)
{
	int s = pick_scalar(g); /* first: making a scalar may take any register */
	int data, end, base, tmp;
	uint32_t n = check_len(g), j, proven = n;
	struct gstate before;

	pkt_regs(g, &data, &end, s);
	base = data;
	if (chance(g, 25)) { /* a variable offset, bounded by a mask */
		int v = pick_dst_not(g, data, end, -1);
		int p;

		emit(g, I(BPF_MOV64_REG(v, s)));
		emit(g, I(BPF_ALU64_IMM(BPF_AND, v, (int32_t)((8u << rn(g, 4)) - 1))));
		set_reg(g, v, T_SCALAR, 0, 0);
		p = pick_dst_not(g, data, end, v);
		emit(g, I(BPF_MOV64_REG(p, data)));
		emit(g, I(BPF_ALU64_REG(BPF_ADD, p, v)));
		set_reg(g, p, T_PKT, 0, 0);
		base = p;
	}
	tmp = pick_dst_not(g, base, end, -1);
	emit(g, I(BPF_MOV64_REG(tmp, base)));
	emit(g, I(BPF_ALU64_IMM(BPF_ADD, tmp, (int32_t)n)));
	set_reg(g, tmp, T_DEAD, 0, 0);
	switch (rn(g, 4)) {
	case 0:
		j = emit(g, I(BPF_JMP_REG(BPF_JGT, tmp, end, 0)));
		break;
	case 1:
		j = emit(g, I(BPF_JMP_REG(BPF_JLT, end, tmp, 0)));
		break;
	case 2: /* falls through on tmp < end: byte n is in the packet too */
		j = emit(g, I(BPF_JMP_REG(BPF_JGE, tmp, end, 0)));
		proven = n + 1;
		break;
	default:
		j = emit(g, I(BPF_JMP_REG(BPF_JLE, end, tmp, 0)));
		proven = n + 1;
		break;
	}
	before = g->st;
	if (g->st.r[base].range < proven)
		g->st.r[base].range = (uint16_t)proven;
	gen_ops(g, 1 + rn(g, 8), depth + 1);
	patch_to_here(g, j);
	merge(&g->st, &before);
}

/* ---- branches ------------------------------------------------------------- */

static void
gen_cond_block(struct gen *g, int depth)
{
	static const uint8_t ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
				       BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET };
	uint8_t cls = chance(g, 35) ? BPF_JMP32 : BPF_JMP;
	uint8_t op = ops[rn(g, sizeof(ops) / sizeof(ops[0]))];
	int a = pick_scalar(g);
	bool reg = chance(g, 40);
	int b = reg ? pick_scalar(g) : 0;
	struct gstate before, then;
	uint32_t j, ja;

	j = emit(g, I(BPF_RAW_INSN(cls | op | (reg ? BPF_X : BPF_K), a, reg ? b : 0, 0,
				   reg ? 0 : imm32(g))));
	before = g->st;
	gen_ops(g, 1 + rn(g, 6), depth + 1);
	if (chance(g, 60)) {
		patch_to_here(g, j);
		merge(&g->st, &before);
		return;
	}
	/* if/else: the "then" part jumps over the "else" part (ja or gotol) */
	ja = emit(g, chance(g, 50) ? I(BPF_JMP_A(0)) : I(BPF_GOTOL(0)));
	patch_to_here(g, j);
	then = g->st;
	g->st = before;
	gen_ops(g, 1 + rn(g, 6), depth + 1);
	patch_to_here(g, ja);
	merge(&g->st, &then);
}

/* ---- helpers -------------------------------------------------------------- */

/*
 * Point r@p arg at @p len readable bytes for a helper: the stack scratch area
 * @p scratch (written first), a packet pointer or a map value with room.
 * Sources are never r1-r5, which the argument set-up overwrites.
 */
static void
mem_arg(struct gen *g, int arg, uint32_t len, int16_t scratch, bool allow_mapval)
{
	int r;

	if (chance(g, 40)) {
		r = pick_type(g, T_PKT, (int)len + 4);
		if (r >= 0 && (r == 0 || r > 5)) {
			uint32_t off = rn(g, g->st.r[r].range - len + 1);

			emit(g, I(BPF_MOV64_REG(arg, r)));
			if (off)
				emit(g, I(BPF_ALU64_IMM(BPF_ADD, arg, (int32_t)off)));
			set_reg(g, arg, T_DEAD, 0, 0);
			return;
		}
	}
	if (allow_mapval && chance(g, 30)) {
		r = pick_type(g, T_MAPVAL, 0);
		if (r >= 0 && (r == 0 || r > 5) && g->p->maps[g->st.r[r].map].value_size >= len) {
			emit(g, I(BPF_MOV64_REG(arg, r)));
			set_reg(g, arg, T_DEAD, 0, 0);
			return;
		}
	}
	for (uint32_t o = 0; o < len; o += 8) {
		int16_t at = (int16_t)(scratch + (int)o);

		if (len - o >= 8) {
			emit_store(g, 10, at, BPF_DW, store_src(g));
		} else {
			for (uint32_t k = o; k < len; k += 4)
				emit_store(g, 10, (int16_t)(scratch + (int)k), BPF_W,
					   store_src(g));
		}
	}
	emit(g, I(BPF_MOV64_REG(arg, 10)));
	emit(g, I(BPF_ALU64_IMM(BPF_ADD, arg, scratch)));
	set_reg(g, arg, T_DEAD, 0, 0);
}

/* A key for map @p m in r2: mostly a small number, so that lookups hit. */
static void
key_arg(struct gen *g, uint32_t m)
{
	uint32_t ks = g->p->maps[m].key_size;

	if (chance(g, 75)) {
		int s = pick_scalar_safe(g);
		int k = s == 0 ? 9 : 0;

		emit(g, I(BPF_MOV64_REG(k, s)));
		emit(g, I(BPF_ALU64_IMM(BPF_AND, k, chance(g, 85) ? 7 : 0xff)));
		set_reg(g, k, T_SCALAR, 0, 0);
		emit(g, I(BPF_STX_MEM(ks == 8 ? BPF_DW : BPF_W, 10, k, SCR_KEY)));
		emit(g, I(BPF_MOV64_REG(2, 10)));
		emit(g, I(BPF_ALU64_IMM(BPF_ADD, 2, SCR_KEY)));
		set_reg(g, 2, T_DEAD, 0, 0);
		return;
	}
	mem_arg(g, 2, ks, SCR_KEY, true);
}

/* r0 = bpf_map_lookup_elem(map, key); if (r0) { the block uses the value } */
static void
gen_lookup_block(struct gen *g, int depth)
{
	uint32_t m = rn(g, RANDPROG_N_MAPS);
	int held = 0;
	uint32_t j;
	struct gstate before;

	g->args_busy = true;

	key_arg(g, m);
	emit_map_ref(g, 1, m);
	emit(g, I(BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem)));
	after_call(g, false);
	set_reg(g, 0, T_DEAD, 0, 0); /* map_value_or_null until checked */
	if (g->mistake && strcmp(g->mistake, "map_value_null_unchecked") == 0) {
		emit(g, I(BPF_LDX_MEM(BPF_B, 1, 0, 0)));
		mark_mistake(g, g->mistake);
	}
	if (chance(g, 50)) {
		held = 7 + (int)rn(g, 3);
		emit(g, I(BPF_MOV64_REG(held, 0)));
		set_reg(g, held, T_DEAD, 0, 0);
	}
	if (chance(g, 50))
		j = emit(g, I(BPF_JMP_IMM(BPF_JEQ, held, 0, 0)));
	else
		j = emit(g, I(BPF_JMP_IMM(BPF_JEQ, 0, 0, 0)));
	before = g->st;
	set_reg(g, 0, T_MAPVAL, 0, (uint8_t)m);
	if (held)
		set_reg(g, held, T_MAPVAL, 0, (uint8_t)m);
	gen_ops(g, 1 + rn(g, 8), depth + 1);
	patch_to_here(g, j);
	merge(&g->st, &before);
}

static void
gen_map_update(struct gen *g)
{
	uint32_t m = rn(g, RANDPROG_N_MAPS);
	static const int32_t flags[] = { BPF_ANY, BPF_ANY, BPF_NOEXIST, BPF_EXIST, 4 };

	g->args_busy = true;

	mem_arg(g, 3, g->p->maps[m].value_size, SCR_VAL, true);
	key_arg(g, m);
	emit(g, I(BPF_MOV64_IMM(4, flags[rn(g, 5)])));
	emit_map_ref(g, 1, m);
	emit(g, I(BPF_CALL_HELPER(BPF_FUNC_map_update_elem)));
	after_call(g, false);
	forget_hash_values(g, m);
}

static void
gen_map_delete(struct gen *g)
{
	uint32_t m = rn(g, RANDPROG_N_MAPS);

	g->args_busy = true;

	key_arg(g, m);
	emit_map_ref(g, 1, m);
	emit(g, I(BPF_CALL_HELPER(BPF_FUNC_map_delete_elem)));
	after_call(g, false);
	forget_hash_values(g, m);
}

/* bpf_xdp_adjust_head / _tail by a small delta, then every packet pointer is stale. */
static void
gen_adjust(struct gen *g)
{
	bool head = chance(g, 50);
	int stale = pick_type(g, T_PKT, 1);

	g->args_busy = true;
	if (chance(g, 70)) {
		emit(g, I(BPF_MOV64_IMM(2, (int32_t)rn(g, 129) - 64)));
	} else {
		int s = pick_scalar_safe(g);

		emit(g, I(BPF_MOV64_REG(2, s)));
		emit(g, I(BPF_ALU64_IMM(BPF_AND, 2, 127)));
		emit(g, I(BPF_ALU64_IMM(BPF_SUB, 2, 64)));
	}
	emit(g, I(BPF_MOV64_REG(1, 6)));
	emit(g, I(BPF_CALL_HELPER(head ? BPF_FUNC_xdp_adjust_head : BPF_FUNC_xdp_adjust_tail)));
	after_call(g, true);
	if (stale >= 6 && g->mistake && strcmp(g->mistake, "stale_pkt_pointer") == 0) {
		emit(g, I(BPF_LDX_MEM(BPF_B, 0, stale, 0)));
		mark_mistake(g, g->mistake);
	}
}

/* r0 = bpf_csum_diff(from, from_size, to, to_size, seed) */
static void
gen_csum_diff(struct gen *g)
{
	uint32_t fs = chance(g, 15) ? 0 : 4 * rn(g, 11);
	uint32_t ts = 4 * rn(g, 11);
	int s;

	if (chance(g, 5))
		ts = 1 + rn(g, 3) + 4 * rn(g, 8); /* not a multiple of 4: -EINVAL */
	g->args_busy = true;
	s = pick_scalar_safe(g);
	if (fs == 0 && chance(g, 50))
		emit(g, I(BPF_MOV64_IMM(1, 0)));
	else
		mem_arg(g, 1, fs, SCR_CSA, false);
	mem_arg(g, 3, ts, SCR_CSB, false);
	emit(g, I(BPF_MOV64_IMM(2, (int32_t)fs)));
	emit(g, I(BPF_MOV64_IMM(4, (int32_t)ts)));
	emit(g, I(BPF_MOV64_REG(5, s)));
	emit(g, I(BPF_CALL_HELPER(BPF_FUNC_csum_diff)));
	after_call(g, false);
}

/* Scalars from the context and the packet's length. */
static void
gen_ctx_scalar(struct gen *g)
{
	int dst, data, end;

	switch (rn(g, 4)) {
	case 0:
		dst = pick_dst(g);
		emit(g, I(BPF_LDX_MEM(BPF_W, dst, 6, chance(g, 50) ? MD_INGRESS_IFINDEX
							      : MD_RX_QUEUE_INDEX)));
		set_reg(g, dst, T_SCALAR, 0, 0);
		return;
	case 1:
		g->args_busy = true;
		emit(g, I(BPF_MOV64_REG(1, 6)));
		emit(g, I(BPF_CALL_HELPER(BPF_FUNC_xdp_get_buff_len)));
		after_call(g, false);
		return;
	case 2:
		if (g->mistake && strcmp(g->mistake, "ctx_write") == 0) {
			emit(g, I(BPF_STX_MEM(BPF_W, 6, pick_scalar(g), MD_DATA)));
			mark_mistake(g, g->mistake);
			return;
		}
		/* fall through */
	default: /* data_end - data: the root verifier makes it a scalar */
		pkt_regs(g, &data, &end, -1);
		dst = pick_dst_not(g, data, end, -1);
		emit(g, I(BPF_MOV64_REG(dst, end)));
		emit(g, I(BPF_ALU64_REG(BPF_SUB, dst, data)));
		set_reg(g, dst, T_SCALAR, 0, 0);
		return;
	}
}

/* ---- the program ---------------------------------------------------------- */

static void
gen_ops(struct gen *g, uint32_t n_ops, int depth)
{
	for (uint32_t i = 0; i < n_ops && room(g); i++) {
		uint32_t w = rn(g, 100);
		bool nest = depth < MAX_DEPTH;

		if (w < 30)
			gen_alu(g);
		else if (w < 40)
			gen_mem_access(g, true, false);
		else if (w < 45)
			gen_mem_access(g, true, true);
		else if (w < 55 && nest)
			gen_pkt_block(g, depth);
		else if (w < 63 && nest)
			gen_cond_block(g, depth);
		else if (w < 72)
			gen_stack(g);
		else if (w < 75)
			gen_atomic(g);
		else if (w < 80 && nest)
			gen_lookup_block(g, depth);
		else if (w < 85)
			gen_mem_access(g, false, chance(g, 40));
		else if (w < 88)
			gen_map_update(g);
		else if (w < 89)
			gen_map_delete(g);
		else if (w < 91)
			gen_adjust(g);
		else if (w < 94)
			gen_csum_diff(g);
		else if (w < 97)
			gen_ctx_scalar(g);
		else
			gen_alu(g);
	}
}

static void
gen_maps(struct gen *g)
{
	static const uint32_t avs[] = { 8, 16, 24, 32 }, amax[] = { 1, 2, 4, 8 };
	struct randprog_map *a = &g->p->maps[0], *h = &g->p->maps[1];

	*a = (struct randprog_map){ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				    .value_size = avs[rn(g, 4)], .max_entries = amax[rn(g, 4)] };
	*h = (struct randprog_map){ .type = BPF_MAP_TYPE_HASH, .key_size = chance(g, 50) ? 4 : 8,
				    .value_size = chance(g, 50) ? 8 : 16,
				    .max_entries = 2u << rn(g, 3) };
	for (int m = 0; m < RANDPROG_N_MAPS; m++) {
		struct randprog_map *mp = &g->p->maps[m];
		uint32_t first = rn(g, 8);

		mp->n_init = rn(g, mp->max_entries + 1);
		for (uint32_t i = 0; i < mp->n_init; i++) {
			uint32_t k = m == 0 ? i : (first + i) % 8; /* distinct small keys */

			memcpy(mp->init_key[i], &k, sizeof(k));
			for (uint32_t b = 0; b < mp->value_size; b++)
				mp->init_value[i][b] = (uint8_t)randprog_rand(&g->rng);
		}
	}
}

static void
gen_return(struct gen *g)
{
	int r = pick_type(g, T_SCALAR, 0);
	uint32_t how = rn(g, 10);

	if (r < 0 || how == 0) {
		emit(g, I(BPF_MOV64_IMM(0, (int32_t)rn(g, 5))));
	} else {
		if (r != 0)
			emit(g, I(BPF_MOV64_REG(0, r)));
		if (how < 6)
			emit(g, I(BPF_ALU64_IMM(BPF_AND, 0, 3)));
		else if (how < 8)
			emit(g, I(BPF_ALU32_IMM(BPF_MOD, 0, 5)));
		/* else: the raw value, out of the XDP actions most of the time */
	}
	emit(g, I(BPF_EXIT_INSN()));
}

void
randprog_generate(uint64_t seed, struct randprog *p)
{
	static const char *const mistakes[] = {
		"shift_out_of_range", "div_by_zero_imm", "pkt_out_of_range",
		"map_value_out_of_range", "map_value_null_unchecked", "stack_out_of_range",
		"stack_misaligned", "stale_pkt_pointer", "ctx_write",
	};
	struct gen g = { .p = p, .rng = seed };
	uint32_t target;

	memset(p, 0, sizeof(*p));
	p->seed = seed;
	randprog_rand(&g.rng);
	gen_maps(&g);
	if (chance(&g, RANDPROG_MISTAKE_PCT))
		g.mistake = mistakes[rn(&g, sizeof(mistakes) / sizeof(mistakes[0]))];
	set_reg(&g, 1, T_CTX, 0, 0);
	set_reg(&g, 10, T_DEAD, 0, 0);
	emit(&g, I(BPF_MOV64_REG(6, 1)));
	set_reg(&g, 6, T_CTX, 0, 0);
	target = 16 + rn(&g, chance(&g, 80) ? 120 : 400);
	while (g.p->n < target && room(&g))
		gen_ops(&g, 4, 0);
	if (g.mistake != NULL) { /* not placed on the way: a division by zero at the end */
		int r = pick_scalar(&g);

		mark_mistake(&g, "div_by_zero_imm");
		emit(&g, I(BPF_ALU64_IMM(BPF_DIV, r, 0)));
	}
	gen_return(&g);
}

void
randprog_resolve_maps(const struct randprog *p, const uint64_t refs[RANDPROG_N_MAPS],
		      struct bpf_insn *out)
{
	memcpy(out, p->insns, p->n * sizeof(*out));
	for (uint32_t i = 0; i + 1 < p->n; i++) {
		if (out[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (out[i].src_reg == BPF_PSEUDO_MAP_FD) {
			uint64_t v = refs[p->insns[i].imm];

			out[i].imm = (int32_t)(uint32_t)v;
			out[i + 1].imm = (int32_t)(uint32_t)(v >> 32);
		}
		i++;
	}
}
