/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Assembler for the uBPF / bpf_conformance text syntax (see xdpdk/asm.h).
 * Mnemonics and opcodes come from opcodes.def; the only names added here are
 * the conformance suite's spellings of encodings that opcodes.def folds into
 * one mnemonic (sdiv = div with off 1, be16 = be with imm 16, ...). Two passes:
 * encode line by line, recording label uses, then patch the offsets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/asm.h>

#include "isa.h"

struct mnemonic {
	const char *name;
	uint8_t code;
	uint8_t kind;
};

static const struct mnemonic mnemonics[] = {
#define XDPDK_OP(code, mnemonic, kind, op) { #mnemonic, code, KIND_##kind },
#include "opcodes.def"
#undef XDPDK_OP
};

#define N_MNEMONICS (sizeof(mnemonics) / sizeof(mnemonics[0]))

/*
 * Operands each shape takes, one letter each: r register, i immediate,
 * t jump target (offset or label), m memory "[%rN+off]". CALL and ATOMIC have
 * their own syntax and no entry.
 */
static const char *const shape_operands[KIND_COUNT] = {
	[KIND_ALU64_IMM] = "ri", [KIND_ALU64_REG] = "rr", [KIND_ALU64_UN] = "r",
	[KIND_ALU32_IMM] = "ri", [KIND_ALU32_REG] = "rr", [KIND_ALU32_UN] = "r",
	[KIND_END] = "r", [KIND_JA] = "t",
	[KIND_JMP64_IMM] = "rit", [KIND_JMP64_REG] = "rrt",
	[KIND_JMP32_IMM] = "rit", [KIND_JMP32_REG] = "rrt",
	[KIND_EXIT] = "", [KIND_LDDW] = "ri", [KIND_LD_ABS] = "i", [KIND_LD_IND] = "ri",
	[KIND_LDX] = "rm", [KIND_LDXSX] = "rm", [KIND_ST] = "mi", [KIND_STX] = "mr",
};

/*
 * bpf_conformance spellings that select an opcodes.def mnemonic plus a fixed
 * off (sdiv, smod, movsx) or width (byte swaps).
 */
struct alias {
	const char *name;
	const char *base;
	int16_t off;
	int32_t width;
};

static const struct alias aliases[] = {
	{ "sdiv", "div", 1, 0 }, { "sdiv32", "div32", 1, 0 },
	{ "smod", "mod", 1, 0 }, { "smod32", "mod32", 1, 0 },
	{ "movsx864", "mov", 8, 0 }, { "movsx1664", "mov", 16, 0 },
	{ "movsx3264", "mov", 32, 0 },
	{ "movsx832", "mov32", 8, 0 }, { "movsx1632", "mov32", 16, 0 },
	{ "be16", "be", 0, 16 }, { "be32", "be", 0, 32 }, { "be64", "be", 0, 64 },
	{ "le16", "le", 0, 16 }, { "le32", "le", 0, 32 }, { "le64", "le", 0, 64 },
	{ "bswap16", "bswap", 0, 16 }, { "bswap32", "bswap", 0, 32 },
	{ "bswap64", "bswap", 0, 64 },
	{ "swap16", "bswap", 0, 16 }, { "swap32", "bswap", 0, 32 },
	{ "swap64", "bswap", 0, 64 },
	{ "ja32", "gotol", 0, 0 },
};

#define MAX_NAME 64
#define MAX_OPERANDS 4

struct label {
	char name[MAX_NAME];
	uint32_t pc;
};

/* A label use, patched once every label is known. */
struct fixup {
	char name[MAX_NAME];
	uint32_t pc;
	unsigned line;
	bool in_imm;	/* call local and gotol: the offset is in imm, not off */
};

struct asm_state {
	struct bpf_insn *insns;
	uint32_t n, cap;
	struct label *labels;
	uint32_t n_labels, cap_labels;
	struct fixup *fixups;
	uint32_t n_fixups, cap_fixups;
	uint32_t first_exit;	/* the implicit "exit" label */
	bool have_exit;
	unsigned line;
	char *err;
	size_t err_size;
};

__attribute__((format(printf, 2, 3)))
static int
fail(struct asm_state *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st->err != NULL && st->err_size > 0) {
		n = snprintf(st->err, st->err_size, "line %u: ", st->line);
		if (n >= 0 && (size_t)n < st->err_size) {
			va_start(ap, fmt);
			vsnprintf(st->err + n, st->err_size - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static int
grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, (size_t)ncap * elem);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool
is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_' || *s == '.'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* "%r3" or "r3": 0..15 (r11-r15 assemble so that negative tests can exist). */
static int
parse_reg(const char *s)
{
	char *end;
	long v;

	if (*s == '%')
		s++;
	if (*s != 'r' || !isdigit((unsigned char)s[1]))
		return -1;
	v = strtol(s + 1, &end, 10);
	if (*end != '\0' || v > 15)
		return -1;
	return (int)v;
}

/* A number as written: sign and magnitude, decimal or 0x hex. */
struct num {
	bool neg;
	uint64_t mag;
};

static bool
parse_num(const char *s, struct num *out)
{
	int base = 10;
	char *end;

	out->neg = false;
	if (*s == '+' || *s == '-')
		out->neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return false;
	errno = 0;
	out->mag = strtoull(s, &end, base);
	return *end == '\0' && errno == 0;
}

/*
 * 32-bit immediates may be written signed, as their unsigned bit pattern, or
 * as the 64-bit value they stand for once sign-extended ("jne %r1,
 * 0xfffffffffffffffc, l" is -4), as the conformance suite writes operands of
 * 64-bit operations. Any other wider value would be truncated: refused.
 */
static bool
num_to_imm32(const struct num *v, int32_t *out)
{
	if (v->neg ? v->mag > (uint64_t)1 << 31 :
	    v->mag > UINT32_MAX && v->mag < 0xffffffff80000000ull)
		return false;
	*out = (int32_t)(uint32_t)(v->neg ? 0 - v->mag : v->mag);
	return true;
}

static bool
num_to_off16(const struct num *v, int16_t *out)
{
	if (v->neg ? v->mag > 32768 : v->mag > 32767)
		return false;
	*out = (int16_t)(v->neg ? -(int64_t)v->mag : (int64_t)v->mag);
	return true;
}

static int
imm32_operand(struct asm_state *st, const char *s, int32_t *out)
{
	struct num v;

	if (!parse_num(s, &v))
		return fail(st, "expected an immediate, got '%s'", s);
	if (!num_to_imm32(&v, out))
		return fail(st, "immediate '%s' does not fit in 32 bits", s);
	return 0;
}

static int
reg_operand(struct asm_state *st, const char *s, uint8_t *out)
{
	int r = parse_reg(s);

	if (r < 0)
		return fail(st, "expected a register, got '%s'", s);
	*out = (uint8_t)r;
	return 0;
}

/* "[%r1+4]", "[%r10-8]", "[%r1]"; spaces inside are allowed. */
static int
mem_operand(struct asm_state *st, const char *s, uint8_t *reg, int16_t *off)
{
	char buf[MAX_NAME], *p, *sign;
	size_t len = strlen(s), j = 0;
	struct num v;
	int r;

	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return fail(st, "expected a memory operand like [%%r1+4], got '%s'", s);
	for (size_t i = 1; i + 1 < len && j + 1 < sizeof(buf); i++)
		if (!isspace((unsigned char)s[i]))
			buf[j++] = s[i];
	buf[j] = '\0';
	p = buf;
	sign = strpbrk(p, "+-");
	*off = 0;
	if (sign != NULL) {
		if (!parse_num(sign, &v) || !num_to_off16(&v, off))
			return fail(st, "bad offset in '%s' (-32768..32767)", s);
		*sign = '\0';
	}
	r = parse_reg(p);
	if (r < 0)
		return fail(st, "expected a register in '%s'", s);
	*reg = (uint8_t)r;
	return 0;
}

static int
add_fixup(struct asm_state *st, const char *name, bool in_imm)
{
	struct fixup *f;

	if (strlen(name) >= MAX_NAME)
		return fail(st, "label '%s' is too long", name);
	if (grow((void **)&st->fixups, &st->cap_fixups, st->n_fixups + 1, sizeof(*st->fixups)))
		return -ENOMEM;
	f = &st->fixups[st->n_fixups++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->pc = st->n;
	f->line = st->line;
	f->in_imm = in_imm;
	return 0;
}

/* A jump or call target: a relative offset now, or a label patched later. */
static int
target_operand(struct asm_state *st, const char *s, bool in_imm, struct bpf_insn *insn)
{
	struct num v;
	int32_t imm;

	if (parse_num(s, &v)) {
		if (in_imm) {
			if (!num_to_imm32(&v, &imm) || (!v.neg && v.mag > INT32_MAX))
				return fail(st, "target offset '%s' does not fit in 32 bits", s);
			insn->imm = imm;
		} else if (!num_to_off16(&v, &insn->off)) {
			return fail(st, "jump offset '%s' does not fit in 16 bits", s);
		}
		return 0;
	}
	if (!is_ident(s))
		return fail(st, "expected a jump offset or a label, got '%s'", s);
	return add_fixup(st, s, in_imm);
}

static int
emit(struct asm_state *st, const struct bpf_insn *insns, uint32_t n)
{
	if (grow((void **)&st->insns, &st->cap, st->n + n, sizeof(*st->insns)))
		return -ENOMEM;
	memcpy(&st->insns[st->n], insns, n * sizeof(*insns));
	st->n += n;
	return 0;
}

/* Split "a, b, c" in place; returns the count or -1 if there are too many. */
static int
split_operands(char *rest, char *ops[MAX_OPERANDS])
{
	int n = 0;
	char *p = rest;

	if (*p == '\0')
		return 0;
	for (;;) {
		char *comma = strchr(p, ',');

		if (n == MAX_OPERANDS)
			return -1;
		if (comma != NULL)
			*comma = '\0';
		ops[n++] = trim(p);
		if (comma == NULL)
			return n;
		p = comma + 1;
	}
}

static char
operand_class(const char *s)
{
	struct num v;

	if (parse_reg(s) >= 0)
		return 'r';
	if (s[0] == '[')
		return 'm';
	if (parse_num(s, &v))
		return 'i';
	if (is_ident(s))
		return 't';
	return '?';
}

static bool
shape_matches(const char *shape, char *ops[], int n_ops)
{
	if ((int)strlen(shape) != n_ops)
		return false;
	for (int i = 0; i < n_ops; i++) {
		char c = operand_class(ops[i]);

		if (shape[i] == 't' ? (c != 'i' && c != 't') : c != shape[i])
			return false;
	}
	return true;
}

/* Next whitespace-separated word of *s, advancing *s past it. */
static char *
next_word(char **s)
{
	char *w = *s, *e;

	while (isspace((unsigned char)*w))
		w++;
	e = w;
	while (*e && !isspace((unsigned char)*e))
		e++;
	if (*e)
		*e++ = '\0';
	*s = e;
	return w;
}

/* "lock [fetch] op[32] [mem], %src": BPF_STX | BPF_ATOMIC with the operation in imm. */
static int
encode_lock(struct asm_state *st, char *rest)
{
	static const struct { const char *name; int32_t imm; } ops[] = {
		{ "add", BPF_ADD }, { "or", BPF_OR }, { "and", BPF_AND }, { "xor", BPF_XOR },
		{ "xchg", BPF_XCHG }, { "cmpxchg", BPF_CMPXCHG },
	};
	struct bpf_insn insn = { 0 };
	char *word, *operands[MAX_OPERANDS], name[16];
	uint8_t size = BPF_DW, dst = 0, src = 0;
	bool fetch = false, found = false;
	size_t len;
	int n, rc;

	word = next_word(&rest);
	if (strcmp(word, "fetch") == 0) {
		fetch = true;
		word = next_word(&rest);
	}
	len = strlen(word);
	if (len == 0 || len >= sizeof(name))
		return fail(st, "lock needs an operation (add, or, and, xor, xchg, cmpxchg)");
	memcpy(name, word, len + 1);
	if (len > 2 && strcmp(name + len - 2, "32") == 0) {
		size = BPF_W;
		name[len - 2] = '\0';
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(name, ops[i].name) == 0) {
			insn.imm = ops[i].imm;
			found = true;
		}
	}
	if (!found)
		return fail(st, "unknown atomic operation '%s'", word);
	/* xchg and cmpxchg always fetch; "fetch" is only meaningful for the others. */
	if (fetch)
		insn.imm |= BPF_FETCH;
	for (size_t i = 0; i < N_MNEMONICS; i++)
		if (mnemonics[i].kind == KIND_ATOMIC && BPF_SIZE(mnemonics[i].code) == size)
			insn.code = mnemonics[i].code;
	n = split_operands(trim(rest), operands);
	if (n != 2)
		return fail(st, "lock %s takes 2 operands: [%%rN+off], %%rM", word);
	rc = mem_operand(st, operands[0], &dst, &insn.off);
	if (rc == 0)
		rc = reg_operand(st, operands[1], &src);
	if (rc != 0)
		return rc;
	insn.dst_reg = dst;
	insn.src_reg = src;
	return emit(st, &insn, 1);
}

/*
 * "call N" / "call helper N": helper by id; "call local target": bpf2bpf call;
 * "call runtime N": a kfunc by BTF id (src 2), as the conformance suite says.
 */
static int
encode_call(struct asm_state *st, char *rest)
{
	struct bpf_insn insn = { .code = BPF_JMP | BPF_CALL };
	char *mode = rest, *word = next_word(&mode);
	char *target;
	int rc;

	if (strcmp(word, "local") == 0 || strcmp(word, "helper") == 0 ||
	    strcmp(word, "runtime") == 0) {
		target = trim(mode);
	} else {
		/* No mode: a helper id, as bpf_conformance defaults to. */
		target = word;
		word = "helper";
		if (*trim(mode) != '\0')
			return fail(st, "call takes one target, got '%s %s'", target, trim(mode));
	}
	if (*target == '\0')
		return fail(st, "call needs a target");
	if (parse_reg(target) >= 0)
		return fail(st, "call through a register (callx) is not supported");
	if (strcmp(word, "local") == 0) {
		insn.src_reg = BPF_PSEUDO_CALL;
		rc = target_operand(st, target, true, &insn);
	} else if (strcmp(word, "runtime") == 0) {
		/* bpf_conformance's name for a call by BTF id (a kfunc): src 2. */
		insn.src_reg = BPF_PSEUDO_KFUNC_CALL;
		rc = imm32_operand(st, target, &insn.imm);
	} else {
		rc = imm32_operand(st, target, &insn.imm);
	}
	if (rc != 0)
		return rc;
	return emit(st, &insn, 1);
}

static const struct alias *
find_alias(const char *name)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

/* Fill the instruction's fields from operands already known to fit its shape. */
static int
encode_operands(struct asm_state *st, const struct mnemonic *m, char *ops[],
		struct bpf_insn insn[2])
{
	uint8_t dst = 0, src = 0;
	struct num v;
	int rc = 0;

	switch (m->kind) {
	case KIND_ALU64_IMM:
	case KIND_ALU32_IMM:
		rc = reg_operand(st, ops[0], &dst);
		if (rc == 0)
			rc = imm32_operand(st, ops[1], &insn->imm);
		break;
	case KIND_ALU64_REG:
	case KIND_ALU32_REG:
		rc = reg_operand(st, ops[0], &dst);
		if (rc == 0)
			rc = reg_operand(st, ops[1], &src);
		break;
	case KIND_ALU64_UN:
	case KIND_ALU32_UN:
	case KIND_END:
		rc = reg_operand(st, ops[0], &dst);
		break;
	case KIND_JA:
		/* gotol (JMP32 | JA) carries its offset in imm. */
		rc = target_operand(st, ops[0], BPF_CLASS(m->code) == BPF_JMP32, insn);
		break;
	case KIND_JMP64_IMM:
	case KIND_JMP32_IMM:
		rc = reg_operand(st, ops[0], &dst);
		if (rc == 0)
			rc = imm32_operand(st, ops[1], &insn->imm);
		if (rc == 0)
			rc = target_operand(st, ops[2], false, insn);
		break;
	case KIND_JMP64_REG:
	case KIND_JMP32_REG:
		rc = reg_operand(st, ops[0], &dst);
		if (rc == 0)
			rc = reg_operand(st, ops[1], &src);
		if (rc == 0)
			rc = target_operand(st, ops[2], false, insn);
		break;
	case KIND_EXIT:
		break;
	case KIND_LDDW:
		rc = reg_operand(st, ops[0], &dst);
		if (rc != 0)
			break;
		if (!parse_num(ops[1], &v) || (v.neg && v.mag > (uint64_t)1 << 63))
			return fail(st, "expected a 64-bit immediate, got '%s'", ops[1]);
		if (v.neg)
			v.mag = 0 - v.mag;
		insn[0].imm = (int32_t)(uint32_t)v.mag;
		insn[1].imm = (int32_t)(uint32_t)(v.mag >> 32);
		break;
	case KIND_LD_ABS:
		rc = imm32_operand(st, ops[0], &insn->imm);
		break;
	case KIND_LD_IND:
		rc = reg_operand(st, ops[0], &src);
		if (rc == 0)
			rc = imm32_operand(st, ops[1], &insn->imm);
		break;
	case KIND_LDX:
	case KIND_LDXSX:
		rc = reg_operand(st, ops[0], &dst);
		if (rc == 0)
			rc = mem_operand(st, ops[1], &src, &insn->off);
		break;
	case KIND_ST:
		rc = mem_operand(st, ops[0], &dst, &insn->off);
		if (rc == 0)
			rc = imm32_operand(st, ops[1], &insn->imm);
		break;
	case KIND_STX:
		rc = mem_operand(st, ops[0], &dst, &insn->off);
		if (rc == 0)
			rc = reg_operand(st, ops[1], &src);
		break;
	default:
		return fail(st, "internal: no encoder for '%s'", m->name);
	}
	insn->dst_reg = dst;
	insn->src_reg = src;
	return rc;
}

/* Describe the operands a mnemonic takes, for "bad operands" messages. */
static void
describe_shapes(const char *name, char *buf, size_t size)
{
	static const char *const words[128] = {
		['r'] = "register", ['i'] = "immediate", ['t'] = "target", ['m'] = "[mem]",
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_MNEMONICS; i++) {
		const char *shape = shape_operands[mnemonics[i].kind];

		if (strcmp(mnemonics[i].name, name) != 0 || shape == NULL)
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s(",
					 len ? " or " : "");
		for (const char *c = shape; *c && len < size; c++)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						 c == shape ? "" : ", ", words[(int)*c]);
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, ")");
	}
}

static int
encode_insn(struct asm_state *st, const char *mnemonic, char *rest)
{
	const struct alias *alias = find_alias(mnemonic);
	const char *base = alias ? alias->base : mnemonic;
	const struct mnemonic *m = NULL;
	struct bpf_insn insn[2] = { { 0 } };
	char *ops[MAX_OPERANDS], shapes[160];
	bool known = false;
	int n_ops, rc;

	n_ops = split_operands(rest, ops);
	if (n_ops < 0)
		return fail(st, "too many operands for '%s'", mnemonic);
	for (int i = 0; i < n_ops; i++)
		if (*ops[i] == '\0')
			return fail(st, "empty operand for '%s'", mnemonic);
	for (size_t i = 0; i < N_MNEMONICS && m == NULL; i++) {
		const char *shape = shape_operands[mnemonics[i].kind];

		if (strcmp(mnemonics[i].name, base) != 0)
			continue;
		known = true;
		if (shape != NULL && shape_matches(shape, ops, n_ops))
			m = &mnemonics[i];
	}
	if (!known)
		return fail(st, "unknown mnemonic '%s'", mnemonic);
	if (m == NULL) {
		describe_shapes(base, shapes, sizeof(shapes));
		return fail(st, "bad operands for '%s': expected %s", mnemonic, shapes);
	}
	if (m->kind == KIND_END && (alias == NULL || alias->width == 0))
		return fail(st, "'%s' needs a width: %s16, %s32 or %s64", mnemonic, mnemonic,
			    mnemonic, mnemonic);
	if (alias != NULL && alias->off > 1 && m->kind != KIND_ALU64_REG &&
	    m->kind != KIND_ALU32_REG)
		return fail(st, "'%s' takes a register source", mnemonic);

	insn[0].code = m->code;
	rc = encode_operands(st, m, ops, insn);
	if (rc != 0)
		return rc;
	if (alias != NULL) {
		if (alias->off != 0)
			insn[0].off = alias->off;
		if (alias->width != 0)
			insn[0].imm = alias->width;
	}
	if (m->kind == KIND_EXIT && !st->have_exit) {
		st->have_exit = true;
		st->first_exit = st->n;
	}
	return emit(st, insn, m->kind == KIND_LDDW ? 2 : 1);
}

static int
define_label(struct asm_state *st, const char *name)
{
	struct label *l;

	if (!is_ident(name))
		return fail(st, "bad label name '%s'", name);
	if (strlen(name) >= MAX_NAME)
		return fail(st, "label '%s' is too long", name);
	for (uint32_t i = 0; i < st->n_labels; i++)
		if (strcmp(st->labels[i].name, name) == 0)
			return fail(st, "duplicate label '%s'", name);
	if (grow((void **)&st->labels, &st->cap_labels, st->n_labels + 1, sizeof(*st->labels)))
		return -ENOMEM;
	l = &st->labels[st->n_labels++];
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->pc = st->n;
	return 0;
}

static int
assemble_line(struct asm_state *st, char *line)
{
	char *comment = strpbrk(line, "#;");
	char *p, *colon, *mnemonic;
	int rc;

	if (comment != NULL)
		*comment = '\0';
	p = trim(line);
	/* "name:" possibly followed by an instruction on the same line. */
	colon = p;
	while (isalnum((unsigned char)*colon) || *colon == '_' || *colon == '.')
		colon++;
	if (colon != p && *colon == ':') {
		*colon = '\0';
		rc = define_label(st, p);
		if (rc != 0)
			return rc;
		p = trim(colon + 1);
	}
	if (*p == '\0')
		return 0;
	mnemonic = next_word(&p);
	for (char *c = mnemonic; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	p = trim(p);
	if (strcmp(mnemonic, "lock") == 0)
		return encode_lock(st, p);
	if (strcmp(mnemonic, "call") == 0)
		return encode_call(st, p);
	return encode_insn(st, mnemonic, p);
}

static int
resolve_fixups(struct asm_state *st)
{
	for (uint32_t i = 0; i < st->n_fixups; i++) {
		const struct fixup *f = &st->fixups[i];
		int64_t target = -1, delta;

		for (uint32_t j = 0; j < st->n_labels; j++)
			if (strcmp(st->labels[j].name, f->name) == 0)
				target = st->labels[j].pc;
		if (target < 0 && st->have_exit && strcmp(f->name, "exit") == 0)
			target = st->first_exit;
		st->line = f->line;
		if (target < 0)
			return fail(st, "unknown label '%s'", f->name);
		delta = target - (int64_t)f->pc - 1;
		if (f->in_imm) {
			st->insns[f->pc].imm = (int32_t)delta;
		} else {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return fail(st, "jump to '%s' is out of range (%lld)", f->name,
					    (long long)delta);
			st->insns[f->pc].off = (int16_t)delta;
		}
	}
	return 0;
}

int
xdpdk_asm(const char *text, struct bpf_insn **insns, uint32_t *n, char *err,
	  size_t err_size)
{
	struct asm_state st = { .err = err, .err_size = err_size };
	const char *p = text;
	char *line = NULL;
	size_t line_cap = 0;
	int rc = 0;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (text == NULL || insns == NULL || n == NULL)
		return -EINVAL;
	while (*p != '\0' && rc == 0) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		st.line++;
		if (len + 1 > line_cap) {
			char *nl = realloc(line, len + 1);

			if (nl == NULL) {
				rc = -ENOMEM;
				break;
			}
			line = nl;
			line_cap = len + 1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		rc = assemble_line(&st, line);
		p += len + (eol != NULL);
	}
	if (rc == 0)
		rc = resolve_fixups(&st);
	if (rc == 0 && st.n > XDPDK_BPF_MAX_INSNS) {
		st.line = 0;
		rc = fail(&st, "program has %u instruction slots (at most %u)", st.n,
			  XDPDK_BPF_MAX_INSNS);
	}
	free(line);
	free(st.labels);
	free(st.fixups);
	if (rc != 0) {
		if (rc == -ENOMEM && err != NULL && err_size > 0)
			snprintf(err, err_size, "out of memory");
		free(st.insns);
		return rc;
	}
	*insns = st.insns;
	*n = st.n;
	return 0;
}
