/* SPDX-License-Identifier: BSD-3-Clause */
/* Whole-buffer reads and writes on the control socket, each bounded in time. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <xdpdk/control.h>

#include "control_internal.h"

static int
wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do {
		n = poll(&p, 1, XDPDK_CTL_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

int
xdpdk_ctl_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n;
		int ret = wait_fd(fd, POLLIN);

		if (ret != 0)
			return ret;
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
xdpdk_ctl_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n;
		int ret = wait_fd(fd, POLLOUT);

		if (ret != 0)
			return ret;
		/* MSG_NOSIGNAL: a client that left must not kill the dataplane with SIGPIPE */
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
