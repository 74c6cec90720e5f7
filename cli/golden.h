/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file formats of golden tests (docs/golden-tests.md), in one place for
 * `xdpdk prog test`, the kernel-side writer tests/golden/golden and the lb
 * benchmark:
 *   - map seeds (--maps-init, tests/golden/<name>.maps): "MAP KEY VALUE",
 *     "check MAP KEY", and the fib-* lines of bpf_fib_lookup()'s table;
 *   - expectations (--expect-verdicts / --expect-maps, <name>.expect):
 *     "pkt N ret R [len L]", "pkt N error TEXT", "map MAP KEY VALUE|none".
 * Hex may contain '.', '_' or ':' separators. '#' starts a comment.
 */
#ifndef XDPDK_CLI_GOLDEN_H
#define XDPDK_CLI_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpdk/bpf.h>

#define CLI_GOLDEN_MAX_HEX 512
/* Snapshot length of written expected pcaps: above the largest test-run output (73152). */
#define CLI_GOLDEN_SNAPLEN (20 * 4096)

struct xdpdk_loaded;
struct xdpdk_map;
struct xdpdk_fib;

/* One line of a seeds file: an entry to write before the run, or one to report after. */
struct cli_golden_seed {
	bool check;		/* "check MAP KEY": report, do not seed */
	char map[64];
	/* Aligned as the kernel's copies of user keys are (map code may cast them). */
	_Alignas(8) uint8_t key[CLI_GOLDEN_MAX_HEX];
	_Alignas(8) uint8_t val[CLI_GOLDEN_MAX_HEX];
	uint32_t klen, vlen;
	int lineno;
};

struct cli_golden_seeds {
	struct cli_golden_seed *v;
	size_t n;
	char **fib;		/* fib-* lines: the routing table */
	size_t n_fib;
};

/** Hex bytes, '.', '_' and ':' ignored. @return 0, -EINVAL, -E2BIG. */
int cli_golden_parse_hex(const char *s, uint8_t *buf, uint32_t *len);

/** Read a seeds file; messages "FILE:LINE: why" on stderr. @return 0 or -1. */
int cli_golden_seeds_read(const char *path, struct cli_golden_seeds *s);
void cli_golden_seeds_free(struct cli_golden_seeds *s);

/**
 * Seed the maps of a loaded object: per-CPU values go to worker 0's slot,
 * the others stay zero. @return 0 or -1 with a message on stderr.
 */
int cli_golden_seed_xdpdk(struct xdpdk_loaded *lo, const struct cli_golden_seeds *s);

/**
 * Build bpf_fib_lookup()'s table from the fib-* lines and make it current;
 * *fib is NULL when there are none. @return 0 or -errno, with a message.
 */
int cli_golden_fib_setup(const struct cli_golden_seeds *s, struct xdpdk_fib **fib);

/**
 * Read @p file, seed the object's maps and make its fib-* lines bpf_fib_lookup()'s
 * table (*fib, NULL when none: give it to cli_golden_fib_teardown()), for the
 * callers that keep no check lines. @return 0 or -1 with messages on stderr.
 */
int cli_golden_seed_file(const char *file, struct xdpdk_loaded *lo, struct xdpdk_fib **fib);
void cli_golden_fib_teardown(struct xdpdk_fib *fib);

/* Per-CPU map types, whose values golden files hold summed over the CPUs. */
bool cli_golden_is_percpu(enum bpf_map_type t);
/* Sum @p n_slots per-CPU slots of @p vs bytes (8-byte stride) into slot 0, as u64 words. */
void cli_golden_fold_percpu(uint8_t *buf, uint32_t vs, uint32_t n_slots);

/*
 * Read one entry after a run as golden files hold it (per-CPU slots summed).
 * @p val has room for xdpdk_map_value_buf_size(). @return 0 or -ENOENT.
 */
int cli_golden_map_read(struct xdpdk_map *m, const uint8_t *key, uint8_t *val);

/* The expectation of one packet. */
struct cli_golden_pkt {
	enum { CLI_GOLDEN_NONE, CLI_GOLDEN_RET, CLI_GOLDEN_ERROR } kind;
	uint32_t retval;
	bool has_len;
	uint32_t len;
	char error[64];		/* strerror() text of the refusal */
	int lineno;
	const char *file;
};

/* The expected value of one map entry. */
struct cli_golden_map {
	char map[64];
	_Alignas(8) uint8_t key[CLI_GOLDEN_MAX_HEX];
	_Alignas(8) uint8_t val[CLI_GOLDEN_MAX_HEX];
	uint32_t klen, vlen;
	bool none;		/* "none": the entry must not exist */
	int lineno;
	const char *file;
};

struct cli_golden_expect {
	struct cli_golden_pkt *pkt;	/* [0, n_pkt): packet 1 is pkt[0] */
	size_t n_pkt;
	size_t n_pkt_lines;
	struct cli_golden_map *map;
	size_t n_map;
};

/**
 * Add an expectations file to @p e (zeroed before the first call). Verdicts
 * may be numbers or names of @p type ("XDP_TX", "TC_ACT_SHOT"). A file read
 * again (the same path) adds nothing. @return 0 or -1 with "FILE:LINE: why".
 */
int cli_golden_expect_read(const char *path, enum xdpdk_prog_type type,
			   struct cli_golden_expect *e);
void cli_golden_expect_free(struct cli_golden_expect *e);

/** Parse a verdict: a number or a name of @p type. @return 0 or -EINVAL. */
int cli_golden_verdict_parse(const char *s, enum xdpdk_prog_type type, uint32_t *retval);

/*
 * The lines golden files hold (no newline). @p err is a positive errno (the
 * run was refused); verdicts are named as @p type's (XDPDK_PROG_TYPE_RAW:
 * numbers, as golden --kernel-write writes them).
 */
void cli_golden_fmt_pkt(FILE *out, enum xdpdk_prog_type type, size_t pkt_no, int err,
			uint32_t retval, uint32_t len);
void cli_golden_fmt_map(FILE *out, const char *map, const uint8_t *key, uint32_t klen,
			const uint8_t *val, uint32_t vlen);

#endif
