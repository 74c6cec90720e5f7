/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86-64 encoder tests: each encoder against the bytes llvm-mc-19 gives for
 * the same instruction (`echo 'mov rax, [r12]' | llvm-mc-19 -triple=x86_64
 * -x86-asm-syntax=intel --show-encoding`), and the sizing pass (no buffer)
 * against the real one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "jit/x86_64_enc.h"

static void
check_bytes(const char *what, const uint8_t *got, uint32_t n_got, const uint8_t *want,
	    size_t n_want)
{
	if (n_got == n_want && memcmp(got, want, n_want) == 0)
		return;
	fprintf(stderr, "%s:\n  got ", what);
	for (uint32_t i = 0; i < n_got; i++)
		fprintf(stderr, " %02x", got[i]);
	fprintf(stderr, "\n  want");
	for (size_t i = 0; i < n_want; i++)
		fprintf(stderr, " %02x", want[i]);
	fprintf(stderr, "\n");
	fail_msg("%s: wrong encoding", what);
}

/*
 * Run @stmt (which emits through `b`) once as a sizing pass and once into a
 * buffer; both must agree with the expected bytes.
 */
#define ENC(stmt, ...)								\
	do {									\
		static const uint8_t want_[] = { __VA_ARGS__ };			\
		uint8_t buf_[32];						\
		struct x86_buf size_ = { 0 }, out_ = { .buf = buf_, .cap = 32 };	\
		struct x86_buf *b = &size_;					\
		stmt;								\
		assert_int_equal(size_.pos, sizeof(want_));			\
		b = &out_;							\
		stmt;								\
		assert_false(out_.overflow);					\
		check_bytes(#stmt, buf_, out_.pos, want_, sizeof(want_));	\
	} while (0)

static void
test_jit_enc_modrm_rsp_needs_sib(void **state)
{
	(void)state;
	/* mov rax, [rsp + 8] */
	ENC(x86_load(b, 8, false, X86_RAX, X86_RSP, 8), 0x48, 0x8b, 0x44, 0x24, 0x08);
	/* mov dword [rsp], 0 */
	ENC(x86_store_i(b, 4, X86_RSP, 0, 0), 0xc7, 0x04, 0x24, 0x00, 0x00, 0x00, 0x00);
}

static void
test_jit_enc_modrm_r12_needs_sib(void **state)
{
	(void)state;
	/* mov rax, [r12] */
	ENC(x86_load(b, 8, false, X86_RAX, X86_R12, 0), 0x49, 0x8b, 0x04, 0x24);
	/* mov byte [r12], 7 */
	ENC(x86_store_i(b, 1, X86_R12, 0, 7), 0x41, 0xc6, 0x04, 0x24, 0x07);
	/* lock or dword [r12 + 16], edi */
	ENC((x86_lock(b), x86_alu_mr(b, X86_OP_OR_MR, 4, X86_R12, 16, X86_RDI)),
	    0xf0, 0x41, 0x09, 0x7c, 0x24, 0x10);
}

static void
test_jit_enc_modrm_rbp_r13_need_disp8(void **state)
{
	(void)state;
	/* mov rax, [rbp] / mov rax, [r13]: mod 00 would mean RIP-relative */
	ENC(x86_load(b, 8, false, X86_RAX, X86_RBP, 0), 0x48, 0x8b, 0x45, 0x00);
	ENC(x86_load(b, 8, false, X86_RAX, X86_R13, 0), 0x49, 0x8b, 0x45, 0x00);
	/* mov byte [r13 + 1], bl */
	ENC(x86_store_r(b, 1, X86_R13, 1, X86_RBX), 0x41, 0x88, 0x5d, 0x01);
	/* mov rax, [r13 + rdx * 8] */
	ENC(x86_load_idx8(b, X86_RAX, X86_R13, X86_RDX, 0), 0x49, 0x8b, 0x44, 0xd5, 0x00);
}

static void
test_jit_enc_modrm_disp8_vs_disp32(void **state)
{
	(void)state;
	/* mov rax, [rdi - 128] / [rdi - 129] */
	ENC(x86_load(b, 8, false, X86_RAX, X86_RDI, -128), 0x48, 0x8b, 0x47, 0x80);
	ENC(x86_load(b, 8, false, X86_RAX, X86_RDI, -129),
	    0x48, 0x8b, 0x87, 0x7f, 0xff, 0xff, 0xff);
	/* mov eax, [rdi + 0x1000] */
	ENC(x86_load(b, 4, false, X86_RAX, X86_RDI, 0x1000), 0x8b, 0x87, 0x00, 0x10, 0x00, 0x00);
	/* mov r13, [rbp - 512] */
	ENC(x86_load(b, 8, false, X86_R13, X86_RBP, -512),
	    0x4c, 0x8b, 0xad, 0x00, 0xfe, 0xff, 0xff);
}

static void
test_jit_enc_alu_imm8_vs_imm32(void **state)
{
	(void)state;
	/* add rdi, 127 / add rdi, 128 */
	ENC(x86_alu_ri(b, X86_ADD, true, X86_RDI, 127), 0x48, 0x83, 0xc7, 0x7f);
	ENC(x86_alu_ri(b, X86_ADD, true, X86_RDI, 128), 0x48, 0x81, 0xc7, 0x80, 0x00, 0x00, 0x00);
	/* add rax, 128 / add eax, -129: the short rax forms */
	ENC(x86_alu_ri(b, X86_ADD, true, X86_RAX, 128), 0x48, 0x05, 0x80, 0x00, 0x00, 0x00);
	ENC(x86_alu_ri(b, X86_ADD, false, X86_RAX, -129), 0x05, 0x7f, 0xff, 0xff, 0xff);
	/* sub rsp, 512 / cmp r13, -1 */
	ENC(x86_alu_ri(b, X86_SUB, true, X86_RSP, 512), 0x48, 0x81, 0xec, 0x00, 0x02, 0x00, 0x00);
	ENC(x86_alu_ri(b, X86_CMP, true, X86_R13, -1), 0x49, 0x83, 0xfd, 0xff);
	/* cmp dword [rax], 33 / add dword [rax], 1 */
	ENC(x86_alu_mi8(b, X86_CMP, 4, X86_RAX, 0, 33), 0x83, 0x38, 0x21);
	ENC(x86_alu_mi8(b, X86_ADD, 4, X86_RAX, 0, 1), 0x83, 0x00, 0x01);
}

static void
test_jit_enc_alu_reg_forms(void **state)
{
	(void)state;
	/* xor r9d, r9d / mov r11, rax / mov eax, r10d */
	ENC(x86_zero(b, X86_R9), 0x45, 0x31, 0xc9);
	ENC(x86_mov_rr(b, true, X86_R11, X86_RAX), 0x49, 0x89, 0xc3);
	ENC(x86_mov_rr(b, false, X86_RAX, X86_R10), 0x44, 0x89, 0xd0);
	/* imul rax, rdi / imul edi, edi, 10 / imul r8, r8, 1000 */
	ENC(x86_imul_rr(b, true, X86_RAX, X86_RDI), 0x48, 0x0f, 0xaf, 0xc7);
	ENC(x86_imul_rri(b, false, X86_RDI, X86_RDI, 10), 0x6b, 0xff, 0x0a);
	ENC(x86_imul_rri(b, true, X86_R8, X86_R8, 1000), 0x4d, 0x69, 0xc0, 0xe8, 0x03, 0x00, 0x00);
	/* neg r15 / div r11 / idiv r11d / cqo / cdq */
	ENC(x86_unary(b, X86_NEG, true, X86_R15), 0x49, 0xf7, 0xdf);
	ENC(x86_unary(b, X86_DIV, true, X86_R11), 0x49, 0xf7, 0xf3);
	ENC(x86_unary(b, X86_IDIV, false, X86_R11), 0x41, 0xf7, 0xfb);
	ENC(x86_cqo(b, true), 0x48, 0x99);
	ENC(x86_cqo(b, false), 0x99);
	/* test rax, 0x100 (short rax form) / test esi, 1 */
	ENC(x86_test_ri(b, true, X86_RAX, 0x100), 0x48, 0xa9, 0x00, 0x01, 0x00, 0x00);
	ENC(x86_test_ri(b, false, X86_RSI, 1), 0xf7, 0xc6, 0x01, 0x00, 0x00, 0x00);
}

static void
test_jit_enc_mov_imm_shortest(void **state)
{
	(void)state;
	/* mov eax, 1 / mov r8d, 0xffffffff: zero-extending forms */
	ENC(x86_mov_ri(b, X86_RAX, 1), 0xb8, 0x01, 0x00, 0x00, 0x00);
	ENC(x86_mov_ri(b, X86_R8, 0xffffffffu), 0x41, 0xb8, 0xff, 0xff, 0xff, 0xff);
	/* mov rax, -1: sign-extended imm32 */
	ENC(x86_mov_ri(b, X86_RAX, UINT64_MAX), 0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff);
	/* movabs rax, 0x123456789 */
	ENC(x86_mov_ri(b, X86_RAX, 0x123456789ull),
	    0x48, 0xb8, 0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00);
	ENC(x86_movabs(b, X86_RAX, 0x123456789ull),
	    0x48, 0xb8, 0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00);
}

static void
test_jit_enc_byte_regs_need_rex(void **state)
{
	(void)state;
	/* mov byte [rax], sil / [rsi], dil / [rbp - 1], bpl: 0x40 or it means dh/bh/ch */
	ENC(x86_store_r(b, 1, X86_RAX, 0, X86_RSI), 0x40, 0x88, 0x30);
	ENC(x86_store_r(b, 1, X86_RSI, 0, X86_RDI), 0x40, 0x88, 0x3e);
	ENC(x86_store_r(b, 1, X86_RBP, -1, X86_RBP), 0x40, 0x88, 0x6d, 0xff);
	/* mov byte [rdi], dl: no REX needed, and none for the base register */
	ENC(x86_store_r(b, 1, X86_RDI, 0, X86_RDX), 0x88, 0x17);
	/* movzx eax, sil needs it; movzx esi, al does not */
	ENC(x86_movzx_rr(b, X86_RAX, X86_RSI, 1), 0x40, 0x0f, 0xb6, 0xc6);
	ENC(x86_movzx_rr(b, X86_RSI, X86_RAX, 1), 0x0f, 0xb6, 0xf0);
	/* movsx r15d, bpl */
	ENC(x86_movsx_rr(b, false, X86_R15, X86_RBP, 1), 0x44, 0x0f, 0xbe, 0xfd);
}

static void
test_jit_enc_movzx_movsx(void **state)
{
	(void)state;
	/* movzx esi, si / movsx rax, dil / movsxd rdx, r9d / movsx eax, si */
	ENC(x86_movzx_rr(b, X86_RSI, X86_RSI, 2), 0x0f, 0xb7, 0xf6);
	ENC(x86_movsx_rr(b, true, X86_RAX, X86_RDI, 1), 0x48, 0x0f, 0xbe, 0xc7);
	ENC(x86_movsx_rr(b, true, X86_RDX, X86_R9, 4), 0x49, 0x63, 0xd1);
	ENC(x86_movsx_rr(b, false, X86_RAX, X86_RSI, 2), 0x0f, 0xbf, 0xc6);
	/* loads: movzx ecx, byte [r14 + 3] / movzx r9d, word [rdx] */
	ENC(x86_load(b, 1, false, X86_RCX, X86_R14, 3), 0x41, 0x0f, 0xb6, 0x4e, 0x03);
	ENC(x86_load(b, 2, false, X86_R9, X86_RDX, 0), 0x44, 0x0f, 0xb7, 0x0a);
	/* movsx rdi, byte/word [rax] / movsxd rdi, dword [rax] */
	ENC(x86_load(b, 1, true, X86_RDI, X86_RAX, 0), 0x48, 0x0f, 0xbe, 0x38);
	ENC(x86_load(b, 2, true, X86_RDI, X86_RAX, 0), 0x48, 0x0f, 0xbf, 0x38);
	ENC(x86_load(b, 4, true, X86_RDI, X86_RAX, 0), 0x48, 0x63, 0x38);
}

static void
test_jit_enc_shifts(void **state)
{
	(void)state;
	/* shl rdi, 1 (d1 form) / sar r8d, 5 / shr rax, cl */
	ENC(x86_shift_ri(b, X86_SHL, true, X86_RDI, 1), 0x48, 0xd1, 0xe7);
	ENC(x86_shift_ri(b, X86_SAR, false, X86_R8, 5), 0x41, 0xc1, 0xf8, 0x05);
	ENC(x86_shift_cl(b, X86_SHR, true, X86_RAX), 0x48, 0xd3, 0xe8);
	/* ror si, 8 */
	ENC(x86_ror16_8(b, X86_RSI), 0x66, 0xc1, 0xce, 0x08);
}

static void
test_jit_enc_bmi2_shiftx(void **state)
{
	(void)state;
	/* shlx rax, rbx, rcx / sarx r8d, r9d, r10d / shrx r15, r13, rdi */
	ENC(x86_shiftx(b, X86_SHL, true, X86_RAX, X86_RBX, X86_RCX), 0xc4, 0xe2, 0xf1, 0xf7, 0xc3);
	ENC(x86_shiftx(b, X86_SAR, false, X86_R8, X86_R9, X86_R10), 0xc4, 0x42, 0x2a, 0xf7, 0xc1);
	ENC(x86_shiftx(b, X86_SHR, true, X86_R15, X86_R13, X86_RDI), 0xc4, 0x42, 0xc3, 0xf7, 0xfd);
}

static void
test_jit_enc_bswap(void **state)
{
	(void)state;
	ENC(x86_bswap(b, false, X86_R13), 0x41, 0x0f, 0xcd);
	ENC(x86_bswap(b, true, X86_RAX), 0x48, 0x0f, 0xc8);
}

static void
test_jit_enc_atomics(void **state)
{
	(void)state;
	/* lock add qword [rdi + 8], rsi */
	ENC((x86_lock(b), x86_alu_mr(b, X86_OP_ADD_MR, 8, X86_RDI, 8, X86_RSI)),
	    0xf0, 0x48, 0x01, 0x77, 0x08);
	/* lock xadd dword [r13 - 4], eax */
	ENC((x86_lock(b), x86_xadd(b, 4, X86_R13, -4, X86_RAX)),
	    0xf0, 0x41, 0x0f, 0xc1, 0x45, 0xfc);
	/* lock cmpxchg qword [rsp], r11 */
	ENC((x86_lock(b), x86_cmpxchg(b, 8, X86_RSP, 0, X86_R11)),
	    0xf0, 0x4c, 0x0f, 0xb1, 0x1c, 0x24);
	/* xchg dword [rbx], r14d */
	ENC(x86_alu_mr(b, X86_OP_XCHG_MR, 4, X86_RBX, 0, X86_R14), 0x44, 0x87, 0x33);
}

static void
test_jit_enc_stores(void **state)
{
	(void)state;
	/* mov word [rdi + 2], 0x1234 / mov qword [rbp - 8], -1 */
	ENC(x86_store_i(b, 2, X86_RDI, 2, 0x1234), 0x66, 0xc7, 0x47, 0x02, 0x34, 0x12);
	ENC(x86_store_i(b, 8, X86_RBP, -8, -1), 0x48, 0xc7, 0x45, 0xf8, 0xff, 0xff, 0xff, 0xff);
}

static void
test_jit_enc_sib_index(void **state)
{
	(void)state;
	/* lea r12, [rdi + rdx * 8] / mov rcx, [rsi + rdx * 8 + 8] */
	ENC(x86_lea_idx8(b, X86_R12, X86_RDI, X86_RDX, 0), 0x4c, 0x8d, 0x24, 0xd7);
	ENC(x86_load_idx8(b, X86_RCX, X86_RSI, X86_RDX, 8), 0x48, 0x8b, 0x4c, 0xd6, 0x08);
}

static void
test_jit_enc_control_flow(void **state)
{
	(void)state;
	ENC(x86_jcc8(b, X86_CC_E, -2), 0x74, 0xfe);
	ENC(x86_jcc32(b, X86_CC_NE, 0x100), 0x0f, 0x85, 0x00, 0x01, 0x00, 0x00);
	ENC(x86_jmp8(b, 5), 0xeb, 0x05);
	ENC(x86_jmp32(b, -5), 0xe9, 0xfb, 0xff, 0xff, 0xff);
	ENC(x86_call32(b, 0x10), 0xe8, 0x10, 0x00, 0x00, 0x00);
	/* call rax / jmp r11 */
	ENC(x86_call_r(b, X86_RAX), 0xff, 0xd0);
	ENC(x86_jmp_r(b, X86_R11), 0x41, 0xff, 0xe3);
	/* push r13 / pop r13 / push rbx / push 0 / leave / ret */
	ENC(x86_push(b, X86_R13), 0x41, 0x55);
	ENC(x86_pop(b, X86_R13), 0x41, 0x5d);
	ENC(x86_push(b, X86_RBX), 0x53);
	ENC(x86_push_i8(b, 0), 0x6a, 0x00);
	ENC(x86_leave(b), 0xc9);
	ENC(x86_ret(b), 0xc3);
}

static void
test_jit_enc_sizing_pass_writes_nothing(void **state)
{
	struct x86_buf b = { 0 };

	(void)state;
	x86_movabs(&b, X86_RAX, 1);
	x86_call_r(&b, X86_RAX);
	x86_patch8(&b, 0, 1);
	assert_int_equal(b.pos, 12);
	assert_false(b.overflow);
}

static void
test_jit_enc_overflow_is_flagged(void **state)
{
	uint8_t buf[4] = { 0 };
	struct x86_buf b = { .buf = buf, .cap = 3 };

	(void)state;
	x86_mov_ri(&b, X86_RAX, 1);	/* 5 bytes into 3 */
	assert_true(b.overflow);
	assert_int_equal(b.pos, 5);
	assert_int_equal(buf[3], 0);
}

static void
test_jit_enc_patch8(void **state)
{
	uint8_t buf[8];
	struct x86_buf b = { .buf = buf, .cap = sizeof(buf) };

	(void)state;
	x86_jcc8(&b, X86_CC_NE, 0);
	x86_ret(&b);
	x86_patch8(&b, 1, 1);
	assert_int_equal(buf[0], 0x75);
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(buf[2], 0xc3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jit_enc_modrm_rsp_needs_sib),
		cmocka_unit_test(test_jit_enc_modrm_r12_needs_sib),
		cmocka_unit_test(test_jit_enc_modrm_rbp_r13_need_disp8),
		cmocka_unit_test(test_jit_enc_modrm_disp8_vs_disp32),
		cmocka_unit_test(test_jit_enc_alu_imm8_vs_imm32),
		cmocka_unit_test(test_jit_enc_alu_reg_forms),
		cmocka_unit_test(test_jit_enc_mov_imm_shortest),
		cmocka_unit_test(test_jit_enc_byte_regs_need_rex),
		cmocka_unit_test(test_jit_enc_movzx_movsx),
		cmocka_unit_test(test_jit_enc_shifts),
		cmocka_unit_test(test_jit_enc_bmi2_shiftx),
		cmocka_unit_test(test_jit_enc_bswap),
		cmocka_unit_test(test_jit_enc_atomics),
		cmocka_unit_test(test_jit_enc_stores),
		cmocka_unit_test(test_jit_enc_sib_index),
		cmocka_unit_test(test_jit_enc_control_flow),
		cmocka_unit_test(test_jit_enc_sizing_pass_writes_nothing),
		cmocka_unit_test(test_jit_enc_overflow_is_flagged),
		cmocka_unit_test(test_jit_enc_patch8),
	};

	return cmocka_run_group_tests_name("jit_enc", tests, NULL, NULL);
}
