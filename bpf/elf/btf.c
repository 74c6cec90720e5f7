/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The object's BTF and what the loader reads from it: BTF-defined maps in
 * ".maps" (as libbpf's parse_btf_map_def: every attribute is a pointer
 * member whose pointee encodes the value, `int (*type)[N]` meaning type = N),
 * their initial `values` (relocations in .rel.maps against inner maps or
 * programs), and the .kconfig externs' map.
 *
 * BTF is parsed with libbpf only when something needs it, so an object whose
 * debug info is damaged but unused still opens. libbpf checks the layout of
 * types and strings but not the references between types, so every type id
 * followed here goes through btf__type_by_id (NULL when out of range), and
 * chains are walked with a depth limit: corrupt BTF may loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "elf_internal.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64 2
#endif

#define MAX_TYPE_DEPTH 32
#define PTR_SZ	       8 /* BPF pointers, whatever the host */

int
xdpdk_elf_btf(struct elf_load *ld, const char *why, struct btf **out)
{
	const struct elf_sec *s;
	int err;

	if (ld->btf != NULL) {
		*out = ld->btf;
		return 0;
	}
	if (ld->btf_idx == 0) {
		xdpdk_elf_log(
		    ld, "%s needs BTF, and the object has no .BTF section (build it with -g)", why);
		return -EINVAL;
	}
	s = &ld->secs[ld->btf_idx];
	if (s->bytes == NULL || s->shdr.sh_size > UINT32_MAX) {
		xdpdk_elf_log(ld, "%s needs BTF, and section '.BTF' is empty or too large", why);
		return -EINVAL;
	}
	ld->btf = btf__new(s->bytes, (uint32_t)s->shdr.sh_size);
	if (ld->btf == NULL) {
		err = errno;
		xdpdk_elf_log(ld, "section '.BTF': libbpf cannot parse it (%s)", strerror(err));
		return err == ENOMEM ? -ENOMEM : -EINVAL;
	}
	*out = ld->btf;
	return 0;
}

const struct btf_type *
xdpdk_elf_btf_skip(const struct btf *btf, uint32_t id, uint32_t *res)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth;

	for (depth = 0; t != NULL && (btf_is_mod(t) || btf_is_typedef(t)); depth++) {
		if (depth == MAX_TYPE_DEPTH)
			return NULL;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res != NULL)
		*res = id;
	return t;
}

static const char *
btf_name(const struct btf *btf, uint32_t off)
{
	const char *name = btf__name_by_offset(btf, off);

	return name != NULL ? name : "";
}

static const struct btf_type *
datasec(const struct btf *btf, const char *name)
{
	int32_t id = btf__find_by_name_kind(btf, name, BTF_KIND_DATASEC);

	return id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
}

/* What one definition struct says; the inner one for map-in-map. */
struct map_attrs {
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node, pinning;
	uint64_t map_extra;
	bool has_numa;
	int64_t values_off;
	bool has_spin_lock;
	uint32_t spin_lock_off;
	uint32_t key_type, value_type;	/* `__type()`: the pointee's id */
};

/* `__uint(name, N)`: a pointer to an array of N elements. */
static int
attr_int(struct elf_load *ld, const struct btf *btf, const char *map, const char *attr,
	 uint32_t type_id, uint32_t *val)
{
	const struct btf_type *t = xdpdk_elf_btf_skip(btf, type_id, NULL);
	const struct btf_type *arr;

	if (t == NULL || !btf_is_ptr(t)) {
		xdpdk_elf_log(ld, "map '%s': attribute '%s' is not a pointer (__uint)", map, attr);
		return -EINVAL;
	}
	arr = btf__type_by_id(btf, t->type);
	if (arr == NULL || !btf_is_array(arr)) {
		xdpdk_elf_log(ld, "map '%s': attribute '%s' does not point to an array (__uint)",
			      map, attr);
		return -EINVAL;
	}
	*val = btf_array(arr)->nelems;
	return 0;
}

/* `__type(key, T)`: a pointer to T, whose size is the key or value size. */
static int
attr_size(struct elf_load *ld, const struct btf *btf, const char *map, const char *attr,
	  uint32_t type_id, uint32_t *val)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	int64_t sz;

	if (t == NULL || !btf_is_ptr(t)) {
		xdpdk_elf_log(ld, "map '%s': '%s' is not a pointer (__type)", map, attr);
		return -EINVAL;
	}
	sz = btf__resolve_size(btf, t->type);
	if (sz < 0 || sz > UINT32_MAX) {
		xdpdk_elf_log(ld, "map '%s': cannot size the type of '%s'", map, attr);
		return -EINVAL;
	}
	*val = (uint32_t)sz;
	return 0;
}

/*
 * The kernel's btf_find_spin_lock: a struct bpf_spin_lock member of the value
 * struct that `__type(value, T)` points to, so the map knows where its lock is.
 */
static void
find_spin_lock(const struct btf *btf, uint32_t type_id, struct map_attrs *a)
{
	const struct btf_type *p = btf__type_by_id(btf, type_id), *t;
	const struct btf_member *m;

	t = p != NULL && btf_is_ptr(p) ? xdpdk_elf_btf_skip(btf, p->type, NULL) : NULL;
	if (t == NULL || !btf_is_struct(t))
		return;
	m = btf_members(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt = xdpdk_elf_btf_skip(btf, m->type, NULL);

		if (mt != NULL && btf_is_struct(mt) &&
		    strcmp(btf_name(btf, mt->name_off), "bpf_spin_lock") == 0) {
			a->has_spin_lock = true;
			a->spin_lock_off = btf_member_bit_offset(t, i) / 8;
			return;
		}
	}
}

/* key/key_size and value/value_size may both appear, but must agree. */
static int
set_size(struct elf_load *ld, const char *map, const char *what, uint32_t *dst, uint32_t v)
{
	if (*dst != 0 && *dst != v) {
		xdpdk_elf_log(ld, "map '%s': conflicting %s size %u != %u", map, what, *dst, v);
		return -EINVAL;
	}
	*dst = v;
	return 0;
}

static bool
is_map_in_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static int parse_def(struct elf_load *ld, const struct btf *btf, const char *map,
		     const struct btf_type *def, struct map_attrs *a, struct map_attrs *inner);

/* `__array(values, T)`: a zero-sized array of pointers; T says what goes in. */
static int
parse_values(struct elf_load *ld, const struct btf *btf, const char *map,
	     const struct btf_member *m, struct map_attrs *a, struct map_attrs *inner)
{
	const struct btf_type *t = btf__type_by_id(btf, m->type);
	char inner_name[XDPDK_MAP_NAME_MAX + 8];
	int rc;

	if (inner == NULL) {
		xdpdk_elf_log(ld, "map '%s': multi-level inner maps are not supported", map);
		return -ENOTSUP;
	}
	if (!is_map_in_map(a->type) && a->type != BPF_MAP_TYPE_PROG_ARRAY) {
		xdpdk_elf_log(ld, "map '%s': 'values' needs a map-in-map or a prog_array", map);
		return -EINVAL;
	}
	rc = set_size(ld, map, "value", &a->value_size, 4);
	if (rc != 0)
		return rc;
	if (t == NULL || !btf_is_array(t) || btf_array(t)->nelems != 0) {
		xdpdk_elf_log(ld, "map '%s': 'values' is not a zero-sized array", map);
		return -EINVAL;
	}
	t = xdpdk_elf_btf_skip(btf, btf_array(t)->type, NULL);
	if (t == NULL || !btf_is_ptr(t)) {
		xdpdk_elf_log(ld, "map '%s': 'values' is not an array of pointers", map);
		return -EINVAL;
	}
	t = xdpdk_elf_btf_skip(btf, t->type, NULL);
	if (a->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (t == NULL || !btf_is_func_proto(t)) {
			xdpdk_elf_log(ld, "map '%s': prog_array 'values' do not point to functions",
				      map);
			return -EINVAL;
		}
		return 0;
	}
	if (t == NULL || !btf_is_struct(t)) {
		xdpdk_elf_log(ld, "map '%s': map-in-map 'values' do not point to a map definition",
			      map);
		return -EINVAL;
	}
	snprintf(inner_name, sizeof(inner_name), "%s.inner", map);
	return parse_def(ld, btf, inner_name, t, inner, NULL);
}

/*
 * One definition struct, member by member. @p inner is where a map-in-map's
 * inner definition goes; NULL while parsing that inner definition.
 */
static int
parse_def(struct elf_load *ld, const struct btf *btf, const char *map, const struct btf_type *def,
	  struct map_attrs *a, struct map_attrs *inner)
{
	const struct btf_member *m = btf_members(def);
	uint32_t i, n = btf_vlen(def), v;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	a->values_off = -1;
	for (i = 0; i < n && rc == 0; i++, m++) {
		const char *name = btf_name(btf, m->name_off);

		if (strcmp(name, "type") == 0) {
			rc = attr_int(ld, btf, map, name, m->type, &a->type);
		} else if (strcmp(name, "max_entries") == 0) {
			rc = attr_int(ld, btf, map, name, m->type, &a->max_entries);
		} else if (strcmp(name, "map_flags") == 0) {
			rc = attr_int(ld, btf, map, name, m->type, &a->map_flags);
		} else if (strcmp(name, "numa_node") == 0) {
			rc = attr_int(ld, btf, map, name, m->type, &a->numa_node);
			a->has_numa = true;
		} else if (strcmp(name, "map_extra") == 0) {
			rc = attr_int(ld, btf, map, name, m->type, &v);
			a->map_extra = v;
		} else if (strcmp(name, "key_size") == 0 || strcmp(name, "key") == 0) {
			rc = name[3] == '_' ? attr_int(ld, btf, map, name, m->type, &v)
					    : attr_size(ld, btf, map, name, m->type, &v);
			if (rc == 0)
				rc = set_size(ld, map, "key", &a->key_size, v);
			if (rc == 0 && name[3] != '_')
				a->key_type = btf__type_by_id(btf, m->type)->type;
		} else if (strcmp(name, "value_size") == 0 || strcmp(name, "value") == 0) {
			rc = name[5] == '_' ? attr_int(ld, btf, map, name, m->type, &v)
					    : attr_size(ld, btf, map, name, m->type, &v);
			if (rc == 0)
				rc = set_size(ld, map, "value", &a->value_size, v);
			if (rc == 0 && name[5] != '_') {
				find_spin_lock(btf, m->type, a);
				a->value_type = btf__type_by_id(btf, m->type)->type;
			}
		} else if (strcmp(name, "pinning") == 0) {
			if (inner == NULL) {
				xdpdk_elf_log(ld, "map '%s': an inner map cannot be pinned", map);
				return -EINVAL;
			}
			rc = attr_int(ld, btf, map, name, m->type, &a->pinning);
			if (rc == 0 && a->pinning > 1) {
				xdpdk_elf_log(ld, "map '%s': invalid pinning %u", map, a->pinning);
				rc = -EINVAL;
			}
		} else if (strcmp(name, "values") == 0) {
			if (i != n - 1) {
				xdpdk_elf_log(ld, "map '%s': 'values' must be the last member",
					      map);
				return -EINVAL;
			}
			a->values_off = btf_member_bit_offset(def, i) / 8;
			rc = parse_values(ld, btf, map, m, a, inner);
		} else {
			/* libbpf 1.x refuses unknown attributes too. */
			xdpdk_elf_log(ld, "map '%s': unknown attribute '%s'", map, name);
			return -ENOTSUP;
		}
	}
	if (rc == 0 && a->type == BPF_MAP_TYPE_UNSPEC) {
		xdpdk_elf_log(ld, "map '%s': no map type", map);
		rc = -EINVAL;
	}
	return rc;
}

/* libbpf rounds a ring buffer up to a power-of-2 number of pages. */
static uint32_t
ringbuf_size(uint32_t sz)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t mul;

	if (page <= 0)
		page = 4096;
	if (sz == 0 || (sz % page == 0 && ((sz / page) & (sz / page - 1)) == 0))
		return sz;
	for (mul = 1; mul * (uint64_t)page <= UINT32_MAX; mul <<= 1)
		if (mul * (uint64_t)page > sz)
			return (uint32_t)(mul * (uint64_t)page);
	return sz;
}

static void
fill_def(struct xdpdk_map_def *d, const char *name, const struct map_attrs *a)
{
	d->name = name;
	d->type = (enum bpf_map_type)a->type;
	d->key_size = a->key_size;
	d->value_size = a->value_size;
	d->max_entries = a->max_entries;
	if (a->type == BPF_MAP_TYPE_RINGBUF || a->type == BPF_MAP_TYPE_USER_RINGBUF)
		d->max_entries = ringbuf_size(a->max_entries);
	d->map_flags = a->map_flags;
	d->has_spin_lock = a->has_spin_lock;
	d->spin_lock_off = a->spin_lock_off;
	/* The kernel only reads numa_node with BPF_F_NUMA_NODE. */
	d->numa_node = a->has_numa && (a->map_flags & BPF_F_NUMA_NODE) ? (int)a->numa_node : -1;
}

/* A map variable of DATASEC ".maps", placed by its ELF symbol. */
struct map_var {
	const char *name;
	const struct btf_type *def;
	uint64_t off;
	uint64_t size;
};

static int
cmp_var(const void *a, const void *b)
{
	const struct map_var *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * clang leaves DATASEC offsets at 0 (libbpf fixes them up from the symbol
 * table), so the symbol of the same name says where each map is.
 */
static int
place_var(struct elf_load *ld, struct map_var *v)
{
	const struct elf_sec *s = &ld->secs[ld->maps_idx];
	size_t i;
	int rc;

	for (i = 1; i < ld->n_syms; i++) {
		GElf_Sym sym;

		rc = xdpdk_elf_sym(ld, i, &sym);
		if (rc != 0)
			return rc;
		if (sym.st_shndx != ld->maps_idx || GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
		    strcmp(xdpdk_elf_sym_name(ld, &sym), v->name) != 0)
			continue;
		if (sym.st_value > s->shdr.sh_size ||
		    sym.st_size > s->shdr.sh_size - sym.st_value || sym.st_size < v->def->size) {
			xdpdk_elf_log(ld,
				      "map '%s' (offset %llu, size %llu) does not fit section "
				      "'.maps' (size %llu) or its definition (size %u)",
				      v->name, (unsigned long long)sym.st_value,
				      (unsigned long long)sym.st_size,
				      (unsigned long long)s->shdr.sh_size, v->def->size);
			return -EINVAL;
		}
		v->off = sym.st_value;
		v->size = sym.st_size;
		return 0;
	}
	xdpdk_elf_log(ld, "map '%s': no symbol of that name in section '.maps'", v->name);
	return -ENOENT;
}

static int
collect_vars(struct elf_load *ld, const struct btf *btf, struct map_var **out, uint32_t *n_out)
{
	const struct btf_var_secinfo *vi;
	const struct btf_type *sec;
	struct map_var *vars;
	uint32_t i, n;
	int rc;

	sec = datasec(btf, ".maps");
	if (sec == NULL) {
		xdpdk_elf_log(ld, "section '.maps' has no BTF DATASEC '.maps'");
		return -EINVAL;
	}
	n = btf_vlen(sec);
	vars = calloc(n > 0 ? n : 1, sizeof(*vars));
	if (vars == NULL)
		return -ENOMEM;
	*out = vars;
	vi = btf_var_secinfos(sec);
	for (i = 0; i < n; i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);
		struct map_var *v = &vars[i];

		if (var == NULL || !btf_is_var(var)) {
			xdpdk_elf_log(ld, "DATASEC '.maps': entry %u is not a variable", i);
			return -EINVAL;
		}
		v->name = btf_name(btf, var->name_off);
		if (v->name[0] == '\0' || strlen(v->name) >= XDPDK_MAP_NAME_MAX) {
			xdpdk_elf_log(ld,
				      "DATASEC '.maps': entry %u has no name or a name longer "
				      "than %d characters",
				      i, XDPDK_MAP_NAME_MAX - 1);
			return -EINVAL;
		}
		if (btf_var(var)->linkage == BTF_VAR_GLOBAL_EXTERN) {
			xdpdk_elf_log(ld, "map '%s': extern maps are not supported", v->name);
			return -ENOTSUP;
		}
		v->def = xdpdk_elf_btf_skip(btf, var->type, NULL);
		if (v->def == NULL || !btf_is_struct(v->def)) {
			xdpdk_elf_log(ld, "map '%s': the definition is not a struct", v->name);
			return -EINVAL;
		}
		rc = place_var(ld, v);
		if (rc != 0)
			return rc;
	}
	qsort(vars, n, sizeof(*vars), cmp_var);
	for (i = 1; i < n; i++) {
		if (vars[i].off < vars[i - 1].off + vars[i - 1].size) {
			xdpdk_elf_log(ld, "maps '%s' and '%s' overlap in section '.maps'",
				      vars[i - 1].name, vars[i].name);
			return -EINVAL;
		}
	}
	*n_out = n;
	return 0;
}

static int
add_btf_map(struct elf_load *ld, const struct btf *btf, const struct map_var *v)
{
	struct map_attrs a, inner;
	struct xdpdk_obj_map *m;
	int rc;

	memset(&inner, 0, sizeof(inner));
	rc = parse_def(ld, btf, v->name, v->def, &a, &inner);
	if (rc != 0)
		return rc;
	m = xdpdk_elf_add_map(ld, v->name, XDPDK_OBJ_MAP_BTF);
	if (m == NULL)
		return -ENOMEM;
	fill_def(&m->def, m->name, &a);
	m->pinning = a.pinning;
	m->map_extra = a.map_extra;
	m->shndx = (uint32_t)ld->maps_idx;
	m->sec_off = v->off;
	m->sec_size = v->size;
	m->values_off = a.values_off;
	m->btf_key = a.key_type;
	m->btf_value = a.value_type;
	if (is_map_in_map(a.type) && inner.type != BPF_MAP_TYPE_UNSPEC) {
		m->inner_name = malloc(strlen(v->name) + sizeof(".inner"));
		if (m->inner_name == NULL)
			return -ENOMEM;
		strcpy(m->inner_name, v->name);
		strcat(m->inner_name, ".inner");
		fill_def(&m->inner, m->inner_name, &inner);
		m->has_inner = true;
	}
	return 0;
}

static struct xdpdk_obj_map *
btf_map_at(struct elf_load *ld, uint64_t off, uint64_t len)
{
	uint32_t i;

	for (i = 0; i < ld->obj->n_maps; i++) {
		struct xdpdk_obj_map *m = &ld->obj->maps[i];

		if (m->kind == XDPDK_OBJ_MAP_BTF && m->sec_off <= off &&
		    off - m->sec_off + len <= m->sec_size)
			return m;
	}
	return NULL;
}

static struct xdpdk_obj_map *
btf_map_named(struct elf_load *ld, const char *name)
{
	uint32_t i;

	for (i = 0; i < ld->obj->n_maps; i++)
		if (ld->obj->maps[i].kind == XDPDK_OBJ_MAP_BTF &&
		    strcmp(ld->obj->maps[i].name, name) == 0)
			return &ld->obj->maps[i];
	return NULL;
}

/* What an initial entry points to: an inner map, or an entry-point program. */
static int
init_target(struct elf_load *ld, size_t ri, const struct xdpdk_obj_map *m, const GElf_Sym *sym,
	    const char **target)
{
	const char *name = xdpdk_elf_sym_name(ld, sym);
	const struct elf_func *f;

	if (is_map_in_map(m->def.type)) {
		if (sym->st_shndx != ld->maps_idx || btf_map_named(ld, name) == NULL) {
			xdpdk_elf_log(ld, ".maps relocation %zu: '%s' is not a BTF-defined map", ri,
				      name);
			return -EINVAL;
		}
		if (m->def.type == BPF_MAP_TYPE_HASH_OF_MAPS && m->def.key_size != 4) {
			xdpdk_elf_log(ld,
				      "map '%s': a hash of maps with initial values needs "
				      "4-byte keys",
				      m->name);
			return -EINVAL;
		}
		*target = name;
		return 0;
	}
	f = sym->st_shndx < ld->shnum && ld->secs[sym->st_shndx].is_code &&
		    sym->st_value % sizeof(struct bpf_insn) == 0
		? xdpdk_elf_func_at(ld, sym->st_shndx,
				    (uint32_t)(sym->st_value / sizeof(struct bpf_insn)))
		: NULL;
	if (f == NULL || !f->global || strcmp(f->name, name) != 0 ||
	    f->start * sizeof(struct bpf_insn) != sym->st_value ||
	    strcmp(ld->secs[f->shndx].name, ".text") == 0) {
		xdpdk_elf_log(ld, ".maps relocation %zu: '%s' is not an entry-point program", ri,
			      name);
		return -EINVAL;
	}
	*target = f->name;
	return 0;
}

static int
add_init(struct elf_load *ld, size_t ri, const GElf_Rel *rel)
{
	struct xdpdk_obj_map_init *grown;
	struct xdpdk_obj_map *m;
	const char *target;
	uint64_t slot;
	GElf_Sym sym;
	uint32_t i;
	int rc;

	m = btf_map_at(ld, rel->r_offset, PTR_SZ);
	if (m == NULL) {
		xdpdk_elf_log(ld, ".maps relocation %zu: offset %llu is inside no map", ri,
			      (unsigned long long)rel->r_offset);
		return -EINVAL;
	}
	slot = rel->r_offset - m->sec_off;
	if (m->values_off < 0 || slot < (uint64_t)m->values_off ||
	    (slot - (uint64_t)m->values_off) % PTR_SZ != 0) {
		xdpdk_elf_log(ld, ".maps relocation %zu: not an entry of map '%s''s 'values'", ri,
			      m->name);
		return -EINVAL;
	}
	slot = (slot - (uint64_t)m->values_off) / PTR_SZ;
	if (slot >= m->def.max_entries) {
		xdpdk_elf_log(ld, "map '%s': initial entry %llu beyond max_entries %u", m->name,
			      (unsigned long long)slot, m->def.max_entries);
		return -EINVAL;
	}
	if (GELF_R_TYPE(rel->r_info) != R_BPF_64_ABS64 && GELF_R_TYPE(rel->r_info) != R_BPF_64_64) {
		xdpdk_elf_log(ld, ".maps relocation %zu: unexpected type %llu", ri,
			      (unsigned long long)GELF_R_TYPE(rel->r_info));
		return -EINVAL;
	}
	rc = xdpdk_elf_sym(ld, GELF_R_SYM(rel->r_info), &sym);
	if (rc == 0)
		rc = init_target(ld, ri, m, &sym, &target);
	if (rc != 0)
		return rc;
	for (i = 0; i < m->n_inits; i++) {
		if (m->inits[i].index == slot) {
			xdpdk_elf_log(ld, "map '%s': two initial values for entry %llu", m->name,
				      (unsigned long long)slot);
			return -EINVAL;
		}
	}
	grown = realloc(m->inits, (m->n_inits + 1) * sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	m->inits = grown;
	m->inits[m->n_inits].index = (uint32_t)slot;
	m->inits[m->n_inits].target = strdup(target);
	if (m->inits[m->n_inits].target == NULL)
		return -ENOMEM;
	m->n_inits++;
	return 0;
}

static int
cmp_init(const void *a, const void *b)
{
	const struct xdpdk_obj_map_init *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* Initial `values`: .rel.maps entries, each at a slot of some map's `values`. */
static int
read_inits(struct elf_load *ld)
{
	size_t i, j, n;
	uint32_t k;
	int rc;

	for (i = 1; i < ld->shnum; i++) {
		const struct elf_sec *rs = &ld->secs[i];
		Elf_Data *data;

		if ((rs->shdr.sh_type != SHT_REL && rs->shdr.sh_type != SHT_RELA) ||
		    rs->shdr.sh_info != ld->maps_idx)
			continue;
		if (rs->shdr.sh_type == SHT_RELA || rs->shdr.sh_entsize != sizeof(Elf64_Rel) ||
		    rs->shdr.sh_size % sizeof(Elf64_Rel) != 0 ||
		    rs->shdr.sh_link != ld->symtab_idx) {
			xdpdk_elf_log(ld, "section '%s': bad relocations for '.maps'", rs->name);
			return -EINVAL;
		}
		n = rs->shdr.sh_size / sizeof(Elf64_Rel);
		data = n > 0 ? elf_getdata(elf_getscn(ld->elf, i), NULL) : NULL;
		if (n > 0 && (data == NULL || data->d_size != rs->shdr.sh_size)) {
			xdpdk_elf_log(ld, "section '%s': %s", rs->name, elf_errmsg(-1));
			return -EINVAL;
		}
		for (j = 0; j < n; j++) {
			GElf_Rel rel;

			if (gelf_getrel(data, (int)j, &rel) == NULL) {
				xdpdk_elf_log(ld, "section '%s': relocation %zu: %s", rs->name, j,
					      elf_errmsg(-1));
				return -EINVAL;
			}
			rc = add_init(ld, j, &rel);
			if (rc != 0)
				return rc;
		}
	}
	for (k = 0; k < ld->obj->n_maps; k++)
		if (ld->obj->maps[k].n_inits > 1)
			qsort(ld->obj->maps[k].inits, ld->obj->maps[k].n_inits,
			      sizeof(*ld->obj->maps[k].inits), cmp_init);
	return 0;
}

int
xdpdk_elf_btf_maps(struct elf_load *ld)
{
	struct map_var *vars = NULL;
	struct btf *btf;
	uint32_t i, n = 0;
	int rc;

	if (ld->maps_idx == 0)
		return 0;
	if (ld->secs[ld->maps_idx].shdr.sh_type == SHT_NOBITS) {
		xdpdk_elf_log(ld, "section '.maps' has no contents");
		return -EINVAL;
	}
	rc = xdpdk_elf_btf(ld, "section '.maps'", &btf);
	if (rc == 0)
		rc = collect_vars(ld, btf, &vars, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = add_btf_map(ld, btf, &vars[i]);
	free(vars);
	return rc != 0 ? rc : read_inits(ld);
}

/* ---- .kconfig externs -------------------------------------------------- */

enum kcfg_type { KCFG_UNKNOWN, KCFG_BOOL, KCFG_CHAR, KCFG_TRISTATE, KCFG_INT, KCFG_CHAR_ARR };

/* libbpf's find_kcfg_type: what a CONFIG_* value may be declared as. */
static enum kcfg_type
kcfg_type(const struct btf *btf, uint32_t id, uint32_t *size)
{
	const struct btf_type *t = xdpdk_elf_btf_skip(btf, id, NULL), *e;

	if (t == NULL)
		return KCFG_UNKNOWN;
	*size = t->size;
	if (btf_is_int(t)) {
		if (btf_int_encoding(t) & BTF_INT_BOOL)
			return t->size == 1 ? KCFG_BOOL : KCFG_UNKNOWN;
		if (t->size == 1)
			return KCFG_CHAR;
		if (t->size == 0 || t->size > 8 || (t->size & (t->size - 1)) != 0)
			return KCFG_UNKNOWN;
		return KCFG_INT;
	}
	if (btf_is_enum(t))
		return t->size == 4 && strcmp(btf_name(btf, t->name_off), "libbpf_tristate") == 0
			   ? KCFG_TRISTATE
			   : KCFG_UNKNOWN;
	if (btf_is_array(t)) {
		e = xdpdk_elf_btf_skip(btf, btf_array(t)->type, NULL);
		if (e == NULL || !btf_is_int(e) || e->size != 1 || btf_array(t)->nelems == 0)
			return KCFG_UNKNOWN;
		*size = btf_array(t)->nelems;
		return KCFG_CHAR_ARR;
	}
	return KCFG_UNKNOWN;
}

/* KERNEL_VERSION(a, b, c) of the running kernel, as libbpf computes it. */
static uint32_t
running_kernel_version(void)
{
	unsigned int a = 0, b = 0, c = 0;
	struct utsname u;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u.%u", &a, &b, &c) != 3)
		return 0;
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

static int
cmp_kcfg(const void *a, const void *b)
{
	const struct elf_extern *x = a, *y = b;

	/* libbpf's layout: by alignment (descending), size, then name. */
	if (x->kconfig != y->kconfig)
		return x->kconfig ? -1 : 1;
	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Type one extern from its VAR in DATASEC .kconfig. */
static int
type_extern(struct elf_load *ld, const struct btf *btf, const struct btf_type *sec,
	    struct elf_extern *e)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	uint32_t i, size = 0;
	enum kcfg_type kt;

	for (i = 0; i < btf_vlen(sec); i++, vi++) {
		const struct btf_type *var = btf__type_by_id(btf, vi->type);

		if (var == NULL || !btf_is_var(var) ||
		    strcmp(btf_name(btf, var->name_off), e->name) != 0)
			continue;
		kt = kcfg_type(btf, var->type, &size);
		if (kt == KCFG_UNKNOWN) {
			xdpdk_elf_log(ld, "extern '%s' (.kconfig): unsupported type", e->name);
			return -EINVAL;
		}
		e->kconfig = true;
		e->type_id = var->type;
		e->size = size;
		e->align = kt == KCFG_INT || kt == KCFG_TRISTATE ? size : 1;
		return 0;
	}
	return 0;
}

/* A y/n/m option into a bool, tristate or char extern, as libbpf's set_kcfg_value_tri. */
static int
set_tri(struct elf_load *ld, const struct elf_extern *e, enum kcfg_type kt, char v,
	uint8_t *value)
{
	switch (kt) {
	case KCFG_BOOL:
		if (v == 'm')
			break;
		*value = v == 'y';
		return 0;
	case KCFG_TRISTATE: {
		uint32_t tri = v == 'y' ? 1 : v == 'm' ? 2 : 0; /* TRI_YES, TRI_MODULE, TRI_NO */

		memcpy(value, &tri, 4);
		return 0;
	}
	case KCFG_CHAR:
		*value = (uint8_t)v;
		return 0;
	default:
		break;
	}
	xdpdk_elf_log(ld, "extern '%s' (.kconfig): value '%c' does not fit its type", e->name, v);
	return -EINVAL;
}

/* A kernel config value into extern @p e, with libbpf's conversions and checks. */
static int
set_kcfg(struct elf_load *ld, const struct btf *btf, const struct elf_extern *e,
	 const char *val, uint8_t *value)
{
	uint32_t size = 0;
	enum kcfg_type kt = kcfg_type(btf, e->type_id, &size);
	unsigned long long num;
	char *end;

	if ((val[0] == 'y' || val[0] == 'n' || val[0] == 'm') && val[1] == '\0')
		return set_tri(ld, e, kt, val[0], value);
	if (val[0] == '"') {
		size_t len = strlen(val);

		if (kt != KCFG_CHAR_ARR || len < 2 || val[len - 1] != '"') {
			xdpdk_elf_log(ld, "extern '%s' (.kconfig): string value for a non-string",
				      e->name);
			return -EINVAL;
		}
		len -= 2;
		if (len > size - 1)
			len = size - 1; /* truncated, as libbpf does (it warns) */
		memcpy(value, val + 1, len);
		value[len] = '\0';
		return 0;
	}
	num = strtoull(val, &end, 0);
	if (*end != '\0' || (kt != KCFG_INT && kt != KCFG_CHAR) ||
	    (size < 8 && num >> (size * 8) != 0)) {
		xdpdk_elf_log(ld, "extern '%s' (.kconfig): value '%s' does not fit its type",
			      e->name, val);
		return -EINVAL;
	}
	memcpy(value, &num, size); /* little-endian, as BPF */
	return 0;
}

/*
 * The value xdpdk gives an extern: LINUX_KERNEL_VERSION and libbpf's
 * LINUX_HAS_* feature flags are xdpdk's; CONFIG_* come from the host kernel's
 * configuration as libbpf reads it. An option that is not set is 0 (n, "")
 * for a weak extern and an error for a strong one, as in libbpf.
 */
static int
fill_extern(struct elf_load *ld, const struct btf *btf, const struct elf_extern *e, uint8_t *value)
{
	const struct xdpdk_obj_opts *o = ld->opts;
	uint32_t size = 0;
	const char *val;
	char buf[256];
	uint64_t v;

	if (strcmp(e->name, "LINUX_HAS_BPF_COOKIE") == 0 ||
	    strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER") == 0)
		return 0; /* false: no attach cookies, no syscall probes here */
	if (strcmp(e->name, "LINUX_KERNEL_VERSION") != 0) {
		val = strncmp(e->name, "CONFIG_", 7) != 0 ? NULL
			: xdpdk_elf_kconfig_value(o ? o->kconfig : NULL, e->name, buf, sizeof(buf));
		if (val != NULL)
			return set_kcfg(ld, btf, e, val, value);
		if (e->weak)
			return 0;
		xdpdk_elf_log(ld,
			      "extern '%s' (.kconfig): not set in the host kernel's configuration "
			      "(/boot/config-*, /proc/config.gz); declare it __weak to read it as "
			      "unset (0)",
			      e->name);
		return -ENOENT;
	}
	v = o != NULL && o->kernel_version != 0 ? o->kernel_version : running_kernel_version();
	if (kcfg_type(btf, e->type_id, &size) != KCFG_INT || (size < 8 && v >> (size * 8) != 0)) {
		xdpdk_elf_log(ld, "extern 'LINUX_KERNEL_VERSION' must be an integer of at "
				  "least 4 bytes");
		return -EINVAL;
	}
	memcpy(value, &v, size); /* little-endian, as BPF */
	return 0;
}

/* Is @p name a variable or function of DATASEC @p sec? */
static bool
in_datasec(const struct btf *btf, const struct btf_type *sec, const char *name)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	uint32_t i;

	for (i = 0; i < btf_vlen(sec); i++, vi++) {
		const struct btf_type *t = btf__type_by_id(btf, vi->type);

		if (t != NULL && strcmp(btf_name(btf, t->name_off), name) == 0)
			return true;
	}
	return false;
}

int
xdpdk_elf_kconfig(struct elf_load *ld)
{
	const struct btf_type *sec, *ksyms;
	struct xdpdk_obj_map *m;
	uint32_t i, off = 0, n = 0;
	struct btf *btf;
	int rc;

	if (ld->n_externs == 0 || ld->btf_idx == 0)
		return 0; /* untyped externs: refused if code uses them */
	rc = xdpdk_elf_btf(ld, "an extern", &btf);
	if (rc != 0)
		return rc;
	/* __ksym externs are only told apart, to be refused as unsupported. */
	ksyms = datasec(btf, ".ksyms");
	for (i = 0; ksyms != NULL && i < ld->n_externs; i++)
		ld->externs[i].ksym = in_datasec(btf, ksyms, ld->externs[i].name);
	sec = datasec(btf, ".kconfig");
	if (sec == NULL)
		return 0;
	for (i = 0; i < ld->n_externs; i++) {
		rc = type_extern(ld, btf, sec, &ld->externs[i]);
		if (rc != 0)
			return rc;
		n += ld->externs[i].kconfig;
	}
	if (n == 0)
		return 0;
	/* Kconfig externs first, in libbpf's layout order. */
	qsort(ld->externs, ld->n_externs, sizeof(*ld->externs), cmp_kcfg);
	for (i = 0; i < n; i++) {
		struct elf_extern *e = &ld->externs[i];

		off = (off + e->align - 1) / e->align * e->align;
		e->off = off;
		if (e->size > ELF_MAX_VALUE_SIZE - off) {
			xdpdk_elf_log(ld,
				      "extern '%s' (.kconfig): the externs take more than %u "
				      "bytes",
				      e->name, ELF_MAX_VALUE_SIZE);
			return -EINVAL;
		}
		off += e->size;
	}
	m = xdpdk_elf_add_map(ld, ".kconfig", XDPDK_OBJ_MAP_KCONFIG);
	if (m == NULL)
		return -ENOMEM;
	m->def.type = BPF_MAP_TYPE_ARRAY;
	m->def.key_size = 4;
	m->def.value_size = off;
	m->def.max_entries = 1;
	m->def.map_flags = BPF_F_RDONLY_PROG | BPF_F_MMAPABLE;
	m->data = calloc(1, off);
	if (m->data == NULL)
		return -ENOMEM;
	ld->kconfig_map = (int32_t)(ld->obj->n_maps - 1);
	for (i = 0; i < n; i++) {
		rc = fill_extern(ld, btf, &ld->externs[i], m->data + ld->externs[i].off);
		if (rc != 0)
			return rc;
	}
	return 0;
}
