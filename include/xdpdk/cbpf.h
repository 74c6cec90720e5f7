/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Classic BPF (libpcap's pcap_compile() output, socket filters) translated
 * to eBPF, to run tcpdump-style filter expressions on xdpdk's engine.
 */
#ifndef XDPDK_CBPF_H
#define XDPDK_CBPF_H

#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sock_filter; /* linux/filter.h; libpcap's struct bpf_insn has the same layout */

/** The most classic instructions a program may have (BPF_MAXINSNS). */
#define XDPDK_CBPF_MAX_INSNS 4096

/**
 * Translate @p n classic instructions into an eBPF RAW program (r1 = the
 * packet, r2 = its length; returns the classic return value, 0 = reject),
 * with libpcap's bpf_filter() semantics: out-of-bounds loads and divisions
 * by zero reject. The program checks its own bounds: create it with
 * xdpdk_prog_opts.no_verify.
 * @param out  malloc'ed instructions, freed by the caller
 * @return 0; -EINVAL (invalid program, reason in @p err), -ENOTSUP (Linux
 *   SKF_AD_* extension loads), -E2BIG, -ENOMEM.
 */
int xdpdk_cbpf_to_ebpf(const struct sock_filter *f, uint32_t n, struct bpf_insn **out,
		       uint32_t *n_out, char *err, size_t err_size);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CBPF_H */
