/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Validation of a loaded configuration: defaults for what is absent, the
 * text fields turned into what the dataplane uses (enums, addresses, bytes),
 * and every rule that one field cannot check alone (names unique, references
 * to ports and programs that exist, each RX queue polled by one worker).
 * Every error names the field's path and, through locate.c, its line.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config_internal.h"

#define PATH_MAX_LEN 128
#define MAX_QUEUES 128u		/* per port and direction, as RTE_MAX_QUEUES_PER_PORT allows */
#define MAX_LCORE 127u		/* RTE_MAX_LCORE - 1 in Debian's DPDK build */
#define NAME_MAX_LEN 31u
#define IFNAME_MAX_LEN 15u	/* IFNAMSIZ - 1 */
#define MBUFS_IN_FLIGHT 512u	/* beyond the descriptors: bursts, TX buffers, rings */

/* Choices of a text field: its values, index = the enum value. */
static const char *const exceptions[] = { "drop", "tap", "port", NULL };
static const char *const hooks[] = { "xdp", "tc_ingress", "tc_egress", "devmap_entry",
				     "cpumap_entry", NULL };
static const char *const route_types[] = { "unicast", "blackhole", "unreachable", "prohibit",
					   NULL };
static const char *const engines[] = { "jit", "interp", NULL };
static const char *const update_flags[] = { "any", "noexist", "exist", NULL };
static const char *const hugepages[] = { "auto", "yes", "no", NULL };
/* RTE_LOG_EMERG (1) .. RTE_LOG_DEBUG (8) */
static const char *const log_levels[] = { "", "emerg", "alert", "crit", "err", "warning",
					  "notice", "info", "debug", NULL };
/* XDP actions by value; TC actions for tc hooks: TC_ACT_* + 1 (unspec is -1). */
static const char *const xdp_actions[] = { "aborted", "drop", "pass", "tx", "redirect", NULL };
static const char *const tc_actions[] = { "unspec", "ok", "reclassify", "shot", "pipe",
					  "stolen", "queued", "repeat", "redirect", NULL };

/*
 * Set *@p out to the index of @p value in @p names (@p def when absent).
 * @return 0 or the error.
 */
static int
choice(struct cfg_ctx *ctx, const char *path, const char *value, const char *const *names,
       unsigned int def, unsigned int *out)
{
	char list[256] = "";
	size_t n = 0;

	if (value == NULL) {
		*out = def;
		return 0;
	}
	for (unsigned int i = 0; names[i] != NULL; i++) {
		if (names[i][0] != '\0' && strcmp(value, names[i]) == 0) {
			*out = i;
			return 0;
		}
		if (names[i][0] != '\0' && n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
					      names[i]);
	}
	return cfg_error(ctx, path, "expected one of %s, got '%s'", list, value);
}

/* The path of field @p field of element @p i of sequence @p seq. */
static const char *
fpath(char *buf, const char *seq, unsigned int i, const char *field)
{
	snprintf(buf, PATH_MAX_LEN, "%s[%u]%s%s", seq, i, field[0] ? "." : "", field);
	return buf;
}

/* A field that must be in [lo, hi] when given; @p def when absent (0 and not in the text). */
static int
range(struct cfg_ctx *ctx, const char *path, unsigned int *v, unsigned int def, unsigned int lo,
      unsigned int hi)
{
	if (*v == 0 && !cfg_present(ctx, path)) {
		*v = def;
		return 0;
	}
	if (*v < lo || *v > hi)
		return cfg_error(ctx, path, "%u is out of range (%u..%u)", *v, lo, hi);
	return 0;
}

static int
port_index(const struct xdpdk_config *cfg, const char *name, unsigned int *idx)
{
	for (unsigned int i = 0; name != NULL && i < cfg->ports_count; i++)
		if (strcmp(cfg->ports[i].name, name) == 0) {
			*idx = i;
			return 0;
		}
	return -ENOENT;
}

static int
need_port(struct cfg_ctx *ctx, const char *path, const char *name, unsigned int *idx)
{
	if (name == NULL)
		return cfg_error(ctx, path, "a port is needed here");
	if (port_index(ctx->cfg, name, idx) != 0)
		return cfg_error(ctx, path, "no port named '%s'", name);
	return 0;
}

static int
check_name(struct cfg_ctx *ctx, const char *path, const char *name, unsigned int max)
{
	if (name[0] == '\0' || strlen(name) > max)
		return cfg_error(ctx, path, "a name of 1 to %u characters is needed", max);
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return cfg_error(ctx, path, "'%s': only letters, digits, '_', '-' and '.'",
					 name);
	return 0;
}

/*
 * A boolean as YAML 1.1 spells one: libcyaml takes any word it does not
 * know as true, so "promisc: maybe" would switch promiscuous mode on.
 */
static int
check_bool(struct cfg_ctx *ctx, const char *path, bool *v, bool def)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "y", "n",
					     "1", "0", "True", "False", "TRUE", "FALSE", "Yes",
					     "No", NULL };
	char text[64];

	if (cfg_scalar(ctx, path, text, sizeof(text)) != 0) {
		*v = def;
		return 0;
	}
	for (unsigned int i = 0; words[i] != NULL; i++)
		if (strcmp(text, words[i]) == 0)
			return 0;
	return cfg_error(ctx, path, "expected true or false, got '%s'", text);
}

/* ---- ports and workers --------------------------------------------------- */

static int
validate_port(struct cfg_ctx *ctx, unsigned int i, unsigned int n_workers)
{
	struct xdpdk_cfg_port *p = &ctx->cfg->ports[i];
	char path[PATH_MAX_LEN];
	unsigned int exc, need;
	int ret;

	if ((ret = check_name(ctx, fpath(path, "ports", i, "name"), p->name, NAME_MAX_LEN)) != 0)
		return ret;
	for (unsigned int j = 0; j < i; j++)
		if (strcmp(ctx->cfg->ports[j].name, p->name) == 0)
			return cfg_error(ctx, path, "port name '%s' is already used by ports[%u]",
					 p->name, j);
	if (p->device[0] == '\0')
		return cfg_error(ctx, fpath(path, "ports", i, "device"),
				 "a DPDK device is needed (a vdev such as 'net_null0' or a PCI "
				 "address)");
	if ((ret = range(ctx, fpath(path, "ports", i, "rx_queues"), &p->rx_queues, 1, 1,
			 MAX_QUEUES)) != 0 ||
	    (ret = range(ctx, fpath(path, "ports", i, "tx_queues"), &p->tx_queues,
			 n_workers ? n_workers : 1, 1, MAX_QUEUES)) != 0 ||
	    (ret = range(ctx, fpath(path, "ports", i, "rx_desc"), &p->rx_desc, 1024, 32,
			 32768)) != 0 ||
	    (ret = range(ctx, fpath(path, "ports", i, "tx_desc"), &p->tx_desc, 1024, 32,
			 32768)) != 0 ||
	    (ret = range(ctx, fpath(path, "ports", i, "mtu"), &p->mtu, 1500, 68, 65535)) != 0)
		return ret;
	need = p->rx_queues * p->rx_desc + p->tx_queues * p->tx_desc + MBUFS_IN_FLIGHT;
	if (p->mbufs == 0 && !cfg_present(ctx, fpath(path, "ports", i, "mbufs")))
		p->mbufs = need > 8191 ? need : 8191;
	else if (p->mbufs < need)
		return cfg_error(ctx, fpath(path, "ports", i, "mbufs"),
				 "%u mbufs cannot fill the port's descriptors (rx %u x %u + tx %u x "
				 "%u) and keep %u in flight: at least %u are needed",
				 p->mbufs, p->rx_queues, p->rx_desc, p->tx_queues, p->tx_desc,
				 MBUFS_IN_FLIGHT, need);
	if ((ret = check_bool(ctx, fpath(path, "ports", i, "rss"), &p->rss, p->rx_queues > 1)) != 0 ||
	    (ret = check_bool(ctx, fpath(path, "ports", i, "promisc"), &p->promisc, true)) != 0)
		return ret;
	if ((ret = choice(ctx, fpath(path, "ports", i, "exception"), p->exception, exceptions,
			  XDPDK_CFG_EXC_DROP, &exc)) != 0)
		return ret;
	p->exc = exc;
	fpath(path, "ports", i, "exception_name");
	switch (p->exc) {
	case XDPDK_CFG_EXC_DROP:
		if (p->exception_name != NULL)
			return cfg_error(ctx, path, "only for exception: tap or port");
		break;
	case XDPDK_CFG_EXC_TAP:
		if (p->exception_name != NULL)
			return check_name(ctx, path, p->exception_name, IFNAME_MAX_LEN);
		break;
	case XDPDK_CFG_EXC_PORT:
		if ((ret = need_port(ctx, path, p->exception_name, &p->exc_port_idx)) != 0)
			return ret;
		if (p->exc_port_idx == i)
			return cfg_error(ctx, path, "a port cannot be its own exception path");
		break;
	}
	return 0;
}

/* No workers given: one on lcore 1 polling every RX queue. */
static int
default_worker(struct xdpdk_config *cfg)
{
	unsigned int n = 0;
	struct xdpdk_cfg_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return -ENOMEM;
	cfg->workers = w;
	cfg->workers_count = 1;
	w->lcore = 1;
	for (unsigned int i = 0; i < cfg->ports_count; i++)
		n += cfg->ports[i].rx_queues ? cfg->ports[i].rx_queues : 1;
	w->poll = calloc(n, sizeof(*w->poll));
	if (w->poll == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < cfg->ports_count; i++)
		for (unsigned int q = 0; q < (cfg->ports[i].rx_queues ? cfg->ports[i].rx_queues : 1);
		     q++) {
			struct xdpdk_cfg_poll *p = &w->poll[w->poll_count++];

			p->port = strdup(cfg->ports[i].name);
			if (p->port == NULL)
				return -ENOMEM;
			p->queue = q;
		}
	return 0;
}

static int
validate_workers(struct cfg_ctx *ctx)
{
	struct xdpdk_config *cfg = ctx->cfg;
	char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int ret;

	for (unsigned int i = 0; i < cfg->workers_count; i++) {
		struct xdpdk_cfg_worker *w = &cfg->workers[i];

		fpath(path, "workers", i, "lcore");
		if (w->lcore == 0 || w->lcore > MAX_LCORE)
			return cfg_error(ctx, path,
					 "lcore %u: workers take lcores 1..%u (lcore 0 runs the "
					 "control plane)",
					 w->lcore, MAX_LCORE);
		for (unsigned int j = 0; j < i; j++)
			if (cfg->workers[j].lcore == w->lcore)
				return cfg_error(ctx, path, "lcore %u is already workers[%u]'s",
						 w->lcore, j);
		if (w->poll_count == 0)
			return cfg_error(ctx, fpath(path, "workers", i, ""),
					 "a worker must poll at least one port queue ('poll')");
		for (unsigned int k = 0; k < w->poll_count; k++) {
			struct xdpdk_cfg_poll *p = &w->poll[k];

			snprintf(sub, sizeof(sub), "workers[%u].poll[%u].port", i, k);
			if ((ret = need_port(ctx, sub, p->port, &p->port_idx)) != 0)
				return ret;
			snprintf(sub, sizeof(sub), "workers[%u].poll[%u].queue", i, k);
			if (p->queue >= cfg->ports[p->port_idx].rx_queues)
				return cfg_error(ctx, sub, "port '%s' has %u RX queue(s), no queue %u",
						 p->port, cfg->ports[p->port_idx].rx_queues,
						 p->queue);
			/* One poller per queue: DPDK's RX queues are single-consumer. */
			for (unsigned int a = 0; a <= i; a++)
				for (unsigned int b = 0; b < (a == i ? k : cfg->workers[a].poll_count);
				     b++)
					if (cfg->workers[a].poll[b].port_idx == p->port_idx &&
					    cfg->workers[a].poll[b].queue == p->queue)
						return cfg_error(ctx, sub,
								 "queue %u of port '%s' is "
								 "already polled by workers[%u]",
								 p->queue, p->port, a);
		}
	}
	/* Every RX queue polled, or its packets pile up unseen. */
	for (unsigned int pi = 0; pi < cfg->ports_count; pi++)
		for (unsigned int q = 0; q < cfg->ports[pi].rx_queues; q++) {
			bool found = false;

			for (unsigned int i = 0; i < cfg->workers_count && !found; i++)
				for (unsigned int k = 0; k < cfg->workers[i].poll_count; k++)
					found |= cfg->workers[i].poll[k].port_idx == pi &&
						 cfg->workers[i].poll[k].queue == q;
			if (!found)
				return cfg_error(ctx, fpath(path, "ports", pi, "rx_queues"),
						 "RX queue %u of port '%s' is polled by no worker", q,
						 cfg->ports[pi].name);
		}
	return 0;
}

/* ---- programs ------------------------------------------------------------ */

static int
action_mask(struct cfg_ctx *ctx, const char *base, struct xdpdk_cfg_attach *a)
{
	const bool tc = a->kind == XDPDK_CFG_HOOK_TC_INGRESS || a->kind == XDPDK_CFG_HOOK_TC_EGRESS;
	char path[PATH_MAX_LEN];
	unsigned int v;
	int ret;

	if (a->chain_call_actions_count == 0) {
		/* libxdp's default: the next program runs after XDP_PASS (TC_ACT_OK for TC) */
		a->chain_mask = tc ? 1u << 1 : 1u << 2;
		return 0;
	}
	a->chain_mask = 0;
	for (unsigned int i = 0; i < a->chain_call_actions_count; i++) {
		snprintf(path, sizeof(path), "%s.chain_call_actions[%u]", base, i);
		ret = choice(ctx, path, a->chain_call_actions[i], tc ? tc_actions : xdp_actions, 0,
			     &v);
		if (ret != 0)
			return ret;
		a->chain_mask |= 1u << v;
	}
	return 0;
}

static int
validate_attach(struct cfg_ctx *ctx, unsigned int pi, unsigned int i)
{
	struct xdpdk_cfg_attach *a = &ctx->cfg->programs[pi].attach[i];
	char base[PATH_MAX_LEN / 2], path[PATH_MAX_LEN];
	unsigned int kind;
	int ret;

	snprintf(base, sizeof(base), "programs[%u].attach[%u]", pi, i);
	snprintf(path, sizeof(path), "%s.hook", base);
	if ((ret = choice(ctx, path, a->hook, hooks, XDPDK_CFG_HOOK_XDP, &kind)) != 0)
		return ret;
	a->kind = kind;
	if (kind == XDPDK_CFG_HOOK_DEVMAP || kind == XDPDK_CFG_HOOK_CPUMAP) {
		snprintf(path, sizeof(path), "%s.%s", base, a->map == NULL ? "map" : "port");
		if (a->map == NULL)
			return cfg_error(ctx, base, "%s: the map whose entry runs the program "
					 "('map', 'key') is needed", hooks[kind]);
		if (a->port != NULL)
			return cfg_error(ctx, path, "a %s program is attached to a map entry, not "
					 "a port", hooks[kind]);
	} else {
		snprintf(path, sizeof(path), "%s.port", base);
		if ((ret = need_port(ctx, path, a->port, &a->port_idx)) != 0)
			return ret;
		if (a->map != NULL) {
			snprintf(path, sizeof(path), "%s.map", base);
			return cfg_error(ctx, path, "only for devmap_entry and cpumap_entry hooks");
		}
	}
	snprintf(path, sizeof(path), "%s.priority", base);
	if (a->priority == 0 && !cfg_present(ctx, path))
		a->priority = 50;	/* libxdp's default run_prio */
	return action_mask(ctx, base, a);
}

static int
validate_program(struct cfg_ctx *ctx, unsigned int i)
{
	struct xdpdk_cfg_program *p = &ctx->cfg->programs[i];
	char path[PATH_MAX_LEN];
	unsigned int engine;
	int ret;

	if ((ret = check_name(ctx, fpath(path, "programs", i, "name"), p->name, NAME_MAX_LEN)) != 0)
		return ret;
	for (unsigned int j = 0; j < i; j++)
		if (strcmp(ctx->cfg->programs[j].name, p->name) == 0)
			return cfg_error(ctx, path, "program name '%s' is already used by "
					 "programs[%u]", p->name, j);
	if (p->object[0] == '\0')
		return cfg_error(ctx, fpath(path, "programs", i, "object"),
				 "the path of a BPF object (.bpf.o) is needed");
	if (p->object[0] == '/' || strcmp(ctx->cfg->dir, ".") == 0)
		p->object_path = strdup(p->object);
	else if (asprintf(&p->object_path, "%s/%s", ctx->cfg->dir, p->object) < 0)
		p->object_path = NULL;
	if (p->object_path == NULL)
		return -ENOMEM;
	if ((ret = choice(ctx, fpath(path, "programs", i, "engine"), p->engine, engines, 0,
			  &engine)) != 0)
		return ret;
	if (p->jit_blinding && engine == 1)
		return cfg_error(ctx, fpath(path, "programs", i, "jit_blinding"),
				 "blinding is for JIT images: not with engine: interp");
	for (unsigned int a = 0; a < p->attach_count; a++)
		if ((ret = validate_attach(ctx, i, a)) != 0)
			return ret;
	return 0;
}

/* ---- maps ---------------------------------------------------------------- */

/* Hex bytes: "0a000001", "0a 00 00 01", "0a:00:00:01", "0x0a000001". */
static int
parse_hex(const char *s, uint8_t **out, unsigned int *len)
{
	size_t n = strlen(s);
	uint8_t *b = malloc(n / 2 + 1);
	unsigned int k = 0;
	int hi = -1;

	if (b == NULL)
		return -ENOMEM;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == ':' || *s == '\t') {
			if (hi >= 0)
				goto bad;	/* a separator inside a byte */
			continue;
		}
		if (!isxdigit((unsigned char)*s))
			goto bad;
		v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			b[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0 || k == 0)
		goto bad;
	*out = b;
	*len = k;
	return 0;
bad:
	free(b);
	return -EINVAL;
}

bool
xdpdk_config_is_typed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '{' || *s == '[' || *s == '"';
}

static int
resolve_entry(struct cfg_ctx *ctx, const char *base, struct xdpdk_cfg_entry *e)
{
	char path[PATH_MAX_LEN];
	int ret = 0;

	e->key_typed = e->key != NULL && xdpdk_config_is_typed(e->key);
	e->value_typed = e->value != NULL && xdpdk_config_is_typed(e->value);
	snprintf(path, sizeof(path), "%s.key", base);
	if (!e->key_typed)
		ret = parse_hex(e->key, &e->key_bytes, &e->key_len);
	if (ret == -EINVAL)
		return cfg_error(ctx, path, "expected hex bytes ('0a000001', '0a 00 00 01'), got "
				 "'%s'", e->key);
	snprintf(path, sizeof(path), "%s.value", base);
	if (ret == 0 && !e->value_typed)
		ret = parse_hex(e->value, &e->value_bytes, &e->value_len);
	if (ret == -EINVAL)
		return cfg_error(ctx, path, "expected hex bytes ('0a000001', '0a 00 00 01'), got "
				 "'%s'", e->value);
	return ret;
}

/* The end of the JSON value at @p s (past strings and nested brackets), or NULL. */
static const char *
json_value_end(const char *s)
{
	int depth = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"') {
			for (s++; *s != '"'; s++)
				if (*s == '\0' || (*s == '\\' && *++s == '\0'))
					return NULL;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (depth-- == 0)
				return s;
		} else if (*s == ',' && depth == 0) {
			return s;
		}
	}
	return depth == 0 ? s : NULL;
}

/*
 * A typed line of an entries file, {"key": K, "value": V}: K's and V's text
 * (for the map's BTF, later). -EINVAL when it is not that.
 */
static int
typed_line(const char *line, char **key, char **value)
{
	const char *s = line;

	*key = *value = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '{')
		return -EINVAL;
	for (;;) {
		const char *name, *v, *end;
		size_t nlen;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s++ != '"')
			return -EINVAL;
		name = s;
		s = strchr(s, '"');
		if (s == NULL)
			return -EINVAL;
		nlen = (size_t)(s - name);
		for (s++; *s == ' ' || *s == '\t'; s++)
			;
		if (*s++ != ':')
			return -EINVAL;
		while (*s == ' ' || *s == '\t')
			s++;
		v = s;
		end = json_value_end(v);
		if (end == NULL || end == v)
			return -EINVAL;
		if (nlen == 3 && strncmp(name, "key", 3) == 0 && *key == NULL)
			*key = strndup(v, (size_t)(end - v));
		else if (nlen == 5 && strncmp(name, "value", 5) == 0 && *value == NULL)
			*value = strndup(v, (size_t)(end - v));
		else
			return -EINVAL;
		s = end;
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s != '}')
			return -EINVAL;
		for (s++; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
			;
		return *key != NULL && *value != NULL && *s == '\0' ? 0 : -EINVAL;
	}
}

/*
 * Entries from a file: one "KEY VALUE" per line in hex, '#' comments; or a
 * typed line, {"key": K, "value": V} in JSON, for the map's BTF.
 */
static int
read_entries(struct cfg_ctx *ctx, unsigned int mi)
{
	struct xdpdk_cfg_map *m = &ctx->cfg->maps[mi];
	char path[PATH_MAX_LEN], line[4096], *file;
	unsigned int lineno = 0;
	int ret = 0;
	FILE *f;

	fpath(path, "maps", mi, "file");
	if (m->file[0] == '/' || strcmp(ctx->cfg->dir, ".") == 0)
		file = strdup(m->file);
	else if (asprintf(&file, "%s/%s", ctx->cfg->dir, m->file) < 0)
		file = NULL;
	if (file == NULL)
		return -ENOMEM;
	f = fopen(file, "r");
	if (f == NULL) {
		ret = cfg_error(ctx, path, "%s: %s", file, strerror(errno));
		free(file);
		return ret;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *k, *v, *save = NULL;
		struct xdpdk_cfg_entry *grown, *e;

		lineno++;
		if (line[strspn(line, " \t")] == '{') {
			char *tk, *tv;

			if (typed_line(line, &tk, &tv) != 0) {
				free(tk);
				free(tv);
				ret = cfg_error(ctx, path, "%s:%u: expected {\"key\": K, \"value\": V} "
						"in JSON", file, lineno);
				break;
			}
			grown = realloc(m->entries, (m->entries_count + 1) * sizeof(*grown));
			if (grown == NULL) {
				free(tk);
				free(tv);
				ret = -ENOMEM;
				break;
			}
			m->entries = grown;
			e = memset(&m->entries[m->entries_count++], 0, sizeof(*e));
			e->key = tk;
			e->value = tv;
			e->key_typed = e->value_typed = true;
			continue;
		}
		line[strcspn(line, "#\r\n")] = '\0';
		k = strtok_r(line, " \t", &save);
		if (k == NULL)
			continue;
		v = strtok_r(NULL, " \t", &save);
		if (v == NULL || strtok_r(NULL, " \t", &save) != NULL) {
			ret = cfg_error(ctx, path, "%s:%u: expected 'KEY VALUE' in hex (bytes "
					"without spaces)", file, lineno);
			break;
		}
		grown = realloc(m->entries, (m->entries_count + 1) * sizeof(*grown));
		if (grown == NULL) {
			ret = -ENOMEM;
			break;
		}
		m->entries = grown;
		e = memset(&m->entries[m->entries_count++], 0, sizeof(*e));
		e->key = strdup(k);
		e->value = strdup(v);
		if (e->key == NULL || e->value == NULL) {
			ret = -ENOMEM;
			break;
		}
		if (parse_hex(e->key, &e->key_bytes, &e->key_len) != 0 ||
		    parse_hex(e->value, &e->value_bytes, &e->value_len) != 0)
			ret = cfg_error(ctx, path, "%s:%u: expected hex bytes, got '%s %s'", file,
					lineno, k, v);
	}
	fclose(f);
	free(file);
	return ret;
}

static int
validate_map(struct cfg_ctx *ctx, unsigned int i)
{
	struct xdpdk_cfg_map *m = &ctx->cfg->maps[i];
	char path[PATH_MAX_LEN], base[PATH_MAX_LEN / 2];
	unsigned int flags, n_inline = m->entries_count;
	bool found = m->program == NULL;
	int ret;

	if (m->name[0] == '\0')
		return cfg_error(ctx, fpath(path, "maps", i, "name"), "a map name is needed");
	for (unsigned int p = 0; !found && p < ctx->cfg->programs_count; p++)
		found = strcmp(ctx->cfg->programs[p].name, m->program) == 0;
	if (!found)
		return cfg_error(ctx, fpath(path, "maps", i, "program"), "no program named '%s'",
				 m->program);
	if ((ret = choice(ctx, fpath(path, "maps", i, "flags"), m->flags, update_flags, 0,
			  &flags)) != 0)
		return ret;
	m->update_flags = flags;	/* BPF_ANY, BPF_NOEXIST, BPF_EXIST */
	for (unsigned int e = 0; e < n_inline; e++) {
		snprintf(base, sizeof(base), "maps[%u].entries[%u]", i, e);
		if ((ret = resolve_entry(ctx, base, &m->entries[e])) != 0)
			return ret;
	}
	return m->file != NULL ? read_entries(ctx, i) : 0;
}

/* ---- routes and neighbours ----------------------------------------------- */

static int
parse_ip(const char *s, int *family, uint8_t addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static int
validate_route(struct cfg_ctx *ctx, unsigned int i)
{
	struct xdpdk_cfg_route *r = &ctx->cfg->routes[i];
	char path[PATH_MAX_LEN], ip[64], *slash, *end;
	unsigned int kind, max;
	unsigned long len;
	int fam, ret;

	fpath(path, "routes", i, "prefix");
	snprintf(ip, sizeof(ip), "%s", r->prefix);
	slash = strchr(ip, '/');
	if (slash == NULL)
		return cfg_error(ctx, path, "expected ADDRESS/LENGTH, got '%s'", r->prefix);
	*slash = '\0';
	if (parse_ip(ip, &r->family, r->addr) != 0)
		return cfg_error(ctx, path, "'%s' is not an IPv4 or IPv6 address", ip);
	max = r->family == AF_INET ? 32 : 128;
	len = strtoul(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || len > max)
		return cfg_error(ctx, path, "prefix length '%s' is not 0..%u", slash + 1, max);
	r->prefixlen = (unsigned int)len;
	for (unsigned int b = r->prefixlen; b < max; b++)
		if (r->addr[b / 8] & (0x80u >> (b % 8)))
			return cfg_error(ctx, path, "'%s' has host bits set past /%u", r->prefix,
					 r->prefixlen);
	if ((ret = choice(ctx, fpath(path, "routes", i, "type"), r->type, route_types,
			  XDPDK_CFG_ROUTE_UNICAST, &kind)) != 0)
		return ret;
	r->kind = kind;
	if ((ret = range(ctx, fpath(path, "routes", i, "table"), &r->table, 254, 1,
			 0xffffffffu)) != 0)
		return ret;
	if (r->via != NULL) {
		fpath(path, "routes", i, "via");
		if (parse_ip(r->via, &fam, r->via_addr) != 0)
			return cfg_error(ctx, path, "'%s' is not an IPv4 or IPv6 address", r->via);
		if (fam != r->family)
			return cfg_error(ctx, path, "gateway '%s' is not of the prefix's family",
					 r->via);
		r->has_via = true;
	}
	if (kind != XDPDK_CFG_ROUTE_UNICAST) {
		if (r->via != NULL || r->port != NULL)
			return cfg_error(ctx, fpath(path, "routes", i, r->via ? "via" : "port"),
					 "a %s route has no gateway or port", route_types[kind]);
		return 0;
	}
	return need_port(ctx, fpath(path, "routes", i, "port"), r->port, &r->port_idx);
}

static int
validate_neighbour(struct cfg_ctx *ctx, unsigned int i)
{
	struct xdpdk_cfg_neighbour *n = &ctx->cfg->neighbours[i];
	char path[PATH_MAX_LEN];
	unsigned int m[6];
	char extra;

	if (parse_ip(n->ip, &n->family, n->addr) != 0)
		return cfg_error(ctx, fpath(path, "neighbours", i, "ip"),
				 "'%s' is not an IPv4 or IPv6 address", n->ip);
	if (sscanf(n->mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &extra) != 6 || strlen(n->mac) != 17)
		return cfg_error(ctx, fpath(path, "neighbours", i, "mac"),
				 "expected a MAC address like 02:00:00:00:00:01, got '%s'", n->mac);
	for (int k = 0; k < 6; k++)
		n->mac_bytes[k] = (uint8_t)m[k];
	return need_port(ctx, fpath(path, "neighbours", i, "port"), n->port, &n->port_idx);
}

/* ---- the rest ------------------------------------------------------------ */

static int
validate_misc(struct cfg_ctx *ctx)
{
	struct xdpdk_config *cfg = ctx->cfg;
	unsigned int v;
	char *end;
	int ret;

	if ((ret = choice(ctx, "eal.hugepages", cfg->eal.hugepages, hugepages, 0, &v)) != 0)
		return ret;
	if (cfg->control.socket == NULL) {
		cfg->control.socket = strdup("/run/xdpdk.sock");
		if (cfg->control.socket == NULL)
			return -ENOMEM;
	}
	if (cfg->control.socket[0] == '\0' ||
	    strlen(cfg->control.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return cfg_error(ctx, "control.socket", "a unix socket path of 1 to %zu bytes is "
				 "needed", sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	/* a group that may use the socket: it owns the file, which it can then reach (0660) */
	cfg->control.mode_bits = 0600;
	if (cfg->control.group != NULL) {
		const struct group *g = getgrnam(cfg->control.group);

		if (g == NULL)
			return cfg_error(ctx, "control.group", "no group named '%s'",
					 cfg->control.group);
		cfg->control.has_group = true;
		cfg->control.gid = (unsigned int)g->gr_gid;
		cfg->control.mode_bits = 0660;
	}
	if (cfg->control.mode != NULL) {
		unsigned long mode = strtoul(cfg->control.mode, &end, 8);

		if (cfg->control.mode[0] == '\0' || *end != '\0' || mode > 0777)
			return cfg_error(ctx, "control.mode", "expected octal permissions such as "
					 "'0600', got '%s'", cfg->control.mode);
		cfg->control.mode_bits = (unsigned int)mode;
	}
	if ((ret = choice(ctx, "log.level", cfg->log.level, log_levels, 7, &v)) != 0)
		return ret;
	cfg->log.level_num = v;
	for (unsigned int i = 0; i < cfg->log.types_count; i++) {
		char path[PATH_MAX_LEN];

		snprintf(path, sizeof(path), "log.types[%u].level", i);
		if ((ret = choice(ctx, path, cfg->log.types[i].level, log_levels, 7, &v)) != 0)
			return ret;
		cfg->log.types[i].level_num = v;
	}
	return 0;
}

int
cfg_validate(struct cfg_ctx *ctx)
{
	struct xdpdk_config *cfg = ctx->cfg;
	int ret = 0;

	/* Ports first, without workers: their RX queue counts decide the default worker. */
	for (unsigned int i = 0; ret == 0 && i < cfg->ports_count; i++)
		ret = validate_port(ctx, i, cfg->workers_count);
	if (ret == 0 && cfg->workers_count == 0 && !cfg_present(ctx, "workers"))
		ret = default_worker(cfg);
	else if (ret == 0 && cfg->workers_count == 0)
		ret = cfg_error(ctx, "workers", "at least one worker is needed");
	if (ret == 0)
		ret = validate_workers(ctx);
	for (unsigned int i = 0; ret == 0 && i < cfg->programs_count; i++)
		ret = validate_program(ctx, i);
	for (unsigned int i = 0; ret == 0 && i < cfg->maps_count; i++)
		ret = validate_map(ctx, i);
	for (unsigned int i = 0; ret == 0 && i < cfg->routes_count; i++)
		ret = validate_route(ctx, i);
	for (unsigned int i = 0; ret == 0 && i < cfg->neighbours_count; i++)
		ret = validate_neighbour(ctx, i);
	if (ret == 0)
		ret = validate_misc(ctx);
	return ret;
}

void
cfg_resolved_free(struct xdpdk_config *cfg)
{
	for (unsigned int i = 0; i < cfg->programs_count; i++) {
		free(cfg->programs[i].object_path);
		cfg->programs[i].object_path = NULL;
	}
	for (unsigned int i = 0; i < cfg->maps_count; i++)
		for (unsigned int e = 0; e < cfg->maps[i].entries_count; e++) {
			free(cfg->maps[i].entries[e].key_bytes);
			free(cfg->maps[i].entries[e].value_bytes);
			cfg->maps[i].entries[e].key_bytes = NULL;
			cfg->maps[i].entries[e].value_bytes = NULL;
		}
}
