// SPDX-License-Identifier: BSD-3-Clause
/*
 * Process helpers from XDP and TC. A test run answers for the thread that
 * asked for it, in the kernel as in xdpdk, so the differential test
 * compares the values themselves; the pid namespace given here is never
 * the caller's, for the error path (tests/unit/helpers/test_strings.c
 * passes the real one).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} rv SEC(".maps");

static __always_inline void
set(__u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&rv, &k);

	if (p)
		*p = v;
}

static __always_inline void
process(void)
{
	struct bpf_pidns_info ns = { 1, 2 };
	char comm[16], small[4];
	__u64 w[2];

	set(0, bpf_get_current_pid_tgid());
	set(1, bpf_get_current_uid_gid());
	set(2, bpf_get_current_comm(comm, sizeof(comm)));
	__builtin_memcpy(w, comm, 16);
	set(3, w[0]);
	set(4, w[1]);
	set(5, bpf_get_current_comm(small, sizeof(small)));
	set(6, small[0] | small[1] << 8 | small[2] << 16 | (__u64)small[3] << 24);
	set(7, bpf_get_ns_current_pid_tgid(0, 0, &ns, sizeof(ns)));
	set(8, (__u64)ns.pid << 32 | ns.tgid);
	set(9, bpf_get_ns_current_pid_tgid(1ULL << 32, 0, &ns, sizeof(ns)));
}

SEC("xdp")
int
xdp_process(struct xdp_md *ctx)
{
	process();
	return XDP_PASS;
}

SEC("tc")
int
tc_process(struct __sk_buff *skb)
{
	process();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
