/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Time, random and CPU helpers. Clocks are the kernel's: ktime_get_ns is
 * CLOCK_MONOTONIC, boot_ns CLOCK_BOOTTIME, coarse_ns CLOCK_MONOTONIC_COARSE
 * (vDSO calls, no syscall). "CPU" is the xdpdk worker index.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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

/*
 * bpf_jiffies64: the kernel's jiffies_64 extrapolated from CLOCK_MONOTONIC.
 * HZ and the offset come from /proc/timer_list (readable by root), which
 * shows the monotonic time and jiffies side by side: HZ is the usual value
 * that fits INITIAL_JIFFIES + uptime x HZ best, the offset what makes the
 * line exact (jiffies start a little after the clock). Without it: HZ 250
 * (Debian's) from INITIAL_JIFFIES and the boot-time clock.
 */
static uint64_t jiffies_hz = 250;
static int64_t jiffies_off;	/* jiffies - monotonic x HZ */
static bool jiffies_calibrated;
static pthread_once_t jiffies_once = PTHREAD_ONCE_INIT;

static uint64_t
initial_jiffies(uint64_t hz)
{
	return (uint64_t)(uint32_t)(-300 * (int64_t)hz);	/* wraps 5 minutes after boot */
}

static void
calibrate_jiffies(void)
{
	static const uint64_t candidates[] = { 100, 250, 300, 1000 };
	FILE *f = fopen("/proc/timer_list", "r");
	unsigned long long now = 0, j = 0;
	char line[256];
	uint64_t best = UINT64_MAX;

	if (f == NULL)
		return;
	while ((now == 0 || j == 0) && fgets(line, sizeof(line), f) != NULL) {
		if (now == 0 && sscanf(line, "now at %llu nsecs", &now) == 1)
			continue;
		if (now != 0 && sscanf(line, "jiffies: %llu", &j) != 1)
			j = 0;
	}
	fclose(f);
	if (now == 0 || j == 0)
		return;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		const uint64_t est = initial_jiffies(candidates[i]) +
				     now / (1000000000ull / candidates[i]);
		const uint64_t err = est > j ? est - j : j - est;

		if (err < best) {
			best = err;
			jiffies_hz = candidates[i];
		}
	}
	jiffies_off = (int64_t)j - (int64_t)(now / (1000000000ull / jiffies_hz));
	jiffies_calibrated = true;
}

/* u64 bpf_jiffies64(void) */
uint64_t
xdpdk_h_jiffies64(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	pthread_once(&jiffies_once, calibrate_jiffies);
	if (!jiffies_calibrated)
		return initial_jiffies(jiffies_hz) +
		       clock_ns(CLOCK_BOOTTIME) / (1000000000ull / jiffies_hz);
	return (uint64_t)(jiffies_off +
			  (int64_t)(clock_ns(CLOCK_MONOTONIC) / (1000000000ull / jiffies_hz)));
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
