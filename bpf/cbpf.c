/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic BPF (what libpcap's pcap_compile() produces for a tcpdump filter
 * expression) translated to eBPF, so that capture filters run on xdpdk's
 * own engine and JIT, as the kernel's bpf_convert_filter() turns socket
 * filters into eBPF. The result is a RAW program: r1 = the packet, r2 = its
 * length; it returns the classic program's value (0: reject, else the
 * snapshot length).
 *
 * Semantics are libpcap's bpf_filter() (and the kernel's): A and X are
 * 32-bit and start at 0, loads are big-endian, a load past the packet (an
 * X + k that wraps included) or a division by X == 0 ends the program with
 * 0, shifts by X of 32 or more give 0. The translation checks every bound itself, so the program needs no
 * verifier; jumps are forward only, so it always ends.
 *
 * Registers: A = r0, X = r8, packet = r6, length = r9, scratch r1/r2,
 * M[0..15] = 16 words at r10 - 64.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include <xdpdk/cbpf.h>

#include "isa.h"

#define R_A   BPF_REG_0
#define R_X   BPF_REG_8
#define R_PKT BPF_REG_6
#define R_LEN BPF_REG_9
#define R_T1  BPF_REG_1
#define R_T2  BPF_REG_2
#define MEM_OFF(k) ((int16_t)(-64 + 4 * (int)(k)))

/* A jump to patch: from out[at] to classic instruction @c target (n: the reject exit). */
struct fixup {
	uint32_t at;
	uint32_t target;
};

struct xlate {
	struct bpf_insn *out;
	uint32_t n, cap;
	struct fixup *fix;
	uint32_t n_fix, cap_fix;
	char *err;
	size_t err_size;
};

static int
emit(struct xlate *x, struct bpf_insn insn)
{
	if (x->n == x->cap) {
		uint32_t cap = x->cap ? x->cap * 2 : 256;
		struct bpf_insn *o = realloc(x->out, cap * sizeof(*o));

		if (o == NULL)
			return -ENOMEM;
		x->out = o;
		x->cap = cap;
	}
	x->out[x->n++] = insn;
	return 0;
}

static struct bpf_insn
mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

/* A jump (its offset patched later) to classic instruction @p target. */
static int
emit_jump(struct xlate *x, struct bpf_insn insn, uint32_t target)
{
	if (x->n_fix == x->cap_fix) {
		uint32_t cap = x->cap_fix ? x->cap_fix * 2 : 64;
		struct fixup *f = realloc(x->fix, cap * sizeof(*f));

		if (f == NULL)
			return -ENOMEM;
		x->fix = f;
		x->cap_fix = cap;
	}
	x->fix[x->n_fix++] = (struct fixup){ .at = x->n, .target = target };
	return emit(x, insn);
}

static int
fail(struct xlate *x, int rc, uint32_t pc, const char *what)
{
	if (x->err != NULL && x->err_size > 0)
		snprintf(x->err, x->err_size, "classic instruction %u: %s", pc, what);
	return rc;
}

static int
size_bytes(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	case BPF_B:
		return 1;
	default:
		return 0;
	}
}

/* A = big-endian load of @p size bytes at r_base + off, the bounds already checked. */
static int
emit_load(struct xlate *x, uint8_t dst, uint8_t base, int16_t off, int size)
{
	static const uint8_t sz[5] = { [1] = BPF_B, [2] = BPF_H, [4] = BPF_W };
	int rc = emit(x, mk(BPF_LDX | BPF_MEM | sz[size], dst, base, off, 0));

	if (rc == 0 && size > 1)
		rc = emit(x, mk(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, size * 8));
	return rc;
}

/* Load at the constant offset @p k, or reject when the packet is shorter. */
static int
emit_load_abs(struct xlate *x, uint32_t reject, uint8_t dst, uint32_t k, int size)
{
	int rc;

	if (k > 0xffff) /* no packet is that long: the load always fails */
		return emit_jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), reject);
	rc = emit_jump(x, mk(BPF_JMP | BPF_JLT | BPF_K, R_LEN, 0, 0, (int32_t)k + size), reject);
	if (rc != 0)
		return rc;
	if (k <= INT16_MAX)
		return emit_load(x, dst, R_PKT, (int16_t)k, size);
	rc = emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_T1, R_PKT, 0, 0));
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_K, R_T1, 0, 0, (int32_t)k));
	return rc != 0 ? rc : emit_load(x, dst, R_T1, 0, size);
}

/* A = load at X + k (a 64-bit sum: libpcap rejects one that wraps), or reject. */
static int
emit_load_ind(struct xlate *x, uint32_t reject, uint32_t k, int size)
{
	int rc = emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_T1, R_X, 0, 0));

	/* 32-bit moves zero-extend: t1 = (u64)X + (u64)k */
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_T2, 0, 0, (int32_t)k));
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_X, R_T1, R_T2, 0, 0));
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_T2, R_T1, 0, 0));
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_K, R_T2, 0, 0, size));
	if (rc == 0)
		rc = emit_jump(x, mk(BPF_JMP | BPF_JGT | BPF_X, R_T2, R_LEN, 0, 0), reject);
	if (rc == 0)
		rc = emit(x, mk(BPF_ALU64 | BPF_ADD | BPF_X, R_T1, R_PKT, 0, 0));
	return rc != 0 ? rc : emit_load(x, R_A, R_T1, 0, size);
}

static int
xlate_alu(struct xlate *x, const struct sock_filter *f, uint32_t pc, uint32_t reject)
{
	const uint8_t op = BPF_OP(f->code);
	int rc;

	if (op == BPF_NEG)
		return emit(x, mk(BPF_ALU | BPF_NEG, R_A, 0, 0, 0));
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
	case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
		break;
	default:
		return fail(x, -EINVAL, pc, "unknown ALU operation");
	}
	if (BPF_SRC(f->code) == BPF_K) {
		if ((op == BPF_DIV || op == BPF_MOD) && f->k == 0)
			return fail(x, -EINVAL, pc, "division by zero");
		if ((op == BPF_LSH || op == BPF_RSH) && f->k >= 32)
			return fail(x, -EINVAL, pc, "shift by 32 or more");
		return emit(x, mk(BPF_ALU | op | BPF_K, R_A, 0, 0, (int32_t)f->k));
	}
	if (op == BPF_DIV || op == BPF_MOD) {
		rc = emit_jump(x, mk(BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, 0, 0), reject);
		return rc != 0 ? rc : emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
	}
	if (op == BPF_LSH || op == BPF_RSH) {
		/* if X < 32 { A op= X } else { A = 0 } */
		rc = emit(x, mk(BPF_JMP32 | BPF_JLT | BPF_K, R_X, 0, 2, 32));
		if (rc == 0)
			rc = emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
		if (rc == 0)
			rc = emit(x, mk(BPF_JMP | BPF_JA, 0, 0, 1, 0));
		return rc != 0 ? rc : emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
	}
	return emit(x, mk(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
}

static int
xlate_jmp(struct xlate *x, const struct sock_filter *f, uint32_t pc, uint32_t n)
{
	const uint8_t op = BPF_OP(f->code);
	uint32_t t, e;
	int rc;

	if (op == BPF_JA) {
		if (f->k >= n - pc - 1)
			return fail(x, -EINVAL, pc, "jump out of the program");
		return emit_jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), pc + 1 + f->k);
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return fail(x, -EINVAL, pc, "unknown jump");
	t = pc + 1 + f->jt;
	e = pc + 1 + f->jf;
	if (t >= n || e >= n)
		return fail(x, -EINVAL, pc, "jump out of the program");
	/* unsigned 32-bit compares: jmp32 */
	rc = emit_jump(x, BPF_SRC(f->code) == BPF_K ?
				  mk(BPF_JMP32 | op | BPF_K, R_A, 0, 0, (int32_t)f->k) :
				  mk(BPF_JMP32 | op | BPF_X, R_A, R_X, 0, 0), t);
	if (rc == 0 && f->jf != 0)
		rc = emit_jump(x, mk(BPF_JMP | BPF_JA, 0, 0, 0, 0), e);
	return rc;
}

static int
xlate_one(struct xlate *x, const struct sock_filter *f, uint32_t pc, uint32_t n)
{
	const uint32_t reject = n;
	const int size = size_bytes(f->code);
	int rc;

	switch (BPF_CLASS(f->code)) {
	case BPF_LD:
		switch (BPF_MODE(f->code)) {
		case BPF_IMM:
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, (int32_t)f->k));
		case BPF_LEN:
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_A, R_LEN, 0, 0));
		case BPF_MEM:
			if (f->k >= BPF_MEMWORDS)
				return fail(x, -EINVAL, pc, "scratch memory index out of range");
			return emit(x, mk(BPF_LDX | BPF_MEM | BPF_W, R_A, BPF_REG_10,
					  MEM_OFF(f->k), 0));
		case BPF_ABS:
		case BPF_IND:
			if (size == 0)
				return fail(x, -EINVAL, pc, "bad load size");
			if ((int32_t)f->k < 0 && BPF_MODE(f->code) == BPF_ABS)
				return fail(x, -ENOTSUP, pc,
					    "Linux BPF extensions (SKF_AD_*) are not supported");
			return BPF_MODE(f->code) == BPF_ABS ?
				       emit_load_abs(x, reject, R_A, f->k, size) :
				       emit_load_ind(x, reject, f->k, size);
		default:
			return fail(x, -EINVAL, pc, "unknown load mode");
		}
	case BPF_LDX:
		switch (BPF_MODE(f->code)) {
		case BPF_IMM:
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, (int32_t)f->k));
		case BPF_LEN:
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_X, R_LEN, 0, 0));
		case BPF_MEM:
			if (f->k >= BPF_MEMWORDS)
				return fail(x, -EINVAL, pc, "scratch memory index out of range");
			return emit(x, mk(BPF_LDX | BPF_MEM | BPF_W, R_X, BPF_REG_10,
					  MEM_OFF(f->k), 0));
		case BPF_MSH: /* X = 4 * (pkt[k] & 0xf): an IPv4 header's length */
			rc = emit_load_abs(x, reject, R_X, f->k, 1);
			if (rc == 0)
				rc = emit(x, mk(BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf));
			return rc != 0 ? rc : emit(x, mk(BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2));
		default:
			return fail(x, -EINVAL, pc, "unknown load mode");
		}
	case BPF_ST:
	case BPF_STX:
		if (f->k >= BPF_MEMWORDS)
			return fail(x, -EINVAL, pc, "scratch memory index out of range");
		return emit(x, mk(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10,
				  BPF_CLASS(f->code) == BPF_ST ? R_A : R_X, MEM_OFF(f->k), 0));
	case BPF_ALU:
		return xlate_alu(x, f, pc, reject);
	case BPF_JMP:
		return xlate_jmp(x, f, pc, n);
	case BPF_RET:
		/* as libpcap and the kernel: return K or A, nothing else */
		if (BPF_RVAL(f->code) == BPF_K)
			rc = emit(x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, (int32_t)f->k));
		else if (BPF_RVAL(f->code) == BPF_A)
			rc = 0; /* already in r0 */
		else
			return fail(x, -EINVAL, pc, "unknown return");
		return rc != 0 ? rc : emit(x, mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	case BPF_MISC:
		if (BPF_MISCOP(f->code) == BPF_TAX)
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0));
		if (BPF_MISCOP(f->code) == BPF_TXA)
			return emit(x, mk(BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0));
		return fail(x, -EINVAL, pc, "unknown misc operation");
	default:
		return fail(x, -EINVAL, pc, "unknown instruction class");
	}
}

int
xdpdk_cbpf_to_ebpf(const struct sock_filter *f, uint32_t n, struct bpf_insn **out,
		   uint32_t *n_out, char *err, size_t err_size)
{
	struct xlate x = { .err = err, .err_size = err_size };
	uint32_t *start = NULL;
	int rc = 0;

	*out = NULL;
	*n_out = 0;
	if (n == 0 || n > XDPDK_CBPF_MAX_INSNS)
		return fail(&x, -EINVAL, 0, "a classic program has 1..4096 instructions");
	if (BPF_CLASS(f[n - 1].code) != BPF_RET)
		return fail(&x, -EINVAL, n - 1, "the program must end with a return");
	start = calloc(n + 1, sizeof(*start));
	if (start == NULL)
		return -ENOMEM;
	/* prologue: the packet and its length kept, A = X = 0, M[] zeroed */
	rc = emit(&x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_PKT, BPF_REG_1, 0, 0));
	if (rc == 0)
		rc = emit(&x, mk(BPF_ALU64 | BPF_MOV | BPF_X, R_LEN, BPF_REG_2, 0, 0));
	if (rc == 0)
		rc = emit(&x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
	if (rc == 0)
		rc = emit(&x, mk(BPF_ALU | BPF_MOV | BPF_K, R_X, 0, 0, 0));
	for (int i = 0; rc == 0 && i < BPF_MEMWORDS / 2; i++)
		rc = emit(&x, mk(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, (int16_t)(-64 + 8 * i), 0));
	for (uint32_t pc = 0; rc == 0 && pc < n; pc++) {
		start[pc] = x.n;
		rc = xlate_one(&x, &f[pc], pc, n);
	}
	/* the reject exit: a failed load, a division by zero */
	start[n] = x.n;
	if (rc == 0)
		rc = emit(&x, mk(BPF_ALU | BPF_MOV | BPF_K, R_A, 0, 0, 0));
	if (rc == 0)
		rc = emit(&x, mk(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	for (uint32_t i = 0; rc == 0 && i < x.n_fix; i++) {
		const int64_t off = (int64_t)start[x.fix[i].target] - (int64_t)x.fix[i].at - 1;

		if (off > INT16_MAX)
			rc = fail(&x, -E2BIG, 0, "the translation is too long for a jump");
		else
			x.out[x.fix[i].at].off = (int16_t)off;
	}
	free(start);
	free(x.fix);
	if (rc != 0) {
		free(x.out);
		return rc;
	}
	*out = x.out;
	*n_out = x.n;
	return 0;
}
