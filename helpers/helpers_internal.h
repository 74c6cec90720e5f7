/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the helper families; never included outside helpers/. */
#ifndef XDPDK_HELPERS_INTERNAL_H
#define XDPDK_HELPERS_INTERNAL_H

#include <stdint.h>

#include <xdpdk/helpers.h>

/* Which program types may call a helper (bit per enum xdpdk_prog_type). */
#define XDPDK_HELPER_ANY 0xffffffffu
#define XDPDK_HELPER_XDP (1u << XDPDK_PROG_TYPE_XDP)
#define XDPDK_HELPER_TC (1u << XDPDK_PROG_TYPE_TC)

/* The worker index of the calling thread, set once per lcore. */
extern __thread uint32_t xdpdk_helpers_cur_worker;

/* Time and random family (time.c). */
uint64_t xdpdk_h_ktime_get_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_boot_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_coarse_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_prandom_u32(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_smp_processor_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_numa_node_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#endif
