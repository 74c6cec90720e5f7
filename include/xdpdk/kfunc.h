/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Kernel functions (kfuncs) xdpdk provides. A program calls one through an
 * `extern ... __ksym` declaration; the kernel's loader puts the function's
 * BTF id in the call. xdpdk's loader resolves the name instead, and rewrites
 * the call into a helper call (src_reg 0) with the kfunc's id below: ids at
 * the top of the helper id space, which enum bpf_func_id does not reach, so
 * the engines call kfuncs exactly as helpers, from the same table.
 */
#ifndef XDPDK_KFUNC_H
#define XDPDK_KFUNC_H

#ifdef __cplusplus
extern "C" {
#endif

/** The call id of the first kfunc; ids run up to the engines' helper table size (256). */
#define XDPDK_KFUNC_ID_BASE 240

/** Every kfunc: FN(name, index); the call id is XDPDK_KFUNC_ID_BASE + index. */
#define XDPDK_KFUNC_MAPPER(FN)                    \
	FN(bpf_xdp_metadata_rx_timestamp, 0)      \
	FN(bpf_xdp_metadata_rx_hash, 1)           \
	FN(bpf_xdp_metadata_rx_vlan_tag, 2)

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_KFUNC_H */
