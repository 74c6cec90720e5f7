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
 *
 * A check of each packet's figure: a program that makes the same head
 * adjustment and returns the same verdict (from an ordinary test run) cannot
 * cost more than the program itself. Where it does (seen for lb's GUE
 * packets), the kernel's live run took a path the ordinary run does not,
 * and the packet's figure is reported as not comparable.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

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

int
cli_bench_kernel_baseline(int grow, int verdict)
{
	const struct bpf_insn p[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = -grow },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_xdp_adjust_head },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return grow != 0 ? bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpdk_live_base", "GPL", p, 4, NULL)
			 : bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpdk_live_base", "GPL", p + 2, 2,
					 NULL);
}

int
cli_bench_kernel_check(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
		       uint32_t repeat, double *prog_ns, double *base_ns)
{
	static uint8_t out[CLI_KDIFF_MAX_OUT];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	int bfd;

	if (bpf_prog_test_run_opts(k->fd, &o) != 0)
		return -errno;
	bfd = cli_bench_kernel_baseline((int)o.data_size_out - (int)len, (int)o.retval);
	if (bfd < 0)
		return -errno;
	*prog_ns = cli_bench_kernel_live_ns(k->fd, pkt, len, repeat);
	*base_ns = *prog_ns >= 0 ? cli_bench_kernel_live_ns(bfd, pkt, len, repeat) : -1;
	close(bfd);
	return *prog_ns < 0 || *base_ns < 0 ? -EIO : 0;
}

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
cli_bench_kernel_live_ns(int fd, const uint8_t *pkt, uint32_t len, uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (bpf_prog_test_run_opts(fd, &o) != 0)
		return -errno;
	return (double)o.duration;
}

double
cli_bench_kernel_ns(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
		    uint32_t repeat)
{
	return cli_bench_kernel_live_ns(k->fd, pkt, len, repeat);
}

void
cli_bench_kernel_close(struct cli_bench_kernel *k)
{
	if (k == NULL)
		return;
	bpf_object__close(k->kobj);
	free(k);
}
