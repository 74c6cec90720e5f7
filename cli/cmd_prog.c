/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk prog: run (BPF_PROG_TEST_RUN of xdpdk), dump xlated|jited, show,
 * verify, exec-raw (the bpf_conformance plugin interface); test is cmd_prog_test.c,
 * diff cmd_prog_diff.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <capstone/capstone.h>

#include "pcap_compat.h" /* before cli.h: see there */
#include "cli.h"
#include "golden.h"

#include <xdpdk/control.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/helpers.h>

static const char *const engine_choices[] = { "jit", "interp", "auto", NULL };

/* ---- prog run ----------------------------------------------------------- */

struct run_cfg {
	const char *obj;
	const char *prog;
	const char *section;
	const char *data_in;
	const char *pcap_in;
	const char *data_out;
	const char *pcap_out;
	const char *ctx_in;
	const char *ctx_out;
	unsigned long long repeat;
	const char *engine;
	const char *maps_init;
	bool json;
	bool dump_maps;
	bool jit_blind;
};

static const struct xdpdk_opt run_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct run_cfg, obj),
	  .positional = true, .required = true },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct run_cfg, prog), "NAME",
	  "program (function) name" },
	{ "section", 's', XDPDK_OPT_STRING, offsetof(struct run_cfg, section), "SEC",
	  "program by section name" },
	{ "data-in", 'i', XDPDK_OPT_STRING, offsetof(struct run_cfg, data_in), "FILE",
	  "packet bytes to run on (raw binary)" },
	{ "pcap-in", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, pcap_in), "FILE",
	  "run every packet of a pcap/pcapng file" },
	{ "data-out", 'o', XDPDK_OPT_STRING, offsetof(struct run_cfg, data_out), "FILE",
	  "write the output packet (from data_meta to data_end)" },
	{ "pcap-out", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, pcap_out), "FILE",
	  "write every output packet to a pcap" },
	{ "ctx-in", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, ctx_in), "FILE",
	  "struct xdp_md (XDP; data = metadata length) or __sk_buff (TC) input" },
	{ "ctx-out", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, ctx_out), "FILE",
	  "write the final struct xdp_md or __sk_buff" },
	{ "repeat", 'r', XDPDK_OPT_UINT, offsetof(struct run_cfg, repeat), "N",
	  "runs to average the duration over; each starts from the original input" },
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct run_cfg, engine), "ENGINE",
	  "engine (default: jit, falling back to interp with a message)", engine_choices },
	{ "maps-init", 0, XDPDK_OPT_STRING, offsetof(struct run_cfg, maps_init), "FILE",
	  "map entries before the run, as `prog test --maps-init` takes them" },
	{ "dump-maps", 'm', XDPDK_OPT_FLAG, offsetof(struct run_cfg, dump_maps), NULL,
	  "print every map's entries after the run" },
	{ "jit-blind", 0, XDPDK_OPT_FLAG, offsetof(struct run_cfg, jit_blind), NULL,
	  "constant blinding in the JIT image (untrusted programs; docs/reliability.md)" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct run_cfg, json), NULL, "JSON output" },
	XDPDK_OPT_END,
};

static int
write_file(const char *path, const char *file, const void *buf, size_t len)
{
	FILE *f = fopen(file, "wb");

	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		cli_err(path, "cannot write '%s': %s", file, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

static const char *
action_or_num(enum xdpdk_prog_type type, uint32_t retval, char *buf, size_t size)
{
	const char *a = cli_action_name(type, retval);

	if (a)
		return a;
	snprintf(buf, size, "unknown(%u)", retval);
	return buf;
}

static int
run_one(const char *path, const struct run_cfg *cfg, struct cli_prog *cp)
{
	static uint8_t out[XDPDK_TEST_RUN_MAX_OUT];
	uint8_t *in = NULL, *ctx = NULL;
	size_t in_len = 0, ctx_len = 0;
	union {
		struct xdp_md x;
		struct __sk_buff s;
	} md_out = { 0 };
	const bool xdp = xdpdk_prog_type(cp->prog) == XDPDK_PROG_TYPE_XDP;
	struct xdpdk_test_run t = { 0 };
	const char *aname;
	char abuf[32];
	int rc;

	in = cli_read_file(cfg->data_in, &in_len);
	if (in == NULL) {
		cli_err(path, "cannot read '%s': %s", cfg->data_in, strerror(errno));
		return CLI_FAIL;
	}
	if (cfg->ctx_in) {
		ctx = cli_read_file(cfg->ctx_in, &ctx_len);
		if (ctx == NULL) {
			cli_err(path, "cannot read '%s': %s", cfg->ctx_in, strerror(errno));
			free(in);
			return CLI_FAIL;
		}
	}
	t.data_in = in;
	t.data_size_in = (uint32_t)in_len;
	t.data_out = out;
	t.data_size_out = sizeof(out);
	t.ctx_in = ctx;
	t.ctx_size_in = (uint32_t)ctx_len;
	t.ctx_out = &md_out;
	t.ctx_size_out = xdp ? sizeof(md_out.x) : sizeof(md_out.s);
	t.repeat = (uint32_t)(cfg->repeat ? cfg->repeat : 1);
	t.fresh_input = 1;
	rc = xdpdk_prog_test_run(cp->prog, &t);
	free(in);
	free(ctx);
	if (rc == -EINVAL && cp->oprog != NULL &&
	    (strstr(xdpdk_obj_prog_section(cp->oprog), "/devmap") != NULL ||
	     strstr(xdpdk_obj_prog_section(cp->oprog), "/cpumap") != NULL)) {
		cli_err(path, "program '%s' (section '%s') runs behind a devmap or cpumap entry; "
			"like the kernel, xdpdk does not test-run such programs",
			xdpdk_obj_prog_name(cp->oprog), xdpdk_obj_prog_section(cp->oprog));
		return CLI_FAIL;
	}
	if (rc == -EINVAL) {
		cli_err(path, "invalid input: packet of %zu bytes (at least 14 for XDP) or bad ctx-in",
			in_len);
		return CLI_FAIL;
	}
	if (rc != 0) {
		cli_err(path, "test run failed: %s", strerror(-rc));
		return CLI_FAIL;
	}
	if (cfg->data_out && write_file(path, cfg->data_out, out, t.data_size_out) != 0)
		return CLI_FAIL;
	if (cfg->ctx_out && write_file(path, cfg->ctx_out, &md_out, t.ctx_size_out) != 0)
		return CLI_FAIL;
	aname = action_or_num(xdpdk_prog_type(cp->prog), t.retval, abuf, sizeof(abuf));
	if (cfg->json) {
		printf("{\"program\":");
		cli_json_str(stdout, xdpdk_prog_name(cp->prog));
		printf(",\"engine\":\"%s\",\"retval\":%u,\"action\":\"%s\",\"duration_ns\":%" PRIu64
		       ",\"repeat\":%u,\"data_out_len\":%u,\"data_out\":",
		       xdpdk_engine_name(xdpdk_prog_engine(cp->prog)), t.retval, aname,
		       t.duration_ns, t.repeat, t.data_size_out);
		cli_json_hex(stdout, out, t.data_size_out);
		if (xdp)
			printf(",\"ctx_out\":{\"data\":%u,\"data_end\":%u,\"data_meta\":%u}",
			       md_out.x.data, md_out.x.data_end, md_out.x.data_meta);
		if (cfg->dump_maps) {
			printf(",\"maps\":");
			cli_dump_maps(stdout, cp->loaded, true);
		}
		printf("}\n");
	} else {
		printf("retval: %u (%s)\n", t.retval, aname);
		printf("duration: %" PRIu64 " ns per run (repeat %u, engine %s)\n", t.duration_ns,
		       t.repeat, xdpdk_engine_name(xdpdk_prog_engine(cp->prog)));
		printf("data_out: %u bytes (metadata %u)\n", t.data_size_out,
		       xdp ? md_out.x.data : 0);
		if (cfg->dump_maps)
			cli_dump_maps(stdout, cp->loaded, false);
	}
	return CLI_OK;
}

static int
run_pcap(const char *path, const struct run_cfg *cfg, struct cli_prog *cp)
{
	enum xdpdk_prog_type type = xdpdk_prog_type(cp->prog);
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *pkt;
	pcap_t *in, *dead = NULL;
	pcap_dumper_t *dump = NULL;
	uint64_t counts[6] = { 0 }, total_ns = 0, n = 0, invalid = 0;
	static uint8_t out[XDPDK_TEST_RUN_MAX_OUT];
	char abuf[32];
	int rc, ret = CLI_OK;

	in = pcap_open_offline(cfg->pcap_in, errbuf);
	if (in == NULL) {
		cli_err(path, "cannot read '%s': %s", cfg->pcap_in, errbuf);
		return CLI_FAIL;
	}
	if (pcap_datalink(in) != DLT_EN10MB) {
		cli_err(path, "'%s': link type %s, only Ethernet (EN10MB) is supported",
			cfg->pcap_in, pcap_datalink_val_to_name(pcap_datalink(in)));
		pcap_close(in);
		return CLI_FAIL;
	}
	if (cfg->pcap_out) {
		dead = pcap_open_dead(DLT_EN10MB, 65535);
		dump = dead ? pcap_dump_open(dead, cfg->pcap_out) : NULL;
		if (dump == NULL) {
			cli_err(path, "cannot write '%s': %s", cfg->pcap_out,
				dead ? pcap_geterr(dead) : "pcap_open_dead failed");
			ret = CLI_FAIL;
			goto out;
		}
	}
	if (cfg->json)
		printf("{\"program\":\"%s\",\"engine\":\"%s\",\"results\":[", xdpdk_prog_name(cp->prog),
		       xdpdk_engine_name(xdpdk_prog_engine(cp->prog)));
	while ((rc = pcap_next_ex(in, &hdr, &pkt)) == 1) {
		struct xdp_md md = { 0 };
		struct xdpdk_test_run t = {
			.data_in = pkt, .data_size_in = hdr->caplen,
			.data_out = out, .data_size_out = sizeof(out),
			.ctx_out = type == XDPDK_PROG_TYPE_XDP ? &md : NULL,
			.ctx_size_out = sizeof(md),
			.repeat = (uint32_t)(cfg->repeat ? cfg->repeat : 1), .fresh_input = 1,
		};

		rc = xdpdk_prog_test_run(cp->prog, &t);
		if (cfg->json)
			printf("%s", n + invalid ? "," : "");
		if (rc != 0) {
			/* As BPF_PROG_TEST_RUN: runts and oversize frames are refused. */
			invalid++;
			if (cfg->json)
				printf("{\"packet\":%" PRIu64 ",\"error\":\"%s\",\"len\":%u}",
				       n + invalid, strerror(-rc), hdr->caplen);
			continue;
		}
		n++;
		total_ns += t.duration_ns;
		counts[t.retval < 5 ? t.retval : 5]++;
		if (cfg->json) {
			printf("{\"packet\":%" PRIu64 ",\"retval\":%u,\"action\":\"%s\","
			       "\"data_out_len\":%u}", n + invalid, t.retval,
			       action_or_num(type, t.retval, abuf, sizeof(abuf)), t.data_size_out);
		}
		if (dump) {
			struct pcap_pkthdr oh = *hdr;

			/* The wire bytes: from data (after any metadata) to data_end. */
			oh.caplen = oh.len = t.data_size_out - md.data;
			pcap_dump((u_char *)dump, &oh, out + md.data);
		}
	}
	if (rc == -1) {
		cli_err(path, "'%s': %s", cfg->pcap_in, pcap_geterr(in));
		ret = CLI_FAIL;
	}
	if (cfg->json) {
		printf("],\"packets\":%" PRIu64 ",\"invalid\":%" PRIu64 ",\"verdicts\":{", n, invalid);
		for (int v = 0; v < 6; v++)
			printf("%s\"%s\":%" PRIu64, v ? "," : "",
			       v < 5 ? action_or_num(type, (uint32_t)v, abuf, sizeof(abuf)) : "other",
			       counts[v]);
		printf("},\"duration_ns_avg\":%" PRIu64, n ? total_ns / n : 0);
		if (cfg->dump_maps) {
			printf(",\"maps\":");
			cli_dump_maps(stdout, cp->loaded, true);
		}
		printf("}\n");
	} else {
		printf("packets: %" PRIu64 " run, %" PRIu64 " refused (as BPF_PROG_TEST_RUN: runts "
		       "under 14 bytes)\n", n, invalid);
		for (int v = 0; v < 6; v++)
			if (counts[v])
				printf("  %-14s %" PRIu64 "\n",
				       v < 5 ? action_or_num(type, (uint32_t)v, abuf, sizeof(abuf))
					     : "other",
				       counts[v]);
		printf("duration: %" PRIu64 " ns per packet (engine %s, program time only)\n",
		       n ? total_ns / n : 0, xdpdk_engine_name(xdpdk_prog_engine(cp->prog)));
		if (total_ns)
			printf("rate: %.2f Mpps on one core\n", (double)n * 1e3 / (double)total_ns);
		if (cfg->pcap_out)
			printf("output: %s\n", cfg->pcap_out);
		if (cfg->dump_maps)
			cli_dump_maps(stdout, cp->loaded, false);
	}
out:
	if (dump)
		pcap_dump_close(dump);
	if (dead)
		pcap_close(dead);
	pcap_close(in);
	return ret;
}

/* The run, after seeding the maps (and bpf_fib_lookup's table) from --maps-init. */
static int
run_seeded(const char *path, const struct run_cfg *cfg, struct cli_prog *cp)
{
	struct xdpdk_fib *fib = NULL;
	int rc;

	if (cfg->maps_init != NULL &&
	    cli_golden_seed_file(cfg->maps_init, cp->loaded, &fib) != 0) {
		cli_err(path, "cannot seed the maps from '%s' (see above)", cfg->maps_init);
		return CLI_FAIL;
	}
	rc = cfg->pcap_in ? run_pcap(path, cfg, cp) : run_one(path, cfg, cp);
	cli_golden_fib_teardown(fib);
	return rc;
}

static int
cmd_run(const char *path, int argc, char **argv)
{
	struct run_cfg cfg = { 0 };
	struct cli_prog cp;
	bool done;
	int rc = cli_parse(path, "Run a program on a packet (or a pcap), like BPF_PROG_TEST_RUN.",
			   run_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (!cfg.data_in == !cfg.pcap_in) {
		cli_err(path, "give exactly one of --data-in or --pcap-in");
		return CLI_USAGE;
	}
	if ((cfg.pcap_out && !cfg.pcap_in) || (cfg.data_out && !cfg.data_in)) {
		cli_err(path, "--pcap-out goes with --pcap-in, --data-out with --data-in");
		return CLI_USAGE;
	}
	rc = cli_load_prog_blind(path, cfg.obj, cfg.prog, cfg.section, cfg.engine, cfg.jit_blind,
				 &cp);
	if (rc != CLI_OK)
		return rc;
	if (xdpdk_prog_type(cp.prog) == XDPDK_PROG_TYPE_RAW) {
		cli_err(path, "program '%s' has no packet context: use 'prog raw'",
			xdpdk_prog_name(cp.prog));
		cli_unload_prog(&cp);
		return CLI_FAIL;
	}
	rc = run_seeded(path, &cfg, &cp);
	cli_unload_prog(&cp);
	return rc;
}

/* ---- prog dump xlated|jited -------------------------------------------- */

struct dump_cfg {
	const char *what;
	const char *obj;
	const char *prog;
	const char *engine;
	bool jit_blind;
};

static const char *const dump_choices[] = { "xlated", "jited", NULL };

static const struct xdpdk_opt dump_opts[] = {
	{ .name = "xlated|jited", .type = XDPDK_OPT_CHOICE,
	  .offset = offsetof(struct dump_cfg, what), .choices = dump_choices,
	  .positional = true, .required = true },
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct dump_cfg, obj),
	  .positional = true, .required = true },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct dump_cfg, prog), "NAME",
	  "program (function or section) name" },
	{ "jit-blind", 0, XDPDK_OPT_FLAG, offsetof(struct dump_cfg, jit_blind), NULL,
	  "jited: the code as constant blinding builds it (docs/reliability.md)" },
	XDPDK_OPT_END,
};

static void
print_xlated(const struct xdpdk_prog *prog, uint32_t i)
{
	uint32_t n;
	const struct bpf_insn *insns = xdpdk_prog_insns(prog, &n);
	char buf[160];

	if (xdpdk_disasm_insn(&insns[i], n - i, buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "invalid insn 0x%02x", insns[i].code);
	printf("%4u: (%02x) %s\n", i, insns[i].code, buf);
}

static int
dump_jited(const char *path, const struct xdpdk_prog *prog)
{
	size_t size;
	const uint32_t *offs;
	const uint8_t *img = xdpdk_prog_jit_image(prog, &size, &offs);
	uint32_t n;
	csh cs;
	cs_insn *ci;
	size_t count;

	xdpdk_prog_insns(prog, &n);
	if (img == NULL) {
		cli_err(path, "program '%s' is not JIT-compiled: %s", xdpdk_prog_name(prog),
			xdpdk_prog_jit_error(prog));
		return CLI_FAIL;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		cli_err(path, "capstone: cannot open the x86-64 disassembler");
		return CLI_FAIL;
	}
	count = cs_disasm(cs, img, size, (uint64_t)(uintptr_t)img, 0, &ci);
	for (size_t k = 0, next = 0; k < count; k++) {
		size_t off = ci[k].address - (uint64_t)(uintptr_t)img;

		/* Interleave: the BPF instructions that start at this offset. */
		while (next < n && offs[next] <= off) {
			if (offs[next] == off || next == 0)
				print_xlated(prog, (uint32_t)next);
			next++;
		}
		printf("  %5zx:  %-8s %s\n", off, ci[k].mnemonic, ci[k].op_str);
	}
	cs_free(ci, count);
	cs_close(&cs);
	return CLI_OK;
}

static int
cmd_dump(const char *path, int argc, char **argv)
{
	struct dump_cfg cfg = { 0 };
	struct cli_prog cp;
	bool done;
	uint32_t n;
	int rc = cli_parse(path, "Print a program's instructions as run (xlated) or its JIT code.",
			   dump_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	rc = cli_load_prog_blind(path, cfg.obj, cfg.prog, NULL,
				 strcmp(cfg.what, "jited") == 0 ? "jit" : "interp", cfg.jit_blind, &cp);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(cfg.what, "jited") == 0) {
		rc = dump_jited(path, cp.prog);
	} else {
		xdpdk_prog_insns(cp.prog, &n);
		for (uint32_t i = 0; i < n; i++) {
			print_xlated(cp.prog, i);
			if (xdpdk_prog_insns(cp.prog, NULL)[i].code == (BPF_LD | BPF_IMM | BPF_DW))
				i++;
		}
	}
	cli_unload_prog(&cp);
	return rc;
}

/* ---- prog show ---------------------------------------------------------- */

struct show_cfg {
	const char *obj;
	bool json;
	const char *socket;
};

static const struct xdpdk_opt show_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct show_cfg, obj),
	  .positional = true },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct show_cfg, json), NULL, "JSON output" },
	{ "socket", 's', XDPDK_OPT_STRING, offsetof(struct show_cfg, socket), "PATH",
	  "without OBJ: the dataplane's control socket (default $XDPDK_SOCKET or "
	  CLI_DEFAULT_SOCKET ")" },
	XDPDK_OPT_END,
};


static const char *
type_name(enum xdpdk_prog_type t)
{
	switch (t) {
	case XDPDK_PROG_TYPE_XDP: return "xdp";
	case XDPDK_PROG_TYPE_TC: return "tc";
	case XDPDK_PROG_TYPE_SOCKET_FILTER: return "socket_filter";
	default: return "unknown";
	}
}

/* Print the names of the maps program @p p references, as JSON strings or words. */
static void
print_prog_maps(const struct xdpdk_obj *obj, const struct xdpdk_obj_prog *p, bool json)
{
	uint32_t n, n_maps = xdpdk_obj_map_count(obj), k = 0;
	const struct bpf_insn *insns = xdpdk_obj_prog_insns(p, &n);
	bool *used = calloc(n_maps ? n_maps : 1, sizeof(*used));

	if (used == NULL)
		return;
	for (uint32_t i = 0; i + 1 < n; i++)
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (insns[i].src_reg == BPF_PSEUDO_MAP_IDX ||
		     insns[i].src_reg == BPF_PSEUDO_MAP_IDX_VALUE) &&
		    (uint32_t)insns[i].imm < n_maps)
			used[insns[i].imm] = true;
	for (uint32_t m = 0; m < n_maps; m++) {
		if (!used[m])
			continue;
		if (json) {
			printf("%s", k ? "," : "");
			cli_json_str(stdout, xdpdk_obj_map_name(xdpdk_obj_map_at(obj, m)));
		} else {
			printf("%s%s", k ? "," : "  maps ", xdpdk_obj_map_name(xdpdk_obj_map_at(obj, m)));
		}
		k++;
	}
	free(used);
}

static int
cmd_show(const char *path, int argc, char **argv)
{
	struct show_cfg cfg = { 0 };
	char log[2048] = "";
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_obj *obj;
	bool done;
	int rc = cli_parse(path, "List the programs and maps of an object file; without OBJ, what "
			   "each port of a running dataplane runs (over its control socket).",
			   show_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.obj == NULL) {
		char *fwd[] = { "prog", "show", cfg.json ? "--json" : NULL };

		return cli_remote_run(path, cfg.socket, cfg.json ? 3 : 2, fwd);
	}
	obj = xdpdk_obj_open(cfg.obj, &oo);
	if (obj == NULL) {
		cli_err(path, "cannot load '%s': %s%s%s", cfg.obj, strerror(errno),
			log[0] ? "\n" : "", log);
		return CLI_FAIL;
	}
	if (cfg.json) {
		printf("{\"license\":");
		cli_json_str(stdout, xdpdk_obj_license(obj));
		printf(",\"programs\":[");
	}
	for (uint32_t i = 0; i < xdpdk_obj_prog_count(obj); i++) {
		const struct xdpdk_obj_prog *p = xdpdk_obj_prog_at(obj, i);
		uint32_t n;

		xdpdk_obj_prog_insns(p, &n);
		if (cfg.json) {
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, xdpdk_obj_prog_name(p));
			printf(",\"section\":");
			cli_json_str(stdout, xdpdk_obj_prog_section(p));
			printf(",\"type\":\"%s\",\"insns\":%u,\"maps\":[",
			       type_name(xdpdk_obj_prog_type(p)), n);
			print_prog_maps(obj, p, true);
			printf("]}");
		} else {
			printf("%u: %s  name %s  section %s  insns %u", i,
			       type_name(xdpdk_obj_prog_type(p)), xdpdk_obj_prog_name(p),
			       xdpdk_obj_prog_section(p), n);
			print_prog_maps(obj, p, false);
			printf("\n");
		}
	}
	if (cfg.json)
		printf("],\"maps\":[");
	for (uint32_t i = 0; i < xdpdk_obj_map_count(obj); i++) {
		const struct xdpdk_obj_map *m = xdpdk_obj_map_at(obj, i);
		const struct xdpdk_map_def *d = xdpdk_obj_map_def(m);
		const char *tn = xdpdk_map_type_name(d->type);

		if (cfg.json) {
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, xdpdk_obj_map_name(m));
			printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,"
			       "\"max_entries\":%u,\"flags\":%u,\"pinning\":%u}",
			       tn ? tn : "unknown", d->key_size, d->value_size, d->max_entries,
			       d->map_flags, xdpdk_obj_map_pinning(m));
		} else {
			printf("map %u: %s  name %s  key %uB  value %uB  max_entries %u  flags 0x%x%s\n",
			       i, tn ? tn : "unknown", xdpdk_obj_map_name(m), d->key_size,
			       d->value_size, d->max_entries, d->map_flags,
			       xdpdk_obj_map_pinning(m) ? "  pinned by name" : "");
		}
	}
	if (cfg.json)
		printf("]}\n");
	xdpdk_obj_close(obj);
	return CLI_OK;
}

/* ---- prog verify --------------------------------------------------------- */

struct verify_cfg {
	const char *obj;
	const char *prog;
	const char *log_level;
	bool strict;
};

static const struct xdpdk_opt verify_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct verify_cfg, obj),
	  .positional = true, .required = true },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct verify_cfg, prog), "NAME",
	  "only this program" },
	{ "log-level", 'l', XDPDK_OPT_STRING, offsetof(struct verify_cfg, log_level), "N",
	  "1: the failing instruction and its state (default); 2: every instruction" },
	{ "strict", 's', XDPDK_OPT_FLAG, offsetof(struct verify_cfg, strict), NULL,
	  "add the kernel's unprivileged rules (uninitialised stack, pointer leaks)" },
	XDPDK_OPT_END,
};

#define VERIFY_LOG_SIZE (16u << 20)

static int
cmd_verify(const char *path, int argc, char **argv)
{
	struct verify_cfg cfg = { 0 };
	struct xdpdk_obj_opts oopts = { 0 };
	struct xdpdk_load_opts lopts = { .helpers = xdpdk_helpers_resolve,
					 .engine = XDPDK_ENGINE_INTERP };
	struct xdpdk_loaded *lo = NULL;
	struct xdpdk_obj *obj;
	char *log;
	bool done;
	int rc = cli_parse(path, "Verify the programs of an object as loading does (the "
			   "kernel's rules, see docs/verifier.md) and print the verifier log.",
			   verify_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.log_level && (strcmp(cfg.log_level, "1") && strcmp(cfg.log_level, "2"))) {
		cli_err(path, "--log-level: '%s' is not 1 or 2", cfg.log_level);
		return CLI_USAGE;
	}
	lopts.verify.log_level = cfg.log_level ? (uint32_t)atoi(cfg.log_level) : 1;
	lopts.verify.strict = cfg.strict;
	log = calloc(1, VERIFY_LOG_SIZE);
	if (log == NULL)
		return CLI_FAIL;
	oopts.log_buf = log;
	oopts.log_size = VERIFY_LOG_SIZE;
	lopts.log_buf = log;
	lopts.log_size = VERIFY_LOG_SIZE;
	lopts.only_prog = cfg.prog;
	obj = xdpdk_obj_open(cfg.obj, &oopts);
	if (obj == NULL) {
		cli_err(path, "cannot load '%s': %s\n%s", cfg.obj, strerror(errno), log);
		free(log);
		return CLI_FAIL;
	}
	rc = CLI_FAIL;
	if (cfg.prog && xdpdk_obj_prog_find(obj, cfg.prog) == NULL) {
		cli_err(path, "no program named '%s' in '%s'", cfg.prog, cfg.obj);
		goto out;
	}
	if (xdpdk_obj_map_count(obj) > 0 && xdpdk_eal_init_tool("xdpdk", 0, NULL) != 0)
		goto out;
	lo = xdpdk_obj_load(obj, &lopts);
	fputs(log, stdout);
	if (lo == NULL) {
		cli_err(path, "verification failed: %s", strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < xdpdk_loaded_prog_count(lo); i++) {
		struct xdpdk_prog *p = xdpdk_loaded_prog_at(lo, i);

		if (p != NULL)
			printf("%s: verified\n", xdpdk_prog_name(p));
	}
	rc = CLI_OK;
out:
	xdpdk_loaded_free(lo);
	xdpdk_obj_close(obj);
	free(log);
	return rc;
}

/* ---- prog exec-raw ----------------------------------------------------- */

struct raw_cfg {
	const char *engine;
	const char *mem;
};

static const struct xdpdk_opt raw_opts[] = {
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct raw_cfg, engine), "ENGINE",
	  "engine (default jit)", engine_choices },
	{ .name = "MEMORY_HEX", .type = XDPDK_OPT_STRING, .offset = offsetof(struct raw_cfg, mem),
	  .positional = true },
	XDPDK_OPT_END,
};

static int
cmd_exec_raw(const char *path, int argc, char **argv)
{
	struct raw_cfg cfg = { 0 };
	struct xdpdk_prog_opts po = { .type = XDPDK_PROG_TYPE_RAW, .name = "raw" };
	struct xdpdk_run_result res;
	struct xdpdk_prog *checked = NULL, *prog = NULL;
	uint8_t *code = NULL, *mem = NULL, *mem2 = NULL;
	size_t code_len, text_len, mem_len = 0;
	char *text = NULL, log[2048];
	bool done;
	int rc = cli_parse(path, "Run raw instruction bytes (hex on stdin) with r1 = a copy of "
			   "MEMORY_HEX and r2 = its length; print r0 in hex.\nThe bpf_conformance "
			   "plugin interface.", raw_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.engine && xdpdk_engine_parse(cfg.engine, &po.engine) != 0)
		return CLI_USAGE;
	text = (char *)cli_read_file("/dev/stdin", &text_len);
	if (text == NULL || (text = realloc(text, text_len + 1)) == NULL) {
		cli_err(path, "cannot read the program from stdin");
		return CLI_FAIL;
	}
	text[text_len] = '\0';
	rc = CLI_FAIL;
	if (cli_parse_hex(text, &code, &code_len) != 0 || code_len == 0 || code_len % 8) {
		cli_err(path, "the program must be hex bytes, a multiple of 8");
		goto out;
	}
	if (cfg.mem && cli_parse_hex(cfg.mem, &mem, &mem_len) != 0) {
		cli_err(path, "MEMORY_HEX is not hex");
		rc = CLI_USAGE;
		goto out;
	}
	/*
	 * The verifier sees r1 as MEMORY_HEX's bytes and r2 as their count; a
	 * checked interpreter run then catches what it cannot (division faults
	 * are defined, so this is belt and braces).
	 */
	po.verify.raw_mem_size = (uint32_t)mem_len;
	po.log_buf = log;
	po.log_size = sizeof(log);
	po.bounds_check = 1;
	{
		struct xdpdk_prog_opts co = po;

		co.engine = XDPDK_ENGINE_INTERP;
		checked = xdpdk_prog_create((const struct bpf_insn *)code,
					    (uint32_t)(code_len / 8), &co);
	}
	if (checked == NULL) {
		cli_err(path, "program refused: %s", log);
		goto out;
	}
	mem2 = malloc(mem_len ? mem_len : 1);
	if (mem2 == NULL)
		goto out;
	if (mem_len)
		memcpy(mem2, mem, mem_len);
	if (xdpdk_prog_run_checked(checked, mem_len ? mem2 : NULL, mem_len, &res) != 0 ||
	    res.fault) {
		cli_err(path, "program faulted: %s", res.fault_msg[0] ? res.fault_msg : "fault");
		goto out;
	}
	if (po.engine == XDPDK_ENGINE_INTERP) {
		printf("%" PRIx64 "\n", res.retval);
		rc = CLI_OK;
		goto out;
	}
	po.bounds_check = 0;
	prog = xdpdk_prog_create((const struct bpf_insn *)code, (uint32_t)(code_len / 8), &po);
	if (prog == NULL) {
		cli_err(path, "program refused: %s", log);
		goto out;
	}
	if (mem_len)
		memcpy(mem2, mem, mem_len);
	printf("%" PRIx64 "\n", xdpdk_prog_run(prog, mem_len ? mem2 : NULL, mem_len));
	rc = CLI_OK;
out:
	xdpdk_prog_free(prog);
	xdpdk_prog_free(checked);
	free(text);
	free(code);
	free(mem);
	free(mem2);
	return rc;
}

/* ---- attach, replace, detach: on a running dataplane ----------------------- */

struct attach_cfg {
	const char *obj;
	const char *port;
	const char *prog;
	const char *engine;
	const char *socket;
	const char *priority;
	const char *actions;
	const char *hook;
	bool all_ports;
};

static const char *const engines[] = { "jit", "interp", NULL };
static const char *const hooks[] = { "xdp", "tc_ingress", "tc_egress", NULL };

#define ATTACH_PORT_OPTS                                                                    \
	{ "port", 'p', XDPDK_OPT_STRING, offsetof(struct attach_cfg, port), "PORT",         \
	  "the port, by its configured name or ifindex (required)" },                     \
	{ "socket", 's', XDPDK_OPT_STRING, offsetof(struct attach_cfg, socket), "PATH",     \
	  "the dataplane's control socket (default $XDPDK_SOCKET or " CLI_DEFAULT_SOCKET ")" }, \
	{ "hook", 0, XDPDK_OPT_CHOICE, offsetof(struct attach_cfg, hook), NULL,             \
	  "xdp (default: the port's chain), tc_ingress or tc_egress (one program each)",    \
	  hooks }

static const struct xdpdk_opt attach_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct attach_cfg, obj),
	  .positional = true, .required = true },
	ATTACH_PORT_OPTS,
	{ "prog", 0, XDPDK_OPT_STRING, offsetof(struct attach_cfg, prog), "NAME",
	  "the program (default: the object's first XDP program)" },
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct attach_cfg, engine), NULL,
	  "jit (default) or interp", engines },
	{ "priority", 0, XDPDK_OPT_STRING, offsetof(struct attach_cfg, priority), "N",
	  "run_prio in the port's chain, lower first (default 50; replace: the old one's)" },
	{ "chain-call-actions", 0, XDPDK_OPT_STRING, offsetof(struct attach_cfg, actions), "LIST",
	  "verdicts after which the next program of the chain runs, e.g. pass,drop "
	  "(default pass; replace: the old one's)" },
	{ "all-ports", 0, XDPDK_OPT_FLAG, offsetof(struct attach_cfg, all_ports), NULL,
	  "replace: on every port that runs a program of that name, in one step, instead "
	  "of --port" },
	XDPDK_OPT_END,
};

static const struct xdpdk_opt detach_opts[] = {
	ATTACH_PORT_OPTS,
	{ "prog", 0, XDPDK_OPT_STRING, offsetof(struct attach_cfg, prog), "NAME",
	  "only this program of the port's chain (default: all)" },
	XDPDK_OPT_END,
};

static int
attach_like(const char *path, int argc, char **argv, const char *verb, const char *summary)
{
	struct attach_cfg cfg = { 0 };
	char abs[PATH_MAX];
	char *fwd[16];
	int n = 0;
	bool done;
	int rc = cli_parse(path, summary, strcmp(verb, "detach") ? attach_opts : detach_opts,
			   argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.all_ports && strcmp(verb, "replace") != 0) {
		cli_err(path, "--all-ports is for replace");
		return CLI_USAGE;
	}
	if (cfg.port != NULL && cfg.all_ports) {
		cli_err(path, "--port and --all-ports exclude each other");
		return CLI_USAGE;
	}
	if (cfg.port == NULL && !cfg.all_ports) {
		cli_err(path, "which port? (--port PORT%s)",
			strcmp(verb, "replace") == 0 ? ", or --all-ports" : "");
		return CLI_USAGE;
	}
	fwd[n++] = "prog";
	fwd[n++] = (char *)verb;
	if (cfg.obj != NULL) {
		/* The dataplane opens it: from its directory, not ours. */
		if (realpath(cfg.obj, abs) == NULL) {
			cli_err(path, "%s: %s", cfg.obj, strerror(errno));
			return CLI_FAIL;
		}
		fwd[n++] = abs;
	}
	if (cfg.all_ports) {
		fwd[n++] = "--all-ports";
	} else {
		fwd[n++] = "--port";
		fwd[n++] = (char *)cfg.port;
	}
	if (cfg.prog != NULL) {
		fwd[n++] = "--prog";
		fwd[n++] = (char *)cfg.prog;
	}
	if (cfg.engine != NULL) {
		fwd[n++] = "--engine";
		fwd[n++] = (char *)cfg.engine;
	}
	if (cfg.hook != NULL) {
		fwd[n++] = "--hook";
		fwd[n++] = (char *)cfg.hook;
	}
	if (cfg.priority != NULL) {
		fwd[n++] = "--priority";
		fwd[n++] = (char *)cfg.priority;
	}
	if (cfg.actions != NULL) {
		fwd[n++] = "--chain-call-actions";
		fwd[n++] = (char *)cfg.actions;
	}
	return cli_remote_run(path, cfg.socket, n, fwd);
}

static int
cmd_attach(const char *path, int argc, char **argv)
{
	return attach_like(path, argc, argv, "attach",
			   "Load an object's XDP program into a running dataplane and add it to "
			   "a port's chain of programs (libxdp's run_prio and chain_call_actions "
			   "semantics). Maps pinned by name are shared with the programs already "
			   "loaded.");
}

static int
cmd_replace(const char *path, int argc, char **argv)
{
	return attach_like(path, argc, argv, "replace",
			   "Replace the XDP program of a port of a running dataplane (in a chain, "
			   "the one of the same name), atomically: "
			   "workers take the new program at their next burst, no packet sees a half "
			   "state and none is lost; the old one is freed after an RCU grace period.");
}

static int
cmd_detach(const char *path, int argc, char **argv)
{
	return attach_like(path, argc, argv, "detach",
			   "Detach the XDP programs of a port of a running dataplane, or one of "
			   "them (--prog); a port without programs sends its packets the XDP_PASS "
			   "way.");
}

const struct cli_cmd cli_prog_cmds[] = {
	{ "run", "run a program on a packet or a pcap (BPF_PROG_TEST_RUN)", cmd_run, NULL },
	{ "test", "golden test: a pcap in, expected pcap and verdicts out", cli_cmd_prog_test,
	  NULL },
	{ "diff", "run an object on the kernel and on xdpdk, report what differs",
	  cli_cmd_prog_diff, NULL },
	{ "verify", "check a program as loading does, print the log", cmd_verify, NULL },
	{ "dump", "print instructions (xlated) or JIT code (jited)", cmd_dump, NULL },
	{ "show", "list the programs and maps of an object, or what ports run", cmd_show, NULL },
	{ "attach", "attach a program to a port of a running dataplane", cmd_attach, NULL },
	{ "replace", "replace a port's program atomically, under traffic", cmd_replace, NULL },
	{ "detach", "detach a port's program", cmd_detach, NULL },
	{ "exec-raw", "run raw instructions (bpf_conformance plugin)", cmd_exec_raw, NULL },
	{ NULL, NULL, NULL, NULL },
};
