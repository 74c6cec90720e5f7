/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to the xdpdk command: the verb tables and shared utilities. */
#ifndef XDPDK_CLI_H
#define XDPDK_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
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

/*
 * Room for element @p n of the array @p v of @p elem-byte elements (*cap of
 * them now), doubled as needed: the array, moved or not. Aborts when memory
 * runs out: the test verbs' reports are all or nothing.
 */
void *cli_grow(void *v, size_t *cap, size_t n, size_t elem);

/* Read a whole file (max 64 MiB); NULL with errno. */
uint8_t *cli_read_file(const char *file, size_t *size);
/* Parse hex text (whitespace ignored, optional 0x) into bytes; -EINVAL on bad input. */
int cli_parse_hex(const char *text, uint8_t **out, size_t *len);

/* Words of a control request: the one after @p opt (NULL: none), whether @p opt is there. */
const char *cli_opt_val(int argc, char **argv, const char *opt);
bool cli_opt_flag(int argc, char **argv, const char *opt);

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
/* As cli_load_prog(), with constant blinding in the JIT when @p jit_blind (--jit-blind). */
int cli_load_prog_blind(const char *path, const char *obj_path, const char *prog_name,
			const char *section, const char *engine, bool jit_blind,
			struct cli_prog *out);

/*
 * The entry as typed JSON through the map's BTF: `,"formatted":{"key":K,"value":V}`
 * (per-CPU: "values":[{"cpu":N,"value":V}...]) with @p json, else a
 * "    formatted: key K value V" line; nothing when the map has no BTF types.
 */
void cli_print_formatted(FILE *out, struct xdpdk_map *m, const uint8_t *key, const uint8_t *val,
			 bool json);
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

/*
 * A running `xdpdk run -c FILE` (run_config.c) as the control verbs of
 * ctl_dp.c see it: the loaded objects and what each port's XDP hook runs.
 * cli_ctl_handle's arg.
 */
#define CLI_MAX_LOADED 64
struct cli_loaded {
	struct xdpdk_loaded *lo;	/* NULL: a free slot */
	struct xdpdk_prog *prog;	/* the program hooks run (borrowed from lo) */
	char obj[512];			/* the object's path */
	uint32_t refs;			/* hooks running prog, + 1 held by the configuration */
	bool config;			/* loaded from the configuration */
};
/* One program of a port's XDP chain: loaded[] index, run_prio, chain_call_actions. */
struct cli_hook_prog {
	uint8_t loaded;
	uint32_t priority;
	uint32_t actions;	/* bit (1 << XDP_*) */
};
/* A port's XDP hook: its programs in run order (priority, then arrival). */
struct cli_hook {
	uint32_t n;
	struct cli_hook_prog p[16];	/* XDPDK_DP_MAX_CHAIN */
};
struct cli_daemon {
	const struct xdpdk_config *cfg;
	uint32_t n_ports;		/* ifindexes 1..n_ports are cfg->ports[] */
	struct xdpdk_pins *pins;
	struct xdpdk_fib *fib;		/* owned; created by 'route add' when none */
	struct cli_loaded loaded[CLI_MAX_LOADED];
	struct cli_hook hook[1025];	/* by ifindex */
	uint8_t tc[1025][2];		/* by ifindex, TC ingress/egress: loaded[] index + 1 */
	int32_t handles[64];		/* devmap/cpumap entry programs' handles */
	uint32_t n_handles;
	volatile const sig_atomic_t *stop;	/* non-zero once the daemon is told to stop */
	struct xdpdk_ctl_server *server;	/* the control socket's, for its counters */
};
/* A port by its configured name or its ifindex; 0 with an "Error: ..." on @p err. */
uint32_t cli_daemon_port(const struct cli_daemon *d, const char *s, FILE *err);
const char *cli_daemon_port_name(const struct cli_daemon *d, uint32_t ifindex);
/* SIGINT/SIGTERM arrived: long requests (capture) end early. */
bool cli_daemon_stopping(const struct cli_daemon *d);
/* capture (ctl_capture.c) */
int cli_ctl_capture(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err);
/* Keep @p lo (its program @p prog, from @p obj); the slot, or -ENOSPC. */
int cli_daemon_adopt(struct cli_daemon *d, struct xdpdk_loaded *lo, struct xdpdk_prog *prog,
		     const char *obj, bool config);
/*
 * Make @p h the program chain of @p ifindex's XDP hook, atomically; the
 * loaded objects nothing holds any more are freed.
 */
int cli_daemon_set_hook(struct cli_daemon *d, uint32_t ifindex, const struct cli_hook *h);
/* The same for @p n ports in one step (xdpdk_dp_set_chains: one grace period, all or nothing). */
int cli_daemon_set_hooks(struct cli_daemon *d, const uint32_t *ifindex, const struct cli_hook *h,
			 uint32_t n);
/* Run loaded[@p loaded]'s program (-1: none) on a port's TC hook (enum xdpdk_tc_hook). */
int cli_daemon_set_tc(struct cli_daemon *d, uint32_t ifindex, int hook, int loaded);
/* Insert @p p in @p h's run order (by priority, after those of equal priority). */
void cli_hook_insert(struct cli_hook *h, const struct cli_hook_prog *p);
/* "drop,pass" (or XDP_DROP...) as bits (1 << XDP_*); *ok false on an unknown name. */
uint32_t cli_xdp_actions(const char *list, bool *ok);
/* Interface entries of every port in d->fib (MAC, MTU), for fib_lookup. */
void cli_daemon_fib_ports(struct cli_daemon *d);
/* Detach everything, free every loaded object and the routing table. */
void cli_daemon_fini(struct cli_daemon *d);
/* Per-port counters: text (one line a port), JSON, or raw (cmd_stats.c's live view). */
void cli_print_stats(FILE *out, const struct cli_daemon *d, bool json, bool raw);
/* prog/port/stats/route requests; -1 when argv[0] is none of those. */
int cli_ctl_dp(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err);
/* Start EAL for the dataplane: main lcore 0 and @p workers worker lcores over the CPUs. */
int cli_eal_dataplane(const char *path, unsigned int workers, bool no_huge);
/* The same for worker lcores @p lcores[0..n), with extra EAL arguments. */
int cli_eal_lcores(const char *path, const unsigned int *lcores, unsigned int n, bool no_huge,
		   int n_extra, char **extra);

/* ---- verbs a running dataplane serves (remote.c: the client side) ---- */

#define CLI_DEFAULT_SOCKET "/run/xdpdk.sock"

/* One remote verb's --help. */
struct cli_remote_help {
	const char *verb;
	const char *usage;	/* after "xdpdk FAMILY VERB" */
	const char *summary;
	bool json;		/* takes --json */
	const char *options;	/* more option lines, or NULL */
};

struct xdpdk_ctl_reply;
/* $XDPDK_SOCKET, else CLI_DEFAULT_SOCKET. */
const char *cli_remote_socket(void);
/* Send @p argv to @p sock; on failure says so (prefixed by @p path) and returns -errno. */
int cli_remote_call(const char *path, const char *sock, int argc, char **argv,
		    struct xdpdk_ctl_reply *r);
/* Send @p argv to @p sock (NULL: the default) and print the reply; its exit code. */
int cli_remote_run(const char *path, const char *sock, int argc, char **argv);
/*
 * Forward "FAMILY argv..." (-s/--socket taken out, -j made --json) to the
 * dataplane and print its reply; --help prints @p help. Returns the reply's
 * exit code.
 */
int cli_remote(const char *path, const char *family, int argc, char **argv,
	       const struct cli_remote_help *help);

/* Verb families. */
extern const struct cli_cmd cli_prog_cmds[];
extern const struct cli_cmd cli_map_cmds[];
extern const struct cli_cmd cli_port_cmds[];
extern const struct cli_cmd cli_route_cmds[];
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
int cli_cmd_capture(const char *path, int argc, char **argv);
int cli_cmd_demo(const char *path, int argc, char **argv);
int cli_cmd_feature(const char *path, int argc, char **argv);
/* xdpdk trace (ctl_trace.c): the client, and the verb the control socket serves. */
int cli_cmd_trace(const char *path, int argc, char **argv);
int cli_ctl_trace(int argc, char **argv, FILE *out, FILE *err);
/* xdpdk prog test (cmd_prog_test.c) */
int cli_cmd_prog_test(const char *path, int argc, char **argv);
/* xdpdk prog diff (cmd_prog_diff.c): the kernel against xdpdk */
int cli_cmd_prog_diff(const char *path, int argc, char **argv);

#endif
