/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF loader tests: program discovery and types, subprogram relocation
 * (bpf2bpf calls and function pointers), the section type table, and corrupt
 * objects (hand-made corruptions plus seeded random mutations) that must fail
 * with errno set and never crash. Maps, global data, kconfig and CO-RE are in
 * test_elf_maps.c; relocated programs run end to end in test_elf_run.c.
 */
#include <bpf/libbpf.h>

#include "elf_test.h"

#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC 4
#endif

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

/*
 * An inactive (SHT_NULL) header may hold any offset and size: the loader must
 * not read through it, even when its name is one it looks up (found by
 * fuzz_elf: "license" with an offset past the end was read by strnlen).
 */
static void
test_elf_null_section_is_not_read(void **state)
{
	struct fixture *fx = *state;
	const struct blob *b = &fx->macswap;
	uint8_t *img = dup_blob(b);
	unsigned lic = find_sec(img, "license");
	struct xdpdk_obj *obj;
	unsigned btf;

	shdr(img, lic)->sh_type = SHT_NULL;
	shdr(img, lic)->sh_offset = 1ull << 40;
	shdr(img, lic)->sh_size = 256;
	obj = open_blob(fx, img, b->size);
	if (obj == NULL)
		fail_msg("open failed (errno %d): %s", errno, fx->log);
	assert_string_equal(xdpdk_obj_license(obj), "");
	xdpdk_obj_close(obj);
	free(img);

	/* BTF-defined maps need .BTF: an inactive one is an absent one. */
	b = &fx->btf_maps;
	img = dup_blob(b);
	btf = find_sec(img, ".BTF");
	shdr(img, btf)->sh_type = SHT_NULL;
	shdr(img, btf)->sh_offset = 1ull << 40;
	expect_einval(fx, img, b->size, "section '.BTF' is empty");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_macswap_is_one_xdp_program),
	    cmocka_unit_test(test_elf_open_file),
	    cmocka_unit_test(test_elf_multi_prog_appends_subprograms),
	    cmocka_unit_test(test_elf_func_ptr_becomes_pseudo_func),
	    cmocka_unit_test(test_elf_maps_now_open),
	    cmocka_unit_test(test_elf_undefined_symbol_is_enoent),
	    cmocka_unit_test(test_elf_section_type_table),
	    cmocka_unit_test(test_elf_unknown_section_and_type_override),
	    cmocka_unit_test(test_elf_bad_header),
	    cmocka_unit_test(test_elf_truncated_everywhere),
	    cmocka_unit_test(test_elf_bad_sections),
	    cmocka_unit_test(test_elf_null_section_is_not_read),
	    cmocka_unit_test(test_elf_bad_call_target),
	    cmocka_unit_test(test_elf_random_mutations),
	    cmocka_unit_test(test_elf_btf_mutations),
	};

	/* Corrupt objects make libbpf's BTF parser warn on stderr; the log says why. */
	libbpf_set_print(NULL);

	return cmocka_run_group_tests_name("elf", tests, group_setup, group_teardown);
}
