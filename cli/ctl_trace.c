/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `xdpdk trace`: the lines programs printed with bpf_trace_printk and
 * bpf_trace_vprintk in a running dataplane (the kernel's trace_pipe), taken
 * from its trace ring over the control socket. The server side takes the
 * lines waiting (each is read once); the client prints them, and with
 * --follow asks again every 200 ms until interrupted.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "cli.h"

#define FOLLOW_NS 200000000L

/* Records of a ring buffer or perf event array map, as hex, one per line. */
struct rec_out {
	FILE *out;
	const char *map;
	unsigned int n;
};

static void
print_record(struct rec_out *o, const char *where, const void *data, size_t size)
{
	const uint8_t *b = data;

	fprintf(o->out, "%s %s: %zu bytes:", o->map, where, size);
	for (size_t i = 0; i < size; i++)
		fprintf(o->out, "%s%02x", i % 4 ? "" : " ", b[i]);
	fputc('\n', o->out);
	o->n++;
}

static int
ringbuf_rec(void *ctx, const void *data, size_t size)
{
	print_record(ctx, "ringbuf", data, size);
	return 0;
}

static int
perf_rec(void *ctx, uint32_t slot, const void *data, uint32_t size)
{
	char where[32];

	snprintf(where, sizeof(where), "worker %u", slot);
	print_record(ctx, where, data, size);
	return 0;
}

static void
perf_lost(void *ctx, uint32_t slot, uint64_t lost)
{
	struct rec_out *o = ctx;

	fprintf(o->out, "%s worker %u: %llu records lost (ring full)\n", o->map, slot,
		(unsigned long long)lost);
}

/* "trace --map NAME|ID": the records waiting in a ringbuf or perf_event_array. */
static int
trace_map(const char *which, FILE *out, FILE *err)
{
	struct rec_out o = { .out = out, .map = which };
	struct xdpdk_map *m, *found = NULL;
	char *end;
	const unsigned long id = strtoul(which, &end, 10);
	int ret;

	for (uint32_t i = 0; (m = xdpdk_map_get_next(i)) != NULL; i = xdpdk_map_id(m)) {
		const struct xdpdk_map_def *d = xdpdk_map_def(m);

		if ((*end == '\0' && xdpdk_map_id(m) == id) || strcmp(d->name, which) == 0) {
			if (d->type == BPF_MAP_TYPE_RINGBUF ||
			    d->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
				xdpdk_map_put(found);
				found = xdpdk_map_get(m);
			}
		}
		xdpdk_map_put(m);
	}
	if (found == NULL) {
		fprintf(err, "Error: no ring buffer or perf event array map '%s'\n", which);
		return CLI_FAIL;
	}
	ret = xdpdk_map_def(found)->type == BPF_MAP_TYPE_RINGBUF ?
		      xdpdk_ringbuf_consume(found, ringbuf_rec, &o) :
		      xdpdk_perf_consume(found, XDPDK_PERF_ALL_SLOTS, perf_rec, perf_lost, &o);
	xdpdk_map_put(found);
	if (ret < 0) {
		fprintf(err, "Error: cannot read map '%s': %s\n", which, strerror(-ret));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Server: "trace [--stats]". */
int
cli_ctl_trace(int argc, char **argv, FILE *out, FILE *err)
{
	static struct xdpdk_trace_line lines[XDPDK_TRACE_RING_SIZE];
	struct xdpdk_trace_stats st;
	int n;

	if (argc > 1 && strcmp(argv[1], "--stats") == 0) {
		xdpdk_trace_stats(&st);
		fprintf(out, "lines %lu logged %lu suppressed %lu overwritten %lu\n",
			(unsigned long)st.lines, (unsigned long)st.logged,
			(unsigned long)st.suppressed, (unsigned long)st.overwritten);
		return CLI_OK;
	}
	if (argc > 2 && strcmp(argv[1], "--map") == 0)
		return trace_map(argv[2], out, err);
	if (argc > 1) {
		fprintf(err, "Error: unknown trace option '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	/* One request at a time (the server serves one connection at a time). */
	n = xdpdk_trace_read(lines, XDPDK_TRACE_RING_SIZE);
	for (int i = 0; i < n; i++) {
		const struct xdpdk_trace_line *l = &lines[i];
		const int nl = l->len && l->text[l->len - 1] == '\n';

		fprintf(out, "%lu.%06lu worker %u [%lu]: %.*s\n",
			(unsigned long)(l->ts_ns / 1000000000u),
			(unsigned long)(l->ts_ns % 1000000000u / 1000u), l->worker,
			(unsigned long)l->seq, (int)(l->len - (uint32_t)nl), l->text);
	}
	return n < 0 ? CLI_FAIL : CLI_OK;
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Client: xdpdk trace [-s SOCKET] [-f] [--stats] */
int
cli_cmd_trace(const char *path, int argc, char **argv)
{
	const char *sock = cli_remote_socket();
	char *fwd[3] = { "trace", NULL, NULL };
	bool follow = false;
	int n = 1, ret;

	for (int i = 1; i < argc; i++) {	/* argv[0]: the command */
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s [-s SOCKET] [-f] [--stats | --map NAME]\n\n"
			       "Print the lines programs of a running dataplane printed with\n"
			       "bpf_trace_printk/bpf_trace_vprintk (each line once), oldest first;\n"
			       "or, with --map, the records waiting in a ring buffer or perf event\n"
			       "array map (consumed), in hex.\n\n"
			       "options:\n"
			       "  -s, --socket PATH   the dataplane's control socket "
			       "(default $XDPDK_SOCKET or " CLI_DEFAULT_SOCKET ")\n"
			       "  -f, --follow        keep printing new lines until interrupted\n"
			       "      --stats         print the trace counters instead\n"
			       "      --map NAME|ID   a BPF_MAP_TYPE_RINGBUF or PERF_EVENT_ARRAY's "
			       "records\n", path);
			return CLI_OK;
		}
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) {
			if (i + 1 >= argc) {
				cli_err(path, "%s needs a path", argv[i]);
				return CLI_USAGE;
			}
			sock = argv[++i];
		} else if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0) {
			follow = true;
		} else if (strcmp(argv[i], "--stats") == 0) {
			fwd[n++] = "--stats";
		} else if (strcmp(argv[i], "--map") == 0 && i + 1 < argc && n == 1) {
			fwd[n++] = "--map";
			fwd[n++] = argv[++i];
		} else {
			cli_err(path, "unknown option '%s'", argv[i]);
			return CLI_USAGE;
		}
	}
	if (follow) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	do {
		ret = cli_remote_run(path, sock, n, fwd);
		fflush(stdout);
		if (follow && !stop)
			nanosleep(&(struct timespec){ 0, FOLLOW_NS }, NULL);
	} while (follow && !stop && ret == CLI_OK);
	return ret;
}
