/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk map: show, dump, lookup, update, delete on the maps of a running
 * dataplane, through its control socket (the server side is ctl_map.c).
 * The request is the command line itself, so a remote verb prints exactly
 * what it would print locally.
 */
#include <string.h>

#include "cli.h"

static const struct cli_remote_help map_help[] = {
	{ "show", "[--json]", "List the maps of the running dataplane.", true, NULL },
	{ "dump", "{id N | name NAME} [--json]", "Print every entry of a map.", true, NULL },
	{ "lookup", "{id N | name NAME} key HEX... [--json]", "Look a key up.", true, NULL },
	{ "update", "{id N | name NAME} key HEX... value HEX... [any|noexist|exist]",
	  "Insert or replace an entry (BPF_ANY by default). Per-CPU maps take one value per "
	  "worker, one after the other.", true, NULL },
	{ "delete", "{id N | name NAME} key HEX...", "Delete an entry.", true, NULL },
};

static int
cmd_map_remote(const char *path, int argc, char **argv)
{
	for (size_t h = 0; h < sizeof(map_help) / sizeof(map_help[0]); h++)
		if (strcmp(map_help[h].verb, argv[0]) == 0)
			return cli_remote(path, "map", argc, argv, &map_help[h]);
	return CLI_USAGE;
}

const struct cli_cmd cli_map_cmds[] = {
	{ "show", "list the maps of the running dataplane", cmd_map_remote, NULL },
	{ "dump", "print every entry of a map", cmd_map_remote, NULL },
	{ "lookup", "look a key up", cmd_map_remote, NULL },
	{ "update", "insert or replace an entry", cmd_map_remote, NULL },
	{ "delete", "delete an entry", cmd_map_remote, NULL },
	{ NULL, NULL, NULL, NULL },
};
