/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `xdpdk trace`: the lines programs printed with bpf_trace_printk and
 * bpf_trace_vprintk in a running dataplane (the kernel's trace_pipe), taken
 * from its trace ring over the control socket. The server side takes the
 * lines waiting (each is read once); the client prints them, and with
 * --follow asks again every 200 ms until interrupted.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xdpdk/control.h>
#include <xdpdk/helpers.h>

#include "cli.h"

#define DEFAULT_SOCKET "/run/xdpdk/xdpdk.sock"
#define FOLLOW_NS 200000000L

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
	const char *sock = getenv("XDPDK_SOCKET");
	char *fwd[2] = { "trace", NULL };
	bool follow = false;
	int n = 1, ret;

	if (sock == NULL || sock[0] == '\0')
		sock = DEFAULT_SOCKET;
	for (int i = 1; i < argc; i++) {	/* argv[0]: the command */
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s [-s SOCKET] [-f] [--stats]\n\n"
			       "Print the lines programs of a running dataplane printed with\n"
			       "bpf_trace_printk/bpf_trace_vprintk (each line once), oldest first.\n\n"
			       "options:\n"
			       "  -s, --socket PATH   the dataplane's control socket "
			       "(default $XDPDK_SOCKET or " DEFAULT_SOCKET ")\n"
			       "  -f, --follow        keep printing new lines until interrupted\n"
			       "      --stats         print the trace counters instead\n", path);
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
		struct xdpdk_ctl_reply r;

		ret = xdpdk_ctl_call(sock, n, fwd, &r);
		if (ret != 0) {
			cli_err(path, "no dataplane answers at %s (%s); start one with "
				"'xdpdk run -c FILE'", sock, strerror(-ret));
			return CLI_FAIL;
		}
		fwrite(r.out, 1, r.out_len, stdout);
		fwrite(r.err, 1, r.err_len, stderr);
		fflush(stdout);
		ret = r.rc;
		xdpdk_ctl_reply_free(&r);
		if (follow && !stop)
			nanosleep(&(struct timespec){ 0, FOLLOW_NS }, NULL);
	} while (follow && !stop && ret == CLI_OK);
	return ret;
}
