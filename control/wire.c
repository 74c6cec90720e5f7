/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol's encoding (control.h): requests are length-prefixed
 * argument vectors. Decoding trusts nothing: every count and string is
 * checked against the bytes actually received.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>

#include "control_internal.h"

void
xdpdk_ctl_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

uint32_t
xdpdk_ctl_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int
xdpdk_ctl_request_encode(int argc, char *const argv[], uint8_t **buf, size_t *len)
{
	size_t body = 4, off;
	uint8_t *b;

	if (argc < 1 || (unsigned int)argc > XDPDK_CTL_MAX_ARGS)
		return -E2BIG;
	for (int i = 0; i < argc; i++) {
		body += strlen(argv[i]) + 1;
		if (body > XDPDK_CTL_MAX_REQUEST)
			return -E2BIG;
	}
	b = malloc(4 + body);
	if (b == NULL)
		return -ENOMEM;
	xdpdk_ctl_put_u32(b, (uint32_t)body);
	xdpdk_ctl_put_u32(b + 4, (uint32_t)argc);
	off = 8;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		memcpy(b + off, argv[i], n);
		off += n;
	}
	*buf = b;
	*len = off;
	return 0;
}

int
xdpdk_ctl_request_decode(const uint8_t *buf, size_t len, int *argc, char ***argv,
			 const char **why)
{
	uint32_t n, i;
	size_t off = 4, strings;
	char **v, *s;

	*argv = NULL;
	if (len < 4 || len > XDPDK_CTL_MAX_REQUEST) {
		*why = "bad request length";
		return -EPROTO;
	}
	n = xdpdk_ctl_get_u32(buf);
	if (n == 0 || n > XDPDK_CTL_MAX_ARGS) {
		*why = "bad argument count";
		return -EPROTO;
	}
	strings = len - 4;
	/* Exactly n strings, each NUL-terminated, and nothing after them. */
	for (i = 0; i < n; i++) {
		const uint8_t *nul = memchr(buf + off, 0, len - off);

		if (nul == NULL) {
			*why = "argument not NUL-terminated";
			return -EPROTO;
		}
		off = (size_t)(nul - buf) + 1;
		if (off == len && i + 1 < n) {
			*why = "fewer arguments than announced";
			return -EPROTO;
		}
	}
	if (off != len) {
		*why = "bytes after the last argument";
		return -EPROTO;
	}
	v = malloc((n + 1) * sizeof(*v) + strings);
	if (v == NULL) {
		*why = "out of memory";
		return -ENOMEM;
	}
	s = (char *)(v + n + 1);
	memcpy(s, buf + 4, strings);
	for (i = 0; i < n; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	v[n] = NULL;
	*argc = (int)n;
	*argv = v;
	return 0;
}
