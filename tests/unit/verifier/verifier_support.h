/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the verifier tests, differential and benchmark (support.c). */
#ifndef XDPDK_TESTS_VERIFIER_SUPPORT_H
#define XDPDK_TESTS_VERIFIER_SUPPORT_H

#include <xdpdk/bpf.h>
#include <xdpdk/elf.h>
#include <xdpdk/verifier.h>

/* Every helper with a prototype; bpf_xdp_* only for XDP, skb ones not for XDP. */
const struct xdpdk_helper_desc *xdpdk_test_resolver(uint32_t id, enum xdpdk_prog_type type,
						    void *arg);
/* The maps of verifier_cases.h (M_HASH ...). */
int xdpdk_test_fake_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg);

#define XDPDK_TEST_OBJ_MAPS 64

/* An object's maps at fake addresses: map i at 0x100000 * (i + 1). */
struct xdpdk_test_obj_maps {
	const struct xdpdk_obj *obj;
	void *addr[XDPDK_TEST_OBJ_MAPS];
	void *value[XDPDK_TEST_OBJ_MAPS];
};

void xdpdk_test_obj_maps_init(struct xdpdk_test_obj_maps *om, const struct xdpdk_obj *obj);
/* map_info over them; @p arg is the struct xdpdk_test_obj_maps. */
int xdpdk_test_obj_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg);

#endif
