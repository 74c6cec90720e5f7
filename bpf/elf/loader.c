/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF object loader: opens a `clang -target bpf` object, describes its maps
 * (maps.c, btf.c), applies CO-RE relocations (core.c), finds its programs
 * (one per global function in each executable section other than .text,
 * libbpf-style) and hands each to reloc.c. Staged like DPDK's bpf_load_elf:
 * one context, stop at the first error, one cleanup safe on partial state.
 *
 * Inputs are untrusted (fuzzed): libelf works on a private copy, and every
 * offset and size it would follow is checked here first, so a corrupt file
 * is refused with EINVAL and a reason, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <gelf.h>

#include "elf_internal.h"
#include "isa.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

void
xdpdk_elf_log(struct elf_load *ld, const char *fmt, ...)
{
	const struct xdpdk_obj_opts *o = ld->opts;
	va_list ap;
	int n;

	if (o == NULL || o->log_buf == NULL || o->log_size == 0)
		return;
	if (ld->log_len >= o->log_size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->log_buf + ld->log_len, o->log_size - ld->log_len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ld->log_len += (size_t)n;
	if (ld->log_len >= o->log_size - 1) {
		ld->log_len = o->log_size - 1;
		return;
	}
	o->log_buf[ld->log_len++] = '\n';
	o->log_buf[ld->log_len] = '\0';
}

int
xdpdk_elf_sym(struct elf_load *ld, size_t idx, GElf_Sym *sym)
{
	if (ld->symdata == NULL || idx >= ld->n_syms) {
		xdpdk_elf_log(ld, "symbol index %zu out of range (%zu symbols)", idx, ld->n_syms);
		return -EINVAL;
	}
	if (gelf_getsym(ld->symdata, (int)idx, sym) == NULL) {
		xdpdk_elf_log(ld, "symbol %zu: %s", idx, elf_errmsg(-1));
		return -EINVAL;
	}
	return 0;
}

const char *
xdpdk_elf_sym_name(struct elf_load *ld, const GElf_Sym *sym)
{
	const char *name;

	if (GELF_ST_TYPE(sym->st_info) == STT_SECTION) {
		if (sym->st_shndx != SHN_UNDEF && sym->st_shndx < ld->shnum)
			return ld->secs[sym->st_shndx].name;
		return "?";
	}
	name = elf_strptr(ld->elf, ld->strtab_idx, sym->st_name);
	return name != NULL ? name : "?";
}

size_t
xdpdk_elf_find_sec(const struct elf_load *ld, const char *name)
{
	size_t i;

	for (i = 1; i < ld->shnum; i++)
		if (strcmp(ld->secs[i].name, name) == 0)
			return i;
	return 0;
}

/*
 * Stage 1: header. Checked on the raw bytes before libelf sees them, so
 * libelf only ever follows a section header table that fits in the file.
 * Extended section numbering is refused: no BPF object has 65280 sections.
 */
static int
check_header(struct elf_load *ld)
{
	Elf64_Ehdr eh;

	if (ld->size < EI_NIDENT || memcmp(ld->image, ELFMAG, SELFMAG) != 0) {
		xdpdk_elf_log(ld, "not an ELF file");
		return -EINVAL;
	}
	if (ld->image[EI_CLASS] != ELFCLASS64) {
		xdpdk_elf_log(ld, "not a 64-bit ELF file (class %u)", ld->image[EI_CLASS]);
		return -EINVAL;
	}
	if (ld->image[EI_DATA] != ELFDATA2LSB) {
		xdpdk_elf_log(ld, "not a little-endian ELF file (data encoding %u)",
			      ld->image[EI_DATA]);
		return -EINVAL;
	}
	if (ld->size < sizeof(eh)) {
		xdpdk_elf_log(ld, "truncated ELF header (%zu bytes)", ld->size);
		return -EINVAL;
	}
	memcpy(&eh, ld->image, sizeof(eh));
	if (eh.e_machine != EM_BPF) {
		xdpdk_elf_log(ld, "not a BPF object (e_machine %u, expected %u)", eh.e_machine,
			      EM_BPF);
		return -EINVAL;
	}
	if (eh.e_type != ET_REL) {
		xdpdk_elf_log(ld, "not a relocatable object (e_type %u)", eh.e_type);
		return -EINVAL;
	}
	if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT) {
		xdpdk_elf_log(ld, "unknown ELF version %u", eh.e_version);
		return -EINVAL;
	}
	if (eh.e_shnum == 0 || eh.e_shoff == 0) {
		xdpdk_elf_log(ld, "no section header table");
		return -EINVAL;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
		xdpdk_elf_log(ld, "bad section header size %u", eh.e_shentsize);
		return -EINVAL;
	}
	if (eh.e_shoff > ld->size ||
	    (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > ld->size - eh.e_shoff) {
		xdpdk_elf_log(ld,
			      "section header table (offset %llu, %u entries) past the end "
			      "of the file (%zu bytes)",
			      (unsigned long long)eh.e_shoff, eh.e_shnum, ld->size);
		return -EINVAL;
	}
	if (eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum) {
		xdpdk_elf_log(ld, "bad section name table index %u", eh.e_shstrndx);
		return -EINVAL;
	}
	ld->shnum = eh.e_shnum;
	ld->shstrndx = eh.e_shstrndx;
	return 0;
}

/* Stage 2: hand the image to libelf and cross-check what it sees. */
static int
open_elf(struct elf_load *ld)
{
	size_t n;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		xdpdk_elf_log(ld, "libelf: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	ld->elf = elf_memory((char *)ld->image, ld->size);
	if (ld->elf == NULL || elf_kind(ld->elf) != ELF_K_ELF) {
		xdpdk_elf_log(ld, "libelf: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	if (elf_getshdrnum(ld->elf, &n) != 0 || n != ld->shnum ||
	    elf_getshdrstrndx(ld->elf, &n) != 0 || n != ld->shstrndx) {
		xdpdk_elf_log(ld, "libelf: inconsistent section header table: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	return 0;
}

/*
 * Whether a section's sh_offset/sh_size name bytes of the file. SHT_NULL
 * (inactive) headers may hold any values: they are neither checked nor read.
 */
static bool
has_contents(const GElf_Shdr *sh)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL;
}

/*
 * Stage 3: section headers. Every section with file contents must lie in
 * the file, code must be whole instructions, and the name table must be a
 * string table (elf_strptr then bounds-checks each name).
 */
static int
read_sections(struct elf_load *ld)
{
	size_t i;

	ld->secs = calloc(ld->shnum, sizeof(*ld->secs));
	if (ld->secs == NULL)
		return -ENOMEM;
	for (i = 0; i < ld->shnum; i++) {
		struct elf_sec *s = &ld->secs[i];
		Elf_Scn *scn = elf_getscn(ld->elf, i);

		if (scn == NULL || gelf_getshdr(scn, &s->shdr) == NULL) {
			xdpdk_elf_log(ld, "section %zu: %s", i, elf_errmsg(-1));
			return -EINVAL;
		}
		if (has_contents(&s->shdr) &&
		    (s->shdr.sh_offset > ld->size ||
		     s->shdr.sh_size > ld->size - s->shdr.sh_offset)) {
			xdpdk_elf_log(ld,
				      "section %zu: contents (offset %llu, size %llu) past "
				      "the end of the file (%zu bytes)",
				      i, (unsigned long long)s->shdr.sh_offset,
				      (unsigned long long)s->shdr.sh_size, ld->size);
			return -EINVAL;
		}
	}
	if (ld->secs[ld->shstrndx].shdr.sh_type != SHT_STRTAB) {
		xdpdk_elf_log(ld, "section name table (section %zu) is not a string table",
			      ld->shstrndx);
		return -EINVAL;
	}
	for (i = 1; i < ld->shnum; i++) {
		struct elf_sec *s = &ld->secs[i];

		s->name = elf_strptr(ld->elf, ld->shstrndx, s->shdr.sh_name);
		if (s->name == NULL) {
			xdpdk_elf_log(ld, "section %zu: bad name offset %u", i, s->shdr.sh_name);
			return -EINVAL;
		}
		/* Only checked contents get a pointer: sections found by name read it. */
		if (has_contents(&s->shdr) && s->shdr.sh_size > 0)
			s->bytes = ld->image + s->shdr.sh_offset;
		s->is_code = s->shdr.sh_type == SHT_PROGBITS && (s->shdr.sh_flags & SHF_EXECINSTR);
		if (!s->is_code)
			continue;
		if (s->shdr.sh_size % sizeof(struct bpf_insn) != 0) {
			xdpdk_elf_log(ld, "section '%s': size %llu is not a multiple of %zu",
				      s->name, (unsigned long long)s->shdr.sh_size,
				      sizeof(struct bpf_insn));
			return -EINVAL;
		}
		if (s->shdr.sh_size / sizeof(struct bpf_insn) > XDPDK_BPF_MAX_INSNS) {
			xdpdk_elf_log(ld, "section '%s': more than %u instructions", s->name,
				      XDPDK_BPF_MAX_INSNS);
			return -EINVAL;
		}
	}
	ld->secs[0].name = "";
	return 0;
}

/* Stage 4: the symbol table and its string table (at most one of each). */
static int
read_symtab(struct elf_load *ld)
{
	const struct elf_sec *st;
	size_t i;

	for (i = 1; i < ld->shnum; i++) {
		if (ld->secs[i].shdr.sh_type != SHT_SYMTAB)
			continue;
		if (ld->symtab_idx != 0) {
			xdpdk_elf_log(ld, "more than one symbol table");
			return -EINVAL;
		}
		ld->symtab_idx = i;
	}
	if (ld->symtab_idx == 0)
		return 0;
	st = &ld->secs[ld->symtab_idx];
	if (st->shdr.sh_entsize != sizeof(Elf64_Sym) || st->shdr.sh_size % sizeof(Elf64_Sym) != 0) {
		xdpdk_elf_log(ld, "symbol table: bad entry size %llu or size %llu",
			      (unsigned long long)st->shdr.sh_entsize,
			      (unsigned long long)st->shdr.sh_size);
		return -EINVAL;
	}
	if (st->shdr.sh_link == 0 || st->shdr.sh_link >= ld->shnum ||
	    ld->secs[st->shdr.sh_link].shdr.sh_type != SHT_STRTAB) {
		xdpdk_elf_log(ld, "symbol table: bad string table index %u", st->shdr.sh_link);
		return -EINVAL;
	}
	ld->strtab_idx = st->shdr.sh_link;
	ld->symdata = elf_getdata(elf_getscn(ld->elf, ld->symtab_idx), NULL);
	if (ld->symdata == NULL || ld->symdata->d_size != st->shdr.sh_size) {
		xdpdk_elf_log(ld, "symbol table: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	ld->n_syms = st->shdr.sh_size / sizeof(Elf64_Sym);
	return 0;
}

static int
cmp_func(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Globals first: at equal start the program wins over an alias. */
	return (int)y->global - (int)x->global;
}

/*
 * Stage 5: functions. Every FUNC symbol in a code section, checked to be
 * whole instructions inside its section; sized-zero symbols (hand-written
 * assembly labels) are not functions.
 */
static int
read_funcs(struct elf_load *ld)
{
	size_t i;
	int rc;

	if (ld->n_syms == 0)
		return 0;
	ld->funcs = calloc(ld->n_syms, sizeof(*ld->funcs));
	if (ld->funcs == NULL)
		return -ENOMEM;
	for (i = 1; i < ld->n_syms; i++) {
		const struct elf_sec *s;
		struct elf_func *f;
		const char *name;
		GElf_Sym sym;

		rc = xdpdk_elf_sym(ld, i, &sym);
		if (rc != 0)
			return rc;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_size == 0)
			continue;
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= ld->shnum)
			continue;
		s = &ld->secs[sym.st_shndx];
		if (!s->is_code)
			continue;
		name = elf_strptr(ld->elf, ld->strtab_idx, sym.st_name);
		if (name == NULL || name[0] == '\0') {
			xdpdk_elf_log(ld, "symbol %zu: bad name offset %u", i, sym.st_name);
			return -EINVAL;
		}
		if (sym.st_value % sizeof(struct bpf_insn) != 0 ||
		    sym.st_size % sizeof(struct bpf_insn) != 0 || sym.st_value > s->shdr.sh_size ||
		    sym.st_size > s->shdr.sh_size - sym.st_value) {
			xdpdk_elf_log(ld,
				      "function '%s' (offset %llu, size %llu) is not whole "
				      "instructions inside section '%s' (size %llu)",
				      name, (unsigned long long)sym.st_value,
				      (unsigned long long)sym.st_size, s->name,
				      (unsigned long long)s->shdr.sh_size);
			return -EINVAL;
		}
		f = &ld->funcs[ld->n_funcs++];
		f->name = name;
		f->shndx = sym.st_shndx;
		f->start = (uint32_t)(sym.st_value / sizeof(struct bpf_insn));
		f->len = (uint32_t)(sym.st_size / sizeof(struct bpf_insn));
		f->global = GELF_ST_BIND(sym.st_info) == STB_GLOBAL ||
			    GELF_ST_BIND(sym.st_info) == STB_WEAK;
	}
	qsort(ld->funcs, ld->n_funcs, sizeof(*ld->funcs), cmp_func);
	return 0;
}

/* Section name → program type, libbpf's rules. */
struct sec_def {
	const char *name;
	enum xdpdk_prog_type type;
};

/* libbpf >= 1.0: these names match exactly. */
static const struct sec_def sec_exact[] = {
    {"xdp.frags/devmap", XDPDK_PROG_TYPE_XDP},
    {"xdp/devmap", XDPDK_PROG_TYPE_XDP},
    {"xdp.frags/cpumap", XDPDK_PROG_TYPE_XDP},
    {"xdp/cpumap", XDPDK_PROG_TYPE_XDP},
    {"xdp.frags", XDPDK_PROG_TYPE_XDP},
    {"xdp", XDPDK_PROG_TYPE_XDP},
    {"tc/ingress", XDPDK_PROG_TYPE_TC},
    {"tc/egress", XDPDK_PROG_TYPE_TC},
    {"tcx/ingress", XDPDK_PROG_TYPE_TC},
    {"tcx/egress", XDPDK_PROG_TYPE_TC},
    {"tc", XDPDK_PROG_TYPE_TC},
    {"classifier", XDPDK_PROG_TYPE_TC},
    {"action", XDPDK_PROG_TYPE_TC},
    {"socket", XDPDK_PROG_TYPE_SOCKET_FILTER},
};

/*
 * libbpf < 1.0 matched these as prefixes (SEC_SLOPPY_PFX), and many objects
 * in the wild still use "xdp_prog", "xdp_devmap/..." or "classifier_foo".
 */
static const struct sec_def sec_legacy_prefix[] = {
    {"xdp", XDPDK_PROG_TYPE_XDP},
    {"classifier", XDPDK_PROG_TYPE_TC},
    {"action", XDPDK_PROG_TYPE_TC},
    {"socket", XDPDK_PROG_TYPE_SOCKET_FILTER},
};

int
xdpdk_elf_section_type(const char *section, enum xdpdk_prog_type *type)
{
	size_t i;

	if (section == NULL)
		return -ENOENT;
	/* libbpf's SEC("?xdp"): same type, only not loaded by default. */
	if (section[0] == '?')
		section++;
	for (i = 0; i < sizeof(sec_exact) / sizeof(sec_exact[0]); i++) {
		if (strcmp(section, sec_exact[i].name) == 0) {
			if (type != NULL)
				*type = sec_exact[i].type;
			return 0;
		}
	}
	for (i = 0; i < sizeof(sec_legacy_prefix) / sizeof(sec_legacy_prefix[0]); i++) {
		const struct sec_def *d = &sec_legacy_prefix[i];

		if (strncmp(section, d->name, strlen(d->name)) == 0) {
			if (type != NULL)
				*type = d->type;
			return 0;
		}
	}
	return -ENOENT;
}

static int
add_prog(struct elf_load *ld, uint32_t shndx, const char *name, uint32_t start, uint32_t len)
{
	struct xdpdk_obj *obj = ld->obj;
	struct xdpdk_obj_prog *p = &obj->progs[obj->n_progs];
	const struct xdpdk_obj_opts *o = ld->opts;

	p->shndx = shndx;
	p->start = start;
	p->len = len;
	p->name = strdup(name);
	p->section = strdup(ld->secs[shndx].name);
	obj->n_progs++;
	if (p->name == NULL || p->section == NULL)
		return -ENOMEM;
	if (o != NULL && o->has_type_override)
		p->type = o->type_override;
	else if (xdpdk_elf_section_type(p->section, &p->type) != 0)
		p->type = XDPDK_PROG_TYPE_RAW;
	return 0;
}

/*
 * Stage 9 (6-8: relocations, maps, CO-RE): programs, in section order, by
 * offset within a section. A code section without a sized global function
 * (hand-written assembly) is one program named after the section.
 */
static int
find_progs(struct elf_load *ld)
{
	size_t i, max = ld->n_funcs + ld->shnum;
	uint32_t f = 0;
	int rc;

	ld->obj->progs = calloc(max, sizeof(*ld->obj->progs));
	if (ld->obj->progs == NULL)
		return -ENOMEM;
	for (i = 1; i < ld->shnum; i++) {
		const struct elf_sec *s = &ld->secs[i];
		uint32_t before = ld->obj->n_progs;

		while (f < ld->n_funcs && ld->funcs[f].shndx < i)
			f++;
		if (!s->is_code || strcmp(s->name, ".text") == 0 || s->shdr.sh_size == 0)
			continue;
		for (; f < ld->n_funcs && ld->funcs[f].shndx == i; f++) {
			const struct elf_func *fn = &ld->funcs[f];

			if (!fn->global)
				continue;
			rc = add_prog(ld, (uint32_t)i, fn->name, fn->start, fn->len);
			if (rc != 0)
				return rc;
		}
		if (ld->obj->n_progs == before) {
			rc = add_prog(ld, (uint32_t)i, s->name, 0,
				      (uint32_t)(s->shdr.sh_size / sizeof(struct bpf_insn)));
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Stage 10: relocate each program (reloc.c). */
static int
relocate_progs(struct elf_load *ld)
{
	uint32_t i;
	int rc;

	for (i = 0; i < ld->obj->n_progs; i++) {
		rc = xdpdk_elf_relocate(ld, &ld->obj->progs[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Stage 11: the "license" section, up to its first NUL, and "version". */
static int
read_license(struct elf_load *ld)
{
	size_t idx = xdpdk_elf_find_sec(ld, "license");
	const struct elf_sec *lic = idx != 0 ? &ld->secs[idx] : NULL;
	const struct elf_sec *ver;
	size_t len = 0;

	idx = xdpdk_elf_find_sec(ld, "version");
	if (idx != 0) {
		ver = &ld->secs[idx];
		if (ver->bytes == NULL || ver->shdr.sh_size != sizeof(uint32_t)) {
			xdpdk_elf_log(ld, "section 'version' is %llu bytes, not 4",
				      (unsigned long long)ver->shdr.sh_size);
			return -EINVAL;
		}
		memcpy(&ld->obj->kern_version, ver->bytes, sizeof(uint32_t));
	}
	if (lic != NULL && lic->bytes != NULL)
		len = strnlen((const char *)lic->bytes, lic->shdr.sh_size);
	ld->obj->license =
	    strndup(lic != NULL && lic->bytes != NULL ? (const char *)lic->bytes : "", len);
	return ld->obj->license != NULL ? 0 : -ENOMEM;
}

static void
load_cleanup(struct elf_load *ld)
{
	size_t i;

	if (ld->secs != NULL) {
		for (i = 0; i < ld->shnum; i++)
			free(ld->secs[i].relocs);
		free(ld->secs);
	}
	free(ld->funcs);
	free(ld->externs);
	for (i = 0; i < ld->n_poison; i++)
		free(ld->poison[i].what);
	free(ld->poison);
	btf__free(ld->btf);
	if (ld->elf != NULL)
		elf_end(ld->elf);
	free(ld->image);
	xdpdk_obj_close(ld->obj);
}

struct xdpdk_obj *
xdpdk_obj_open_mem(const void *buf, size_t size, const struct xdpdk_obj_opts *opts)
{
	struct elf_load ld = {.opts = opts};
	struct xdpdk_obj *obj = NULL;
	int rc;

	if (opts != NULL && opts->log_buf != NULL && opts->log_size > 0)
		opts->log_buf[0] = '\0';
	if (buf == NULL && size != 0) {
		errno = EINVAL;
		return NULL;
	}
	/* Private copy: libelf may write to its image, and the caller's
	 * buffer need not outlive the call.
	 */
	ld.size = size;
	ld.image = malloc(size > 0 ? size : 1);
	ld.obj = calloc(1, sizeof(*ld.obj));
	if (ld.image == NULL || ld.obj == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (size > 0)
		memcpy(ld.image, buf, size);

	rc = check_header(&ld);
	if (rc == 0)
		rc = open_elf(&ld);
	if (rc == 0)
		rc = read_sections(&ld);
	if (rc == 0)
		rc = read_symtab(&ld);
	if (rc == 0)
		rc = read_funcs(&ld);
	if (rc == 0)
		rc = xdpdk_elf_collect_relocs(&ld);
	if (rc == 0)
		rc = xdpdk_elf_read_maps(&ld);
	if (rc == 0)
		rc = xdpdk_elf_core_relocate(&ld);
	if (rc == 0)
		rc = find_progs(&ld);
	if (rc == 0)
		rc = relocate_progs(&ld);
	if (rc == 0)
		rc = read_license(&ld);
	if (rc == 0 && ld.btf != NULL && ld.maps_idx != 0) {
		/* the maps' typed keys and values: the BTF outlives the loader */
		ld.obj->btf = xdpdk_btf_wrap(ld.btf);
		if (ld.obj->btf == NULL)
			rc = -ENOMEM;
		else
			ld.btf = NULL;
	}
	if (rc == 0) {
		obj = ld.obj;
		ld.obj = NULL;
	}
out:
	if (rc == -ENOMEM)
		xdpdk_elf_log(&ld, "out of memory");
	load_cleanup(&ld);
	if (obj == NULL)
		errno = -rc;
	return obj;
}

struct xdpdk_obj *
xdpdk_obj_open(const char *path, const struct xdpdk_obj_opts *opts)
{
	struct xdpdk_obj *obj = NULL;
	uint8_t *buf = NULL;
	size_t done = 0;
	struct stat st;
	int fd, err;

	if (path == NULL) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto err_log;
	if (fstat(fd, &st) != 0)
		goto err_close;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto err_close;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL)
		goto err_close;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto err_close;
		}
		done += (size_t)n;
	}
	close(fd);
	obj = xdpdk_obj_open_mem(buf, done, opts);
	err = errno;
	free(buf);
	errno = err;
	return obj;

err_close:
	err = errno;
	close(fd);
	free(buf);
	errno = err;
err_log:
	if (opts != NULL && opts->log_buf != NULL && opts->log_size > 0)
		snprintf(opts->log_buf, opts->log_size, "%s: %s\n", path, strerror(errno));
	return NULL;
}

void
xdpdk_obj_close(struct xdpdk_obj *obj)
{
	uint32_t i;

	if (obj == NULL)
		return;
	for (i = 0; i < obj->n_progs; i++) {
		free(obj->progs[i].name);
		free(obj->progs[i].section);
		free(obj->progs[i].insns);
		free(obj->progs[i].lines);
		free(obj->progs[i].poison);
	}
	free(obj->progs);
	xdpdk_elf_free_maps(obj);
	xdpdk_btf_put(obj->btf);
	free(obj->license);
	free(obj);
}

uint32_t
xdpdk_obj_prog_count(const struct xdpdk_obj *obj)
{
	return obj != NULL ? obj->n_progs : 0;
}

const struct xdpdk_obj_prog *
xdpdk_obj_prog_at(const struct xdpdk_obj *obj, uint32_t i)
{
	return obj != NULL && i < obj->n_progs ? &obj->progs[i] : NULL;
}

const struct xdpdk_obj_prog *
xdpdk_obj_prog_find(const struct xdpdk_obj *obj, const char *name)
{
	uint32_t i;

	if (obj == NULL || name == NULL)
		return NULL;
	for (i = 0; i < obj->n_progs; i++)
		if (strcmp(obj->progs[i].name, name) == 0)
			return &obj->progs[i];
	for (i = 0; i < obj->n_progs; i++)
		if (strcmp(obj->progs[i].section, name) == 0)
			return &obj->progs[i];
	return NULL;
}

const char *
xdpdk_obj_prog_name(const struct xdpdk_obj_prog *p)
{
	return p != NULL ? p->name : "";
}

const char *
xdpdk_obj_prog_section(const struct xdpdk_obj_prog *p)
{
	return p != NULL ? p->section : "";
}

enum xdpdk_prog_type
xdpdk_obj_prog_type(const struct xdpdk_obj_prog *p)
{
	return p != NULL ? p->type : XDPDK_PROG_TYPE_RAW;
}

const struct bpf_insn *
xdpdk_obj_prog_insns(const struct xdpdk_obj_prog *p, uint32_t *n_insns)
{
	if (n_insns != NULL)
		*n_insns = p != NULL ? p->n_insns : 0;
	return p != NULL ? p->insns : NULL;
}

const struct xdpdk_line_info *
xdpdk_obj_prog_line_info(const struct xdpdk_obj_prog *p, uint32_t *n)
{
	*n = p != NULL ? p->n_lines : 0;
	return p != NULL ? p->lines : NULL;
}

const struct xdpdk_core_poison *
xdpdk_obj_prog_core_poison(const struct xdpdk_obj_prog *p, uint32_t *n)
{
	*n = p != NULL ? p->n_poison : 0;
	return p != NULL ? p->poison : NULL;
}

struct xdpdk_btf *
xdpdk_obj_btf(const struct xdpdk_obj *obj)
{
	return obj != NULL ? obj->btf : NULL;
}

const char *
xdpdk_obj_license(const struct xdpdk_obj *obj)
{
	return obj != NULL && obj->license != NULL ? obj->license : "";
}

uint32_t
xdpdk_obj_kern_version(const struct xdpdk_obj *obj)
{
	return obj != NULL ? obj->kern_version : 0;
}
