// SPDX-License-Identifier: BSD-3-Clause
/*
 * The XDP packet helpers on their limits: each program makes a series of
 * calls, good and bad, and writes every return value into the packet, so the
 * unit tests and the kernel differential see them in the output bytes.
 * Headroom is 256 with a 40-byte xdp_frame reserved: 216 bytes to grow into.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define HEADROOM_FREE 216

/* Write @n return values at packet offset @off, or say the packet is too short. */
static __always_inline int
put_results(struct xdp_md *ctx, __u32 off, const long *rc, __u32 n)
{
	return bpf_xdp_store_bytes(ctx, off, (void *)rc, n * sizeof(long)) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int
xdp_head(struct xdp_md *ctx)
{
	long rc[8];
	__u32 len = ctx->data_end - ctx->data;

	rc[0] = bpf_xdp_adjust_head(ctx, -300);			/* past the buffer */
	rc[1] = bpf_xdp_adjust_head(ctx, -HEADROOM_FREE - 1);	/* into the xdp_frame */
	rc[2] = bpf_xdp_adjust_head(ctx, len - 13);		/* leaves < ETH_HLEN */
	rc[3] = bpf_xdp_adjust_head(ctx, len - 14);		/* leaves ETH_HLEN: allowed */
	rc[4] = bpf_xdp_adjust_head(ctx, -(int)(len - 14) - HEADROOM_FREE); /* the limit */
	rc[5] = bpf_xdp_adjust_head(ctx, -1);
	rc[6] = bpf_xdp_adjust_head(ctx, HEADROOM_FREE - 64);	/* 64-byte new header */
	rc[7] = ctx->data_end - ctx->data;
	return put_results(ctx, 0, rc, 8);
}

SEC("xdp")
int
xdp_meta(struct xdp_md *ctx)
{
	long rc[8];
	void *data, *meta;

	rc[0] = bpf_xdp_adjust_meta(ctx, 4);		/* past data */
	rc[1] = bpf_xdp_adjust_meta(ctx, -3);		/* not a multiple of 4 */
	rc[2] = bpf_xdp_adjust_meta(ctx, -HEADROOM_FREE - 4); /* into the xdp_frame */
	rc[3] = bpf_xdp_adjust_meta(ctx, -8);
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + 8 > data)
		return XDP_ABORTED;
	*(__u64 *)meta = 0x1122334455667788ull;
	/* adjust_head carries the metadata along. */
	rc[4] = bpf_xdp_adjust_head(ctx, 2);
	rc[5] = bpf_xdp_adjust_head(ctx, -HEADROOM_FREE);	/* data must stay after meta */
	rc[6] = bpf_xdp_adjust_head(ctx, -(HEADROOM_FREE - 8 - 2));
	rc[7] = bpf_xdp_adjust_meta(ctx, -8);		/* meta would cross into the frame */
	return put_results(ctx, 0, rc, 8);
}

/* The metadata area may be up to 255 bytes (skb_shared_info.meta_len), in 4-byte steps. */
SEC("xdp")
int
xdp_meta_big(struct xdp_md *ctx)
{
	long rc[6];

	rc[0] = bpf_xdp_adjust_head(ctx, 64);
	rc[1] = bpf_xdp_adjust_meta(ctx, -64);
	rc[2] = bpf_xdp_adjust_meta(ctx, -192);		/* 256 bytes: too long */
	rc[3] = bpf_xdp_adjust_meta(ctx, -188);		/* 252 bytes */
	rc[4] = ctx->data - ctx->data_meta;
	rc[5] = bpf_xdp_adjust_meta(ctx, 252);		/* back to none */
	return put_results(ctx, 0, rc, 6);
}

SEC("xdp")
int
xdp_tail(struct xdp_md *ctx)
{
	long rc[10];
	int grows = 0;
	__u32 len = bpf_xdp_get_buff_len(ctx);

	rc[0] = bpf_xdp_adjust_tail(ctx, 4096);		/* past the tailroom */
	rc[1] = bpf_xdp_adjust_tail(ctx, -(int)(len - 13));	/* below ETH_HLEN */
	rc[2] = bpf_xdp_adjust_tail(ctx, 100);		/* zero-filled */
	rc[3] = bpf_xdp_adjust_tail(ctx, -40);
	/* Grow in 256-byte steps until the buffer (or last fragment) is full. */
	for (int i = 0; i < 20; i++) {
		if (bpf_xdp_adjust_tail(ctx, 256) != 0)
			break;
		grows++;
	}
	rc[4] = grows;
	rc[5] = bpf_xdp_get_buff_len(ctx);
	/* Shrink across fragment boundaries (or most of a linear packet). */
	rc[6] = bpf_xdp_adjust_tail(ctx, -1500);
	rc[7] = bpf_xdp_adjust_tail(ctx, -(int)(bpf_xdp_get_buff_len(ctx) - 14));
	rc[8] = bpf_xdp_get_buff_len(ctx);
	rc[9] = bpf_xdp_adjust_tail(ctx, 66);
	return put_results(ctx, 0, rc, 10);
}

SEC("xdp")
int
xdp_bytes(struct xdp_md *ctx)
{
	long rc[10];
	__u8 buf[48] = {};
	__u32 len = bpf_xdp_get_buff_len(ctx);

	rc[0] = bpf_xdp_load_bytes(ctx, 0, buf, 16);
	rc[1] = bpf_xdp_load_bytes(ctx, len - 8, buf + 16, 16);	/* past the end */
	rc[2] = bpf_xdp_load_bytes(ctx, 0x10000, buf, 4);	/* past 16 bits */
	rc[3] = bpf_xdp_load_bytes(ctx, (__u32)-1, buf, 4);
	rc[4] = bpf_xdp_store_bytes(ctx, len - 4, buf, 8);	/* past the end */
	rc[5] = bpf_xdp_store_bytes(ctx, len - 16, buf, 16);	/* the last 16 bytes */
	/* Across the linear part and the first fragment of a jumbo frame. */
	rc[6] = bpf_xdp_load_bytes(ctx, 3500, buf + 16, 32);
	/* Across the first and second fragments. */
	rc[7] = bpf_xdp_store_bytes(ctx, 7600, buf + 16, 32);
	rc[8] = bpf_xdp_load_bytes(ctx, len - 48, buf, 48);
	rc[9] = buf[47];
	return put_results(ctx, 0, rc, 10);
}

SEC("xdp")
int
xdp_csum(struct xdp_md *ctx)
{
	long rc[10];
	__u8 buf[40];
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (bpf_xdp_load_bytes(ctx, 14, buf, sizeof(buf)) != 0)
		return XDP_DROP;
	rc[0] = bpf_csum_diff(0, 0, (__be32 *)buf, 20, 0);		/* push */
	rc[1] = bpf_csum_diff((__be32 *)buf, 20, 0, 0, 0x1234);	/* pull */
	rc[2] = bpf_csum_diff((__be32 *)buf, 20, (__be32 *)(buf + 20), 20, 0); /* diff */
	rc[3] = bpf_csum_diff((__be32 *)buf, 40, 0, 0, 0xffffffff);
	rc[4] = bpf_csum_diff((__be32 *)buf, 6, 0, 0, 0);		/* not a multiple of 4 */
	rc[5] = bpf_csum_diff(0, 0, (__be32 *)buf, 2, 0);
	rc[6] = bpf_csum_diff((__be32 *)buf, 4, (__be32 *)(buf + 4), 4, 0xfedcba98);
	/* From the packet, at an odd address, and over 512 bytes in all. */
	if (data + 15 + 520 <= end) {
		rc[7] = bpf_csum_diff(data + 15, 20, 0, 0, 7);
		rc[8] = bpf_csum_diff(data + 14, 256, data + 14, 260, 0);
		rc[9] = bpf_csum_diff(data + 14, 256, data + 14, 256, 0);
	} else {
		rc[7] = rc[8] = rc[9] = 1;
	}
	return put_results(ctx, 0, rc, 10);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
