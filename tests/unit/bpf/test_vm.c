/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interpreter: every opcode group with its edge cases, as tables of
 * {name, program, memory, expected r0} that run on each engine of engines[]
 * (the interpreter, and the JIT when it can compile the program) and, on the
 * interpreter, once more in checked mode. Then the cases that need more than
 * a table: generated jump matrices, tail calls, LD_ABS/LD_IND, faults.
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

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>

#include "prog_internal.h"
#include "vm_cases.h"

/* Engines every table runs on; a JIT that cannot compile a case skips it with a message. */
static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

/*
 * Load a RAW program for @engine. NULL with *skip set when the JIT was asked
 * for and cannot take the program; NULL alone is a load failure (printed).
 */
static struct xdpdk_prog *
load(const char *name, const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine,
     char *skip, size_t skip_size)
{
	char log[512] = "";
	const struct xdpdk_prog_opts opts = {
		.name = name, .type = XDPDK_PROG_TYPE_RAW, .engine = engine,
		.helpers = test_resolver, .log_buf = log, .log_size = sizeof(log),
		.no_verify = 1,	/* engine test: raw streams, the verifier has its own tests */
	};
	struct xdpdk_prog *prog = xdpdk_prog_create(insns, n, &opts);

	if (prog == NULL && engine == XDPDK_ENGINE_JIT && errno == ENOTSUP) {
		snprintf(skip, skip_size, "%s", log);
		return NULL;
	}
	if (prog == NULL)
		print_error("%s: load failed: %s", name, log);
	return prog;
}

/* One case on one engine (and checked, on the interpreter); returns the failures. */
static int
run_case(const struct vm_case *c, enum xdpdk_engine engine, unsigned *skipped, char *why,
	 size_t why_size)
{
	struct xdpdk_prog *prog = load(c->name, c->insns, c->n_insns, engine, why, why_size);
	uint8_t *mem = NULL;
	uint64_t r0;
	int failed = 0;

	if (prog == NULL) {
		*skipped += why[0] != '\0';
		return why[0] == '\0';
	}
	if (c->mem != NULL) {
		mem = malloc(c->mem_len);
		assert_non_null(mem);
		memcpy(mem, c->mem, c->mem_len);
	}
	r0 = xdpdk_prog_run(prog, mem, mem ? c->mem_len : 0);
	if (r0 != c->expect) {
		print_error("%s [%s]: r0 = 0x%llx, want 0x%llx\n", c->name,
			    xdpdk_engine_name(xdpdk_prog_engine(prog)), (unsigned long long)r0,
			    (unsigned long long)c->expect);
		failed++;
	}
	if (xdpdk_prog_engine(prog) == XDPDK_ENGINE_INTERP) {
		struct xdpdk_run_result res;

		if (mem != NULL)
			memcpy(mem, c->mem, c->mem_len);
		if (xdpdk_prog_run_checked(prog, mem, mem ? c->mem_len : 0, &res) != 0 ||
		    res.retval != c->expect) {
			print_error("%s [checked]: fault %d (%s), r0 = 0x%llx, want 0x%llx\n",
				    c->name, res.fault, res.fault_msg,
				    (unsigned long long)res.retval, (unsigned long long)c->expect);
			failed++;
		}
	}
	free(mem);
	xdpdk_prog_free(prog);
	return failed;
}

static void
run_table(const struct vm_case *cases, size_t n)
{
	int failed = 0;

	for (size_t e = 0; e < N_CASES(engines); e++) {
		unsigned skipped = 0;
		char why[512] = "";

		for (size_t i = 0; i < n; i++)
			failed += run_case(&cases[i], engines[e], &skipped, why, sizeof(why));
		if (skipped > 0)
			print_message("[  SKIP    ] %s: %u of %zu cases (%s)\n",
				      xdpdk_engine_name(engines[e]), skipped, n, why);
	}
	assert_int_equal(failed, 0);
}

static void
test_vm_alu64(void **state)
{
	run_table(alu64_cases, N_CASES(alu64_cases));
}

static void
test_vm_alu32_zero_extends(void **state)
{
	run_table(alu32_cases, N_CASES(alu32_cases));
}

static void
test_vm_byte_swap(void **state)
{
	run_table(end_cases, N_CASES(end_cases));
}

static void
test_vm_jumps(void **state)
{
	run_table(jump_cases, N_CASES(jump_cases));
}

static void
test_vm_memory(void **state)
{
	run_table(mem_cases, N_CASES(mem_cases));
}

static void
test_vm_atomics(void **state)
{
	run_table(atomic_cases, N_CASES(atomic_cases));
}

static void
test_vm_calls(void **state)
{
	run_table(call_cases, N_CASES(call_cases));
}

static void
test_vm_ld_abs_ind(void **state)
{
	run_table(ld_pkt_cases, N_CASES(ld_pkt_cases));
}

static void
test_vm_cond_jumps_64_32_reg_imm(void **state)
{
	static const char *const names[16] = {
		[BPF_JEQ >> 4] = "jeq", [BPF_JNE >> 4] = "jne", [BPF_JGT >> 4] = "jgt",
		[BPF_JGE >> 4] = "jge", [BPF_JLT >> 4] = "jlt", [BPF_JLE >> 4] = "jle",
		[BPF_JSGT >> 4] = "jsgt", [BPF_JSGE >> 4] = "jsge", [BPF_JSLT >> 4] = "jslt",
		[BPF_JSLE >> 4] = "jsle", [BPF_JSET >> 4] = "jset",
	};
	int failed = 0;

	for (size_t e = 0; e < N_CASES(engines); e++) {
		unsigned skipped = 0, n = 0;
		char why[512] = "";

		for (size_t i = 0; i < N_CASES(jmp_rows); i++) {
			const struct jmp_row *r = &jmp_rows[i];

			for (int v = 0; v < 4; v++) {
				const bool is32 = v >= 2, is_imm = v & 1;
				const uint8_t cls = is32 ? BPF_JMP32 : BPF_JMP;
				struct bpf_insn prog[] = {
					BPF_LD_IMM64(1, r->a), BPF_LD_IMM64(2, r->b),
					BPF_MOV64_IMM(0, 0),
					BPF_RAW_INSN(cls | r->op | (is_imm ? BPF_K : BPF_X), 1,
						     is_imm ? 0 : 2, 1, is_imm ? (int32_t)r->b : 0),
					BPF_EXIT_INSN(), BPF_MOV64_IMM(0, 1), BPF_EXIT_INSN(),
				};
				char name[96];
				struct vm_case c = {
					.name = name, .insns = prog, .n_insns = N_CASES(prog),
					.expect = (is32 ? r->taken32 : r->taken64) ? 1 : 0,
				};

				/* JMP imm is sign-extended: b must be what the imm becomes. */
				if (is_imm && !is32 && r->b != (uint64_t)(int64_t)(int32_t)r->b)
					continue;
				snprintf(name, sizeof(name), "%s%s %s 0x%llx, 0x%llx",
					 names[r->op >> 4], is32 ? "32" : "",
					 is_imm ? "imm" : "reg", (unsigned long long)r->a,
					 (unsigned long long)r->b);
				failed += run_case(&c, engines[e], &skipped, why, sizeof(why));
				n++;
			}
		}
		if (skipped > 0)
			print_message("[  SKIP    ] %s: %u of %u cases (%s)\n",
				      xdpdk_engine_name(engines[e]), skipped, n, why);
	}
	assert_int_equal(failed, 0);
}

/*
 * Tail calls. The fixture owns a 2-slot prog_array and every program a test
 * loads; programs get the array's address through lddw (as after relocation).
 */
struct tail_fixture {
	struct xdpdk_prog_array *arr;
	struct xdpdk_prog *progs[8];
	unsigned n_progs;
};

static int
tail_setup(void **state)
{
	struct tail_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->arr = xdpdk_prog_array_create(2);
	*state = f;
	return f->arr == NULL ? -1 : 0;
}

static int
tail_teardown(void **state)
{
	struct tail_fixture *f = *state;

	for (unsigned i = 0; i < f->n_progs; i++)
		xdpdk_prog_free(f->progs[i]);
	xdpdk_prog_array_free(f->arr);
	free(f);
	return 0;
}

static void
tail_reset(struct tail_fixture *f)
{
	for (unsigned i = 0; i < f->n_progs; i++)
		xdpdk_prog_free(f->progs[i]);
	f->n_progs = 0;
	xdpdk_prog_array_set(f->arr, 0, NULL);
	xdpdk_prog_array_set(f->arr, 1, NULL);
}

/* Load into the fixture; NULL when the engine is skipped (message printed). */
static struct xdpdk_prog *
tail_load(struct tail_fixture *f, const char *name, const struct bpf_insn *insns, uint32_t n,
	  enum xdpdk_engine engine)
{
	char why[512] = "";
	struct xdpdk_prog *prog = load(name, insns, n, engine, why, sizeof(why));

	if (prog == NULL && why[0] != '\0') {
		print_message("[  SKIP    ] %s on %s: %s\n", name, xdpdk_engine_name(engine), why);
		return NULL;
	}
	assert_non_null(prog);
	f->progs[f->n_progs++] = prog;
	return prog;
}

#define TAIL_CALL(ARR, IDX) \
	BPF_LD_IMM64_RAW(2, BPF_PSEUDO_MAP_FD, (uintptr_t)(ARR)), BPF_MOV64_IMM(3, IDX), \
	BPF_CALL_HELPER(BPF_FUNC_tail_call)

/* The target: 40 from its own stack plus the u64 at r1 (the ctx handed over). */
#define TARGET_INSNS \
	BPF_ST_MEM(BPF_DW, 10, -8, 40), BPF_LDX_MEM(BPF_DW, 0, 10, -8), \
	BPF_LDX_MEM(BPF_DW, 2, 1, 0), BPF_ALU64_REG(BPF_ADD, 0, 2), BPF_EXIT_INSN()

/* Runs the entry with a u64 of 2 at r1: checked too, on the interpreter. */
static uint64_t
tail_run(const struct xdpdk_prog *prog, uint64_t *counter)
{
	uint64_t mem = 2, r0 = xdpdk_prog_run(prog, counter ? counter : &mem, 8);

	if (xdpdk_prog_engine(prog) == XDPDK_ENGINE_INTERP) {
		struct xdpdk_run_result res;
		uint64_t again = 2;

		if (counter == NULL) {
			assert_int_equal(xdpdk_prog_run_checked(prog, &again, 8, &res), 0);
			assert_int_equal(res.retval, r0);
		}
	}
	return r0;
}

static void
test_vm_tail_call_slots(void **state)
{
	struct tail_fixture *f = *state;
	const struct bpf_insn target[] = { TARGET_INSNS };

	for (size_t e = 0; e < N_CASES(engines); e++) {
		const struct bpf_insn slot0[] = { TAIL_CALL(f->arr, 0), BPF_MOV64_IMM(0, 99),
						  BPF_EXIT_INSN() };
		const struct bpf_insn slot1[] = { TAIL_CALL(f->arr, 1), BPF_MOV64_IMM(0, 99),
						  BPF_EXIT_INSN() };
		const struct bpf_insn slot5[] = { TAIL_CALL(f->arr, 5), BPF_MOV64_IMM(0, 99),
						  BPF_EXIT_INSN() };
		struct xdpdk_prog *t, *p0, *p1, *p5;

		tail_reset(f);
		t = tail_load(f, "target", target, N_CASES(target), engines[e]);
		p0 = tail_load(f, "slot0", slot0, N_CASES(slot0), engines[e]);
		p1 = tail_load(f, "slot1", slot1, N_CASES(slot1), engines[e]);
		p5 = tail_load(f, "slot5", slot5, N_CASES(slot5), engines[e]);
		if (t == NULL || p0 == NULL || p1 == NULL || p5 == NULL)
			continue;
		assert_int_equal(xdpdk_prog_array_set(f->arr, 0, t), 0);
		assert_int_equal(tail_run(p0, NULL), 42);	/* ran the target, r1 kept */
		assert_int_equal(tail_run(p1, NULL), 99);	/* empty slot falls through */
		assert_int_equal(tail_run(p5, NULL), 99);	/* out of range falls through */
	}
}

static void
test_vm_tail_call_chain_limit(void **state)
{
	struct tail_fixture *f = *state;
	/* Counts its runs in the u64 at r1, then tail-calls itself. */
	const struct bpf_insn self[] = {
		BPF_MOV64_REG(6, 1), BPF_LDX_MEM(BPF_DW, 2, 6, 0), BPF_ALU64_IMM(BPF_ADD, 2, 1),
		BPF_STX_MEM(BPF_DW, 6, 2, 0), BPF_MOV64_REG(1, 6), TAIL_CALL(f->arr, 0),
		BPF_LDX_MEM(BPF_DW, 0, 6, 0), BPF_EXIT_INSN(),
	};
	/* 40 tries of the empty slot 1 use up the count; then slot 0 falls through too. */
	const struct bpf_insn burn[] = {
		BPF_MOV64_REG(7, 1), BPF_MOV64_IMM(6, 40), TAIL_CALL(f->arr, 1),
		BPF_ALU64_IMM(BPF_SUB, 6, 1), BPF_JMP_IMM(BPF_JNE, 6, 0, -6), BPF_MOV64_REG(1, 7),
		TAIL_CALL(f->arr, 0), BPF_MOV64_IMM(0, 99), BPF_EXIT_INSN(),
	};
	const struct bpf_insn target[] = { TARGET_INSNS };

	for (size_t e = 0; e < N_CASES(engines); e++) {
		struct xdpdk_prog *p, *b, *t;
		uint64_t count = 0;

		tail_reset(f);
		p = tail_load(f, "self", self, N_CASES(self), engines[e]);
		if (p == NULL)
			continue;
		xdpdk_prog_array_set(f->arr, 0, p);
		assert_int_equal(tail_run(p, &count), 1 + XDPDK_BPF_MAX_TAIL_CALLS);
		assert_int_equal(count, 34);

		t = tail_load(f, "target", target, N_CASES(target), engines[e]);
		b = tail_load(f, "burn", burn, N_CASES(burn), engines[e]);
		if (t == NULL || b == NULL)
			continue;
		xdpdk_prog_array_set(f->arr, 0, t);
		assert_int_equal(tail_run(b, NULL), 99);
	}
}

/* As in the kernel, the target replaces the subprog: its exit returns to the subprog's caller. */
static void
test_vm_tail_call_from_subprog_returns_to_caller(void **state)
{
	struct tail_fixture *f = *state;
	const struct bpf_insn entry[] = {
		BPF_CALL_REL(2), BPF_ALU64_IMM(BPF_ADD, 0, 1000), BPF_EXIT_INSN(),
		TAIL_CALL(f->arr, 0), BPF_MOV64_IMM(0, 99), BPF_EXIT_INSN(),
	};
	const struct bpf_insn target[] = { TARGET_INSNS };

	for (size_t e = 0; e < N_CASES(engines); e++) {
		struct xdpdk_prog *p, *t;

		tail_reset(f);
		t = tail_load(f, "target", target, N_CASES(target), engines[e]);
		p = tail_load(f, "entry", entry, N_CASES(entry), engines[e]);
		if (t == NULL || p == NULL)
			continue;
		xdpdk_prog_array_set(f->arr, 0, t);
		assert_int_equal(tail_run(p, NULL), 1042);
	}
}

/* Checked mode: faults stop the run with the instruction and a reason. */
static struct xdpdk_prog *
load_interp(const struct bpf_insn *insns, uint32_t n, int bounds_check)
{
	char log[512] = "";
	const struct xdpdk_prog_opts opts = {
		.type = XDPDK_PROG_TYPE_RAW, .engine = XDPDK_ENGINE_INTERP,
		.helpers = test_resolver, .log_buf = log, .log_size = sizeof(log),
		.bounds_check = bounds_check,
		.no_verify = 1,	/* engine test: raw streams, the verifier has its own tests */
	};
	struct xdpdk_prog *prog = xdpdk_prog_create(insns, n, &opts);

	if (prog == NULL)
		print_error("load failed: %s", log);
	assert_non_null(prog);
	return prog;
}

/* Runs checked over @mem and expects a fault at @pc whose message contains @msg. */
static void
expect_fault(const struct bpf_insn *insns, uint32_t n, void *mem, uint64_t len, int err,
	     uint32_t pc, const char *msg)
{
	struct xdpdk_prog *prog = load_interp(insns, n, 0);
	struct xdpdk_run_result res;
	char want[32];

	assert_int_equal(xdpdk_prog_run_checked(prog, mem, len, &res), err);
	assert_int_equal(res.fault, err);
	assert_int_equal(res.fault_pc, pc);
	assert_int_equal(res.retval, 0);
	snprintf(want, sizeof(want), "insn %u: ", pc);
	assert_non_null(strstr(res.fault_msg, want));
	if (strstr(res.fault_msg, msg) == NULL)
		fail_msg("fault message \"%s\" lacks \"%s\"", res.fault_msg, msg);
	xdpdk_prog_free(prog);
}

#define FAULT(MEM, LEN, ERR, PC, MSG, ...)						\
	do {										\
		const struct bpf_insn p_[] = { __VA_ARGS__ };				\
		expect_fault(p_, N_CASES(p_), MEM, LEN, ERR, PC, MSG);			\
	} while (0)

static void
test_vm_checked_raw_mem_bounds(void **state)
{
	uint8_t mem[8] = { 0 };

	FAULT(mem, 8, -EFAULT, 0, "invalid read of 4 bytes at 0x",
	      BPF_LDX_MEM(BPF_W, 0, 1, 6), BPF_EXIT_INSN());
	FAULT(mem, 8, -EFAULT, 0, "(not stack/mem)", BPF_LDX_MEM(BPF_B, 0, 1, 8), BPF_EXIT_INSN());
	FAULT(mem, 8, -EFAULT, 1, "invalid write of 4 bytes",
	      BPF_MOV64_IMM(0, 0), BPF_ST_MEM(BPF_W, 1, -1, 1), BPF_EXIT_INSN());
	FAULT(mem, 8, -EFAULT, 2, "invalid write of 8 bytes",
	      BPF_MOV64_IMM(2, 7), BPF_MOV64_IMM(0, 0), BPF_STX_MEM(BPF_DW, 1, 2, 1),
	      BPF_EXIT_INSN());
	FAULT(NULL, 0, -EFAULT, 0, "invalid read of 1 bytes", BPF_LDX_MEM(BPF_B, 0, 1, 0),
	      BPF_EXIT_INSN());
	FAULT(mem, 8, -EFAULT, 1, "invalid write of 8 bytes", BPF_MOV64_IMM(2, 1),
	      BPF_ATOMIC_OP(BPF_DW, BPF_ADD, 1, 2, 4), BPF_EXIT_INSN());
	FAULT(mem, 8, -EFAULT, 1, "misaligned atomic of 4 bytes", BPF_MOV64_IMM(2, 1),
	      BPF_ATOMIC_OP(BPF_W, BPF_ADD, 1, 2, 1), BPF_EXIT_INSN());
}

static void
test_vm_checked_stack_bounds(void **state)
{
	/* Below the frame, above the top, and a callee below its own frame. */
	FAULT(NULL, 0, -EFAULT, 0, "invalid write of 8 bytes", BPF_ST_MEM(BPF_DW, 10, -520, 1),
	      BPF_MOV64_IMM(0, 0), BPF_EXIT_INSN());
	FAULT(NULL, 0, -EFAULT, 0, "invalid read of 8 bytes", BPF_LDX_MEM(BPF_DW, 0, 10, -513),
	      BPF_EXIT_INSN());
	FAULT(NULL, 0, -EFAULT, 0, "invalid read of 1 bytes", BPF_LDX_MEM(BPF_B, 0, 10, 0),
	      BPF_EXIT_INSN());
	FAULT(NULL, 0, -EFAULT, 2, "invalid read of 8 bytes", BPF_CALL_REL(1), BPF_EXIT_INSN(),
	      BPF_LDX_MEM(BPF_DW, 0, 10, -520), BPF_EXIT_INSN());
	/* After the return the callee's frame is gone: its address faults in the caller. */
	FAULT(NULL, 0, -EFAULT, 1, "invalid read of 8 bytes", BPF_CALL_REL(2),
	      BPF_LDX_MEM(BPF_DW, 0, 0, 0), BPF_EXIT_INSN(),
	      BPF_ST_MEM(BPF_DW, 10, -8, 1), BPF_MOV64_REG(0, 10), BPF_ALU64_IMM(BPF_ADD, 0, -8),
	      BPF_EXIT_INSN());
}

static void
test_vm_checked_instruction_limit(void **state)
{
	FAULT(NULL, 0, -EINVAL, 1, "instruction limit exceeded", BPF_MOV64_IMM(0, 0),
	      BPF_JMP_A(-1), BPF_EXIT_INSN());
}

/*
 * What the structural check normally keeps out, planted after loading
 * (white-box): a checked run stops with -EINVAL instead of guessing.
 */
static void
test_vm_checked_invalid_insn_faults(void **state)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(0, 1), BPF_MOV64_IMM(2, 1), BPF_ATOMIC_OP(BPF_DW, BPF_ADD, 10, 2, -8),
		BPF_CALL_HELPER(HELPER_CONST), BPF_EXIT_INSN(),
	};
	const struct {
		uint32_t pc;
		struct bpf_insn plant;
		const char *msg;
	} cases[] = {
		{ 1, BPF_RAW_INSN(0x8e, 0, 0, 0, 0), "insn 1: invalid opcode 0x8e" },
		{ 2, BPF_ATOMIC_OP(BPF_DW, BPF_SUB, 10, 2, -8),
		  "insn 2: invalid atomic operation 0x10" },
		{ 3, BPF_CALL_HELPER(77), "insn 3: call to unresolved helper 77" },
	};

	for (size_t i = 0; i < N_CASES(cases); i++) {
		struct xdpdk_prog *prog = load_interp(insns, N_CASES(insns), 0);
		struct xdpdk_run_result res;

		prog->insns[cases[i].pc] = cases[i].plant;
		assert_int_equal(xdpdk_prog_run_checked(prog, NULL, 0, &res), -EINVAL);
		assert_int_equal(res.fault_pc, cases[i].pc);
		assert_string_equal(res.fault_msg, cases[i].msg);
		xdpdk_prog_free(prog);
	}
}

/* A fault in a tail-called program gives its instruction index and its name. */
static void
test_vm_checked_fault_in_tail_call_names_target(void **state)
{
	struct tail_fixture *f = *state;
	const struct bpf_insn entry[] = { TAIL_CALL(f->arr, 0), BPF_MOV64_IMM(0, 99),
					  BPF_EXIT_INSN() };
	const struct bpf_insn target[] = { BPF_MOV64_IMM(0, 0), BPF_LDX_MEM(BPF_DW, 0, 1, 8),
					   BPF_EXIT_INSN() };
	struct xdpdk_prog *p = tail_load(f, "entry", entry, N_CASES(entry), XDPDK_ENGINE_INTERP);
	struct xdpdk_prog *t = tail_load(f, "target", target, N_CASES(target),
					 XDPDK_ENGINE_INTERP);
	struct xdpdk_run_result res;
	uint64_t mem = 0;

	xdpdk_prog_array_set(f->arr, 0, t);
	assert_int_equal(xdpdk_prog_run_checked(p, &mem, sizeof(mem), &res), -EFAULT);
	assert_int_equal(res.fault_pc, 1);
	assert_non_null(strstr(res.fault_msg, "insn 1: invalid read of 8 bytes"));
	assert_non_null(strstr(res.fault_msg, "in tail-called target"));
}

/* bounds_check makes the plain run checked: a bad access returns 0 instead of crashing. */
static void
test_vm_bounds_check_option_returns_zero(void **state)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(0, 5), BPF_JMP_IMM(BPF_JEQ, 2, 0, 1), BPF_LDX_MEM(BPF_DW, 0, 1, 64),
		BPF_EXIT_INSN(),
	};
	struct xdpdk_prog *prog = load_interp(insns, N_CASES(insns), 1);
	uint8_t mem[8] = { 0 };

	assert_int_equal(xdpdk_prog_run(prog, mem, sizeof(mem)), 0);
	assert_int_equal(xdpdk_prog_run(prog, NULL, 0), 5);
	xdpdk_prog_free(prog);
}

/*
 * XDP regions: the ctx (read-only) and the buffer from data_hard_start to
 * data_hard_end. White-box: the program is built RAW, so the context rewrite
 * stays out of it, and then typed XDP; it reads the ctx as xdpdk_xdp_ctx.
 */
static void
test_vm_checked_xdp_regions(void **state)
{
	static uint8_t frame[1024];
	struct xdpdk_xdp_ctx ctx = {
		.data_hard_start = frame, .data = frame + 256, .data_end = frame + 320,
		.data_hard_end = frame + 700,
	};
	const int16_t data = offsetof(struct xdpdk_xdp_ctx, data);
	const struct {
		const char *name;
		struct bpf_insn insns[4];
		int err;
		const char *msg;
	} cases[] = {
		{ "packet", { BPF_LDX_MEM(BPF_DW, 2, 1, data), BPF_ST_MEM(BPF_B, 2, 63, 1),
			      BPF_LDX_MEM(BPF_B, 0, 2, 63), BPF_EXIT_INSN() }, 0, NULL },
		{ "headroom", { BPF_LDX_MEM(BPF_DW, 2, 1, data), BPF_ST_MEM(BPF_B, 2, -256, 1),
				BPF_LDX_MEM(BPF_B, 0, 2, -256), BPF_EXIT_INSN() }, 0, NULL },
		{ "tailroom", { BPF_LDX_MEM(BPF_DW, 2, 1, data), BPF_ST_MEM(BPF_B, 2, 443, 1),
				BPF_LDX_MEM(BPF_B, 0, 2, 443), BPF_EXIT_INSN() }, 0, NULL },
		{ "past hard end", { BPF_LDX_MEM(BPF_DW, 2, 1, data),
				     BPF_LDX_MEM(BPF_B, 0, 2, 444), BPF_EXIT_INSN() },
		  -EFAULT, "insn 1: invalid read of 1 bytes at 0x" },
		{ "ctx is read-only", { BPF_MOV64_IMM(0, 0), BPF_ST_MEM(BPF_W, 1, 40, 1),
					BPF_EXIT_INSN() },
		  -EFAULT, "insn 1: invalid write of 4 bytes" },
		{ "past the ctx", { BPF_LDX_MEM(BPF_B, 0, 1, sizeof(ctx)), BPF_EXIT_INSN() },
		  -EFAULT, "(not stack/packet/ctx)" },
	};

	for (size_t i = 0; i < N_CASES(cases); i++) {
		uint32_t n = 0;
		struct xdpdk_prog *prog;
		struct xdpdk_run_result res;

		while (n < 4 && cases[i].insns[n].code != 0)
			n++;
		prog = load_interp(cases[i].insns, n, 0);
		prog->type = XDPDK_PROG_TYPE_XDP;
		if (xdpdk_prog_run_checked(prog, &ctx, 0, &res) != cases[i].err)
			fail_msg("%s: fault %d (%s)", cases[i].name, res.fault, res.fault_msg);
		if (cases[i].err == 0)
			assert_int_equal(res.retval, 1);
		else if (strstr(res.fault_msg, cases[i].msg) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].name, res.fault_msg,
				 cases[i].msg);
		xdpdk_prog_free(prog);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_alu64),
		cmocka_unit_test(test_vm_alu32_zero_extends),
		cmocka_unit_test(test_vm_byte_swap),
		cmocka_unit_test(test_vm_jumps),
		cmocka_unit_test(test_vm_cond_jumps_64_32_reg_imm),
		cmocka_unit_test(test_vm_memory),
		cmocka_unit_test(test_vm_atomics),
		cmocka_unit_test(test_vm_calls),
		cmocka_unit_test(test_vm_ld_abs_ind),
		cmocka_unit_test_setup_teardown(test_vm_tail_call_slots, tail_setup, tail_teardown),
		cmocka_unit_test_setup_teardown(test_vm_tail_call_chain_limit, tail_setup,
						tail_teardown),
		cmocka_unit_test_setup_teardown(test_vm_tail_call_from_subprog_returns_to_caller,
						tail_setup, tail_teardown),
		cmocka_unit_test(test_vm_checked_raw_mem_bounds),
		cmocka_unit_test(test_vm_checked_stack_bounds),
		cmocka_unit_test(test_vm_checked_instruction_limit),
		cmocka_unit_test(test_vm_checked_invalid_insn_faults),
		cmocka_unit_test_setup_teardown(test_vm_checked_fault_in_tail_call_names_target,
						tail_setup, tail_teardown),
		cmocka_unit_test(test_vm_bounds_check_option_returns_zero),
		cmocka_unit_test(test_vm_checked_xdp_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
