/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Disassembler: one instruction to text in bpftool's "xlated" syntax (the
 * kernel's print_bpf_insn(): "r0 += r1", "if w1 s< 0x5 goto pc-3",
 * "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)"), so dumps read like the
 * kernel's. Which opcodes exist, and their operand shape, comes from
 * opcodes.def; everything not listed there is printed as invalid.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "prog_internal.h"

static const uint8_t op_kind[256] = {
#define XDPDK_OP(code, mnemonic, kind, op) [code] = KIND_##kind,
#include "opcodes.def"
#undef XDPDK_OP
};

/* Helper names by id, from the UAPI header (6.1: the mapper adds the commas). */
#define HELPER_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const helper_names[] = {
	__BPF_FUNC_MAPPER(HELPER_NAME)
};
#undef HELPER_NAME

static const char *const alu_ops[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=", [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const atomic_ops[16] = {
	[BPF_ADD >> 4] = "add", [BPF_OR >> 4] = "or", [BPF_AND >> 4] = "and",
	[BPF_XOR >> 4] = "xor",
};

/* Access types by BPF_SIZE, unsigned (loads, stores) and signed (memsx). */
static const char *
size_name(uint8_t code, bool is_signed)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return is_signed ? "s8" : "u8";
	case BPF_H: return is_signed ? "s16" : "u16";
	case BPF_W: return is_signed ? "s32" : "u32";
	default: return is_signed ? "s64" : "u64";
	}
}

/* snprintf that tolerates a NULL/empty buffer; the result is only for display. */
__attribute__((format(printf, 3, 4)))
static void
put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static int
invalid(const struct bpf_insn *insn, char *buf, size_t size)
{
	put(buf, size, "invalid insn 0x%02x", insn->code);
	return -EINVAL;
}

static int
print_alu(const struct bpf_insn *insn, enum xdpdk_isa_kind kind, char *buf, size_t size)
{
	char w = (kind == KIND_ALU32_IMM || kind == KIND_ALU32_REG || kind == KIND_ALU32_UN) ?
		 'w' : 'r';
	uint8_t op = BPF_OP(insn->code);
	const char *sym = alu_ops[op >> 4];
	const char *cast = "";

	if (kind == KIND_ALU64_UN || kind == KIND_ALU32_UN) {
		put(buf, size, "%c%u = -%c%u", w, insn->dst_reg, w, insn->dst_reg);
		return 1;
	}
	/* off selects the signed forms: sdiv/smod (1) and movsx (8/16/32). */
	if (op == BPF_DIV || op == BPF_MOD) {
		if (insn->off == 1)
			sym = op == BPF_DIV ? "s/=" : "s%=";
		else if (insn->off != 0)
			return invalid(insn, buf, size);
	} else if (op == BPF_MOV && insn->off != 0) {
		if (kind != KIND_ALU64_REG && kind != KIND_ALU32_REG)
			return invalid(insn, buf, size);
		switch (insn->off) {
		case 8: cast = "(s8)"; break;
		case 16: cast = "(s16)"; break;
		case 32: cast = "(s32)"; break;
		default: return invalid(insn, buf, size);
		}
	}
	if (kind == KIND_ALU64_REG || kind == KIND_ALU32_REG)
		put(buf, size, "%c%u %s %s%c%u", w, insn->dst_reg, sym, cast, w, insn->src_reg);
	else
		put(buf, size, "%c%u %s %d", w, insn->dst_reg, sym, insn->imm);
	return 1;
}

static int
print_end(const struct bpf_insn *insn, char *buf, size_t size)
{
	const char *name;

	if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
		return invalid(insn, buf, size);
	if (BPF_CLASS(insn->code) == BPF_ALU64)
		name = "bswap";
	else
		name = BPF_SRC(insn->code) == BPF_TO_BE ? "be" : "le";
	put(buf, size, "r%u = %s%d r%u", insn->dst_reg, name, insn->imm, insn->dst_reg);
	return 1;
}

static int
print_jmp(const struct bpf_insn *insn, enum xdpdk_isa_kind kind, char *buf, size_t size)
{
	char w = (kind == KIND_JMP32_IMM || kind == KIND_JMP32_REG) ? 'w' : 'r';
	const char *sym = jmp_ops[BPF_OP(insn->code) >> 4];

	if (kind == KIND_JMP64_REG || kind == KIND_JMP32_REG)
		put(buf, size, "if %c%u %s %c%u goto pc%+d", w, insn->dst_reg, sym, w,
		    insn->src_reg, insn->off);
	else
		put(buf, size, "if %c%u %s 0x%x goto pc%+d", w, insn->dst_reg, sym,
		    (uint32_t)insn->imm, insn->off);
	return 1;
}

static int
print_call(const struct bpf_insn *insn, char *buf, size_t size)
{
	const char *name = "unknown";

	switch (insn->src_reg) {
	case 0:
		if (insn->imm >= 0 &&
		    (size_t)insn->imm < sizeof(helper_names) / sizeof(helper_names[0]) &&
		    helper_names[insn->imm] != NULL)
			name = helper_names[insn->imm];
		put(buf, size, "call %s#%d", name, insn->imm);
		return 1;
	case BPF_PSEUDO_CALL:
		put(buf, size, "call pc%+d", insn->imm);
		return 1;
	case BPF_PSEUDO_KFUNC_CALL:
		put(buf, size, "call kernel-function#%d", insn->imm);
		return 1;
	default:
		return invalid(insn, buf, size);
	}
}

/* lddw: a constant, or a reference the loader resolves (maps, BTF, functions). */
static int
print_lddw(const struct bpf_insn *insn, uint32_t n_left, char *buf, size_t size)
{
	uint32_t dst = insn->dst_reg;

	if (n_left < 2 || insn[1].code != 0 || insn[1].dst_reg != 0 || insn[1].src_reg != 0 ||
	    insn[1].off != 0)
		return invalid(insn, buf, size);
	switch (insn->src_reg) {
	case 0:
		put(buf, size, "r%u = 0x%llx ll", dst,
		    (unsigned long long)xdpdk_isa_lddw_imm(insn));
		break;
	case BPF_PSEUDO_MAP_FD:
		put(buf, size, "r%u = map[fd:%d]", dst, insn->imm);
		break;
	case BPF_PSEUDO_MAP_IDX:
		put(buf, size, "r%u = map[idx:%d]", dst, insn->imm);
		break;
	case BPF_PSEUDO_MAP_VALUE:
		put(buf, size, "r%u = map[fd:%d][0]+%u", dst, insn->imm, (uint32_t)insn[1].imm);
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		put(buf, size, "r%u = map[idx:%d][0]+%u", dst, insn->imm, (uint32_t)insn[1].imm);
		break;
	case BPF_PSEUDO_BTF_ID:
		put(buf, size, "r%u = btf[id:%d]", dst, insn->imm);
		break;
	case BPF_PSEUDO_FUNC:
		put(buf, size, "r%u = func pc%+d", dst, insn->imm);
		break;
	default:
		return invalid(insn, buf, size);
	}
	return 2;
}

static int
print_atomic(const struct bpf_insn *insn, char *buf, size_t size)
{
	bool is64 = BPF_SIZE(insn->code) == BPF_DW;
	const char *ty = size_name(insn->code, false);
	const char *bits = is64 ? "64" : "";
	uint8_t op = (uint8_t)(insn->imm & 0xf0);

	if (insn->imm == BPF_XCHG) {
		put(buf, size, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)", insn->src_reg, bits,
		    ty, insn->dst_reg, insn->off, insn->src_reg);
		return 1;
	}
	if (insn->imm == BPF_CMPXCHG) {
		put(buf, size, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)", bits, ty,
		    insn->dst_reg, insn->off, insn->src_reg);
		return 1;
	}
	if ((insn->imm & ~(int32_t)(0xf0 | BPF_FETCH)) != 0 || atomic_ops[op >> 4] == NULL)
		return invalid(insn, buf, size);
	if (insn->imm & BPF_FETCH)
		put(buf, size, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)", insn->src_reg,
		    bits, atomic_ops[op >> 4], ty, insn->dst_reg, insn->off, insn->src_reg);
	else
		put(buf, size, "lock *(%s *)(r%u %+d) %s r%u", ty, insn->dst_reg, insn->off,
		    alu_ops[op >> 4], insn->src_reg);
	return 1;
}

int
xdpdk_disasm_insn(const struct bpf_insn *insn, uint32_t n_left, char *buf, size_t size)
{
	enum xdpdk_isa_kind kind;

	if (insn == NULL || n_left == 0) {
		put(buf, size, "invalid insn (truncated)");
		return -EINVAL;
	}
	kind = op_kind[insn->code];
	switch (kind) {
	case KIND_ALU64_IMM:
	case KIND_ALU64_REG:
	case KIND_ALU64_UN:
	case KIND_ALU32_IMM:
	case KIND_ALU32_REG:
	case KIND_ALU32_UN:
		return print_alu(insn, kind, buf, size);
	case KIND_END:
		return print_end(insn, buf, size);
	case KIND_JA:
		put(buf, size, "%s pc%+d", BPF_CLASS(insn->code) == BPF_JMP32 ? "gotol" : "goto",
		    xdpdk_isa_ja_offset(insn));
		return 1;
	case KIND_JMP64_IMM:
	case KIND_JMP64_REG:
	case KIND_JMP32_IMM:
	case KIND_JMP32_REG:
		return print_jmp(insn, kind, buf, size);
	case KIND_CALL:
		return print_call(insn, buf, size);
	case KIND_EXIT:
		put(buf, size, "exit");
		return 1;
	case KIND_LDDW:
		return print_lddw(insn, n_left, buf, size);
	case KIND_LD_ABS:
		put(buf, size, "r0 = *(%s *)skb[%d]", size_name(insn->code, false), insn->imm);
		return 1;
	case KIND_LD_IND:
		put(buf, size, "r0 = *(%s *)skb[r%u + %d]", size_name(insn->code, false),
		    insn->src_reg, insn->imm);
		return 1;
	case KIND_LDX:
	case KIND_LDXSX:
		put(buf, size, "r%u = *(%s *)(r%u %+d)", insn->dst_reg,
		    size_name(insn->code, kind == KIND_LDXSX), insn->src_reg, insn->off);
		return 1;
	case KIND_ST:
		put(buf, size, "*(%s *)(r%u %+d) = %d", size_name(insn->code, false),
		    insn->dst_reg, insn->off, insn->imm);
		return 1;
	case KIND_STX:
		put(buf, size, "*(%s *)(r%u %+d) = r%u", size_name(insn->code, false),
		    insn->dst_reg, insn->off, insn->src_reg);
		return 1;
	case KIND_ATOMIC:
		return print_atomic(insn, buf, size);
	case KIND_NONE:
	default:
		return invalid(insn, buf, size);
	}
}
