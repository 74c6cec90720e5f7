/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State shared by the ELF loader's stages (loader.c: image, sections, symbols,
 * programs, license), the map stage (maps.c, btf.c), CO-RE (core.c) and the
 * relocation stage (reloc.c). Private to bpf/elf/.
 */
#ifndef XDPDK_BPF_ELF_INTERNAL_H
#define XDPDK_BPF_ELF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <gelf.h>

#include <xdpdk/elf.h>

struct btf;

/* One REL entry against a code section, validated on collection. */
struct elf_reloc {
	uint64_t offset; /* byte offset in the target section, multiple of 8 */
	uint32_t type;	 /* R_BPF_* */
	uint32_t sym;	 /* index into .symtab, < n_syms */
};

struct elf_sec {
	const char *name;
	GElf_Shdr shdr;
	const uint8_t *bytes;	  /* in the private image; NULL for NOBITS/empty */
	bool is_code;		  /* executable PROGBITS: .text or a program section */
	struct elf_reloc *relocs; /* sorted by offset */
	uint32_t n_relocs;
};

/*
 * Largest global data or .kconfig value: the kernel refuses array values
 * above KMALLOC_MAX_SIZE (4 MiB on x86-64) with E2BIG, and .bss sizes are
 * not bounded by the file.
 */
#define ELF_MAX_VALUE_SIZE (4u << 20)

/* A FUNC symbol in a code section: a program or a subprogram. */
struct elf_func {
	const char *name;
	uint32_t shndx;
	uint32_t start; /* first instruction, in instructions */
	uint32_t len;	/* in instructions, > 0 */
	bool global;
};

/* Where an output instruction came from: its relocation and its source line. */
struct insn_origin {
	uint32_t shndx;
	uint32_t idx;
};

struct xdpdk_obj_prog {
	char *name;
	char *section;
	enum xdpdk_prog_type type;
	struct bpf_insn *insns; /* relocated: program then appended subprograms */
	uint32_t n_insns;
	uint32_t shndx; /* where the program's own code lives */
	uint32_t start;
	uint32_t len;
	/* .BTF.ext line info by output instruction (one block with its strings) */
	struct xdpdk_line_info *lines;
	uint32_t n_lines;
	/* poisoned CO-RE relocations by output instruction (one block with its strings) */
	struct xdpdk_core_poison *poison;
	uint32_t n_poison;
};

struct xdpdk_obj_map {
	char *name;
	enum xdpdk_obj_map_kind kind;
	struct xdpdk_map_def def;   /* def.name is name */
	struct xdpdk_map_def inner; /* map-in-map with __array(values, ...) */
	char *inner_name;
	bool has_inner;
	uint32_t pinning;
	uint64_t map_extra;
	uint8_t *data; /* DATA and KCONFIG: value_size bytes */
	struct xdpdk_obj_map_init *inits;
	uint32_t n_inits;
	/* Where the definition lives, to match relocations (loader only). */
	uint32_t shndx;
	uint64_t sec_off;
	uint64_t sec_size;
	int64_t values_off; /* BTF maps: byte offset of member `values`, or -1 */
	uint32_t btf_key, btf_value; /* `__type(key/value, T)`: T's type id, or 0 */
};

struct xdpdk_obj {
	struct xdpdk_obj_prog *progs;
	uint32_t n_progs;
	struct xdpdk_obj_map *maps;
	uint32_t n_maps;
	char *license;
	struct xdpdk_btf *btf; /* the object's BTF when its maps are BTF-defined */
	uint32_t kern_version;
};

/* An undefined symbol: a .kconfig variable gets a slot in the KCONFIG map. */
struct elf_extern {
	const char *name;
	uint32_t sym;
	bool weak;
	bool kconfig;
	bool ksym;	  /* in DATASEC .ksyms: a kernel symbol or kfunc */
	uint32_t type_id; /* its BTF VAR's type */
	uint32_t size;
	uint32_t align;
	uint32_t off; /* in the KCONFIG map's value */
};

/* Loader context: every stage reads and fills this; one cleanup frees it. */
/* A CO-RE relocation core.c could not resolve: the instruction it poisoned. */
struct elf_poison {
	uint32_t shndx;
	uint32_t idx;	/* instruction index in the section */
	bool lddw;	/* both halves of an lddw are poisoned */
	char *what;
};

struct elf_load {
	const struct xdpdk_obj_opts *opts;
	size_t log_len;
	uint8_t *image; /* private copy handed to libelf */
	size_t size;
	Elf *elf;
	size_t shnum;
	size_t shstrndx;
	struct elf_sec *secs;
	size_t symtab_idx; /* 0 when the object has no symbol table */
	Elf_Data *symdata;
	size_t n_syms;
	size_t strtab_idx;
	struct elf_func *funcs; /* sorted by (shndx, start) */
	uint32_t n_funcs;
	/* Special sections, 0 when absent. */
	size_t btf_idx;
	size_t btf_ext_idx;
	size_t maps_idx;	/* ".maps" */
	size_t legacy_maps_idx; /* "maps" */
	struct btf *btf;	/* parsed on first need */
	struct elf_extern *externs;
	uint32_t n_externs;
	int32_t kconfig_map; /* index in obj->maps, -1 when none */
	struct elf_poison *poison; /* CO-RE relocations without a target (core.c) */
	uint32_t n_poison;
	struct xdpdk_obj *obj;
};

/* A u32 in the object's (host) byte order at any alignment: .BTF.ext records. */
static inline uint32_t
xdpdk_elf_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Append one line to the caller's log buffer (never printed). */
void xdpdk_elf_log(struct elf_load *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read symbol @p idx; -EINVAL (logged) when out of range or unreadable. */
int xdpdk_elf_sym(struct elf_load *ld, size_t idx, GElf_Sym *sym);
/* A symbol's name: the section's for STT_SECTION, "?" when unreadable. */
const char *xdpdk_elf_sym_name(struct elf_load *ld, const GElf_Sym *sym);

/* A section by name, 0 when absent. */
size_t xdpdk_elf_find_sec(const struct elf_load *ld, const char *name);
/* The function holding instruction @p idx of code section @p shndx, or NULL. */
const struct elf_func *xdpdk_elf_func_at(const struct elf_load *ld, uint32_t shndx, uint32_t idx);

/* btf.c: the object's BTF, parsed on first use; -EINVAL (logged) if absent or bad. */
int xdpdk_elf_btf(struct elf_load *ld, const char *why, struct btf **btf);
/* btf.c: append the BTF-defined maps of ".maps" and their initial entries. */
int xdpdk_elf_btf_maps(struct elf_load *ld);
/* btf.c: the KCONFIG map for the .kconfig externs (typed by BTF DATASEC ".kconfig"). */
int xdpdk_elf_kconfig(struct elf_load *ld);
/* btf.c: skip const/volatile/restrict/type tags and typedefs; NULL if bad or too deep. */
const struct btf_type *xdpdk_elf_btf_skip(const struct btf *btf, uint32_t id, uint32_t *res);

/* maps.c: a new zeroed map at the end of obj->maps (NULL on ENOMEM). */
struct xdpdk_obj_map *xdpdk_elf_add_map(struct elf_load *ld, const char *name,
					enum xdpdk_obj_map_kind kind);
/* Stage (maps.c): every map the object defines, in libbpf's order. */
int xdpdk_elf_read_maps(struct elf_load *ld);
/*
 * maps.c: an lddw relocated against a non-code symbol becomes a map
 * reference (BPF_PSEUDO_MAP_IDX / _IDX_VALUE); @p insn is the lddw pair.
 */
int xdpdk_elf_map_ref(struct elf_load *ld, const char *prog, uint32_t pc, const GElf_Sym *sym,
		      uint32_t sym_idx, struct bpf_insn *insn);
void xdpdk_elf_free_maps(struct xdpdk_obj *obj);
/* ksym.c: a call to an undefined symbol is a kfunc call: resolve it by name. */
int xdpdk_elf_kfunc_call(struct elf_load *ld, const char *prog, uint32_t pc, const char *name,
			 struct bpf_insn *insn);

/* Stage (core.c): apply .BTF.ext CO-RE relocations to the code sections. */
int xdpdk_elf_core_relocate(struct elf_load *ld);
/* The BTF of the types xdpdk provides (core_types.bpf.c), embedded at build time. */
extern const unsigned char xdpdk_elf_core_btf[];
extern const size_t xdpdk_elf_core_btf_size;

/* Stage: gather the REL entries that apply to code sections. */
int xdpdk_elf_collect_relocs(struct elf_load *ld);
/* Stage: relocate one program (subprograms appended, calls fixed up). */
int xdpdk_elf_relocate(struct elf_load *ld, struct xdpdk_obj_prog *prog);
/*
 * lineinfo.c: the .BTF.ext line info of @p prog's instructions (@p orig: where
 * each came from). Objects without it (no -g) get none; never fails the load.
 */
/* core.c: the poisoned instructions among a relocated program's; -ENOMEM. */
int xdpdk_elf_core_poison_map(struct elf_load *ld, struct xdpdk_obj_prog *prog,
			      const struct insn_origin *orig, uint32_t n);
void xdpdk_elf_line_info(struct elf_load *ld, struct xdpdk_obj_prog *prog,
			 const struct insn_origin *orig, uint32_t n);

/*
 * The raw value of option @p name ("y", "m", "250", "\"str\""): from the
 * override lines @p text (may be NULL, copied into @p buf), else from the host
 * kernel's configuration; NULL when it is set in neither.
 */
const char *xdpdk_elf_kconfig_value(const char *text, const char *name, char *buf, size_t size);

#endif /* XDPDK_BPF_ELF_INTERNAL_H */
