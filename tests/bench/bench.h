/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small C API over Google Benchmark (shim.cc is the only C++ in xdpdk).
 * Benchmarks are C functions registered by name; each one runs its work in
 * batches so that the C -> C++ call that drives the loop is paid once per
 * batch, not once per item:
 *
 *	while (xdpdk_bench_run_batch(st, 1000))
 *		for (i = 0; i < 1000; i++)
 *			work();
 *
 * One iteration is one item (one program run), so Google Benchmark's "Time"
 * column is the time per item. The shim's main() forwards argv to
 * benchmark::Initialize(), so --benchmark_filter, --benchmark_format=json,
 * --benchmark_out=FILE and --benchmark_repetitions all work.
 */
#ifndef XDPDK_BENCH_H
#define XDPDK_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The running benchmark (a benchmark::State); borrowed by the benchmark function. */
struct xdpdk_bench_state;

/** A benchmark: @p arg is what was given at registration. */
typedef void (*xdpdk_bench_fn)(struct xdpdk_bench_state *st, void *arg);

/** Registration flags. */
enum {
	/** The benchmark measures its own time: xdpdk_bench_set_iteration_time(). */
	XDPDK_BENCH_MANUAL_TIME = 1 << 0,
};

/** How a counter is reported. */
enum xdpdk_bench_counter_kind {
	XDPDK_BENCH_COUNTER_TOTAL,	/**< the value as given */
	XDPDK_BENCH_COUNTER_PER_ITEM,	/**< value / iterations (e.g. cycles per run) */
	XDPDK_BENCH_COUNTER_RATE,	/**< value / second */
};

/**
 * Register @p fn under @p name (copied), before main() runs the benchmarks;
 * safe to call from a constructor.
 * @param flags XDPDK_BENCH_* flags.
 */
void xdpdk_bench_register(const char *name, xdpdk_bench_fn fn, void *arg, unsigned int flags);

/**
 * Declare and register a benchmark function named @p name:
 *	XDPDK_BENCH(my_bench, 0) { while (xdpdk_bench_run_batch(st, 64)) ...; }
 */
#define XDPDK_BENCH(name, flags)						\
	static void name(struct xdpdk_bench_state *st, void *arg);		\
	__attribute__((constructor)) static void name##_register(void)		\
	{									\
		xdpdk_bench_register(#name, name, NULL, (flags));		\
	}									\
	static void name(struct xdpdk_bench_state *st, __attribute__((unused)) void *arg)

/**
 * Whether to run @p n more iterations (benchmark::State::KeepRunningBatch).
 * The timer starts on the first call and stops when it returns false; the
 * last batch may overshoot the requested iteration count by up to @p n.
 */
bool xdpdk_bench_run_batch(struct xdpdk_bench_state *st, uint64_t n);

/** Iterations run so far (after the loop: the total). */
uint64_t xdpdk_bench_iterations(const struct xdpdk_bench_state *st);

/** With XDPDK_BENCH_MANUAL_TIME: the time of the batch just run, in seconds. */
void xdpdk_bench_set_iteration_time(struct xdpdk_bench_state *st, double seconds);

/** Stop timing for setup inside the loop, and start again. */
void xdpdk_bench_pause(struct xdpdk_bench_state *st);
void xdpdk_bench_resume(struct xdpdk_bench_state *st);

/** Set a user counter, reported next to the time (and in the JSON output). */
void xdpdk_bench_counter(struct xdpdk_bench_state *st, const char *name, double value,
			 enum xdpdk_bench_counter_kind kind);

/** Items processed in total: reported as items_per_second. */
void xdpdk_bench_set_items(struct xdpdk_bench_state *st, uint64_t items);

/** A free-form label shown after the counters (e.g. the engine used). */
void xdpdk_bench_label(struct xdpdk_bench_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Skip the benchmark with a reason, printed in the report (and as
 * "error_message" in JSON). Call it before the loop, or break out of the
 * loop right after: xdpdk_bench_run_batch() then returns false.
 */
void xdpdk_bench_skip(struct xdpdk_bench_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Add a key/value to the report's context block (machine, kernel, build). */
void xdpdk_bench_add_context(const char *key, const char *value);

/** Keep the compiler from discarding a value or from caching memory across it. */
static inline void
xdpdk_bench_keep(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_BENCH_H */
