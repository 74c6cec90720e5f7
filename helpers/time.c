/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time, random and CPU helpers. Clocks are the kernel's: ktime_get_ns is
 * CLOCK_MONOTONIC, boot_ns CLOCK_BOOTTIME, coarse_ns CLOCK_MONOTONIC_COARSE
 * (vDSO calls, no syscall). "CPU" is the xdpdk worker index.
 */
#include <time.h>

#include <xdpdk/map.h>

#include "helpers_internal.h"

/* Per-thread xorshift state: the kernel's prandom is per-CPU too. */
static __thread uint64_t prandom_state;

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
xdpdk_h_ktime_get_ns(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t
xdpdk_h_ktime_get_boot_ns(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return clock_ns(CLOCK_BOOTTIME);
}

uint64_t
xdpdk_h_ktime_get_coarse_ns(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

uint64_t
xdpdk_h_get_prandom_u32(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	uint64_t x = prandom_state;

	if (x == 0) /* seed lazily, distinct per thread */
		x = clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)(uintptr_t)&prandom_state << 16) ^
		    0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	prandom_state = x;
	return (uint32_t)(x >> 16);
}

uint64_t
xdpdk_h_get_smp_processor_id(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return xdpdk_maps_worker();
}

uint64_t
xdpdk_h_get_numa_node_id(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return 0; /* workers are placed on one node here; the dataplane refines this */
}

/* One worker index for the whole runtime: the maps component keeps it. */
void
xdpdk_helpers_set_worker(uint32_t worker)
{
	xdpdk_maps_set_worker(worker);
}

uint32_t
xdpdk_helpers_worker(void)
{
	return xdpdk_maps_worker();
}
