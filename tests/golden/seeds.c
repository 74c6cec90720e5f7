/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seeding the kernel's maps (libbpf) from a golden test's seeds file: the
 * kernel runner's (cli/kdiff.c), under the name the golden writer and the lb
 * benchmark know it by.
 */
#include "kdiff.h"
#include "seeds.h"

int
golden_seed_kernel(struct bpf_object *kobj, const struct cli_golden_seeds *sd)
{
	return cli_kdiff_seed(kobj, sd);
}
