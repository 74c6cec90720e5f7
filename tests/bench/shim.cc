// SPDX-License-Identifier: BSD-3-Clause
//
// The C shim over Google Benchmark declared in bench.h, and the benchmark
// executable's main(). This is the only C++ in xdpdk: the benchmarks
// themselves are C. A struct xdpdk_bench_state is a benchmark::State.
#include <cstdarg>
#include <cstdio>
#include <string>

#include <sys/utsname.h>

#include <benchmark/benchmark.h>

#include "bench.h"

namespace {

benchmark::State &
state(struct xdpdk_bench_state *st)
{
	return *reinterpret_cast<benchmark::State *>(st);
}

std::string
vformat(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	return buf;
}

} // namespace

extern "C" {

void
xdpdk_bench_register(const char *name, xdpdk_bench_fn fn, void *arg, unsigned int flags)
{
	benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
		name, [fn, arg](benchmark::State &s) {
			fn(reinterpret_cast<struct xdpdk_bench_state *>(&s), arg);
		});

	if (flags & XDPDK_BENCH_MANUAL_TIME)
		b->UseManualTime();
}

bool
xdpdk_bench_run_batch(struct xdpdk_bench_state *st, uint64_t n)
{
	return state(st).KeepRunningBatch(static_cast<benchmark::IterationCount>(n));
}

uint64_t
xdpdk_bench_iterations(const struct xdpdk_bench_state *st)
{
	return static_cast<uint64_t>(
		reinterpret_cast<const benchmark::State *>(st)->iterations());
}

void
xdpdk_bench_set_iteration_time(struct xdpdk_bench_state *st, double seconds)
{
	state(st).SetIterationTime(seconds);
}

void
xdpdk_bench_pause(struct xdpdk_bench_state *st)
{
	state(st).PauseTiming();
}

void
xdpdk_bench_resume(struct xdpdk_bench_state *st)
{
	state(st).ResumeTiming();
}

void
xdpdk_bench_counter(struct xdpdk_bench_state *st, const char *name, double value,
		    enum xdpdk_bench_counter_kind kind)
{
	benchmark::Counter::Flags f = benchmark::Counter::kDefaults;

	if (kind == XDPDK_BENCH_COUNTER_PER_ITEM)
		f = benchmark::Counter::kAvgIterations;
	else if (kind == XDPDK_BENCH_COUNTER_RATE)
		f = benchmark::Counter::kIsRate;
	state(st).counters[name] = benchmark::Counter(value, f);
}

void
xdpdk_bench_set_items(struct xdpdk_bench_state *st, uint64_t items)
{
	state(st).SetItemsProcessed(static_cast<int64_t>(items));
}

void
xdpdk_bench_label(struct xdpdk_bench_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	state(st).SetLabel(vformat(fmt, ap));
	va_end(ap);
}

void
xdpdk_bench_skip(struct xdpdk_bench_state *st, const char *fmt, ...)
{
	va_list ap;
	std::string msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	// Reasons often end in a library's log lines: keep the report on one line.
	for (char &c : msg)
		if (c == '\n')
			c = ' ';
	while (!msg.empty() && msg.back() == ' ')
		msg.pop_back();
	// 1.7 keeps the pointer's contents (copies into a std::string) at once.
	state(st).SkipWithError(msg.c_str());
}

void
xdpdk_bench_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

} // extern "C"

int
main(int argc, char **argv)
{
	struct utsname u;

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	// The kernel is one of the engines measured: record which one.
	if (uname(&u) == 0)
		benchmark::AddCustomContext("kernel", std::string(u.sysname) + " " + u.release);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
