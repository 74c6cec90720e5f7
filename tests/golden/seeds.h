/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's side of the golden tests' map seeds: the seeds file is read by
 * cli/golden.h's parser (shared with `xdpdk prog test`); this seeds a libbpf
 * object the way cli_golden_seed_xdpdk() seeds xdpdk's. Shared with the lb
 * benchmark.
 */
#ifndef XDPDK_GOLDEN_SEEDS_H
#define XDPDK_GOLDEN_SEEDS_H

#include "golden.h"

struct bpf_object;

/**
 * Seed the maps of a loaded libbpf object: per-CPU values go to CPU 0's
 * slot, the others stay zero. @return 0 or -1 (with a message on stderr).
 */
int golden_seed_kernel(struct bpf_object *kobj, const struct cli_golden_seeds *s);

#endif /* XDPDK_GOLDEN_SEEDS_H */
