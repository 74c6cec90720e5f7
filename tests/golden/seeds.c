/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The .maps seed files of the golden tests: parsing, and seeding the kernel's
 * maps (libbpf) and xdpdk's the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpdk/load.h>
#include <xdpdk/map.h>

#include "seeds.h"

int
golden_parse_hex(const char *s, uint8_t *buf, uint32_t *len)
{
	uint32_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == '.' || *s == '_' || *s == ':')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -EINVAL;
		if (hi < 0) {
			hi = v;
		} else {
			if (n == GOLDEN_MAX_HEX)
				return -E2BIG;
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = n;
	return hi < 0 ? 0 : -EINVAL;
}

int
golden_seeds_read(const char *path, struct golden_seeds *sd)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	int lineno = 0;

	memset(sd, 0, sizeof(*sd));
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tok[4] = { 0 }, *save = NULL, *p = strchr(line, '#');
		struct golden_seed *s;
		int n = 0;

		lineno++;
		if (p)
			*p = 0;
		if (strncmp(line, "fib-", 4) == 0) {
			sd->fib = realloc(sd->fib, (sd->n_fib + 1) * sizeof(*sd->fib));
			sd->fib[sd->n_fib++] = strdup(line);
			continue;
		}
		for (p = strtok_r(line, " \t\n", &save); p && n < 4; p = strtok_r(NULL, " \t\n", &save))
			tok[n++] = p;
		if (n == 0)
			continue;
		if (sd->n == cap) {
			/* Geometric: the lb's seeds are thousands of ring entries. */
			cap = cap ? 2 * cap : 64;
			sd->v = realloc(sd->v, cap * sizeof(*sd->v));
			if (sd->v == NULL)
				abort();
		}
		s = &sd->v[sd->n];
		memset(s, 0, sizeof(*s));
		s->check = strcmp(tok[0], "check") == 0;
		if (n != 3 || snprintf(s->map, sizeof(s->map), "%s", tok[s->check ? 1 : 0]) >=
				      (int)sizeof(s->map) ||
		    golden_parse_hex(tok[s->check ? 2 : 1], s->key, &s->klen) != 0 ||
		    (!s->check && golden_parse_hex(tok[2], s->val, &s->vlen) != 0)) {
			fprintf(stderr, "%s:%d: expected 'MAP KEY VALUE' or 'check MAP KEY'\n", path,
				lineno);
			fclose(f);
			golden_seeds_free(sd);
			return -1;
		}
		sd->n++;
	}
	fclose(f);
	return 0;
}

void
golden_seeds_free(struct golden_seeds *sd)
{
	for (size_t i = 0; i < sd->n_fib; i++)
		free(sd->fib[i]);
	free(sd->fib);
	free(sd->v);
	memset(sd, 0, sizeof(*sd));
}

int
golden_seed_kernel(struct bpf_object *kobj, const struct golden_seeds *sd)
{
	size_t size = (size_t)libbpf_num_possible_cpus() * GOLDEN_MAX_HEX;
	uint8_t *val = calloc(1, size);
	int rc = -1;

	for (size_t i = 0; i < sd->n; i++) {
		const struct golden_seed *s = &sd->v[i];
		struct bpf_map *km;

		if (s->check)
			continue;
		km = bpf_object__find_map_by_name(kobj, s->map);
		if (km == NULL) {
			printf("kernel: no map %s\n", s->map);
			goto out;
		}
		memset(val, 0, size);
		memcpy(val, s->val, s->vlen);
		if (bpf_map_update_elem(bpf_map__fd(km), s->key, val, BPF_ANY) != 0) {
			printf("kernel: seeding %s: %s\n", s->map, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	free(val);
	return rc;
}

int
golden_seed_xdpdk(struct xdpdk_loaded *lo, const struct golden_seeds *sd)
{
	size_t size = (size_t)(xdpdk_maps_n_workers() + 1) * GOLDEN_MAX_HEX;
	uint8_t *val = calloc(1, size);
	int rc = -1;

	for (size_t i = 0; i < sd->n; i++) {
		const struct golden_seed *s = &sd->v[i];
		struct xdpdk_map *m = xdpdk_loaded_map_find(lo, s->map);
		int err;

		if (m == NULL) {
			printf("xdpdk: no map %s\n", s->map);
			goto out;
		}
		if (s->check)
			continue;
		memset(val, 0, size);
		memcpy(val, s->val, s->vlen);
		err = xdpdk_map_update(m, s->key, val, BPF_ANY);
		if (err != 0) {
			printf("xdpdk: seeding %s: %s\n", s->map, strerror(-err));
			goto out;
		}
	}
	rc = 0;
out:
	free(val);
	return rc;
}
