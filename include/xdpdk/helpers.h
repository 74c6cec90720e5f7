/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Helper functions callable from programs, by enum bpf_func_id, with their
 * kernel semantics; one table maps ids to implementations and prototypes.
 */
#ifndef XDPDK_HELPERS_H
#define XDPDK_HELPERS_H

#include <stdint.h>

#include <xdpdk/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The resolver to pass as xdpdk_prog_opts.helpers: the helper @p id if xdpdk
 * implements it and it is allowed for @p type, else NULL.
 */
const struct xdpdk_helper_desc *xdpdk_helpers_resolve(uint32_t id, enum xdpdk_prog_type type,
						      void *arg);

/** The helper of a given id regardless of program type (for messages); NULL if none. */
const struct xdpdk_helper_desc *xdpdk_helpers_get(uint32_t id);

/** The kernel's name of helper @p id ("bpf_map_lookup_elem"), or NULL if the id is unknown. */
const char *xdpdk_helpers_kernel_name(uint32_t id);

/**
 * Set the calling thread's worker index: bpf_get_smp_processor_id() and the
 * per-CPU map slot. The dataplane sets it once per worker lcore.
 */
void xdpdk_helpers_set_worker(uint32_t worker);
uint32_t xdpdk_helpers_worker(void);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_HELPERS_H */
