/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel as oracle: one object loaded in Linux (libbpf) beside xdpdk's
 * load of it, both maps seeded the same way, a packet test-run on each
 * (BPF_PROG_TEST_RUN with repeat 1: the kernel reruns on the modified buffer
 * when repeat > 1), and the maps compared afterwards. Used by `xdpdk prog
 * diff` (cmd_prog_diff.c), tests/differential/test_kernel_diff and the kernel
 * side of the golden tests (tests/golden), so that there is one runner.
 */
#ifndef XDPDK_CLI_KDIFF_H
#define XDPDK_CLI_KDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpdk/bpf.h>

#include "golden.h"

struct bpf_object;
struct bpf_map;
struct xdpdk_loaded;
struct xdpdk_obj;

/* Output buffer of one run: the linear part and MAX_SKB_FRAGS pages, as the kernel's. */
#define CLI_KDIFF_MAX_OUT (20 * 4096)

/**
 * Whether this process may run BPF_PROG_TEST_RUN: NULL if yes, else why not
 * (a static string). Probes with a two-instruction XDP program.
 */
const char *cli_kdiff_unavailable(void);

/**
 * Open and load @p path in the kernel with no map pinned: a pinned map would
 * be reused from bpffs across loads (and left behind), so the kernel would
 * not start from the same state as xdpdk. @return NULL with errno set.
 */
struct bpf_object *cli_kdiff_load(const char *path);

/**
 * The kernel's map for xdpdk's map @p name: libbpf names global data maps
 * with a prefix of the object's name ("global_d.bss" for ".bss").
 */
struct bpf_map *cli_kdiff_map(struct bpf_object *kobj, const char *name);

/**
 * Seed the kernel's maps from golden seeds, as cli_golden_seed_xdpdk() seeds
 * xdpdk's: per-CPU values go to CPU 0's slot, the others stay zero; check
 * lines are skipped. @return 0 or -1 with a message on stderr.
 */
int cli_kdiff_seed(struct bpf_object *kobj, const struct cli_golden_seeds *s);

/** One test run: a refusal (err, positive errno) or a verdict and the bytes left. */
struct cli_kdiff_outcome {
	int err;
	uint32_t retval;
	uint32_t len;		/* bytes in data, from data_meta to data_end */
	uint32_t meta;		/* XDP metadata bytes at the start of data (xdpdk's side only:
				   the kernel's is in a ctx_out not asked for) */
	uint8_t data[CLI_KDIFF_MAX_OUT];
};

/** Test-run the kernel's program @p fd on one packet, repeat 1, no ctx. */
void cli_kdiff_run_kernel(int fd, const uint8_t *pkt, uint32_t len, struct cli_kdiff_outcome *o);

/** The same through xdpdk's test run. */
void cli_kdiff_run_xdpdk(const struct xdpdk_prog *prog, const uint8_t *pkt, uint32_t len,
			 struct cli_kdiff_outcome *o);

/** Whether two outcomes are the same: refusal (errno), verdict, length and bytes. */
bool cli_kdiff_same(const struct cli_kdiff_outcome *k, const struct cli_kdiff_outcome *x);

/* What differs in one map, or why it is not compared. */
enum cli_kdiff_map_kind {
	CLI_KDIFF_MAP_NO_KERNEL,	/* xdpdk's map has no kernel counterpart */
	CLI_KDIFF_MAP_ONLY_KERNEL,	/* a key only the kernel has */
	CLI_KDIFF_MAP_ONLY_XDPDK,	/* a key only xdpdk has */
	CLI_KDIFF_MAP_VALUE,		/* the same key, different values */
	CLI_KDIFF_MAP_UNCOMPARED,	/* a note: per-CPU values not a multiple of 8 bytes */
};

/* One map difference (or note); key/values NULL where there is none. */
struct cli_kdiff_map_diff {
	enum cli_kdiff_map_kind kind;
	const char *map;
	const uint8_t *key;
	uint32_t klen;
	const uint8_t *kval, *xval;	/* per-CPU: the slots summed */
	uint32_t vlen;
};

/**
 * Compare every map of @p lo whose entries can be listed (arrays, hashes,
 * LRU, LPM, per-CPU) with the kernel's: every key of each side, values with
 * per-CPU slots summed as u64 words (the kernel's test runs land on whatever
 * CPU the syscall ran on). Calls @p report for each difference and note.
 * @return the number of differences (notes not counted).
 */
unsigned cli_kdiff_maps(struct bpf_object *kobj, const struct xdpdk_loaded *lo,
			void (*report)(void *arg, const struct cli_kdiff_map_diff *d), void *arg);

/**
 * The helpers program @p prog of @p xobj calls whose results depend on the
 * host (time, randomness, the CPU, the host's routing table and devices),
 * as "bpf_ktime_get_ns, bpf_get_prandom_u32" in @p buf; "" when none.
 * @return how many.
 */
unsigned cli_kdiff_host_helpers(const struct xdpdk_obj *xobj, const char *prog, char *buf,
				size_t size);

/** Whether program @p prog of @p xobj calls helper @p id. */
bool cli_kdiff_calls(const struct xdpdk_obj *xobj, const char *prog, int32_t id);

#endif /* XDPDK_CLI_KDIFF_H */
