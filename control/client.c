/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket's client: one request, one reply (control.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <xdpdk/control.h>

#include "control_internal.h"

/* A reply body: i32 rc, u32 n, n bytes, u32 m, m bytes. */
static int
parse_reply(const uint8_t *b, size_t len, struct xdpdk_ctl_reply *r)
{
	uint32_t n, m;

	if (len < 12)
		return -EPROTO;
	n = xdpdk_ctl_get_u32(b + 4);
	if (n > len - 12)
		return -EPROTO;
	m = xdpdk_ctl_get_u32(b + 8 + n);
	if ((size_t)m != len - 12 - n)
		return -EPROTO;
	r->rc = (int)xdpdk_ctl_get_u32(b);
	r->out = malloc((size_t)n + 1);
	r->err = malloc((size_t)m + 1);
	if (r->out == NULL || r->err == NULL) {
		xdpdk_ctl_reply_free(r);
		return -ENOMEM;
	}
	memcpy(r->out, b + 8, n);
	r->out[n] = '\0';
	r->out_len = n;
	memcpy(r->err, b + 12 + n, m);
	r->err[m] = '\0';
	r->err_len = m;
	return 0;
}

int
xdpdk_ctl_call(const char *path, int argc, char *const argv[], struct xdpdk_ctl_reply *r)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	uint8_t *req = NULL, lenbuf[4], *body = NULL;
	size_t req_len;
	uint32_t len;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	ret = xdpdk_ctl_request_encode(argc, argv, &req, &req_len);
	if (ret != 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		free(req);
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		ret = -errno;
		goto out;
	}
	ret = xdpdk_ctl_write_full(fd, req, req_len);
	if (ret == 0)
		ret = xdpdk_ctl_read_full(fd, lenbuf, 4);
	if (ret != 0)
		goto out;
	len = xdpdk_ctl_get_u32(lenbuf);
	if (len < 12 || len > XDPDK_CTL_MAX_REPLY) {
		ret = -EPROTO;
		goto out;
	}
	body = malloc(len);
	if (body == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	ret = xdpdk_ctl_read_full(fd, body, len);
	if (ret == 0)
		ret = parse_reply(body, len, r);
out:
	free(body);
	free(req);
	close(fd);
	return ret == -ECONNRESET ? -EPROTO : ret;
}

void
xdpdk_ctl_reply_free(struct xdpdk_ctl_reply *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
