/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk feature: what this xdpdk supports, probed rather than listed, as
 * `bpftool feature probe` does for a kernel: each program type is built and
 * test-run, each ISA feature assembled and compiled by the JIT, each map type
 * looked up in the map registry and each helper in the helper table for every
 * program type. docs/compatibility.md embeds the --markdown form, and a test
 * keeps it equal to what this prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/asm.h>
#include <xdpdk/helpers.h>
#include <xdpdk/kfunc.h>
#include <xdpdk/map.h>

#include "cli.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct feature_cfg {
	bool json;
	bool markdown;
};

static const struct xdpdk_opt feature_opts[] = {
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct feature_cfg, json), NULL, "JSON output" },
	{ "markdown", 0, XDPDK_OPT_FLAG, offsetof(struct feature_cfg, markdown), NULL,
	  "Markdown tables (what docs/compatibility.md embeds)" },
	XDPDK_OPT_END,
};

enum fmt { F_TEXT, F_JSON, F_MD };

static const struct {
	enum xdpdk_prog_type type;
	const char *name;
	const char *sections;	/* checked against the loader below */
} prog_types[] = {
	{ XDPDK_PROG_TYPE_XDP, "xdp", "xdp xdp.frags xdp/devmap xdp/cpumap xdp.frags/devmap "
				      "xdp.frags/cpumap" },
	{ XDPDK_PROG_TYPE_TC, "tc", "tc classifier action tc/ingress tc/egress tcx/ingress "
				    "tcx/egress" },
	{ XDPDK_PROG_TYPE_SOCKET_FILTER, "socket_filter", "socket" },
};

/* ISA features: a small program using each, which the JIT must compile. */
static const struct {
	const char *name;
	const char *text;
} isa_features[] = {
	{ "ALU64, ALU32, JMP (v1)", "mov %r0, 1\nadd32 %r0, 2\njeq %r0, 3, +0\nexit" },
	{ "JMP32 (v3)", "mov %r0, 1\njeq32 %r0, 1, +0\nexit" },
	{ "atomic add/and/or/xor, fetch, xchg, cmpxchg (v3)",
	  "stdw [%r10-8], 0\nmov %r1, 1\nlock add [%r10-8], %r1\nlock fetch xor [%r10-8], %r1\n"
	  "lock xchg [%r10-8], %r1\nmov %r0, 0\nlock cmpxchg [%r10-8], %r1\nexit" },
	{ "sdiv/smod (v4)", "mov %r0, 7\nsdiv %r0, 2\nsmod32 %r0, 3\nexit" },
	{ "movsx (v4)", "mov %r1, 255\nmovsx864 %r0, %r1\nexit" },
	{ "ldsx (v4)", "stdw [%r10-8], 0\nldxsb %r0, [%r10-8]\nexit" },
	{ "bswap (v4)", "mov %r0, 1\nbswap64 %r0\nexit" },
	{ "gotol (v4)", "mov %r0, 0\nja32 +0\nexit" },
	{ "bpf-to-bpf calls", "call local f\nexit\nf:\nmov %r0, 1\nexit" },
	{ "LD_ABS/LD_IND", "ldabsb 0\nexit" },
};

/* The engine that ends up running @p insns for @p type: "jit", "interp" or "no". */
static const char *
probe_engine(const struct bpf_insn *insns, uint32_t n, enum xdpdk_prog_type type,
	     enum xdpdk_engine engine, struct xdpdk_prog **keep)
{
	const struct xdpdk_prog_opts o = { .name = "probe", .type = type, .engine = engine,
					   .helpers = xdpdk_helpers_resolve };
	struct xdpdk_prog *p = xdpdk_prog_create(insns, n, &o);

	if (p == NULL)
		return "no";
	if (keep != NULL) {
		*keep = p;
		return xdpdk_engine_name(xdpdk_prog_engine(p));
	}
	xdpdk_prog_free(p);
	return engine == XDPDK_ENGINE_JIT ? "jit" : "interp";
}

static const char *
probe_isa(const char *text, enum xdpdk_engine engine)
{
	struct bpf_insn *insns;
	const char *r;
	uint32_t n;

	if (xdpdk_asm(text, &insns, &n, NULL, 0) != 0)
		return "no";
	r = probe_engine(insns, n, XDPDK_PROG_TYPE_XDP, engine, NULL);
	free(insns);
	return r;
}

/* A test run of "r0 = 2; exit" on a 64-byte packet: yes, or why not. */
static const char *
probe_test_run(enum xdpdk_prog_type type, const char **engine)
{
	static const struct bpf_insn ret2[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t pkt[64] = { 0 }, out[128];
	struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = sizeof(pkt),
				    .data_out = out, .data_size_out = sizeof(out), .repeat = 1 };
	struct xdpdk_prog *p = NULL;
	int ret;

	*engine = probe_engine(ret2, 2, type, XDPDK_ENGINE_AUTO, &p);
	if (p == NULL)
		return "no (cannot load)";
	ret = xdpdk_prog_test_run(p, &t);
	xdpdk_prog_free(p);
	if (ret == -ENOTSUP)
		return "no";
	return ret == 0 && t.retval == 2 ? "yes" : "broken";
}

/* ---- output ---------------------------------------------------------------- */

static void
section_start(enum fmt f, const char *title, const char *md_head, const char *md_rule,
	      bool *first_section)
{
	if (f == F_JSON) {
		printf("%s\"%s\":[", *first_section ? "" : "],", title);
	} else if (f == F_MD) {
		printf("%s### %s\n\n%s\n%s\n", *first_section ? "" : "\n", title, md_head,
		       md_rule);
	} else {
		printf("%s%s\n", *first_section ? "" : "\n", title);
	}
	*first_section = false;
}

static void
print_prog_types(enum fmt f, bool *first)
{
	section_start(f, "program types", "| type | sections | engine | test run |",
		      "|---|---|---|---|", first);
	for (size_t i = 0; i < ARRAY_LEN(prog_types); i++) {
		const char *engine, *tr = probe_test_run(prog_types[i].type, &engine);
		char secs[256];
		enum xdpdk_prog_type t;
		size_t n = 0;

		/* Only the sections the loader really maps to this type. */
		secs[0] = '\0';
		for (const char *s = prog_types[i].sections; *s;) {
			size_t len = strcspn(s, " ");
			char one[64];

			snprintf(one, sizeof(one), "%.*s", (int)len, s);
			if (xdpdk_elf_section_type(one, &t) == 0 && t == prog_types[i].type)
				n += (size_t)snprintf(secs + n, sizeof(secs) - n, "%s%s",
						      n ? (f == F_TEXT ? " " : ", ") : "", one);
			s += len + (s[len] == ' ');
		}
		if (f == F_JSON)
			printf("%s{\"type\":\"%s\",\"sections\":\"%s\",\"engine\":\"%s\","
			       "\"test_run\":\"%s\"}", i ? "," : "", prog_types[i].name, secs, engine,
			       tr);
		else if (f == F_MD)
			printf("| %s | %s | %s | %s |\n", prog_types[i].name, secs, engine, tr);
		else
			printf("  %-14s engine %-6s test run %-4s sections: %s\n", prog_types[i].name,
			       engine, tr, secs);
	}
}

static void
print_isa(enum fmt f, bool *first)
{
	section_start(f, "ISA", "| feature | interpreter | JIT |", "|---|---|---|", first);
	for (size_t i = 0; i < ARRAY_LEN(isa_features); i++) {
		const char *in = probe_isa(isa_features[i].text, XDPDK_ENGINE_INTERP);
		const char *jit = probe_isa(isa_features[i].text, XDPDK_ENGINE_JIT);

		in = strcmp(in, "no") ? "yes" : "no";
		jit = strcmp(jit, "no") ? "yes" : "no";
		if (f == F_JSON)
			printf("%s{\"feature\":\"%s\",\"interp\":%s,\"jit\":%s}", i ? "," : "",
			       isa_features[i].name, strcmp(in, "yes") ? "false" : "true",
			       strcmp(jit, "yes") ? "false" : "true");
		else if (f == F_MD)
			printf("| %s | %s | %s |\n", isa_features[i].name, in, jit);
		else
			printf("  %-50s interp %-3s jit %s\n", isa_features[i].name, in, jit);
	}
}

static void
print_maps(enum fmt f, bool *first)
{
	unsigned int k = 0;

	section_start(f, "map types", "| map type | supported |", "|---|---|", first);
	for (unsigned int t = BPF_MAP_TYPE_UNSPEC + 1; xdpdk_map_type_name(t) != NULL; t++) {
		const bool yes = xdpdk_map_type_supported(t);

		if (f == F_JSON)
			printf("%s{\"type\":\"%s\",\"supported\":%s}", k++ ? "," : "",
			       xdpdk_map_type_name(t), yes ? "true" : "false");
		else if (f == F_MD)
			printf("| %s | %s |\n", xdpdk_map_type_name(t), yes ? "yes" : "no");
		else
			printf("  %-24s %s\n", xdpdk_map_type_name(t), yes ? "yes" : "no");
	}
}

static void
print_helpers(enum fmt f, bool *first)
{
	unsigned int k = 0, n_yes = 0, n_all = 0;

	section_start(f, "helpers", "| id | helper | xdp | tc | socket_filter |",
		      "|---:|---|---|---|---|", first);
	for (uint32_t id = 1; xdpdk_helpers_kernel_name(id) != NULL; id++) {
		bool any = false, by_type[3];

		for (size_t i = 0; i < ARRAY_LEN(prog_types); i++) {
			by_type[i] = xdpdk_helpers_resolve(id, prog_types[i].type, NULL) != NULL;
			any |= by_type[i];
		}
		n_all++;
		n_yes += any;
		/* Text and Markdown list what exists; JSON lists every id. */
		if (f == F_JSON) {
			printf("%s{\"id\":%u,\"name\":\"%s\",\"xdp\":%s,\"tc\":%s,"
			       "\"socket_filter\":%s}", k++ ? "," : "", id,
			       xdpdk_helpers_kernel_name(id), by_type[0] ? "true" : "false",
			       by_type[1] ? "true" : "false", by_type[2] ? "true" : "false");
		} else if (any && f == F_MD) {
			printf("| %u | %s | %s | %s | %s |\n", id, xdpdk_helpers_kernel_name(id),
			       by_type[0] ? "yes" : "", by_type[1] ? "yes" : "",
			       by_type[2] ? "yes" : "");
		} else if (any) {
			printf("  %3u %-36s%s%s%s\n", id, xdpdk_helpers_kernel_name(id),
			       by_type[0] ? " xdp" : "", by_type[1] ? " tc" : "",
			       by_type[2] ? " socket_filter" : "");
		}
	}
	if (f == F_MD)
		printf("\n%u of the kernel's %u helpers; a program calling any other is refused "
		       "at load, naming the helper.\n", n_yes, n_all);
	else if (f == F_TEXT)
		printf("  (%u of the kernel's %u helpers)\n", n_yes, n_all);
}

/* kfuncs: resolved by name at load (extern ... __ksym), called by their id. */
static void
print_kfuncs(enum fmt f, bool *first)
{
#define KFUNC_NAME(name, idx) [idx] = #name,
	static const char *const names[] = { XDPDK_KFUNC_MAPPER(KFUNC_NAME) };
#undef KFUNC_NAME

	section_start(f, "kfuncs", "| kfunc | xdp | tc |", "|---|---|---|", first);
	for (uint32_t i = 0; i < ARRAY_LEN(names); i++) {
		const uint32_t id = XDPDK_KFUNC_ID_BASE + i;
		const bool xdp = xdpdk_helpers_resolve(id, XDPDK_PROG_TYPE_XDP, NULL) != NULL;
		const bool tc = xdpdk_helpers_resolve(id, XDPDK_PROG_TYPE_TC, NULL) != NULL;

		if (f == F_JSON)
			printf("%s{\"name\":\"%s\",\"xdp\":%s,\"tc\":%s}", i ? "," : "", names[i],
			       xdp ? "true" : "false", tc ? "true" : "false");
		else if (f == F_MD)
			printf("| %s | %s | %s |\n", names[i], xdp ? "yes" : "", tc ? "yes" : "");
		else
			printf("  %-36s%s%s\n", names[i], xdp ? " xdp" : "", tc ? " tc" : "");
	}
}

int
cli_cmd_feature(const char *path, int argc, char **argv)
{
	struct feature_cfg cfg = { 0 };
	bool done, first = true;
	int rc = cli_parse(path, "Probe what this xdpdk supports: program types, ISA features, "
			   "map types, helpers and kfuncs.", feature_opts, argc, argv, &cfg, &done);
	enum fmt f;

	if (done)
		return rc;
	if (cfg.json && cfg.markdown) {
		cli_err(path, "--json and --markdown exclude each other");
		return CLI_USAGE;
	}
	f = cfg.json ? F_JSON : cfg.markdown ? F_MD : F_TEXT;
	if (f == F_JSON)
		printf("{");
	print_prog_types(f, &first);
	print_isa(f, &first);
	print_maps(f, &first);
	print_helpers(f, &first);
	print_kfuncs(f, &first);
	if (f == F_JSON)
		printf("]}\n");
	return CLI_OK;
}
