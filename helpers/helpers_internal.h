/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the helper families; never included outside helpers/. */
#ifndef XDPDK_HELPERS_INTERNAL_H
#define XDPDK_HELPERS_INTERNAL_H

#include <stdint.h>

#include <xdpdk/helpers.h>
#include <xdpdk/verifier.h>

/* The verifier prototypes by helper id (protos.c); registry rows point into it. */
#define XDPDK_HELPER_PROTOS_N 256
extern const struct xdpdk_helper_proto xdpdk_helper_protos[XDPDK_HELPER_PROTOS_N];

/* Which program types may call a helper (bit per enum xdpdk_prog_type). */
#define XDPDK_HELPER_ANY 0xffffffffu
#define XDPDK_HELPER_XDP (1u << XDPDK_PROG_TYPE_XDP)
#define XDPDK_HELPER_TC (1u << XDPDK_PROG_TYPE_TC)

/*
 * The worker index is the maps component's (xdpdk_maps_worker()): one index
 * for bpf_get_smp_processor_id() and the per-CPU map slots.
 */

/* Time and random family (time.c). */
uint64_t xdpdk_h_ktime_get_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_boot_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_coarse_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_prandom_u32(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_smp_processor_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_numa_node_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Map family (maps.c). */
uint64_t xdpdk_h_map_lookup_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_update_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_delete_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_push_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_pop_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_peek_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_lookup_percpu_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Output family: ring buffer and perf event array (output.c). */
uint64_t xdpdk_h_ringbuf_output(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_reserve(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_submit(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_discard(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_query(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_perf_event_output(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#endif
