/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk prog test: a golden test. Every packet of a pcap is run once, as
 * BPF_PROG_TEST_RUN does (repeat 1), on one engine or both, and the verdicts,
 * output bytes and map entries afterwards are compared with expectations
 * (docs/golden-tests.md for the formats). What differs is said in a person's
 * terms: which packet, which byte, which header field, both values.
 * Exit 0: everything matches; 1: something differs (or the program cannot
 * run); 2: usage or bad input (unreadable or truncated pcap, a link type
 * other than Ethernet, packets the test run refuses and nothing expects).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_compat.h" /* before cli.h: see there */
#include "cli.h"
#include "golden.h"
#include "pkt_fields.h"
#include "prog_test.h"

#include <xdpdk/ctx.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/map.h>

/* What a test run takes, as bpf/test_run.c (and the kernel's net/bpf/test_run.c). */
#define TR_PAGE 4096u
#define TR_XDP_MAX (TR_PAGE - XDPDK_XDP_HEADROOM - XDPDK_XDP_TAIL_RESERVE + \
		    XDPDK_XDP_MAX_FRAGS * TR_PAGE)
#define TR_SKB_MAX (TR_PAGE - 64 - XDPDK_XDP_TAIL_RESERVE)
#define TR_MIN 14u
#define MAX_FIELD_LINES 6	/* field lines per packet before "and N more" */

static const char *const test_engines[] = { "both", "interp", "jit", NULL };

static const struct xdpdk_opt test_opts[] = {
	{ .name = "OBJ", .type = XDPDK_OPT_STRING, .offset = offsetof(struct test_cfg, obj),
	  .positional = true, .required = true },
	{ "prog", 'p', XDPDK_OPT_STRING, offsetof(struct test_cfg, prog), "NAME",
	  "program (function) name (default: the object's first)" },
	{ "section", 's', XDPDK_OPT_STRING, offsetof(struct test_cfg, section), "SEC",
	  "program by section name" },
	{ "pcap-in", 'i', XDPDK_OPT_STRING, offsetof(struct test_cfg, pcap_in), "FILE",
	  "the packets to run (pcap or pcapng, Ethernet)", .required = true },
	{ "expect", 'x', XDPDK_OPT_STRING, offsetof(struct test_cfg, expect), "FILE",
	  "expected output pcap: packet i is what input i leaves (data_out, whatever the "
	  "verdict; empty: the test run refuses it)" },
	{ "expect-verdicts", 'v', XDPDK_OPT_STRING, offsetof(struct test_cfg, expect_verdicts),
	  "FILE", "expected verdicts: 'pkt N ret VERDICT [len L]' / 'pkt N error TEXT' lines" },
	{ "maps-init", 'm', XDPDK_OPT_STRING, offsetof(struct test_cfg, maps_init), "FILE",
	  "map entries before the run ('MAP KEYHEX VALUEHEX', fib-* lines; 'check MAP KEYHEX' "
	  "entries are printed after it)" },
	{ "expect-maps", 'M', XDPDK_OPT_STRING, offsetof(struct test_cfg, expect_maps), "FILE",
	  "expected map entries after the run: 'map MAP KEYHEX VALUEHEX|none' lines" },
	{ "engine", 'e', XDPDK_OPT_CHOICE, offsetof(struct test_cfg, engine), "ENGINE",
	  "engines to run on (default both)", test_engines },
	{ "max-diffs", 0, XDPDK_OPT_UINT, offsetof(struct test_cfg, max_diffs), "N",
	  "packets and map entries whose differences are detailed (default 10)" },
	{ "update", 'u', XDPDK_OPT_FLAG, offsetof(struct test_cfg, update), NULL,
	  "write the expectation files given from a run on the first engine (check lines of "
	  "--maps-init for --expect-maps), then test against them" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct test_cfg, json), NULL, "JSON output" },
	{ "jit-blind", 0, XDPDK_OPT_FLAG, offsetof(struct test_cfg, jit_blind), NULL,
	  "constant blinding in the JIT image (untrusted programs; docs/reliability.md)" },
	XDPDK_OPT_END,
};


static int
bad_input(struct tctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
bad_input(struct tctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	cli_err(c->path, "%s", c->error);
	return CLI_USAGE;
}

/* ---- input ----------------------------------------------------------------- */

int
cli_pcap_read(const char *file, struct pkts *p, char *err, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc = pcap_open_offline(file, errbuf);
	size_t cap = 0;
	int rc;

	if (pc == NULL) {
		snprintf(err, size, "cannot read '%s': %s", file, errbuf);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		const int dlt = pcap_datalink(pc);
		const char *name = pcap_datalink_val_to_name(dlt);

		pcap_close(pc);
		snprintf(err, size, "'%s': link type %d (%s): only Ethernet (EN10MB) packets can "
			 "be run", file, dlt, name ? name : "unknown");
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		if (p->n == cap) {
			struct pkt *nv = realloc(p->v, (cap ? 2 * cap : 64) * sizeof(*nv));

			if (nv == NULL)
				break;
			p->v = nv;
			cap = cap ? 2 * cap : 64;
		}
		p->v[p->n].data = malloc(h->caplen + 1);
		if (p->v[p->n].data == NULL)
			break;
		memcpy(p->v[p->n].data, d, h->caplen);
		p->v[p->n++].len = h->caplen;
		p->n_cut += h->caplen < h->len;
	}
	if (rc == 1)
		snprintf(err, size, "'%s': out of memory after %zu packets", file, p->n);
	else if (rc == PCAP_ERROR)
		/* libpcap says "truncated dump file; tried to read N ... only got M". */
		snprintf(err, size, "'%s': %s (after %zu complete packets)", file, pcap_geterr(pc),
			 p->n);
	pcap_close(pc);
	return rc == 1 || rc == PCAP_ERROR ? -1 : 0;
}

static int
read_pcap(struct tctx *c, const char *file, struct pkts *p)
{
	char err[PCAP_ERRBUF_SIZE + 256];

	if (cli_pcap_read(file, p, err, sizeof(err)) != 0)
		return bad_input(c, "%s", err);
	return CLI_OK;
}

void
cli_pkts_free(struct pkts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].data);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* ---- differences ------------------------------------------------------------- */

static struct diff *
add_diff(struct erun *r, enum dkind kind, size_t pkt)
{
	struct diff *d;

	r->d = cli_grow(r->d, &r->cap_d, r->n_d, sizeof(*r->d));
	d = &r->d[r->n_d++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->pkt = pkt;
	return d;
}

static const char *
verdict_name(const struct tctx *c, uint32_t retval, char *buf, size_t size)
{
	const char *a = cli_action_name(c->type, retval);

	if (a)
		return a;
	snprintf(buf, size, "%u", retval);
	return buf;
}

/* Why the test run refused a packet of @p len bytes, in words. */
static void
refusal(const struct tctx *c, int err, uint32_t len, char *buf, size_t size)
{
	const bool xdp = c->type == XDPDK_PROG_TYPE_XDP;

	if (len < TR_MIN)
		snprintf(buf, size, "refused: %u bytes, shorter than an Ethernet header (%u)", len,
			 TR_MIN);
	else if (xdp && err == -ENOMEM)
		snprintf(buf, size, "refused: %u bytes, more than an XDP test run takes (%u: the "
			 "linear part and %u fragment pages)", len, TR_XDP_MAX, XDPDK_XDP_MAX_FRAGS);
	else if (!xdp && err == -EINVAL && len > TR_SKB_MAX)
		snprintf(buf, size, "refused: %u bytes, more than a %s test run takes (%u)", len,
			 c->type == XDPDK_PROG_TYPE_TC ? "tc" : "socket filter", TR_SKB_MAX);
	else if (!xdp && err == -EINVAL)
		snprintf(buf, size, "refused: %u bytes, an IPv4 or IPv6 packet cut inside its "
			 "header (%s)", len, strerror(-err));
	else
		snprintf(buf, size, "refused: %s", strerror(-err));
}

/* ---- comparing ----------------------------------------------------------------- */

/* Whether the next difference found is listed (the first --max-diffs are). */
static bool
detail_next(const struct tctx *c, struct erun *r)
{
	if (r->detailed >= c->cfg.max_diffs) {
		r->hidden++;
		return false;
	}
	r->detailed++;
	return true;
}

/* Compare the bytes of packet @p i with the expected pcap's. @return differences found. */
static size_t
compare_bytes(struct tctx *c, struct erun *r, size_t i, bool detail)
{
	const struct pkt *e = &c->out.v[i];
	const struct outcome *o = &r->o[i];
	const uint32_t min = e->len < o->len ? e->len : o->len;
	struct cli_pkt_layout *le = c->le, *lg = c->lg;
	size_t n = 0, lines = 0, before = r->n_d;
	uint32_t first = min, j = 0;
	struct diff *d;

	for (uint32_t b = 0; b < min; b++)
		if (e->data[b] != o->data[b]) {
			first = b;
			break;
		}
	if (first == min && e->len == o->len)
		return 0;
	if (!detail)
		return 1;
	cli_pkt_decode(e->data, e->len, o->meta, le);
	cli_pkt_decode(o->data, o->len, o->meta, lg);
	if (strcmp(le->layers, lg->layers) != 0) {
		d = add_diff(r, D_HEADERS, i + 1);
		snprintf(d->exp, sizeof(d->exp), "%s", le->layers);
		snprintf(d->got, sizeof(d->got), "%s", lg->layers);
		n++;
	}
	/* Field by field, matched by name in order: offsets may move (options, tunnels). */
	for (uint32_t k = 0; k < le->n && n == 0; k++) {
		const struct cli_pkt_field *fe = &le->f[k];
		uint32_t m = j;

		while (m < lg->n && strcmp(lg->f[m].name, fe->name) != 0)
			m++;
		if (m == lg->n)
			continue;
		j = m + 1;
		if (fe->len == lg->f[m].len &&
		    memcmp(e->data + fe->off, o->data + lg->f[m].off, fe->len) == 0)
			continue;
		if (++lines <= MAX_FIELD_LINES) {
			d = add_diff(r, D_FIELD, i + 1);
			d->off = fe->off;
			snprintf(d->field, sizeof(d->field), "%s", fe->name);
			cli_pkt_field_fmt(fe, e->data, e->len, d->exp, sizeof(d->exp));
			cli_pkt_field_fmt(&lg->f[m], o->data, o->len, d->got, sizeof(d->got));
		}
	}
	if (n == 0) {
		/* The payload after the headers, byte by byte. */
		uint32_t pe = le->payload_off, pg = lg->payload_off, k = 0, nd = 0, at = 0;

		for (; pe + k < e->len && pg + k < o->len; k++)
			if (e->data[pe + k] != o->data[pg + k] && nd++ == 0)
				at = k;
		if (nd > 0 && ++lines <= MAX_FIELD_LINES) {
			d = add_diff(r, D_FIELD, i + 1);
			d->off = pe + at;
			snprintf(d->field, sizeof(d->field), "payload byte %u, one of %u that differ",
				 at, nd);
			if (nd == 1)
				snprintf(d->field, sizeof(d->field), "payload byte %u", at);
			snprintf(d->exp, sizeof(d->exp), "0x%02x", e->data[pe + at]);
			snprintf(d->got, sizeof(d->got), "0x%02x", o->data[pg + at]);
		}
	}
	if ((n > 0 || lines == 0) && first < min) {
		/*
		 * Different headers, or a byte outside the named fields (a reserved
		 * one): name the first differing byte by the expected packet.
		 */
		const struct cli_pkt_field *fe = cli_pkt_field_at(le, first);

		d = add_diff(r, D_FIELD, i + 1);
		d->off = first;
		snprintf(d->field, sizeof(d->field), "%s", fe ? fe->name : "payload");
		if (fe && fe->off + fe->len <= o->len) {
			cli_pkt_field_fmt(fe, e->data, e->len, d->exp, sizeof(d->exp));
			cli_pkt_field_fmt(fe, o->data, o->len, d->got, sizeof(d->got));
		} else {
			snprintf(d->exp, sizeof(d->exp), "0x%02x", e->data[first]);
			snprintf(d->got, sizeof(d->got), "0x%02x", o->data[first]);
		}
	}
	if (lines > MAX_FIELD_LINES) {
		d = add_diff(r, D_MORE, i + 1);
		snprintf(d->exp, sizeof(d->exp), "and %zu more fields differ",
			 lines - MAX_FIELD_LINES);
	}
	d = add_diff(r, D_CONTEXT, i + 1);
	d->off = first;
	return r->n_d - before;
}

static void
compare_pkt(struct tctx *c, struct erun *r, size_t i)
{
	const struct cli_golden_pkt *v =
		i < c->exp.n_pkt && c->exp.pkt[i].kind != CLI_GOLDEN_NONE ? &c->exp.pkt[i] : NULL;
	const struct pkt *e = c->cfg.expect && i < c->out.n ? &c->out.v[i] : NULL;
	const struct outcome *o = &r->o[i];
	const bool detail = r->detailed < c->cfg.max_diffs;
	const bool exp_refused = v ? v->kind == CLI_GOLDEN_ERROR : e && e->len == 0;
	size_t before = r->n_d, found = 0;
	char b1[32], b2[32], why[160];
	struct diff *d;

	if (o->err)
		refusal(c, o->err, c->in.v[i].len, why, sizeof(why));
	if (v == NULL && e == NULL) {
		if (o->err == 0) {
			r->unchecked++;
			return;
		}
		r->refused++;
		if (detail_next(c, r)) {
			d = add_diff(r, D_REFUSED, i + 1);
			snprintf(d->got, sizeof(d->got), "%s", why);
		}
		return;
	}
	if (o->err && exp_refused) {
		if (v == NULL || strcmp(v->error, strerror(-o->err)) == 0) {
			r->match++;
			return;
		}
		found++;
		if (detail) {
			d = add_diff(r, D_VERDICT, i + 1);
			snprintf(d->exp, sizeof(d->exp), "refused (%s)", v->error);
			snprintf(d->got, sizeof(d->got), "%.160s (%.60s)", why, strerror(-o->err));
			snprintf(d->where, sizeof(d->where), "%s:%d", v->file, v->lineno);
		}
	} else if (o->err || exp_refused) {
		found++;
		if (detail) {
			d = add_diff(r, D_VERDICT, i + 1);
			if (v && v->kind == CLI_GOLDEN_RET)
				snprintf(d->exp, sizeof(d->exp), "%s",
					 verdict_name(c, v->retval, b1, sizeof(b1)));
			else if (v)
				snprintf(d->exp, sizeof(d->exp), "refused (%s)", v->error);
			else if (exp_refused)
				snprintf(d->exp, sizeof(d->exp), "refused (an empty packet in %s)",
					 c->cfg.expect);
			else
				snprintf(d->exp, sizeof(d->exp), "%u output bytes", e->len);
			if (o->err)
				snprintf(d->got, sizeof(d->got), "%s", why);
			else
				snprintf(d->got, sizeof(d->got), "%s",
					 verdict_name(c, o->retval, b2, sizeof(b2)));
			if (v)
				snprintf(d->where, sizeof(d->where), "%s:%d", v->file, v->lineno);
		}
	} else {
		bool len_said = false;	/* bytes that differ only in length are said once */

		if (v && v->retval != o->retval) {
			found++;
			if (detail) {
				d = add_diff(r, D_VERDICT, i + 1);
				snprintf(d->exp, sizeof(d->exp), "%s",
					 verdict_name(c, v->retval, b1, sizeof(b1)));
				snprintf(d->got, sizeof(d->got), "%s",
					 verdict_name(c, o->retval, b2, sizeof(b2)));
				snprintf(d->where, sizeof(d->where), "%s:%d", v->file, v->lineno);
			}
		}
		if ((v && v->has_len && v->len != o->len) || (e && e->len != o->len)) {
			found++;
			len_said = true;
			if (detail) {
				d = add_diff(r, D_LENGTH, i + 1);
				snprintf(d->exp, sizeof(d->exp), "%u",
					 v && v->has_len && v->len != o->len ? v->len : e->len);
				snprintf(d->got, sizeof(d->got), "%u", o->len);
				if (v && v->has_len && v->len != o->len)
					snprintf(d->where, sizeof(d->where), "%s:%d", v->file,
						 v->lineno);
			}
		}
		if (e && compare_bytes(c, r, i, detail) && !len_said)
			found++;
	}
	if (found == 0 && r->n_d == before) {
		r->match++;
		return;
	}
	r->differ++;
	detail_next(c, r);
}

/* The expected pcap or the verdicts file has a different number of packets. */
static void
compare_counts(struct tctx *c, struct erun *r)
{
	struct diff *d;

	if (c->cfg.expect && c->out.n < c->in.n) {
		for (size_t i = c->out.n; i < c->in.n; i++) {
			if (i < c->exp.n_pkt && c->exp.pkt[i].kind != CLI_GOLDEN_NONE)
				continue;	/* compared against its verdict line */
			r->differ++;
			if (!detail_next(c, r))
				continue;
			d = add_diff(r, D_NO_OUT, i + 1);
			snprintf(d->exp, sizeof(d->exp), "%zu", c->out.n);
			snprintf(d->got, sizeof(d->got), "%u bytes", r->o[i].len);
		}
	}
	for (size_t i = c->in.n; i < c->out.n || i < c->exp.n_pkt; i++) {
		const struct cli_golden_pkt *v = i < c->exp.n_pkt ? &c->exp.pkt[i] : NULL;

		if (i >= c->out.n && (v == NULL || v->kind == CLI_GOLDEN_NONE))
			continue;
		r->extra++;
		if (!detail_next(c, r))
			continue;
		d = add_diff(r, D_NO_IN, i + 1);
		if (v && v->kind != CLI_GOLDEN_NONE) {
			snprintf(d->where, sizeof(d->where), "%s:%d", v->file, v->lineno);
			snprintf(d->exp, sizeof(d->exp), "a verdict");
		} else {
			snprintf(d->where, sizeof(d->where), "%s", c->cfg.expect);
			snprintf(d->exp, sizeof(d->exp), "an output of %u bytes", c->out.v[i].len);
		}
	}
}

static void
hexstr(char *buf, size_t size, const uint8_t *p, uint32_t n)
{
	size_t k = 0;

	for (uint32_t i = 0; i < n && k + 4 < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%02x", i && !(i % 4) ? " " : "", p[i]);
	if (n && k + 4 >= size)
		snprintf(buf + size - 4, 4, "...");
}

/* Values of 8-byte multiples up to 32 bytes are counters most of the time: show them as u64. */
static void
as_u64(char *buf, size_t size, const uint8_t *p, uint32_t n)
{
	size_t k = strlen(buf);

	if (n % 8 || n > 32 || k + 16 >= size)
		return;
	k += (size_t)snprintf(buf + k, size - k, " (u64:");
	for (uint32_t w = 0; w < n && k < size; w += 8) {
		uint64_t v;

		memcpy(&v, p + w, 8);
		k += (size_t)snprintf(buf + k, size - k, " %llu", (unsigned long long)v);
	}
	if (k < size)
		snprintf(buf + k, size - k, ")");
}

static void
compare_maps(struct tctx *c, struct erun *r, const struct cli_prog *cp)
{
	uint8_t *val = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < c->exp.n_map; i++) {
		const struct cli_golden_map *m = &c->exp.map[i];
		struct xdpdk_map *xm = xdpdk_loaded_map_find(cp->loaded, m->map);
		const uint32_t vs = xdpdk_map_def(xm)->value_size;
		size_t need = xdpdk_map_value_buf_size(xm);
		bool present, same;
		struct diff *d;

		if (need > cap) {
			free(val);
			val = malloc(need);
			cap = val ? need : 0;
			if (val == NULL)
				abort();
		}
		present = cli_golden_map_read(xm, m->key, val) == 0;
		same = m->none ? !present : present && memcmp(val, m->val, vs) == 0;
		if (same) {
			r->map_match++;
			continue;
		}
		r->map_differ++;
		if (!detail_next(c, r))
			continue;
		d = add_diff(r, D_MAP, 0);
		snprintf(d->field, sizeof(d->field), "%s", m->map);
		hexstr(d->key, sizeof(d->key), m->key, m->klen);
		snprintf(d->where, sizeof(d->where), "%s:%d", m->file, m->lineno);
		if (m->none) {
			snprintf(d->exp, sizeof(d->exp), "no entry");
		} else {
			hexstr(d->exp, sizeof(d->exp), m->val, m->vlen);
			as_u64(d->exp, sizeof(d->exp), m->val, m->vlen);
		}
		if (!present) {
			snprintf(d->got, sizeof(d->got), "no entry");
		} else {
			hexstr(d->got, sizeof(d->got), val, vs);
			as_u64(d->got, sizeof(d->got), val, vs);
		}
	}
	free(val);
}

/* The check entries of --maps-init: compared when --expect-maps is given, else printed. */
static void
check_entries(struct tctx *c, struct erun *r, const struct cli_prog *cp)
{
	for (size_t i = 0; i < c->seeds.n; i++) {
		const struct cli_golden_seed *s = &c->seeds.v[i];
		struct xdpdk_map *xm;
		bool expected = false;
		uint8_t *val;
		char *line = NULL;
		size_t len = 0;
		FILE *f;

		if (!s->check)
			continue;
		for (size_t k = 0; k < c->exp.n_map && !expected; k++)
			expected = strcmp(c->exp.map[k].map, s->map) == 0 &&
				   c->exp.map[k].klen == s->klen &&
				   memcmp(c->exp.map[k].key, s->key, s->klen) == 0;
		if (expected)
			continue;
		if (c->cfg.expect_maps && !c->recording) {
			r->map_differ++;
			if (!detail_next(c, r))
				continue;
		} else if (r != &c->runs[0] && !c->recording) {
			continue;	/* printed once, from the first engine's run */
		}
		xm = xdpdk_loaded_map_find(cp->loaded, s->map);
		val = malloc(xdpdk_map_value_buf_size(xm));
		f = open_memstream(&line, &len);
		if (val == NULL || f == NULL)
			abort();
		cli_golden_fmt_map(f, s->map, s->key, s->klen,
				   cli_golden_map_read(xm, s->key, val) == 0 ? val : NULL,
				   xdpdk_map_def(xm)->value_size);
		fclose(f);
		free(val);
		if (c->cfg.expect_maps && !c->recording) {
			struct diff *d = add_diff(r, D_MAP_NOEXP, 0);

			snprintf(d->field, sizeof(d->field), "%s", s->map);
			snprintf(d->got, sizeof(d->got), "%s", line);
			free(line);
		} else {
			c->after = realloc(c->after, (c->n_after + 1) * sizeof(*c->after));
			if (c->after == NULL)
				abort();
			c->after[c->n_after++] = line;
		}
	}
}

/* ---- running ------------------------------------------------------------------- */

/* Map expectations must name the object's maps with their key and value sizes. */
static int
check_map_lines(struct tctx *c, const struct cli_prog *cp)
{
	for (size_t i = 0; i < c->exp.n_map; i++) {
		const struct cli_golden_map *m = &c->exp.map[i];
		struct xdpdk_map *xm = xdpdk_loaded_map_find(cp->loaded, m->map);
		const struct xdpdk_map_def *d = xm ? xdpdk_map_def(xm) : NULL;

		if (d == NULL)
			return bad_input(c, "%s:%d: '%s' has no map '%s'", m->file, m->lineno,
					 c->cfg.obj, m->map);
		if (m->klen != d->key_size || (!m->none && m->vlen != d->value_size))
			return bad_input(c, "%s:%d: map '%s' has %u-byte keys and %u-byte values; "
					 "the line gives %u and %u", m->file, m->lineno, m->map,
					 d->key_size, d->value_size, m->klen, m->vlen);
	}
	return CLI_OK;
}

/* Load for one engine, seed, run every packet, read the maps, compare. */
static int
run_engine(struct tctx *c, struct erun *r)
{
	static uint8_t out[XDPDK_TEST_RUN_MAX_OUT];
	struct xdpdk_fib *fib = NULL;
	struct cli_prog cp;
	int rc = cli_load_prog_blind(c->path, c->cfg.obj, c->cfg.prog, c->cfg.section, r->engine,
				     c->cfg.jit_blind, &cp);

	if (rc != CLI_OK)
		return rc;
	c->type = xdpdk_prog_type(cp.prog);
	snprintf(c->prog_name, sizeof(c->prog_name), "%s", xdpdk_prog_name(cp.prog));
	if (c->type == XDPDK_PROG_TYPE_RAW) {
		cli_err(c->path, "program '%s' has no packet context", c->prog_name);
		rc = CLI_FAIL;
		goto out;
	}
	/* Verdict names depend on the program type: the expectations are read once it is known. */
	if (!c->have_exp) {
		c->have_exp = true;
		if ((c->cfg.expect_verdicts &&
		     cli_golden_expect_read(c->cfg.expect_verdicts, c->type, &c->exp) != 0) ||
		    (c->cfg.expect_maps &&
		     cli_golden_expect_read(c->cfg.expect_maps, c->type, &c->exp) != 0)) {
			rc = bad_input(c, "cannot use the expectations (see above)");
			goto out;
		}
	}
	rc = check_map_lines(c, &cp);
	if (rc != CLI_OK)
		goto out;
	if (cli_golden_seed_xdpdk(cp.loaded, &c->seeds) != 0 ||
	    cli_golden_fib_setup(&c->seeds, &fib) != 0) {
		rc = bad_input(c, "'%s' does not fit the program's maps (see above)",
			       c->cfg.maps_init);
		goto out;
	}
	r->o = calloc(c->in.n + 1, sizeof(*r->o));
	if (r->o == NULL)
		abort();
	for (size_t i = 0; i < c->in.n; i++) {
		struct xdp_md md = { 0 };
		struct xdpdk_test_run t = {
			.data_in = c->in.v[i].data, .data_size_in = c->in.v[i].len,
			.data_out = out, .data_size_out = sizeof(out),
			.ctx_out = c->type == XDPDK_PROG_TYPE_XDP ? &md : NULL,
			.ctx_size_out = c->type == XDPDK_PROG_TYPE_XDP ? sizeof(md) : 0,
			.repeat = 1,
		};
		struct outcome *o = &r->o[i];

		o->err = xdpdk_prog_test_run(cp.prog, &t);
		if (o->err == -ENOTSUP) {
			cli_err(c->path, "program '%s': this build has no test runs for its type",
				c->prog_name);
			rc = CLI_FAIL;
			goto out;
		}
		if (o->err)
			continue;
		o->retval = t.retval;
		o->len = t.data_size_out;
		o->meta = md.data;
		o->data = malloc(o->len + 1);
		if (o->data == NULL)
			abort();
		memcpy(o->data, out, o->len);
	}
	for (size_t i = 0; i < c->in.n; i++)
		compare_pkt(c, r, i);
	compare_counts(c, r);
	compare_maps(c, r, &cp);
	check_entries(c, r, &cp);
out:
	cli_golden_fib_teardown(fib);
	cli_unload_prog(&cp);
	return rc;
}

/* ---- --update: writing the expectations --------------------------------------------- */

static int
write_pcap(struct tctx *c, const struct erun *r)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, CLI_GOLDEN_SNAPLEN);
	pcap_dumper_t *d = dead ? pcap_dump_open(dead, c->cfg.expect) : NULL;

	if (d == NULL) {
		cli_err(c->path, "cannot write '%s': %s", c->cfg.expect,
			dead ? pcap_geterr(dead) : strerror(ENOMEM));
		if (dead)
			pcap_close(dead);
		return CLI_FAIL;
	}
	for (size_t i = 0; i < c->in.n; i++) {
		/* As golden --kernel-write: fixed times, an empty packet for a refused one. */
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000, .tv_usec = (long)i * 1000 } };

		h.caplen = h.len = r->o[i].err ? 0 : r->o[i].len;
		pcap_dump((u_char *)d, &h, r->o[i].data ? r->o[i].data : (const u_char *)"");
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return CLI_OK;
}

/* The verdicts and/or the check entries into @p file. */
static int
write_lines(struct tctx *c, const struct erun *r, const char *file, bool pkts, bool maps)
{
	FILE *f = fopen(file, "w");

	if (f == NULL) {
		cli_err(c->path, "cannot write '%s': %s", file, strerror(errno));
		return CLI_FAIL;
	}
	fprintf(f, "# Written by xdpdk prog test --update: %s (%s) over %s, engine %s.\n"
		"# xdpdk's own results: review them before trusting them.\n", c->prog_name,
		c->cfg.obj, c->cfg.pcap_in, r->engine);
	for (size_t i = 0; pkts && i < c->in.n; i++) {
		cli_golden_fmt_pkt(f, c->type, i + 1, -r->o[i].err, r->o[i].retval, r->o[i].len);
		fputc('\n', f);
	}
	for (size_t i = 0; maps && i < c->n_after; i++)
		fprintf(f, "%s\n", c->after[i]);
	if (fclose(f) != 0) {
		cli_err(c->path, "cannot write '%s': %s", file, strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Run on the first engine and write every expectation file given from what it did. */
static int
update(struct tctx *c)
{
	const char *v = c->cfg.expect_verdicts, *m = c->cfg.expect_maps;
	struct erun *r = &c->runs[0];
	const char *engine = r->engine;
	int rc;

	c->recording = true;
	c->have_exp = true;	/* the files are written, not read */
	rc = run_engine(c, r);
	if (rc == CLI_OK && r->refused)
		fprintf(stderr, "%s: note: %zu packets refused by the test run, recorded as "
			"refused\n", c->path, r->refused);
	if (rc == CLI_OK && c->cfg.expect)
		rc = write_pcap(c, r);
	if (rc == CLI_OK && v)
		rc = write_lines(c, r, v, true, m && strcmp(v, m) == 0);
	if (rc == CLI_OK && m && (v == NULL || strcmp(v, m) != 0))
		rc = write_lines(c, r, m, false, true);
	if (rc == CLI_OK && !c->cfg.json)
		printf("wrote the expectations of %zu packets and %zu map entries (engine %s)\n",
		       c->in.n, m ? c->n_after : 0, r->engine);
	/* What follows is a test against the files just written. */
	for (size_t i = 0; r->o && i < c->in.n; i++)
		free(r->o[i].data);
	free(r->o);
	free(r->d);
	for (size_t i = 0; i < c->n_after; i++)
		free(c->after[i]);
	free(c->after);
	c->after = NULL;
	c->n_after = 0;
	memset(r, 0, sizeof(*r));
	r->engine = engine;
	c->recording = c->have_exp = false;
	return rc;
}

/* ---- the verb -------------------------------------------------------------------- */

static int
verdict_of(const struct tctx *c)
{
	int rc = CLI_OK;

	for (int k = 0; k < c->n_runs; k++) {
		if (c->runs[k].refused)
			return CLI_USAGE;
		if (c->runs[k].differ || c->runs[k].extra || c->runs[k].map_differ)
			rc = CLI_FAIL;
	}
	return rc;
}


static void
tctx_free(struct tctx *c)
{
	for (int k = 0; k < 2; k++) {
		if (c->runs[k].o)
			for (size_t i = 0; i < c->in.n; i++)
				free(c->runs[k].o[i].data);
		free(c->runs[k].o);
		free(c->runs[k].d);
	}
	for (size_t i = 0; i < c->n_after; i++)
		free(c->after[i]);
	free(c->after);
	free(c->le);
	free(c->lg);
	cli_pkts_free(&c->in);
	cli_pkts_free(&c->out);
	cli_golden_seeds_free(&c->seeds);
	cli_golden_expect_free(&c->exp);
}

int
cli_cmd_prog_test(const char *path, int argc, char **argv)
{
	static struct tctx c;
	bool done;
	int rc;

	memset(&c, 0, sizeof(c));
	c.path = path;
	rc = cli_parse(path, "Golden test: run a program over a pcap (BPF_PROG_TEST_RUN, repeat "
		       "1) and compare each packet's verdict and output bytes, and map entries "
		       "after the run, with the expected ones.\nExit 0: all match; 1: something "
		       "differs; 2: usage or bad input. Formats: docs/golden-tests.md.",
		       test_opts, argc, argv, &c.cfg, &done);
	if (done)
		return rc;
	if (!c.cfg.expect && !c.cfg.expect_verdicts && !c.cfg.expect_maps) {
		cli_err(path, "nothing to compare: give --expect, --expect-verdicts or "
			"--expect-maps");
		return CLI_USAGE;
	}
	if (c.cfg.max_diffs == 0)
		c.cfg.max_diffs = 10;
	if (c.cfg.update && c.cfg.expect_maps && !c.cfg.maps_init) {
		cli_err(path, "--update --expect-maps records the check lines of --maps-init: give "
			"one");
		return CLI_USAGE;
	}
	c.le = malloc(sizeof(*c.le));
	c.lg = malloc(sizeof(*c.lg));
	if (c.le == NULL || c.lg == NULL) {
		rc = CLI_FAIL;
		goto out;
	}
	rc = read_pcap(&c, c.cfg.pcap_in, &c.in);
	if (rc == CLI_OK && c.cfg.maps_init && cli_golden_seeds_read(c.cfg.maps_init, &c.seeds))
		rc = bad_input(&c, "cannot use '%s' (see above)", c.cfg.maps_init);
	c.runs[0].engine = c.cfg.engine && strcmp(c.cfg.engine, "jit") == 0 ? "jit" : "interp";
	c.runs[1].engine = "jit";
	if (rc == CLI_OK && c.cfg.update)
		rc = update(&c);
	if (rc == CLI_OK && c.cfg.expect)
		rc = read_pcap(&c, c.cfg.expect, &c.out);
	if (rc != CLI_OK)
		goto out;
	c.n_runs = !c.cfg.engine || strcmp(c.cfg.engine, "both") == 0 ? 2 : 1;
	for (int k = 0; k < c.n_runs && rc == CLI_OK; k++)
		rc = run_engine(&c, &c.runs[k]);
	xdpdk_eal_cleanup_tool();
	if (rc == CLI_OK)
		rc = verdict_of(&c);
	else
		c.n_runs = 0;	/* no report of a run that did not finish */
	if (rc != CLI_OK && c.n_runs == 0 && c.error[0] == 0)
		snprintf(c.error, sizeof(c.error), "the program could not be loaded or run (the "
			 "reason is on stderr)");
	if (!c.cfg.json && c.n_runs)
		cli_test_print_text(&c, rc);
out:
	if (c.cfg.json)
		cli_test_print_json(&c, rc);
	tctx_free(&c);
	return rc;
}
