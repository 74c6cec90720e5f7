// SPDX-License-Identifier: BSD-3-Clause
/*
 * .kconfig externs: LINUX_KERNEL_VERSION and weak CONFIG_* options of every
 * kind libbpf knows (bool, tristate, int, char, string). xdpdk answers
 * LINUX_KERNEL_VERSION and leaves every CONFIG_* unset (0, n, ""), which
 * weak externs allow. xdp_kconfig writes them into the packet:
 * [0..4) LINUX_KERNEL_VERSION, [4] CONFIG_BPF_JIT, [5] CONFIG_XDP_SOCKETS
 * (tristate), [6..8) low bytes of CONFIG_HZ, [8] CONFIG_X_CHAR,
 * [9] CONFIG_X_STR[0].
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_JIT __kconfig __weak;
extern enum libbpf_tristate CONFIG_XDP_SOCKETS __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern char CONFIG_X_CHAR __kconfig __weak;
extern char CONFIG_X_STR[6] __kconfig __weak;
extern __u64 CONFIG_X_U64 __kconfig __weak;

SEC("xdp")
int
xdp_kconfig(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	__u32 v = LINUX_KERNEL_VERSION;

	if (data + 16 > data_end)
		return XDP_DROP;
	__builtin_memcpy(data, &v, 4);
	data[4] = CONFIG_BPF_JIT;
	data[5] = CONFIG_XDP_SOCKETS;
	data[6] = CONFIG_HZ;
	data[7] = CONFIG_HZ >> 8;
	data[8] = CONFIG_X_CHAR;
	data[9] = CONFIG_X_STR[0];
	data[10] = CONFIG_X_U64;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
