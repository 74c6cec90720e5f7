/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `xdpdk bench pipeline --scenario lb --kernel`: what the kernel's XDP does
 * with the same object, maps and packets on one core, measured in the same
 * run as xdpdk's pipeline.
 *
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES is the kernel's XDP path
 * without a NIC: each repetition gets a fresh frame from a page pool, laid
 * out from the input, the program runs, and the verdict is acted on
 * (XDP_TX transmits on the loopback device, which refuses it and frees the
 * frame; XDP_PASS builds an skb and hands it to the stack; XDP_DROP recycles
 * the page). Its `duration` is the mean time per repetition: program plus
 * frame work, a lower bound on what a NIC driver adds (no descriptors, no
 * DMA), so the comparison is in the kernel's favour.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_kernel.h"
#include "golden.h"
#include "kdiff.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

struct cli_bench_kernel {
	struct bpf_object *kobj;
	int fd;
};

struct cli_bench_kernel *
cli_bench_kernel_open(const char *obj, const char *prog, const char *maps_init,
		      const char **why)
{
	struct cli_bench_kernel *k = calloc(1, sizeof(*k));
	struct cli_golden_seeds sd;
	struct bpf_program *p;

	*why = cli_kdiff_unavailable();
	if (*why != NULL || k == NULL) {
		free(k);
		return NULL;
	}
	k->kobj = cli_kdiff_load(obj);
	if (k->kobj == NULL) {
		*why = "the kernel refuses the object";
		free(k);
		return NULL;
	}
	p = bpf_object__find_program_by_name(k->kobj, prog);
	if (p == NULL || cli_golden_seeds_read(maps_init, &sd) != 0) {
		*why = p == NULL ? "no such program in the kernel's load" : "bad --maps-init";
		cli_bench_kernel_close(k);
		return NULL;
	}
	if (cli_kdiff_seed(k->kobj, &sd) != 0) {
		*why = "seeding the kernel's maps failed";
		cli_golden_seeds_free(&sd);
		cli_bench_kernel_close(k);
		return NULL;
	}
	cli_golden_seeds_free(&sd);
	k->fd = bpf_program__fd(p);
	return k;
}

double
cli_bench_kernel_ns(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
		    uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (bpf_prog_test_run_opts(k->fd, &o) != 0)
		return -errno;
	return (double)o.duration;
}

void
cli_bench_kernel_close(struct cli_bench_kernel *k)
{
	if (k == NULL)
		return;
	bpf_object__close(k->kobj);
	free(k);
}
