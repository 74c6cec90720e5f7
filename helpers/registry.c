/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one table from helper id (enum bpf_func_id) to implementation, name and
 * the program types allowed to call it. Helpers that xdpdk does not implement
 * have no row: a program calling one is refused at load with its name.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "helpers_internal.h"

struct helper_row {
	struct xdpdk_helper_desc desc;
	uint32_t types; /* bit per enum xdpdk_prog_type */
};

#define ROW(func, impl, allowed) \
	[BPF_FUNC_##func] = { { BPF_FUNC_##func, "bpf_" #func, impl, \
				&xdpdk_helper_protos[BPF_FUNC_##func] }, allowed }

static const struct helper_row helper_table[] = {
	ROW(ktime_get_ns, xdpdk_h_ktime_get_ns, XDPDK_HELPER_ANY),
	ROW(ktime_get_boot_ns, xdpdk_h_ktime_get_boot_ns, XDPDK_HELPER_ANY),
	ROW(ktime_get_coarse_ns, xdpdk_h_ktime_get_coarse_ns, XDPDK_HELPER_ANY),
	ROW(get_prandom_u32, xdpdk_h_get_prandom_u32, XDPDK_HELPER_ANY),
	ROW(get_smp_processor_id, xdpdk_h_get_smp_processor_id, XDPDK_HELPER_ANY),
	ROW(get_numa_node_id, xdpdk_h_get_numa_node_id, XDPDK_HELPER_ANY),
	/* bpf_base_func_proto(): the map helpers are open to every program type. */
	ROW(map_lookup_elem, xdpdk_h_map_lookup_elem, XDPDK_HELPER_ANY),
	ROW(map_update_elem, xdpdk_h_map_update_elem, XDPDK_HELPER_ANY),
	ROW(map_delete_elem, xdpdk_h_map_delete_elem, XDPDK_HELPER_ANY),
	ROW(map_push_elem, xdpdk_h_map_push_elem, XDPDK_HELPER_ANY),
	ROW(map_pop_elem, xdpdk_h_map_pop_elem, XDPDK_HELPER_ANY),
	ROW(map_peek_elem, xdpdk_h_map_peek_elem, XDPDK_HELPER_ANY),
	ROW(map_lookup_percpu_elem, xdpdk_h_map_lookup_percpu_elem, XDPDK_HELPER_ANY),
	ROW(ringbuf_output, xdpdk_h_ringbuf_output, XDPDK_HELPER_ANY),
	ROW(ringbuf_reserve, xdpdk_h_ringbuf_reserve, XDPDK_HELPER_ANY),
	ROW(ringbuf_submit, xdpdk_h_ringbuf_submit, XDPDK_HELPER_ANY),
	ROW(ringbuf_discard, xdpdk_h_ringbuf_discard, XDPDK_HELPER_ANY),
	ROW(ringbuf_query, xdpdk_h_ringbuf_query, XDPDK_HELPER_ANY),
	ROW(perf_event_output, xdpdk_h_perf_event_output, XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
};

/* The kernel's helper names, for messages about helpers xdpdk lacks. */
/* 6.1 UAPI: the mapper separates entries with commas itself. */
#define XDPDK_HELPER_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const kernel_names[] = {
	__BPF_FUNC_MAPPER(XDPDK_HELPER_NAME)
};

const struct xdpdk_helper_desc *
xdpdk_helpers_get(uint32_t id)
{
	if (id >= sizeof(helper_table) / sizeof(helper_table[0]) || helper_table[id].desc.fn == NULL)
		return NULL;
	return &helper_table[id].desc;
}

const struct xdpdk_helper_desc *
xdpdk_helpers_resolve(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_get(id);

	(void)arg;
	if (d == NULL || !(helper_table[id].types & (1u << type)))
		return NULL;
	return d;
}

const char *
xdpdk_helpers_kernel_name(uint32_t id)
{
	if (id >= sizeof(kernel_names) / sizeof(kernel_names[0]))
		return NULL;
	return kernel_names[id];
}
