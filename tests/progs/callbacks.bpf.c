// SPDX-License-Identifier: BSD-3-Clause
/*
 * Callbacks: bpf_loop and bpf_for_each_map_elem over every map type the
 * kernel walks (array, percpu_array, hash, percpu_hash, lru_hash,
 * lru_percpu_hash), with early stops, deletes from inside the walk and the
 * error returns. Results go to the `res` array so that the differential test
 * compares them with the kernel's; per-CPU values are only ever added to, so
 * their sum over CPUs does not depend on where the kernel ran each packet.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map;

#define MAP(name, t, n)					\
	struct {					\
		__uint(type, t);			\
		__uint(max_entries, n);			\
		__type(key, __u32);			\
		__type(value, __u64);			\
	} name SEC(".maps")

MAP(res, BPF_MAP_TYPE_ARRAY, 16);
MAP(arr, BPF_MAP_TYPE_ARRAY, 8);
MAP(parr, BPF_MAP_TYPE_PERCPU_ARRAY, 8);
MAP(h, BPF_MAP_TYPE_HASH, 64);
MAP(ph, BPF_MAP_TYPE_PERCPU_HASH, 64);
MAP(lh, BPF_MAP_TYPE_LRU_HASH, 512);
MAP(lph, BPF_MAP_TYPE_LRU_PERCPU_HASH, 512);

struct loop_ctx {
	__u64 sum;
	__u32 stop;
	__u32 depth;
};

static __noinline int
inner_cb(__u32 i, struct loop_ctx *c)
{
	c->sum += 1000;
	return 0;
}

static __noinline int
sum_cb(__u32 i, struct loop_ctx *c)
{
	c->sum += i * 3 + 1;
	/* A nested loop every fourth index: callbacks may call bpf_loop. */
	if ((i & 3) == 3)
		bpf_loop(2, inner_cb, c, 0);
	return i == c->stop;
}

static void
res_add(__u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&res, &k);

	if (p)
		*p += v;
}

static void
res_set(__u32 k, __u64 v)
{
	bpf_map_update_elem(&res, &k, &v, BPF_ANY);
}

SEC("xdp")
int
xdp_loops(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	struct loop_ctx c = { .stop = len % 13 };
	long n;

	n = bpf_loop(len % 17, sum_cb, &c, 0);
	res_add(0, n);
	res_add(1, c.sum);
	res_set(2, bpf_loop(1, sum_cb, &c, 1));			/* -EINVAL */
	res_set(3, bpf_loop((1u << 23) + 1, sum_cb, &c, 0));	/* -E2BIG */
	res_set(4, bpf_loop(0, sum_cb, &c, 0));			/* 0 */
	return n & 3;
}

struct fe_ctx {
	__u64 sum;
	__u32 n;
};

static __noinline long
fe_sum(struct bpf_map *map, __u32 *key, __u64 *val, struct fe_ctx *c)
{
	c->sum += *key * 7 + *val;
	*val += *key + 1;
	return 0;
}

/* Per-CPU slots: write only, the kernel's current CPU varies from run to run. */
static __noinline long
fe_percpu(struct bpf_map *map, __u32 *key, __u64 *val, struct fe_ctx *c)
{
	c->sum += *key;
	*val += *key + 1;
	return 0;
}

static __noinline long
fe_stop(struct bpf_map *map, __u32 *key, __u64 *val, struct fe_ctx *c)
{
	c->n++;
	return 1;
}

static __noinline long
fe_del_odd(struct bpf_map *map, __u32 *key, __u64 *val, struct fe_ctx *c)
{
	if (*key & 1)
		bpf_map_delete_elem(map, key);
	return 0;
}

SEC("xdp")
int
xdp_for_each(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct fe_ctx c = { 0 };
	__u8 *p = data;
	__u32 k, ai;
	__u64 v;

	if (data + 24 > end)
		return XDP_DROP;
	k = (p[23] ^ p[13] ^ (ctx->data_end - ctx->data)) & 31;
	v = p[12] + 1;
	ai = k & 7;
	bpf_map_update_elem(&h, &k, &v, BPF_ANY);
	bpf_map_update_elem(&ph, &k, &v, BPF_ANY);
	bpf_map_update_elem(&lh, &k, &v, BPF_ANY);
	bpf_map_update_elem(&lph, &k, &v, BPF_ANY);
	bpf_map_update_elem(&arr, &ai, &v, BPF_ANY);

	res_add(5, bpf_for_each_map_elem(&arr, fe_sum, &c, 0));
	res_add(6, bpf_for_each_map_elem(&h, fe_sum, &c, 0));
	res_add(7, bpf_for_each_map_elem(&lh, fe_sum, &c, 0));
	res_add(8, c.sum);
	c.sum = 0;
	res_add(9, bpf_for_each_map_elem(&parr, fe_percpu, &c, 0));
	res_add(10, bpf_for_each_map_elem(&ph, fe_percpu, &c, 0));
	res_add(11, bpf_for_each_map_elem(&lph, fe_percpu, &c, 0));
	res_add(12, c.sum);
	res_add(13, bpf_for_each_map_elem(&h, fe_stop, &c, 0) + c.n);	/* 1 + 1 */
	res_set(14, bpf_for_each_map_elem(&arr, fe_stop, &c, 2));	/* -EINVAL */
	if (p[0] & 1)
		res_add(15, bpf_for_each_map_elem(&h, fe_del_odd, &c, 0));
	return XDP_PASS;
}

/* bpf_spin_lock around a read-modify-write of a map value. */
struct locked {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct locked);
} locked SEC(".maps");

SEC("xdp")
int
xdp_spin(struct xdp_md *ctx)
{
	__u32 k = (ctx->data_end - ctx->data) & 1;
	struct locked *v = bpf_map_lookup_elem(&locked, &k);

	if (!v)
		return XDP_ABORTED;
	bpf_spin_lock(&v->lock);
	v->count++;
	v->bytes += ctx->data_end - ctx->data;
	bpf_spin_unlock(&v->lock);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
