/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Context rewrite. Programs read xdp_md/__sk_buff with 32-bit loads and use
 * data/data_end/data_meta as pointers; the kernel's verifier rewrites those
 * loads to its private layout (convert_ctx_accesses). xdpdk does the same:
 * a forward data-flow pass finds which registers (and stack slots) hold the
 * context at each instruction, then each load from the context is replaced
 * in place by a load from struct xdpdk_xdp_ctx (or xdpdk_skb_ctx, whose
 * allowed stores are rewritten the same way). Replacements are one slot
 * for one slot, so no jump needs fixing.
 *
 * Until the verifier lands this pass is the only context analysis; it tracks
 * r1 at entry, moves, 8-byte spills/fills on the stack at constant offsets and
 * bpf2bpf call arguments, which covers what clang emits.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/ctx.h>

#include "prog_internal.h"

/* Abstract value of a register or stack slot. */
enum {
	V_BOTTOM = 0,	/* not reached yet */
	V_OTHER,	/* anything but the context */
	V_CTX,		/* the context pointer, unmodified */
	V_CTX_MOD,	/* the context pointer plus something: no access allowed */
	V_MIXED,	/* context on some paths, not on others */
	V_FP,		/* frame pointer + fp_off (to follow spills through r10 copies) */
};

#define N_SLOTS (XDPDK_BPF_STACK_SIZE / 8)

struct aval {
	uint8_t kind;
	int16_t fp_off;
};

struct astate {
	struct aval reg[XDPDK_BPF_NREGS];
	uint8_t slot[N_SLOTS]; /* kinds only: V_BOTTOM/OTHER/CTX/MIXED */
	bool reached;
};

/* How a field may be accessed, beyond a 4-byte read. */
enum {
	F_PTR = 1 << 0,		/* data/data_end/data_meta: 4-byte read of an 8-byte pointer */
	F_NARROW = 1 << 1,	/* 1- and 2-byte reads too (bpf_ctx_narrow_access_ok) */
	F_ANY = 1 << 2,		/* cb[]: any aligned size inside the field, read and write */
	F_U64 = 1 << 3,		/* 8-byte field: only 8-byte access */
	F_W_TC = 1 << 4,	/* writable by TC (tc_cls_act_is_valid_access) */
	F_W_SF = 1 << 5,	/* writable by socket filters (sk_filter_is_valid_access) */
	F_NO_SF = 1 << 6,	/* not readable by socket filters */
	F_QMAP = 1 << 7,	/* queue_mapping: a store of >= NO_QUEUE_MAPPING is dropped */
};

/* One context field: UAPI offset and size → xdpdk offset and store width. */
struct ctx_field {
	uint16_t uapi_off;
	uint8_t uapi_size;
	uint16_t real_off;
	uint8_t real_size;	/* pointer/u64: 8; u32: 4; fields the kernel keeps in 16 bits: 2 */
	uint8_t flags;
};

#define XDP_F(f, fl, sz) { offsetof(struct xdp_md, f), 4, \
			   offsetof(struct xdpdk_xdp_ctx, f), sz, fl }
static const struct ctx_field xdp_fields[] = {
	XDP_F(data, F_PTR, 8),
	XDP_F(data_end, F_PTR, 8),
	XDP_F(data_meta, F_PTR, 8),
	XDP_F(ingress_ifindex, 0, 4),
	XDP_F(rx_queue_index, 0, 4),
	XDP_F(egress_ifindex, 0, 4),
};

/*
 * __sk_buff, with the kernel's bpf_skb_is_valid_access and
 * tc_cls_act_is_valid_access / sk_filter_is_valid_access rules. Fields not
 * listed (family, the addresses and ports: sk_skb only; flow_keys;
 * tstamp_type; padding) are refused for both types, as the kernel does.
 */
#define SKB_F(f, fl) { offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f), \
		       offsetof(struct xdpdk_skb_ctx, f), \
		       sizeof(((struct xdpdk_skb_ctx *)0)->f), fl }
#define SKB_RW (F_NARROW | F_W_TC)
static const struct ctx_field skb_fields[] = {
	SKB_F(len, F_NARROW),
	SKB_F(pkt_type, F_NARROW),
	SKB_F(mark, SKB_RW),
	SKB_F(queue_mapping, SKB_RW | F_QMAP),
	SKB_F(protocol, F_NARROW),
	SKB_F(vlan_present, F_NARROW),
	SKB_F(vlan_tci, F_NARROW),
	SKB_F(vlan_proto, F_NARROW),
	SKB_F(priority, SKB_RW),
	SKB_F(ingress_ifindex, F_NARROW),
	SKB_F(ifindex, F_NARROW),
	SKB_F(tc_index, SKB_RW),
	SKB_F(cb, F_ANY | F_W_TC | F_W_SF),
	SKB_F(hash, F_NARROW),
	SKB_F(tc_classid, SKB_RW | F_NO_SF),
	SKB_F(data, F_PTR | F_NO_SF),
	SKB_F(data_end, F_PTR | F_NO_SF),
	SKB_F(napi_id, F_NARROW),
	SKB_F(data_meta, F_PTR | F_NO_SF),
	SKB_F(tstamp, F_U64 | F_W_TC | F_NO_SF),
	SKB_F(wire_len, F_NARROW | F_NO_SF),
	SKB_F(gso_segs, F_NARROW),
	SKB_F(sk, F_U64),
	SKB_F(gso_size, F_NARROW),
	SKB_F(hwtstamp, F_U64 | F_NO_SF),
};

struct rewrite {
	struct xdpdk_prog *prog;
	struct xdpdk_log *log;
	struct astate *st;		/* state at the entry of each instruction */
	uint32_t *work;			/* worklist of instruction indexes */
	uint32_t n_work;
	bool *queued;
	struct astate *entry;		/* per subprog: joined argument state */
	bool *sub_dirty;
};

static struct aval
join_val(struct aval a, struct aval b)
{
	if (a.kind == V_BOTTOM)
		return b;
	if (b.kind == V_BOTTOM)
		return a;
	if (a.kind == b.kind && (a.kind != V_FP || a.fp_off == b.fp_off))
		return a;
	if (a.kind == V_CTX || b.kind == V_CTX || a.kind == V_MIXED || b.kind == V_MIXED ||
	    a.kind == V_CTX_MOD || b.kind == V_CTX_MOD)
		return (struct aval){ V_MIXED, 0 };
	return (struct aval){ V_OTHER, 0 };
}

static uint8_t
join_kind(uint8_t a, uint8_t b)
{
	return join_val((struct aval){ a, 0 }, (struct aval){ b, 0 }).kind;
}

/* Join @in into @dst; true if @dst changed. */
static bool
join_state(struct astate *dst, const struct astate *in)
{
	bool changed = !dst->reached;

	dst->reached = true;
	for (int r = 0; r < XDPDK_BPF_NREGS; r++) {
		struct aval j = join_val(dst->reg[r], in->reg[r]);

		if (j.kind != dst->reg[r].kind || j.fp_off != dst->reg[r].fp_off) {
			dst->reg[r] = j;
			changed = true;
		}
	}
	for (int s = 0; s < N_SLOTS; s++) {
		uint8_t j = join_kind(dst->slot[s], in->slot[s]);

		if (j != dst->slot[s]) {
			dst->slot[s] = j;
			changed = true;
		}
	}
	return changed;
}

static void
push(struct rewrite *rw, uint32_t pc, const struct astate *in)
{
	if (pc >= rw->prog->n_insns)
		return;
	if (join_state(&rw->st[pc], in) && !rw->queued[pc]) {
		rw->queued[pc] = true;
		rw->work[rw->n_work++] = pc;
	}
}

static const struct xdpdk_subprog *
subprog_at(const struct xdpdk_prog *prog, uint32_t start, uint32_t *idx)
{
	for (uint32_t i = 0; i < prog->n_subprogs; i++) {
		if (prog->subprogs[i].start == start) {
			*idx = i;
			return &prog->subprogs[i];
		}
	}
	return NULL;
}

/* Stack slot index of r10-relative offset @off for an 8-byte access, or -1. */
static int
slot_of(int32_t off)
{
	if (off >= 0 || off < -XDPDK_BPF_STACK_SIZE || (off & 7))
		return -1;
	return (XDPDK_BPF_STACK_SIZE + off) / 8;
}

/* Effective fp offset of [reg + off] if reg is a known frame pointer copy. */
static bool
fp_addr(const struct astate *s, uint8_t reg, int16_t off, int32_t *out)
{
	if (reg == BPF_REG_10) {
		*out = off;
		return true;
	}
	if (s->reg[reg].kind == V_FP) {
		*out = s->reg[reg].fp_off + off;
		return true;
	}
	return false;
}

/* A store or atomic clobbers the stack slots it may touch. */
static void
clobber_store(struct astate *s, uint8_t base, int16_t off, unsigned size, struct aval val)
{
	int32_t a;
	int slot;

	if (!fp_addr(s, base, off, &a))
		return; /* not the stack: spills elsewhere are not followed */
	slot = slot_of(a & ~7);
	if (slot < 0)
		return;
	if (size == 8 && (a & 7) == 0 && val.kind != V_FP)
		s->slot[slot] = val.kind == V_BOTTOM ? V_OTHER : val.kind;
	else
		s->slot[slot] = V_OTHER;
}

static int
ctx_error(struct rewrite *rw, uint32_t pc, const char *what, int16_t off, unsigned size)
{
	xdpdk_log_printf(rw->log, "insn %u: %s: off=%d size=%u\n", pc, what, off, size);
	return -EACCES;
}

/* Transfer function: the state after instruction @pc. Returns 0 or -errno. */
static int
step(struct rewrite *rw, uint32_t pc, struct astate *s)
{
	const struct bpf_insn *insn = &rw->prog->insns[pc];
	uint8_t cls = BPF_CLASS(insn->code);
	struct aval other = { V_OTHER, 0 };
	unsigned size = xdpdk_isa_size_bytes(insn->code);

	switch (cls) {
	case BPF_ALU64:
		if (BPF_OP(insn->code) == BPF_MOV && BPF_SRC(insn->code) == BPF_K) {
			s->reg[insn->dst_reg] = other;
			return 0;
		}
		if (BPF_OP(insn->code) == BPF_MOV && BPF_SRC(insn->code) == BPF_X && insn->off == 0) {
			s->reg[insn->dst_reg] = s->reg[insn->src_reg];
			if (insn->src_reg == BPF_REG_10)
				s->reg[insn->dst_reg] = (struct aval){ V_FP, 0 };
			return 0;
		}
		if (BPF_OP(insn->code) == BPF_ADD && BPF_SRC(insn->code) == BPF_K &&
		    s->reg[insn->dst_reg].kind == V_FP) {
			s->reg[insn->dst_reg].fp_off += insn->imm;
			return 0;
		}
		if (BPF_OP(insn->code) == BPF_ADD && BPF_SRC(insn->code) == BPF_K &&
		    insn->imm == 0)
			return 0;
		/* Arithmetic on the context makes it a modified context. */
		s->reg[insn->dst_reg] = s->reg[insn->dst_reg].kind == V_CTX ||
						s->reg[insn->dst_reg].kind == V_CTX_MOD ?
					(struct aval){ V_CTX_MOD, 0 } : other;
		return 0;
	case BPF_ALU:
		s->reg[insn->dst_reg] = other;
		return 0;
	case BPF_LD:
		if (xdpdk_isa_is_lddw(insn)) {
			s->reg[insn->dst_reg] = other;
			return 0;
		}
		/* LD_ABS/LD_IND: r0 result, r1-r5 clobbered like a call. */
		for (int r = BPF_REG_0; r <= BPF_REG_5; r++)
			s->reg[r] = other;
		return 0;
	case BPF_LDX: {
		struct aval base = s->reg[insn->src_reg];
		int32_t a;

		if (base.kind == V_MIXED)
			return ctx_error(rw, pc, "load through a register that is the context on "
					 "some paths only", insn->off, size);
		if (base.kind == V_CTX_MOD)
			return ctx_error(rw, pc, "dereference of modified ctx ptr", insn->off, size);
		if (fp_addr(s, insn->src_reg, insn->off, &a) && size == 8 && slot_of(a) >= 0 &&
		    BPF_MODE(insn->code) == BPF_MEM) {
			uint8_t k = s->slot[slot_of(a)];

			s->reg[insn->dst_reg] = (struct aval){ k == V_BOTTOM ? V_OTHER : k, 0 };
			if (k == V_MIXED)
				s->reg[insn->dst_reg].kind = V_MIXED;
			return 0;
		}
		s->reg[insn->dst_reg] = other;
		return 0;
	}
	case BPF_ST:
	case BPF_STX: {
		uint8_t base = insn->dst_reg;
		struct aval val = cls == BPF_STX ? s->reg[insn->src_reg] : other;

		/* Stores to the context itself are judged field by field in apply(). */
		if (s->reg[base].kind == V_MIXED || s->reg[base].kind == V_CTX_MOD)
			return ctx_error(rw, pc, "invalid bpf_context access (write)", insn->off,
					 size);
		if (s->reg[base].kind == V_CTX)
			return 0;
		if (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
			clobber_store(s, base, insn->off, size, other);
			if (insn->imm == BPF_CMPXCHG)
				s->reg[BPF_REG_0] = other;
			else if (insn->imm & BPF_FETCH)
				s->reg[insn->src_reg] = other;
			return 0;
		}
		clobber_store(s, base, insn->off, size, val);
		return 0;
	}
	default:
		return 0;
	}
}

/* Record the argument state of a bpf2bpf call for the callee's entry. */
static void
note_call(struct rewrite *rw, uint32_t target, const struct astate *s)
{
	uint32_t idx;
	struct astate in;

	if (subprog_at(rw->prog, target, &idx) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.reached = true;
	for (int r = 0; r < XDPDK_BPF_NREGS; r++)
		in.reg[r] = (struct aval){ V_OTHER, 0 };
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		in.reg[r] = s->reg[r].kind == V_FP ? (struct aval){ V_OTHER, 0 } : s->reg[r];
	for (int i = 0; i < N_SLOTS; i++)
		in.slot[i] = V_OTHER;
	if (join_state(&rw->entry[idx], &in))
		rw->sub_dirty[idx] = true;
}

/* Run the data flow from @start until the worklist is empty. */
static int
flow(struct rewrite *rw)
{
	const struct xdpdk_prog *prog = rw->prog;

	while (rw->n_work > 0) {
		uint32_t pc = rw->work[--rw->n_work];
		const struct bpf_insn *insn = &prog->insns[pc];
		uint8_t cls = BPF_CLASS(insn->code);
		uint8_t op = BPF_OP(insn->code);
		struct astate s = rw->st[pc];
		int rc;

		rw->queued[pc] = false;
		if (cls == BPF_JMP || cls == BPF_JMP32) {
			if (op == BPF_EXIT)
				continue;
			if (op == BPF_CALL) {
				if (insn->src_reg == BPF_PSEUDO_CALL)
					note_call(rw, pc + insn->imm + 1, &s);
				for (int r = BPF_REG_0; r <= BPF_REG_5; r++)
					s.reg[r] = (struct aval){ V_OTHER, 0 };
				push(rw, pc + 1, &s);
				continue;
			}
			if (op == BPF_JA) {
				push(rw, pc + xdpdk_isa_ja_offset(insn) + 1, &s);
				continue;
			}
			push(rw, pc + insn->off + 1, &s);
			push(rw, pc + 1, &s);
			continue;
		}
		rc = step(rw, pc, &s);
		if (rc != 0)
			return rc;
		push(rw, pc + (xdpdk_isa_is_lddw(insn) ? 2 : 1), &s);
	}
	return 0;
}

static const struct ctx_field *
find_field(const struct ctx_field *tab, size_t n, int16_t off)
{
	for (size_t i = 0; i < n; i++)
		if (off >= tab[i].uapi_off && off < tab[i].uapi_off + tab[i].uapi_size)
			return &tab[i];
	return NULL;
}

static uint8_t
size_code(unsigned size)
{
	return size == 8 ? BPF_DW : size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;
}

/*
 * The xdpdk offset and width of an access of @size bytes at UAPI offset @off,
 * or 0 when the kernel's is_valid_access would refuse it.
 */
static unsigned
field_access(const struct ctx_field *f, int16_t off, unsigned size, bool write, bool sf,
	     int16_t *real_off)
{
	const unsigned rel = (unsigned)(off - f->uapi_off);

	if (off % (int)size != 0 || (sf && (f->flags & F_NO_SF)) ||
	    (write && !(f->flags & (sf ? F_W_SF : F_W_TC))))
		return 0;
	*real_off = (int16_t)f->real_off;
	if (f->flags & F_ANY) {
		*real_off = (int16_t)(f->real_off + rel);
		return rel + size <= f->uapi_size ? size : 0;
	}
	if (f->flags & F_U64)
		return size == 8 ? 8 : 0;
	if (f->flags & F_PTR)
		return size == 4 ? 8 : 0;
	if (write)	/* stores are full-width; the kernel narrows 16-bit fields */
		return size == 4 ? f->real_size : 0;
	if (size == 4 || ((f->flags & F_NARROW) && size < 4)) {
		/* Little-endian: byte k of the field is byte k of the (padded) copy. */
		*real_off = (int16_t)(f->real_off + rel);
		return size;
	}
	return 0;
}

/* Rewrite every context access the analysis found. */
static int
apply(struct rewrite *rw, const struct ctx_field *tab, size_t n_tab, const char *ctx_name)
{
	struct xdpdk_prog *prog = rw->prog;
	const bool sf = prog->type == XDPDK_PROG_TYPE_SOCKET_FILTER;

	for (uint32_t pc = 0; pc < prog->n_insns; pc++) {
		struct bpf_insn *insn = &prog->insns[pc];
		const uint8_t cls = BPF_CLASS(insn->code);
		const unsigned size = xdpdk_isa_size_bytes(insn->code);
		const bool write = cls == BPF_ST || cls == BPF_STX;
		const struct ctx_field *f;
		int16_t real_off = 0;
		unsigned real_size = 0;

		if (!rw->st[pc].reached || (cls != BPF_LDX && !write) ||
		    rw->st[pc].reg[write ? insn->dst_reg : insn->src_reg].kind != V_CTX)
			continue;
		if (write && BPF_MODE(insn->code) == BPF_ATOMIC)
			return ctx_error(rw, pc, "BPF_ATOMIC stores into R1 ctx is not allowed",
					 insn->off, size);
		f = find_field(tab, n_tab, insn->off);
		if (f != NULL && BPF_MODE(insn->code) == BPF_MEM)
			real_size = field_access(f, insn->off, size, write, sf, &real_off);
		if (real_size == 0 && write)
			return ctx_error(rw, pc, "invalid bpf_context access (write)", insn->off,
					 size);
		if (real_size == 0) {
			xdpdk_log_printf(rw->log, "insn %u: invalid bpf_context access off=%d "
					 "size=%u (%s)\n", pc, insn->off, size, ctx_name);
			return -EACCES;
		}
		if ((f->flags & F_QMAP) && cls == BPF_ST && (uint32_t)insn->imm >= 0xffff) {
			/* NO_QUEUE_MAPPING and above: the kernel drops the store. */
			*insn = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
			continue;
		}
		insn->off = real_off;
		insn->code = (uint8_t)(cls | BPF_MEM | size_code(real_size));
	}
	return 0;
}

int
xdpdk_ctx_rewrite(struct xdpdk_prog *prog, struct xdpdk_log *log)
{
	struct rewrite rw = { .prog = prog, .log = log };
	const struct ctx_field *tab;
	size_t n_tab;
	const char *ctx_name;
	bool again;
	int rc = -ENOMEM;

	switch (prog->type) {
	case XDPDK_PROG_TYPE_XDP:
		tab = xdp_fields;
		n_tab = sizeof(xdp_fields) / sizeof(xdp_fields[0]);
		ctx_name = "xdp_md";
		break;
	case XDPDK_PROG_TYPE_TC:
	case XDPDK_PROG_TYPE_SOCKET_FILTER:
		tab = skb_fields;
		n_tab = sizeof(skb_fields) / sizeof(skb_fields[0]);
		ctx_name = "__sk_buff";
		break;
	default:
		return 0; /* RAW: r1 is plain memory */
	}

	rw.st = calloc(prog->n_insns, sizeof(*rw.st));
	rw.work = malloc(sizeof(*rw.work) * prog->n_insns);
	rw.queued = calloc(prog->n_insns, sizeof(*rw.queued));
	rw.entry = calloc(prog->n_subprogs ? prog->n_subprogs : 1, sizeof(*rw.entry));
	rw.sub_dirty = calloc(prog->n_subprogs ? prog->n_subprogs : 1, sizeof(*rw.sub_dirty));
	if (!rw.st || !rw.work || !rw.queued || !rw.entry || !rw.sub_dirty)
		goto out;

	/* Entry: r1 is the context, r10 the frame, nothing else known. */
	for (int r = 0; r < XDPDK_BPF_NREGS; r++)
		rw.entry[0].reg[r] = (struct aval){ V_OTHER, 0 };
	rw.entry[0].reg[BPF_REG_1] = (struct aval){ V_CTX, 0 };
	for (int i = 0; i < N_SLOTS; i++)
		rw.entry[0].slot[i] = V_OTHER;
	rw.entry[0].reached = true;
	rw.sub_dirty[0] = true;

	/* Re-run callees whose argument state grew until nothing changes. */
	do {
		again = false;
		for (uint32_t i = 0; i < (prog->n_subprogs ? prog->n_subprogs : 1); i++) {
			uint32_t start = prog->n_subprogs ? prog->subprogs[i].start : 0;

			if (!rw.sub_dirty[i])
				continue;
			rw.sub_dirty[i] = false;
			again = true;
			push(&rw, start, &rw.entry[i]);
			rc = flow(&rw);
			if (rc != 0)
				goto out;
		}
	} while (again);

	rc = apply(&rw, tab, n_tab, ctx_name);
out:
	free(rw.st);
	free(rw.work);
	free(rw.queued);
	free(rw.entry);
	free(rw.sub_dirty);
	return rc;
}
