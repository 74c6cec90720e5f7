/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF loader tests of what objects define besides code: map definitions (BTF,
 * legacy, map-in-map, prog_array) and references to them, global data
 * sections, .kconfig, CO-RE relocations against xdpdk's types, BTF
 * corruption, and xdpdk_insns_resolve_maps.
 */
#include <sys/utsname.h>

#include <bpf/libbpf.h>
#include <linux/btf.h>

#include "elf_test.h"

/* ---- maps ---- */

static bool
is_map_lddw(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_IDX || insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE);
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

/*
 * A relocation with no target poisons its instruction as libbpf does (a call
 * to helper 0xbad2310) and the object opens; the poison is recorded with the
 * relocation, for the verifier to name if the instruction is reached.
 */
static void
test_elf_core_unresolved(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_obj *obj = open_or_fail(fx, &fx->core_missing);
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(obj, "xdp_core_missing");
	const struct xdpdk_core_poison *poison;
	const struct bpf_insn *insns;
	uint32_t n, n_insns;

	assert_non_null(p);
	poison = xdpdk_obj_prog_core_poison(p, &n);
	insns = xdpdk_obj_prog_insns(p, &n_insns);
	assert_int_equal(n, 1);
	assert_int_equal(poison[0].insn_off, 0);
	assert_string_equal(poison[0].what, "struct xdp_md___new.rx_hash (byte_off, access 0:2): "
					    "xdpdk's types have no such field");
	assert_int_equal(insns[0].code, BPF_JMP | BPF_CALL);
	assert_int_equal(insns[0].src_reg, 0);
	assert_int_equal((uint32_t)insns[0].imm, XDPDK_CORE_POISON_HELPER);
	xdpdk_obj_close(obj);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	/* Corrupt objects make libbpf's BTF parser warn on stderr; the log says why. */
	libbpf_set_print(NULL);

	return cmocka_run_group_tests_name("elf_maps", tests, group_setup, group_teardown);
}
