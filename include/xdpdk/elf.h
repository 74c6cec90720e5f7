/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * ELF object loader: opens objects built by `clang -target bpf` (libbpf
 * conventions), lists their programs and relocates each into a runnable
 * instruction array (bpf2bpf subprograms from .text appended and their calls
 * fixed up), and describes the maps it defines (BTF-defined .maps, legacy
 * "maps" sections, global data sections) without creating them: map
 * references stay in the kernel's index form (lddw src_reg
 * BPF_PSEUDO_MAP_IDX / BPF_PSEUDO_MAP_IDX_VALUE, imm = map index) until
 * xdpdk_insns_resolve_maps() turns them into addresses. This keeps the loader
 * free of DPDK; the maps component creates the maps.
 *
 * CO-RE relocations (.BTF.ext) are resolved on open against the types xdpdk
 * provides (xdp_md, __sk_buff, the helper argument structs and the packet
 * headers, in their UAPI layout; their BTF is built into the library), as
 * libbpf resolves them against vmlinux. Where libbpf would poison an
 * instruction whose field or enum value has no target, the open fails with
 * ENOENT naming the program, the instruction and the access; existence
 * checks (bpf_core_field_exists & co.) still answer 0.
 */
#ifndef XDPDK_ELF_H
#define XDPDK_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpdk/bpf.h>
#include <xdpdk/map.h>

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
	/**
	 * What the .kconfig extern LINUX_KERNEL_VERSION reads, as
	 * KERNEL_VERSION(a, b, c); 0: the running kernel's (uname), as libbpf.
	 */
	uint32_t kernel_version;
	/**
	 * Kernel configuration lines ("CONFIG_HZ=1000\nCONFIG_BPF_JIT=y\n") that
	 * override the host's for .kconfig externs, as libbpf's kconfig option.
	 */
	const char *kconfig;
};

/**
 * Open an object file. Programs are found in executable sections other than
 * .text; each program is relocated on open.
 * @return the object, or NULL with errno set (EINVAL: not a BPF ELF or corrupt;
 *   ENOENT: a relocation names a missing symbol, a strong .kconfig extern has
 *   no value, or a CO-RE access has no target; ENOTSUP: a feature the loader
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
/**
 * Source lines of a program's instructions, from .BTF.ext (objects built with
 * -g), sorted by instruction; NULL and 0 when the object has none. Borrowed:
 * valid until the object is closed.
 */
const struct xdpdk_line_info *xdpdk_obj_prog_line_info(const struct xdpdk_obj_prog *p,
							uint32_t *n);
/**
 * The instructions of a program that stand for CO-RE relocations with no
 * target in xdpdk's types (calls to XDPDK_CORE_POISON_HELPER, as libbpf
 * poisons them), sorted by instruction; NULL and 0 when none. Borrowed.
 */
const struct xdpdk_core_poison *xdpdk_obj_prog_core_poison(const struct xdpdk_obj_prog *p,
							    uint32_t *n);
/* ---- BTF, for typed keys and values ------------------------------------ */

struct btf;
/** An object's BTF, reference counted: maps made from the object keep it. */
struct xdpdk_btf;
/** The object's BTF (borrowed), or NULL when it has no BTF-defined maps. */
struct xdpdk_btf *xdpdk_obj_btf(const struct xdpdk_obj *obj);
/** Wrap @p btf (owned from now on) with one reference; NULL on ENOMEM. */
struct xdpdk_btf *xdpdk_btf_wrap(struct btf *btf);
struct xdpdk_btf *xdpdk_btf_get(struct xdpdk_btf *b);
/** Drop a reference; NULL is accepted. */
void xdpdk_btf_put(struct xdpdk_btf *b);
const struct btf *xdpdk_btf_raw(const struct xdpdk_btf *b);
/**
 * @p data as BTF type @p type_id in JSON, as bpftool's "formatted" output.
 * Writes nothing unless it succeeds.
 * @return 0; -EINVAL (bad id, data too short), -ENOTSUP (a kind it cannot print), -ENOMEM.
 */
int xdpdk_btf_json(FILE *out, const struct xdpdk_btf *b, uint32_t type_id, const void *data,
		   size_t size);

/** A JSON string: @p s (at most @p max bytes, up to a NUL) quoted and escaped. */
void xdpdk_json_str(FILE *out, const char *s, size_t max);
/**
 * The other way: JSON text (objects by member name, arrays, numbers, true/
 * false, enum names, strings for char arrays; missing members are zero)
 * into @p size bytes of BTF type @p type_id.
 * @return 0; -EINVAL with where and why in @p err ("pos[1].x: number out of range").
 */
int xdpdk_btf_from_json(const struct xdpdk_btf *b, uint32_t type_id, const char *json, void *out,
			size_t size, char *err, size_t err_size);

/** The "version" section (a u32, legacy kprobe objects); 0 when absent. */
uint32_t xdpdk_obj_kern_version(const struct xdpdk_obj *obj);

/* ---- maps the object defines ------------------------------------------- */

struct xdpdk_obj_map;

/** Where a map definition came from. */
enum xdpdk_obj_map_kind {
	XDPDK_OBJ_MAP_BTF,	/**< a BTF-defined map in ".maps" */
	XDPDK_OBJ_MAP_LEGACY,	/**< a struct bpf_map_def record in "maps" */
	XDPDK_OBJ_MAP_DATA,	/**< a global data section (.data, .rodata*, .bss, .data.*) */
	XDPDK_OBJ_MAP_KCONFIG,	/**< the .kconfig externs */
};

/** An initial entry of a prog_array or map-in-map (`.values = { [i] = &x }`). */
struct xdpdk_obj_map_init {
	uint32_t index;		/**< key */
	const char *target;	/**< program (prog_array) or map (map-in-map) name */
};

/**
 * Maps in libbpf's order: legacy "maps" records (by offset), BTF maps (by
 * offset in .maps), global data (by section), .kconfig; map indexes in
 * MAP_IDX references index this list.
 *
 * Definitions are as libbpf would create them: BTF key/value types give
 * their sizes; a ring buffer's max_entries is rounded up to a power-of-2
 * number of pages; numa_node is the declared node with BPF_F_NUMA_NODE,
 * else -1. Legacy records may be of any size (section size / number of map
 * symbols); their first five fields are read and any others ignored.
 * A global data section is a single-entry ARRAY (key 4, value = the
 * section, BPF_F_MMAPABLE, plus BPF_F_RDONLY_PROG for .rodata*) named after
 * the section (".rodata.str1.1"), where libbpf prefixes an object name.
 * The KCONFIG map is ".kconfig", laid out as libbpf lays it out:
 * LINUX_KERNEL_VERSION is xdpdk_obj_opts.kernel_version or the running
 * kernel's, LINUX_HAS_* are false, and CONFIG_* come from xdpdk_obj_opts.kconfig
 * and then the host kernel's configuration (/boot/config-$(uname -r) or
 * /proc/config.gz), as libbpf reads them; one that is set nowhere reads as
 * 0 (n, "") when __weak and fails the open (ENOENT) when strong.
 */
uint32_t xdpdk_obj_map_count(const struct xdpdk_obj *obj);
const struct xdpdk_obj_map *xdpdk_obj_map_at(const struct xdpdk_obj *obj, uint32_t i);
/** Find a map by name (".rodata", "conn_table"); NULL if absent. */
const struct xdpdk_obj_map *xdpdk_obj_map_find(const struct xdpdk_obj *obj, const char *name);

const char *xdpdk_obj_map_name(const struct xdpdk_obj_map *m);
enum xdpdk_obj_map_kind xdpdk_obj_map_kind(const struct xdpdk_obj_map *m);
/** The definition; for map-in-map, def->inner_template is NULL and see below. */
const struct xdpdk_map_def *xdpdk_obj_map_def(const struct xdpdk_obj_map *m);
/** BTF type ids of a BTF-defined map's key and value (`__type(key, T)`), 0 when untyped. */
void xdpdk_obj_map_btf_ids(const struct xdpdk_obj_map *m, uint32_t *key, uint32_t *value);
/** Map-in-map: the inner map's definition (from `__array(values, ...)`), else NULL. */
const struct xdpdk_map_def *xdpdk_obj_map_inner_def(const struct xdpdk_obj_map *m);
/** LIBBPF_PIN_NONE (0) or LIBBPF_PIN_BY_NAME (1). */
uint32_t xdpdk_obj_map_pinning(const struct xdpdk_obj_map *m);
/** BTF map_extra (bloom filter: number of hash functions); 0 when absent. */
uint64_t xdpdk_obj_map_extra(const struct xdpdk_obj_map *m);
/** Initial value of a global data / kconfig map (value_size bytes), else NULL. */
const void *xdpdk_obj_map_data(const struct xdpdk_obj_map *m);
/** Initial entries of a prog_array or map-in-map, by index; NULL and 0 if none. */
const struct xdpdk_obj_map_init *xdpdk_obj_map_inits(const struct xdpdk_obj_map *m,
						     uint32_t *n);

/**
 * Turn map references into addresses, in place: an lddw BPF_PSEUDO_MAP_IDX of
 * map i becomes BPF_PSEUDO_MAP_FD with imm = @p map_addr[i]; an lddw
 * BPF_PSEUDO_MAP_IDX_VALUE of map i, offset off, becomes BPF_PSEUDO_MAP_VALUE
 * with imm = @p value_addr[i] + off. (The src_reg stays for the disassembler and
 * the verifier; the engines only read the 64-bit immediate.)
 * @return 0, or -EINVAL naming the instruction in @p log when an index is out
 *   of range or a value address is NULL (the map has no direct value).
 */
int xdpdk_insns_resolve_maps(struct bpf_insn *insns, uint32_t n, void *const *map_addr,
			     void *const *value_addr, uint32_t n_maps, char *log,
			     size_t log_size);

/** Map a libbpf section name to a program type; -ENOENT when unknown. */
int xdpdk_elf_section_type(const char *section, enum xdpdk_prog_type *type);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_ELF_H */
