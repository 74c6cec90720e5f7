/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Loading an opened object into runnable form, as libbpf's bpf_object__load:
 * its maps are created (or shared through pinning by name), global data is
 * initialised, map references are resolved to addresses, the programs are
 * created, and prog_array / map-in-map initial entries are filled.
 * Needs DPDK's EAL (maps live in DPDK memory).
 */
#ifndef XDPDK_LOAD_H
#define XDPDK_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <xdpdk/bpf.h>
#include <xdpdk/elf.h>
#include <xdpdk/map.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Maps pinned by name (LIBBPF_PIN_BY_NAME), shared by the objects of one dataplane. */
struct xdpdk_pins;

struct xdpdk_pins *xdpdk_pins_create(void);
/** Drop the registry's references; NULL is accepted. */
void xdpdk_pins_free(struct xdpdk_pins *pins);
/** The map pinned under @p name (borrowed), or NULL. */
struct xdpdk_map *xdpdk_pins_find(struct xdpdk_pins *pins, const char *name);

/** Options for xdpdk_obj_load(); zero means default. */
struct xdpdk_load_opts {
	enum xdpdk_engine engine;
	xdpdk_helper_resolver helpers;	/**< usually xdpdk_helpers_resolve */
	void *helpers_arg;
	struct xdpdk_pins *pins;	/**< NULL: pinned maps are not shared */
	/**
	 * Load only this program (by name) and what its object's prog_arrays
	 * name; NULL: every program, and any that fails fails the load.
	 */
	const char *only_prog;
	char *log_buf;
	size_t log_size;
	/** verifier: strict mode, log level (map info and line info are filled by the loader) */
	struct xdpdk_verify_opts verify;
	/** xdpdk_prog_opts.jit_blind for every program: constant blinding in the JIT */
	int jit_blind;
};

struct xdpdk_loaded;

/**
 * Load @p obj. The result does not borrow from @p obj, which may be closed.
 * @return the loaded object, or NULL with errno (EINVAL, ENOENT, ENOMEM,
 *   ENOTSUP, or the engine's) and the reason in the log.
 */
struct xdpdk_loaded *xdpdk_obj_load(const struct xdpdk_obj *obj,
				    const struct xdpdk_load_opts *opts);

/**
 * Free programs and drop map references. Workers must no longer run its
 * programs (the dataplane waits for an RCU grace period first).
 */
void xdpdk_loaded_free(struct xdpdk_loaded *lo);

/** Programs that were loaded (NULL slots for ones skipped with only_prog). */
uint32_t xdpdk_loaded_prog_count(const struct xdpdk_loaded *lo);
struct xdpdk_prog *xdpdk_loaded_prog_at(const struct xdpdk_loaded *lo, uint32_t i);
struct xdpdk_prog *xdpdk_loaded_prog_find(const struct xdpdk_loaded *lo, const char *name);

/** Maps, in the object's order (borrowed). */
uint32_t xdpdk_loaded_map_count(const struct xdpdk_loaded *lo);
struct xdpdk_map *xdpdk_loaded_map_at(const struct xdpdk_loaded *lo, uint32_t i);
struct xdpdk_map *xdpdk_loaded_map_find(const struct xdpdk_loaded *lo, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_LOAD_H */
