/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk run -c FILE: the dataplane described by a YAML configuration, with
 * its control socket, until SIGINT/SIGTERM (or --seconds). `--check` validates the file and everything it names (objects, programs
 * and their types against their hooks, maps and the sizes of the entries to
 * prefill) without starting anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include <xdpdk/control.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
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
/* The key or value of @p en given as JSON, into bytes through the map's BTF. */
static int
type_one(const struct xdpdk_config *cfg, const struct xdpdk_btf *btf,
	 const struct xdpdk_obj_map *om, bool key, const char *json, uint8_t **bytes,
	 unsigned int *len, const char *base, char *err, size_t size)
{
	const struct xdpdk_map_def *def = xdpdk_obj_map_def(om);
	const uint32_t n = key ? def->key_size : def->value_size;
	uint32_t kt, vt;
	char field[128], why[192];

	snprintf(field, sizeof(field), "%s.%s", base, key ? "key" : "value");
	xdpdk_obj_map_btf_ids(om, &kt, &vt);
	if (btf == NULL || (key ? kt : vt) == 0)
		return xdpdk_config_error(cfg, field, err, size, "map '%s' has no BTF type for its "
					  "%s (__type(%s, T) in the object): give hex bytes",
					  xdpdk_obj_map_name(om), key ? "keys" : "values",
					  key ? "key" : "value");
	free(*bytes);
	*bytes = calloc(1, n ? n : 1);
	if (*bytes == NULL)
		return -ENOMEM;
	*len = n;
	if (xdpdk_btf_from_json(btf, key ? kt : vt, json, *bytes, n, why, sizeof(why)) != 0)
		return xdpdk_config_error(cfg, field, err, size, "%s", why);
	return 0;
}

/* @p btf: that of the object which defines @p om. */
static int
type_entry(const struct xdpdk_config *cfg, const struct xdpdk_btf *btf,
	   const struct xdpdk_obj_map *om, struct xdpdk_cfg_entry *en, const char *base,
	   char *err, size_t size)
{
	int ret = 0;

	if (en->key_typed)
		ret = type_one(cfg, btf, om, true, en->key, &en->key_bytes, &en->key_len, base,
			       err, size);
	if (ret == 0 && en->value_typed)
		ret = type_one(cfg, btf, om, false, en->value, &en->value_bytes, &en->value_len,
			       base, err, size);
	return ret;
}

static int
check_map(const struct xdpdk_config *cfg, unsigned int i, struct checked *c, char *err,
	  size_t size)
{
	const struct xdpdk_cfg_map *m = &cfg->maps[i];
	const struct xdpdk_obj_map *found = NULL;
	const struct xdpdk_btf *btf = NULL;	/* of the object that defines it */
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
		if (om != NULL) {
			found = om;
			btf = xdpdk_obj_btf(c->objs[p]);
		}
	}
	snprintf(field, sizeof(field), "maps[%u].name", i);
	if (found == NULL)
		return xdpdk_config_error(cfg, field, err, size, "no map '%s' in %s", m->name,
					  m->program != NULL ? "that program's object" :
					  "the programs' objects");
	def = xdpdk_obj_map_def(found);
	for (unsigned int e = 0; e < m->entries_count; e++) {
		/* typed entries get their bytes here, where the object's BTF is */
		struct xdpdk_cfg_entry *en = (struct xdpdk_cfg_entry *)&m->entries[e];
		int ret;

		snprintf(field, sizeof(field), "maps[%u].entries[%u]", i, e);
		ret = type_entry(cfg, btf, found, en, field, err, size);
		if (ret != 0)
			return ret;
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


/* ---- starting the dataplane a configuration describes --------------------- */

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

/* Ports in an order where each exception port exists before its user. */
static int
add_ports(const struct xdpdk_config *cfg, char *err, size_t size)
{
	bool *done = calloc(cfg->ports_count, sizeof(*done));
	unsigned int n_done = 0, pass;
	char field[64];
	int ret = 0;

	if (done == NULL)
		return -ENOMEM;
	for (pass = 0; ret == 0 && n_done < cfg->ports_count && pass <= cfg->ports_count; pass++)
		for (unsigned int i = 0; ret == 0 && i < cfg->ports_count; i++) {
			const struct xdpdk_cfg_port *p = &cfg->ports[i];
			char tap[32];
			struct xdpdk_port_opts o = {
				.devargs = p->device, .ifindex = i + 1,
				.n_rxq = (uint16_t)p->rx_queues, .n_txq = (uint16_t)p->tx_queues,
				.rx_desc = (uint16_t)p->rx_desc, .tx_desc = (uint16_t)p->tx_desc,
				.mtu = (uint16_t)p->mtu, .promisc = p->promisc ? 1 : -1,
				.pool_size = p->mbufs,
			};

			if (done[i] || (p->exc == XDPDK_CFG_EXC_PORT && !done[p->exc_port_idx]))
				continue;
			if (p->exc == XDPDK_CFG_EXC_PORT) {
				o.exception = XDPDK_EXC_PORT;
				o.exception_ifindex = p->exc_port_idx + 1;
			} else if (p->exc == XDPDK_CFG_EXC_TAP) {
				snprintf(tap, sizeof(tap), "xdpdk-%.10s", p->name);
				o.exception = XDPDK_EXC_TAP;
				o.exception_tap = p->exception_name != NULL ? p->exception_name : tap;
			}
			ret = xdpdk_dp_port_add(&o);
			if (ret < 0) {
				snprintf(field, sizeof(field), "ports[%u].device", i);
				xdpdk_config_error(cfg, field, err, size, "cannot add port '%s': %s",
						   p->device, strerror(-ret));
				break;
			}
			ret = 0;
			done[i] = true;
			n_done++;
		}
	if (ret == 0 && n_done < cfg->ports_count)
		ret = xdpdk_config_error(cfg, "ports", err, size,
					 "ports name each other as exception paths in a cycle");
	free(done);
	return ret;
}

/* Load each program's object, attach what the dataplane can run, prefill maps. */
/* Load each program from the object --check opened, attach it, as the configuration says. */
static int
load_programs(const struct xdpdk_config *cfg, struct xdpdk_obj *const *objs,
	      struct xdpdk_pins *pins, struct xdpdk_loaded **lo, char *err, size_t size)
{
	char field[96], log[4096];

	for (unsigned int i = 0; i < cfg->programs_count; i++) {
		const struct xdpdk_cfg_program *p = &cfg->programs[i];
		struct xdpdk_load_opts lopts = {
			.engine = p->engine != NULL && strcmp(p->engine, "interp") == 0 ?
				  XDPDK_ENGINE_INTERP : XDPDK_ENGINE_JIT,
			.helpers = xdpdk_helpers_resolve, .pins = pins, .only_prog = p->program,
			.log_buf = log, .log_size = sizeof(log),
			.jit_blind = p->jit_blinding,
		};
		struct xdpdk_prog *prog;

		snprintf(field, sizeof(field), "programs[%u]", i);
		log[0] = '\0';
		lo[i] = xdpdk_obj_load(objs[i], &lopts);
		prog = lo[i] == NULL ? NULL : p->program != NULL ?
		       xdpdk_loaded_prog_find(lo[i], p->program) : xdpdk_loaded_prog_at(lo[i], 0);
		if (prog == NULL)
			return xdpdk_config_error(cfg, field, err, size, "cannot load: %s", log);
		for (unsigned int a = 0; a < p->attach_count; a++) {
			snprintf(field, sizeof(field), "programs[%u].attach[%u].hook", i, a);
			if (p->attach[a].kind > XDPDK_CFG_HOOK_CPUMAP)
				return xdpdk_config_error(cfg, field, err, size,
							  "unknown hook '%s'", p->attach[a].hook);
		}
	}
	return 0;
}

static int
prefill_maps(const struct xdpdk_config *cfg, struct xdpdk_loaded **lo, char *err, size_t size)
{
	char field[96];

	for (unsigned int i = 0; i < cfg->maps_count; i++) {
		const struct xdpdk_cfg_map *m = &cfg->maps[i];
		struct xdpdk_map *map = NULL;

		for (unsigned int p = 0; map == NULL && p < cfg->programs_count; p++)
			if (m->program == NULL || strcmp(m->program, cfg->programs[p].name) == 0)
				map = xdpdk_loaded_map_find(lo[p], m->name);
		for (unsigned int e = 0; map != NULL && e < m->entries_count; e++) {
			const struct xdpdk_cfg_entry *en = &m->entries[e];
			const uint32_t vsz = xdpdk_map_value_buf_size(map);
			uint8_t *val = malloc(vsz);
			int ret;

			if (val == NULL)
				return -ENOMEM;
			/* A per-CPU map takes the value in every worker's slot. */
			for (uint32_t off = 0; off + en->value_len <= vsz;
			     off += (en->value_len + 7) / 8 * 8)
				memcpy(val + off, en->value_bytes, en->value_len);
			ret = xdpdk_map_update(map, en->key_bytes, val, m->update_flags);
			free(val);
			if (ret != 0) {
				snprintf(field, sizeof(field), "maps[%u].entries[%u]", i, e);
				return xdpdk_config_error(cfg, field, err, size,
							  "map '%s': update failed: %s", m->name,
							  strerror(-ret));
			}
		}
	}
	return 0;
}

/* The routing table of bpf_fib_lookup(), owned by @p d (a 'route add' may create it later). */
static int
fill_fib(const struct xdpdk_config *cfg, struct cli_daemon *d, char *err, size_t size)
{
	struct xdpdk_fib *fib;
	char field[64];

	if (cfg->routes_count == 0 && cfg->neighbours_count == 0)
		return 0;
	fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = cfg->routes_count + 65536 });
	if (fib == NULL)
		return xdpdk_config_error(cfg, "routes", err, size, "cannot create the routing "
					  "table: %s", strerror(errno));
	d->fib = fib;
	cli_daemon_fib_ports(d);
	for (unsigned int i = 0; i < cfg->routes_count; i++) {
		const struct xdpdk_cfg_route *r = &cfg->routes[i];
		struct xdpdk_fib_route fr = {
			.family = r->family, .depth = (uint8_t)r->prefixlen, .table = r->table,
			.type = (enum xdpdk_fib_route_type)r->kind,
			.gw_family = r->has_via ? r->family : 0,
			.ifindex = r->kind == XDPDK_CFG_ROUTE_UNICAST ? r->port_idx + 1 : 0,
		};
		int ret;

		memcpy(fr.dst, r->addr, 16);
		memcpy(fr.gw, r->via_addr, 16);
		ret = xdpdk_fib_route_add(fib, &fr);
		if (ret != 0) {
			snprintf(field, sizeof(field), "routes[%u]", i);
			return xdpdk_config_error(cfg, field, err, size, "cannot add the route: %s",
						  strerror(-ret));
		}
	}
	for (unsigned int i = 0; i < cfg->neighbours_count; i++) {
		const struct xdpdk_cfg_neighbour *n = &cfg->neighbours[i];
		int ret = xdpdk_fib_neigh_add(fib, n->port_idx + 1, n->family, n->addr,
					      n->mac_bytes);

		if (ret != 0) {
			snprintf(field, sizeof(field), "neighbours[%u]", i);
			return xdpdk_config_error(cfg, field, err, size,
						  "cannot add the neighbour: %s", strerror(-ret));
		}
	}
	xdpdk_fib_set_current(fib);
	return 0;
}

/*
 * Hand the configuration's loaded objects to @p d (whatever load_programs
 * managed, so that one cleanup frees them); @p slot[i]: program i's place
 * in d->loaded, -1 when it did not load.
 */
static int
adopt_programs(const struct xdpdk_config *cfg, struct cli_daemon *d, struct xdpdk_loaded **lo,
	       int *slot, char *err, size_t size)
{
	for (unsigned int i = 0; i < cfg->programs_count; i++) {
		const struct xdpdk_cfg_program *p = &cfg->programs[i];
		struct xdpdk_prog *prog;

		slot[i] = -1;
		if (lo[i] == NULL)
			continue;
		prog = p->program != NULL ? xdpdk_loaded_prog_find(lo[i], p->program) :
					    xdpdk_loaded_prog_at(lo[i], 0);
		slot[i] = cli_daemon_adopt(d, lo[i], prog, p->object, true);
		if (slot[i] < 0) {
			snprintf(err, size, "more than %d programs", CLI_MAX_LOADED);
			return -ENOSPC;
		}
		lo[i] = NULL;
	}
	return 0;
}

/*
 * A devmap or cpumap entry's program (bpf_devmap_val/bpf_cpumap_val's
 * bpf_prog.fd): the entry must be there (prefilled: its ifindex or queue
 * size) and its value must have room for the program's handle.
 */
static int
attach_entry(const struct xdpdk_config *cfg, struct cli_daemon *d, const int *slot,
	     unsigned int i, unsigned int a, char *err, size_t size)
{
	const struct xdpdk_cfg_attach *at = &cfg->programs[i].attach[a];
	const bool dev = at->kind == XDPDK_CFG_HOOK_DEVMAP;
	struct xdpdk_map *map = NULL;
	const struct xdpdk_map_def *def;
	uint8_t val[8];
	char field[96];
	int32_t handle;
	int ret;

	snprintf(field, sizeof(field), "programs[%u].attach[%u].map", i, a);
	for (int s = 0; map == NULL && s < CLI_MAX_LOADED; s++)
		if (d->loaded[s].lo != NULL)
			map = xdpdk_loaded_map_find(d->loaded[s].lo, at->map);
	if (map == NULL)
		return xdpdk_config_error(cfg, field, err, size, "no loaded object has a map "
					  "named '%s'", at->map);
	def = xdpdk_map_def(map);
	if (dev ? def->type != BPF_MAP_TYPE_DEVMAP && def->type != BPF_MAP_TYPE_DEVMAP_HASH :
		  def->type != BPF_MAP_TYPE_CPUMAP)
		return xdpdk_config_error(cfg, field, err, size, "map '%s' is no %s", at->map,
					  dev ? "devmap" : "cpumap");
	if (def->value_size < sizeof(val) || def->key_size != 4)
		return xdpdk_config_error(cfg, field, err, size, "map '%s' has %u-byte values: "
					  "no room for a program (struct %s)", at->map,
					  def->value_size,
					  dev ? "bpf_devmap_val" : "bpf_cpumap_val");
	ret = xdpdk_map_lookup(map, &at->key, val, 0);
	if (ret != 0)
		return xdpdk_config_error(cfg, field, err, size, "map '%s' has no entry %u: give "
					  "it one under maps: (its %s) for the program to run on",
					  at->map, at->key, dev ? "ifindex" : "queue size");
	handle = xdpdk_dp_prog_register(d->loaded[slot[i]].prog);
	if (handle < 0)
		return xdpdk_config_error(cfg, field, err, size, "cannot register the program: %s",
					  strerror(-handle));
	d->handles[d->n_handles++] = handle;
	memcpy(val + 4, &handle, 4);	/* bpf_prog.fd, after ifindex or qsize */
	ret = xdpdk_map_update(map, &at->key, val, BPF_EXIST);
	if (ret != 0)
		return xdpdk_config_error(cfg, field, err, size, "map '%s', entry %u: %s",
					  at->map, at->key, strerror(-ret));
	return 0;
}

/*
 * Each port's XDP programs as one chain, in priority order (configuration
 * order among equals), with their chain_call_actions (libxdp's semantics).
 */
static int
attach_programs(const struct xdpdk_config *cfg, struct cli_daemon *d, const int *slot,
		char *err, size_t size)
{
	char field[96];
	int ret;

	for (unsigned int i = 0; i < cfg->programs_count; i++)
		for (unsigned int a = 0; a < cfg->programs[i].attach_count; a++) {
			const enum xdpdk_cfg_hook k = cfg->programs[i].attach[a].kind;

			if (k != XDPDK_CFG_HOOK_DEVMAP && k != XDPDK_CFG_HOOK_CPUMAP)
				continue;
			if (d->n_handles == sizeof(d->handles) / sizeof(d->handles[0]))
				return xdpdk_config_error(cfg, "programs", err, size,
							  "too many entry programs");
			ret = attach_entry(cfg, d, slot, i, a, err, size);
			if (ret != 0)
				return ret;
		}
	for (unsigned int port = 0; port < cfg->ports_count; port++) {
		struct cli_hook h = { 0 };

		for (unsigned int i = 0; i < cfg->programs_count; i++)
			for (unsigned int a = 0; a < cfg->programs[i].attach_count; a++) {
				const struct xdpdk_cfg_attach *at = &cfg->programs[i].attach[a];
				const struct cli_hook_prog hp = { .loaded = (uint8_t)slot[i],
								  .priority = at->priority,
								  .actions = at->chain_mask };

				if (at->kind != XDPDK_CFG_HOOK_XDP || at->port_idx != port)
					continue;
				snprintf(field, sizeof(field), "programs[%u].attach[%u]", i, a);
				if (h.n == XDPDK_DP_MAX_CHAIN)
					return xdpdk_config_error(cfg, field, err, size,
								  "port '%s' runs more than %d "
								  "programs", at->port,
								  XDPDK_DP_MAX_CHAIN);
				cli_hook_insert(&h, &hp);
			}
		for (unsigned int i = 0; i < cfg->programs_count; i++)
			for (unsigned int a = 0; a < cfg->programs[i].attach_count; a++) {
				const struct xdpdk_cfg_attach *at = &cfg->programs[i].attach[a];
				const int hook = at->kind == XDPDK_CFG_HOOK_TC_INGRESS ? XDPDK_TC_INGRESS :
						 at->kind == XDPDK_CFG_HOOK_TC_EGRESS ? XDPDK_TC_EGRESS : -1;

				if (hook < 0 || at->port_idx != port)
					continue;
				snprintf(field, sizeof(field), "programs[%u].attach[%u]", i, a);
				if (d->tc[port + 1][hook] != 0)
					return xdpdk_config_error(cfg, field, err, size,
								  "port '%s' already runs a %s "
								  "program: a TC hook holds one",
								  at->port, at->hook);
				ret = cli_daemon_set_tc(d, port + 1, hook, slot[i]);
				if (ret != 0)
					return xdpdk_config_error(cfg, field, err, size,
								  "cannot attach: %s",
								  strerror(-ret));
			}
		if (h.n == 0)
			continue;
		ret = cli_daemon_set_hook(d, port + 1, &h);
		if (ret != 0) {
			snprintf(field, sizeof(field), "ports[%u]", port);
			return xdpdk_config_error(cfg, field, err, size,
						  "cannot attach the programs: %s", strerror(-ret));
		}
	}
	return 0;
}

/*
 * Start what @p cfg describes, serve the control socket until SIGINT or
 * SIGTERM, then stop the workers (each flushes), print the counters and free
 * everything.
 */
static int
run_daemon(const char *path, const struct xdpdk_config *cfg, struct xdpdk_obj *const *objs,
	   double seconds)
{
	unsigned int lcores[XDPDK_DP_MAX_WORKERS];
	struct xdpdk_dp_opts dpo = { .n_workers = cfg->workers_count, .lcores = lcores };
	struct xdpdk_ctl_server_opts so = { .mode = cfg->control.mode_bits,
					    .has_group = cfg->control.has_group,
					    .gid = cfg->control.gid };
	struct xdpdk_loaded **lo = calloc(cfg->programs_count + 1, sizeof(*lo));
	struct cli_daemon *d = calloc(1, sizeof(*d));
	int *slot = calloc(cfg->programs_count + 1, sizeof(*slot));
	static unsigned int in_use0[1024];
	struct xdpdk_ctl_server *server = NULL;
	struct xdpdk_pins *pins = xdpdk_pins_create();
	char err[1024] = "";
	int ret, rc = CLI_FAIL;
	bool started = false;

	if (lo == NULL || d == NULL || pins == NULL || cfg->workers_count > XDPDK_DP_MAX_WORKERS) {
		cli_err(path, "too many workers (at most %d) or out of memory", XDPDK_DP_MAX_WORKERS);
		goto out_free;
	}
	for (unsigned int w = 0; w < cfg->workers_count; w++)
		lcores[w] = cfg->workers[w].lcore;
	if (cli_eal_lcores(path, lcores, cfg->workers_count,
			   cfg->eal.hugepages != NULL && strcmp(cfg->eal.hugepages, "no") == 0,
			   (int)cfg->eal.args_count, cfg->eal.args) != 0)
		goto out_free;
	if ((ret = xdpdk_dp_init(&dpo)) != 0) {
		cli_err(path, "cannot set the dataplane up: %s", strerror(-ret));
		goto out_eal;
	}
	ret = add_ports(cfg, err, sizeof(err));
	for (unsigned int w = 0; ret == 0 && w < cfg->workers_count; w++)
		for (unsigned int k = 0; ret == 0 && k < cfg->workers[w].poll_count; k++) {
			const struct xdpdk_cfg_poll *p = &cfg->workers[w].poll[k];

			ret = xdpdk_dp_poll_add(w, p->port_idx + 1, (uint16_t)p->queue);
			if (ret != 0)
				snprintf(err, sizeof(err), "workers[%u].poll[%u]: %s", w, k,
					 strerror(-ret));
		}
	*d = (struct cli_daemon){ .cfg = cfg, .n_ports = cfg->ports_count, .pins = pins,
				  .stop = &stop_signal };
	if (ret == 0)
		ret = load_programs(cfg, objs, pins, lo, err, sizeof(err));
	if (ret == 0)
		ret = prefill_maps(cfg, lo, err, sizeof(err));
	if (slot == NULL)
		ret = -ENOMEM;
	else if (adopt_programs(cfg, d, lo, slot, ret == 0 ? err : NULL,
				ret == 0 ? sizeof(err) : 0) != 0)
		ret = -ENOSPC;
	if (ret == 0)
		ret = attach_programs(cfg, d, slot, err, sizeof(err));
	if (ret == 0)
		ret = fill_fib(cfg, d, err, sizeof(err));
	if (ret == 0) {
		ret = xdpdk_ctl_server_start(cfg->control.socket, &so, cli_ctl_handle, d, &server);
		d->server = server;
		if (ret != 0)
			snprintf(err, sizeof(err), "control socket %s: %s", cfg->control.socket,
				 strerror(-ret));
	}
	/* mbufs in use before traffic: every one must be back when the workers stop */
	for (unsigned int i = 0; i < cfg->ports_count && i < 1024; i++)
		in_use0[i] = xdpdk_dp_port_pool(i + 1) != NULL ?
				     rte_mempool_in_use_count(xdpdk_dp_port_pool(i + 1)) : 0;
	if (ret == 0) {
		ret = xdpdk_dp_start();
		if (ret != 0)
			snprintf(err, sizeof(err), "cannot start the workers: %s", strerror(-ret));
		started = ret == 0;
	}
	if (ret != 0) {
		cli_err(path, "%s", err);
		goto out_stop;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	printf("xdpdk: running %s: %u port(s), %u worker(s), control socket %s\n", cfg->path,
	       cfg->ports_count, cfg->workers_count, cfg->control.socket);
	fflush(stdout);
	if (cli_run_replay.pcap != NULL) {
		ret = cli_replay_in_process(path, &stop_signal, seconds);
	} else if (seconds > 0) {
		const uint64_t end = rte_get_tsc_cycles() +
				     (uint64_t)(seconds * (double)rte_get_tsc_hz());

		while (!stop_signal && rte_get_tsc_cycles() < end)
			usleep(10000);
	} else {
		while (!stop_signal)
			pause();
	}
	printf("xdpdk: %s: stopping\n", stop_signal ? strsignal(stop_signal) :
	       cli_run_replay.pcap != NULL ? "replay done" : "time is up");
	rc = ret == 0 ? CLI_OK : CLI_FAIL;
out_stop:
	if (server != NULL) {
		struct xdpdk_ctl_stats cs;

		xdpdk_ctl_server_stats(server, &cs);
		xdpdk_ctl_server_stop(server);
		d->server = NULL;
		printf("xdpdk: control socket: served %" PRIu64 " malformed %" PRIu64 " refused %"
		       PRIu64 " aborted %" PRIu64 "\n", cs.served, cs.malformed, cs.refused,
		       cs.aborted);
	}
	if (started)
		xdpdk_dp_stop();
	if (rc == CLI_OK) {
		cli_print_stats(stdout, d, false, false);
		for (unsigned int i = 0; i < cfg->ports_count && i < 1024; i++) {
			const unsigned int now = xdpdk_dp_port_pool(i + 1) != NULL ?
				rte_mempool_in_use_count(xdpdk_dp_port_pool(i + 1)) : 0;

			printf("port %s: %u mbufs in use after the workers stopped, %u before "
			       "they started%s\n", cfg->ports[i].name, now, in_use0[i],
			       now == in_use0[i] ? "" : ": some were not given back");
		}
	}
	/* Detach, free programs and maps (after a grace period), then the dataplane. */
	for (unsigned int i = 0; i < cfg->ports_count; i++)
		xdpdk_dp_port_set_prog(i + 1, NULL);
	cli_daemon_fini(d);
	for (unsigned int i = 0; i < cfg->programs_count; i++)
		xdpdk_loaded_free(lo[i]);	/* any not adopted */
	xdpdk_pins_free(pins);
	pins = NULL;
	xdpdk_dp_fini();
out_eal:
	xdpdk_eal_cleanup_tool();
out_free:
	xdpdk_pins_free(pins);
	free(lo);
	free(slot);
	free(d);
	return rc;
}

int
cli_run_config(const char *path, const char *file, bool check, bool json, double seconds)
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
	if (rc == CLI_OK && !check)
		rc = run_daemon(path, cfg, c.objs, seconds);
	for (unsigned int i = 0; i < cfg->programs_count; i++)
		xdpdk_obj_close(c.objs[i]);
	free(c.objs);
	xdpdk_config_free(cfg);
	return rc;
}
