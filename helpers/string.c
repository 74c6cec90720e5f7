/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * String helpers with kernel/bpf/helpers.c's semantics: bpf_snprintf (on the
 * shared format engine of bprintf.c), bpf_strtol, bpf_strtoul (the kernel's
 * __bpf_strtoull over lib/kstrtox.c's parser, not libc's strtol: only '-'
 * is a sign, "0x" with explicit base 16 needs a digit after it, 63
 * characters at most are parsed) and bpf_strncmp (lib/string.c: -1, 0, 1).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "helpers_internal.h"

#define STRTOX_BASE_MASK 0x1f	/* BPF_STRTOX_BASE_MASK */

/*
 * long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data,
 * u32 data_len): the length with the NUL, whatever fits in str.
 */
uint64_t
xdpdk_h_snprintf(uint64_t str, uint64_t str_size, uint64_t fmt, uint64_t data,
		 uint64_t data_len)
{
	const uint32_t dl = (uint32_t)data_len;
	uint64_t args[XDPDK_BPRINTF_MAX_ARGS];
	int rc;

	if ((dl % 8) || dl > XDPDK_BPRINTF_MAX_ARGS * 8 || (dl && data == 0))
		return (uint64_t)-EINVAL;
	if (dl)
		memcpy(args, (const void *)(uintptr_t)data, dl);
	/* ARG_PTR_TO_CONST_STR: the verifier saw the NUL; the size is unbounded. */
	rc = xdpdk_bprintf((char *)(uintptr_t)str, (uint32_t)str_size,
			   (const char *)(uintptr_t)fmt, UINT32_MAX, args, dl / 8);
	return rc < 0 ? (uint64_t)(int64_t)rc : (uint64_t)rc + 1;
}

static inline bool
k_isxdigit(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* __bpf_strtoull: characters consumed, or -EINVAL / -ERANGE. */
static int
parse_ull(const char *buf, size_t buf_len, uint64_t flags, uint64_t *res, bool *neg)
{
	unsigned int base = flags & STRTOX_BASE_MASK;
	const char *cur = buf;
	size_t consumed, lim, i = 0, start;
	bool overflow = false;
	uint64_t v = 0;

	if (buf == NULL || buf_len == 0)
		return -EINVAL;
	if (base != 0 && base != 8 && base != 10 && base != 16)
		return -EINVAL;
	if (flags & ~(uint64_t)STRTOX_BASE_MASK)
		return -EINVAL;
	while (cur < buf + buf_len && xdpdk_k_isspace((unsigned char)*cur))
		cur++;
	*neg = cur < buf + buf_len && *cur == '-';
	if (*neg)
		cur++;
	consumed = (size_t)(cur - buf);
	if (consumed == buf_len)
		return -EINVAL;
	/* The kernel parses a NUL-terminated copy of 63 bytes at most: read in place. */
	lim = buf_len - consumed < 63 ? buf_len - consumed : 63;
#define AT(k) ((k) < lim ? (unsigned char)cur[k] : 0u)
	/* _parse_integer_fixup_radix */
	if (base == 0) {
		if (AT(0) == '0')
			base = (AT(1) | 0x20) == 'x' && k_isxdigit((unsigned char)AT(2)) ? 16 : 8;
		else
			base = 10;
	}
	if (base == 16 && AT(0) == '0' && (AT(1) | 0x20) == 'x')
		i = 2;
	start = i;
	/* _parse_integer */
	for (; i < lim; i++) {
		const unsigned int c = (unsigned char)cur[i], lc = c | 0x20;
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			d = lc - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if ((v & (~0ull << 60)) && v > (UINT64_MAX - d) / base)
			overflow = true;
		v = v * base + d;
	}
#undef AT
	if (overflow)
		return -ERANGE;
	if (i == start)
		return -EINVAL;
	*res = v;
	return (int)(consumed + i);
}

/* long bpf_strtol(const char *buf, size_t buf_len, u64 flags, long *res) */
uint64_t
xdpdk_h_strtol(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res, uint64_t e)
{
	int64_t *out = (int64_t *)(uintptr_t)res;
	uint64_t v = 0;
	bool neg = false;
	int rc;

	(void)e;
	*out = 0;	/* written on every path: the verifier counts it as initialised */
	rc = parse_ull((const char *)(uintptr_t)buf, (size_t)buf_len, flags, &v, &neg);
	if (rc < 0)
		return (uint64_t)(int64_t)rc;
	if (neg) {
		if ((int64_t)-v > 0)
			return (uint64_t)-ERANGE;
		*out = (int64_t)-v;
	} else {
		if ((int64_t)v < 0)
			return (uint64_t)-ERANGE;
		*out = (int64_t)v;
	}
	return (uint64_t)rc;
}

/* long bpf_strtoul(const char *buf, size_t buf_len, u64 flags, unsigned long *res) */
uint64_t
xdpdk_h_strtoul(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res, uint64_t e)
{
	uint64_t *out = (uint64_t *)(uintptr_t)res;
	uint64_t v = 0;
	bool neg = false;
	int rc;

	(void)e;
	*out = 0;
	rc = parse_ull((const char *)(uintptr_t)buf, (size_t)buf_len, flags, &v, &neg);
	if (rc < 0)
		return (uint64_t)(int64_t)rc;
	if (neg)
		return (uint64_t)-EINVAL;
	*out = v;
	return (uint64_t)rc;
}

/* long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2): lib/string.c's strncmp. */
uint64_t
xdpdk_h_strncmp(uint64_t s1, uint64_t s1_sz, uint64_t s2, uint64_t d, uint64_t e)
{
	const unsigned char *a = (const unsigned char *)(uintptr_t)s1;
	const unsigned char *b = (const unsigned char *)(uintptr_t)s2;

	(void)d, (void)e;
	for (uint32_t n = (uint32_t)s1_sz; n; n--, a++, b++) {
		if (*a != *b)
			return *a < *b ? (uint64_t)-1 : 1;
		if (*a == 0)
			break;
	}
	return 0;
}
