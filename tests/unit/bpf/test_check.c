/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Structural check: each rejection with its return code and a log line that
 * names the instruction; valid programs accepted with the right subprog table;
 * every opcode of opcodes.def accepted and every other one refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "insn_macros.h"
#include "prog_internal.h"

#define N_OF(t) (sizeof(t) / sizeof((t)[0]))

/* The checker runs on a bare program object, without the rest of the load pipeline. */
struct fixture {
	struct xdpdk_prog prog;
	char buf[512];
	struct xdpdk_log log;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->prog.subprogs);
	free(f);
	return 0;
}

static int
check(struct fixture *f, const struct bpf_insn *insns, uint32_t n)
{
	free(f->prog.subprogs);
	f->prog = (struct xdpdk_prog){ .insns = (struct bpf_insn *)insns, .n_insns = n };
	f->buf[0] = '\0';
	f->log = (struct xdpdk_log){ .buf = f->buf, .size = sizeof(f->buf) };
	return xdpdk_check_prog(&f->prog, &f->log);
}

struct reject_case {
	const char *name;
	const struct bpf_insn *insns;
	uint32_t n;
	const char *msg;	/* a substring of the log, with the instruction index */
};

#define REJECT(NAME, MSG, ...) { NAME, (const struct bpf_insn[]){ __VA_ARGS__ }, \
	sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn), MSG }
#define EXIT0 BPF_MOV64_IMM(0, 0), BPF_EXIT_INSN()

static const struct reject_case rejects[] = {
	/* Opcodes. */
	REJECT("unknown opcode", "insn 1: invalid opcode 0x8e",
	       BPF_MOV64_IMM(0, 0), BPF_RAW_INSN(0x8e, 0, 0, 0, 0), BPF_EXIT_INSN()),
	REJECT("opcode 0 outside lddw", "insn 0: invalid opcode 0x00",
	       BPF_RAW_INSN(0, 0, 0, 0, 0), EXIT0),
	REJECT("bswap has no to_be form", "insn 0: invalid opcode 0xdf",
	       BPF_RAW_INSN(BPF_ALU64 | BPF_END | BPF_TO_BE, 0, 0, 0, 16), EXIT0),
	REJECT("neg with a register", "insn 0: invalid opcode 0x8f",
	       BPF_RAW_INSN(BPF_ALU64 | BPF_NEG | BPF_X, 0, 1, 0, 0), EXIT0),
	REJECT("call in jmp32", "insn 0: invalid opcode 0x86",
	       BPF_RAW_INSN(BPF_JMP32 | BPF_CALL, 0, 0, 0, 1), EXIT0),
	REJECT("ldx memsx of 8 bytes", "insn 0: invalid opcode 0x99",
	       BPF_RAW_INSN(BPF_LDX | BPF_MEMSX | BPF_DW, 0, 1, 0, 0), EXIT0),
	REJECT("atomic byte", "insn 0: invalid opcode 0xd3",
	       BPF_RAW_INSN(BPF_STX | BPF_ATOMIC | BPF_B, 1, 2, 0, BPF_ADD), EXIT0),
	/* Registers. */
	REJECT("dst r11", "insn 1: invalid register r11",
	       BPF_MOV64_IMM(0, 0), BPF_MOV64_IMM(11, 1), BPF_EXIT_INSN()),
	REJECT("src r12", "insn 0: invalid register r12", BPF_MOV64_REG(0, 12), BPF_EXIT_INSN()),
	REJECT("lddw dst r15", "insn 0: invalid register r15", BPF_LD_IMM64(15, 1), EXIT0),
	REJECT("mov to r10", "insn 0: cannot write to r10", BPF_MOV64_IMM(10, 0), EXIT0),
	REJECT("add32 to r10", "insn 0: cannot write to r10", BPF_ALU32_IMM(BPF_ADD, 10, 1), EXIT0),
	REJECT("neg r10", "insn 0: cannot write to r10", BPF_NEG64(10), EXIT0),
	REJECT("bswap r10", "insn 0: cannot write to r10", BPF_BSWAP(10, 16), EXIT0),
	REJECT("ldx into r10", "insn 0: cannot write to r10", BPF_LDX_MEM(BPF_DW, 10, 1, 0), EXIT0),
	REJECT("ldxsx into r10", "insn 0: cannot write to r10",
	       BPF_LDX_MEMSX(BPF_W, 10, 1, 0), EXIT0),
	REJECT("lddw into r10", "insn 0: cannot write to r10", BPF_LD_IMM64(10, 1), EXIT0),
	REJECT("fetch into r10", "insn 0: cannot write to r10",
	       BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, 1, 10, 0), EXIT0),
	REJECT("xchg into r10", "insn 0: cannot write to r10",
	       BPF_ATOMIC_OP(BPF_W, BPF_XCHG, 1, 10, 0), EXIT0),
	/* ALU fields. */
	REJECT("alu imm with src_reg", "insn 0: nonzero src_reg 1",
	       BPF_RAW_INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 1, 0, 1), EXIT0),
	REJECT("alu reg with imm", "insn 0: nonzero imm 5",
	       BPF_RAW_INSN(BPF_ALU | BPF_ADD | BPF_X, 0, 1, 0, 5), EXIT0),
	REJECT("add with off", "insn 0: invalid off 1", BPF_ALU64_IMM_OFF(BPF_ADD, 0, 1, 1), EXIT0),
	REJECT("div with off 2", "insn 0: invalid off 2", BPF_ALU64_REG_OFF(BPF_DIV, 0, 1, 2),
	       EXIT0),
	REJECT("movsx 7", "insn 0: invalid off 7", BPF_MOVSX64_REG(0, 1, 7), EXIT0),
	REJECT("movsx32 32", "insn 0: invalid off 32", BPF_MOVSX32_REG(0, 1, 32), EXIT0),
	REJECT("mov imm with off", "insn 0: invalid off 8", BPF_ALU64_IMM_OFF(BPF_MOV, 0, 1, 8),
	       EXIT0),
	REJECT("end width 8", "insn 0: invalid END width 8", BPF_ENDIAN(BPF_TO_BE, 0, 8), EXIT0),
	REJECT("bswap width 0", "insn 0: invalid END width 0", BPF_BSWAP(0, 0), EXIT0),
	REJECT("end with off", "insn 0: reserved fields of END",
	       BPF_RAW_INSN(BPF_ALU | BPF_END | BPF_TO_LE, 0, 0, 1, 16), EXIT0),
	REJECT("neg with imm", "insn 0: reserved fields of neg",
	       BPF_RAW_INSN(BPF_ALU | BPF_NEG | BPF_K, 0, 0, 0, 1), EXIT0),
	/* Jumps. */
	REJECT("ja past the end", "insn 0: jump out of range to 42", BPF_JMP_A(41), EXIT0),
	REJECT("ja before the start", "insn 1: jump out of range to -1", BPF_MOV64_IMM(0, 0),
	       BPF_JMP_A(-3), BPF_EXIT_INSN()),
	REJECT("jeq out of range", "insn 0: jump out of range to 3",
	       BPF_JMP_IMM(BPF_JEQ, 0, 0, 2), EXIT0),
	REJECT("jmp32 reg out of range", "insn 0: jump out of range to 5",
	       BPF_JMP32_REG(BPF_JGT, 0, 1, 4), EXIT0),
	REJECT("gotol out of range", "insn 0: jump out of range to 100000", BPF_GOTOL(99999),
	       EXIT0),
	REJECT("jump into lddw", "insn 0: jump into the middle of lddw at 1", BPF_JMP_A(1),
	       BPF_LD_IMM64(0, 1), BPF_EXIT_INSN()),
	REJECT("backward jump into lddw", "insn 3: jump into the middle of lddw at 0",
	       BPF_LD_IMM64(0, 1), BPF_JMP_IMM(BPF_JEQ, 0, 0, 1), BPF_JMP_A(-3), BPF_EXIT_INSN()),
	REJECT("ja with imm", "insn 0: nonzero imm 1",
	       BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1), EXIT0),
	REJECT("gotol with off", "insn 0: nonzero off 1",
	       BPF_RAW_INSN(BPF_JMP32 | BPF_JA, 0, 0, 1, 0), EXIT0),
	REJECT("ja with a register", "insn 0: reserved fields of ja",
	       BPF_RAW_INSN(BPF_JMP | BPF_JA, 1, 0, 0, 0), EXIT0),
	REJECT("jmp imm with src_reg", "insn 0: nonzero src_reg 2",
	       BPF_RAW_INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0, 0), EXIT0),
	REJECT("jmp32 reg with imm", "insn 0: nonzero imm 3",
	       BPF_RAW_INSN(BPF_JMP32 | BPF_JEQ | BPF_X, 0, 2, 0, 3), EXIT0),
	REJECT("exit with imm", "insn 1: reserved fields of exit", BPF_MOV64_IMM(0, 0),
	       BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1)),
	/* lddw. */
	REJECT("truncated lddw", "insn 1: truncated lddw", BPF_MOV64_IMM(0, 0),
	       BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)),
	REJECT("lddw second slot opcode", "insn 0: second slot of lddw has opcode 0x07",
	       BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
	       BPF_ALU64_IMM(BPF_ADD, 0, 1), BPF_EXIT_INSN()),
	REJECT("lddw second slot fields", "insn 0: second slot of lddw has nonzero fields",
	       BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1), BPF_RAW_INSN(0, 1, 0, 0, 0),
	       BPF_EXIT_INSN()),
	REJECT("lddw src btf_id", "insn 0: invalid lddw src_reg 3",
	       BPF_LD_IMM64_RAW(0, BPF_PSEUDO_BTF_ID, 1), BPF_EXIT_INSN()),
	REJECT("lddw map index", "insn 0: unresolved reference to map index 3",
	       BPF_LD_IMM64_RAW(0, BPF_PSEUDO_MAP_IDX, 3), BPF_EXIT_INSN()),
	REJECT("lddw map index value", "insn 0: unresolved reference to map index 0",
	       BPF_LD_IMM64_RAW(0, BPF_PSEUDO_MAP_IDX_VALUE, 0), BPF_EXIT_INSN()),
	REJECT("lddw src 9", "insn 2: invalid lddw src_reg 9", EXIT0,
	       BPF_LD_IMM64_RAW(0, 9, 1), BPF_EXIT_INSN()),
	REJECT("lddw with off", "insn 0: nonzero off 1",
	       BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 1, 1), BPF_RAW_INSN(0, 0, 0, 0, 0),
	       BPF_EXIT_INSN()),
	REJECT("callback out of range", "insn 0: callback target 11 out of range",
	       BPF_LD_IMM64_RAW(1, BPF_PSEUDO_FUNC, 10), EXIT0),
	/* Memory. */
	REJECT("ldx with imm", "insn 0: nonzero imm 1",
	       BPF_RAW_INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 1), EXIT0),
	REJECT("st with src_reg", "insn 0: nonzero src_reg 2",
	       BPF_RAW_INSN(BPF_ST | BPF_MEM | BPF_W, 1, 2, 0, 1), EXIT0),
	REJECT("stx with imm", "insn 0: nonzero imm 4",
	       BPF_RAW_INSN(BPF_STX | BPF_MEM | BPF_W, 1, 2, 0, 4), EXIT0),
	REJECT("atomic sub", "insn 0: invalid atomic operation 0x10",
	       BPF_ATOMIC_OP(BPF_DW, BPF_SUB, 1, 2, 0), EXIT0),
	REJECT("atomic cmpxchg without fetch", "insn 0: invalid atomic operation 0xf0",
	       BPF_ATOMIC_OP(BPF_DW, 0xf0, 1, 2, 0), EXIT0),
	REJECT("ld_abs with dst", "insn 0: reserved fields of ld_abs/ld_ind",
	       BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_W, 1, 0, 0, 0), EXIT0),
	REJECT("ld_abs with src", "insn 0: reserved fields of ld_abs/ld_ind",
	       BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_H, 0, 1, 0, 0), EXIT0),
	REJECT("ld_ind with off", "insn 0: reserved fields of ld_abs/ld_ind",
	       BPF_RAW_INSN(BPF_LD | BPF_IND | BPF_B, 0, 1, 2, 0), EXIT0),
	/* Calls. */
	REJECT("kfunc", "insn 0: call to kfunc not supported",
	       BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1), EXIT0),
	REJECT("call src 3", "insn 0: invalid call src_reg 3",
	       BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 3, 0, 1), EXIT0),
	REJECT("call with off", "insn 0: reserved fields of call",
	       BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 1, 1), EXIT0),
	REJECT("bpf2bpf past the end", "insn 0: bpf2bpf call target out of range",
	       BPF_CALL_REL(5), EXIT0),
	REJECT("bpf2bpf before the start", "insn 1: bpf2bpf call target out of range",
	       BPF_MOV64_IMM(0, 0), BPF_CALL_REL(-3), BPF_EXIT_INSN()),
	REJECT("bpf2bpf into lddw", "insn 0: call into the middle of lddw at 2", BPF_CALL_REL(2),
	       BPF_EXIT_INSN(), BPF_LD_IMM64(0, 1), BPF_EXIT_INSN()),
	/* End of program and subprogs. */
	REJECT("falls off the end", "insn 1: last instruction is not exit or jump (falls off",
	       BPF_MOV64_IMM(0, 0), BPF_MOV64_IMM(0, 1)),
	REJECT("conditional jump last", "insn 1: last instruction is not exit or jump",
	       BPF_MOV64_IMM(0, 0), BPF_JMP_IMM(BPF_JEQ, 0, 0, -2)),
	REJECT("lddw last", "insn 2: last instruction is not exit or jump",
	       BPF_MOV64_IMM(0, 0), BPF_LD_IMM64(0, 1)),
	REJECT("subprog falls into the next",
	       "insn 3: last instruction of subprog at 2 is not exit or jump "
	       "(falls into subprog at 4)",
	       BPF_CALL_REL(1), BPF_EXIT_INSN(), BPF_MOV64_IMM(0, 1), BPF_MOV64_IMM(0, 2),
	       BPF_MOV64_IMM(0, 3), BPF_EXIT_INSN(), BPF_CALL_REL(-3), BPF_EXIT_INSN()),
	REJECT("jump into a subprog", "insn 0: jump to 3 leaves its subprog [0, 3)",
	       BPF_JMP_IMM(BPF_JEQ, 1, 0, 2), BPF_CALL_REL(1), BPF_EXIT_INSN(), EXIT0),
	REJECT("jump out of a subprog", "insn 3: jump to 1 leaves its subprog [3, 5)",
	       BPF_CALL_REL(2), BPF_EXIT_INSN(), BPF_EXIT_INSN(), BPF_JMP_A(-3), BPF_EXIT_INSN()),
	REJECT("self recursion", "insn 2: recursive call to subprog at 2", BPF_CALL_REL(1),
	       BPF_EXIT_INSN(), BPF_CALL_REL(-1), BPF_EXIT_INSN()),
	REJECT("mutual recursion", "insn 4: recursive call to subprog at 2", BPF_CALL_REL(1),
	       BPF_EXIT_INSN(), BPF_CALL_REL(1), BPF_EXIT_INSN(), BPF_CALL_REL(-3),
	       BPF_EXIT_INSN()),
	REJECT("calling the entry", "insn 2: recursive call to subprog at 0", BPF_CALL_REL(1),
	       BPF_EXIT_INSN(), BPF_CALL_REL(-3), BPF_EXIT_INSN()),
	/* Nine frames: eight calls deep. */
#define LINK BPF_CALL_REL(1), BPF_EXIT_INSN()
	REJECT("9 frames", "insn 14: call stack is deeper than 8 frames",
	       LINK, LINK, LINK, LINK, LINK, LINK, LINK, LINK, EXIT0),
};

static void
test_check_rejects_with_index(void **state)
{
	struct fixture *f = *state;
	int failed = 0;

	for (size_t i = 0; i < N_OF(rejects); i++) {
		const struct reject_case *c = &rejects[i];
		int rc = check(f, c->insns, c->n);

		if (rc != -EINVAL || strstr(f->buf, c->msg) == NULL) {
			print_error("%s: rc %d, log \"%s\", want -EINVAL and \"%s\"\n", c->name, rc,
				    f->buf, c->msg);
			failed++;
		} else if (f->prog.subprogs != NULL || f->prog.n_subprogs != 0) {
			print_error("%s: rejected but left a subprog table\n", c->name);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* The log names the opcode (mnemonic and code) after the reason. */
static void
test_check_log_names_opcode(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn insns[] = { BPF_MOV64_IMM(0, 0), BPF_MOV64_IMM(10, 1), EXIT0 };

	assert_int_equal(check(f, insns, N_OF(insns)), -EINVAL);
	assert_string_equal(f->buf, "insn 1: cannot write to r10 (mov, opcode 0xb7)\n");
}

static void
assert_subprogs(struct fixture *f, const struct bpf_insn *insns, uint32_t n,
		const struct xdpdk_subprog *want, uint32_t n_want)
{
	int rc = check(f, insns, n);

	if (rc != 0)
		fail_msg("rejected (%d): %s", rc, f->buf);
	assert_int_equal(f->prog.n_subprogs, n_want);
	for (uint32_t i = 0; i < n_want; i++) {
		assert_int_equal(f->prog.subprogs[i].start, want[i].start);
		assert_int_equal(f->prog.subprogs[i].end, want[i].end);
	}
}

#define SUBPROGS(F, WANT, ...)								\
	do {										\
		const struct bpf_insn p_[] = { __VA_ARGS__ };				\
		const struct xdpdk_subprog w_[] = WANT;					\
		assert_subprogs(F, p_, N_OF(p_), w_, N_OF(w_));				\
	} while (0)
#define SP(...) { __VA_ARGS__ }

static void
test_check_subprog_table(void **state)
{
	struct fixture *f = *state;

	/* One function, with a loop ending in ja. */
	SUBPROGS(f, SP({ 0, 6 }), BPF_MOV64_IMM(0, 3), BPF_JMP_A(1), BPF_EXIT_INSN(),
		 BPF_ALU64_IMM(BPF_SUB, 0, 1), BPF_JMP_IMM(BPF_JEQ, 0, 0, -3), BPF_JMP_A(-3));
	/* Callees are sorted by start, whatever the call order; a target called twice is one. */
	SUBPROGS(f, SP({ 0, 5 }, { 5, 7 }, { 7, 9 }),
		 BPF_CALL_REL(6), BPF_CALL_REL(3), BPF_CALL_REL(2), BPF_MOV64_IMM(0, 0),
		 BPF_EXIT_INSN(),
		 BPF_MOV64_IMM(0, 1), BPF_EXIT_INSN(),
		 BPF_MOV64_IMM(0, 2), BPF_EXIT_INSN());
	/* A callback named by lddw (BPF_PSEUDO_FUNC) is a subprog of its own. */
	SUBPROGS(f, SP({ 0, 4 }, { 4, 6 }), BPF_LD_IMM64_RAW(2, BPF_PSEUDO_FUNC, 3),
		 BPF_MOV64_IMM(0, 0), BPF_EXIT_INSN(), BPF_MOV64_IMM(0, 1), BPF_EXIT_INSN());
	/* Diamond: main -> a, b; a, b -> c. Shared callees are not recursion. */
	SUBPROGS(f, SP({ 0, 3 }, { 3, 5 }, { 5, 7 }, { 7, 9 }),
		 BPF_CALL_REL(2), BPF_CALL_REL(3), BPF_EXIT_INSN(),
		 BPF_CALL_REL(3), BPF_EXIT_INSN(),
		 BPF_CALL_REL(1), BPF_EXIT_INSN(),
		 BPF_MOV64_IMM(0, 0), BPF_EXIT_INSN());
	/* Eight frames, the most allowed: seven calls deep. */
	SUBPROGS(f, SP({ 0, 2 }, { 2, 4 }, { 4, 6 }, { 6, 8 }, { 8, 10 }, { 10, 12 }, { 12, 14 },
		       { 14, 16 }),
		 LINK, LINK, LINK, LINK, LINK, LINK, LINK, EXIT0);
	/* A subprog may end in a backward ja; gotol ends a program too. */
	SUBPROGS(f, SP({ 0, 2 }, { 2, 6 }), BPF_CALL_REL(1), BPF_EXIT_INSN(),
		 BPF_MOV64_IMM(0, 0), BPF_JMP_IMM(BPF_JEQ, 0, 0, 1), BPF_EXIT_INSN(),
		 BPF_GOTOL(-3));
}
#undef LINK

/* Fields the kernel allows, and run-time cases the structural check leaves alone. */
static void
test_check_accepts_valid_fields(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn insns[] = {
		BPF_MOVSX64_REG(1, 2, 8), BPF_MOVSX64_REG(1, 2, 16), BPF_MOVSX64_REG(1, 2, 32),
		BPF_MOVSX32_REG(1, 2, 8), BPF_MOVSX32_REG(1, 2, 16),
		BPF_ALU64_IMM_OFF(BPF_DIV, 1, 3, 1), BPF_ALU32_REG_OFF(BPF_MOD, 1, 2, 1),
		BPF_ALU64_IMM(BPF_DIV, 1, 0), BPF_ALU32_IMM(BPF_LSH, 1, 40),
		BPF_ENDIAN(BPF_TO_LE, 1, 64), BPF_BSWAP(1, 32),
		BPF_LD_IMM64_RAW(1, BPF_PSEUDO_MAP_FD, 0x1000),
		BPF_LD_IMM64_RAW(1, BPF_PSEUDO_MAP_VALUE, 1),
		BPF_ST_MEM(BPF_DW, 10, -8, 1), BPF_STX_MEM(BPF_DW, 10, 10, -16),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, 10, 10, -8),
		BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, 10, 1, -8),
		BPF_LDX_MEM(BPF_DW, 1, 10, -8), BPF_LD_IND(BPF_W, 1, 0), BPF_LD_ABS(BPF_B, 0),
		BPF_CALL_HELPER(1), BPF_JMP32_IMM(BPF_JSET, 1, -1, 0), EXIT0,
	};

	if (check(f, insns, N_OF(insns)) != 0)
		fail_msg("rejected: %s", f->buf);
	assert_int_equal(f->prog.n_subprogs, 1);
	assert_string_equal(f->buf, "");
}

/* A valid instruction for each opcode of opcodes.def, followed by exit. */
static uint32_t
sample_insn(uint8_t code, struct bpf_insn *out)
{
	const uint8_t cls = BPF_CLASS(code);

	memset(out, 0, 3 * sizeof(*out));
	out[0].code = code;
	out[0].dst_reg = 1;
	if (cls == BPF_ALU || cls == BPF_ALU64) {
		out[0].src_reg = BPF_SRC(code) == BPF_X && BPF_OP(code) != BPF_END ? 2 : 0;
		out[0].imm = BPF_OP(code) == BPF_END ? 32 : 0;
		if (BPF_OP(code) == BPF_NEG)
			out[0].src_reg = 0;
	} else if (cls == BPF_JMP || cls == BPF_JMP32) {
		out[0].src_reg = BPF_SRC(code) == BPF_X ? 2 : 0;
		if (BPF_OP(code) == BPF_JA || BPF_OP(code) == BPF_CALL || BPF_OP(code) == BPF_EXIT)
			out[0].dst_reg = 0;
	} else if (code == (BPF_LD | BPF_IMM | BPF_DW)) {
		out[0].imm = 1;
		out[2].code = BPF_JMP | BPF_EXIT;
		return 3;
	} else if (cls == BPF_LD) {
		out[0].dst_reg = 0;
		out[0].src_reg = BPF_MODE(code) == BPF_IND ? 2 : 0;
	} else {
		out[0].src_reg = cls == BPF_ST ? 0 : 2;
	}
	out[1].code = BPF_JMP | BPF_EXIT;
	return code == (BPF_JMP | BPF_EXIT) ? 1 : 2;
}

static void
test_check_opcode_list_matches_def(void **state)
{
	struct fixture *f = *state;
	bool listed[256] = { false };
	int failed = 0;

#define XDPDK_OP(c, m, k, o) listed[c] = true;
#include "opcodes.def"
#undef XDPDK_OP
	for (unsigned code = 0; code < 256; code++) {
		struct bpf_insn insns[3];
		uint32_t n = sample_insn((uint8_t)code, insns);
		char want[40];
		int rc = check(f, insns, n);

		snprintf(want, sizeof(want), "insn 0: invalid opcode 0x%02x", code);
		if (listed[code] && rc != 0) {
			print_error("opcode 0x%02x refused: %s", code, f->buf);
			failed++;
		} else if (!listed[code] && (rc != -EINVAL || strstr(f->buf, want) == NULL)) {
			print_error("opcode 0x%02x: rc %d, log \"%s\"\n", code, rc, f->buf);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Checking again replaces the table rather than leaking it. */
static void
test_check_twice_replaces_subprogs(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn insns[] = { BPF_CALL_REL(1), BPF_EXIT_INSN(), EXIT0 };

	assert_int_equal(xdpdk_check_prog(&f->prog, NULL), -EINVAL);	/* no insns yet */
	assert_int_equal(check(f, insns, N_OF(insns)), 0);
	assert_int_equal(xdpdk_check_prog(&f->prog, &f->log), 0);
	assert_int_equal(f->prog.n_subprogs, 2);
	assert_int_equal(f->prog.subprogs[1].start, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_rejects_with_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_log_names_opcode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_subprog_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_accepts_valid_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_opcode_list_matches_def, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_twice_replaces_subprogs, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
