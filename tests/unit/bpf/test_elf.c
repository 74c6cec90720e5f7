/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF loader tests: program discovery and types, subprogram relocation
 * (bpf2bpf calls and function pointers), map definitions (BTF, legacy,
 * global data, .kconfig) and references to them, CO-RE relocations against
 * xdpdk's types, xdpdk_insns_resolve_maps, and corrupt objects (hand-made
 * corruptions plus seeded random mutations) that must fail with errno set
 * and never crash. Objects come from tests/progs, built by meson into
 * $XDPDK_PROGS_DIR. The last tests run relocated programs on the
 * interpreter, end to end (check, context rewrite, run).
 */
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
#include <sys/utsname.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>
#include <xdpdk/elf.h>

#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC 4
#endif

#define LOG_SIZE 4096

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
	char log[LOG_SIZE];
};

/* Every object the fixture reads, for setup and teardown. */
static struct blob *
fixture_blob(struct fixture *fx, unsigned i, const char **name)
{
	static const char *const names[] = {
	    "xdp_macswap",     "multi_prog",	 "func_ptr",	"maps_ref",	"global_data",
	    "xdp_parse_hash",  "xdp_ctx_fields", "legacy_maps", "btf_maps",	"map_in_map",
	    "global_data_all", "kconfig",	 "core_xdp",	"core_missing",
	};
	struct blob *blobs[] = {
	    &fx->macswap,    &fx->multi,      &fx->func_ptr, &fx->maps_ref,	&fx->global_data,
	    &fx->parse_hash, &fx->ctx_fields, &fx->legacy,   &fx->btf_maps,	&fx->map_in_map,
	    &fx->data_all,   &fx->kconfig,    &fx->core,     &fx->core_missing,
	};

	if (i >= sizeof(blobs) / sizeof(blobs[0]))
		return NULL;
	*name = names[i];
	return blobs[i];
}

static char *
prog_path(const char *name)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir != NULL ? dir : "tests/progs", name);
	return path;
}

static int
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

static int
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

static int
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

static struct xdpdk_obj *
open_blob(struct fixture *fx, const uint8_t *buf, size_t size)
{
	struct xdpdk_obj_opts o = {.log_buf = fx->log, .log_size = sizeof(fx->log)};

	return xdpdk_obj_open_mem(buf, size, &o);
}

/* A writable copy of a valid object, for corrupting. */
static uint8_t *
dup_blob(const struct blob *b)
{
	uint8_t *p = malloc(b->size);

	assert_non_null(p);
	memcpy(p, b->buf, b->size);
	return p;
}

/* Plain ELF64 views on a (valid, aligned) object, independent of the loader. */
static Elf64_Ehdr *
ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Shdr *
shdr(uint8_t *img, unsigned i)
{
	return (Elf64_Shdr *)(img + ehdr(img)->e_shoff) + i;
}

static const char *
sec_name(uint8_t *img, unsigned i)
{
	return (const char *)img + shdr(img, ehdr(img)->e_shstrndx)->sh_offset +
	       shdr(img, i)->sh_name;
}

static unsigned
find_sec(uint8_t *img, const char *name)
{
	unsigned i;

	for (i = 1; i < ehdr(img)->e_shnum; i++)
		if (strcmp(sec_name(img, i), name) == 0)
			return i;
	fail_msg("no section '%s'", name);
	return 0;
}

static unsigned
find_sec_type(uint8_t *img, uint32_t type)
{
	unsigned i;

	for (i = 1; i < ehdr(img)->e_shnum; i++)
		if (shdr(img, i)->sh_type == type)
			return i;
	fail_msg("no section of type %u", type);
	return 0;
}

static Elf64_Sym *
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

static void
assert_log_has(const struct fixture *fx, const char *what)
{
	if (strstr(fx->log, what) == NULL)
		fail_msg("log \"%s\" does not mention \"%s\"", fx->log, what);
}

static bool
is_exit(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT);
}

static bool
is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

/*
 * Target of a relocated call/pseudo-func at @p pc: must be inside the
 * program, at a function boundary (the instruction before it ends a
 * function) and followed by an exit.
 */
static uint32_t
check_target(const struct bpf_insn *insns, uint32_t n, uint32_t pc)
{
	int64_t t = (int64_t)pc + insns[pc].imm + 1;
	uint32_t j;

	assert_true(t > 0 && t < (int64_t)n);
	assert_true(is_exit(&insns[t - 1]));
	for (j = (uint32_t)t; j < n && !is_exit(&insns[j]); j++)
		;
	assert_true(j < n);
	return (uint32_t)t;
}

/* The instructions of the program's i-th pseudo call (pc returned). */
static uint32_t
nth_call(const struct bpf_insn *insns, uint32_t n, unsigned nth)
{
	unsigned left = nth;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (is_pseudo_call(&insns[i]) && left-- == 0)
			return i;
	fail_msg("program has fewer than %u pseudo calls", nth + 1);
	return 0;
}

static unsigned
count_pseudo_calls(const struct bpf_insn *insns, uint32_t n)
{
	unsigned c = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		c += is_pseudo_call(&insns[i]);
	return c;
}

static void
test_elf_macswap_is_one_xdp_program(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_blob(fx, fx->macswap.buf, fx->macswap.size);
	const struct xdpdk_obj_prog *p;
	const struct bpf_insn *insns;
	uint32_t n, i;

	assert_non_null(obj);
	assert_int_equal(xdpdk_obj_prog_count(obj), 1);
	assert_string_equal(xdpdk_obj_license(obj), "Dual BSD/GPL");
	p = xdpdk_obj_prog_at(obj, 0);
	assert_string_equal(xdpdk_obj_prog_name(p), "xdp_macswap");
	assert_string_equal(xdpdk_obj_prog_section(p), "xdp");
	assert_int_equal(xdpdk_obj_prog_type(p), XDPDK_PROG_TYPE_XDP);
	assert_ptr_equal(xdpdk_obj_prog_find(obj, "xdp_macswap"), p);
	assert_ptr_equal(xdpdk_obj_prog_find(obj, "xdp"), p);
	assert_null(xdpdk_obj_prog_find(obj, "nope"));
	assert_null(xdpdk_obj_prog_at(obj, 1));
	insns = xdpdk_obj_prog_insns(p, &n);
	/* No subprograms: exactly the bytes of the "xdp" section. */
	i = find_sec(fx->macswap.buf, "xdp");
	assert_int_equal(n * sizeof(*insns), shdr(fx->macswap.buf, i)->sh_size);
	assert_memory_equal(insns, fx->macswap.buf + shdr(fx->macswap.buf, i)->sh_offset,
			    n * sizeof(*insns));
	assert_true(is_exit(&insns[n - 1]));
	assert_int_equal(count_pseudo_calls(insns, n), 0);
	xdpdk_obj_close(obj);
}

static void
test_elf_open_file(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj_opts o = {.log_buf = fx->log, .log_size = sizeof(fx->log)};
	struct xdpdk_obj *obj = xdpdk_obj_open(prog_path("xdp_parse_hash"), &o);
	const struct xdpdk_obj_prog *p;
	uint32_t n;

	assert_non_null(obj);
	p = xdpdk_obj_prog_find(obj, "xdp_parse_hash");
	assert_non_null(p);
	assert_non_null(xdpdk_obj_prog_insns(p, &n));
	assert_true(n > 50);
	xdpdk_obj_close(obj);

	errno = 0;
	assert_null(xdpdk_obj_open("/nonexistent/x.bpf.o", &o));
	assert_int_equal(errno, ENOENT);
	assert_log_has(fx, "/nonexistent/x.bpf.o");
	errno = 0;
	assert_null(xdpdk_obj_open("/", &o));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xdpdk_obj_open(NULL, NULL));
	assert_int_equal(errno, EINVAL);
	xdpdk_obj_close(NULL);
}

/*
 * multi_prog: xdp_first and xdp_second share section "xdp", tc_only is in
 * "tc"; xdp_first and tc_only call pkt_len_mix, which calls mix; xdp_second
 * calls mix only.
 */
static void
test_elf_multi_prog_appends_subprograms(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_blob(fx, fx->multi.buf, fx->multi.size);
	const struct bpf_insn *first, *second, *tc;
	uint32_t nf, ns, nt, tf, tt, ts, inner_f, inner_t, mix_f;

	assert_non_null(obj);
	assert_int_equal(xdpdk_obj_prog_count(obj), 3);
	assert_string_equal(xdpdk_obj_prog_name(xdpdk_obj_prog_at(obj, 0)), "xdp_first");
	assert_string_equal(xdpdk_obj_prog_name(xdpdk_obj_prog_at(obj, 1)), "xdp_second");
	assert_string_equal(xdpdk_obj_prog_name(xdpdk_obj_prog_at(obj, 2)), "tc_only");
	assert_string_equal(xdpdk_obj_prog_section(xdpdk_obj_prog_at(obj, 1)), "xdp");
	assert_int_equal(xdpdk_obj_prog_type(xdpdk_obj_prog_at(obj, 1)), XDPDK_PROG_TYPE_XDP);
	assert_int_equal(xdpdk_obj_prog_type(xdpdk_obj_prog_at(obj, 2)), XDPDK_PROG_TYPE_TC);
	/* By section name, the first program of that section. */
	assert_ptr_equal(xdpdk_obj_prog_find(obj, "xdp"), xdpdk_obj_prog_at(obj, 0));
	assert_ptr_equal(xdpdk_obj_prog_find(obj, "tc"), xdpdk_obj_prog_at(obj, 2));

	first = xdpdk_obj_prog_insns(xdpdk_obj_prog_at(obj, 0), &nf);
	second = xdpdk_obj_prog_insns(xdpdk_obj_prog_at(obj, 1), &ns);
	tc = xdpdk_obj_prog_insns(xdpdk_obj_prog_at(obj, 2), &nt);

	/* Each program: its own code, then pkt_len_mix, then mix, each once. */
	assert_int_equal(count_pseudo_calls(first, nf), 2);
	assert_int_equal(count_pseudo_calls(tc, nt), 2);
	tf = check_target(first, nf, nth_call(first, nf, 0));
	tt = check_target(tc, nt, nth_call(tc, nt, 0));
	inner_f = nth_call(first, nf, 1);
	inner_t = nth_call(tc, nt, 1);
	assert_true(inner_f > tf);
	assert_true(inner_t > tt);
	mix_f = check_target(first, nf, inner_f);
	assert_true(mix_f > inner_f);
	check_target(tc, nt, inner_t);
	/* The appended tails are identical: same subprograms, same order. */
	assert_int_equal(nf - tf, nt - tt);
	assert_memory_equal(first + tf, tc + tt, (nf - tf) * sizeof(*first));
	assert_true(is_exit(&first[nf - 1]));

	/* xdp_second: only mix, identical to the copy in xdp_first. */
	assert_int_equal(count_pseudo_calls(second, ns), 1);
	ts = check_target(second, ns, nth_call(second, ns, 0));
	assert_int_equal(ns - ts, nf - mix_f);
	assert_memory_equal(second + ts, first + mix_f, (ns - ts) * sizeof(*first));
	xdpdk_obj_close(obj);
}

static void
test_elf_func_ptr_becomes_pseudo_func(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_blob(fx, fx->func_ptr.buf, fx->func_ptr.size);
	const struct xdpdk_obj_prog *fp, *loop;
	const struct bpf_insn *insns;
	uint32_t n, i, targets[2], call_target = 0;
	unsigned nfunc = 0;

	assert_non_null(obj);
	fp = xdpdk_obj_prog_find(obj, "xdp_fp");
	loop = xdpdk_obj_prog_find(obj, "xdp_loop");
	assert_non_null(fp);
	assert_non_null(loop);

	insns = xdpdk_obj_prog_insns(fp, &n);
	for (i = 0; i < n; i++) {
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			assert_int_equal(insns[i].src_reg, BPF_PSEUDO_FUNC);
			assert_int_equal(insns[i + 1].imm, 0);
			assert_true(nfunc < 2);
			targets[nfunc++] = check_target(insns, n, i);
			i++;
		} else if (is_pseudo_call(&insns[i])) {
			call_target = check_target(insns, n, i);
		}
	}
	/* &loop_cb and &scale are two functions; scale() is called directly too. */
	assert_int_equal(nfunc, 2);
	assert_int_not_equal(targets[0], targets[1]);
	assert_int_equal(call_target, targets[1]);

	/* bpf_loop's callback: a pseudo-func lddw; the helper call is untouched. */
	insns = xdpdk_obj_prog_insns(loop, &n);
	nfunc = 0;
	for (i = 0; i < n; i++) {
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			assert_int_equal(insns[i].src_reg, BPF_PSEUDO_FUNC);
			check_target(insns, n, i);
			nfunc++;
			i++;
		} else if (insns[i].code == (BPF_JMP | BPF_CALL)) {
			assert_int_equal(insns[i].src_reg, 0);
			assert_int_equal(insns[i].imm, BPF_FUNC_loop);
		}
	}
	assert_int_equal(nfunc, 1);
	xdpdk_obj_close(obj);
}

/* ---- maps ---- */

#ifndef KERNEL_VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

static bool
is_map_lddw(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_IDX || insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE);
}

/* How many lddw reference map @p idx with @p src (and value offset @p off, or any if < 0). */
static unsigned
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

/* Every map reference of a program names a map the object has. */
static void
check_refs_in_range(const struct xdpdk_obj *obj, const struct bpf_insn *insns, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i++) {
		if (!is_map_lddw(&insns[i]))
			continue;
		assert_true((uint32_t)insns[i].imm < xdpdk_obj_map_count(obj));
		if (insns[i].src_reg == BPF_PSEUDO_MAP_IDX)
			assert_int_equal(insns[i + 1].imm, 0);
		else
			assert_true(
			    (uint32_t)insns[i + 1].imm <
			    xdpdk_obj_map_def(xdpdk_obj_map_at(obj, insns[i].imm))->value_size);
		i++;
	}
}

static uint32_t
map_index(const struct xdpdk_obj *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < xdpdk_obj_map_count(obj); i++)
		if (strcmp(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, i)), name) == 0)
			return i;
	fail_msg("no map '%s'", name);
	return 0;
}

static void
check_def(const struct xdpdk_map_def *d, const char *name, enum bpf_map_type type, uint32_t key,
	  uint32_t value, uint32_t max, uint32_t flags, int numa)
{
	assert_non_null(d);
	assert_string_equal(d->name, name);
	assert_int_equal(d->type, type);
	assert_int_equal(d->key_size, key);
	assert_int_equal(d->value_size, value);
	assert_int_equal(d->max_entries, max);
	assert_int_equal(d->map_flags, flags);
	assert_int_equal(d->numa_node, numa);
	assert_null(d->inner_template);
}

static const struct xdpdk_map_def *
def_of(const struct xdpdk_obj *obj, const char *name)
{
	const struct xdpdk_obj_map *m = xdpdk_obj_map_find(obj, name);

	if (m == NULL)
		fail_msg("no map '%s'", name);
	return xdpdk_obj_map_def(m);
}

static const struct bpf_insn *
insns_of(const struct xdpdk_obj *obj, const char *prog, uint32_t *n)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, prog);

	if (p == NULL)
		fail_msg("no program '%s'", prog);
	return xdpdk_obj_prog_insns(p, n);
}

static struct xdpdk_obj *open_or_fail(struct fixture *fx, const struct blob *b);
static void expect_einval(struct fixture *fx, const uint8_t *img, size_t size, const char *what);

static void
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

/*
 * legacy_maps: three 28-byte struct bpf_map_def records (two extra fields
 * with nonzero values), referenced by symbol; a "version" section.
 */
static void
test_elf_legacy_maps(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->legacy;
	struct xdpdk_obj *obj = open_or_fail(fx, b);
	const struct xdpdk_obj_map *m;
	const struct bpf_insn *insns;
	uint8_t *img;
	uint32_t n, i, words[12];
	unsigned sec;

	assert_int_equal(xdpdk_obj_map_count(obj), 3);
	check_def(def_of(obj, "flow_hash"), "flow_hash", BPF_MAP_TYPE_HASH, 4, 8, 1024,
		  BPF_F_NO_PREALLOC, -1);
	check_def(def_of(obj, "rx_count"), "rx_count", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, -1);
	check_def(def_of(obj, "tx_port"), "tx_port", BPF_MAP_TYPE_DEVMAP, 4, 4, 64, 0, -1);
	/* Definition order: by offset in the section. */
	assert_string_equal(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, 0)), "flow_hash");
	assert_string_equal(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, 1)), "rx_count");
	assert_string_equal(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, 2)), "tx_port");
	assert_null(xdpdk_obj_map_at(obj, 3));
	for (i = 0; i < 3; i++) {
		m = xdpdk_obj_map_at(obj, i);
		assert_int_equal(xdpdk_obj_map_kind(m), XDPDK_OBJ_MAP_LEGACY);
		assert_null(xdpdk_obj_map_data(m));
		assert_null(xdpdk_obj_map_inner_def(m));
		assert_null(xdpdk_obj_map_inits(m, &n));
		assert_int_equal(n, 0);
		assert_int_equal(xdpdk_obj_map_pinning(m), 0);
	}
	assert_int_equal(xdpdk_obj_kern_version(obj), 0x060100);
	insns = insns_of(obj, "xdp_legacy", &n);
	for (i = 0; i < 3; i++)
		assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, i, 0), 1);
	check_refs_in_range(obj, insns, n);
	xdpdk_obj_close(obj);

	/* Shorter records (16 bytes): four fields read, map_flags 0. */
	img = dup_blob(b);
	sec = find_sec(img, "maps");
	memcpy(words, img + shdr(img, sec)->sh_offset, sizeof(words));
	shdr(img, sec)->sh_size = 48;
	find_sym(img, "flow_hash")->st_value = 0;
	find_sym(img, "rx_count")->st_value = 16;
	find_sym(img, "tx_port")->st_value = 32;
	obj = open_blob(fx, img, b->size);
	if (obj == NULL)
		fail_msg("16-byte records: %s", fx->log);
	for (i = 0; i < 3; i++)
		check_def(xdpdk_obj_map_def(xdpdk_obj_map_at(obj, i)),
			  xdpdk_obj_map_name(xdpdk_obj_map_at(obj, i)), words[4 * i],
			  words[4 * i + 1], words[4 * i + 2], words[4 * i + 3], 0, -1);
	xdpdk_obj_close(obj);
	memcpy(img, b->buf, b->size);

	/* Corrupt: sizes that do not divide, a record past the end, a bad version. */
	shdr(img, sec)->sh_size -= 1;
	expect_einval(fx, img, b->size, "cannot tell the map definition size");
	memcpy(img, b->buf, b->size);
	find_sym(img, "rx_count")->st_value = shdr(img, sec)->sh_size - 4;
	expect_einval(fx, img, b->size, "'rx_count': offset");
	memcpy(img, b->buf, b->size);
	find_sym(img, "tx_port")->st_value = 30;
	expect_einval(fx, img, b->size, "is not a 28-byte record");
	memcpy(img, b->buf, b->size);
	shdr(img, find_sec(img, "version"))->sh_size = 2;
	expect_einval(fx, img, b->size, "section 'version'");
	free(img);
}

/* A relocation against the license: not code, not a map, not data. */
static void
test_elf_reference_to_other_section(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->legacy;
	uint8_t *img = dup_blob(b);
	Elf64_Shdr *st = shdr(img, find_sec_type(img, SHT_SYMTAB));
	Elf64_Rel *r = (Elf64_Rel *)(img + shdr(img, find_sec(img, ".relxdp"))->sh_offset);
	uint64_t lic = (uint64_t)(find_sym(img, "LICENSE") - (Elf64_Sym *)(img + st->sh_offset));

	r->r_info = ELF64_R_INFO(lic, ELF64_R_TYPE(r->r_info));
	expect_einval(fx, img, b->size, "which holds neither code, maps nor global data");
	free(img);
}

/* btf_maps: __type and __uint sizes, flags, pinning, numa, map_extra, ringbuf size. */
static void
test_elf_btf_maps(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->btf_maps);
	static const char *const names[] = {"flows", "by_numa", "events", "counters", "seen"};
	static const char *const xdp_refs[] = {"flows", "counters", "seen"};
	static const char *const tc_refs[] = {"by_numa", "events", "counters", "seen"};
	const struct bpf_insn *insns;
	uint64_t last_off = 0;
	uint32_t i, n, btf_maps = 0;

	check_def(def_of(obj, "flows"), "flows", BPF_MAP_TYPE_LRU_HASH, 16, 24, 4096,
		  BPF_F_NO_COMMON_LRU, -1);
	assert_int_equal(xdpdk_obj_map_pinning(xdpdk_obj_map_find(obj, "flows")), 1);
	check_def(def_of(obj, "by_numa"), "by_numa", BPF_MAP_TYPE_HASH, 8, 12, 16, BPF_F_NUMA_NODE,
		  1);
	/* libbpf rounds a ring buffer up to a power-of-2 number of pages. */
	check_def(def_of(obj, "events"), "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 8192, 0, -1);
	check_def(def_of(obj, "counters"), "counters", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 24, 8, 0, -1);
	check_def(def_of(obj, "seen"), "seen", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, 0, -1);
	assert_int_equal(xdpdk_obj_map_extra(xdpdk_obj_map_find(obj, "seen")), 3);
	assert_int_equal(xdpdk_obj_map_extra(xdpdk_obj_map_find(obj, "flows")), 0);
	/* BTF maps first, in the order of their offsets in .maps (as libbpf). */
	for (i = 0; i < xdpdk_obj_map_count(obj); i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		uint64_t off;

		if (xdpdk_obj_map_kind(m) != XDPDK_OBJ_MAP_BTF)
			continue;
		assert_int_equal(i, btf_maps++);
		off = find_sym(fx->btf_maps.buf, xdpdk_obj_map_name(m))->st_value;
		assert_true(i == 0 || off > last_off);
		last_off = off;
		assert_null(xdpdk_obj_map_data(m));
	}
	assert_int_equal(btf_maps, 5);
	for (i = 0; i < 5; i++)
		assert_non_null(xdpdk_obj_map_find(obj, names[i]));
	/* The shared subprogram's references are in both programs' copies. */
	insns = insns_of(obj, "xdp_flows", &n);
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, map_index(obj, xdp_refs[i]), 0),
		    1);
	check_refs_in_range(obj, insns, n);
	insns = insns_of(obj, "tc_count", &n);
	for (i = 0; i < 4; i++)
		assert_int_equal(
		    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, map_index(obj, tc_refs[i]), 0), 1);
	check_refs_in_range(obj, insns, n);
	xdpdk_obj_close(obj);
}

static void
check_inits(const struct xdpdk_obj_map *m, uint32_t n_want, const uint32_t *idx,
	    const char *const *target)
{
	const struct xdpdk_obj_map_init *in;
	uint32_t n, i;

	in = xdpdk_obj_map_inits(m, &n);
	assert_int_equal(n, n_want);
	for (i = 0; i < n; i++) {
		assert_int_equal(in[i].index, idx[i]);
		assert_string_equal(in[i].target, target[i]);
	}
}

/* map_in_map: inner definitions from __array(values, ...), initial entries. */
static void
test_elf_map_in_map(void **state)
{
	static const uint32_t arr_idx[] = {0, 2}, jump_idx[] = {1, 3};
	static const char *const arr_tgt[] = {"inner_a", "inner_b"};
	static const char *const jump_tgt[] = {"xdp_tail_a", "xdp_tail_b"};
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->map_in_map);
	const struct xdpdk_map_def *inner;
	const struct bpf_insn *insns;
	uint32_t n;

	assert_int_equal(xdpdk_obj_map_count(obj), 5);
	check_def(def_of(obj, "inner_a"), "inner_a", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, -1);
	check_def(def_of(obj, "inner_b"), "inner_b", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, -1);
	check_def(def_of(obj, "outer_arr"), "outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 3, 0,
		  -1);
	inner = xdpdk_obj_map_inner_def(xdpdk_obj_map_find(obj, "outer_arr"));
	check_def(inner, "outer_arr.inner", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, -1);
	check_inits(xdpdk_obj_map_find(obj, "outer_arr"), 2, arr_idx, arr_tgt);

	check_def(def_of(obj, "outer_hash"), "outer_hash", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 8, 0,
		  -1);
	inner = xdpdk_obj_map_inner_def(xdpdk_obj_map_find(obj, "outer_hash"));
	check_def(inner, "outer_hash.inner", BPF_MAP_TYPE_HASH, 2, 4, 32, 0, -1);
	check_inits(xdpdk_obj_map_find(obj, "outer_hash"), 0, NULL, NULL);

	/* A prog_array: value size 4, no inner map, programs as initial entries. */
	check_def(def_of(obj, "jump"), "jump", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, -1);
	assert_null(xdpdk_obj_map_inner_def(xdpdk_obj_map_find(obj, "jump")));
	check_inits(xdpdk_obj_map_find(obj, "jump"), 2, jump_idx, jump_tgt);
	assert_non_null(xdpdk_obj_prog_find(obj, "xdp_tail_a"));
	assert_null(xdpdk_obj_map_inner_def(xdpdk_obj_map_find(obj, "inner_a")));

	insns = insns_of(obj, "xdp_dispatch", &n);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, map_index(obj, "outer_arr"), 0), 1);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, map_index(obj, "outer_hash"), 0), 1);
	assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, map_index(obj, "jump"), 0),
			 1);
	xdpdk_obj_close(obj);
}

/* .rel.maps entries that point nowhere sensible. */
static void
test_elf_map_in_map_bad_values(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->map_in_map;
	uint8_t *img = dup_blob(b);
	Elf64_Shdr *st = shdr(img, find_sec_type(img, SHT_SYMTAB));
	Elf64_Sym *syms = (Elf64_Sym *)(img + st->sh_offset);
	Elf64_Rel *r = (Elf64_Rel *)(img + shdr(img, find_sec(img, ".rel.maps"))->sh_offset);
	size_t n = shdr(img, find_sec(img, ".rel.maps"))->sh_size / sizeof(*r), i, jump_rel = n;
	uint64_t inner_a = (uint64_t)(find_sym(img, "inner_a") - syms);
	uint64_t tail_a = (uint64_t)(find_sym(img, "xdp_tail_a") - syms);

	for (i = 0; i < n; i++)
		if (ELF64_R_SYM(r[i].r_info) == tail_a)
			jump_rel = i;
	assert_true(jump_rel < n);

	/* A prog_array entry naming a map. */
	r[jump_rel].r_info = ELF64_R_INFO(inner_a, ELF64_R_TYPE(r[jump_rel].r_info));
	expect_einval(fx, img, b->size, "'inner_a' is not an entry-point program");
	memcpy(img, b->buf, b->size);
	/* A map-in-map entry naming a program. */
	r[0].r_info = ELF64_R_INFO(tail_a, ELF64_R_TYPE(r[0].r_info));
	expect_einval(fx, img, b->size, "'xdp_tail_a' is not a BTF-defined map");
	memcpy(img, b->buf, b->size);
	/* Inside a map without 'values'. */
	r[0].r_offset = find_sym(img, "inner_a")->st_value + 8;
	expect_einval(fx, img, b->size, "not an entry of map 'inner_a''s 'values'");
	memcpy(img, b->buf, b->size);
	/* Past every map. */
	r[0].r_offset = shdr(img, find_sec(img, ".maps"))->sh_size + 64;
	expect_einval(fx, img, b->size, "is inside no map");
	memcpy(img, b->buf, b->size);
	/* Two relocations for one slot. */
	r[1].r_offset = r[0].r_offset;
	expect_einval(fx, img, b->size, "two initial values");
	free(img);
}

struct data_sec {
	const char *name;
	uint32_t flags;
};

/* global_data_all: one array map per data section, references with offsets. */
static void
test_elf_global_data_maps(void **state)
{
	static const struct data_sec secs[] = {
	    {".rodata", BPF_F_RDONLY_PROG | BPF_F_MMAPABLE},
	    {".data", BPF_F_MMAPABLE},
	    {".data.custom", BPF_F_MMAPABLE},
	    {".rodata.custom", BPF_F_RDONLY_PROG | BPF_F_MMAPABLE},
	    {".rodata.str1.1", BPF_F_RDONLY_PROG | BPF_F_MMAPABLE},
	    {".bss", BPF_F_MMAPABLE},
	};
	struct fixture *fx = *state;
	const struct blob *b = &fx->data_all;
	struct xdpdk_obj *obj = open_or_fail(fx, b);
	const struct bpf_insn *insns;
	uint32_t i, n, last = 0;

	assert_int_equal(xdpdk_obj_map_count(obj), 6);
	for (i = 0; i < 6; i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_find(obj, secs[i].name);
		unsigned sec = find_sec(b->buf, secs[i].name);
		const Elf64_Shdr *sh = shdr(b->buf, sec);
		uint8_t zero[64] = {0};

		assert_non_null(m);
		assert_int_equal(xdpdk_obj_map_kind(m), XDPDK_OBJ_MAP_DATA);
		check_def(xdpdk_obj_map_def(m), secs[i].name, BPF_MAP_TYPE_ARRAY, 4,
			  (uint32_t)sh->sh_size, 1, secs[i].flags, -1);
		assert_non_null(xdpdk_obj_map_data(m));
		if (sh->sh_type == SHT_NOBITS) {
			assert_true(sh->sh_size <= sizeof(zero));
			assert_memory_equal(xdpdk_obj_map_data(m), zero, sh->sh_size);
		} else {
			assert_memory_equal(xdpdk_obj_map_data(m), b->buf + sh->sh_offset,
					    sh->sh_size);
		}
		/* Section order. */
		assert_true(i == 0 || sec > last);
		last = sec;
		assert_ptr_equal(xdpdk_obj_map_at(obj, i), m);
	}
	insns = insns_of(obj, "xdp_globals", &n);
	check_refs_in_range(obj, insns, n);
	/* By variable symbol, by section symbol + imm, in an appended subprogram. */
	assert_true(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".data"),
				   (int64_t)find_sym(b->buf, "counter")->st_value) >= 1);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".rodata"), 4), 1);
	assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".data"),
					(int64_t)find_sym(b->buf, "hits")->st_value),
			 1);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".rodata.str1.1"), 0),
	    1);
	assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".bss"),
					(int64_t)find_sym(b->buf, "bss_word")->st_value),
			 1);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".data.custom"), 0),
	    1);
	assert_int_equal(
	    count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".rodata.custom"), 0),
	    1);
	insns = insns_of(obj, "tc_globals", &n);
	check_refs_in_range(obj, insns, n);
	assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, map_index(obj, ".bss"),
					(int64_t)find_sym(b->buf, "bss_word")->st_value),
			 1);
	xdpdk_obj_close(obj);
}

/* A data reference whose offset leaves its section; a .bss too large. */
static void
test_elf_global_data_bad_offset(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->data_all;
	uint8_t *img = dup_blob(b);
	unsigned xdp = find_sec(img, "xdp");
	struct bpf_insn *code = (struct bpf_insn *)(img + shdr(img, xdp)->sh_offset);
	uint32_t i, n = (uint32_t)(shdr(img, xdp)->sh_size / sizeof(*code));
	int32_t hits = (int32_t)find_sym(img, "hits")->st_value;

	/* The section-symbol reference to 'hits' carries its offset in imm. */
	for (i = 0; i < n && !(code[i].code == (BPF_LD | BPF_IMM | BPF_DW) && code[i].imm == hits);
	     i++)
		;
	assert_true(i < n);
	code[i].imm = 0x1000;
	expect_einval(fx, img, b->size, "is outside section '.data'");
	code[i].imm = -8;
	expect_einval(fx, img, b->size, "is outside section '.data'");
	memcpy(img, b->buf, b->size);
	/* .bss has no bytes in the file, so nothing bounds its size but this. */
	shdr(img, find_sec(img, ".bss"))->sh_size = 64ull << 30;
	expect_einval(fx, img, b->size, "more than an array value may hold");
	free(img);
}

/* Kernel configuration the kconfig tests pin, whatever the host's is. */
#define TEST_KCONFIG                                                                       \
	"CONFIG_BPF_JIT=y\nCONFIG_XDP_SOCKETS=m\nCONFIG_HZ=1000\nCONFIG_X_CHAR=m\n"         \
	"CONFIG_X_STR=\"hello world\"\n"

/* .kconfig: libbpf's layout, LINUX_KERNEL_VERSION set, CONFIG_* converted, unset zero. */
static void
test_elf_kconfig(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->kconfig;
	struct xdpdk_obj_opts o = {.log_buf = fx->log,
				   .log_size = sizeof(fx->log),
				   .kernel_version = KERNEL_VERSION(6, 1, 0),
				   .kconfig = TEST_KCONFIG};
	static const int32_t offs[] = {0, 8, 12, 16, 20, 21, 22};
	const uint32_t hz = 1000, tri_module = 2;
	struct xdpdk_obj *obj = xdpdk_obj_open_mem(b->buf, b->size, &o);
	const struct xdpdk_obj_map *m;
	const struct bpf_insn *insns;
	unsigned a = 0, bb = 0, c = 0;
	uint8_t want[28] = {0};
	uint32_t n, i, kv;
	struct utsname u;
	uint8_t *img, *name;
	unsigned btf;

	if (obj == NULL)
		fail_msg("open: %s", fx->log);
	assert_int_equal(xdpdk_obj_map_count(obj), 1);
	m = xdpdk_obj_map_find(obj, ".kconfig");
	assert_int_equal(xdpdk_obj_map_kind(m), XDPDK_OBJ_MAP_KCONFIG);
	/* u64 (0), int/tristate/u32 by name (8, 12, 16), bool, char (20, 21), char[6] (22). */
	check_def(xdpdk_obj_map_def(m), ".kconfig", BPF_MAP_TYPE_ARRAY, 4, 28, 1,
		  BPF_F_RDONLY_PROG | BPF_F_MMAPABLE, -1);
	kv = KERNEL_VERSION(6, 1, 0);
	memcpy(want + 8, &hz, 4);		/* CONFIG_HZ */
	memcpy(want + 12, &tri_module, 4);	/* CONFIG_XDP_SOCKETS=m: TRI_MODULE */
	memcpy(want + 16, &kv, 4);
	want[20] = 1;				/* CONFIG_BPF_JIT=y */
	want[21] = 'm';				/* a char takes the letter */
	memcpy(want + 22, "hello", 6);		/* truncated to char[6], NUL-terminated */
	assert_memory_equal(xdpdk_obj_map_data(m), want, sizeof(want));
	insns = insns_of(obj, "xdp_kconfig", &n);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX_VALUE, 0, offs[i]), 1);
	xdpdk_obj_close(obj);

	/* By default, the running kernel's version, as libbpf reads it. */
	obj = open_or_fail(fx, b);
	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%u.%u.%u", &a, &bb, &c), 3);
	kv = KERNEL_VERSION(a, bb, c);
	assert_memory_equal((const uint8_t *)xdpdk_obj_map_data(xdpdk_obj_map_at(obj, 0)) + 16, &kv,
			    4);
	xdpdk_obj_close(obj);

	/* A strong CONFIG_* extern that no configuration sets has no value to take. */
	img = dup_blob(b);
	find_sym(img, "CONFIG_X_U64")->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
	expect_errno(fx, img, b->size, ENOENT, "extern 'CONFIG_X_U64' (.kconfig)");
	memcpy(img, b->buf, b->size);
	/* The same externs as kernel symbols (DATASEC ".kconfig" renamed ".ksyms"). */
	btf = find_sec(img, ".BTF");
	name = memmem(img + shdr(img, btf)->sh_offset, shdr(img, btf)->sh_size, ".kconfig",
		      sizeof(".kconfig"));
	assert_non_null(name);
	memcpy(name, ".ksyms", sizeof(".ksyms"));
	expect_errno(fx, img, b->size, ENOTSUP, "is a kernel symbol (__ksym)");
	free(img);
}

/* ---- CO-RE ---- */

/* Offsets of every 32-bit load from r1 (the context) in @p insns. */
static unsigned
ctx_load_offsets(const struct bpf_insn *insns, uint32_t n, int16_t *offs, unsigned max)
{
	unsigned c = 0;
	uint32_t i;

	for (i = 0; i < n && c < max; i++)
		if (insns[i].code == (BPF_LDX | BPF_MEM | BPF_W) && insns[i].src_reg == BPF_REG_1)
			offs[c++] = insns[i].off;
	return c;
}

static bool
has_off(const int16_t *offs, unsigned n, size_t off)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if ((size_t)offs[i] == off)
			return true;
	return false;
}

/*
 * core_xdp reads xdp_md through a reordered local copy: each load's offset
 * must become the UAPI one (xdpdk's target types are the UAPI layout).
 */
static void
test_elf_core_offsets(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->core;
	struct xdpdk_obj *obj = open_or_fail(fx, b);
	unsigned sec = find_sec(b->buf, "xdp"), nr, nl;
	const struct bpf_insn *insns;
	int16_t raw[16], rel[16];
	uint32_t n;

	insns = insns_of(obj, "xdp_core", &n);
	nr = ctx_load_offsets((const struct bpf_insn *)(b->buf + shdr(b->buf, sec)->sh_offset), n,
			      raw, 16);
	nl = ctx_load_offsets(insns, n, rel, 16);
	assert_int_equal(nr, 4);
	assert_int_equal(nl, 4);
	/* Local layout: rx_queue_index 0, ingress_ifindex 8, data_end 12, data 16. */
	assert_true(has_off(raw, nr, 0) && has_off(raw, nr, 8) && has_off(raw, nr, 12) &&
		    has_off(raw, nr, 16));
	assert_true(has_off(rel, nl, offsetof(struct xdp_md, data)));
	assert_true(has_off(rel, nl, offsetof(struct xdp_md, data_end)));
	assert_true(has_off(rel, nl, offsetof(struct xdp_md, ingress_ifindex)));
	assert_true(has_off(rel, nl, offsetof(struct xdp_md, rx_queue_index)));
	xdpdk_obj_close(obj);
}

static void
test_elf_core_unresolved(void **state)
{
	struct fixture *fx = *state;

	expect_errno(fx, fx->core_missing.buf, fx->core_missing.size, ENOENT,
		     "prog 'xdp_core_missing': insn 0: CO-RE relocation struct "
		     "xdp_md___new.rx_hash (byte_off, access 0:2) cannot be resolved");
}

/* The CO-RE relocation records of core_xdp's .BTF.ext, for corrupting. */
static uint32_t *
core_records(uint8_t *img, uint32_t *rec_size, uint32_t *n)
{
	unsigned ext = find_sec(img, ".BTF.ext");
	uint8_t *p = img + shdr(img, ext)->sh_offset;
	uint32_t hdr_len, off, *sec;

	memcpy(&hdr_len, p + 4, 4);
	memcpy(&off, p + 24, 4);
	sec = (uint32_t *)(p + hdr_len + off);
	*rec_size = sec[0];
	*n = sec[2];
	return sec + 3;
}

static void
test_elf_core_corrupt(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->core;
	uint8_t *img = dup_blob(b);
	unsigned xdp = find_sec(img, "xdp");
	struct bpf_insn *code = (struct bpf_insn *)(img + shdr(img, xdp)->sh_offset);
	uint32_t rec_size, n, *rec = core_records(img, &rec_size, &n);

	assert_true(rec_size >= 16 && n > 2);
	rec[0] = (uint32_t)shdr(img, xdp)->sh_size; /* insn_off */
	expect_einval(fx, img, b->size, "not an instruction");
	memcpy(img, b->buf, b->size);
	rec[0] = 4;
	expect_einval(fx, img, b->size, "not an instruction");
	memcpy(img, b->buf, b->size);
	rec[3] = 99; /* kind */
	expect_errno(fx, img, b->size, ENOTSUP, "of unknown kind 99");
	memcpy(img, b->buf, b->size);
	rec[1] = 100000; /* type_id */
	expect_einval(fx, img, b->size, "malformed");
	memcpy(img, b->buf, b->size);
	/* The instruction does not hold the local value clang computed. */
	code[rec[0] / 8].off += 1;
	expect_einval(fx, img, b->size, "instruction has offset");
	memcpy(img, b->buf, b->size);
	img[shdr(img, find_sec(img, ".BTF.ext"))->sh_offset] ^= 0xff;
	expect_einval(fx, img, b->size, "'.BTF.ext': bad header");
	free(img);
}

/* ---- BTF corruption ---- */

static void
test_elf_btf_corrupt(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->maps_ref;
	uint8_t *img = dup_blob(b);
	unsigned btf = find_sec(img, ".BTF"), maps = find_sec(img, ".maps");
	uint8_t *bytes = img + shdr(img, btf)->sh_offset;
	uint8_t *attr;

	/* No BTF at all: ".BTF" renamed to ".ext" (the tail of ".BTF.ext"). */
	shdr(img, btf)->sh_name = shdr(img, find_sec(img, ".BTF.ext"))->sh_name + 4;
	expect_einval(fx, img, b->size, "needs BTF");
	memcpy(img, b->buf, b->size);
	bytes[0] ^= 0xff;
	expect_einval(fx, img, b->size, "section '.BTF': libbpf cannot parse it");
	memcpy(img, b->buf, b->size);
	/* The map's symbol out of its section. */
	find_sym(img, "pkt_count")->st_value = shdr(img, maps)->sh_size;
	expect_einval(fx, img, b->size, "does not fit section '.maps'");
	memcpy(img, b->buf, b->size);
	find_sym(img, "pkt_count")->st_shndx = (uint16_t)find_sec(img, "license");
	expect_errno(fx, img, b->size, ENOENT, "map 'pkt_count': no symbol");
	memcpy(img, b->buf, b->size);
	/* An attribute libbpf does not know. */
	attr = memmem(bytes, shdr(img, btf)->sh_size, "max_entries", sizeof("max_entries"));
	assert_non_null(attr);
	attr[10] = 'Z';
	expect_errno(fx, img, b->size, ENOTSUP, "unknown attribute 'max_entrieZ'");
	memcpy(img, b->buf, b->size);
	attr = memmem(bytes, shdr(img, btf)->sh_size, ".maps", sizeof(".maps"));
	assert_non_null(attr);
	attr[1] = 'n';
	expect_einval(fx, img, b->size, "no BTF DATASEC '.maps'");
	free(img);
}

/* ---- xdpdk_insns_resolve_maps ---- */

static void
test_elf_resolve_maps(void **state)
{
	const struct bpf_insn orig[] = {
	    {.code = BPF_LD | BPF_IMM | BPF_DW,
	     .dst_reg = 1,
	     .src_reg = BPF_PSEUDO_MAP_IDX,
	     .imm = 1},
	    {0},
	    {.code = BPF_LD | BPF_IMM | BPF_DW,
	     .dst_reg = 2,
	     .src_reg = BPF_PSEUDO_MAP_IDX_VALUE,
	     .imm = 0},
	    {.imm = 12},
	    {.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 3, .imm = 5},
	    {.imm = 6},
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	struct bpf_insn insns[8];
	static uint8_t value[64];
	void *maps[2] = {(void *)0x1000, (void *)0x123456789000ull};
	void *values[2] = {value, NULL};
	char log[256];
	uint64_t imm;

	(void)state;
	memcpy(insns, orig, sizeof(orig));
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 8, maps, values, 2, log, sizeof(log)), 0);
	assert_int_equal(insns[0].src_reg, BPF_PSEUDO_MAP_FD);
	imm = (uint32_t)insns[0].imm | (uint64_t)(uint32_t)insns[1].imm << 32;
	assert_int_equal(imm, 0x123456789000ull);
	assert_int_equal(insns[2].src_reg, BPF_PSEUDO_MAP_VALUE);
	imm = (uint32_t)insns[2].imm | (uint64_t)(uint32_t)insns[3].imm << 32;
	assert_int_equal(imm, (uint64_t)(uintptr_t)(value + 12));
	/* A plain constant and the rest are untouched. */
	assert_memory_equal(insns + 4, orig + 4, 4 * sizeof(*insns));
	assert_int_equal(insns[0].dst_reg, 1);

	/* Errors name the instruction and change nothing. */
	memcpy(insns, orig, sizeof(orig));
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 8, maps, values, 1, log, sizeof(log)),
			 -EINVAL);
	assert_non_null(strstr(log, "insn 0: map index 1 out of range (1 maps)"));
	assert_memory_equal(insns, orig, sizeof(orig));
	values[0] = NULL;
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 8, maps, values, 2, log, sizeof(log)),
			 -EINVAL);
	assert_non_null(strstr(log, "insn 2: map 0 has no direct value"));
	assert_memory_equal(insns, orig, sizeof(orig));
	values[0] = value;
	maps[1] = NULL;
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 8, maps, values, 2, log, sizeof(log)),
			 -EINVAL);
	assert_non_null(strstr(log, "insn 0: map 1 has no address"));
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 8, NULL, values, 2, NULL, 0), -EINVAL);
	assert_memory_equal(insns, orig, sizeof(orig));
	assert_int_equal(xdpdk_insns_resolve_maps(insns, 1, maps, values, 2, log, sizeof(log)),
			 -EINVAL);
	assert_non_null(strstr(log, "truncated lddw"));
	/* Nothing to do. */
	assert_int_equal(xdpdk_insns_resolve_maps(insns + 6, 2, NULL, NULL, 0, log, sizeof(log)),
			 0);
	assert_int_equal(xdpdk_insns_resolve_maps(NULL, 0, NULL, NULL, 0, NULL, 0), 0);
}

/* maps_ref and global_data, refused before maps existed, now open. */
static void
test_elf_maps_now_open(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->maps_ref);
	const struct bpf_insn *insns;
	uint32_t n;

	assert_int_equal(xdpdk_obj_map_count(obj), 1);
	assert_int_equal(xdpdk_obj_map_kind(xdpdk_obj_map_at(obj, 0)), XDPDK_OBJ_MAP_BTF);
	insns = insns_of(obj, "xdp_count", &n);
	assert_int_equal(count_map_refs(insns, n, BPF_PSEUDO_MAP_IDX, 0, 0), 1);
	xdpdk_obj_close(obj);

	obj = open_or_fail(fx, &fx->global_data);
	assert_int_equal(xdpdk_obj_map_count(obj), 2);
	assert_non_null(xdpdk_obj_map_find(obj, ".rodata"));
	assert_non_null(xdpdk_obj_map_find(obj, ".bss"));
	assert_null(xdpdk_obj_map_find(obj, ".data"));
	assert_null(xdpdk_obj_map_find(obj, NULL));
	assert_null(xdpdk_obj_map_find(NULL, ".bss"));
	assert_int_equal(xdpdk_obj_map_count(NULL), 0);
	assert_null(xdpdk_obj_map_at(obj, 2));
	assert_string_equal(xdpdk_obj_map_name(NULL), "");
	assert_null(xdpdk_obj_map_def(NULL));
	xdpdk_obj_close(obj);
}

/* A relocation against an undefined symbol (an extern) names it. */
static void
test_elf_undefined_symbol_is_enoent(void **state)
{
	struct fixture *fx = *state;
	uint8_t *img = dup_blob(&fx->maps_ref);

	find_sym(img, "pkt_count")->st_shndx = SHN_UNDEF;
	errno = 0;
	assert_null(open_blob(fx, img, fx->maps_ref.size));
	assert_int_equal(errno, ENOENT);
	assert_log_has(fx, "'pkt_count'");
	free(img);
}

static void
test_elf_section_type_table(void **state)
{
	static const struct {
		const char *sec;
		int rc;
		enum xdpdk_prog_type type;
	} cases[] = {
	    {"xdp", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp.frags", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp/devmap", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp/cpumap", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp.frags/devmap", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp.frags/cpumap", 0, XDPDK_PROG_TYPE_XDP},
	    {"xdp_prog", 0, XDPDK_PROG_TYPE_XDP}, /* pre-1.0 libbpf prefix */
	    {"?xdp", 0, XDPDK_PROG_TYPE_XDP},	  /* libbpf: not autoloaded */
	    {"?tc", 0, XDPDK_PROG_TYPE_TC},
	    {"tc", 0, XDPDK_PROG_TYPE_TC},
	    {"tc/ingress", 0, XDPDK_PROG_TYPE_TC},
	    {"tc/egress", 0, XDPDK_PROG_TYPE_TC},
	    {"tcx/ingress", 0, XDPDK_PROG_TYPE_TC},
	    {"tcx/egress", 0, XDPDK_PROG_TYPE_TC},
	    {"classifier", 0, XDPDK_PROG_TYPE_TC},
	    {"action", 0, XDPDK_PROG_TYPE_TC},
	    {"socket", 0, XDPDK_PROG_TYPE_SOCKET_FILTER},
	    {"tcp", -ENOENT, XDPDK_PROG_TYPE_RAW},
	    {"kprobe/sys_open", -ENOENT, XDPDK_PROG_TYPE_RAW},
	    {".text", -ENOENT, XDPDK_PROG_TYPE_RAW},
	    {"", -ENOENT, XDPDK_PROG_TYPE_RAW},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xdpdk_prog_type t = XDPDK_PROG_TYPE_RAW;

		assert_int_equal(xdpdk_elf_section_type(cases[i].sec, &t), cases[i].rc);
		assert_int_equal(t, cases[i].type);
	}
	assert_int_equal(xdpdk_elf_section_type(NULL, NULL), -ENOENT);
}

/* Unknown section: RAW, unless the caller forces a type. */
static void
test_elf_unknown_section_and_type_override(void **state)
{
	struct fixture *fx = *state;
	uint8_t *img = dup_blob(&fx->macswap);
	struct xdpdk_obj_opts o = {.has_type_override = 1, .type_override = XDPDK_PROG_TYPE_TC};
	struct xdpdk_obj *obj;
	unsigned sec = find_sec(img, "xdp");
	const char *strs = (const char *)img + shdr(img, ehdr(img)->e_shstrndx)->sh_offset;
	const char *fn;

	/* Point the section's name at "macswap" inside "xdp_macswap". */
	fn = (const char *)memmem(strs, shdr(img, ehdr(img)->e_shstrndx)->sh_size, "xdp_macswap",
				  sizeof("xdp_macswap"));
	assert_non_null(fn);
	shdr(img, sec)->sh_name = (uint32_t)(fn + 4 - strs);

	obj = open_blob(fx, img, fx->macswap.size);
	assert_non_null(obj);
	assert_string_equal(xdpdk_obj_prog_section(xdpdk_obj_prog_at(obj, 0)), "macswap");
	assert_int_equal(xdpdk_obj_prog_type(xdpdk_obj_prog_at(obj, 0)), XDPDK_PROG_TYPE_RAW);
	xdpdk_obj_close(obj);

	obj = xdpdk_obj_open_mem(img, fx->macswap.size, &o);
	assert_non_null(obj);
	assert_int_equal(xdpdk_obj_prog_type(xdpdk_obj_prog_at(obj, 0)), XDPDK_PROG_TYPE_TC);
	xdpdk_obj_close(obj);

	/* The override applies to standard sections too. */
	obj = xdpdk_obj_open_mem(fx->multi.buf, fx->multi.size, &o);
	assert_non_null(obj);
	assert_int_equal(xdpdk_obj_prog_type(xdpdk_obj_prog_at(obj, 0)), XDPDK_PROG_TYPE_TC);
	xdpdk_obj_close(obj);
	free(img);
}

static void
expect_einval(struct fixture *fx, const uint8_t *img, size_t size, const char *what)
{
	errno = 0;
	assert_null(open_blob(fx, img, size));
	assert_int_equal(errno, EINVAL);
	if (what != NULL)
		assert_log_has(fx, what);
}

static void
test_elf_bad_header(void **state)
{
	struct fixture *fx = *state;
	size_t size = fx->macswap.size;
	uint8_t *img = dup_blob(&fx->macswap);
	struct xdpdk_obj *obj;
	uint8_t garbage[512];
	size_t i;

	expect_einval(fx, NULL, 0, NULL);
	expect_einval(fx, img, 0, "not an ELF");
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (uint8_t)(i * 37 + 11);
	expect_einval(fx, garbage, sizeof(garbage), "not an ELF");

	ehdr(img)->e_machine = EM_X86_64;
	expect_einval(fx, img, size, "e_machine");
	ehdr(img)->e_machine = EM_BPF;

	img[EI_CLASS] = ELFCLASS32;
	expect_einval(fx, img, size, "64-bit");
	img[EI_CLASS] = ELFCLASS64;

	img[EI_DATA] = ELFDATA2MSB;
	expect_einval(fx, img, size, "little-endian");
	img[EI_DATA] = ELFDATA2LSB;

	ehdr(img)->e_type = ET_EXEC;
	expect_einval(fx, img, size, "relocatable");
	ehdr(img)->e_type = ET_REL;

	ehdr(img)->e_shoff = size - 10;
	expect_einval(fx, img, size, "past the end");
	ehdr(img)->e_shoff = UINT64_MAX - 8;
	expect_einval(fx, img, size, "past the end");
	memcpy(img, fx->macswap.buf, size);

	ehdr(img)->e_shstrndx = ehdr(img)->e_shnum;
	expect_einval(fx, img, size, "name table");
	memcpy(img, fx->macswap.buf, size);

	/* Still good after all that. */
	obj = open_blob(fx, img, size);
	assert_non_null(obj);
	xdpdk_obj_close(obj);
	free(img);
}

/* Every proper prefix of an object is refused (the section table is last). */
static void
test_elf_truncated_everywhere(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->multi;
	size_t len;

	for (len = 0; len < b->size; len++) {
		/* A fresh allocation of exactly len bytes lets ASan catch overreads. */
		uint8_t *cut = malloc(len > 0 ? len : 1);

		assert_non_null(cut);
		memcpy(cut, b->buf, len);
		errno = 0;
		assert_null(open_blob(fx, cut, len));
		assert_int_equal(errno, EINVAL);
		free(cut);
	}
}

static void
test_elf_bad_sections(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->multi;
	uint8_t *img = dup_blob(b);
	unsigned xdp = find_sec(img, "xdp");
	unsigned dbg = find_sec(img, ".debug_info");
	unsigned rel = find_sec(img, ".relxdp");
	unsigned sym = find_sec_type(img, SHT_SYMTAB);
	Elf64_Rel *r;

	shdr(img, xdp)->sh_offset = b->size + 8;
	expect_einval(fx, img, b->size, "past the end");
	memcpy(img, b->buf, b->size);

	/* Any section, not only the ones the loader uses. */
	shdr(img, dbg)->sh_size = b->size;
	expect_einval(fx, img, b->size, "past the end");
	memcpy(img, b->buf, b->size);

	shdr(img, xdp)->sh_size -= 3;
	expect_einval(fx, img, b->size, "multiple of 8");
	memcpy(img, b->buf, b->size);

	shdr(img, sym)->sh_size -= 5;
	expect_einval(fx, img, b->size, "symbol table");
	memcpy(img, b->buf, b->size);

	shdr(img, xdp)->sh_name = 0xfffffff0u;
	expect_einval(fx, img, b->size, "bad name");
	memcpy(img, b->buf, b->size);

	/* Relocations: symbol out of range, offset out of or inside an insn. */
	r = (Elf64_Rel *)(img + shdr(img, rel)->sh_offset);
	r->r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(r->r_info));
	expect_einval(fx, img, b->size, "symbol index");
	memcpy(img, b->buf, b->size);

	r->r_offset = shdr(img, xdp)->sh_size;
	expect_einval(fx, img, b->size, "offset");
	memcpy(img, b->buf, b->size);

	r->r_offset += 4;
	expect_einval(fx, img, b->size, "offset");
	memcpy(img, b->buf, b->size);

	/* A relocation on an instruction that is not a call or lddw. */
	r->r_offset = 0;
	expect_einval(fx, img, b->size, "neither a call nor an lddw");
	memcpy(img, b->buf, b->size);

	shdr(img, rel)->sh_info = 5000;
	expect_einval(fx, img, b->size, "bad section index");
	memcpy(img, b->buf, b->size);

	/* A function symbol running past its section. */
	find_sym(img, "mix")->st_size = 4096;
	expect_einval(fx, img, b->size, "'mix'");
	free(img);
}

/* A call whose target lands outside .text, or inside no function. */
static void
test_elf_bad_call_target(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->multi;
	uint8_t *img = dup_blob(b);
	unsigned xdp = find_sec(img, "xdp");
	struct bpf_insn *code = (struct bpf_insn *)(img + shdr(img, xdp)->sh_offset);
	uint32_t pc = nth_call(code, (uint32_t)(shdr(img, xdp)->sh_size / sizeof(*code)), 0);

	code[pc].imm = 1000;
	expect_einval(fx, img, b->size, "target");
	code[pc].imm = -5;
	expect_einval(fx, img, b->size, "target");
	free(img);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Where mutations hurt: header, section table, symbols, relocations, code. */
static size_t
pick_offset(uint8_t *ref, size_t size, uint64_t *rng)
{
	unsigned pick = xorshift(rng) % 10, i, n = ehdr(ref)->e_shnum;
	const Elf64_Shdr *s;

	if (pick == 0)
		return xorshift(rng) % sizeof(Elf64_Ehdr);
	if (pick <= 3)
		return ehdr(ref)->e_shoff + xorshift(rng) % (n * sizeof(Elf64_Shdr));
	if (pick <= 7) {
		for (i = 0; i < 8; i++) {
			s = shdr(ref, 1 + xorshift(rng) % (n - 1));
			if (s->sh_size > 0 && s->sh_type != SHT_NOBITS &&
			    (s->sh_type != SHT_PROGBITS || (s->sh_flags & SHF_EXECINSTR)))
				return s->sh_offset + xorshift(rng) % s->sh_size;
		}
	}
	return xorshift(rng) % size;
}

/* Walk everything a successful open returns, so ASan sees any bad pointer. */
static void
touch_obj(const struct xdpdk_obj *obj)
{
	uint32_t i, j, n;
	volatile uint64_t sum = 0;

	sum += strlen(xdpdk_obj_license(obj));
	for (i = 0; i < xdpdk_obj_prog_count(obj); i++) {
		const struct xdpdk_obj_prog *p = xdpdk_obj_prog_at(obj, i);
		const struct bpf_insn *insns = xdpdk_obj_prog_insns(p, &n);

		sum += strlen(xdpdk_obj_prog_name(p)) + strlen(xdpdk_obj_prog_section(p));
		sum += (uint64_t)xdpdk_obj_prog_type(p);
		for (j = 0; j < n; j++)
			sum += (uint64_t)insns[j].imm + insns[j].code;
	}
	for (i = 0; i < xdpdk_obj_map_count(obj); i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		const struct xdpdk_map_def *d = xdpdk_obj_map_def(m);
		const struct xdpdk_obj_map_init *in = xdpdk_obj_map_inits(m, &n);
		const uint8_t *data = xdpdk_obj_map_data(m);

		sum += strlen(xdpdk_obj_map_name(m)) + strlen(d->name) + d->value_size;
		if (xdpdk_obj_map_inner_def(m) != NULL)
			sum += strlen(xdpdk_obj_map_inner_def(m)->name);
		for (j = 0; j < n; j++)
			sum += in[j].index + strlen(in[j].target);
		for (j = 0; data != NULL && j < d->value_size; j++)
			sum += data[j];
	}
	(void)sum;
}

static void
test_elf_random_mutations(void **state)
{
	struct fixture *fx = *state;
	const struct blob *srcs[] = {&fx->multi,    &fx->func_ptr,   &fx->parse_hash,
				     &fx->maps_ref, &fx->ctx_fields, &fx->legacy,
				     &fx->btf_maps, &fx->map_in_map, &fx->data_all,
				     &fx->kconfig,  &fx->core};
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	unsigned iter, k, opened = 0;

	for (iter = 0; iter < 4000; iter++) {
		const struct blob *b = srcs[iter % (sizeof(srcs) / sizeof(srcs[0]))];
		uint8_t *img = dup_blob(b);
		unsigned flips = 1 + xorshift(&rng) % 8;
		size_t size = b->size;
		struct xdpdk_obj *obj;

		for (k = 0; k < flips; k++) {
			size_t off = pick_offset(b->buf, b->size, &rng);
			uint64_t v = xorshift(&rng);

			/* Mostly byte noise; sometimes a plausible small or huge value. */
			if (v % 4 == 0)
				img[off] ^= (uint8_t)(1u << (v >> 8) % 8);
			else if (v % 4 == 1)
				img[off] = 0xff;
			else
				img[off] = (uint8_t)(v >> 16);
		}
		if (xorshift(&rng) % 16 == 0)
			size -= xorshift(&rng) % size;
		errno = 0;
		obj = open_blob(fx, img, size);
		if (obj != NULL) {
			touch_obj(obj);
			xdpdk_obj_close(obj);
			opened++;
		} else if (errno != EINVAL && errno != ENOENT && errno != ENOTSUP) {
			fail_msg("iteration %u: errno %d (%s), log: %s", iter, errno,
				 strerror(errno), fx->log);
		}
		free(img);
	}
	/* Many mutations hit bytes nobody reads: some objects must still open. */
	assert_true(opened > 0);
}

/* Sections the map and CO-RE stages parse: BTF, BTF.ext, map definitions and their relocations. */
static bool
is_map_input(const char *name)
{
	return strcmp(name, ".BTF") == 0 || strcmp(name, ".BTF.ext") == 0 ||
	       strcmp(name, ".maps") == 0 || strcmp(name, ".rel.maps") == 0 ||
	       strcmp(name, "maps") == 0 || strcmp(name, ".symtab") == 0;
}

/* Mutations aimed at what libbpf's BTF parser and the map/CO-RE stages read. */
static void
test_elf_btf_mutations(void **state)
{
	struct fixture *fx = *state;
	const struct blob *srcs[] = {&fx->btf_maps, &fx->map_in_map, &fx->kconfig, &fx->core,
				     &fx->legacy};
	uint64_t rng = 0x2545f4914f6cdd1dull;
	unsigned iter, k, opened = 0;

	for (iter = 0; iter < 3000; iter++) {
		const struct blob *b = srcs[iter % (sizeof(srcs) / sizeof(srcs[0]))];
		uint8_t *img = dup_blob(b);
		unsigned flips = 1 + xorshift(&rng) % 4, i, tries;
		struct xdpdk_obj *obj;

		for (k = 0; k < flips; k++) {
			const Elf64_Shdr *s = NULL;
			size_t off;

			for (tries = 0; tries < 16; tries++) {
				i = 1 + xorshift(&rng) % (ehdr(b->buf)->e_shnum - 1);
				if (is_map_input(sec_name(b->buf, i)) &&
				    shdr(b->buf, i)->sh_size > 0) {
					s = shdr(b->buf, i);
					break;
				}
			}
			if (s == NULL)
				continue;
			off = s->sh_offset + xorshift(&rng) % s->sh_size;
			/* Small values hit counts, ids and offsets; 0xff hits bounds. */
			switch (xorshift(&rng) % 4) {
			case 0:
				img[off] ^= (uint8_t)(1u << xorshift(&rng) % 8);
				break;
			case 1:
				img[off] = 0xff;
				break;
			case 2:
				img[off] = (uint8_t)(xorshift(&rng) % 4);
				break;
			default:
				img[off] = (uint8_t)xorshift(&rng);
				break;
			}
		}
		errno = 0;
		obj = open_blob(fx, img, b->size);
		if (obj != NULL) {
			touch_obj(obj);
			xdpdk_obj_close(obj);
			opened++;
		} else if (errno != EINVAL && errno != ENOENT && errno != ENOTSUP) {
			fail_msg("iteration %u: errno %d (%s), log: %s", iter, errno,
				 strerror(errno), fx->log);
		}
		free(img);
	}
	assert_true(opened > 0);
}

/* ---- End to end: relocated programs run on the interpreter ---- */

/* A packet in a buffer with XDP headroom, as the dataplane hands it over. */
struct xdp_buf {
	uint8_t mem[XDPDK_XDP_HEADROOM + 256];
	struct xdpdk_xdp_ctx ctx;
};

static void
xdp_buf_init(struct xdp_buf *b, const uint8_t *pkt, size_t len)
{
	uint8_t *data = b->mem + XDPDK_XDP_HEADROOM;

	assert_true(len <= sizeof(b->mem) - XDPDK_XDP_HEADROOM);
	memset(b->mem, 0, sizeof(b->mem));
	memcpy(data, pkt, len);
	b->ctx = (struct xdpdk_xdp_ctx){
	    .data = data,
	    .data_end = data + len,
	    .data_meta = data,
	    .data_hard_start = b->mem,
	    .data_hard_end = b->mem + sizeof(b->mem),
	    .ingress_ifindex = 7,
	    .rx_queue_index = 3,
	};
}

static struct xdpdk_prog *
create_prog(struct fixture *fx, const struct xdpdk_obj *obj, const char *name)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, name);
	struct xdpdk_prog_opts o = {
	    .name = name,
	    .engine = XDPDK_ENGINE_INTERP,
	    .log_buf = fx->log,
	    .log_size = sizeof(fx->log),
	};
	struct xdpdk_prog *prog;
	const struct bpf_insn *insns;
	uint32_t n;

	assert_non_null(p);
	o.type = xdpdk_obj_prog_type(p);
	insns = xdpdk_obj_prog_insns(p, &n);
	prog = xdpdk_prog_create(insns, n, &o);
	if (prog == NULL)
		fail_msg("prog '%s': create failed (errno %d): %s", name, errno, fx->log);
	return prog;
}

static uint64_t
run_checked(const struct xdpdk_prog *prog, struct xdp_buf *b)
{
	struct xdpdk_run_result res;

	memset(&res, 0, sizeof(res));
	assert_int_equal(xdpdk_prog_run_checked(prog, &b->ctx, 0, &res), 0);
	if (res.fault != 0)
		fail_msg("fault at insn %u: %s", res.fault_pc, res.fault_msg);
	return res.retval;
}

static struct xdpdk_obj *
open_or_fail(struct fixture *fx, const struct blob *b)
{
	struct xdpdk_obj *obj = open_blob(fx, b->buf, b->size);

	if (obj == NULL)
		fail_msg("open failed (errno %d): %s", errno, fx->log);
	return obj;
}

static void
test_elf_run_macswap(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->macswap);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_macswap");
	uint8_t pkt[60];
	struct xdp_buf b;
	size_t i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	assert_memory_equal(b.ctx.data, pkt + 6, 6);
	assert_memory_equal(b.ctx.data + 6, pkt, 6);
	assert_memory_equal(b.ctx.data + 12, pkt + 12, sizeof(pkt) - 12);

	xdp_buf_init(&b, pkt, 13); /* runt */
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	assert_memory_equal(b.ctx.data, pkt, 13);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

static uint32_t
rol32(uint32_t x, unsigned k)
{
	return (x << k) | (x >> (32 - k));
}

/* mix3() of xdp_parse_hash.bpf.c, the reference. */
static uint32_t
ref_mix3(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b;
	c -= rol32(b, 14);
	a ^= c;
	a -= rol32(c, 11);
	b ^= a;
	b -= rol32(a, 25);
	c ^= b;
	c -= rol32(b, 16);
	a ^= c;
	a -= rol32(c, 4);
	b ^= a;
	b -= rol32(a, 14);
	c ^= b;
	c -= rol32(b, 24);
	return c;
}

static uint16_t
ip_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Ethernet + IPv4 (checksummed) + UDP 1234 → 5678. */
static size_t
build_ipv4_udp(uint8_t *pkt, uint8_t ihl)
{
	static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
	static const uint8_t ip[20] = {0x45, 0, 0,  36, 0, 1, 0,  0, 64, 17,
				       0,    0, 10, 0,	0, 1, 10, 0, 0,	 2};
	static const uint8_t udp[8] = {0x04, 0xd2, 0x16, 0x2e, 0, 16, 0, 0};
	uint16_t c;

	memset(pkt, 0xab, 64);
	memcpy(pkt, eth, sizeof(eth));
	memcpy(pkt + 14, ip, sizeof(ip));
	pkt[14] = (uint8_t)(0x40 | ihl);
	c = ip_csum(pkt + 14, 20);
	pkt[24] = (uint8_t)(c >> 8);
	pkt[25] = (uint8_t)c;
	memcpy(pkt + 34, udp, sizeof(udp));
	return 64;
}

static void
test_elf_run_parse_hash(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->parse_hash);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_parse_hash");
	uint8_t pkt[64], out[64];
	struct xdp_buf b;
	uint32_t hash;
	size_t len;

	/* IPv4/UDP: bounced, hash in the new source MAC, TTL - 1, checksum valid. */
	len = build_ipv4_udp(pkt, 5);
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	memcpy(out, b.ctx.data, len);
	hash = ref_mix3(load32(pkt + 26) + 0xdeadbeef, load32(pkt + 30) + 17, load32(pkt + 34));
	assert_memory_equal(out, pkt + 6, 6);
	assert_memory_equal(out + 6, pkt, 2);
	assert_int_equal(out[8], hash >> 24);
	assert_int_equal(out[9], (hash >> 16) & 0xff);
	assert_int_equal(out[10], (hash >> 8) & 0xff);
	assert_int_equal(out[11], hash & 0xff);
	assert_int_equal(out[14 + 8], 63);
	assert_int_equal(ip_csum(out + 14, 20), 0);
	assert_memory_equal(out + 34, pkt + 34, len - 34);

	/* Malformed IPv4 (ihl 4): dropped, untouched. */
	len = build_ipv4_udp(pkt, 4);
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	assert_memory_equal(b.ctx.data, pkt, len);

	/* ARP: passed. */
	len = build_ipv4_udp(pkt, 5);
	pkt[12] = 0x08;
	pkt[13] = 0x06;
	xdp_buf_init(&b, pkt, len);
	assert_int_equal(run_checked(prog, &b), XDP_PASS);

	/* Truncated in the UDP header: dropped. */
	len = build_ipv4_udp(pkt, 5);
	xdp_buf_init(&b, pkt, 38);
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

/* mix() of multi_prog.bpf.c. */
static uint32_t
ref_mix(uint32_t a, uint32_t b)
{
	a ^= b;
	a -= rol32(b, 7);
	return a;
}

/* The subprograms are appended and called: the results match C. */
static void
test_elf_run_multi_prog(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->multi);
	struct xdpdk_prog *first = create_prog(fx, obj, "xdp_first");
	struct xdpdk_prog *second = create_prog(fx, obj, "xdp_second");
	uint8_t pkt[200] = {0};
	unsigned seen[4] = {0};
	struct xdp_buf b;
	uint32_t len, q;

	for (len = 14; len < sizeof(pkt); len++) {
		uint32_t want = (ref_mix(len, 0x9e3779b9) & 0xff) > 0x80 ? XDP_PASS : XDP_DROP;

		xdp_buf_init(&b, pkt, len);
		assert_int_equal(run_checked(first, &b), want);
		seen[want]++;
	}
	assert_true(seen[XDP_PASS] > 0 && seen[XDP_DROP] > 0);
	for (q = 0; q < 16; q++) {
		xdp_buf_init(&b, pkt, 60);
		b.ctx.rx_queue_index = q;
		assert_int_equal(run_checked(second, &b), (ref_mix(7, q) & 1) ? XDP_PASS : XDP_TX);
	}
	xdpdk_prog_free(first);
	xdpdk_prog_free(second);
	xdpdk_obj_close(obj);
}

static void
test_elf_run_ctx_fields(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->ctx_fields);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_ctx_fields");
	uint8_t pkt[60] = {0};
	struct xdp_buf b;

	xdp_buf_init(&b, pkt, sizeof(pkt));
	b.ctx.data_meta = b.ctx.data - 8;
	assert_int_equal(run_checked(prog, &b), XDP_PASS);
	assert_int_equal(load32(b.ctx.data), 7);
	assert_int_equal(load32(b.ctx.data + 4), 3);
	assert_int_equal(load32(b.ctx.data + 8), 8);

	/* Room for the first field only. */
	xdp_buf_init(&b, pkt, 6);
	assert_int_equal(run_checked(prog, &b), XDP_PASS);
	assert_int_equal(load32(b.ctx.data), 7);
	assert_int_equal(b.ctx.data[4], 0);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

/* Global data maps in memory, as the maps component will make them: resolve and run. */
struct data_maps {
	uint8_t *buf[8];
	void *value[8];
	uint32_t n;
};

static void
data_maps_init(struct data_maps *dm, const struct xdpdk_obj *obj)
{
	uint32_t i;

	memset(dm, 0, sizeof(*dm));
	dm->n = xdpdk_obj_map_count(obj);
	assert_true(dm->n <= 8);
	for (i = 0; i < dm->n; i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		uint32_t size = xdpdk_obj_map_def(m)->value_size;

		dm->buf[i] = malloc(size);
		assert_non_null(dm->buf[i]);
		memcpy(dm->buf[i], xdpdk_obj_map_data(m), size);
		dm->value[i] = dm->buf[i];
	}
}

static void
data_maps_free(struct data_maps *dm)
{
	uint32_t i;

	for (i = 0; i < dm->n; i++)
		free(dm->buf[i]);
}

/* A program of @p obj with its map references resolved to @p dm. */
static struct xdpdk_prog *
create_resolved(struct fixture *fx, const struct xdpdk_obj *obj, const char *name,
		const struct data_maps *dm)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, name);
	struct xdpdk_prog_opts o = {
	    .name = name,
	    .engine = XDPDK_ENGINE_INTERP,
	    .log_buf = fx->log,
	    .log_size = sizeof(fx->log),
	};
	struct xdpdk_prog *prog;
	struct bpf_insn *insns;
	uint32_t n;

	assert_non_null(p);
	o.type = xdpdk_obj_prog_type(p);
	insns = malloc(sizeof(*insns) * 4096);
	assert_non_null(insns);
	xdpdk_obj_prog_insns(p, &n);
	assert_true(n <= 4096);
	memcpy(insns, xdpdk_obj_prog_insns(p, NULL), n * sizeof(*insns));
	assert_int_equal(
	    xdpdk_insns_resolve_maps(insns, n, NULL, dm->value, dm->n, fx->log, sizeof(fx->log)),
	    0);
	prog = xdpdk_prog_create(insns, n, &o);
	free(insns);
	if (prog == NULL)
		fail_msg("prog '%s': create failed (errno %d): %s", name, errno, fx->log);
	return prog;
}

static uint32_t load32(const uint8_t *p);

static void
test_elf_run_global_data(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->data_all);
	uint32_t data = map_index(obj, ".data"), bss = map_index(obj, ".bss");
	const uint8_t *b0 = fx->data_all.buf;
	struct xdpdk_prog *prog, *tc;
	struct data_maps dm;
	uint8_t pkt[64] = {0};
	struct xdp_buf b;
	uint64_t zeroes1;

	data_maps_init(&dm, obj);
	prog = create_resolved(fx, obj, "xdp_globals", &dm);
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	/* bump(ro_pad[2] = 13): bss_word = 13, + table[1] = 15; times ro_mult 3. */
	assert_int_equal(load32(b.ctx.data), 45);
	assert_int_equal(load32(b.ctx.data + 4), 101);
	assert_int_equal(load32(b.ctx.data + 8), 3);
	assert_int_equal(load32(b.ctx.data + 12), 0xfeed + 0xc0ffee);
	assert_memory_equal(b.ctx.data + 16, "dk", 2); /* "xdpdk-str"[3..4], queue 3 */
	assert_int_equal(load32(b.ctx.data + 20), 41);
	/* The program wrote its maps: counter, hits (.data), bss_word, zeroes[1] (.bss). */
	assert_int_equal(load32(dm.buf[data] + find_sym((uint8_t *)b0, "counter")->st_value), 101);
	assert_int_equal(load32(dm.buf[data] + find_sym((uint8_t *)b0, "hits")->st_value), 41);
	assert_int_equal(load32(dm.buf[bss] + find_sym((uint8_t *)b0, "bss_word")->st_value), 13);
	memcpy(&zeroes1, dm.buf[bss] + find_sym((uint8_t *)b0, "zeroes")->st_value + 8, 8);
	assert_int_equal(zeroes1, 5);
	/* The object's initial data is untouched. */
	assert_int_equal(load32((const uint8_t *)xdpdk_obj_map_data(xdpdk_obj_map_at(obj, data)) +
				find_sym((uint8_t *)b0, "counter")->st_value),
			 100);

	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	assert_int_equal(load32(b.ctx.data), 3 * (26 + 2));
	assert_int_equal(load32(b.ctx.data + 4), 102);

	/* Another program sharing the maps and the subprogram. */
	tc = create_resolved(fx, obj, "tc_globals", &dm);
	xdpdk_prog_free(tc);
	xdpdk_prog_free(prog);
	data_maps_free(&dm);
	xdpdk_obj_close(obj);
}

static void
test_elf_run_kconfig(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj_opts o = {.log_buf = fx->log,
				   .log_size = sizeof(fx->log),
				   .kernel_version = KERNEL_VERSION(6, 1, 7),
				   .kconfig = TEST_KCONFIG};
	struct xdpdk_obj *obj = xdpdk_obj_open_mem(fx->kconfig.buf, fx->kconfig.size, &o);
	/* BPF_JIT, XDP_SOCKETS (TRI_MODULE), HZ low bytes, X_CHAR, X_STR[0], X_U64 (unset) */
	const uint8_t want[7] = { 1, 2, 0xe8, 0x03, 'm', 'h', 0 };
	uint8_t pkt[32];
	struct xdpdk_prog *prog;
	struct data_maps dm;
	struct xdp_buf b;

	assert_non_null(obj);
	data_maps_init(&dm, obj);
	prog = create_resolved(fx, obj, "xdp_kconfig", &dm);
	memset(pkt, 0xaa, sizeof(pkt));
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(xdpdk_prog_run(prog, &b.ctx, 0), XDP_TX);
	assert_int_equal(load32(b.ctx.data), KERNEL_VERSION(6, 1, 7));
	assert_memory_equal(b.ctx.data + 4, want, 7);
	xdpdk_prog_free(prog);
	data_maps_free(&dm);
	xdpdk_obj_close(obj);
}

/* CO-RE end to end: relocated offsets, bitfields, sizes, enum values, existence. */
static void
test_elf_run_core(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->core);
	struct xdpdk_prog *prog = create_prog(fx, obj, "xdp_core");
	uint8_t pkt[64] = {0};
	struct xdp_buf b;

	pkt[14] = 0x46; /* version 4, ihl 6 */
	pkt[14 + 8] = 63;
	xdp_buf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(run_checked(prog, &b), XDP_TX);
	assert_int_equal(load32(b.ctx.data), 3);     /* rx_queue_index */
	assert_int_equal(load32(b.ctx.data + 4), 7); /* ingress_ifindex */
	assert_int_equal(b.ctx.data[8], 6);	     /* ihl */
	assert_int_equal(b.ctx.data[9], 4);	     /* version */
	assert_int_equal(b.ctx.data[10], 63);	     /* ttl */
	/* rx_queue_index exists, no_such and no_such_type do not, XDP_REDIRECT does. */
	assert_int_equal(b.ctx.data[11], 1 | 8);
	assert_int_equal(b.ctx.data[12], 20 + 14);
	assert_int_equal(b.ctx.data[14], XDP_TX);
	assert_int_equal(b.ctx.data[15], 2);

	xdp_buf_init(&b, pkt, 20); /* too short */
	assert_int_equal(run_checked(prog, &b), XDP_DROP);
	xdpdk_prog_free(prog);
	xdpdk_obj_close(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_macswap_is_one_xdp_program),
	    cmocka_unit_test(test_elf_open_file),
	    cmocka_unit_test(test_elf_multi_prog_appends_subprograms),
	    cmocka_unit_test(test_elf_func_ptr_becomes_pseudo_func),
	    cmocka_unit_test(test_elf_maps_now_open),
	    cmocka_unit_test(test_elf_legacy_maps),
	    cmocka_unit_test(test_elf_reference_to_other_section),
	    cmocka_unit_test(test_elf_btf_maps),
	    cmocka_unit_test(test_elf_map_in_map),
	    cmocka_unit_test(test_elf_map_in_map_bad_values),
	    cmocka_unit_test(test_elf_global_data_maps),
	    cmocka_unit_test(test_elf_global_data_bad_offset),
	    cmocka_unit_test(test_elf_kconfig),
	    cmocka_unit_test(test_elf_core_offsets),
	    cmocka_unit_test(test_elf_core_unresolved),
	    cmocka_unit_test(test_elf_core_corrupt),
	    cmocka_unit_test(test_elf_btf_corrupt),
	    cmocka_unit_test(test_elf_resolve_maps),
	    cmocka_unit_test(test_elf_undefined_symbol_is_enoent),
	    cmocka_unit_test(test_elf_section_type_table),
	    cmocka_unit_test(test_elf_unknown_section_and_type_override),
	    cmocka_unit_test(test_elf_bad_header),
	    cmocka_unit_test(test_elf_truncated_everywhere),
	    cmocka_unit_test(test_elf_bad_sections),
	    cmocka_unit_test(test_elf_bad_call_target),
	    cmocka_unit_test(test_elf_random_mutations),
	    cmocka_unit_test(test_elf_btf_mutations),
	    cmocka_unit_test(test_elf_run_macswap),
	    cmocka_unit_test(test_elf_run_parse_hash),
	    cmocka_unit_test(test_elf_run_multi_prog),
	    cmocka_unit_test(test_elf_run_ctx_fields),
	    cmocka_unit_test(test_elf_run_global_data),
	    cmocka_unit_test(test_elf_run_kconfig),
	    cmocka_unit_test(test_elf_run_core),
	};

	/* Corrupt objects make libbpf's BTF parser warn on stderr; the log says why. */
	libbpf_set_print(NULL);

	return cmocka_run_group_tests_name("elf", tests, group_setup, group_teardown);
}
