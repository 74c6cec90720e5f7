/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map seeds of the golden tests (tests/golden/<name>.maps), applied the same
 * way to the kernel (libbpf) and to xdpdk; shared with the lb benchmark.
 */
#ifndef XDPDK_GOLDEN_SEEDS_H
#define XDPDK_GOLDEN_SEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOLDEN_MAX_HEX 512

struct bpf_object;
struct xdpdk_loaded;

struct golden_seed {
	bool check;		/* "check MAP KEY": report, do not seed */
	char map[64];
	/* Aligned as the kernel's copies of user keys are (map code may cast them). */
	_Alignas(8) uint8_t key[GOLDEN_MAX_HEX];
	_Alignas(8) uint8_t val[GOLDEN_MAX_HEX];
	uint32_t klen, vlen;
};

struct golden_seeds {
	struct golden_seed *v;
	size_t n;
	char **fib;		/* fib-* lines: the routing table */
	size_t n_fib;
};

/** Hex bytes, '.', '_' and ':' ignored. @return 0, -EINVAL, -E2BIG. */
int golden_parse_hex(const char *s, uint8_t *buf, uint32_t *len);

/** Read a .maps file (messages on stderr). @return 0 or -1. */
int golden_seeds_read(const char *path, struct golden_seeds *s);
void golden_seeds_free(struct golden_seeds *s);

/**
 * Seed the maps of a loaded object: per-CPU values go to CPU (worker) 0's
 * slot, the others stay zero. @return 0 or -1 (with a message on stdout).
 */
int golden_seed_kernel(struct bpf_object *kobj, const struct golden_seeds *s);
int golden_seed_xdpdk(struct xdpdk_loaded *lo, const struct golden_seeds *s);

#endif /* XDPDK_GOLDEN_SEEDS_H */
