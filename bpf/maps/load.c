/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object loading (libbpf's bpf_object__load): maps first (shared through the
 * pin registry when pinned by name), then each program with its map
 * references resolved to addresses, then the initial entries that name
 * programs or maps. Stages stop at the first error; one cleanup undoes a
 * partial load.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/load.h>

#define PIN_BY_NAME 1 /* LIBBPF_PIN_BY_NAME */

struct pin {
	char name[XDPDK_MAP_NAME_MAX];
	struct xdpdk_map *map;
};

struct xdpdk_pins {
	pthread_mutex_t lock;
	struct pin *pin;
	uint32_t n;
};

struct loaded_prog {
	char name[64];
	struct xdpdk_prog *prog;
};

struct xdpdk_loaded {
	struct loaded_prog *progs;
	uint32_t n_progs;
	struct xdpdk_map **maps;
	struct xdpdk_map **inner_templates;
	uint32_t n_maps;
};

/* ---- pin registry -------------------------------------------------------- */

struct xdpdk_pins *
xdpdk_pins_create(void)
{
	struct xdpdk_pins *pins = calloc(1, sizeof(*pins));

	if (pins != NULL)
		pthread_mutex_init(&pins->lock, NULL);
	return pins;
}

void
xdpdk_pins_free(struct xdpdk_pins *pins)
{
	if (pins == NULL)
		return;
	for (uint32_t i = 0; i < pins->n; i++)
		xdpdk_map_put(pins->pin[i].map);
	free(pins->pin);
	pthread_mutex_destroy(&pins->lock);
	free(pins);
}

static struct xdpdk_map *
pins_find_locked(struct xdpdk_pins *pins, const char *name)
{
	for (uint32_t i = 0; i < pins->n; i++)
		if (strcmp(pins->pin[i].name, name) == 0)
			return pins->pin[i].map;
	return NULL;
}

struct xdpdk_map *
xdpdk_pins_find(struct xdpdk_pins *pins, const char *name)
{
	struct xdpdk_map *map;

	pthread_mutex_lock(&pins->lock);
	map = pins_find_locked(pins, name);
	pthread_mutex_unlock(&pins->lock);
	return map;
}

/* ---- load ---------------------------------------------------------------- */

struct load_ctx {
	const struct xdpdk_obj *obj;
	const struct xdpdk_load_opts *opts;
	struct xdpdk_loaded *lo;
	char *log;
	size_t log_size, log_len;
};

static void __attribute__((format(printf, 2, 3)))
load_log(struct load_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->log == NULL || c->log_len + 1 >= c->log_size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->log + c->log_len, c->log_size - c->log_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->log_len += (size_t)n < c->log_size - c->log_len ? (size_t)n
								     : c->log_size - c->log_len - 1;
}

/* A pinned map is reused only if its definition is the same, as libbpf checks. */
static bool
same_def(const struct xdpdk_map_def *a, const struct xdpdk_map_def *b)
{
	return a->type == b->type && a->key_size == b->key_size &&
	       a->value_size == b->value_size && a->max_entries == b->max_entries &&
	       a->map_flags == b->map_flags;
}

static int
create_map(struct load_ctx *c, uint32_t i)
{
	const struct xdpdk_obj_map *om = xdpdk_obj_map_at(c->obj, i);
	const struct xdpdk_map_def *inner_def = xdpdk_obj_map_inner_def(om);
	struct xdpdk_map_def def = *xdpdk_obj_map_def(om);
	const char *name = xdpdk_obj_map_name(om);
	struct xdpdk_pins *pins = c->opts->pins;
	bool pinned = xdpdk_obj_map_pinning(om) == PIN_BY_NAME && pins != NULL;
	struct xdpdk_map *map;
	const void *data;

	if (pinned) {
		pthread_mutex_lock(&pins->lock);
		map = pins_find_locked(pins, name);
		if (map != NULL) {
			pthread_mutex_unlock(&pins->lock);
			if (!same_def(xdpdk_map_def(map), &def)) {
				load_log(c, "map '%s': pinned map of that name has another "
					 "definition\n", name);
				return -EINVAL;
			}
			c->lo->maps[i] = xdpdk_map_get(map);
			return 0;
		}
	}
	if (inner_def != NULL) {
		/* The inner definition is a template: checked, never used as a map. */
		c->lo->inner_templates[i] = xdpdk_map_create(inner_def);
		if (c->lo->inner_templates[i] == NULL)
			goto err_create;
		def.inner_template = c->lo->inner_templates[i];
	}
	def.name = name;
	map = xdpdk_map_create(&def);
	if (map == NULL)
		goto err_create;
	c->lo->maps[i] = map;
	{
		uint32_t kt, vt;

		xdpdk_obj_map_btf_ids(om, &kt, &vt);
		xdpdk_map_set_btf(map, xdpdk_obj_btf(c->obj), kt, vt);
	}
	data = xdpdk_obj_map_data(om);
	if (data != NULL) {
		uint32_t zero = 0;
		int rc = xdpdk_map_update(map, &zero, data, BPF_ANY);

		if (rc != 0) {
			load_log(c, "map '%s': cannot set its initial value: %s\n", name,
				 strerror(-rc));
			goto err_unlock;
		}
	}
	if (pinned) {
		struct pin *np = realloc(pins->pin, (pins->n + 1) * sizeof(*np));

		if (np == NULL) {
			pthread_mutex_unlock(&pins->lock);
			return -ENOMEM;
		}
		pins->pin = np;
		snprintf(np[pins->n].name, sizeof(np[pins->n].name), "%s", name);
		np[pins->n++].map = xdpdk_map_get(map);
		pthread_mutex_unlock(&pins->lock);
	}
	return 0;
err_create: {
	int err = errno;

	load_log(c, "map '%s' (%s): cannot create it: %s\n", name,
		 xdpdk_map_type_name(def.type) ? xdpdk_map_type_name(def.type) : "unknown type",
		 strerror(err));
	if (pinned)
		pthread_mutex_unlock(&pins->lock);
	return -err;
}
err_unlock:
	if (pinned)
		pthread_mutex_unlock(&pins->lock);
	return -EINVAL;
}

/* Is program @p name in an initial entry of one of the object's prog_arrays? */
static bool
named_by_prog_array(const struct xdpdk_obj *obj, const char *name)
{
	for (uint32_t i = 0; i < xdpdk_obj_map_count(obj); i++) {
		const struct xdpdk_obj_map *om = xdpdk_obj_map_at(obj, i);
		const struct xdpdk_obj_map_init *init;
		uint32_t n;

		if (xdpdk_obj_map_def(om)->type != BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		init = xdpdk_obj_map_inits(om, &n);
		for (uint32_t k = 0; k < n; k++)
			if (strcmp(init[k].target, name) == 0)
				return true;
	}
	return false;
}

static int
create_prog(struct load_ctx *c, uint32_t i, void *const *addr, void *const *value)
{
	const struct xdpdk_obj_prog *op = xdpdk_obj_prog_at(c->obj, i);
	const char *name = xdpdk_obj_prog_name(op);
	const struct bpf_insn *src;
	struct bpf_insn *insns;
	struct xdpdk_prog_opts po = {
		.name = name,
		.type = xdpdk_obj_prog_type(op),
		.engine = c->opts->engine,
		.helpers = c->opts->helpers,
		.helpers_arg = c->opts->helpers_arg,
		.map_inline = xdpdk_map_inline_info,
		.jit_blind = c->opts->jit_blind,
	};
	char plog_small[2048] = "", *plog = plog_small;
	size_t plog_size = sizeof(plog_small);
	uint32_t n;
	int rc;

	po.verify = c->opts->verify;
	po.verify.line_info = xdpdk_obj_prog_line_info(op, &po.verify.n_line_info);
	po.verify.core_poison = xdpdk_obj_prog_core_poison(op, &po.verify.n_core_poison);
	/* libbpf's expected_attach_type BPF_XDP_DEVMAP: xdp/devmap, xdp.frags/devmap */
	po.verify.xdp_devmap = strstr(xdpdk_obj_prog_section(op), "/devmap") != NULL;
	po.xdp_entry = po.verify.xdp_devmap || strstr(xdpdk_obj_prog_section(op), "/cpumap");
	/* libbpf's BPF_F_XDP_HAS_FRAGS: "xdp.frags" and its devmap/cpumap forms */
	po.xdp_frags = strncmp(xdpdk_obj_prog_section(op), "xdp.frags", 9) == 0;
	snprintf(c->lo->progs[i].name, sizeof(c->lo->progs[i].name), "%s", name);
	if (c->opts->only_prog && strcmp(c->opts->only_prog, name) != 0 &&
	    !named_by_prog_array(c->obj, name))
		return 0;
	src = xdpdk_obj_prog_insns(op, &n);
	/* A verbose verifier log needs the caller's whole buffer. */
	if (c->opts->log_size > plog_size && (plog = calloc(1, c->opts->log_size)) != NULL)
		plog_size = c->opts->log_size;
	else
		plog = plog_small;
	insns = malloc(sizeof(*insns) * n);
	if (insns == NULL) {
		if (plog != plog_small)
			free(plog);
		return -ENOMEM;
	}
	memcpy(insns, src, sizeof(*insns) * n);
	rc = xdpdk_insns_resolve_maps(insns, n, addr, value, c->lo->n_maps, plog, plog_size);
	if (rc == 0) {
		po.log_buf = plog;
		po.log_size = plog_size;
		c->lo->progs[i].prog = xdpdk_prog_create(insns, n, &po);
		if (c->lo->progs[i].prog == NULL)
			rc = -errno;
	}
	free(insns);
	if (plog[0] != '\0')
		load_log(c, "prog '%s': %s%s", name, plog,
			 plog[strlen(plog) - 1] == '\n' ? "" : "\n");
	if (plog != plog_small)
		free(plog);
	return rc;
}

static int
fill_inits(struct load_ctx *c, uint32_t i)
{
	const struct xdpdk_obj_map *om = xdpdk_obj_map_at(c->obj, i);
	const struct xdpdk_obj_map_init *init;
	struct xdpdk_map *map = c->lo->maps[i];
	uint32_t n;
	int rc;

	init = xdpdk_obj_map_inits(om, &n);
	for (uint32_t k = 0; k < n; k++) {
		if (xdpdk_map_def(map)->type == BPF_MAP_TYPE_PROG_ARRAY) {
			struct xdpdk_prog *p = xdpdk_loaded_prog_find(c->lo, init[k].target);

			if (p == NULL) {
				load_log(c, "map '%s': [%u] names program '%s', which was not "
					 "loaded\n", xdpdk_obj_map_name(om), init[k].index,
					 init[k].target);
				return -ENOENT;
			}
			rc = xdpdk_map_prog_array_set(map, init[k].index, p);
		} else {
			struct xdpdk_map *inner = xdpdk_loaded_map_find(c->lo, init[k].target);

			if (inner == NULL) {
				load_log(c, "map '%s': [%u] names map '%s', which the object "
					 "does not define\n", xdpdk_obj_map_name(om),
					 init[k].index, init[k].target);
				return -ENOENT;
			}
			rc = xdpdk_map_set_inner(map, &init[k].index, inner);
		}
		if (rc != 0) {
			load_log(c, "map '%s': cannot set [%u] to '%s': %s\n",
				 xdpdk_obj_map_name(om), init[k].index, init[k].target,
				 strerror(-rc));
			return rc;
		}
	}
	return 0;
}

struct xdpdk_loaded *
xdpdk_obj_load(const struct xdpdk_obj *obj, const struct xdpdk_load_opts *opts)
{
	static const struct xdpdk_load_opts no_opts;
	struct load_ctx c = { .obj = obj, .opts = opts ? opts : &no_opts };
	void **addr = NULL, **value = NULL;
	uint32_t n_maps = xdpdk_obj_map_count(obj), n_progs = xdpdk_obj_prog_count(obj);
	int rc = -ENOMEM;

	c.log = c.opts->log_buf;
	c.log_size = c.opts->log_size;
	if (c.log != NULL && c.log_size > 0)
		c.log[0] = '\0';
	c.lo = calloc(1, sizeof(*c.lo));
	if (c.lo == NULL)
		goto err;
	c.lo->progs = calloc(n_progs ? n_progs : 1, sizeof(*c.lo->progs));
	c.lo->maps = calloc(n_maps ? n_maps : 1, sizeof(*c.lo->maps));
	c.lo->inner_templates = calloc(n_maps ? n_maps : 1, sizeof(*c.lo->inner_templates));
	addr = calloc(n_maps ? n_maps : 1, sizeof(*addr));
	value = calloc(n_maps ? n_maps : 1, sizeof(*value));
	if (!c.lo->progs || !c.lo->maps || !c.lo->inner_templates || !addr || !value)
		goto err;
	c.lo->n_progs = n_progs;
	c.lo->n_maps = n_maps;

	for (uint32_t i = 0; i < n_maps; i++) {
		rc = create_map(&c, i);
		if (rc != 0)
			goto err;
		addr[i] = xdpdk_map_prog_addr(c.lo->maps[i]);
		value[i] = xdpdk_map_direct_value(c.lo->maps[i]);
	}
	for (uint32_t i = 0; i < n_progs; i++) {
		rc = create_prog(&c, i, addr, value);
		if (rc != 0)
			goto err;
	}
	if (c.opts->only_prog && xdpdk_loaded_prog_find(c.lo, c.opts->only_prog) == NULL) {
		load_log(&c, "no program named '%s'\n", c.opts->only_prog);
		rc = -ENOENT;
		goto err;
	}
	for (uint32_t i = 0; i < n_maps; i++) {
		rc = fill_inits(&c, i);
		if (rc != 0)
			goto err;
	}
	free(addr);
	free(value);
	return c.lo;
err:
	free(addr);
	free(value);
	xdpdk_loaded_free(c.lo);
	errno = rc < 0 ? -rc : ENOMEM;
	return NULL;
}

void
xdpdk_loaded_free(struct xdpdk_loaded *lo)
{
	if (lo == NULL)
		return;
	/* Empty our prog_arrays first: a shared one must not keep our programs. */
	for (uint32_t i = 0; i < lo->n_maps; i++) {
		struct xdpdk_map *m = lo->maps ? lo->maps[i] : NULL;

		if (m == NULL || xdpdk_map_def(m)->type != BPF_MAP_TYPE_PROG_ARRAY)
			continue;
		for (uint32_t k = 0; k < xdpdk_map_def(m)->max_entries; k++) {
			const struct xdpdk_prog *p = xdpdk_map_prog_array_get(m, k);

			for (uint32_t j = 0; p != NULL && j < lo->n_progs; j++)
				if (lo->progs[j].prog == p)
					xdpdk_map_prog_array_set(m, k, NULL);
		}
	}
	for (uint32_t i = 0; lo->progs && i < lo->n_progs; i++)
		xdpdk_prog_free(lo->progs[i].prog);
	for (uint32_t i = 0; lo->maps && i < lo->n_maps; i++) {
		xdpdk_map_put(lo->maps[i]);
		xdpdk_map_put(lo->inner_templates[i]);
	}
	free(lo->progs);
	free(lo->maps);
	free(lo->inner_templates);
	free(lo);
}

uint32_t
xdpdk_loaded_prog_count(const struct xdpdk_loaded *lo)
{
	return lo->n_progs;
}

struct xdpdk_prog *
xdpdk_loaded_prog_at(const struct xdpdk_loaded *lo, uint32_t i)
{
	return i < lo->n_progs ? lo->progs[i].prog : NULL;
}

struct xdpdk_prog *
xdpdk_loaded_prog_find(const struct xdpdk_loaded *lo, const char *name)
{
	for (uint32_t i = 0; i < lo->n_progs; i++)
		if (lo->progs[i].prog != NULL && strcmp(lo->progs[i].name, name) == 0)
			return lo->progs[i].prog;
	return NULL;
}

uint32_t
xdpdk_loaded_map_count(const struct xdpdk_loaded *lo)
{
	return lo->n_maps;
}

struct xdpdk_map *
xdpdk_loaded_map_at(const struct xdpdk_loaded *lo, uint32_t i)
{
	return i < lo->n_maps ? lo->maps[i] : NULL;
}

struct xdpdk_map *
xdpdk_loaded_map_find(const struct xdpdk_loaded *lo, const char *name)
{
	for (uint32_t i = 0; i < lo->n_maps; i++)
		if (lo->maps[i] != NULL && strcmp(xdpdk_map_def(lo->maps[i])->name, name) == 0)
			return lo->maps[i];
	return NULL;
}
