/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The map verbs as a running dataplane serves them on its control socket
 * (bpftool's `map show|dump|lookup|update|delete` on xdpdk's maps): a map is
 * named `id N` or `name NAME`, keys and values are hex bytes ("key 0a 00 00
 * 01" or "key 0a000001"), per-CPU values are one slot per worker. Output
 * goes to the request's streams; errors are bpftool's ("Error: ...").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/elf.h>
#include <xdpdk/map.h>

#include "cli.h"

/* Words after @p kw up to the next keyword, joined: the hex of a key or value. */
static char *
hex_arg(int argc, char **argv, const char *kw)
{
	size_t len = 1;
	char *s;
	int i = 0;

	while (i < argc && strcmp(argv[i], kw) != 0)
		i++;
	if (i >= argc - 1)
		return NULL;
	for (int j = i + 1; j < argc && strcmp(argv[j], "key") && strcmp(argv[j], "value") &&
			    strncmp(argv[j], "--", 2); j++)
		len += strlen(argv[j]) + 1;
	s = calloc(1, len);
	for (int j = i + 1; s != NULL && j < argc && strcmp(argv[j], "key") &&
			    strcmp(argv[j], "value") && strncmp(argv[j], "--", 2); j++)
		strcat(strcat(s, argv[j]), " ");
	return s;
}

/* The map named by "id N" or "name NAME" at argv[1..2], with a reference. */
static struct xdpdk_map *
find_map(int argc, char **argv, FILE *err)
{
	struct xdpdk_map *m = NULL, *found = NULL;
	char *end;

	if (argc < 3 || (strcmp(argv[1], "id") && strcmp(argv[1], "name"))) {
		fprintf(err, "Error: expected 'id N' or 'name NAME' after '%s'\n", argv[0]);
		return NULL;
	}
	if (strcmp(argv[1], "id") == 0) {
		unsigned long id = strtoul(argv[2], &end, 0);

		if (*end != '\0' || argv[2][0] == '\0' || (m = xdpdk_map_get_by_id((uint32_t)id)) ==
		    NULL)
			fprintf(err, "Error: no map with id '%s'\n", argv[2]);
		return m;
	}
	for (uint32_t id = 0; (m = xdpdk_map_get_next(id)) != NULL; id = xdpdk_map_id(m)) {
		if (strcmp(xdpdk_map_def(m)->name, argv[2]) != 0) {
			xdpdk_map_put(m);
			continue;
		}
		if (found != NULL) {
			fprintf(err, "Error: several maps are named '%s' (ids %u and %u): use 'id'\n",
				argv[2], xdpdk_map_id(found), xdpdk_map_id(m));
			xdpdk_map_put(m);
			xdpdk_map_put(found);
			return NULL;
		}
		found = m;
	}
	if (found == NULL)
		fprintf(err, "Error: no map named '%s'\n", argv[2]);
	return found;
}

/* Parse "kw HEX..." into a buffer of exactly @p size bytes. */
static uint8_t *
bytes_arg(struct xdpdk_map *m, int argc, char **argv, const char *kw, uint32_t size, FILE *err)
{
	char *hex = hex_arg(argc, argv, kw);
	uint8_t *b = NULL;
	size_t len = 0;

	if (hex == NULL) {
		fprintf(err, "Error: '%s' and its bytes are needed\n", kw);
		return NULL;
	}
	if (xdpdk_config_is_typed(hex)) {
		/* typed, through the map's BTF; a per-CPU value goes to every slot */
		const bool key = strcmp(kw, "key") == 0;
		const uint32_t one = key ? xdpdk_map_def(m)->key_size : xdpdk_map_def(m)->value_size;
		const uint32_t stride = (one + 7) & ~7u;
		uint32_t kt, vt;
		const struct xdpdk_btf *btf = xdpdk_map_btf(m, &kt, &vt);
		char why[192];

		b = calloc(1, size ? size : 1);
		if (b == NULL || btf == NULL || (key ? kt : vt) == 0 ||
		    xdpdk_btf_from_json(btf, key ? kt : vt, hex, b, one, why, sizeof(why)) != 0) {
			fprintf(err, "Error: %s: %s\n", kw, b == NULL ? "out of memory" :
				btf == NULL || (key ? kt : vt) == 0 ?
				"the map has no BTF type for it: give hex bytes" : why);
			free(b);
			free(hex);
			return NULL;
		}
		for (uint32_t off = stride; !key && off + one <= size; off += stride)
			memcpy(b + off, b, one);
		free(hex);
		return b;
	}
	if (cli_parse_hex(hex, &b, &len) != 0) {
		fprintf(err, "Error: %s: expected hex bytes, got '%s'\n", kw, hex);
	} else if (len != size) {
		fprintf(err, "Error: %s: the map takes %u bytes, got %zu\n", kw, size, len);
		free(b);
		b = NULL;
	}
	free(hex);
	return b;
}

static void
print_bytes(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%02x", i ? " " : "", b[i]);
}

static int
map_show(int argc, char **argv, FILE *out, FILE *err)
{
	const bool json = cli_opt_flag(argc, argv, "--json");
	struct xdpdk_map *m;
	unsigned int n = 0;

	(void)err;
	if (json)
		fprintf(out, "[");
	for (uint32_t id = 0; (m = xdpdk_map_get_next(id)) != NULL; id = xdpdk_map_id(m)) {
		const struct xdpdk_map_def *d = xdpdk_map_def(m);
		const char *tn = xdpdk_map_type_name(d->type);

		if (json) {
			fprintf(out, "%s{\"id\":%u,\"type\":\"%s\",\"name\":", n ? "," : "",
				xdpdk_map_id(m), tn ? tn : "unknown");
			cli_json_str(out, d->name);
			fprintf(out, ",\"flags\":%u,\"bytes_key\":%u,\"bytes_value\":%u,"
				"\"max_entries\":%u}", d->map_flags, d->key_size, d->value_size,
				d->max_entries);
		} else {
			fprintf(out, "%u: %s  name %s  flags 0x%x\n\tkey %uB  value %uB  "
				"max_entries %u\n", xdpdk_map_id(m), tn ? tn : "unknown", d->name,
				d->map_flags, d->key_size, d->value_size, d->max_entries);
		}
		n++;
		xdpdk_map_put(m);
	}
	if (json)
		fprintf(out, "]\n");
	return CLI_OK;
}

static int
map_dump(int argc, char **argv, FILE *out, FILE *err)
{
	struct xdpdk_map *m = find_map(argc, argv, err);
	const bool json = cli_opt_flag(argc, argv, "--json");

	if (m == NULL)
		return CLI_FAIL;
	cli_dump_map(out, m, json);
	if (json)
		fprintf(out, "\n");
	xdpdk_map_put(m);
	return CLI_OK;
}

static int
map_lookup(int argc, char **argv, FILE *out, FILE *err)
{
	struct xdpdk_map *m = find_map(argc, argv, err);
	uint8_t *key = NULL, *val = NULL;
	uint32_t vsz;
	int ret, rc = CLI_FAIL;

	if (m == NULL)
		return CLI_FAIL;
	vsz = xdpdk_map_value_buf_size(m);
	key = bytes_arg(m, argc, argv, "key", xdpdk_map_def(m)->key_size, err);
	val = malloc(vsz + 1);
	if (key != NULL && val != NULL) {
		ret = xdpdk_map_lookup(m, key, val, 0);
		if (ret != 0) {
			fprintf(err, "Error: lookup failed: %s\n", strerror(-ret));
		} else if (cli_opt_flag(argc, argv, "--json")) {
			fprintf(out, "{\"key\":");
			cli_json_hex(out, key, xdpdk_map_def(m)->key_size);
			fprintf(out, ",\"value\":");
			cli_json_hex(out, val, vsz);
			cli_print_formatted(out, m, key, val, true);
			fprintf(out, "}\n");
			rc = CLI_OK;
		} else {
			fprintf(out, "key: ");
			print_bytes(out, key, xdpdk_map_def(m)->key_size);
			fprintf(out, "  value: ");
			print_bytes(out, val, vsz);
			fprintf(out, "\n");
			cli_print_formatted(out, m, key, val, false);
			rc = CLI_OK;
		}
	}
	free(key);
	free(val);
	xdpdk_map_put(m);
	return rc;
}

static int
map_update(int argc, char **argv, FILE *out, FILE *err)
{
	static const char *const flag_names[] = { "any", "noexist", "exist" };
	struct xdpdk_map *m = find_map(argc, argv, err);
	uint8_t *key = NULL, *val = NULL;
	uint64_t flags = BPF_ANY;
	int ret, rc = CLI_FAIL;

	(void)out;
	if (m == NULL)
		return CLI_FAIL;
	/* bpftool's trailing UPDATE_FLAGS word: any | noexist | exist */
	for (uint64_t f = 0; f < 3; f++)
		if (strcmp(argv[argc - 1], flag_names[f]) == 0) {
			flags = f;
			argc--;
		}
	key = bytes_arg(m, argc, argv, "key", xdpdk_map_def(m)->key_size, err);
	if (key != NULL)
		val = bytes_arg(m, argc, argv, "value", xdpdk_map_value_buf_size(m), err);
	if (key != NULL && val != NULL) {
		ret = xdpdk_map_update(m, key, val, flags);
		if (ret != 0)
			fprintf(err, "Error: update failed: %s\n", strerror(-ret));
		else
			rc = CLI_OK;
	}
	free(key);
	free(val);
	xdpdk_map_put(m);
	return rc;
}

static int
map_delete(int argc, char **argv, FILE *out, FILE *err)
{
	struct xdpdk_map *m = find_map(argc, argv, err);
	uint8_t *key;
	int ret, rc = CLI_FAIL;

	(void)out;
	if (m == NULL)
		return CLI_FAIL;
	key = bytes_arg(m, argc, argv, "key", xdpdk_map_def(m)->key_size, err);
	if (key != NULL) {
		ret = xdpdk_map_delete(m, key);
		if (ret != 0)
			fprintf(err, "Error: delete failed: %s\n", strerror(-ret));
		else
			rc = CLI_OK;
	}
	free(key);
	xdpdk_map_put(m);
	return rc;
}

int
cli_ctl_map(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct {
		const char *verb;
		int (*fn)(int argc, char **argv, FILE *out, FILE *err);
	} verbs[] = {
		{ "show", map_show }, { "list", map_show }, { "dump", map_dump },
		{ "lookup", map_lookup }, { "update", map_update }, { "delete", map_delete },
	};

	if (argc < 1) {
		fprintf(err, "Error: a map verb is needed\n");
		return CLI_USAGE;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[0], verbs[i].verb) == 0)
			return verbs[i].fn(argc, argv, out, err);
	fprintf(err, "Error: unknown map verb '%s'\n", argv[0]);
	return CLI_USAGE;
}

int
cli_ctl_handle(int argc, char **argv, FILE *out, FILE *err, void *arg)
{
	if (strcmp(argv[0], "map") == 0)
		return cli_ctl_map(argc - 1, argv + 1, out, err);
	if (arg != NULL) {
		int rc = cli_ctl_dp(arg, argc, argv, out, err);

		if (rc >= 0)
			return rc;
	}
	if (strcmp(argv[0], "trace") == 0)
		return cli_ctl_trace(argc, argv, out, err);
	fprintf(err, "xdpdk: the dataplane has no verb '%s'\n", argv[0]);
	return CLI_USAGE;
}
