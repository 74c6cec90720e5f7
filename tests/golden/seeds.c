/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seeding the kernel's maps (libbpf) from a golden test's seeds file, as
 * cli_golden_seed_xdpdk() seeds xdpdk's (the parser is cli/golden_files.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "seeds.h"

int
golden_seed_kernel(struct bpf_object *kobj, const struct cli_golden_seeds *sd)
{
	size_t size = (size_t)libbpf_num_possible_cpus() * CLI_GOLDEN_MAX_HEX;
	uint8_t *val = calloc(1, size);
	int rc = -1;

	for (size_t i = 0; i < sd->n; i++) {
		const struct cli_golden_seed *s = &sd->v[i];
		struct bpf_map *km;

		if (s->check)
			continue;
		km = bpf_object__find_map_by_name(kobj, s->map);
		if (km == NULL) {
			fprintf(stderr, "kernel: no map %s\n", s->map);
			goto out;
		}
		memset(val, 0, size);
		memcpy(val, s->val, s->vlen);
		if (bpf_map_update_elem(bpf_map__fd(km), s->key, val, BPF_ANY) != 0) {
			fprintf(stderr, "kernel: seeding %s: %s\n", s->map, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	free(val);
	return rc;
}
