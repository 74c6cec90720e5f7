/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verifier speed on a real program of about a thousand instructions
 * (tests/progs/xdp_firewall.bpf.o): time per complete verification, with
 * the kernel-style statistics (instructions processed, states) as counters.
 * Maps are described to the verifier from the object's definitions, so no
 * map is created and EAL is not needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/bpf.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>
#include <xdpdk/verifier.h>

#include "bench.h"

#define FAKE_MAP(i) ((uintptr_t)0x100000 * ((i) + 1))

struct vbench {
	struct xdpdk_obj *obj;
	struct bpf_insn *insns;
	uint32_t n;
	void *addr[16];
	void *value[16];
};

static int
map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	const struct vbench *b = arg;

	for (uint32_t i = 0; i < xdpdk_obj_map_count(b->obj) && i < 16; i++) {
		const struct xdpdk_map_def *d = xdpdk_obj_map_def(xdpdk_obj_map_at(b->obj, i));

		if (b->addr[i] != addr)
			continue;
		*out = (struct xdpdk_verifier_map){ .addr = addr, .type = d->type,
			.key_size = d->key_size, .value_size = d->value_size,
			.max_entries = d->max_entries, .spin_lock_off = -1 };
		snprintf(out->name, sizeof(out->name), "%s", d->name);
		return 0;
	}
	return -ENOENT;
}

static int
vbench_open(struct vbench *b, const char *path)
{
	const struct xdpdk_obj_prog *p;
	const struct bpf_insn *src;
	char err[256];

	memset(b, 0, sizeof(*b));
	b->obj = xdpdk_obj_open(path, NULL);
	if (b->obj == NULL)
		return -errno;
	p = xdpdk_obj_prog_at(b->obj, 0);
	src = xdpdk_obj_prog_insns(p, &b->n);
	b->insns = malloc(sizeof(*b->insns) * b->n);
	if (b->insns == NULL)
		return -ENOMEM;
	memcpy(b->insns, src, sizeof(*b->insns) * b->n);
	for (uint32_t i = 0; i < xdpdk_obj_map_count(b->obj) && i < 16; i++)
		b->addr[i] = (void *)FAKE_MAP(i);
	return xdpdk_insns_resolve_maps(b->insns, b->n, b->addr, b->value,
					xdpdk_obj_map_count(b->obj), err, sizeof(err));
}

XDPDK_BENCH(verifier_xdp_firewall, 0)
{
	struct vbench b;
	struct xdpdk_verify_stats stats = { 0 };
	char log[4096];
	struct xdpdk_prog_opts o = {
		.type = XDPDK_PROG_TYPE_XDP, .helpers = xdpdk_helpers_resolve,
		.log_buf = log, .log_size = sizeof(log),
		.verify = { .map_info = map_info, .map_info_arg = &b },
		.verify_stats = &stats,
	};
	int rc = vbench_open(&b, XDPDK_BENCH_PROGS_DIR "/xdp_firewall.bpf.o");

	(void)arg;
	if (rc == 0 && xdpdk_prog_verify(b.insns, b.n, &o) != 0)
		rc = -EACCES;
	if (rc != 0) {
		xdpdk_bench_skip(st, "xdp_firewall.bpf.o does not verify (%d): %s", rc, log);
	} else {
		while (xdpdk_bench_run_batch(st, 1))
			xdpdk_bench_keep((void *)(intptr_t)xdpdk_prog_verify(b.insns, b.n, &o));
		xdpdk_bench_counter(st, "insns", b.n, XDPDK_BENCH_COUNTER_TOTAL);
		xdpdk_bench_counter(st, "processed", stats.insn_processed,
				    XDPDK_BENCH_COUNTER_TOTAL);
		xdpdk_bench_counter(st, "states", stats.total_states, XDPDK_BENCH_COUNTER_TOTAL);
	}
	free(b.insns);
	xdpdk_obj_close(b.obj);
}
