/* SPDX-License-Identifier: BSD-3-Clause */
/* xdpdk map: show, dump, lookup, update, delete (maps come with issue #5). */
#include "cli.h"

static int
cmd_map_any(const char *path, int argc, char **argv)
{
	return cli_planned(path, argc, argv, "Maps of a running dataplane or an object: keys and "
			   "values in hex or typed through BTF.",
			   "maps come with issue #5, their control-plane verbs with #9");
}

const struct cli_cmd cli_map_cmds[] = {
	{ "show", "list maps", cmd_map_any, NULL },
	{ "dump", "print every entry of a map", cmd_map_any, NULL },
	{ "lookup", "look a key up", cmd_map_any, NULL },
	{ "update", "insert or replace an entry", cmd_map_any, NULL },
	{ "delete", "delete an entry", cmd_map_any, NULL },
	{ NULL, NULL, NULL, NULL },
};
