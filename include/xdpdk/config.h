/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Configuration: option tables for the command line (xdp-tools style: each
 * option names the field of a config struct it fills, help is generated from
 * the table), and the YAML configuration file that describes a dataplane.
 */
#ifndef XDPDK_CONFIG_H
#define XDPDK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How an option's argument is parsed into its field. */
enum xdpdk_opt_type {
	XDPDK_OPT_FLAG,		/**< bool, no argument */
	XDPDK_OPT_STRING,	/**< const char * (borrowed from argv) */
	XDPDK_OPT_UINT,		/**< unsigned long long, decimal or 0x hex */
	XDPDK_OPT_DOUBLE,	/**< double */
	XDPDK_OPT_CHOICE,	/**< const char *, one of choices[] */
};

/** One option of a command. */
struct xdpdk_opt {
	const char *name;		/**< long name ("pcap-in"); for positionals, the metavar */
	char short_opt;			/**< 0 for none */
	enum xdpdk_opt_type type;
	size_t offset;			/**< offsetof(struct cfg, field) */
	const char *metavar;		/**< "FILE" */
	const char *help;
	const char *const *choices;	/**< NULL-terminated, for XDPDK_OPT_CHOICE */
	bool required;
	bool positional;		/**< filled from the remaining arguments in order */
};

#define XDPDK_OPT_END { .name = NULL }

/** Result of xdpdk_opts_parse() besides errors. */
#define XDPDK_OPTS_HELP 1

/**
 * Parse @p argv (argv[0] is the command name) into @p cfg by @p opts.
 * @return 0; XDPDK_OPTS_HELP when --help/-h was given; -EINVAL with a message
 *   in @p err (unknown option, bad number, missing required, extra argument).
 */
int xdpdk_opts_parse(const struct xdpdk_opt *opts, int argc, char **argv, void *cfg, char *err,
		     size_t err_size);

/** Print "usage: CMD [options] POSITIONALS" and the option table, from @p opts. */
void xdpdk_opts_usage(FILE *out, const char *cmd, const char *summary,
		      const struct xdpdk_opt *opts);

/* ---- The configuration file (YAML, through libcyaml) ------------------- */

/** What a port does with XDP_PASS packets. */
enum xdpdk_cfg_exception {
	XDPDK_CFG_EXC_DROP = 0,	/**< drop and count (the default) */
	XDPDK_CFG_EXC_TAP,	/**< a TAP device: the host's kernel stack gets them */
	XDPDK_CFG_EXC_PORT,	/**< another port */
};

/** A program's attach point. */
enum xdpdk_cfg_hook {
	XDPDK_CFG_HOOK_XDP = 0,
	XDPDK_CFG_HOOK_TC_INGRESS,
	XDPDK_CFG_HOOK_TC_EGRESS,
	XDPDK_CFG_HOOK_DEVMAP,		/**< a devmap entry's program (xdp/devmap) */
	XDPDK_CFG_HOOK_CPUMAP,		/**< a cpumap entry's program (xdp/cpumap) */
};

/** Route kinds, as the kernel's RTN_* that fib_lookup reports. */
enum xdpdk_cfg_route_type {
	XDPDK_CFG_ROUTE_UNICAST = 0,
	XDPDK_CFG_ROUTE_BLACKHOLE,
	XDPDK_CFG_ROUTE_UNREACHABLE,
	XDPDK_CFG_ROUTE_PROHIBIT,
};

/*
 * The loaded file. Strings and arrays belong to the configuration (freed
 * by xdpdk_config_free). Fields after "resolved" are filled by validation
 * from the text fields before them; every other field is as written, with
 * its default when absent.
 */
struct xdpdk_cfg_poll {
	char *port;
	unsigned int queue;
	/* resolved */
	unsigned int port_idx;
};

struct xdpdk_cfg_port {
	char *name;
	char *device;			/**< vdev spec ("net_pcap0,rx_pcap=in.pcap") or PCI address */
	unsigned int rx_queues;		/**< default 1 */
	unsigned int tx_queues;		/**< default: one per worker */
	unsigned int rx_desc;		/**< default 1024 */
	unsigned int tx_desc;		/**< default 1024 */
	unsigned int mtu;		/**< default 1500 */
	unsigned int mbufs;		/**< mbufs in the port's pool; default 8191 */
	bool rss;			/**< default true when rx_queues > 1 */
	bool promisc;			/**< default true */
	char *exception;		/**< "drop", "tap" or "port" */
	char *exception_name;		/**< tap: the interface; port: the port */
	/* resolved */
	enum xdpdk_cfg_exception exc;
	unsigned int exc_port_idx;
};

struct xdpdk_cfg_worker {
	unsigned int lcore;
	struct xdpdk_cfg_poll *poll;
	unsigned int poll_count;
};

struct xdpdk_cfg_attach {
	char *port;			/**< xdp, tc_*: the port */
	char *hook;			/**< "xdp" (default), "tc_ingress", "tc_egress",
					     "devmap_entry", "cpumap_entry" */
	char *map;			/**< devmap/cpumap entries: the map */
	unsigned int key;		/**< devmap/cpumap entries: the entry */
	unsigned int priority;		/**< run_prio: lower runs first; default 50 */
	char **chain_call_actions;	/**< actions after which the next program runs;
					     default: pass */
	unsigned int chain_call_actions_count;
	/* resolved */
	enum xdpdk_cfg_hook kind;
	unsigned int port_idx;
	unsigned int chain_mask;	/**< bit per XDP action (or TC action) */
};

struct xdpdk_cfg_program {
	char *name;			/**< unique: what the control plane calls it */
	char *object;			/**< path to the .bpf.o, relative to the file's directory */
	char *program;			/**< the program in the object; optional if it has one */
	char *engine;			/**< "jit" (default) or "interp" */
	bool jit_blinding;		/**< constant blinding in the JIT (untrusted programs) */
	struct xdpdk_cfg_attach *attach;
	unsigned int attach_count;
	/* resolved */
	char *object_path;		/**< object, resolved against the file's directory */
};

struct xdpdk_cfg_entry {
	/**
	 * hex bytes: "0a000001", "0a 00 00 01", "0x0a000001"; or typed, as JSON
	 * through the map's BTF: '{"addr": 167772161, "port": 80}', '[1, 2]',
	 * '"eth0"' (the text starts with '{', '[' or '"')
	 */
	char *key;
	char *value;
	/* resolved (typed ones when the program's object is opened: xdpdk run) */
	uint8_t *key_bytes;
	uint8_t *value_bytes;
	unsigned int key_len;
	unsigned int value_len;
	bool key_typed;
	bool value_typed;
};

/**
 * Whether a key or value text is typed JSON (starts with '{', '[' or '"',
 * after blanks) for the map's BTF, rather than hex bytes: the rule of the
 * configuration's entries and of the control socket's map verbs.
 */
bool xdpdk_config_is_typed(const char *text);

struct xdpdk_cfg_map {
	char *name;			/**< a map of a configured program's object */
	char *program;			/**< which program's object (optional when unique) */
	char *flags;			/**< "any" (default), "noexist", "exist" */
	struct xdpdk_cfg_entry *entries;
	unsigned int entries_count;
	char *file;			/**< more entries: lines of "KEY VALUE" in hex */
	/* resolved */
	uint64_t update_flags;
};

struct xdpdk_cfg_route {
	char *prefix;			/**< "10.0.0.0/8", "2001:db8::/32" */
	char *via;			/**< gateway (optional: directly connected) */
	char *port;			/**< egress port (unicast routes) */
	char *type;			/**< "unicast" (default), "blackhole", "unreachable",
					     "prohibit" */
	unsigned int table;		/**< default 254 (main) */
	/* resolved */
	int family;			/**< AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t via_addr[16];
	bool has_via;
	unsigned int prefixlen;
	unsigned int port_idx;
	enum xdpdk_cfg_route_type kind;
};

struct xdpdk_cfg_neighbour {
	char *ip;
	char *mac;
	char *port;
	/* resolved */
	int family;
	uint8_t addr[16];
	uint8_t mac_bytes[6];
	unsigned int port_idx;
};

struct xdpdk_cfg_log_type {
	char *type;			/**< an rte_log type pattern ("xdpdk.dataplane", "pmd.net.*") */
	char *level;
	/* resolved */
	unsigned int level_num;		/**< RTE_LOG_* */
};

struct xdpdk_cfg_eal {
	char **args;			/**< extra EAL arguments, as on a DPDK command line */
	unsigned int args_count;
	char *hugepages;		/**< "auto" (default: when some are free), "yes", "no" */
};

struct xdpdk_cfg_control {
	char *socket;			/**< default /run/xdpdk.sock */
	char *mode;			/**< octal, default "0600" ("0660" with a group) */
	char *group;			/**< a group whose members may use the socket too */
	/* resolved */
	unsigned int mode_bits;
	bool has_group;
	unsigned int gid;		/**< the group's id, when has_group */
};

struct xdpdk_cfg_log {
	char *level;			/**< default "info" */
	struct xdpdk_cfg_log_type *types;
	unsigned int types_count;
	/* resolved */
	unsigned int level_num;
};

struct xdpdk_config {
	struct xdpdk_cfg_eal eal;
	struct xdpdk_cfg_port *ports;
	unsigned int ports_count;
	struct xdpdk_cfg_worker *workers;	/**< default: one worker polling every queue */
	unsigned int workers_count;
	struct xdpdk_cfg_program *programs;
	unsigned int programs_count;
	struct xdpdk_cfg_map *maps;
	unsigned int maps_count;
	struct xdpdk_cfg_route *routes;
	unsigned int routes_count;
	struct xdpdk_cfg_neighbour *neighbours;
	unsigned int neighbours_count;
	struct xdpdk_cfg_control control;
	struct xdpdk_cfg_log log;
	/* resolved */
	char *path;			/**< the file it came from */
	char *dir;			/**< its directory: relative paths start there */
	char *text;			/**< its text, for messages about its fields */
	size_t text_len;
};

/**
 * Load and validate a configuration file. Errors name the file, the line
 * and the field ("cfg.yaml:5:13: ports[1].rx_queues: expected a
 * non-negative integer, got 'two'"); unknown keys are refused.
 * @return 0 and *@p out; -ENOENT (no such file), -EINVAL (invalid, see
 *   @p err), -ENOMEM.
 */
int xdpdk_config_load(const char *path, struct xdpdk_config **out, char *err, size_t err_size);

/** The same from memory; @p name stands for the file in messages and for relative paths. */
int xdpdk_config_load_mem(const char *yaml, size_t len, const char *name,
			  struct xdpdk_config **out, char *err, size_t err_size);

/** Free a configuration; NULL is accepted. */
void xdpdk_config_free(struct xdpdk_config *cfg);

/**
 * Format an error about field @p field of a loaded configuration the way
 * loading does ("cfg.yaml:12:13: programs[0].object: ..."), for checks made
 * later (objects, maps). @return -EINVAL.
 */
int xdpdk_config_error(const struct xdpdk_config *cfg, const char *field, char *err,
		       size_t err_size, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Where @p path ("ports[1].mtu") is in YAML text @p yaml: its 1-based line and
 * column. @return 0, or -ENOENT when the text has no such node (then the
 * nearest existing parent's position is given).
 */
int xdpdk_config_locate(const char *yaml, size_t len, const char *path, unsigned int *line,
			unsigned int *col);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CONFIG_H */
