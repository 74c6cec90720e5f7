// SPDX-License-Identifier: BSD-3-Clause
/*
 * Global data in every section libbpf turns into an internal array map:
 * .data, .bss, .rodata, a string literal's .rodata.str1.1, and custom
 * .data.custom / .rodata.custom sections. A .text subprogram reads them too,
 * so its references must be relocated in each program's appended copy.
 * xdp_globals writes, in the packet: [0..4) ro_mult * bump, [4..8) counter
 * after increment, [8..12) table[2], [12..16) cust_ro + cust_rw, [16..18) two
 * characters of the string at rx_queue_index & 7, [20..24) hits after increment.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

volatile const __u32 ro_mult = 3;	       /* .rodata */
volatile const __u32 ro_pad[3] = {11, 12, 13}; /* .rodata */
__u32 counter = 100;			       /* .data */
__u32 table[4] = {1, 2, 3, 4};		       /* .data */
__u64 zeroes[2];			       /* .bss */
__u32 bss_word;				       /* .bss */
__u32 cust_rw SEC(".data.custom") = 0xc0ffee;
static volatile __u32 hits = 40; /* .data, by section symbol */
volatile const __u32 cust_ro SEC(".rodata.custom") = 0xfeed;

static __noinline __u32
bump(__u32 x)
{
	bss_word += x;
	return bss_word + table[1];
}

static __always_inline void
put32(__u8 *p, __u32 v)
{
	__builtin_memcpy(p, &v, 4);
}

SEC("xdp")
int
xdp_globals(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	const char *s = "xdpdk-str"; /* .rodata.str1.1 */
	__u32 i = ctx->rx_queue_index & 7;

	if (data + 24 > data_end)
		return XDP_DROP;
	counter++;
	zeroes[1] += 5;
	put32(data, ro_mult * bump(ro_pad[2]));
	put32(data + 4, counter);
	put32(data + 8, table[2]);
	put32(data + 12, cust_ro + cust_rw);
	data[16] = s[i];
	data[17] = s[i + 1];
	hits++;
	put32(data + 20, hits);
	return XDP_TX;
}

SEC("tc")
int
tc_globals(struct __sk_buff *skb)
{
	return bump(cust_rw) > ro_mult ? 0 : 2;
}

char LICENSE[] SEC("license") = "GPL";
