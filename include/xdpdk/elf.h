/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ELF object loader: opens objects built by `clang -target bpf` (libbpf
 * conventions), lists their programs and relocates each into a runnable
 * instruction array (bpf2bpf subprograms from .text appended and their calls
 * fixed up). Maps and global data come with the maps component.
 */
#ifndef XDPDK_ELF_H
#define XDPDK_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <xdpdk/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xdpdk_obj;
struct xdpdk_obj_prog;

/** Options for xdpdk_obj_open(); zero means default. */
struct xdpdk_obj_opts {
	/** Force every program's type (for nonstandard section names); RAW = by section. */
	enum xdpdk_prog_type type_override;
	int has_type_override;
	char *log_buf;	/**< why an object was refused */
	size_t log_size;
};

/**
 * Open an object file. Programs are found in executable sections other than
 * .text; each program is relocated on open.
 * @return the object, or NULL with errno set (EINVAL: not a BPF ELF or corrupt;
 *   ENOENT: a relocation names a missing symbol; ENOTSUP: a feature the loader
 *   does not support yet), the reason in the log.
 */
struct xdpdk_obj *xdpdk_obj_open(const char *path, const struct xdpdk_obj_opts *opts);
/** The same from memory (fuzzing, embedded objects); the buffer is not kept. */
struct xdpdk_obj *xdpdk_obj_open_mem(const void *buf, size_t size,
				     const struct xdpdk_obj_opts *opts);
/** Close an object and everything it owns; NULL is accepted. */
void xdpdk_obj_close(struct xdpdk_obj *obj);

/** Programs of the object, in section order. */
uint32_t xdpdk_obj_prog_count(const struct xdpdk_obj *obj);
const struct xdpdk_obj_prog *xdpdk_obj_prog_at(const struct xdpdk_obj *obj, uint32_t i);
/** Find a program by function name, then by section name; NULL if absent. */
const struct xdpdk_obj_prog *xdpdk_obj_prog_find(const struct xdpdk_obj *obj, const char *name);

const char *xdpdk_obj_prog_name(const struct xdpdk_obj_prog *p);
const char *xdpdk_obj_prog_section(const struct xdpdk_obj_prog *p);
enum xdpdk_prog_type xdpdk_obj_prog_type(const struct xdpdk_obj_prog *p);
/** Relocated instructions (the program followed by the subprograms it calls). */
const struct bpf_insn *xdpdk_obj_prog_insns(const struct xdpdk_obj_prog *p, uint32_t *n_insns);
/** The object's license string ("" when absent). */
const char *xdpdk_obj_license(const struct xdpdk_obj *obj);

/** Map a libbpf section name to a program type; -ENOENT when unknown. */
int xdpdk_elf_section_type(const char *section, enum xdpdk_prog_type *type);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_ELF_H */
