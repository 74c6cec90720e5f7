/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the verifier tests, the verifier differential and the benchmark
 * share: a helper resolver over xdpdk's prototypes (with the kernel's
 * per-type rule for the xdp and skb families), the fake maps of
 * verifier_cases.h, and maps of an object placed at fake addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xdpdk/helpers.h>

#include "verifier_cases.h"
#include "verifier_support.h"

static const struct xdpdk_verifier_map fake_maps[] = {
	{ .addr = (void *)M_HASH, .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 16,
	  .max_entries = 128, .spin_lock_off = -1, .name = "hash" },
	{ .addr = (void *)M_ARRAY, .value_addr = (void *)VALUE_OF(M_ARRAY),
	  .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 4,
	  .spin_lock_off = -1, .name = "array" },
	{ .addr = (void *)M_RO, .value_addr = (void *)VALUE_OF(M_RO), .type = BPF_MAP_TYPE_ARRAY,
	  .key_size = 4, .value_size = 16, .max_entries = 1, .map_flags = BPF_F_RDONLY_PROG,
	  .spin_lock_off = -1, .name = ".rodata" },
	{ .addr = (void *)M_RINGBUF, .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096,
	  .spin_lock_off = -1, .name = "events" },
	{ .addr = (void *)M_PROGS, .type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4,
	  .value_size = 4, .max_entries = 4, .spin_lock_off = -1, .name = "jump" },
	{ .addr = (void *)M_LOCK, .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16, .spin_lock_off = 0, .name = "locked" },
	{ .addr = (void *)M_QUEUE, .type = BPF_MAP_TYPE_QUEUE, .value_size = 4,
	  .max_entries = 16, .spin_lock_off = -1, .name = "queue" },
};

int
xdpdk_test_fake_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(fake_maps) / sizeof(fake_maps[0]); i++) {
		const struct xdpdk_verifier_map *m = &fake_maps[i];
		const char *a = addr, *v = m->value_addr;

		if (m->addr == addr || (v != NULL && a >= v && a < v + m->value_size)) {
			*out = *m;
			return 0;
		}
	}
	return -ENOENT;
}

static uint64_t
no_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	(void)a, (void)b, (void)c, (void)d, (void)e;
	return 0;
}

/* Every helper with a prototype; the XDP and skb families only for their types. */
static struct xdpdk_helper_desc descs[256];

const struct xdpdk_helper_desc *
xdpdk_test_resolver(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	const struct xdpdk_helper_proto *p = xdpdk_helper_proto(id);
	const char *name = xdpdk_helpers_kernel_name(id);

	(void)arg;
	/* kfuncs have no kernel helper name: xdpdk's own ("bpf_xdp_metadata_rx_hash") */
	if (name == NULL && xdpdk_helpers_get(id) != NULL)
		name = xdpdk_helpers_get(id)->name;
	if (id >= 256 || p == NULL || name == NULL)
		return NULL;
	if (strncmp(name, "bpf_xdp_", 8) == 0 && type != XDPDK_PROG_TYPE_XDP)
		return NULL;
	if ((strncmp(name, "bpf_skb_", 8) == 0 || strncmp(name, "bpf_l3_", 7) == 0 ||
	     strncmp(name, "bpf_l4_", 7) == 0) && type == XDPDK_PROG_TYPE_XDP)
		return NULL;
	descs[id] = (struct xdpdk_helper_desc){ id, name, no_helper, p };
	return &descs[id];
}

int
xdpdk_test_obj_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	const struct xdpdk_test_obj_maps *om = arg;

	for (uint32_t i = 0; i < xdpdk_obj_map_count(om->obj); i++) {
		const struct xdpdk_map_def *d = xdpdk_obj_map_def(xdpdk_obj_map_at(om->obj, i));
		const struct xdpdk_map_def *in = xdpdk_obj_map_inner_def(xdpdk_obj_map_at(om->obj,
											 i));
		const char *v = om->value[i], *a = addr;

		if (om->addr[i] != addr && !(v != NULL && a >= v && a < v + d->value_size))
			continue;
		*out = (struct xdpdk_verifier_map){
			.addr = om->addr[i], .value_addr = om->value[i], .type = d->type,
			.key_size = d->key_size, .value_size = d->value_size,
			.max_entries = d->max_entries, .map_flags = d->map_flags,
			.spin_lock_off = d->has_spin_lock ? (int32_t)d->spin_lock_off : -1,
		};
		snprintf(out->name, sizeof(out->name), "%s", d->name ? d->name : "?");
		if (in != NULL) {
			out->inner_type = in->type;
			out->inner_key_size = in->key_size;
			out->inner_value_size = in->value_size;
			out->inner_max_entries = in->max_entries;
		}
		return 0;
	}
	return -ENOENT;
}

void
xdpdk_test_obj_maps_init(struct xdpdk_test_obj_maps *om, const struct xdpdk_obj *obj)
{
	memset(om, 0, sizeof(*om));
	om->obj = obj;
	for (uint32_t i = 0; i < xdpdk_obj_map_count(obj) && i < XDPDK_TEST_OBJ_MAPS; i++) {
		om->addr[i] = (void *)(uintptr_t)(0x100000ull * (i + 1));
		om->value[i] = (void *)(uintptr_t)(0x100000ull * (i + 1) + 0x1000);
		/* Constant strings (snprintf's format) are read by the verifier. */
		if (xdpdk_obj_map_data(xdpdk_obj_map_at(obj, i)) != NULL)
			om->value[i] = (void *)(uintptr_t)xdpdk_obj_map_data(xdpdk_obj_map_at(obj, i));
	}
}
