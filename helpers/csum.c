/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum arithmetic as the kernel computes it on x86-64
 * (arch/x86/lib/csum-partial_64.c, include/net/checksum.h), and
 * bpf_csum_diff on top of it. The unfolded 32-bit sums are the kernel's
 * exactly, not only modulo 0xffff, because programs see them: csum_diff's
 * result is fed to l3/l4_csum_replace or stored in packets as is.
 */
#include <string.h>

#include "helpers_internal.h"

/*
 * A 64-bit end-around-carry sum folded twice to 32 bits is the x86 code's
 * result: the value modulo 2^32 - 1 in [1, 2^32 - 1] unless every input is
 * zero. Since 6.8 ("x86/csum: Remove unnecessary odd handling") the x86-64
 * code sums from the address it is given, odd or not: rotating an odd start's
 * lanes, as it did before and as lib/checksum.c does, gives the same sum
 * modulo 0xffff but can turn a zero into 0xffff (test_random_diff seed 21827).
 */
uint32_t
xdpdk_csum_partial(const void *buf, uint32_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;

	/* 64-bit words with end-around carry, as the x86 code's adc chain. */
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		acc += w;
		acc += acc < w;
	}
	if (len & 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		acc += w;
		acc += acc < w;
		p += 4;
	}
	if (len & 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		acc += h;
		acc += acc < h;
		p += 2;
	}
	if (len & 1) {
		acc += *p;
		acc += acc < *p;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/*
 * bpf_csum_diff as the kernel has it since 6.13 ("optimize and homogenize
 * for all archs"): no scratch area any more, so sizes need not be multiples
 * of 4 nor total at most 512 (the verifier bounds both buffers) and there is
 * no error return; push (from empty), pull (to empty) and diff are computed
 * separately, and the result is folded to 16 bits, the same on every arch.
 * Before 6.13 odd sizes and totals over 512 gave -EINVAL and the sum was
 * unfolded: the differential test pins the 6.13+ behaviour on this host.
 */
uint64_t
xdpdk_h_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const void *from = (const void *)(uintptr_t)r1, *to = (const void *)(uintptr_t)r3;
	const uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4;
	uint32_t ret = (uint32_t)r5;

	if (from_size != 0 && to_size != 0)
		ret = xdpdk_csum_sub(xdpdk_csum_partial(to, to_size, ret),
				     xdpdk_csum_partial(from, from_size, 0));
	else if (to_size != 0)
		ret = xdpdk_csum_partial(to, to_size, ret);
	else if (from_size != 0)
		ret = ~xdpdk_csum_partial(from, from_size, ~ret);
	return xdpdk_csum_from32to16(ret);
}
