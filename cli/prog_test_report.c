/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The report of `xdpdk prog test`: each difference on its own line
 * ("packet 7: byte 26 (ipv4.saddr): expected 10.0.0.1, got 10.0.0.2"), hex
 * rows around a packet's first differing byte, one summary line; or one JSON
 * object. Two engines that found the same differences are reported once.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prog_test.h"

static void
hex_row(FILE *f, const char *label, const uint8_t *p, uint32_t len, uint32_t row)
{
	fprintf(f, "    %-8s %04x:", label, row);
	for (uint32_t i = row; i < row + 16 && i < len; i++)
		fprintf(f, " %02x", p[i]);
	fputc('\n', f);
}

/* Two 16-byte rows of both packets from the one holding @p off, carets under what differs. */
static void
print_context(FILE *f, const uint8_t *e, uint32_t el, const uint8_t *g, uint32_t gl, uint32_t off)
{
	for (uint32_t row = off & ~15u; row < (off & ~15u) + 32 && (row < el || row < gl);
	     row += 16) {
		char marks[16 * 3 + 1];
		bool any = false;

		hex_row(f, "expected", e, el, row);
		hex_row(f, "got", g, gl, row);
		for (uint32_t i = 0; i < 16; i++) {
			bool dif = (row + i < el) != (row + i < gl) ||
				   (row + i < el && e[row + i] != g[row + i]);

			memcpy(marks + 3 * i, dif ? " ^^" : "   ", 3);
			any |= dif;
		}
		marks[48] = 0;
		for (int k = 47; k >= 0 && marks[k] == ' '; k--)
			marks[k] = 0;
		if (any)
			fprintf(f, "    %-8s      %s\n", "", marks);
	}
}

static void
print_diff(FILE *f, const struct tctx *c, const struct erun *r, const struct diff *d)
{
	const char *sep = d->where[0] ? " (" : "", *end = d->where[0] ? ")" : "";

	switch (d->kind) {
	case D_VERDICT:
		fprintf(f, "packet %zu: verdict: expected %s, got %s%s%s%s\n", d->pkt, d->exp,
			d->got, sep, d->where, end);
		break;
	case D_LENGTH:
		fprintf(f, "packet %zu: length: expected %s bytes, got %s%s%s%s\n", d->pkt, d->exp,
			d->got, sep, d->where, end);
		break;
	case D_HEADERS:
		fprintf(f, "packet %zu: headers: expected %s, got %s\n", d->pkt, d->exp, d->got);
		break;
	case D_FIELD:
		fprintf(f, "packet %zu: byte %u (%s): expected %s, got %s\n", d->pkt, d->off,
			d->field, d->exp, d->got);
		break;
	case D_MORE:
		fprintf(f, "packet %zu: %s\n", d->pkt, d->exp);
		break;
	case D_CONTEXT: {
		const struct pkt *e = &c->out.v[d->pkt - 1];
		const struct outcome *o = &r->o[d->pkt - 1];

		print_context(f, e->data, e->len, o->data, o->len, d->off);
		break;
	}
	case D_NO_OUT:
		fprintf(f, "packet %zu: missing from the expected pcap (%s), which has %s packets; "
			"got %s\n", d->pkt, c->cfg.expect, d->exp, d->got);
		break;
	case D_NO_IN:
		fprintf(f, "packet %zu: %s expects %s, but the input has %zu packets\n", d->pkt,
			d->where, d->exp, c->in.n);
		break;
	case D_REFUSED:
		fprintf(f, "packet %zu: %s\n", d->pkt, d->got);
		break;
	case D_MAP:
		fprintf(f, "map %s key %s: expected %s, got %s (%s)\n", d->field, d->key, d->exp,
			d->got, d->where);
		break;
	case D_MAP_NOEXP:
		fprintf(f, "map %s: nothing in %s expects this entry; after the run: %s\n",
			d->field, c->cfg.expect_maps, d->got);
		break;
	}
}

static const char *
dkind_name(enum dkind k)
{
	static const char *const names[] = {
		[D_VERDICT] = "verdict", [D_LENGTH] = "length", [D_HEADERS] = "headers",
		[D_FIELD] = "field", [D_MORE] = "more", [D_CONTEXT] = "context",
		[D_NO_OUT] = "missing-expected-packet", [D_NO_IN] = "missing-input-packet",
		[D_REFUSED] = "refused", [D_MAP] = "map", [D_MAP_NOEXP] = "map-unexpected",
	};

	return names[k];
}

static void
json_diff(FILE *f, const struct diff *d, bool first)
{
	fprintf(f, "%s{\"what\":\"%s\"", first ? "" : ",", dkind_name(d->kind));
	if (d->pkt)
		fprintf(f, ",\"packet\":%zu", d->pkt);
	if (d->kind == D_FIELD || d->kind == D_CONTEXT)
		fprintf(f, ",\"offset\":%u", d->off);
	const char *const member[][2] = {
		{ d->kind == D_MAP || d->kind == D_MAP_NOEXP ? "map" : "field", d->field },
		{ "key", d->key }, { "source", d->where }, { "expected", d->exp }, { "got", d->got },
	};

	for (size_t k = 0; k < sizeof(member) / sizeof(member[0]); k++) {
		if (member[k][1][0] == 0)
			continue;
		fprintf(f, ",\"%s\":", member[k][0]);
		cli_json_str(f, member[k][1]);
	}
	fputc('}', f);
}

static void
summary(FILE *f, const struct tctx *c, const struct erun *r)
{
	if (c->cfg.expect == NULL && c->exp.n_pkt_lines == 0)
		fprintf(f, "%zu packet%s run (no packet expectations)", c->in.n,
			c->in.n == 1 ? "" : "s");
	else
		fprintf(f, "%zu packet%s: %zu match", c->in.n, c->in.n == 1 ? "" : "s", r->match);
	if (r->differ)
		fprintf(f, ", %zu differ%s", r->differ, r->differ == 1 ? "s" : "");
	if (r->refused)
		fprintf(f, ", %zu refused by the test run", r->refused);
	if (r->extra)
		fprintf(f, ", %zu more expected than the input has", r->extra);
	if (r->unchecked && (c->cfg.expect || c->exp.n_pkt_lines))
		fprintf(f, ", %zu not checked (no expectation)", r->unchecked);
	if (r->map_match + r->map_differ) {
		fprintf(f, "; %zu map %s: %zu match", r->map_match + r->map_differ,
			r->map_match + r->map_differ == 1 ? "entry" : "entries", r->map_match);
		if (r->map_differ)
			fprintf(f, ", %zu differ%s", r->map_differ, r->map_differ == 1 ? "s" : "");
	}
}

/* One engine's report as text (so that identical reports of two engines print once). */
static char *
report_text(const struct tctx *c, const struct erun *r, bool with_summary)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	for (size_t i = 0; i < r->n_d; i++)
		print_diff(f, c, r, &r->d[i]);
	if (r->hidden)
		fprintf(f, "(%zu more not detailed; --max-diffs N shows more)\n", r->hidden);
	if (with_summary)
		summary(f, c, r);
	fclose(f);
	return buf;
}

void
cli_test_print_text(const struct tctx *c, int rc)
{
	char *a = report_text(c, &c->runs[0], true);
	char *b = c->n_runs > 1 ? report_text(c, &c->runs[1], true) : NULL;
	const char *status = rc == CLI_OK ? "" : rc == CLI_FAIL ? "FAIL: " : "BAD INPUT: ";

	if (c->in.n_cut)
		fprintf(stderr, "%s: note: %zu packets of '%s' were cut at capture (caplen < "
			"len); they run as captured\n", c->path, c->in.n_cut, c->cfg.pcap_in);
	if (b == NULL || strcmp(a, b) == 0) {
		char *body = report_text(c, &c->runs[0], false);

		fputs(body, stdout);
		printf("%s%s (%s", status, a + strlen(body), c->prog_name);
		printf(c->n_runs > 1 ? ", engines %s and %s)\n" : ", engine %s)\n",
		       c->runs[0].engine, c->n_runs > 1 ? c->runs[1].engine : "");
		free(body);
	} else {
		for (int k = 0; k < c->n_runs; k++) {
			printf("== engine %s\n", c->runs[k].engine);
			fputs(k ? b : a, stdout);
			printf(" (%s, engine %s)\n", c->prog_name, c->runs[k].engine);
		}
		printf("%sthe engines disagree\n", status);
	}
	if (c->n_after) {
		printf("# after the run (the check lines of %s; expectation lines for "
		       "--expect-maps):\n", c->cfg.maps_init);
		for (size_t i = 0; i < c->n_after; i++)
			printf("%s\n", c->after[i]);
	}
	free(a);
	free(b);
}

void
cli_test_print_json(const struct tctx *c, int rc)
{
	printf("{\"object\":");
	cli_json_str(stdout, c->cfg.obj);
	printf(",\"program\":");
	cli_json_str(stdout, c->prog_name);
	printf(",\"result\":\"%s\"", rc == CLI_OK ? "pass" : rc == CLI_FAIL ? "fail" : "bad-input");
	if (c->error[0]) {
		printf(",\"error\":");
		cli_json_str(stdout, c->error);
	}
	printf(",\"packets\":%zu,\"engines\":[", c->in.n);
	for (int k = 0; k < c->n_runs; k++) {
		const struct erun *r = &c->runs[k];

		printf("%s{\"engine\":\"%s\",\"match\":%zu,\"differ\":%zu,\"refused\":%zu,"
		       "\"unchecked\":%zu,\"missing_from_input\":%zu,\"map_entries\":{\"match\":%zu,"
		       "\"differ\":%zu},\"not_detailed\":%zu,\"diffs\":[",
		       k ? "," : "", r->engine, r->match, r->differ, r->refused, r->unchecked,
		       r->extra, r->map_match, r->map_differ, r->hidden);
		for (size_t i = 0, n = 0; i < r->n_d; i++)
			if (r->d[i].kind != D_CONTEXT && r->d[i].kind != D_MORE)
				json_diff(stdout, &r->d[i], n++ == 0);
		printf("]}");
	}
	printf("]");
	if (c->n_after) {
		printf(",\"after_run\":[");
		for (size_t i = 0; i < c->n_after; i++) {
			printf("%s", i ? "," : "");
			cli_json_str(stdout, c->after[i]);
		}
		printf("]");
	}
	printf("}\n");
}
