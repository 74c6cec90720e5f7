/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tristate numbers, as the kernel's kernel/bpf/tnum.c: a value whose bits are
 * each known 0, known 1 or unknown (mask bit set). The verifier tracks every
 * scalar's bits with one, beside its signed and unsigned ranges.
 */
#include <stdio.h>

#include "verifier_internal.h"

const struct tnum xdpdk_tnum_unknown = { .value = 0, .mask = ~0ULL };

struct tnum
xdpdk_tnum_const(uint64_t v)
{
	return (struct tnum){ v, 0 };
}

struct tnum
xdpdk_tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	int bits = chi ? 64 - __builtin_clzll(chi) : 0;

	if (bits > 63)
		return xdpdk_tnum_unknown;
	delta = (1ULL << bits) - 1;
	return (struct tnum){ min & ~delta, delta };
}

struct tnum
xdpdk_tnum_lshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ a.value << shift, a.mask << shift };
}

struct tnum
xdpdk_tnum_rshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ a.value >> shift, a.mask >> shift };
}

struct tnum
xdpdk_tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness)
{
	if (insn_bitness == 32)
		return (struct tnum){ (uint32_t)((int32_t)a.value >> min_shift),
				      (uint32_t)((int32_t)a.mask >> min_shift) };
	return (struct tnum){ (uint64_t)((int64_t)a.value >> min_shift),
			      (uint64_t)((int64_t)a.mask >> min_shift) };
}

struct tnum
xdpdk_tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value, sigma = sm + sv;
	uint64_t chi = sigma ^ sv, mu = chi | a.mask | b.mask;

	return (struct tnum){ sv & ~mu, mu };
}

struct tnum
xdpdk_tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value, alpha = dv + a.mask, beta = dv - b.mask;
	uint64_t chi = alpha ^ beta, mu = chi | a.mask | b.mask;

	return (struct tnum){ dv & ~mu, mu };
}

struct tnum
xdpdk_tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;

	return (struct tnum){ v, alpha & beta & ~v };
}

struct tnum
xdpdk_tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask | b.mask;

	return (struct tnum){ v, mu & ~v };
}

struct tnum
xdpdk_tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;

	return (struct tnum){ v & ~mu, mu };
}

/* Long multiplication, one bit of a at a time (the kernel's tnum_mul). */
struct tnum
xdpdk_tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = xdpdk_tnum_const(a.value * b.value), acc_m = xdpdk_tnum_const(0);

	while (a.value || a.mask) {
		if (a.value & 1)
			acc_m = xdpdk_tnum_add(acc_m, (struct tnum){ 0, b.mask });
		else if (a.mask & 1)
			acc_m = xdpdk_tnum_add(acc_m, (struct tnum){ 0, b.value | b.mask });
		a = xdpdk_tnum_rshift(a, 1);
		b = xdpdk_tnum_lshift(b, 1);
	}
	return xdpdk_tnum_add(acc_v, acc_m);
}

struct tnum
xdpdk_tnum_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask & b.mask;

	return (struct tnum){ v & ~mu, mu };
}

struct tnum
xdpdk_tnum_cast(struct tnum a, uint8_t size)
{
	if (size >= 8)
		return a;
	a.value &= (1ULL << (size * 8)) - 1;
	a.mask &= (1ULL << (size * 8)) - 1;
	return a;
}

bool
xdpdk_tnum_is_aligned(struct tnum a, uint64_t size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

/* b is a subset of a: every value b allows, a allows. */
bool
xdpdk_tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	b.value &= ~a.mask;
	return a.value == b.value;
}

struct tnum
xdpdk_tnum_subreg(struct tnum a)
{
	return xdpdk_tnum_cast(a, 4);
}

struct tnum
xdpdk_tnum_clear_subreg(struct tnum a)
{
	return xdpdk_tnum_lshift(xdpdk_tnum_rshift(a, 32), 32);
}

struct tnum
xdpdk_tnum_with_subreg(struct tnum reg, struct tnum subreg)
{
	return xdpdk_tnum_or(xdpdk_tnum_clear_subreg(reg), xdpdk_tnum_subreg(subreg));
}

struct tnum
xdpdk_tnum_const_subreg(struct tnum a, uint32_t value)
{
	return xdpdk_tnum_with_subreg(a, xdpdk_tnum_const(value));
}

int
xdpdk_tnum_sbin(char *str, size_t size, struct tnum a)
{
	return snprintf(str, size, "(%#llx; %#llx)", (unsigned long long)a.value,
			(unsigned long long)a.mask);
}
