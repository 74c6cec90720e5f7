/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk map: show, dump, lookup, update, delete on the maps of a running
 * dataplane, through its control socket (the server side is ctl_map.c).
 * The request is the command line itself, so a remote verb prints exactly
 * what it would print locally.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>

#include "cli.h"

#define DEFAULT_SOCKET "/run/xdpdk.sock"

static const struct {
	const char *verb;
	const char *usage;
	const char *summary;
} map_help[] = {
	{ "show", "[--json]", "List the maps of the running dataplane." },
	{ "dump", "{id N | name NAME} [--json]", "Print every entry of a map." },
	{ "lookup", "{id N | name NAME} key HEX... [--json]", "Look a key up." },
	{ "update", "{id N | name NAME} key HEX... value HEX... [any|noexist|exist]",
	  "Insert or replace an entry (BPF_ANY by default). Per-CPU maps take one value per "
	  "worker, one after the other." },
	{ "delete", "{id N | name NAME} key HEX...", "Delete an entry." },
};

static int
cmd_map_remote(const char *path, int argc, char **argv)
{
	const char *sock = getenv("XDPDK_SOCKET");
	char **fwd = calloc((size_t)argc + 2, sizeof(*fwd));
	struct xdpdk_ctl_reply r;
	int n = 0, ret;

	if (fwd == NULL)
		return CLI_FAIL;
	if (sock == NULL || sock[0] == '\0')
		sock = DEFAULT_SOCKET;
	fwd[n++] = "map";
	fwd[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			for (size_t h = 0; h < sizeof(map_help) / sizeof(map_help[0]); h++)
				if (strcmp(map_help[h].verb, argv[0]) == 0)
					printf("usage: %s %s [-s SOCKET]\n\n%s\n\noptions:\n"
					       "  -s, --socket PATH   the dataplane's control socket "
					       "(default $XDPDK_SOCKET or " DEFAULT_SOCKET ")\n"
					       "  -j, --json          JSON output\n",
					       path, map_help[h].usage, map_help[h].summary);
			free(fwd);
			return CLI_OK;
		}
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) {
			if (i + 1 >= argc) {
				cli_err(path, "%s needs a path", argv[i]);
				free(fwd);
				return CLI_USAGE;
			}
			sock = argv[++i];
			continue;
		}
		fwd[n++] = strcmp(argv[i], "-j") == 0 ? "--json" : argv[i];
	}
	ret = xdpdk_ctl_call(sock, n, fwd, &r);
	free(fwd);
	if (ret != 0) {
		cli_err(path, "no dataplane answers at %s (%s); start one with 'xdpdk run -c FILE'",
			sock, strerror(-ret));
		return CLI_FAIL;
	}
	fwrite(r.out, 1, r.out_len, stdout);
	fwrite(r.err, 1, r.err_len, stderr);
	ret = r.rc;
	xdpdk_ctl_reply_free(&r);
	return ret;
}

const struct cli_cmd cli_map_cmds[] = {
	{ "show", "list the maps of the running dataplane", cmd_map_remote, NULL },
	{ "dump", "print every entry of a map", cmd_map_remote, NULL },
	{ "lookup", "look a key up", cmd_map_remote, NULL },
	{ "update", "insert or replace an entry", cmd_map_remote, NULL },
	{ "delete", "delete an entry", cmd_map_remote, NULL },
	{ NULL, NULL, NULL, NULL },
};
