/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Process helpers (kernel/bpf/helpers.c). The kernel lets XDP and TC
 * programs call them (bpf_base_func_proto, for CAP_BPF/CAP_PERFMON loaders),
 * where "current" is whatever task the packet interrupted, or the caller of
 * BPF_PROG_TEST_RUN. In xdpdk the packet is always run by an xdpdk thread,
 * so "current" is that thread: a worker lcore's in the dataplane, the
 * caller's in a test run (so a test run answers as the kernel's does for
 * the same process). The values are read once per thread and kept: a
 * worker makes no system call per packet, and a later setuid or rename of
 * the thread is not seen.
 *
 * bpf_get_current_task is refused (no row): its value is a kernel
 * task_struct pointer, only usable with bpf_probe_read_kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/bpf.h>

#include "helpers_internal.h"

#define TASK_COMM_LEN 16

struct self {
	bool init;
	uint32_t pid;			/* the thread's id: task->pid */
	uint32_t tgid;			/* the process's: task->tgid */
	uint32_t uid, gid;
	char comm[TASK_COMM_LEN];
};
static __thread struct self self;

/* The pid namespace as ns_match() sees it: nsfs's s_dev (kernel dev_t) and inode. */
static uint64_t pidns_dev, pidns_ino;
static bool pidns_ok;
static pthread_once_t pidns_once = PTHREAD_ONCE_INIT;

static const struct self *
get_self(void)
{
	struct self *s = &self;

	if (!s->init) {
		s->pid = (uint32_t)gettid();
		s->tgid = (uint32_t)getpid();
		s->uid = (uint32_t)getuid();
		s->gid = (uint32_t)getgid();
		if (prctl(PR_GET_NAME, s->comm, 0, 0, 0) != 0)
			memset(s->comm, 0, sizeof(s->comm));
		s->comm[TASK_COMM_LEN - 1] = 0;
		s->init = true;
	}
	return s;
}

/* u64 bpf_get_current_pid_tgid(void): tgid << 32 | pid. */
uint64_t
xdpdk_h_get_current_pid_tgid(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	const struct self *s = get_self();

	(void)a, (void)b, (void)c, (void)d, (void)e;
	return (uint64_t)s->tgid << 32 | s->pid;
}

/* u64 bpf_get_current_uid_gid(void): gid << 32 | uid (the real ids). */
uint64_t
xdpdk_h_get_current_uid_gid(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	const struct self *s = get_self();

	(void)a, (void)b, (void)c, (void)d, (void)e;
	return (uint64_t)s->gid << 32 | s->uid;
}

/* long bpf_get_current_comm(void *buf, u32 size): strscpy_pad of the thread's name. */
uint64_t
xdpdk_h_get_current_comm(uint64_t buf, uint64_t size, uint64_t c, uint64_t d, uint64_t e)
{
	const struct self *s = get_self();
	char *out = (char *)(uintptr_t)buf;
	const uint32_t n = (uint32_t)size;	/* the verifier saw n > 0 */
	const size_t len = strnlen(s->comm, n - 1);

	(void)c, (void)d, (void)e;
	memcpy(out, s->comm, len);
	memset(out + len, 0, n - len);
	return 0;
}

static void
pidns_init(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) != 0)
		return;
	pidns_dev = (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev);	/* MKDEV */
	pidns_ino = st.st_ino;
	pidns_ok = true;
}

/*
 * long bpf_get_ns_current_pid_tgid(u64 dev, u64 ino, struct bpf_pidns_info
 * *nsdata, u32 size): the ids in the pid namespace (dev, ino), which must be
 * this thread's; else -EINVAL (-ENOENT without one), nsdata zeroed.
 */
uint64_t
xdpdk_h_get_ns_current_pid_tgid(uint64_t dev, uint64_t ino, uint64_t nsdata, uint64_t size,
				uint64_t e)
{
	struct bpf_pidns_info *ns = (struct bpf_pidns_info *)(uintptr_t)nsdata;
	const struct self *s;
	int rc = -EINVAL;

	(void)e;
	pthread_once(&pidns_once, pidns_init);
	if ((uint32_t)size != sizeof(*ns) || (uint32_t)dev != dev)
		goto clear;
	if (!pidns_ok) {
		rc = -ENOENT;
		goto clear;
	}
	if (dev != pidns_dev || ino != pidns_ino)
		goto clear;
	s = get_self();
	ns->pid = s->pid;
	ns->tgid = s->tgid;
	return 0;
clear:
	memset(ns, 0, (uint32_t)size);
	return (uint64_t)(int64_t)rc;
}
