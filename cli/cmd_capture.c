/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk capture: packets at a port's XDP hook of a running dataplane (the
 * server side is ctl_capture.c), into a pcapng file or as text lines.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>

#include "cli.h"

static void
usage(const char *path)
{
	printf("usage: %s --port PORT [options] [FILTER EXPRESSION...]\n\n"
	       "Capture packets at a port's XDP hook of a running dataplane, like xdpdump: as\n"
	       "received (entry), as the program left them with its verdict (exit), or both.\n"
	       "The filter is a tcpdump expression (pcap-filter(7)), compiled by libpcap and run\n"
	       "on the workers by xdpdk's JIT. Stops after --count packets or --duration seconds.\n\n"
	       "options:\n"
	       "  -i, --port PORT       the port, by its configured name or ifindex (required)\n"
	       "  -c, --count N         stop after N packets (default: no limit)\n"
	       "  -G, --duration S      stop after S seconds (default 10, at most 600)\n"
	       "      --point P         entry (default), exit or both\n"
	       "      --snaplen N       bytes kept per packet (default 9216)\n"
	       "  -w, --write FILE      write a pcapng file (verdicts in the packet comments;\n"
	       "                        '-' for standard output) instead of text lines\n"
	       "  -s, --socket PATH     the dataplane's control socket (default $XDPDK_SOCKET or "
	       CLI_DEFAULT_SOCKET ")\n", path);
}

int
cli_cmd_capture(const char *path, int argc, char **argv)
{
	static const char *const pass[][2] = {
		{ "-i", "--port" }, { "--port", "--port" }, { "-c", "--count" },
		{ "--count", "--count" }, { "-G", "--duration" }, { "--duration", "--duration" },
		{ "--point", "--point" }, { "--snaplen", "--snaplen" },
	};
	const char *sock = cli_remote_socket(), *write_to = NULL;
	char *fwd[32], *expr = NULL;
	struct xdpdk_ctl_reply r;
	size_t expr_len = 0;
	int n = 0, rc;
	bool has_port = false;

	fwd[n++] = "capture";
	for (int i = 1; i < argc; i++) {
		bool known = false;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(path);
			free(expr);
			return CLI_OK;
		}
		for (size_t k = 0; k < sizeof(pass) / sizeof(pass[0]); k++) {
			if (strcmp(argv[i], pass[k][0]) != 0)
				continue;
			if (i + 1 >= argc) {
				cli_err(path, "%s needs a value", argv[i]);
				free(expr);
				return CLI_USAGE;
			}
			has_port |= strcmp(pass[k][1], "--port") == 0;
			fwd[n++] = (char *)pass[k][1];
			fwd[n++] = argv[++i];
			known = true;
		}
		if (known)
			continue;
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0 ||
		    strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--write") == 0) {
			if (i + 1 >= argc) {
				cli_err(path, "%s needs a value", argv[i]);
				free(expr);
				return CLI_USAGE;
			}
			if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0)
				sock = argv[i + 1];
			else
				write_to = argv[i + 1];
			i++;
			continue;
		}
		if (argv[i][0] == '-' && expr == NULL) {
			cli_err(path, "unknown option '%s' (see '%s --help')", argv[i], path);
			return CLI_USAGE;
		}
		/* the rest is the filter expression, as tcpdump takes it */
		expr = realloc(expr, expr_len + strlen(argv[i]) + 2);
		if (expr == NULL)
			return CLI_FAIL;
		expr_len += (size_t)sprintf(expr + expr_len, "%s%s", expr_len ? " " : "", argv[i]);
	}
	if (!has_port) {
		cli_err(path, "which port? (--port PORT; see '%s --help')", path);
		free(expr);
		return CLI_USAGE;
	}
	fwd[n++] = "--format";
	fwd[n++] = write_to != NULL ? "pcapng" : "text";
	if (expr != NULL) {
		fwd[n++] = "--filter";
		fwd[n++] = expr;
	}
	rc = cli_remote_call(path, sock, n, fwd, &r);
	free(expr);
	if (rc != 0)
		return CLI_FAIL;
	rc = r.rc;
	if (rc == CLI_OK && write_to != NULL && strcmp(write_to, "-") != 0) {
		FILE *f = fopen(write_to, "wb");

		if (f == NULL || fwrite(r.out, 1, r.out_len, f) != r.out_len) {
			cli_err(path, "cannot write %s: %s", write_to, strerror(errno));
			rc = CLI_FAIL;
		}
		if (f != NULL && fclose(f) != 0 && rc == CLI_OK) {
			cli_err(path, "cannot write %s: %s", write_to, strerror(errno));
			rc = CLI_FAIL;
		}
	} else {
		fwrite(r.out, 1, r.out_len, stdout);
	}
	fwrite(r.err, 1, r.err_len, stderr);
	xdpdk_ctl_reply_free(&r);
	return rc;
}
