/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to the xdpdk command: the verb tables and shared utilities. */
#ifndef XDPDK_CLI_H
#define XDPDK_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpdk/bpf.h>
#include <xdpdk/config.h>
#include <xdpdk/elf.h>
#include <xdpdk/load.h>

/* Exit codes of every verb. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* A verb (or sub-verb): argv[0] is its own name. */
struct cli_cmd {
	const char *name;
	const char *summary;
	int (*fn)(const char *path, int argc, char **argv);
	const struct cli_cmd *sub;	/* a verb family: prog, map */
};

/* Dispatch argv[0] of @p argv among @p cmds; @p path is "xdpdk prog" etc. */
int cli_dispatch(const struct cli_cmd *cmds, const char *path, int argc, char **argv);
void cli_list(FILE *out, const struct cli_cmd *cmds);

/* Parse options for verb @p path; prints help (returns 0 via *done) or a usage error. */
int cli_parse(const char *path, const char *summary, const struct xdpdk_opt *opts, int argc,
	      char **argv, void *cfg, bool *done);

/* "xdpdk prog run: message" on stderr. */
void cli_err(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A verb that is planned but not built: --help prints what it will do and
 * which issue brings it (exit 0); anything else says so on stderr (exit 1).
 */
int cli_planned(const char *path, int argc, char **argv, const char *summary, const char *issue);

/* Read a whole file (max 64 MiB); NULL with errno. */
uint8_t *cli_read_file(const char *file, size_t *size);
/* Parse hex text (whitespace ignored, optional 0x) into bytes; -EINVAL on bad input. */
int cli_parse_hex(const char *text, uint8_t **out, size_t *len);

/* JSON output helpers (stdout). */
void cli_json_str(FILE *out, const char *s);
void cli_json_hex(FILE *out, const uint8_t *buf, size_t len);

/* Open @p obj_path and load one program (by --prog name/--section, or the
 * only/first one) for @p engine with xdpdk's helpers. On error prints why. */
struct cli_prog {
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *loaded;	/* maps and programs; owns prog */
	struct xdpdk_prog *prog;	/* borrowed from loaded */
	const struct xdpdk_obj_prog *oprog;
};
int cli_load_prog(const char *path, const char *obj_path, const char *prog_name,
		  const char *section, const char *engine, struct cli_prog *out);
void cli_unload_prog(struct cli_prog *p);

/* Print every entry of one map (text, or one JSON object with its id, name, type, entries). */
void cli_dump_map(FILE *out, struct xdpdk_map *m, bool json);
/* Print every entry of the object's maps (text or one JSON array). */
void cli_dump_maps(FILE *out, const struct xdpdk_loaded *lo, bool json);

/* Program verdict names: "XDP_PASS", "TC_ACT_OK"; NULL if out of range. */
const char *cli_action_name(enum xdpdk_prog_type type, uint32_t retval);

/*
 * What a running dataplane serves on its control socket (ctl_map.c): the
 * handler for xdpdk_ctl_server_start, and the map verbs it dispatches to.
 */
int cli_ctl_handle(int argc, char **argv, FILE *out, FILE *err, void *arg);
int cli_ctl_map(int argc, char **argv, FILE *out, FILE *err);
/* Start EAL for the dataplane: main lcore 0 and @p workers worker lcores over the CPUs. */
int cli_eal_dataplane(const char *path, unsigned int workers, bool no_huge);
/* The same for worker lcores @p lcores[0..n), with extra EAL arguments. */
int cli_eal_lcores(const char *path, const unsigned int *lcores, unsigned int n, bool no_huge,
		   int n_extra, char **extra);

/* Verb families. */
extern const struct cli_cmd cli_prog_cmds[];
extern const struct cli_cmd cli_map_cmds[];
int cli_cmd_run(const char *path, int argc, char **argv);
/* xdpdk run -c FILE [--check] (run_config.c); @p seconds 0: until SIGINT/SIGTERM. */
int cli_run_config(const char *path, const char *file, bool check, bool json, double seconds);
int cli_cmd_replay(const char *path, int argc, char **argv);
/* xdpdk run -c FILE --replay PCAP (cmd_replay.c): set by run, read by run_config. */
struct cli_run_replay {
	const char *pcap;		/* NULL: no replay */
	unsigned long long ifindex;	/* 0: the first port */
	double pps, mbps, multiplier;	/* none: top speed */
	unsigned long long loops;
};
extern struct cli_run_replay cli_run_replay;
/* Replay into the running dataplane's port from this thread; until done or *stop. */
int cli_replay_in_process(const char *path, volatile sig_atomic_t *stop, double seconds);
int cli_cmd_bench(const char *path, int argc, char **argv);
/* xdpdk bench replay (bench_replay.c). */
int cli_bench_replay(const char *path, int argc, char **argv);
int cli_cmd_stats(const char *path, int argc, char **argv);
int cli_cmd_demo(const char *path, int argc, char **argv);
int cli_cmd_feature(const char *path, int argc, char **argv);

#endif
