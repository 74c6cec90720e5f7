/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The maps an object defines, described but not created (the loader has no
 * DPDK), in libbpf's order: legacy "maps" records, BTF-defined ".maps"
 * (btf.c), one single-entry array per global data section, then the
 * .kconfig map (btf.c). Code references to them become the kernel's index
 * form (lddw BPF_PSEUDO_MAP_IDX / BPF_PSEUDO_MAP_IDX_VALUE), which
 * xdpdk_insns_resolve_maps() turns into addresses once the maps exist.
 *
 * Legacy records are struct bpf_map_def of any size, libbpf 0.x style: the
 * record size is the section size over the number of map symbols, and only
 * the first five fields (type, key_size, value_size, max_entries,
 * map_flags) are read; longer records (samples/bpf's inner_map_idx and
 * numa_node, iproute2's pinning) have their extra fields ignored.
 *
 * Global data maps are named after their section (".data", ".rodata.str1.1")
 * where libbpf prefixes a truncated object name: xdpdk has no 15-character
 * kernel name limit, and the section name is what a user can find.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_internal.h"
#include "isa.h"

#define LEGACY_FIELDS 5 /* type, key_size, value_size, max_entries, map_flags */

struct xdpdk_obj_map *
xdpdk_elf_add_map(struct elf_load *ld, const char *name, enum xdpdk_obj_map_kind kind)
{
	struct xdpdk_obj *obj = ld->obj;
	struct xdpdk_obj_map *grown, *m;

	grown = realloc(obj->maps, (obj->n_maps + 1) * sizeof(*grown));
	if (grown == NULL)
		return NULL;
	obj->maps = grown;
	m = &obj->maps[obj->n_maps];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	if (m->name == NULL)
		return NULL;
	obj->n_maps++;
	m->kind = kind;
	m->def.name = m->name;
	m->def.numa_node = -1;
	m->values_off = -1;
	return m;
}

static bool
is_legacy_maps(const char *name)
{
	return strcmp(name, "maps") == 0 || strncmp(name, "maps/", 5) == 0;
}

/* libbpf's global data sections: .data*, .rodata*, .bss*. */
static bool
is_data(const struct elf_sec *s, bool *rodata)
{
	const char *n = s->name;

	*rodata = strcmp(n, ".rodata") == 0 || strncmp(n, ".rodata.", 8) == 0;
	if (s->is_code || s->shdr.sh_size == 0)
		return false;
	if (s->shdr.sh_type == SHT_PROGBITS)
		return *rodata || strcmp(n, ".data") == 0 || strncmp(n, ".data.", 6) == 0;
	return s->shdr.sh_type == SHT_NOBITS &&
	       (strcmp(n, ".bss") == 0 || strncmp(n, ".bss.", 5) == 0);
}

/* Map symbols of a legacy maps section, by offset. */
struct legacy_sym {
	const char *name;
	uint64_t off;
};

static int
cmp_legacy(const void *a, const void *b)
{
	const struct legacy_sym *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int
legacy_syms(struct elf_load *ld, size_t shndx, struct legacy_sym **out, uint32_t *n_out)
{
	struct legacy_sym *syms;
	uint32_t n = 0;
	size_t i;
	int rc;

	syms = calloc(ld->n_syms > 0 ? ld->n_syms : 1, sizeof(*syms));
	if (syms == NULL)
		return -ENOMEM;
	*out = syms;
	for (i = 1; i < ld->n_syms; i++) {
		GElf_Sym sym;

		rc = xdpdk_elf_sym(ld, i, &sym);
		if (rc != 0)
			return rc;
		if (sym.st_shndx != shndx || GELF_ST_TYPE(sym.st_info) == STT_SECTION)
			continue;
		syms[n].name = xdpdk_elf_sym_name(ld, &sym);
		syms[n].off = sym.st_value;
		n++;
	}
	qsort(syms, n, sizeof(*syms), cmp_legacy);
	*n_out = n;
	return 0;
}

/* One legacy section: equal records, one per symbol. */
static int
legacy_section(struct elf_load *ld, size_t shndx)
{
	const struct elf_sec *s = &ld->secs[shndx];
	struct legacy_sym *syms = NULL;
	uint32_t i, n = 0;
	uint64_t rec;
	int rc;

	rc = legacy_syms(ld, shndx, &syms, &n);
	if (rc != 0 || n == 0)
		goto out;
	rc = -EINVAL;
	if (s->bytes == NULL || s->shdr.sh_size % n != 0) {
		xdpdk_elf_log(ld,
			      "section '%s': cannot tell the map definition size (%llu bytes "
			      "for %u maps)",
			      s->name, (unsigned long long)s->shdr.sh_size, n);
		goto out;
	}
	rec = s->shdr.sh_size / n;
	for (i = 0; i < n; i++) {
		uint32_t f[LEGACY_FIELDS] = {0};
		struct xdpdk_obj_map *m;

		if (syms[i].off > s->shdr.sh_size - rec ||
		    (i > 0 && syms[i].off - syms[i - 1].off < rec)) {
			xdpdk_elf_log(ld,
				      "map '%s': offset %llu is not a %llu-byte record of "
				      "section '%s' (size %llu)",
				      syms[i].name, (unsigned long long)syms[i].off,
				      (unsigned long long)rec, s->name,
				      (unsigned long long)s->shdr.sh_size);
			goto out;
		}
		if (syms[i].name[0] == '\0' || strlen(syms[i].name) >= XDPDK_MAP_NAME_MAX) {
			xdpdk_elf_log(ld,
				      "section '%s': map at offset %llu has no name or one "
				      "longer than %d characters",
				      s->name, (unsigned long long)syms[i].off,
				      XDPDK_MAP_NAME_MAX - 1);
			goto out;
		}
		memcpy(f, s->bytes + syms[i].off, rec < sizeof(f) ? rec : sizeof(f));
		m = xdpdk_elf_add_map(ld, syms[i].name, XDPDK_OBJ_MAP_LEGACY);
		if (m == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		m->def.type = (enum bpf_map_type)f[0];
		m->def.key_size = f[1];
		m->def.value_size = f[2];
		m->def.max_entries = f[3];
		m->def.map_flags = f[4];
		m->shndx = (uint32_t)shndx;
		m->sec_off = syms[i].off;
		m->sec_size = rec;
	}
	rc = 0;
out:
	free(syms);
	return rc;
}

static int
data_map(struct elf_load *ld, size_t shndx, bool rodata)
{
	const struct elf_sec *s = &ld->secs[shndx];
	struct xdpdk_obj_map *m;

	if (s->shdr.sh_size > ELF_MAX_VALUE_SIZE) {
		xdpdk_elf_log(ld,
			      "section '%s': %llu bytes of global data, more than an array "
			      "value may hold (%u)",
			      s->name, (unsigned long long)s->shdr.sh_size, ELF_MAX_VALUE_SIZE);
		return -EINVAL;
	}
	m = xdpdk_elf_add_map(ld, s->name, XDPDK_OBJ_MAP_DATA);
	if (m == NULL)
		return -ENOMEM;
	m->def.type = BPF_MAP_TYPE_ARRAY;
	m->def.key_size = 4;
	m->def.value_size = (uint32_t)s->shdr.sh_size;
	m->def.max_entries = 1;
	m->def.map_flags = BPF_F_MMAPABLE | (rodata ? BPF_F_RDONLY_PROG : 0);
	m->shndx = (uint32_t)shndx;
	m->sec_size = s->shdr.sh_size;
	m->data = calloc(1, s->shdr.sh_size);
	if (m->data == NULL)
		return -ENOMEM;
	if (s->bytes != NULL) /* .bss: zeros */
		memcpy(m->data, s->bytes, s->shdr.sh_size);
	return 0;
}

/* Undefined global symbols: .kconfig externs (btf.c types them), or refused when used. */
static int
collect_externs(struct elf_load *ld)
{
	size_t i;
	int rc;

	if (ld->n_syms == 0)
		return 0;
	ld->externs = calloc(ld->n_syms, sizeof(*ld->externs));
	if (ld->externs == NULL)
		return -ENOMEM;
	for (i = 1; i < ld->n_syms; i++) {
		struct elf_extern *e = &ld->externs[ld->n_externs];
		unsigned bind;
		GElf_Sym sym;

		rc = xdpdk_elf_sym(ld, i, &sym);
		if (rc != 0)
			return rc;
		bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) ||
		    GELF_ST_TYPE(sym.st_info) != STT_NOTYPE)
			continue;
		e->name = xdpdk_elf_sym_name(ld, &sym);
		if (e->name[0] == '\0')
			continue;
		e->sym = (uint32_t)i;
		e->weak = bind == STB_WEAK;
		ld->n_externs++;
	}
	return 0;
}

int
xdpdk_elf_read_maps(struct elf_load *ld)
{
	bool rodata;
	size_t i;
	int rc;

	ld->kconfig_map = -1;
	ld->btf_idx = xdpdk_elf_find_sec(ld, ".BTF");
	ld->btf_ext_idx = xdpdk_elf_find_sec(ld, ".BTF.ext");
	ld->maps_idx = xdpdk_elf_find_sec(ld, ".maps");
	rc = collect_externs(ld);
	for (i = 1; rc == 0 && i < ld->shnum; i++)
		if (is_legacy_maps(ld->secs[i].name) && !ld->secs[i].is_code)
			rc = legacy_section(ld, i);
	if (rc == 0)
		rc = xdpdk_elf_btf_maps(ld);
	for (i = 1; rc == 0 && i < ld->shnum; i++)
		if (is_data(&ld->secs[i], &rodata))
			rc = data_map(ld, i, rodata);
	if (rc == 0)
		rc = xdpdk_elf_kconfig(ld);
	return rc;
}

static int
extern_ref(struct elf_load *ld, const char *prog, uint32_t pc, uint32_t sym_idx, const char *name,
	   struct bpf_insn *insn)
{
	const struct elf_extern *e = NULL;
	int64_t off;
	uint32_t i;

	for (i = 0; i < ld->n_externs; i++)
		if (ld->externs[i].sym == sym_idx)
			e = &ld->externs[i];
	if (e != NULL && e->ksym) {
		/*
		 * No kernel here, so no kernel symbol is ever found: a weak one
		 * reads as NULL, which is what libbpf gives a weak __ksym the
		 * running kernel lacks (bpf_ksym_exists() is then false).
		 */
		if (e->weak) {
			insn[0].src_reg = 0;
			insn[0].imm = 0;
			insn[1].imm = 0;
			return 0;
		}
		xdpdk_elf_log(ld,
			      "prog '%s': insn %u: extern '%s' is a kernel symbol (__ksym): xdpdk "
			      "runs without a kernel and has none (declare it __weak to test for it "
			      "with bpf_ksym_exists())",
			      prog, pc, name);
		return -ENOTSUP;
	}
	if (e == NULL || !e->kconfig || ld->kconfig_map < 0) {
		/* Anything else the object expects to be linked with. */
		xdpdk_elf_log(ld,
			      "prog '%s': insn %u: unresolved symbol '%s' (only .kconfig externs "
			      "are supported)",
			      prog, pc, name);
		return -ENOENT;
	}
	off = (int64_t)e->off + insn[0].imm;
	if (off < 0 || off >= (int64_t)(e->off + e->size)) {
		xdpdk_elf_log(ld, "prog '%s': insn %u: offset %d is outside extern '%s'", prog, pc,
			      insn[0].imm, name);
		return -EINVAL;
	}
	insn[0].src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
	insn[0].imm = ld->kconfig_map;
	insn[1].imm = (int32_t)off;
	return 0;
}

int
xdpdk_elf_map_ref(struct elf_load *ld, const char *prog, uint32_t pc, const GElf_Sym *sym,
		  uint32_t sym_idx, struct bpf_insn *insn)
{
	const char *name = xdpdk_elf_sym_name(ld, sym);
	bool section_sym = GELF_ST_TYPE(sym->st_info) == STT_SECTION;
	const char *sec;
	int64_t off;
	uint32_t i;

	if (sym->st_shndx == SHN_UNDEF)
		return extern_ref(ld, prog, pc, sym_idx, name, insn);
	if (sym->st_shndx >= ld->shnum) {
		xdpdk_elf_log(ld, "prog '%s': insn %u: symbol '%s' has bad section index %u", prog,
			      pc, name, sym->st_shndx);
		return -EINVAL;
	}
	sec = ld->secs[sym->st_shndx].name;
	for (i = 0; i < ld->obj->n_maps; i++) {
		const struct xdpdk_obj_map *m = &ld->obj->maps[i];

		if (m->shndx != sym->st_shndx || m->kind == XDPDK_OBJ_MAP_KCONFIG)
			continue;
		if (m->kind == XDPDK_OBJ_MAP_DATA) {
			/* A variable's symbol, or the section's with the offset in imm. */
			off = (int64_t)sym->st_value + insn[0].imm;
			if (off < 0 || off >= (int64_t)m->def.value_size) {
				xdpdk_elf_log(ld,
					      "prog '%s': insn %u: offset %lld of '%s' is "
					      "outside section '%s' (%u bytes)",
					      prog, pc, (long long)off, name, sec,
					      m->def.value_size);
				return -EINVAL;
			}
			insn[0].src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
			insn[0].imm = (int32_t)i;
			insn[1].imm = (int32_t)off;
			return 0;
		}
		off = (int64_t)sym->st_value + (section_sym ? insn[0].imm : 0);
		if (off == (int64_t)m->sec_off) {
			insn[0].src_reg = BPF_PSEUDO_MAP_IDX;
			insn[0].imm = (int32_t)i;
			insn[1].imm = 0;
			return 0;
		}
	}
	if (is_legacy_maps(sec) || sym->st_shndx == ld->maps_idx)
		xdpdk_elf_log(ld,
			      "prog '%s': insn %u: '%s' (offset %llu of section '%s') is not "
			      "the start of a map definition",
			      prog, pc, name, (unsigned long long)sym->st_value, sec);
	else
		xdpdk_elf_log(ld,
			      "prog '%s': insn %u: reference to '%s' in section '%s', which holds "
			      "neither code, maps nor global data",
			      prog, pc, name, sec);
	return -EINVAL;
}

void
xdpdk_elf_free_maps(struct xdpdk_obj *obj)
{
	uint32_t i, j;

	for (i = 0; i < obj->n_maps; i++) {
		struct xdpdk_obj_map *m = &obj->maps[i];

		free(m->name);
		free(m->inner_name);
		free(m->data);
		for (j = 0; j < m->n_inits; j++)
			free((char *)m->inits[j].target);
		free(m->inits);
	}
	free(obj->maps);
	obj->maps = NULL;
	obj->n_maps = 0;
}

uint32_t
xdpdk_obj_map_count(const struct xdpdk_obj *obj)
{
	return obj != NULL ? obj->n_maps : 0;
}

const struct xdpdk_obj_map *
xdpdk_obj_map_at(const struct xdpdk_obj *obj, uint32_t i)
{
	return obj != NULL && i < obj->n_maps ? &obj->maps[i] : NULL;
}

const struct xdpdk_obj_map *
xdpdk_obj_map_find(const struct xdpdk_obj *obj, const char *name)
{
	uint32_t i;

	if (obj == NULL || name == NULL)
		return NULL;
	for (i = 0; i < obj->n_maps; i++)
		if (strcmp(obj->maps[i].name, name) == 0)
			return &obj->maps[i];
	return NULL;
}

const char *
xdpdk_obj_map_name(const struct xdpdk_obj_map *m)
{
	return m != NULL ? m->name : "";
}

enum xdpdk_obj_map_kind
xdpdk_obj_map_kind(const struct xdpdk_obj_map *m)
{
	return m != NULL ? m->kind : XDPDK_OBJ_MAP_BTF;
}

const struct xdpdk_map_def *
xdpdk_obj_map_def(const struct xdpdk_obj_map *m)
{
	return m != NULL ? &m->def : NULL;
}

void
xdpdk_obj_map_btf_ids(const struct xdpdk_obj_map *m, uint32_t *key, uint32_t *value)
{
	*key = m != NULL ? m->btf_key : 0;
	*value = m != NULL ? m->btf_value : 0;
}

const struct xdpdk_map_def *
xdpdk_obj_map_inner_def(const struct xdpdk_obj_map *m)
{
	return m != NULL && m->has_inner ? &m->inner : NULL;
}

uint32_t
xdpdk_obj_map_pinning(const struct xdpdk_obj_map *m)
{
	return m != NULL ? m->pinning : 0;
}

uint64_t
xdpdk_obj_map_extra(const struct xdpdk_obj_map *m)
{
	return m != NULL ? m->map_extra : 0;
}

const void *
xdpdk_obj_map_data(const struct xdpdk_obj_map *m)
{
	return m != NULL ? m->data : NULL;
}

const struct xdpdk_obj_map_init *
xdpdk_obj_map_inits(const struct xdpdk_obj_map *m, uint32_t *n)
{
	if (n != NULL)
		*n = m != NULL ? m->n_inits : 0;
	return m != NULL && m->n_inits > 0 ? m->inits : NULL;
}

static int resolve_fail(char *log, size_t log_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
resolve_fail(char *log, size_t log_size, const char *fmt, ...)
{
	va_list ap;

	if (log != NULL && log_size > 0) {
		va_start(ap, fmt);
		vsnprintf(log, log_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* One pass of xdpdk_insns_resolve_maps: check everything, then apply. */
static int
resolve_pass(struct bpf_insn *insns, uint32_t n, void *const *map_addr, void *const *value_addr,
	     uint32_t n_maps, char *log, size_t log_size, bool apply)
{
	uint32_t i, idx;
	uint64_t addr;

	for (i = 0; i < n; i++) {
		struct bpf_insn *insn = &insns[i];

		if (!xdpdk_isa_is_lddw(insn))
			continue;
		if (i + 1 >= n)
			return resolve_fail(log, log_size, "insn %u: truncated lddw", i);
		if (insn->src_reg != BPF_PSEUDO_MAP_IDX &&
		    insn->src_reg != BPF_PSEUDO_MAP_IDX_VALUE) {
			i++;
			continue;
		}
		idx = (uint32_t)insn->imm;
		if (idx >= n_maps)
			return resolve_fail(log, log_size,
					    "insn %u: map index %u out of range (%u maps)", i, idx,
					    n_maps);
		if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
			if (map_addr == NULL || map_addr[idx] == NULL)
				return resolve_fail(log, log_size, "insn %u: map %u has no address",
						    i, idx);
			addr = (uint64_t)(uintptr_t)map_addr[idx];
		} else {
			if (value_addr == NULL || value_addr[idx] == NULL)
				return resolve_fail(log, log_size,
						    "insn %u: map %u has no direct value (not a "
						    "single-entry array)",
						    i, idx);
			addr = (uint64_t)(uintptr_t)value_addr[idx] + (uint32_t)insn[1].imm;
		}
		if (apply) {
			insn->src_reg = insn->src_reg == BPF_PSEUDO_MAP_IDX ? BPF_PSEUDO_MAP_FD
									    : BPF_PSEUDO_MAP_VALUE;
			insn[0].imm = (int32_t)(uint32_t)addr;
			insn[1].imm = (int32_t)(uint32_t)(addr >> 32);
		}
		i++;
	}
	return 0;
}

int
xdpdk_insns_resolve_maps(struct bpf_insn *insns, uint32_t n, void *const *map_addr,
			 void *const *value_addr, uint32_t n_maps, char *log, size_t log_size)
{
	int rc;

	if (log != NULL && log_size > 0)
		log[0] = '\0';
	if (insns == NULL && n > 0)
		return resolve_fail(log, log_size, "no instructions");
	/* Nothing changes unless every reference resolves. */
	rc = resolve_pass(insns, n, map_addr, value_addr, n_maps, log, log_size, false);
	if (rc == 0)
		rc = resolve_pass(insns, n, map_addr, value_addr, n_maps, log, log_size, true);
	return rc;
}
