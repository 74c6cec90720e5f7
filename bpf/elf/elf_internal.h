/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State shared by the ELF loader's stages (loader.c: image, sections, symbols,
 * programs, license) and the relocation stage (reloc.c). Private to bpf/elf/.
 */
#ifndef XDPDK_BPF_ELF_INTERNAL_H
#define XDPDK_BPF_ELF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <gelf.h>

#include <xdpdk/elf.h>

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

/* A FUNC symbol in a code section: a program or a subprogram. */
struct elf_func {
	const char *name;
	uint32_t shndx;
	uint32_t start; /* first instruction, in instructions */
	uint32_t len;	/* in instructions, > 0 */
	bool global;
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
};

struct xdpdk_obj {
	struct xdpdk_obj_prog *progs;
	uint32_t n_progs;
	char *license;
};

/* Loader context: every stage reads and fills this; one cleanup frees it. */
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
	struct xdpdk_obj *obj;
};

/* Append one line to the caller's log buffer (never printed). */
void xdpdk_elf_log(struct elf_load *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read symbol @p idx; -EINVAL (logged) when out of range or unreadable. */
int xdpdk_elf_sym(struct elf_load *ld, size_t idx, GElf_Sym *sym);
/* A symbol's name: the section's for STT_SECTION, "?" when unreadable. */
const char *xdpdk_elf_sym_name(struct elf_load *ld, const GElf_Sym *sym);

/* Stage: gather the REL entries that apply to code sections. */
int xdpdk_elf_collect_relocs(struct elf_load *ld);
/* Stage: relocate one program (subprograms appended, calls fixed up). */
int xdpdk_elf_relocate(struct elf_load *ld, struct xdpdk_obj_prog *prog);

#endif /* XDPDK_BPF_ELF_INTERNAL_H */
