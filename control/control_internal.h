/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to control/: the little-endian words of the wire format and I/O with deadlines. */
#ifndef XDPDK_CONTROL_INTERNAL_H
#define XDPDK_CONTROL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

void xdpdk_ctl_put_u32(uint8_t *p, uint32_t v);
uint32_t xdpdk_ctl_get_u32(const uint8_t *p);

/* Read/write exactly @p len bytes within XDPDK_CTL_TIMEOUT_MS per call: 0 or -errno
 * (-ECONNRESET when the peer closes first, -ETIMEDOUT when it stalls). */
int xdpdk_ctl_read_full(int fd, void *buf, size_t len);
int xdpdk_ctl_write_full(int fd, const void *buf, size_t len);

#endif
