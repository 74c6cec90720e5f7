/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk run -c FILE: the dataplane described by a YAML configuration.
 * `--check` validates the file and everything it names (objects, programs
 * and their types against their hooks, maps and the sizes of the entries to
 * prefill) without starting anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xdpdk/map.h>

#include "xdpdk_config.h"
#include "cli.h"

/* Where the bundled programs are: $XDPDK_BPF_PROGS_DIR, else the build's. */
#define BUNDLED_PROGS XDPDK_BUILD_ROOT "/bpf/progs"

static const char *
bundled_dir(void)
{
	const char *d = getenv("XDPDK_BPF_PROGS_DIR");

	return d != NULL && d[0] != '\0' ? d : BUNDLED_PROGS;
}

/* The object's file: as written (relative to the configuration), else a bundled one. */
static char *
find_object(const struct xdpdk_cfg_program *p)
{
	char *alt;

	if (access(p->object_path, R_OK) == 0 || strchr(p->object, '/') != NULL)
		return strdup(p->object_path);
	if (asprintf(&alt, "%s/%s", bundled_dir(), p->object) < 0)
		return NULL;
	if (access(alt, R_OK) == 0)
		return alt;
	free(alt);
	return strdup(p->object_path);
}

/* The program type each hook runs. */
static enum xdpdk_prog_type
hook_type(enum xdpdk_cfg_hook h)
{
	return h == XDPDK_CFG_HOOK_TC_INGRESS || h == XDPDK_CFG_HOOK_TC_EGRESS ?
	       XDPDK_PROG_TYPE_TC : XDPDK_PROG_TYPE_XDP;
}

struct checked {
	struct xdpdk_obj **objs;	/* per configured program */
	unsigned int n_entries;
};

static int
check_program(const struct xdpdk_config *cfg, unsigned int i, struct checked *c, char *err,
	      size_t size)
{
	const struct xdpdk_cfg_program *p = &cfg->programs[i];
	struct xdpdk_obj_opts oo = { 0 };
	const struct xdpdk_obj_prog *op;
	char field[96], log[1024] = "";
	char *file = find_object(p);

	if (file == NULL)
		return -ENOMEM;
	oo.log_buf = log;
	oo.log_size = sizeof(log);
	snprintf(field, sizeof(field), "programs[%u].object", i);
	c->objs[i] = xdpdk_obj_open(file, &oo);
	if (c->objs[i] == NULL) {
		int ret = errno == ENOENT && access(file, R_OK) != 0 ?
			  xdpdk_config_error(cfg, field, err, size,
					     "'%s' not found (looked in %s and in %s)", p->object,
					     cfg->dir, bundled_dir()) :
			  xdpdk_config_error(cfg, field, err, size, "%s: %s", file, log);

		free(file);
		return ret;
	}
	free(file);
	snprintf(field, sizeof(field), "programs[%u].program", i);
	if (p->program != NULL) {
		op = xdpdk_obj_prog_find(c->objs[i], p->program);
		if (op == NULL)
			return xdpdk_config_error(cfg, field, err, size, "'%s' has no program '%s'",
						  p->object, p->program);
	} else if (xdpdk_obj_prog_count(c->objs[i]) == 1) {
		op = xdpdk_obj_prog_at(c->objs[i], 0);
	} else {
		snprintf(field, sizeof(field), "programs[%u]", i);
		return xdpdk_config_error(cfg, field, err, size,
					  "'%s' has %u programs: say which ('program')", p->object,
					  xdpdk_obj_prog_count(c->objs[i]));
	}
	for (unsigned int a = 0; a < p->attach_count; a++) {
		const struct xdpdk_cfg_attach *at = &p->attach[a];

		if (xdpdk_obj_prog_type(op) != hook_type(at->kind)) {
			snprintf(field, sizeof(field), "programs[%u].attach[%u].hook", i, a);
			return xdpdk_config_error(cfg, field, err, size,
						  "program '%s' (section '%s') cannot run at a %s "
						  "hook",
						  xdpdk_obj_prog_name(op), xdpdk_obj_prog_section(op),
						  at->hook != NULL ? at->hook : "xdp");
		}
	}
	return 0;
}

/* The map to prefill, in its program's object (or the one object that has it). */
static int
check_map(const struct xdpdk_config *cfg, unsigned int i, struct checked *c, char *err,
	  size_t size)
{
	const struct xdpdk_cfg_map *m = &cfg->maps[i];
	const struct xdpdk_obj_map *found = NULL;
	const struct xdpdk_map_def *def;
	char field[96];

	for (unsigned int p = 0; p < cfg->programs_count; p++) {
		const struct xdpdk_obj_map *om;

		if (m->program != NULL && strcmp(m->program, cfg->programs[p].name) != 0)
			continue;
		om = xdpdk_obj_map_find(c->objs[p], m->name);
		if (om != NULL && found != NULL && found != om) {
			snprintf(field, sizeof(field), "maps[%u].name", i);
			return xdpdk_config_error(cfg, field, err, size,
						  "several programs' objects have a map '%s': say "
						  "which ('program')", m->name);
		}
		found = om != NULL ? om : found;
	}
	snprintf(field, sizeof(field), "maps[%u].name", i);
	if (found == NULL)
		return xdpdk_config_error(cfg, field, err, size, "no map '%s' in %s", m->name,
					  m->program != NULL ? "that program's object" :
					  "the programs' objects");
	def = xdpdk_obj_map_def(found);
	for (unsigned int e = 0; e < m->entries_count; e++) {
		const struct xdpdk_cfg_entry *en = &m->entries[e];

		snprintf(field, sizeof(field), "maps[%u].entries[%u]", i, e);
		if (en->key_len != def->key_size || en->value_len != def->value_size)
			return xdpdk_config_error(cfg, field, err, size,
						  "map '%s' has %u-byte keys and %u-byte values; "
						  "this entry has %u and %u",
						  m->name, def->key_size, def->value_size,
						  en->key_len, en->value_len);
	}
	c->n_entries += m->entries_count;
	return 0;
}

static void
print_summary(const struct xdpdk_config *cfg, const struct checked *c, bool json)
{
	if (json) {
		printf("{\"config\":");
		cli_json_str(stdout, cfg->path);
		printf(",\"valid\":true,\"ports\":%u,\"workers\":%u,\"programs\":%u,\"maps\":%u,"
		       "\"map_entries\":%u,\"routes\":%u,\"neighbours\":%u}\n",
		       cfg->ports_count, cfg->workers_count, cfg->programs_count, cfg->maps_count,
		       c->n_entries, cfg->routes_count, cfg->neighbours_count);
		return;
	}
	printf("%s: valid: %u port(s), %u worker(s), %u program(s), %u map(s) to prefill "
	       "(%u entries), %u route(s), %u neighbour(s)\n",
	       cfg->path, cfg->ports_count, cfg->workers_count, cfg->programs_count,
	       cfg->maps_count, c->n_entries, cfg->routes_count, cfg->neighbours_count);
}

int
cli_run_config(const char *path, const char *file, bool check, bool json)
{
	struct xdpdk_config *cfg;
	struct checked c = { 0 };
	char err[1024];
	int rc = CLI_OK;

	if (xdpdk_config_load(file, &cfg, err, sizeof(err)) != 0) {
		cli_err(path, "%s", err);
		return CLI_FAIL;
	}
	c.objs = calloc(cfg->programs_count + 1, sizeof(*c.objs));
	if (c.objs == NULL) {
		xdpdk_config_free(cfg);
		return CLI_FAIL;
	}
	for (unsigned int i = 0; rc == CLI_OK && i < cfg->programs_count; i++)
		if (check_program(cfg, i, &c, err, sizeof(err)) != 0)
			rc = CLI_FAIL;
	for (unsigned int i = 0; rc == CLI_OK && i < cfg->maps_count; i++)
		if (check_map(cfg, i, &c, err, sizeof(err)) != 0)
			rc = CLI_FAIL;
	if (rc != CLI_OK)
		cli_err(path, "%s", err);
	else if (check)
		print_summary(cfg, &c, json);
	for (unsigned int i = 0; i < cfg->programs_count; i++)
		xdpdk_obj_close(c.objs[i]);
	free(c.objs);
	xdpdk_config_free(cfg);
	if (rc == CLI_OK && !check) {
		/* Honest about what is missing rather than pretending to run. */
		cli_err(path, "the configuration is valid, but starting the dataplane from a "
			"configuration is not implemented yet (issue #9); use --check, or "
			"'xdpdk run OBJ --ports ...'");
		rc = CLI_FAIL;
	}
	return rc;
}
