/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one format engine of bpf_trace_printk, bpf_trace_vprintk and
 * bpf_snprintf, as the kernel's bpf_bprintf_prepare() + bstr_printf()
 * (kernel/bpf/helpers.c, lib/vsprintf.c) on x86-64:
 *
 * - prepare: the format must hold a NUL within fmt_size and no ASCII control
 *   character but whitespace (UTF-8 bytes pass, as in recent kernels); each conversion is %[0 +-]*[1-9][0-9]* followed by
 *   d i u x X (with l or ll), c, s, p, pK px ps pS pB, pks pus, pI4 pi4 pI6
 *   pi6; %s and %pks/%pus must be followed by NUL, a space or punctuation;
 *   anything else, or more conversions than arguments, is -EINVAL. Strings
 *   and IP addresses are read then, with probe semantics (an unreadable
 *   address reads as an empty string / zeroes), into a 512-byte argument
 *   area whose exhaustion is -ENOSPC, as the kernel's bin_args.
 * - format: vsnprintf's output for what prepare let through; the return is
 *   the length the whole output has, whatever fits.
 *
 * Differences, by necessity: plain %p and %pK print the value as %px does
 * (the kernel hashes it per boot), and %ps/%pS/%pB print "0x<hex>", what
 * the kernel prints for an address that is no kernel symbol.
 */
#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helpers_internal.h"

#define BIN_ARGS_MAX 512	/* MAX_BPRINTF_BIN_ARGS */
#define PAGE 4096u

static inline bool
k_ispunct(unsigned char c)
{
	return c < 0x80 && ispunct(c);
}

/*
 * copy_from_kernel_nofault's role in userspace: read @p n bytes at @p src,
 * or fail without faulting. Off the live stack, process_vm_readv on ourselves reports an
 * unmapped page as an error instead of a signal; one iovec per page, since
 * it never splits one iovec into a partial transfer.
 */
/* The calling thread's stack top, found once per thread. */
static __thread uintptr_t stack_hi;

/*
 * Is [src, src + n) in a live frame of this thread's stack, between this
 * frame and the top? The program's own stack is there (the interpreter's
 * frame array, the JIT's native frames), and live frames are mapped, so a
 * string on it is read without a system call.
 */
static __attribute__((noinline)) bool
on_live_stack(uintptr_t src, size_t n)
{
	volatile char here;
	pthread_attr_t at;
	void *lo;
	size_t sz;

	if (stack_hi == 0) {
		stack_hi = UINTPTR_MAX;	/* unknown: never a match */
		if (pthread_getattr_np(pthread_self(), &at) == 0) {
			if (pthread_attr_getstack(&at, &lo, &sz) == 0)
				stack_hi = (uintptr_t)lo + sz;
			pthread_attr_destroy(&at);
		}
	}
	return stack_hi != UINTPTR_MAX && src >= (uintptr_t)&here && src + n <= stack_hi &&
	       src + n >= src;
}

static ssize_t
read_nofault(void *dst, uintptr_t src, size_t n)
{
	struct iovec local = { dst, n }, remote[2];
	size_t first = PAGE - (src & (PAGE - 1));
	int nr = 1;

	if (src < PAGE || src + n < src)
		return -EFAULT;
	if (on_live_stack(src, n)) {
		memcpy(dst, (const void *)src, n);
		return (ssize_t)n;
	}
	remote[0] = (struct iovec){ (void *)src, n < first ? n : first };
	if (n > first) {
		remote[1] = (struct iovec){ (void *)(src + first), n - first };
		nr = 2;
	}
	return process_vm_readv(getpid(), &local, 1, remote, nr, 0);
}

/*
 * strncpy_from_kernel_nofault(dst, src, cap): the string's length with its
 * NUL (at most cap, the copy then cut and terminated), or -EFAULT.
 */
static int
read_str_nofault(char *dst, uintptr_t src, uint32_t cap)
{
	uint32_t got = 0;

	while (got < cap) {
		const uint32_t in_page = PAGE - ((src + got) & (PAGE - 1));
		const uint32_t want = cap - got < in_page ? cap - got : in_page;
		const char *nul;

		/* Within one page a read is all or nothing. */
		if (read_nofault(dst + got, src + got, want) != (ssize_t)want)
			return -EFAULT;
		nul = memchr(dst + got, 0, want);
		if (nul != NULL)
			return (int)(nul - dst) + 1;
		got += want;
	}
	dst[cap - 1] = 0;
	return (int)cap;
}

enum spec_kind {
	SK_INT,		/* d i u x X, size 4 or 8 */
	SK_CHAR,
	SK_STR,		/* s pks pus: text in the argument area */
	SK_PTR,		/* p pK px: the value */
	SK_SYM,		/* ps pS pB */
	SK_IP,		/* pI4 pi4 pI6 pi6: text in the argument area */
};

/* What prepare captured for one conversion, in order. */
struct bp_arg {
	uint8_t kind;
	uint8_t size;		/* SK_INT: 4 or 8 */
	uint16_t str_off;	/* SK_STR / SK_IP: offset in the argument area */
	uint64_t val;
};

struct bp_state {
	struct bp_arg arg[XDPDK_BPRINTF_MAX_ARGS];
	char area[BIN_ARGS_MAX];
	uint32_t used;		/* bytes of the argument area taken, as tmp_buf - bin_args */
};

static inline uint32_t
align4(uint32_t v)
{
	return (v + 3) & ~3u;
}

/* Format an IPv4/IPv6 address as lib/vsprintf.c's ip4_string/ip6_string. */
static int
ip_text(char *out, size_t cap, const uint8_t *a, char kind, char ver)
{
	static const char hex[] = "0123456789abcdef";
	char buf[48];
	int n = 0;

	if (ver == '4') {
		n = snprintf(buf, sizeof(buf), kind == 'I' ? "%u.%u.%u.%u" :
			     "%03u.%03u.%03u.%03u", a[0], a[1], a[2], a[3]);
	} else {
		for (int i = 0; i < 16; i++) {
			buf[n++] = hex[a[i] >> 4];
			buf[n++] = hex[a[i] & 15];
			if (kind == 'I' && (i & 1) && i != 15)
				buf[n++] = ':';
		}
		buf[n] = 0;
	}
	return snprintf(out, cap, "%s", buf);
}

/*
 * A string conversion ending at fmt[i] (%s, %pks, %pus: read alike on x86-64):
 * it must be followed by NUL, a space or punctuation; the text is copied into
 * the argument area, cut to what is left of it ("" when unreadable).
 */
static int
capture_str(const char *fmt, uint32_t i, struct bp_state *st, struct bp_arg *a)
{
	int len;

	if (fmt[i + 1] != 0 && !xdpdk_k_isspace((unsigned char)fmt[i + 1]) &&
	    !k_ispunct((unsigned char)fmt[i + 1]))
		return -EINVAL;
	if (st->used == BIN_ARGS_MAX)
		return -ENOSPC;
	len = read_str_nofault(st->area + st->used, (uintptr_t)a->val, BIN_ARGS_MAX - st->used);
	if (len < 0) {
		st->area[st->used] = 0;
		len = 1;
	}
	a->kind = SK_STR;
	a->str_off = (uint16_t)st->used;
	st->used += (uint32_t)len;
	return 0;
}

/*
 * bpf_bprintf_prepare: check @p fmt against @p num_args arguments and
 * capture them in @p st. 0, -EINVAL or -ENOSPC.
 */
static int
prepare(const char *fmt, uint32_t fmt_len, const uint64_t *args, uint32_t num_args,
	struct bp_state *st)
{
	uint32_t num_spec = 0;

	st->used = 0;
	for (uint32_t i = 0; i < fmt_len; i++) {
		const unsigned char c = (unsigned char)fmt[i];
		struct bp_arg *a;
		int rc;

		/* Control characters are refused; bytes >= 0x80 (UTF-8) pass, as in 6.x. */
		if (c < 0x80 && !isprint(c) && !xdpdk_k_isspace(c))
			return -EINVAL;
		if (c != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (num_spec >= num_args)
			return -EINVAL;
		a = &st->arg[num_spec];
		a->val = args[num_spec];
		i++;
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9') {
			i++;
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;
		}
		if (fmt[i] == 'p') {
			const char n = fmt[i + 1];

			if (n == 0 || xdpdk_k_isspace((unsigned char)n) || k_ispunct((unsigned char)n)) {
				a->kind = SK_PTR;
				a->size = 8;
				goto nocopy;
			}
			if ((n == 'k' || n == 'u') && fmt[i + 2] == 's') {
				i += 2;
				rc = capture_str(fmt, i, st, a);
				if (rc)
					return rc;
				num_spec++;
				continue;
			}
			if (n == 'K' || n == 'x' || n == 's' || n == 'S') {
				a->kind = n == 's' || n == 'S' ? SK_SYM : SK_PTR;
				a->size = 8;
				i++;
				goto nocopy;
			}
			if (n == 'B') {
				/* The kernel snprintf()s the symbol into the area. */
				int len = snprintf(NULL, 0, "0x%llx", (unsigned long long)a->val);

				a->kind = SK_SYM;
				st->used += (uint32_t)len + 1;
				if (st->used > BIN_ARGS_MAX)
					st->used = BIN_ARGS_MAX;
				i++;
				num_spec++;
				continue;
			}
			if ((n != 'i' && n != 'I') || (fmt[i + 2] != '4' && fmt[i + 2] != '6'))
				return -EINVAL;
			i += 2;
			{
				const uint32_t sz = fmt[i] == '4' ? 4 : 16;
				uint8_t ip[16] = { 0 };
				int len;

				if (BIN_ARGS_MAX - st->used < sz)
					return -ENOSPC;
				if (read_nofault(ip, (uintptr_t)a->val, sz) != (ssize_t)sz)
					memset(ip, 0, sizeof(ip));
				len = ip_text(st->area + st->used, BIN_ARGS_MAX - st->used, ip,
					      fmt[i - 1], fmt[i]);
				a->kind = SK_IP;
				a->str_off = (uint16_t)st->used;
				st->used += (uint32_t)len + 1;
				if (st->used > BIN_ARGS_MAX)
					st->used = BIN_ARGS_MAX;
			}
			num_spec++;
			continue;
		} else if (fmt[i] == 's') {
			rc = capture_str(fmt, i, st, a);
			if (rc)
				return rc;
			num_spec++;
			continue;
		} else if (fmt[i] == 'c') {
			if (st->used == BIN_ARGS_MAX)
				return -ENOSPC;
			a->kind = SK_CHAR;
			st->used++;
			num_spec++;
			continue;
		}
		a->kind = SK_INT;
		a->size = 4;
		if (fmt[i] == 'l') {
			a->size = 8;
			i++;
		}
		if (fmt[i] == 'l')
			i++;
		if (fmt[i] != 'i' && fmt[i] != 'd' && fmt[i] != 'u' && fmt[i] != 'x' &&
		    fmt[i] != 'X')
			return -EINVAL;
nocopy:
		st->used = align4(st->used);
		if (BIN_ARGS_MAX - st->used < a->size)
			return -ENOSPC;
		st->used += a->size;
		num_spec++;
	}
	return 0;
}

/* An output cursor with vsnprintf's semantics: counts everything, stores what fits. */
struct out {
	char *buf;
	uint32_t size;
	uint32_t len;
};

static inline void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
put_str(struct out *o, const char *s, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		put(o, s[k]);
}

/* A string or character field: spaces, never zeroes, as widen_string. */
static void
put_padded(struct out *o, const char *s, uint32_t n, uint32_t width, bool left)
{
	if (!left)
		for (uint32_t k = n; k < width; k++)
			put(o, ' ');
	put_str(o, s, n);
	if (left)
		for (uint32_t k = n; k < width; k++)
			put(o, ' ');
}

struct spec {
	bool left, plus, space, zero;
	uint32_t width;
	bool has_width;
};

/* number(): one integer conversion with flags and width. */
static void
put_number(struct out *o, const struct spec *sp, uint64_t v, char conv, uint32_t size)
{
	char digits[24], sign = 0;
	const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	const uint32_t base = conv == 'x' || conv == 'X' ? 16 : 10;
	uint32_t n = 0, len;

	if (size == 4)
		v = conv == 'd' || conv == 'i' ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
	if (conv == 'd' || conv == 'i') {
		if ((int64_t)v < 0) {
			sign = '-';
			v = -v;
		} else if (sp->plus) {
			sign = '+';
		} else if (sp->space) {
			sign = ' ';
		}
	}
	do {
		digits[n++] = dig[v % base];
		v /= base;
	} while (v != 0);
	len = n + (sign != 0);
	if (!sp->left && !sp->zero)
		for (uint32_t k = len; k < sp->width; k++)
			put(o, ' ');
	if (sign)
		put(o, sign);
	if (!sp->left && sp->zero)
		for (uint32_t k = len; k < sp->width; k++)
			put(o, '0');
	while (n)
		put(o, digits[--n]);
	if (sp->left)
		for (uint32_t k = len; k < sp->width; k++)
			put(o, ' ');
}

/* bstr_printf over what prepare captured. */
static uint32_t
format(char *buf, uint32_t size, const char *fmt, const struct bp_state *st)
{
	struct out o = { buf, size, 0 };
	uint32_t num_spec = 0;

	for (const char *f = fmt; *f; f++) {
		const struct bp_arg *a;
		struct spec sp = { 0 };
		char text[32];

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		if (f[1] == '%') {
			put(&o, '%');
			f++;
			continue;
		}
		a = &st->arg[num_spec++];
		for (f++;; f++) {
			if (*f == '-')
				sp.left = true;
			else if (*f == '+')
				sp.plus = true;
			else if (*f == ' ')
				sp.space = true;
			else if (*f == '0')
				sp.zero = true;
			else
				break;
		}
		while (*f >= '0' && *f <= '9') {
			sp.width = sp.width * 10 + (uint32_t)(*f++ - '0');
			sp.has_width = true;
		}
		switch (a->kind) {
		case SK_INT:
			while (*f == 'l')
				f++;
			put_number(&o, &sp, a->val, *f, a->size);
			break;
		case SK_CHAR: {
			const char c = (char)a->val;

			put_padded(&o, &c, 1, sp.width, sp.left);
			break;
		}
		case SK_STR:
		case SK_IP: {
			const char *s = st->area + a->str_off;

			put_padded(&o, s, (uint32_t)strlen(s), sp.width, sp.left);
			break;
		}
		case SK_PTR:
			/* pointer_string: 16 zero-padded digits unless a width is given */
			if (!sp.has_width) {
				sp.width = 16;
				sp.zero = true;
			}
			put_number(&o, &sp, a->val, 'x', 8);
			break;
		case SK_SYM:
			snprintf(text, sizeof(text), "0x%llx", (unsigned long long)a->val);
			put_padded(&o, text, (uint32_t)strlen(text), sp.width, sp.left);
			break;
		}
		/* bstr_printf: the letters after a %p belong to the conversion. */
		if (*f == 'p')
			while (isalnum((unsigned char)f[1]))
				f++;
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len;
}

int
xdpdk_bprintf(char *buf, uint32_t size, const char *fmt, uint32_t fmt_size,
	      const uint64_t *args, uint32_t num_args)
{
	struct bp_state st;
	const char *end = memchr(fmt, 0, fmt_size);
	int rc;

	if (end == NULL || num_args > XDPDK_BPRINTF_MAX_ARGS)
		return -EINVAL;
	rc = prepare(fmt, (uint32_t)(end - fmt), args, num_args, &st);
	if (rc < 0)
		return rc;
	return (int)format(buf, size, fmt, &st);
}

int
xdpdk_bprintf_check(const char *fmt, uint32_t fmt_size, uint32_t num_args)
{
	static const uint64_t zero[XDPDK_BPRINTF_MAX_ARGS];
	struct bp_state st;
	const char *end = memchr(fmt, 0, fmt_size);

	if (end == NULL)
		return -EINVAL;
	if (num_args > XDPDK_BPRINTF_MAX_ARGS)
		return 0;	/* refused when it runs (data_len too large), as the kernel */
	return prepare(fmt, (uint32_t)(end - fmt), zero, num_args, &st);
}
