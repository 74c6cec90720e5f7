/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk prog diff: a user's object on the Linux kernel (libbpf load,
 * BPF_PROG_TEST_RUN, repeat 1) and on xdpdk (each engine), every packet of a
 * pcap, maps seeded alike; what differs is said in a person's terms: the
 * verdict by name, each differing byte with its header field, and after the
 * run the map entries only one side has or whose values differ. The kernel
 * runner is kdiff.c, shared with tests/differential (docs/differential.md).
 * Exit 0: no difference; 1: a difference; 2: usage or bad input; 3: the
 * kernel refused the object or its test runs: xdpdk ran alone (its engines
 * compared with each other).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "pcap_compat.h" /* before cli.h: see there */
#include "cli.h"
#include "golden.h"
#include "kdiff.h"
#include "pkt_fields.h"
#include "prog_test.h"

#include <xdpdk/dataplane.h>
#include <xdpdk/map.h>

enum { PD_NO_KERNEL = 3 };	/* exit code: xdpdk ran alone */
#define PD_BYTE_LINES 8		/* byte lines per packet before "and N more" */

struct pd_cfg {
	const char *obj, *prog, *type, *pcap_in, *maps_init, *engine;
	bool json;
};

static const char *const pd_engines[] = { "both", "interp", "jit", NULL };
static const char *const pd_types[] = { "xdp", "tc", NULL };

static const struct xdpdk_opt pd_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct pd_cfg, obj),
	  .positional = true, .required = true },
	{ "pcap-in", 'i', XDPDK_OPT_STRING, offsetof(struct pd_cfg, pcap_in), "FILE",
	  "the packets to run (pcap or pcapng, Ethernet)", .required = true },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct pd_cfg, prog), "NAME",
	  "program (function) name (default: the object's first of --type)" },
	{ "type", 't', XDPDK_OPT_CHOICE, offsetof(struct pd_cfg, type), "TYPE",
	  "program type to pick (default: any with test runs)", pd_types },
	{ "maps-init", 'm', XDPDK_OPT_STRING, offsetof(struct pd_cfg, maps_init), "FILE",
	  "map entries written on both sides before the run (the format of prog test's "
	  "--maps-init; fib-* lines set xdpdk's table only)" },
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct pd_cfg, engine), "ENGINE",
	  "xdpdk engines to run (default both)", pd_engines },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct pd_cfg, json), NULL, "JSON output" },
	XDPDK_OPT_END,
};

enum pd_kind {
	PD_VERDICT,	/* verdict or refusal */
	PD_LENGTH,
	PD_BYTE,
	PD_MORE,	/* "and N more bytes differ" */
	PD_MAP,		/* an entry: only one side has it, or the values differ */
	PD_MAP_MISSING,	/* xdpdk's map has no kernel counterpart */
};

static const char *const pd_kind_names[] = {
	[PD_VERDICT] = "verdict", [PD_LENGTH] = "length", [PD_BYTE] = "byte",
	[PD_MORE] = "more", [PD_MAP] = "map", [PD_MAP_MISSING] = "map",
};

struct pd_diff {
	enum pd_kind kind;
	const char *engine;
	size_t pkt;		/* 1-based; 0: a map */
	uint32_t off;
	char field[64];		/* header field, or the map's name */
	char key[96];		/* map entries: the key in hex */
	char ref[160], got[160];	/* the reference's (kernel or interp) and xdpdk's */
	char ref_field[64], got_field[64];	/* the field's value on each side */
};

/* An outcome kept for the comparison of the second engine with the first (no kernel). */
struct pd_kept {
	int err;
	uint32_t retval, len;
	uint8_t *data;
};

struct pd {
	const char *path;
	struct pd_cfg cfg;
	struct pkts in;
	struct cli_golden_seeds seeds;
	char prog[64];
	enum xdpdk_prog_type type;
	const char *engines[2];
	int n_engines;
	char no_kernel[512];	/* why the kernel does not take part; "" when it does */
	const char *against;	/* "kernel", or "interp" when xdpdk runs alone */
	char host[200];		/* host-dependent helpers the program calls */
	struct pd_diff *d;
	size_t n_d, cap_d;
	unsigned passed, failed, skipped;
	struct pd_kept *kept;
	struct cli_kdiff_outcome *ko, *xo;
	struct cli_pkt_layout *lk, *lx;
	char error[512];	/* bad input, for --json */
};

/* The last thing libbpf warned about: why the kernel refused an object. */
static char pd_libbpf_said[256];

static int
libbpf_note(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		char line[sizeof(pd_libbpf_said)];
		const char *l = line;

		vsnprintf(line, sizeof(line), fmt, ap);
		line[strcspn(line, "\n")] = 0;
		if (strncmp(l, "libbpf: ", 8) == 0)
			l += 8;
		snprintf(pd_libbpf_said, sizeof(pd_libbpf_said), "%s", l);
	}
	return 0;
}

static int
bad_input(struct pd *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
bad_input(struct pd *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
	cli_err(p->path, "%s", p->error);
	return CLI_USAGE;
}

static struct pd_diff *
add(struct pd *p, enum pd_kind kind, const char *engine, size_t pkt)
{
	struct pd_diff *d;

	p->d = cli_grow(p->d, &p->cap_d, p->n_d, sizeof(*p->d));
	d = &p->d[p->n_d++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->engine = engine;
	d->pkt = pkt;
	return d;
}

/* "XDP_TX", or "refused (Invalid argument)". */
static void
verdict(const struct pd *p, int err, uint32_t retval, char *buf, size_t size)
{
	const char *a = cli_action_name(p->type, retval);

	if (err)
		snprintf(buf, size, "refused (%s)", strerror(err));
	else if (a)
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%u", retval);
}

/* Each differing byte of the common length, named by the reference's headers. */
static void
diff_bytes(struct pd *p, const char *engine, size_t pkt, const struct cli_kdiff_outcome *r,
	   const struct cli_kdiff_outcome *x)
{
	const uint32_t min = r->len < x->len ? r->len : x->len;
	const struct cli_pkt_field *last = NULL;
	uint32_t lines = 0;

	cli_pkt_decode(r->data, r->len, x->meta, p->lk);
	cli_pkt_decode(x->data, x->len, x->meta, p->lx);
	for (uint32_t b = 0; b < min; b++) {
		const struct cli_pkt_field *f;
		struct pd_diff *d;

		if (r->data[b] == x->data[b])
			continue;
		if (++lines > PD_BYTE_LINES)
			continue;
		f = cli_pkt_field_at(p->lk, b);
		d = add(p, PD_BYTE, engine, pkt);
		d->off = b;
		snprintf(d->field, sizeof(d->field), "%s", f ? f->name : "payload");
		snprintf(d->ref, sizeof(d->ref), "0x%02x", r->data[b]);
		snprintf(d->got, sizeof(d->got), "0x%02x", x->data[b]);
		/* The field's value, once per field: "10.0.0.1" says more than 0x0a. */
		if (f && f != last && f->len > 1 && f->off + f->len <= min) {
			cli_pkt_field_fmt(f, r->data, r->len, d->ref_field, sizeof(d->ref_field));
			cli_pkt_field_fmt(f, x->data, x->len, d->got_field, sizeof(d->got_field));
		}
		last = f;
	}
	if (lines > PD_BYTE_LINES)
		snprintf(add(p, PD_MORE, engine, pkt)->got, sizeof(p->d->got), "%u",
			 lines - PD_BYTE_LINES);
}

/* Compare packet @p pkt's run on @p engine with the reference's. @return same or not. */
static bool
compare(struct pd *p, const char *engine, size_t pkt, const struct cli_kdiff_outcome *r,
	const struct cli_kdiff_outcome *x)
{
	struct pd_diff *d;

	if (cli_kdiff_same(r, x))
		return true;
	if (r->err || x->err || r->retval != x->retval) {
		d = add(p, PD_VERDICT, engine, pkt);
		verdict(p, r->err, r->retval, d->ref, sizeof(d->ref));
		verdict(p, x->err, x->retval, d->got, sizeof(d->got));
		if (r->err || x->err)
			return false;	/* no bytes to compare */
	}
	if (r->len != x->len) {
		d = add(p, PD_LENGTH, engine, pkt);
		snprintf(d->ref, sizeof(d->ref), "%u", r->len);
		snprintf(d->got, sizeof(d->got), "%u", x->len);
	}
	diff_bytes(p, engine, pkt, r, x);
	return false;
}

static void
hexstr(char *buf, size_t size, const uint8_t *b, uint32_t n)
{
	size_t k = 0;

	buf[0] = 0;
	for (uint32_t i = 0; i < n && k + 4 < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%02x", i && !(i % 4) ? " " : "", b[i]);
	if (n && k + 4 >= size)
		snprintf(buf + size - 4, 4, "...");
}

struct pd_map_arg {
	struct pd *p;
	const char *engine;
	unsigned notes;
};

static void
map_diff(void *arg, const struct cli_kdiff_map_diff *m)
{
	struct pd_map_arg *a = arg;
	struct pd_diff *d;

	if (m->kind == CLI_KDIFF_MAP_UNCOMPARED) {
		if (!a->p->cfg.json)
			printf("note: map %s: per-CPU values of %u bytes (not 8-byte words) are not "
			       "compared\n", m->map, m->vlen);
		a->notes++;
		return;
	}
	d = add(a->p, m->kind == CLI_KDIFF_MAP_NO_KERNEL ? PD_MAP_MISSING : PD_MAP, a->engine, 0);
	snprintf(d->field, sizeof(d->field), "%s", m->map);
	if (m->key)
		hexstr(d->key, sizeof(d->key), m->key, m->klen);
	if (m->kval)
		hexstr(d->ref, sizeof(d->ref), m->kval, m->vlen);
	else
		snprintf(d->ref, sizeof(d->ref), "no entry");
	if (m->xval)
		hexstr(d->got, sizeof(d->got), m->xval, m->vlen);
	else
		snprintf(d->got, sizeof(d->got), "no entry");
}

/* ---- running ------------------------------------------------------------------- */

/* The kernel's copy of the object, seeded; NULL (with p->no_kernel said) when it refuses. */
static struct bpf_object *
kernel_side(struct pd *p, int *fd)
{
	struct bpf_object *kobj;
	struct bpf_program *kp;

	pd_libbpf_said[0] = 0;	/* only what this load says */
	kobj = cli_kdiff_load(p->cfg.obj);

	if (kobj == NULL) {
		snprintf(p->no_kernel, sizeof(p->no_kernel), "the kernel refuses to load '%s': "
			 "%s%s%s", p->cfg.obj, strerror(errno), pd_libbpf_said[0] ? "; libbpf: " :
			 "", pd_libbpf_said);
		return NULL;
	}
	kp = bpf_object__find_program_by_name(kobj, p->prog);
	if (kp == NULL || bpf_program__expected_attach_type(kp) == BPF_XDP_DEVMAP ||
	    bpf_program__expected_attach_type(kp) == BPF_XDP_CPUMAP) {
		snprintf(p->no_kernel, sizeof(p->no_kernel), "the kernel has no test runs for "
			 "program '%s' (%s)", p->prog, kp ? "a devmap/cpumap entry program" :
			 "libbpf does not list it");
		bpf_object__close(kobj);
		return NULL;
	}
	if (cli_kdiff_seed(kobj, &p->seeds) != 0) {
		snprintf(p->no_kernel, sizeof(p->no_kernel), "the kernel's maps do not take the "
			 "entries of '%s' (see above)", p->cfg.maps_init);
		bpf_object__close(kobj);
		return NULL;
	}
	*fd = bpf_program__fd(kp);
	return kobj;
}

/* Keep (e == 0) or compare with (e == 1) the first engine's outcome, xdpdk alone. */
static bool
against_first(struct pd *p, int e, size_t i, const struct cli_kdiff_outcome *x)
{
	struct pd_kept *k = p->kept ? &p->kept[i] : NULL;

	if (k == NULL)
		return true;	/* the kernel dropped out after the first engine: nothing kept */
	if (e == 0) {
		k->err = x->err;
		k->retval = x->retval;
		k->len = x->len;
		k->data = malloc(x->len + 1);
		if (k->data == NULL)
			abort();
		memcpy(k->data, x->data, x->len);
		return true;
	}
	p->ko->err = k->err;
	p->ko->retval = k->retval;
	p->ko->len = k->len;
	memcpy(p->ko->data, k->data, k->len);
	return compare(p, p->engines[e], i + 1, p->ko, x);
}

static int
run_engine(struct pd *p, int e)
{
	const char *engine = p->engines[e];
	struct pd_map_arg ma = { .p = p, .engine = engine };
	struct bpf_object *kobj = NULL;
	struct xdpdk_fib *fib = NULL;
	struct cli_prog cp;
	int fd = -1, rc;

	rc = cli_load_prog(p->path, p->cfg.obj, p->prog, NULL, engine, &cp);
	if (rc != CLI_OK)
		return rc;
	if (cli_golden_seed_xdpdk(cp.loaded, &p->seeds) != 0 ||
	    cli_golden_fib_setup(&p->seeds, &fib) != 0) {
		rc = bad_input(p, "'%s' does not fit the program's maps (see above)",
			       p->cfg.maps_init);
		goto out;
	}
	/* A fresh kernel object per engine: both sides start from the seeds. */
	if (p->no_kernel[0] == 0)
		kobj = kernel_side(p, &fd);
	if (p->no_kernel[0] && e == 0 && p->kept == NULL) {
		p->kept = calloc(p->in.n + 1, sizeof(*p->kept));
		if (p->kept == NULL)
			abort();
	}
	for (size_t i = 0; i < p->in.n; i++) {
		bool same;

		cli_kdiff_run_xdpdk(cp.prog, p->in.v[i].data, p->in.v[i].len, p->xo);
		if (kobj) {
			cli_kdiff_run_kernel(fd, p->in.v[i].data, p->in.v[i].len, p->ko);
			same = compare(p, engine, i + 1, p->ko, p->xo);
		} else {
			same = against_first(p, e, i, p->xo);
		}
		if (!same)
			p->failed++;
		else if (kobj)
			p->passed++;
		else
			p->skipped++;	/* not compared with the kernel */
	}
	if (kobj) {
		if (cli_kdiff_maps(kobj, cp.loaded, map_diff, &ma) == 0)
			p->passed++;
		else
			p->failed++;
	}
out:
	bpf_object__close(kobj);
	cli_golden_fib_teardown(fib);
	cli_unload_prog(&cp);
	return rc;
}

/* The program to run (--prog, or the first of --type), its type; 2 when there is none. */
static int
pick_program(struct pd *p)
{
	char log[1024] = "";
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_obj *xobj = xdpdk_obj_open(p->cfg.obj, &oo);
	const struct xdpdk_obj_prog *op = NULL;
	enum xdpdk_prog_type want = XDPDK_PROG_TYPE_RAW;
	int rc = CLI_OK;

	if (xobj == NULL && errno == ENOENT && access(p->cfg.obj, R_OK) != 0)
		return bad_input(p, "cannot open '%s': %s", p->cfg.obj, strerror(errno));
	if (xobj == NULL)
		return bad_input(p, "cannot open '%s': %s: %s", p->cfg.obj, strerror(errno), log);
	if (p->cfg.type)
		want = strcmp(p->cfg.type, "tc") == 0 ? XDPDK_PROG_TYPE_TC : XDPDK_PROG_TYPE_XDP;
	if (p->cfg.prog) {
		op = xdpdk_obj_prog_find(xobj, p->cfg.prog);
		if (op == NULL)
			rc = bad_input(p, "no program named '%s' in '%s'", p->cfg.prog, p->cfg.obj);
		else if (p->cfg.type && xdpdk_obj_prog_type(op) != want)
			rc = bad_input(p, "program '%s' is not of type %s", p->cfg.prog, p->cfg.type);
	} else {
		for (uint32_t i = 0; i < xdpdk_obj_prog_count(xobj) && op == NULL; i++) {
			const struct xdpdk_obj_prog *c = xdpdk_obj_prog_at(xobj, i);

			if (p->cfg.type ? xdpdk_obj_prog_type(c) == want :
					  xdpdk_obj_prog_type(c) != XDPDK_PROG_TYPE_RAW)
				op = c;
		}
		if (op == NULL)
			rc = bad_input(p, "'%s' has no %s program", p->cfg.obj,
				       p->cfg.type ? p->cfg.type : "XDP or TC");
	}
	if (rc == CLI_OK && xdpdk_obj_prog_type(op) == XDPDK_PROG_TYPE_RAW)
		rc = bad_input(p, "program '%s' has no packet context to test-run",
			       xdpdk_obj_prog_name(op));
	if (rc == CLI_OK) {
		snprintf(p->prog, sizeof(p->prog), "%s", xdpdk_obj_prog_name(op));
		p->type = xdpdk_obj_prog_type(op);
		cli_kdiff_host_helpers(xobj, p->prog, p->host, sizeof(p->host));
	}
	xdpdk_obj_close(xobj);
	return rc;
}

/* ---- the report ------------------------------------------------------------------ */

static void
print_text(const struct pd *p)
{
	const char *ref = p->against;

	for (size_t i = 0; i < p->n_d; i++) {
		const struct pd_diff *d = &p->d[i];

		switch (d->kind) {
		case PD_VERDICT:
			printf("pkt %zu (%s): verdict: %s %s, xdpdk %s\n", d->pkt, d->engine, ref,
			       d->ref, d->got);
			break;
		case PD_LENGTH:
			printf("pkt %zu (%s): length: %s %s, xdpdk %s bytes\n", d->pkt, d->engine,
			       ref, d->ref, d->got);
			break;
		case PD_BYTE:
			printf("pkt %zu (%s): byte %u, %s: %s %s, xdpdk %s", d->pkt, d->engine,
			       d->off, d->field, ref, d->ref, d->got);
			if (d->ref_field[0])
				printf(" (%s %s %s, xdpdk %s)", d->field, ref, d->ref_field,
				       d->got_field);
			printf("\n");
			break;
		case PD_MORE:
			printf("pkt %zu (%s): and %s more bytes differ\n", d->pkt, d->engine, d->got);
			break;
		case PD_MAP:
			printf("map %s (%s): key %s: %s %s, xdpdk %s\n", d->field, d->engine, d->key,
			       ref, d->ref, d->got);
			break;
		case PD_MAP_MISSING:
			printf("map %s (%s): the kernel's object has no such map\n", d->field,
			       d->engine);
			break;
		}
	}
	if (p->failed && p->host[0])
		printf("note: '%s' calls %s, whose results depend on the host (time, randomness, "
		       "CPU, routing): differences may come from them (docs/differential.md)\n",
		       p->prog, p->host);
	printf("%u passed, %u failed, %u skipped\n", p->passed, p->failed, p->skipped);
}

static void
json_field(const char *key, const char *val, bool comma)
{
	printf("%s\"%s\":", comma ? "," : "", key);
	cli_json_str(stdout, val);
}

static void
print_json(const struct pd *p, int rc)
{
	printf("{\"object\":");
	cli_json_str(stdout, p->cfg.obj);
	if (p->error[0]) {
		json_field("error", p->error, true);
		printf(",\"exit\":%d}\n", rc);
		return;
	}
	json_field("program", p->prog, true);
	json_field("type", p->type == XDPDK_PROG_TYPE_TC ? "tc" : "xdp", true);
	printf(",\"packets\":%zu,\"kernel\":%s", p->in.n, p->no_kernel[0] ? "false" : "true");
	if (p->no_kernel[0])
		json_field("kernel_error", p->no_kernel, true);
	printf(",\"engines\":[");
	for (int e = 0; e < p->n_engines; e++)
		printf("%s\"%s\"", e ? "," : "", p->engines[e]);
	printf("],\"host_helpers\":[");
	for (const char *h = p->host, *n; *h; h = *n ? n + 2 : n) {
		char one[64];

		n = strchr(h, ',') ? strchr(h, ',') : h + strlen(h);
		snprintf(one, sizeof(one), "%.*s", (int)(n - h), h);
		printf("%s", h == p->host ? "" : ",");
		cli_json_str(stdout, one);
	}
	printf("],\"differences\":[");
	for (size_t i = 0; i < p->n_d; i++) {
		const struct pd_diff *d = &p->d[i];

		printf("%s{\"engine\":\"%s\",\"kind\":\"%s\"", i ? "," : "", d->engine,
		       pd_kind_names[d->kind]);
		if (d->pkt)
			printf(",\"packet\":%zu", d->pkt);
		if (d->kind == PD_BYTE)
			printf(",\"offset\":%u", d->off);
		if (d->field[0])
			json_field(d->kind >= PD_MAP ? "map" : "field", d->field, true);
		if (d->key[0])
			json_field("key", d->key, true);
		if (d->kind == PD_MORE) {
			printf(",\"bytes\":%s}", d->got);
			continue;
		}
		if (d->kind != PD_MAP_MISSING) {
			json_field(p->against, d->ref, true);
			json_field("xdpdk", d->got, true);
		}
		if (d->ref_field[0]) {
			char k[80];

			snprintf(k, sizeof(k), "%s_value", p->against);
			json_field(k, d->ref_field, true);
			json_field("xdpdk_value", d->got_field, true);
		}
		printf("}");
	}
	printf("],\"passed\":%u,\"failed\":%u,\"skipped\":%u,\"exit\":%d}\n", p->passed,
	       p->failed, p->skipped, rc);
}

/* ---- the verb ---------------------------------------------------------------------- */

static void
pd_free(struct pd *p)
{
	for (size_t i = 0; p->kept && i < p->in.n; i++)
		free(p->kept[i].data);
	free(p->kept);
	free(p->d);
	free(p->ko);
	free(p->xo);
	free(p->lk);
	free(p->lx);
	cli_pkts_free(&p->in);
	cli_golden_seeds_free(&p->seeds);
}

int
cli_cmd_prog_diff(const char *path, int argc, char **argv)
{
	static struct pd p;
	char err[PCAP_ERRBUF_SIZE + 256];
	bool done;
	int rc;

	memset(&p, 0, sizeof(p));
	p.path = path;
	rc = cli_parse(path, "Run an object on the Linux kernel (libbpf, BPF_PROG_TEST_RUN, "
		       "repeat 1) and on xdpdk, every packet of a pcap, maps seeded alike; report "
		       "every difference: verdict, output bytes (with their header fields), map "
		       "entries after the run. Needs root (CAP_BPF) for the kernel's side.\nExit 0: "
		       "no difference; 1: a difference; 2: usage or bad input; 3: the kernel refused "
		       "the object or its test runs, xdpdk ran alone. docs/differential.md.",
		       pd_opts, argc, argv, &p.cfg, &done);
	if (done)
		return rc;
	p.ko = malloc(sizeof(*p.ko));
	p.xo = malloc(sizeof(*p.xo));
	p.lk = malloc(sizeof(*p.lk));
	p.lx = malloc(sizeof(*p.lx));
	if (p.ko == NULL || p.xo == NULL || p.lk == NULL || p.lx == NULL)
		abort();
	if (cli_pcap_read(p.cfg.pcap_in, &p.in, err, sizeof(err)) != 0)
		rc = bad_input(&p, "%s", err);
	if (rc == CLI_OK && p.cfg.maps_init && cli_golden_seeds_read(p.cfg.maps_init, &p.seeds))
		rc = bad_input(&p, "cannot use '%s' (see above)", p.cfg.maps_init);
	if (rc == CLI_OK)
		rc = pick_program(&p);
	if (rc != CLI_OK)
		goto out;
	p.engines[0] = p.cfg.engine && strcmp(p.cfg.engine, "jit") == 0 ? "jit" : "interp";
	p.engines[1] = "jit";
	p.n_engines = !p.cfg.engine || strcmp(p.cfg.engine, "both") == 0 ? 2 : 1;
	libbpf_set_print(libbpf_note);
	{
		const char *why = cli_kdiff_unavailable();

		if (why)
			snprintf(p.no_kernel, sizeof(p.no_kernel), "%s (root with CAP_BPF needed)",
				 why);
	}
	for (int e = 0; e < p.n_engines && rc == CLI_OK; e++)
		rc = run_engine(&p, e);
	xdpdk_eal_cleanup_tool();
	libbpf_set_print(NULL);
	p.against = p.no_kernel[0] ? p.engines[0] : "kernel";
	if (p.no_kernel[0]) {
		/* Said clearly, on stderr too when the report is JSON. */
		cli_err(path, "%s: xdpdk ran alone%s", p.no_kernel,
			p.n_engines == 2 ? " (jit compared with interp)" : "");
	} else if (p.seeds.n_fib) {
		cli_err(path, "note: fib-* lines set xdpdk's routing table only; the kernel's "
			"bpf_fib_lookup() answers from the host's");
	}
	if (rc == CLI_OK)
		rc = p.failed ? CLI_FAIL : p.no_kernel[0] ? PD_NO_KERNEL : CLI_OK;
	else if (p.error[0] == 0)
		snprintf(p.error, sizeof(p.error), "the program could not be loaded or run on xdpdk "
			 "(the reason is on stderr)");
	if (!p.cfg.json && p.error[0] == 0)
		print_text(&p);
out:
	if (p.cfg.json)
		print_json(&p, rc);
	pd_free(&p);
	return rc;
}
