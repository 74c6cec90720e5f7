/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to `xdpdk prog test`: what one test holds (its inputs, each
 * engine's outcomes and the differences found), shared by the comparison
 * (cmd_prog_test.c) and the report (prog_test_report.c).
 */
#ifndef XDPDK_CLI_PROG_TEST_H
#define XDPDK_CLI_PROG_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "golden.h"
#include "pkt_fields.h"

struct test_cfg {
	const char *obj, *prog, *section, *engine;
	const char *pcap_in, *expect;			/* packets in, bytes out */
	const char *expect_verdicts, *maps_init, *expect_maps;
	unsigned long long max_diffs;
	bool json;
	bool update;
	bool jit_blind;
};

struct pkt {
	uint8_t *data;
	uint32_t len;
};

struct pkts {
	struct pkt *v;
	size_t n;
	size_t n_cut;		/* captured shorter than on the wire */
};

/*
 * Read every packet of a pcap or pcapng file (Ethernet only) into @p p.
 * @return 0, or -1 with the reason in @p err (unreadable, another link type,
 * truncated: "(after N complete packets)"). Shared with `xdpdk prog diff`.
 */
int cli_pcap_read(const char *file, struct pkts *p, char *err, size_t size);
void cli_pkts_free(struct pkts *p);

/* One packet's outcome on one engine. */
struct outcome {
	int err;		/* the test run's -errno: refused */
	uint32_t retval, len, meta;
	uint8_t *data;
};

enum dkind {
	D_VERDICT,	/* verdict or refusal differs */
	D_LENGTH,
	D_HEADERS,	/* the header stacks differ */
	D_FIELD,	/* a header field or payload byte differs */
	D_MORE,		/* "and N more fields differ" */
	D_CONTEXT,	/* hex lines around the first difference */
	D_NO_OUT,	/* no expected output for an input packet */
	D_NO_IN,	/* an expectation for a packet the input lacks */
	D_REFUSED,	/* refused by the test run, and nothing expects it: bad input */
	D_MAP,
	D_MAP_NOEXP,	/* a check line of --maps-init without an expected value */
};

struct diff {
	enum dkind kind;
	size_t pkt;		/* 1-based; 0 for map entries */
	uint32_t off;
	char field[64];
	char exp[240], got[240];
	char key[96];		/* map entries: the key in hex */
	char where[96];		/* FILE:LINE of the expectation, when one says it */
};

struct erun {
	const char *engine;
	struct outcome *o;
	struct diff *d;
	size_t n_d, cap_d;
	size_t match, differ, unchecked, refused;
	size_t extra;			/* expected packets beyond the input's last */
	size_t detailed, hidden;	/* packets and entries whose differences are listed, or not */
	size_t map_match, map_differ;
};

struct tctx {
	const char *path;
	struct test_cfg cfg;
	struct pkts in, out;
	struct cli_golden_seeds seeds;
	struct cli_golden_expect exp;
	bool have_exp;
	bool recording;		/* --update: the run that writes the expectations */
	enum xdpdk_prog_type type;
	char prog_name[64];
	struct erun runs[2];
	int n_runs;
	struct cli_pkt_layout *le, *lg;
	char **after;		/* "map ..." lines of the check entries, when nothing expects them */
	size_t n_after;
	char error[256];	/* the bad-input message, for --json */
};

/* The report: text (differences, then one summary line) or one JSON object, on stdout. */
void cli_test_print_text(const struct tctx *c, int rc);
void cli_test_print_json(const struct tctx *c, int rc);

#endif
