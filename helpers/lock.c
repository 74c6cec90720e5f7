/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_spin_lock / bpf_spin_unlock on the struct bpf_spin_lock inside a map
 * value: the maps component's lock, the one its BPF_F_LOCK copies take, so a
 * program and the control plane exclude each other. The kernel's verifier
 * guarantees the pointer is the lock of a map value and that a program holds
 * at most one lock and calls no helper while holding it.
 */
#include <xdpdk/map.h>

#include "helpers_internal.h"

/* long bpf_spin_lock(struct bpf_spin_lock *lock): always 0. */
uint64_t
xdpdk_h_spin_lock(uint64_t lock, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	(void)b, (void)c, (void)d, (void)e;
	xdpdk_map_spin_lock((struct bpf_spin_lock *)(uintptr_t)lock);
	return 0;
}

/* long bpf_spin_unlock(struct bpf_spin_lock *lock): always 0. */
uint64_t
xdpdk_h_spin_unlock(uint64_t lock, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	(void)b, (void)c, (void)d, (void)e;
	xdpdk_map_spin_unlock((struct bpf_spin_lock *)(uintptr_t)lock);
	return 0;
}
