/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ELF loader tests: program discovery and types, subprogram relocation
 * (bpf2bpf calls and function pointers), refusal of map references, and
 * corrupt objects (hand-made corruptions plus seeded random mutations) that
 * must fail with errno set and never crash. Objects come from tests/progs,
 * built by meson into $XDPDK_PROGS_DIR. The last tests run relocated
 * programs on the interpreter, end to end (check, context rewrite, run).
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
#include <cmocka.h>

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
	char log[LOG_SIZE];
};

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

	if (fx == NULL)
		return -1;
	*state = fx;
	if (read_blob("xdp_macswap", &fx->macswap) || read_blob("multi_prog", &fx->multi) ||
	    read_blob("func_ptr", &fx->func_ptr) || read_blob("maps_ref", &fx->maps_ref) ||
	    read_blob("global_data", &fx->global_data) ||
	    read_blob("xdp_parse_hash", &fx->parse_hash) ||
	    read_blob("xdp_ctx_fields", &fx->ctx_fields)) {
		fprintf(stderr, "cannot read test objects from %s\n", prog_path(""));
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx == NULL)
		return 0;
	free(fx->macswap.buf);
	free(fx->multi.buf);
	free(fx->func_ptr.buf);
	free(fx->maps_ref.buf);
	free(fx->global_data.buf);
	free(fx->parse_hash.buf);
	free(fx->ctx_fields.buf);
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

static void
test_elf_map_reference_is_enotsup(void **state)
{
	struct fixture *fx = *state;

	errno = 0;
	assert_null(open_blob(fx, fx->maps_ref.buf, fx->maps_ref.size));
	assert_int_equal(errno, ENOTSUP);
	assert_log_has(fx, "prog 'xdp_count': insn ");
	assert_log_has(fx, "map 'pkt_count'");
	assert_log_has(fx, "not supported yet");

	errno = 0;
	assert_null(open_blob(fx, fx->global_data.buf, fx->global_data.size));
	assert_int_equal(errno, ENOTSUP);
	assert_log_has(fx, "prog 'xdp_global': insn ");
	assert_log_has(fx, "global");
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
	(void)sum;
}

static void
test_elf_random_mutations(void **state)
{
	struct fixture *fx = *state;
	const struct blob *srcs[] = {&fx->multi, &fx->func_ptr, &fx->parse_hash, &fx->maps_ref,
				     &fx->ctx_fields};
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_macswap_is_one_xdp_program),
	    cmocka_unit_test(test_elf_open_file),
	    cmocka_unit_test(test_elf_multi_prog_appends_subprograms),
	    cmocka_unit_test(test_elf_func_ptr_becomes_pseudo_func),
	    cmocka_unit_test(test_elf_map_reference_is_enotsup),
	    cmocka_unit_test(test_elf_undefined_symbol_is_enoent),
	    cmocka_unit_test(test_elf_section_type_table),
	    cmocka_unit_test(test_elf_unknown_section_and_type_override),
	    cmocka_unit_test(test_elf_bad_header),
	    cmocka_unit_test(test_elf_truncated_everywhere),
	    cmocka_unit_test(test_elf_bad_sections),
	    cmocka_unit_test(test_elf_bad_call_target),
	    cmocka_unit_test(test_elf_random_mutations),
	    cmocka_unit_test(test_elf_run_macswap),
	    cmocka_unit_test(test_elf_run_parse_hash),
	    cmocka_unit_test(test_elf_run_multi_prog),
	    cmocka_unit_test(test_elf_run_ctx_fields),
	};

	return cmocka_run_group_tests_name("elf", tests, group_setup, group_teardown);
}
