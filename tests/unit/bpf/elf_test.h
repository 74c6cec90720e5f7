/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the ELF loader tests (test_elf.c, test_elf_maps.c,
 * test_elf_run.c): the group fixture, which reads every object of
 * tests/progs (built by meson into $XDPDK_PROGS_DIR) once, plain ELF64 views
 * for corrupting copies of them, and the open/expect helpers. Everything is
 * static inline, so that a test file that does not use a helper does not
 * warn about it.
 */
#ifndef XDPDK_TESTS_ELF_TEST_H
#define XDPDK_TESTS_ELF_TEST_H

#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bpf.h>

#include <xdpdk/elf.h>

#define LOG_SIZE 4096

#ifndef KERNEL_VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

/* Kernel configuration the kconfig tests pin, whatever the host's is. */
#define TEST_KCONFIG                                                                       \
	"CONFIG_BPF_JIT=y\nCONFIG_XDP_SOCKETS=m\nCONFIG_HZ=1000\nCONFIG_X_CHAR=m\n"         \
	"CONFIG_X_STR=\"hello world\"\n"

struct blob {
	uint8_t *buf;
	size_t size;
};

/* Group state: each object read once. */
struct fixture {
	struct blob macswap;
	struct blob multi;
	struct blob func_ptr;
	struct blob maps_ref;
	struct blob global_data;
	struct blob parse_hash;
	struct blob ctx_fields;
	struct blob legacy;
	struct blob btf_maps;
	struct blob map_in_map;
	struct blob data_all;
	struct blob kconfig;
	struct blob core;
	struct blob core_missing;
	struct blob core_poison;
	char log[LOG_SIZE];
};

/* Every object the fixture reads, for setup and teardown. */
static inline struct blob *
fixture_blob(struct fixture *fx, unsigned i, const char **name)
{
	static const char *const names[] = {
	    "xdp_macswap",     "multi_prog",	 "func_ptr",	"maps_ref",	"global_data",
	    "xdp_parse_hash",  "xdp_ctx_fields", "legacy_maps", "btf_maps",	"map_in_map",
	    "global_data_all", "kconfig",	 "core_xdp",	"core_missing",
	    "core_poison",
	};
	struct blob *blobs[] = {
	    &fx->macswap,    &fx->multi,      &fx->func_ptr, &fx->maps_ref,	&fx->global_data,
	    &fx->parse_hash, &fx->ctx_fields, &fx->legacy,   &fx->btf_maps,	&fx->map_in_map,
	    &fx->data_all,   &fx->kconfig,    &fx->core,     &fx->core_missing,
	    &fx->core_poison,
	};

	if (i >= sizeof(blobs) / sizeof(blobs[0]))
		return NULL;
	*name = names[i];
	return blobs[i];
}

static inline char *
prog_path(const char *name)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir != NULL ? dir : "tests/progs", name);
	return path;
}

static inline int
read_blob(const char *name, struct blob *b)
{
	FILE *f = fopen(prog_path(name), "rb");
	long n;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	b->size = (size_t)n;
	b->buf = malloc(b->size);
	if (b->buf == NULL || fread(b->buf, 1, b->size, f) != b->size) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static inline int
group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *name;
	struct blob *b;
	unsigned i;

	if (fx == NULL)
		return -1;
	*state = fx;
	for (i = 0; (b = fixture_blob(fx, i, &name)) != NULL; i++) {
		if (read_blob(name, b) != 0) {
			fprintf(stderr, "cannot read %s\n", prog_path(name));
			return -1;
		}
	}
	return 0;
}

static inline int
group_teardown(void **state)
{
	struct fixture *fx = *state;
	const char *name;
	struct blob *b;
	unsigned i;

	if (fx == NULL)
		return 0;
	for (i = 0; (b = fixture_blob(fx, i, &name)) != NULL; i++)
		free(b->buf);
	free(fx);
	return 0;
}

static inline struct xdpdk_obj *
open_blob(struct fixture *fx, const uint8_t *buf, size_t size)
{
	struct xdpdk_obj_opts o = {.log_buf = fx->log, .log_size = sizeof(fx->log)};

	return xdpdk_obj_open_mem(buf, size, &o);
}

/* A writable copy of a valid object, for corrupting. */
static inline uint8_t *
dup_blob(const struct blob *b)
{
	uint8_t *p = malloc(b->size);

	assert_non_null(p);
	memcpy(p, b->buf, b->size);
	return p;
}

/* Plain ELF64 views on a (valid, aligned) object, independent of the loader. */
static inline Elf64_Ehdr *
ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

static inline Elf64_Shdr *
shdr(uint8_t *img, unsigned i)
{
	return (Elf64_Shdr *)(img + ehdr(img)->e_shoff) + i;
}

static inline const char *
sec_name(uint8_t *img, unsigned i)
{
	return (const char *)img + shdr(img, ehdr(img)->e_shstrndx)->sh_offset +
	       shdr(img, i)->sh_name;
}

static inline unsigned
find_sec(uint8_t *img, const char *name)
{
	unsigned i;

	for (i = 1; i < ehdr(img)->e_shnum; i++)
		if (strcmp(sec_name(img, i), name) == 0)
			return i;
	fail_msg("no section '%s'", name);
	return 0;
}

static inline unsigned
find_sec_type(uint8_t *img, uint32_t type)
{
	unsigned i;

	for (i = 1; i < ehdr(img)->e_shnum; i++)
		if (shdr(img, i)->sh_type == type)
			return i;
	fail_msg("no section of type %u", type);
	return 0;
}

static inline Elf64_Sym *
find_sym(uint8_t *img, const char *name)
{
	Elf64_Shdr *st = shdr(img, find_sec_type(img, SHT_SYMTAB));
	const char *strs = (const char *)img + shdr(img, st->sh_link)->sh_offset;
	Elf64_Sym *syms = (Elf64_Sym *)(img + st->sh_offset);
	size_t i;

	for (i = 0; i < st->sh_size / sizeof(*syms); i++)
		if (strcmp(strs + syms[i].st_name, name) == 0)
			return &syms[i];
	fail_msg("no symbol '%s'", name);
	return NULL;
}

static inline void
assert_log_has(const struct fixture *fx, const char *what)
{
	if (strstr(fx->log, what) == NULL)
		fail_msg("log \"%s\" does not mention \"%s\"", fx->log, what);
}

/* How many lddw reference map @p idx with @p src (and value offset @p off, or any if < 0). */
static inline unsigned
count_map_refs(const struct bpf_insn *insns, uint32_t n, uint8_t src, uint32_t idx, int64_t off)
{
	unsigned c = 0;
	uint32_t i;

	for (i = 0; i + 1 < n; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (insns[i].src_reg == src && (uint32_t)insns[i].imm == idx &&
		    (off < 0 || insns[i + 1].imm == off))
			c++;
		i++;
	}
	return c;
}

static inline uint32_t
map_index(const struct xdpdk_obj *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < xdpdk_obj_map_count(obj); i++)
		if (strcmp(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, i)), name) == 0)
			return i;
	fail_msg("no map '%s'", name);
	return 0;
}

static inline const struct bpf_insn *
insns_of(const struct xdpdk_obj *obj, const char *prog, uint32_t *n)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, prog);

	if (p == NULL)
		fail_msg("no program '%s'", prog);
	return xdpdk_obj_prog_insns(p, n);
}

static inline struct xdpdk_obj *
open_or_fail(struct fixture *fx, const struct blob *b)
{
	struct xdpdk_obj *obj = open_blob(fx, b->buf, b->size);

	if (obj == NULL)
		fail_msg("open failed (errno %d): %s", errno, fx->log);
	return obj;
}

static inline void
expect_einval(struct fixture *fx, const uint8_t *img, size_t size, const char *what)
{
	errno = 0;
	assert_null(open_blob(fx, img, size));
	assert_int_equal(errno, EINVAL);
	if (what != NULL)
		assert_log_has(fx, what);
}

static inline void
expect_errno(struct fixture *fx, const uint8_t *img, size_t size, int err, const char *what)
{
	errno = 0;
	if (open_blob(fx, img, size) != NULL)
		fail_msg("opened; expected errno %d (%s)", err, what);
	if (errno != err)
		fail_msg("errno %d, expected %d; log: %s", errno, err, fx->log);
	if (what != NULL)
		assert_log_has(fx, what);
}

#endif /* XDPDK_TESTS_ELF_TEST_H */
