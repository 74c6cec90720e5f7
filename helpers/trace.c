/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_trace_printk and bpf_trace_vprintk (kernel/trace/bpf_trace.c): the
 * format engine of bprintf.c into a 1024-byte line (BPF_TRACE_PRINTK_SIZE),
 * returning the length of the whole formatted text as the kernel does.
 *
 * Where the kernel writes the line to the trace pipe, xdpdk
 * - logs it through rte_log (type xdpdk.trace, INFO), rate-limited per
 *   worker by a token bucket so a program printing per packet cannot stall
 *   a worker on the console; lines over the budget are counted, and the
 *   count is logged with the next line that passes;
 * - keeps every line in a ring of XDPDK_TRACE_RING_SIZE lines that the
 *   control plane reads (xdpdk_trace_read); when nobody reads, the oldest
 *   line makes room, as the kernel's overwriting trace buffer.
 * The ring is two rte_rings over static records (free and ready), so
 * producing a line allocates nothing and takes no lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <rte_log.h>
#include <rte_ring.h>

#include <xdpdk/helpers.h>

#include "helpers_internal.h"

RTE_LOG_REGISTER(xdpdk_logtype_trace, xdpdk.trace, INFO);

#define TRACE_PRINTK_ARGS 3		/* MAX_TRACE_PRINTK_VARARGS */
#define RING_SZ XDPDK_TRACE_RING_SIZE

static struct xdpdk_trace_line lines[RING_SZ];
/* RING_F_EXACT_SZ rounds the slots up to the next power of two past the count. */
#define RING_MEM (sizeof(struct rte_ring) + 2 * RING_SZ * sizeof(void *))
static alignas(128) uint8_t free_mem[RING_MEM];
static alignas(128) uint8_t ready_mem[RING_MEM];
static struct rte_ring *free_ring, *ready_ring;
static pthread_once_t ring_once = PTHREAD_ONCE_INIT;

static atomic_uint_fast64_t seq, n_suppressed, n_overwritten, n_logged;
static _Atomic uint32_t rate_per_sec = XDPDK_TRACE_DEFAULT_RATE;
static _Atomic uint32_t rate_burst = XDPDK_TRACE_DEFAULT_BURST;
static _Atomic uint32_t rate_gen;	/* bumped by each xdpdk_trace_set_rate */

/* One token bucket per worker thread. */
struct bucket {
	uint64_t last_ns;
	uint64_t tokens_milli;		/* tokens x 1000, for sub-token refills */
	uint64_t suppressed;		/* since the last logged line */
	uint32_t gen;			/* rate_gen it was filled for */
	bool init;
};
static __thread struct bucket bucket;

static void
ring_init(void)
{
	if (rte_ring_get_memsize_elem(sizeof(void *), rte_align32pow2(RING_SZ + 1)) > (ssize_t)RING_MEM)
		return;
	free_ring = (struct rte_ring *)free_mem;
	ready_ring = (struct rte_ring *)ready_mem;
	/* RING_F_EXACT_SZ: all RING_SZ records fit (a plain ring holds count - 1). */
	if (rte_ring_init(free_ring, "xdpdk_trace_free", RING_SZ, RING_F_EXACT_SZ) != 0 ||
	    rte_ring_init(ready_ring, "xdpdk_trace_ready", RING_SZ, RING_F_EXACT_SZ) != 0) {
		free_ring = ready_ring = NULL;
		return;
	}
	for (uint32_t i = 0; i < RING_SZ; i++)
		rte_ring_enqueue(free_ring, &lines[i]);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Take a token from this worker's bucket; false when the budget is spent. */
static bool
bucket_take(uint64_t t)
{
	const uint64_t rate = atomic_load_explicit(&rate_per_sec, memory_order_relaxed);
	const uint64_t cap = (uint64_t)atomic_load_explicit(&rate_burst, memory_order_relaxed) *
			     1000;
	const uint32_t gen = atomic_load_explicit(&rate_gen, memory_order_relaxed);
	struct bucket *b = &bucket;

	if (rate == 0)
		return true;	/* unlimited */
	if (!b->init || b->gen != gen) {
		/* A new budget starts full. */
		b->init = true;
		b->gen = gen;
		b->tokens_milli = cap;
		b->last_ns = t;
	}
	b->tokens_milli += (t - b->last_ns) * rate / 1000000;
	b->last_ns = t;
	if (b->tokens_milli > cap)
		b->tokens_milli = cap;
	if (b->tokens_milli < 1000)
		return false;
	b->tokens_milli -= 1000;
	return true;
}

static void
ring_put(const char *text, uint32_t len, uint64_t t)
{
	struct xdpdk_trace_line *l = NULL;

	pthread_once(&ring_once, ring_init);
	if (free_ring == NULL)
		return;
	if (rte_ring_dequeue(free_ring, (void **)&l) != 0) {
		/* Full: the oldest unread line makes room. */
		if (rte_ring_dequeue(ready_ring, (void **)&l) != 0)
			return;	/* every record is being written or read right now */
		atomic_fetch_add_explicit(&n_overwritten, 1, memory_order_relaxed);
	}
	l->seq = atomic_fetch_add_explicit(&seq, 1, memory_order_relaxed) + 1;
	l->ts_ns = t;
	l->worker = xdpdk_helpers_worker();
	l->len = len;
	memcpy(l->text, text, len);
	l->text[len] = 0;
	rte_ring_enqueue(ready_ring, l);
}

/* trace_bpf_trace_printk(buf): the log line and the ring. */
static void
emit(const char *text)
{
	const uint64_t t = now_ns();
	const uint32_t len = (uint32_t)strnlen(text, XDPDK_TRACE_LINE_MAX - 1);
	struct bucket *b = &bucket;

	ring_put(text, len, t);
	if (!bucket_take(t)) {
		b->suppressed++;
		atomic_fetch_add_explicit(&n_suppressed, 1, memory_order_relaxed);
		return;
	}
	if (b->suppressed) {
		rte_log(RTE_LOG_INFO, xdpdk_logtype_trace,
			"TRACE: worker %u: %" PRIu64 " lines suppressed by the rate limit\n",
			xdpdk_helpers_worker(), b->suppressed);
		b->suppressed = 0;
	}
	atomic_fetch_add_explicit(&n_logged, 1, memory_order_relaxed);
	rte_log(RTE_LOG_INFO, xdpdk_logtype_trace, "TRACE: worker %u: %s%s",
		xdpdk_helpers_worker(), text, len && text[len - 1] == '\n' ? "" : "\n");
}

/* long bpf_trace_printk(const char *fmt, u32 fmt_size, ...): three arguments at most. */
uint64_t
xdpdk_h_trace_printk(uint64_t fmt, uint64_t fmt_size, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const uint64_t args[TRACE_PRINTK_ARGS] = { a1, a2, a3 };
	char buf[XDPDK_TRACE_LINE_MAX];
	int rc = xdpdk_bprintf(buf, sizeof(buf), (const char *)(uintptr_t)fmt, (uint32_t)fmt_size,
			       args, TRACE_PRINTK_ARGS);

	if (rc >= 0)
		emit(buf);
	return (uint64_t)(int64_t)rc;
}

/* long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len) */
uint64_t
xdpdk_h_trace_vprintk(uint64_t fmt, uint64_t fmt_size, uint64_t data, uint64_t data_len,
		      uint64_t e)
{
	const uint32_t dl = (uint32_t)data_len;
	char buf[XDPDK_TRACE_LINE_MAX];
	uint64_t args[XDPDK_BPRINTF_MAX_ARGS];
	int rc;

	(void)e;
	if ((dl & 7) || dl > XDPDK_BPRINTF_MAX_ARGS * 8 || (dl && data == 0))
		return (uint64_t)-EINVAL;
	if (dl)
		memcpy(args, (const void *)(uintptr_t)data, dl);
	rc = xdpdk_bprintf(buf, sizeof(buf), (const char *)(uintptr_t)fmt, (uint32_t)fmt_size,
			   args, dl / 8);
	if (rc >= 0)
		emit(buf);
	return (uint64_t)(int64_t)rc;
}

int
xdpdk_trace_read(struct xdpdk_trace_line *out, uint32_t n)
{
	uint32_t got = 0;

	if (out == NULL && n != 0)
		return -EINVAL;
	pthread_once(&ring_once, ring_init);
	if (ready_ring == NULL)
		return -ENOMEM;
	while (got < n) {
		struct xdpdk_trace_line *l;

		if (rte_ring_dequeue(ready_ring, (void **)&l) != 0)
			break;
		out[got++] = *l;
		rte_ring_enqueue(free_ring, l);
	}
	return (int)got;
}

void
xdpdk_trace_set_rate(uint32_t lines_per_sec, uint32_t burst)
{
	atomic_store(&rate_per_sec, lines_per_sec);
	atomic_store(&rate_burst, burst ? burst : 1);
	atomic_fetch_add(&rate_gen, 1);
}

void
xdpdk_trace_stats(struct xdpdk_trace_stats *st)
{
	st->lines = atomic_load(&seq);
	st->logged = atomic_load(&n_logged);
	st->suppressed = atomic_load(&n_suppressed);
	st->overwritten = atomic_load(&n_overwritten);
}
