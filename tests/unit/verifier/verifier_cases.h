/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Programs for the verifier tests, as instruction arrays: shared snippets,
 * the fake maps they reference (by address: the verifier never dereferences
 * a map), and the test resolver's helper table.
 */
#ifndef XDPDK_TESTS_VERIFIER_CASES_H
#define XDPDK_TESTS_VERIFIER_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include <xdpdk/bpf.h>

#include "../bpf/insn_macros.h"

/* Fake map addresses; value_addr = address + 0x100 for direct values. */
#define M_HASH 0x10000		/* hash, key 4, value 16 */
#define M_ARRAY 0x20000		/* array, key 4, value 8 */
#define M_RO 0x30000		/* array, BPF_F_RDONLY_PROG, value 16 */
#define M_RINGBUF 0x40000	/* ringbuf */
#define M_PROGS 0x50000		/* prog_array */
#define M_LOCK 0x60000		/* hash, value 8 with a bpf_spin_lock at 0 */
#define M_QUEUE 0x70000		/* queue, value 4 */
#define VALUE_OF(m) ((m) + 0x100)

struct vcase {
	const char *name;
	enum xdpdk_prog_type type;
	bool strict;
	const char *expect;	/* a substring of the log; NULL: must be accepted */
	const struct bpf_insn *insns;
	uint32_t n;
};

#define PROG(...)                                                              \
	(const struct bpf_insn[]){ __VA_ARGS__ },                              \
	sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn)

/* r0 = 0; exit */
#define RET0 BPF_MOV64_IMM(0, 0), BPF_EXIT_INSN()
/* r2 = data, r3 = data_end (XDP) */
#define LOAD_PKT BPF_LDX_MEM(BPF_W, 2, 1, 0), BPF_LDX_MEM(BPF_W, 3, 1, 4)
/* if data + N > data_end skip the next K instructions */
#define CHECK_LEN(N, K) BPF_MOV64_REG(4, 2), BPF_ALU64_IMM(BPF_ADD, 4, N), \
	BPF_JMP_REG(BPF_JGT, 4, 3, K)
#define LD_MAP(R, M) BPF_LD_IMM64_RAW(R, BPF_PSEUDO_MAP_FD, M)
/* *(u32 *)(fp-4) = 0; r2 = fp-4 */
#define KEY_ON_STACK BPF_ST_MEM(BPF_W, 10, -4, 0), BPF_MOV64_REG(2, 10), \
	BPF_ALU64_IMM(BPF_ADD, 2, -4)
/* r0 = lookup(map M, key 0) */
#define LOOKUP(M) KEY_ON_STACK, LD_MAP(1, M), BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem)
#define CALL(F) BPF_CALL_HELPER(BPF_FUNC_##F)

extern const struct vcase xdpdk_test_rejected[];
extern const uint32_t xdpdk_test_n_rejected;
extern const struct vcase xdpdk_test_accepted[];
extern const uint32_t xdpdk_test_n_accepted;

#endif
