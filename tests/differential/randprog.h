/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random XDP programs for the kernel differential (test_random_diff): from a
 * 64-bit seed, an instruction sequence that the kernel's verifier (as root)
 * and xdpdk's should both accept — packet parsing behind bounds checks,
 * ALU64/ALU32 of every kind (ISA v4 included), JMP/JMP32 forward branches,
 * stack spills and fills, packet rewrites, map lookups and updates on an
 * array and a hash map, bpf_xdp_adjust_head/tail, bpf_csum_diff — and a
 * computed verdict. A few programs (RANDPROG_MISTAKE_PCT) carry one
 * deliberate error, to check that both verifiers refuse the same things.
 *
 * The generator tracks what each register and stack slot holds on every path
 * (a join keeps only what both sides agree on), so the only values that reach
 * memory, maps and r0 are scalars derived from the packet, the maps, the
 * context and constants: never a pointer, whose value differs between the
 * kernel and xdpdk.
 */
#ifndef XDPDK_TESTS_RANDPROG_H
#define XDPDK_TESTS_RANDPROG_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#define RANDPROG_MAX_INSNS 1024
#define RANDPROG_N_MAPS 2	/* 0: array, 1: hash */
#define RANDPROG_MAX_VALUE 32
#define RANDPROG_MAX_KEY 8
#define RANDPROG_MAX_INIT 8
#define RANDPROG_MISTAKE_PCT 4

/** A map the program references; lddw BPF_PSEUDO_MAP_FD imm = the map's index. */
struct randprog_map {
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t n_init;	/**< entries to store before the first run */
	uint8_t init_key[RANDPROG_MAX_INIT][RANDPROG_MAX_KEY];
	uint8_t init_value[RANDPROG_MAX_INIT][RANDPROG_MAX_VALUE];
};

struct randprog {
	uint64_t seed;
	uint32_t n;
	struct bpf_insn insns[RANDPROG_MAX_INSNS];
	struct randprog_map maps[RANDPROG_N_MAPS];
	const char *mistake;	/**< the deliberate error, or NULL */
	uint32_t mistake_pc;	/**< its instruction */
};

/** Generate the program of @p seed into @p p (deterministic: same seed, same program). */
void randprog_generate(uint64_t seed, struct randprog *p);

/**
 * Copy @p p's instructions into @p out (RANDPROG_MAX_INSNS slots) with each
 * map reference's lddw set to @p refs[map index] (a kernel fd, or an xdpdk
 * address), as the loaders resolve them.
 */
void randprog_resolve_maps(const struct randprog *p, const uint64_t refs[RANDPROG_N_MAPS],
			   struct bpf_insn *out);

/** The generator's PRNG (splitmix64), shared with the runner's packet maker. */
uint64_t randprog_rand(uint64_t *state);

#endif /* XDPDK_TESTS_RANDPROG_H */
