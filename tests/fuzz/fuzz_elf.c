/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the ELF loader: open the input as an object, walk
 * every program and map it describes, resolve map references against dummy
 * addresses and build each program (structural check, helper resolution,
 * context rewrite) on the interpreter. Programs are never run: without the
 * verifier they may touch any memory.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/elf.h>

#define LOG_SIZE 4096
/* Dummy map memory: enough distinct non-NULL addresses; nothing reads them. */
#define N_MAP_BUFS 64
#define MAP_BUF_SIZE 4096

static uint8_t map_mem[N_MAP_BUFS][MAP_BUF_SIZE];

/* Stands in for every helper: programs are built, never run. */
static uint64_t
dummy_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return 0;
}

/* Accept any helper id, so programs that call helpers reach the context rewrite. */
static const struct xdpdk_helper_desc *
any_helper(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	static const struct xdpdk_helper_desc desc = { .name = "fuzz", .fn = dummy_helper };

	(void)id, (void)type, (void)arg;
	return &desc;
}

/* Read a whole string or buffer, so ASan sees an overrun or a dangling pointer. */
static volatile uint8_t sink;

static void
touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	for (size_t i = 0; b != NULL && i < n; i++)
		x ^= b[i];
	sink ^= x;
}

static void
touch_str(const char *s)
{
	if (s != NULL)
		touch(s, strlen(s) + 1);
}

static void
build(const struct bpf_insn *insns, uint32_t n, const char *name, enum xdpdk_prog_type type)
{
	static char log[LOG_SIZE];
	struct xdpdk_prog_opts po = {
		.name = name,
		.type = type,
		.engine = XDPDK_ENGINE_INTERP,
		.helpers = any_helper,
		.log_buf = log,
		.log_size = sizeof(log),
	};

	xdpdk_prog_free(xdpdk_prog_create(insns, n, &po));
}

static void
walk_maps(const struct xdpdk_obj *obj, void **map_addr, void **value_addr, uint32_t n_maps)
{
	for (uint32_t i = 0; i < n_maps; i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		const struct xdpdk_map_def *def = xdpdk_obj_map_def(m);
		const struct xdpdk_obj_map_init *inits;
		uint32_t n_inits;

		touch_str(xdpdk_obj_map_name(m));
		sink ^= (uint8_t)xdpdk_obj_map_kind(m) ^ (uint8_t)xdpdk_obj_map_pinning(m) ^
			(uint8_t)xdpdk_obj_map_extra(m);
		touch_str(def->name);
		if (xdpdk_obj_map_inner_def(m) != NULL)
			touch_str(xdpdk_obj_map_inner_def(m)->name);
		touch(xdpdk_obj_map_data(m), def->value_size);
		inits = xdpdk_obj_map_inits(m, &n_inits);
		for (uint32_t j = 0; j < n_inits; j++)
			touch_str(inits[j].target);
		if (xdpdk_obj_map_find(obj, xdpdk_obj_map_name(m)) == NULL)
			abort();
		/* As the maps component: only a single-entry array has a direct value. */
		map_addr[i] = map_mem[i % N_MAP_BUFS];
		value_addr[i] = def->type == BPF_MAP_TYPE_ARRAY && def->max_entries == 1 ?
					map_mem[i % N_MAP_BUFS] :
					NULL;
	}
}

static void
walk_progs(const struct xdpdk_obj *obj, void *const *map_addr, void *const *value_addr,
	   uint32_t n_maps)
{
	char log[LOG_SIZE];

	for (uint32_t i = 0; i < xdpdk_obj_prog_count(obj); i++) {
		const struct xdpdk_obj_prog *p = xdpdk_obj_prog_at(obj, i);
		const char *name = xdpdk_obj_prog_name(p);
		enum xdpdk_prog_type type = xdpdk_obj_prog_type(p);
		const struct bpf_insn *insns;
		struct bpf_insn *copy;
		uint32_t n;

		touch_str(name);
		touch_str(xdpdk_obj_prog_section(p));
		insns = xdpdk_obj_prog_insns(p, &n);
		touch(insns, (size_t)n * sizeof(*insns));
		if (xdpdk_obj_prog_find(obj, name) == NULL)
			abort();
		/* Map references in index form: the structural check refuses those. */
		build(insns, n, name, type);
		if (n == 0)
			continue;
		copy = malloc((size_t)n * sizeof(*copy));
		if (copy == NULL)
			continue;
		memcpy(copy, insns, (size_t)n * sizeof(*copy));
		if (xdpdk_insns_resolve_maps(copy, n, map_addr, value_addr, n_maps, log,
					     sizeof(log)) == 0)
			build(copy, n, name, type);
		free(copy);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* Corrupt BTF makes libbpf warn on stderr; the loader's log says why anyway. */
	libbpf_set_print(NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char log[LOG_SIZE];
	/* Pinned so that .kconfig objects do not depend on the host's uname. */
	struct xdpdk_obj_opts opts = {
		.log_buf = log,
		.log_size = sizeof(log),
		.kernel_version = (6 << 16) + (1 << 8),
		.kconfig = "CONFIG_BPF_JIT=y\nCONFIG_HZ=1000\nCONFIG_XDP_SOCKETS=m\n",
	};
	void **map_addr, **value_addr;
	struct xdpdk_obj *obj;
	uint32_t n_maps;

	obj = xdpdk_obj_open_mem(data, size, &opts);
	if (obj == NULL)
		return 0;
	touch_str(xdpdk_obj_license(obj));
	sink ^= (uint8_t)xdpdk_obj_kern_version(obj);
	n_maps = xdpdk_obj_map_count(obj);
	map_addr = calloc(n_maps + 1, sizeof(*map_addr));
	value_addr = calloc(n_maps + 1, sizeof(*value_addr));
	if (map_addr != NULL && value_addr != NULL) {
		walk_maps(obj, map_addr, value_addr, n_maps);
		walk_progs(obj, map_addr, value_addr, n_maps);
	}
	free(map_addr);
	free(value_addr);
	xdpdk_obj_close(obj);
	return 0;
}
