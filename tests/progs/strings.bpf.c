// SPDX-License-Identifier: BSD-3-Clause
/*
 * String and printing helpers with their error paths: bpf_strtol,
 * bpf_strtoul, bpf_strncmp, bpf_snprintf, bpf_trace_printk and
 * bpf_trace_vprintk. Return values go to `rv`, formatted text to `txt`,
 * both compared with the kernel's by the differential test (which also runs
 * them on packet bytes); tests/unit/helpers/test_strings.c checks the exact
 * values.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rv SEC(".maps");

struct text {
	char s[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct text);
} txt SEC(".maps");

static __always_inline void
set(__u32 k, long v)
{
	__u64 *p = bpf_map_lookup_elem(&rv, &k);

	if (p)
		*p = (__u64)v;
}

/* strtol/strtoul on one string: the return value at k, the result at k + 1. */
#define STRTOL(k, str, flags)                                                   \
	do {                                                                    \
		static const char s_[] = str;                                   \
		long r_ = 77;                                                   \
		set(k, bpf_strtol(s_, sizeof(s_) - 1, flags, &r_));             \
		set((k) + 1, r_);                                               \
	} while (0)
#define STRTOUL(k, str, flags)                                                  \
	do {                                                                    \
		static const char s_[] = str;                                   \
		unsigned long r_ = 77;                                          \
		set(k, bpf_strtoul(s_, sizeof(s_) - 1, flags, &r_));            \
		set((k) + 1, (long)r_);                                         \
	} while (0)

SEC("xdp")
int
xdp_strtol(struct xdp_md *ctx)
{
	char buf[16];
	long r = 0;
	unsigned long u = 0;

	STRTOL(0, "  -123abc", 10);
	STRTOL(2, "0x1f", 0);
	STRTOL(4, "0x1f", 16);
	STRTOL(6, "0777", 0);
	STRTOL(8, "0xg", 0);			/* base 8: "0" */
	STRTOL(10, "0xg", 16);			/* no digit after 0x: -EINVAL */
	STRTOL(12, "+5", 10);			/* '+' is no sign: -EINVAL */
	STRTOL(14, "9223372036854775808", 10);	/* -ERANGE */
	STRTOL(16, "-9223372036854775808", 10);	/* LONG_MIN */
	STRTOL(18, "99999999999999999999", 10);	/* overflow: -ERANGE */
	STRTOL(20, "12", 7);			/* bad base: -EINVAL */
	STRTOL(22, "12", 0x20 | 10);		/* bad flag: -EINVAL */
	STRTOL(24, "   ", 10);			/* only spaces: -EINVAL */
	STRTOL(26, "\t\n\v\f\r 42", 0);
	STRTOUL(28, "-1", 10);			/* -EINVAL */
	STRTOUL(30, "18446744073709551615", 10);
	STRTOUL(32, "18446744073709551616", 10);	/* -ERANGE */
	STRTOUL(34, "DEADbeefZ", 16);
	STRTOUL(36, "0X10", 0);
	STRTOL(38, "-", 10);			/* -EINVAL */
	STRTOL(40, "123456789", 10);
	/* the string is cut by buf_len */
	{
		static const char s[] = "123456";
		set(42, bpf_strtol(s, 3, 10, &r));
		set(43, r);
	}
	/* only 63 characters after the sign are parsed */
	STRTOL(48, "  -000000000000000000000000000000000000000000000000000000000000012345", 10);
	STRTOUL(50, "0x0000000000000000000000000000000000000000000000000000000000000000001", 0);
	/* packet bytes: whatever they hold, same answer as the kernel */
	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)) == 0) {
		set(44, bpf_strtol(buf, sizeof(buf), 0, &r));
		set(45, r);
		set(46, bpf_strtoul(buf + 6, 10, 16, &u));
		set(47, (long)u);
	}
	return XDP_PASS;
}

SEC("xdp")
int
xdp_strncmp(struct xdp_md *ctx)
{
	static const char a[] = "xdpdk";
	char buf[8] = "xdpd";

	set(0, bpf_strncmp(a, sizeof(a), "xdpdk"));
	set(1, bpf_strncmp(a, sizeof(a), "xdpdz"));
	set(2, bpf_strncmp(a, sizeof(a), "xdpda"));
	set(3, bpf_strncmp(a, 3, "xdpXX"));
	set(4, bpf_strncmp(a, sizeof(a), "xdp"));
	set(5, bpf_strncmp(buf, sizeof(buf), "xdpdk"));
	buf[0] = (char)0xf0;
	set(6, bpf_strncmp(buf, sizeof(buf), "xdpdk"));	/* compared unsigned */
	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)) == 0)
		set(7, bpf_strncmp(buf, sizeof(buf), "\x01\x00\x5e"));
	return XDP_PASS;
}

static __always_inline void
put(__u32 k, long ret, const char *s)
{
	struct text *t = bpf_map_lookup_elem(&txt, &k);

	set(k, ret);
	if (t)
		__builtin_memcpy(t->s, s, sizeof(t->s));
}

/* Format a[] into out (zeroed first: the map gets all 128 bytes) and keep both. */
#define SNPRINTF(k, fmt, len)                                                   \
	do {                                                                    \
		__builtin_memset(out, 0, sizeof(out));                          \
		n = bpf_snprintf(out, sizeof(out), fmt, a, len);                \
		put(k, n, out);                                                 \
	} while (0)

SEC("xdp")
int
xdp_snprintf(struct xdp_md *ctx)
{
	static const char hello[] = "hello";
	static const char s100[] = "0123456789012345678901234567890123456789012345678901234567890123"
				   "456789012345678901234567890123456789";
	static const __u8 ip4[4] = { 192, 0, 2, 7 };
	static const __u8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	char out[128];
	__u64 a[12] = {};
	long n;

	a[0] = -5;
	a[1] = 0xffffffffULL;
	a[2] = 0x1234abcdULL;
	a[3] = 0x1234abcdULL;
	a[4] = 'Z';
	a[5] = 42;
	a[6] = 42;
	a[7] = -42;
	a[8] = 7;
	a[9] = 7;
	SNPRINTF(0, "%d|%u|%x|%X|%c|%%|%5d|%-5d|%05d|%+d|% d", 80);
	a[0] = -1;
	a[1] = -1;
	a[2] = -1;
	a[3] = 0x8000000000000000ULL;
	a[4] = 255;
	a[5] = 0x7fffffffffffffffULL;
	a[6] = 0x8000000000000000ULL;
	SNPRINTF(1, "%ld %lld %lu %llx %lX %li %lli", 56);
	a[0] = (__u64)(unsigned long)hello;
	a[1] = 0;
	a[2] = (__u64)(unsigned long)ip4;
	a[3] = (__u64)(unsigned long)ip4;
	a[4] = (__u64)(unsigned long)ip6;
	a[5] = (__u64)(unsigned long)ip6;
	SNPRINTF(2, "[%s][%s][%10s][%-7s]", 32);
	a[0] = a[2];
	a[1] = a[3];
	a[2] = a[4];
	a[3] = a[5];
	SNPRINTF(3, "%pI4 %pi4 %pI6 %pi6 %pI6c.", 40);
	a[0] = 0x1234;
	a[1] = 0xabc;
	a[2] = 0x10;
	a[3] = 0x99;
	SNPRINTF(4, "%px %ps %pS %20px.", 32);
	/* cut: the length it would have, with the NUL */
	a[0] = 123456;
	__builtin_memset(out, 0, sizeof(out));
	n = bpf_snprintf(out, 4, "%d", a, 8);
	put(5, n, out);
	n = bpf_snprintf(0, 0, "abc%d", a, 8);
	set(6, n);
	/* the 512-byte argument area: strings are cut to fit, then -ENOSPC */
	for (int i = 0; i < 7; i++)
		a[i] = (__u64)(unsigned long)s100;
	SNPRINTF(7, "%s%s%s%s%s|%s", 48);
	n = bpf_snprintf(out, sizeof(out), "%s%s%s%s%s%s%s", a, 56);
	set(8, n);
	/* packet bytes as numbers and a character */
	if (bpf_xdp_load_bytes(ctx, 0, a, 24) == 0)
		SNPRINTF(9, "%llx %d %c", 24);
	__builtin_memset(out, 0, sizeof(out));
	n = bpf_snprintf(out, sizeof(out), "no args", 0, 0);
	put(10, n, out);
	return XDP_PASS;
}

SEC("xdp")
int
xdp_trace_printk(struct xdp_md *ctx)
{
	static const char ok[] = "xdpdk %d %s %x\n";
	static const char four[] = "%d %d %d %d";
	static const char bad_conv[] = "%q";
	static const char precision[] = "%5.2d";
	static const char short_h[] = "%hd";
	static const char no_nul[4] = { 'a', 'b', 'c', 'd' };
	static const char pct[] = "100%%";
	static const char s_alnum[] = "%sx";
	static const char p_ext[] = "%pM";
	static const char high[] = "\xc3\xa9";	/* UTF-8 passes */
	static const char ctrl[] = "a\x1b";		/* control characters do not */
	__u64 v[4] = { 1, 2, 3, 4 };

	set(0, bpf_trace_printk(ok, sizeof(ok), ctx->data_end - ctx->data, "str", 0xbeef));
	set(1, bpf_trace_printk(four, sizeof(four), 1, 2, 3));
	set(2, bpf_trace_printk(bad_conv, sizeof(bad_conv), 1, 2, 3));
	set(3, bpf_trace_printk(precision, sizeof(precision), 1, 2, 3));
	set(4, bpf_trace_printk(short_h, sizeof(short_h), 1, 2, 3));
	set(5, bpf_trace_printk(no_nul, sizeof(no_nul), 1, 2, 3));
	set(6, bpf_trace_printk(pct, sizeof(pct), 1, 2, 3));
	set(7, bpf_trace_printk(s_alnum, sizeof(s_alnum), 0, 2, 3));
	set(8, bpf_trace_printk(p_ext, sizeof(p_ext), 0, 2, 3));
	set(9, bpf_trace_printk(high, sizeof(high), 0, 2, 3));
	set(10, bpf_trace_vprintk(four, sizeof(four), v, sizeof(v)));
	set(11, bpf_trace_vprintk(four, sizeof(four), v, 12));		/* not a multiple of 8 */
	set(12, bpf_trace_vprintk(four, sizeof(four), v, 24));		/* 4 conversions, 3 args */
	set(13, bpf_trace_vprintk(pct, sizeof(pct), 0, 0));
	set(14, bpf_trace_printk(ctrl, sizeof(ctrl), 0, 2, 3));
	return XDP_PASS;
}

/* trace_printk's return (the formatted length) at k, for one format. */
#define T(k, str, ...)                                                          \
	do {                                                                    \
		static const char f_[] = str;                                   \
		set(k, bpf_trace_printk(f_, sizeof(f_), ##__VA_ARGS__));        \
	} while (0)

/* Widths, flags and the %p family, by the lengths they produce. */
SEC("xdp")
int
xdp_trace_formats(struct xdp_md *ctx)
{
	T(0, "\x80\xff");
	T(1, "a\x7f");
	T(2, "%\xc3\xa9", 5);
	T(3, "%5s|", "ab");
	T(4, "%-5c|", 'x');
	T(5, "%05c|", 'x');
	T(6, "%08s|", "ab");
	T(7, "%pK", 0);
	T(8, "%px", 5);
	T(9, "%pKab", 5);			/* the letters after %pK are its own */
	T(10, "%lld %d", 1, 2);
	T(11, "%llu%", 1);
	T(12, "%pB", 0x1234);
	T(13, "%pI4c", 0);
	T(14, "%+u % x %-05d|", 5, 5, 5);
	T(15, "%pks%pus%ps", 0, 0, 0);
	T(16, "%lx %lu %li", -1L, -1L, -1L);
	T(17, "%s", ctx->data_end - ctx->data);	/* not an address: "" */
	T(18, "%10d|%-10x|%010u", -77, 0xabc, 42);
	T(19, "%p.", 0);
	T(20, "%*d", 5, 6);
	T(21, "%ls", 0);
	T(22, "%lc", 0);
	T(23, "%lllx", 0);
	T(24, "%%%d%%", 100);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
