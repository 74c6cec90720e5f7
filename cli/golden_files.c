/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Golden test files (see golden.h and docs/golden-tests.md): map seeds and
 * the routing table they describe, expectations, and the lines the kernel
 * writer produces. One parser for `xdpdk prog test`, tests/golden and the
 * lb benchmark, so the kernel's expectations and xdpdk's checks never read
 * a file differently.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <xdpdk/fib.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

#include "cli.h"
#include "golden.h"

#define MAX_TOK 8

int
cli_golden_parse_hex(const char *s, uint8_t *buf, uint32_t *len)
{
	uint32_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == '.' || *s == '_' || *s == ':')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -EINVAL;
		if (hi < 0) {
			hi = v;
		} else {
			if (n == CLI_GOLDEN_MAX_HEX)
				return -E2BIG;
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = n;
	return hi < 0 ? 0 : -EINVAL;
}

/* Cut a '#' comment and split into at most MAX_TOK words. @return the count. */
static int
split(char *line, char *tok[MAX_TOK])
{
	char *save = NULL, *p = strchr(line, '#');
	int n = 0;

	if (p)
		*p = 0;
	for (p = strtok_r(line, " \t\r\n", &save); p && n < MAX_TOK;
	     p = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = p;
	return n;
}

/* Grow @p *v (of @p size elements) geometrically to hold @p n + 1. */
static int
grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	/* The lb's seeds are thousands of ring entries: geometric growth. */
	nv = realloc(*v, (*cap ? 2 * *cap : 64) * size);
	if (nv == NULL)
		return -ENOMEM;
	*v = nv;
	*cap = *cap ? 2 * *cap : 64;
	return 0;
}

/* A zeroed seed at the end of @p sd, counted once the caller fills it (sd->n++); NULL: no memory. */
static struct cli_golden_seed *
next_seed(struct cli_golden_seeds *sd, size_t *cap, int lineno)
{
	struct cli_golden_seed *s;

	if (grow((void **)&sd->v, sd->n, cap, sizeof(*sd->v)) != 0)
		return NULL;
	s = &sd->v[sd->n];
	memset(s, 0, sizeof(*s));
	s->lineno = lineno;
	return s;
}

/*
 * "MAP @FILE": FILE (relative to @p path's directory) holds "KEY VALUE" hex
 * lines, the format of a configuration's `maps: - file:`, so that one set of
 * entry files seeds both `xdpdk run -c` and `prog run/test --maps-init`.
 */
static int
read_entries_file(const char *path, int lineno, const char *map, const char *file,
		  struct cli_golden_seeds *sd, size_t *cap)
{
	const char *slash = strrchr(path, '/');
	char full[4096], line[4096];
	int n, fline = 0, ret = 0;
	FILE *f;

	if (file[0] == '/' || slash == NULL)
		n = snprintf(full, sizeof(full), "%s", file);
	else
		n = snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - path), path, file);
	if (n >= (int)sizeof(full) || (f = fopen(full, "r")) == NULL) {
		fprintf(stderr, "%s:%d: %s: %s\n", path, lineno, full,
			n >= (int)sizeof(full) ? strerror(ENAMETOOLONG) : strerror(errno));
		return -1;
	}
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		char *tok[MAX_TOK] = { 0 };
		struct cli_golden_seed *s;

		fline++;
		n = split(line, tok);
		if (n == 0)
			continue;
		s = next_seed(sd, cap, lineno);
		if (s == NULL) {
			fprintf(stderr, "%s: %s\n", full, strerror(ENOMEM));
			ret = -1;
			break;
		}
		snprintf(s->map, sizeof(s->map), "%s", map);
		if (n != 2 || cli_golden_parse_hex(tok[0], s->key, &s->klen) != 0 ||
		    cli_golden_parse_hex(tok[1], s->val, &s->vlen) != 0) {
			fprintf(stderr, "%s:%d: expected 'KEYHEX VALUEHEX' (from %s:%d)\n", full,
				fline, path, lineno);
			ret = -1;
			break;
		}
		sd->n++;
	}
	fclose(f);
	return ret;
}

int
cli_golden_seeds_read(const char *path, struct cli_golden_seeds *sd)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t cap = 0, fib_cap = 0;
	int lineno = 0;

	memset(sd, 0, sizeof(*sd));
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tok[MAX_TOK] = { 0 };
		struct cli_golden_seed *s;
		int n;

		lineno++;
		if (strncmp(line, "fib-", 4) == 0) {
			size_t len = strcspn(line, "#\r\n");

			while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
				len--;
			line[len] = 0;
			if (grow((void **)&sd->fib, sd->n_fib, &fib_cap, sizeof(*sd->fib)) != 0 ||
			    (sd->fib[sd->n_fib] = strdup(line)) == NULL)
				goto err_mem;
			sd->n_fib++;
			continue;
		}
		n = split(line, tok);
		if (n == 0)
			continue;
		if (n == 2 && tok[1][0] == '@' && strlen(tok[0]) < sizeof(s->map)) {
			if (read_entries_file(path, lineno, tok[0], tok[1] + 1, sd, &cap) != 0)
				goto err;
			continue;
		}
		s = next_seed(sd, &cap, lineno);
		if (s == NULL)
			goto err_mem;
		s->check = strcmp(tok[0], "check") == 0;
		if (n != 3 || snprintf(s->map, sizeof(s->map), "%s", tok[s->check ? 1 : 0]) >=
				      (int)sizeof(s->map) ||
		    cli_golden_parse_hex(tok[s->check ? 2 : 1], s->key, &s->klen) != 0 ||
		    (!s->check && cli_golden_parse_hex(tok[2], s->val, &s->vlen) != 0)) {
			fprintf(stderr, "%s:%d: expected 'MAP KEYHEX VALUEHEX', 'MAP @FILE', "
				"'check MAP KEYHEX' or a fib-* line\n", path, lineno);
			goto err;
		}
		sd->n++;
	}
	fclose(f);
	return 0;
err_mem:
	fprintf(stderr, "%s: %s\n", path, strerror(ENOMEM));
err:
	fclose(f);
	cli_golden_seeds_free(sd);
	return -1;
}

int
cli_golden_seed_file(const char *file, struct xdpdk_loaded *lo, struct xdpdk_fib **fib)
{
	struct cli_golden_seeds sd;
	int ret;

	if (cli_golden_seeds_read(file, &sd) != 0)
		return -1;
	ret = cli_golden_seed_xdpdk(lo, &sd) != 0 || cli_golden_fib_setup(&sd, fib) != 0 ? -1 : 0;
	cli_golden_seeds_free(&sd);
	return ret;
}

void
cli_golden_seeds_free(struct cli_golden_seeds *sd)
{
	for (size_t i = 0; i < sd->n_fib; i++)
		free(sd->fib[i]);
	free(sd->fib);
	free(sd->v);
	memset(sd, 0, sizeof(*sd));
}

int
cli_golden_seed_xdpdk(struct xdpdk_loaded *lo, const struct cli_golden_seeds *sd)
{
	size_t size = (size_t)(xdpdk_maps_n_workers() + 1) * CLI_GOLDEN_MAX_HEX;
	uint8_t *val = calloc(1, size);
	int rc = -1;

	if (val == NULL)
		return -1;
	for (size_t i = 0; i < sd->n; i++) {
		const struct cli_golden_seed *s = &sd->v[i];
		struct xdpdk_map *m = xdpdk_loaded_map_find(lo, s->map);
		const struct xdpdk_map_def *d;
		int err;

		if (m == NULL) {
			fprintf(stderr, "line %d: the object has no map '%s'\n", s->lineno, s->map);
			goto out;
		}
		d = xdpdk_map_def(m);
		if (s->klen != d->key_size || (!s->check && s->vlen > d->value_size)) {
			fprintf(stderr, "line %d: map '%s' has %u-byte keys and %u-byte values, "
				"the line gives %u and %u\n", s->lineno, s->map, d->key_size,
				d->value_size, s->klen, s->vlen);
			goto out;
		}
		if (s->check)
			continue;
		memset(val, 0, size);
		memcpy(val, s->val, s->vlen);
		err = xdpdk_map_update(m, s->key, val, BPF_ANY);
		if (err != 0) {
			fprintf(stderr, "line %d: seeding map '%s': %s\n", s->lineno, s->map,
				strerror(-err));
			goto out;
		}
	}
	rc = 0;
out:
	free(val);
	return rc;
}

bool
cli_golden_is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

void
cli_golden_fold_percpu(uint8_t *buf, uint32_t vs, uint32_t n_slots)
{
	uint32_t stride = (vs + 7) & ~7u;

	for (uint32_t s = 1; s < n_slots; s++)
		for (uint32_t w = 0; w + 8 <= vs; w += 8) {
			uint64_t a, b;

			memcpy(&a, buf + w, 8);
			memcpy(&b, buf + s * stride + w, 8);
			a += b;
			memcpy(buf + w, &a, 8);
		}
}

int
cli_golden_map_read(struct xdpdk_map *m, const uint8_t *key, uint8_t *val)
{
	const struct xdpdk_map_def *d = xdpdk_map_def(m);

	memset(val, 0, xdpdk_map_value_buf_size(m));
	if (xdpdk_map_lookup(m, key, val, 0) != 0)
		return -ENOENT;
	/* Kernel and xdpdk differ in CPUs: golden files hold the slots summed. */
	if (cli_golden_is_percpu(d->type))
		cli_golden_fold_percpu(val, d->value_size, xdpdk_maps_n_workers());
	return 0;
}

/* ---- the routing table of bpf_fib_lookup() from fib-* lines ------------- */

/* "10.1.0.1/16" or "2001:db8::/48": family, address, length. */
static int
parse_prefix(const char *s, uint8_t addr[16], uint8_t *len)
{
	char buf[64];
	char *slash;
	int fam;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	memset(addr, 0, 16);
	fam = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, buf, addr) != 1)
		return -1;
	*len = slash ? (uint8_t)atoi(slash + 1) : (fam == AF_INET ? 32 : 128);
	return fam;
}

static void
mask_prefix(uint8_t addr[16], uint8_t len)
{
	for (int i = 0; i < 16; i++) {
		int keep = len >= (i + 1) * 8 ? 8 : len > i * 8 ? len - i * 8 : 0;

		addr[i] &= (uint8_t)(0xff00 >> keep);
	}
}

static struct xdpdk_fib_if *
fib_if(struct xdpdk_fib_if *ifs, const char *s)
{
	long i = strtol(s, NULL, 10);

	return i > 0 && i <= XDPDK_FIB_MAX_IFINDEX ? &ifs[i] : NULL;
}

/* "fib-addr IFINDEX ADDR/LEN": as the kernel, a connected route and a local one. */
static int
fib_addr(struct xdpdk_fib *fib, struct xdpdk_fib_if *ifs, char **t)
{
	struct xdpdk_fib_if *f = fib_if(ifs, t[1]);
	struct xdpdk_fib_route r = { .ifindex = (uint32_t)atoi(t[1]) };
	int fam = parse_prefix(t[2], r.dst, &r.depth), rc;

	if (fam < 0 || f == NULL)
		return -EINVAL;
	if (fam == AF_INET)
		memcpy(f->addr4, r.dst, 4);
	else
		memcpy(f->addr6, r.dst, 16);
	r.family = fam;
	memcpy(r.prefsrc, r.dst, 16);
	mask_prefix(r.dst, r.depth);
	rc = xdpdk_fib_route_add(fib, &r);
	if (rc)
		return rc;
	r.depth = fam == AF_INET ? 32 : 128;
	memcpy(r.dst, r.prefsrc, 16);
	r.type = XDPDK_FIB_ROUTE_LOCAL;
	r.table = 255;
	return xdpdk_fib_route_add(fib, &r);
}

static int
fib_line(struct xdpdk_fib *fib, struct xdpdk_fib_if *ifs, char *line)
{
	char *t[MAX_TOK] = { 0 };
	int n = split(line, t);
	uint32_t ml;

	if (n == 4 && strcmp(t[0], "fib-if") == 0) {
		struct xdpdk_fib_if *f = fib_if(ifs, t[1]);

		if (f == NULL)
			return -EINVAL;
		f->mtu = 1500;
		f->forwarding = f->forwarding6 = true;
		return cli_golden_parse_hex(t[3], f->mac, &ml) == 0 && ml == 6 ? 0 : -EINVAL;
	}
	if (n == 3 && strcmp(t[0], "fib-addr") == 0)
		return fib_addr(fib, ifs, t);
	if (n == 4 && strcmp(t[0], "fib-neigh") == 0) {
		uint8_t ip[16], len, mac[6];
		int fam = parse_prefix(t[2], ip, &len);

		if (fam < 0 || cli_golden_parse_hex(t[3], mac, &ml) != 0 || ml != 6)
			return -EINVAL;
		return xdpdk_fib_neigh_add(fib, (uint32_t)atoi(t[1]), fam, ip, mac);
	}
	if (n >= 3 && strcmp(t[0], "fib-route") == 0) {
		struct xdpdk_fib_route r = { 0 };
		uint8_t glen;

		r.family = parse_prefix(t[1], r.dst, &r.depth);
		if (r.family < 0)
			return -EINVAL;
		if (n == 3 && strcmp(t[2], "blackhole") == 0) {
			r.type = XDPDK_FIB_ROUTE_BLACKHOLE;
		} else if (n == 6 && strcmp(t[2], "via") == 0 && strcmp(t[4], "dev") == 0) {
			r.gw_family = parse_prefix(t[3], r.gw, &glen);
			r.ifindex = (uint32_t)atoi(t[5]);
			if (r.gw_family < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		return xdpdk_fib_route_add(fib, &r);
	}
	return -EINVAL;
}

int
cli_golden_fib_setup(const struct cli_golden_seeds *sd, struct xdpdk_fib **out)
{
	struct xdpdk_fib_if *ifs;
	struct xdpdk_fib *fib;
	int rc = 0;

	*out = NULL;
	if (sd->n_fib == 0)
		return 0;
	fib = xdpdk_fib_create(NULL);
	ifs = calloc(XDPDK_FIB_MAX_IFINDEX + 1, sizeof(*ifs));
	if (fib == NULL || ifs == NULL) {
		xdpdk_fib_free(fib);
		free(ifs);
		return -ENOMEM;
	}
	/* The test run's ingress device is the namespace's loopback (ifindex 1). */
	ifs[1] = (struct xdpdk_fib_if){ .mtu = 65536, .forwarding = true, .forwarding6 = true };
	for (size_t i = 0; i < sd->n_fib && rc == 0; i++) {
		char *line = strdup(sd->fib[i]);

		rc = line ? fib_line(fib, ifs, line) : -ENOMEM;
		if (rc)
			fprintf(stderr, "routing table line '%s' refused: %s\n", sd->fib[i],
				strerror(-rc));
		free(line);
	}
	for (uint32_t i = 0; i <= XDPDK_FIB_MAX_IFINDEX && rc == 0; i++)
		if (ifs[i].mtu)
			rc = xdpdk_fib_if_set(fib, i, &ifs[i]);
	free(ifs);
	if (rc) {
		xdpdk_fib_free(fib);
		return rc;
	}
	xdpdk_fib_set_current(fib);
	*out = fib;
	return 0;
}

void
cli_golden_fib_teardown(struct xdpdk_fib *fib)
{
	if (fib == NULL)
		return;
	xdpdk_fib_set_current(NULL);
	xdpdk_fib_free(fib);
}

/* ---- expectations --------------------------------------------------------- */

int
cli_golden_verdict_parse(const char *s, enum xdpdk_prog_type type, uint32_t *retval)
{
	char *end;
	long long v;

	for (uint32_t r = 0; r < 16; r++) {
		const char *name = cli_action_name(type, r);

		if (name && strcmp(name, s) == 0) {
			*retval = r;
			return 0;
		}
	}
	if (type == XDPDK_PROG_TYPE_TC && strcmp(s, "TC_ACT_UNSPEC") == 0) {
		*retval = (uint32_t)-1;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || end == s || v < -2147483648LL || v > 4294967295LL)
		return -EINVAL;
	*retval = (uint32_t)v;
	return 0;
}

/* "pkt N ret R [len L]" or "pkt N error TEXT...". */
static int
expect_pkt(struct cli_golden_expect *e, char **t, int n, char *rest, enum xdpdk_prog_type type)
{
	char *end;
	unsigned long no = strtoul(t[1], &end, 10);
	struct cli_golden_pkt *p;

	if (*end || no == 0 || no > 100000000ul || n < 4)
		return -EINVAL;
	if (no > e->n_pkt) {
		struct cli_golden_pkt *np = realloc(e->pkt, no * sizeof(*np));

		if (np == NULL)
			return -ENOMEM;
		memset(np + e->n_pkt, 0, (no - e->n_pkt) * sizeof(*np));
		e->pkt = np;
		e->n_pkt = no;
	}
	p = &e->pkt[no - 1];
	if (p->kind != CLI_GOLDEN_NONE)
		return -EEXIST;
	if (strcmp(t[2], "error") == 0) {
		p->kind = CLI_GOLDEN_ERROR;
		snprintf(p->error, sizeof(p->error), "%s", rest);
		return 0;
	}
	if (strcmp(t[2], "ret") != 0 || (n != 4 && n != 6) ||
	    cli_golden_verdict_parse(t[3], type, &p->retval) != 0)
		return -EINVAL;
	if (n == 6) {
		if (strcmp(t[4], "len") != 0)
			return -EINVAL;
		p->len = (uint32_t)strtoul(t[5], &end, 10);
		if (*end)
			return -EINVAL;
		p->has_len = true;
	}
	p->kind = CLI_GOLDEN_RET;
	return 0;
}

/* "map MAP KEY VALUE|none". */
static int
expect_map(struct cli_golden_expect *e, size_t *cap, char **t, int n)
{
	struct cli_golden_map *m;

	if (n != 4 || grow((void **)&e->map, e->n_map, cap, sizeof(*e->map)) != 0)
		return n != 4 ? -EINVAL : -ENOMEM;
	m = &e->map[e->n_map];
	memset(m, 0, sizeof(*m));
	if (snprintf(m->map, sizeof(m->map), "%s", t[1]) >= (int)sizeof(m->map) ||
	    cli_golden_parse_hex(t[2], m->key, &m->klen) != 0)
		return -EINVAL;
	m->none = strcmp(t[3], "none") == 0;
	if (!m->none && cli_golden_parse_hex(t[3], m->val, &m->vlen) != 0)
		return -EINVAL;
	e->n_map++;
	return 0;
}

int
cli_golden_expect_read(const char *path, enum xdpdk_prog_type type, struct cli_golden_expect *e)
{
	FILE *f;
	char line[4096];
	size_t cap = e->n_map;
	int lineno = 0, rc = 0;

	/* The same .expect may be given for verdicts and for maps. */
	for (size_t i = 0; i < e->n_pkt; i++)
		if (e->pkt[i].file && strcmp(e->pkt[i].file, path) == 0)
			return 0;
	for (size_t i = 0; i < e->n_map; i++)
		if (strcmp(e->map[i].file, path) == 0)
			return 0;
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *t[MAX_TOK] = { 0 }, copy[sizeof(line)];
		size_t before = e->n_map, no;
		int n;

		lineno++;
		line[strcspn(line, "#\r\n")] = 0;
		memcpy(copy, line, strlen(line) + 1);
		n = split(line, t);
		if (n == 0)
			continue;
		if (strcmp(t[0], "pkt") == 0 && n >= 3) {
			/* The refusal's text ("Invalid argument") runs to the end of the line. */
			rc = expect_pkt(e, t, n, copy + (t[3] ? t[3] - line : 0), type);
			if (rc == 0) {
				no = strtoul(t[1], NULL, 10);
				e->pkt[no - 1].lineno = lineno;
				e->pkt[no - 1].file = path;
				e->n_pkt_lines++;
			}
		} else if (strcmp(t[0], "map") == 0) {
			rc = expect_map(e, &cap, t, n);
			if (rc == 0) {
				e->map[before].lineno = lineno;
				e->map[before].file = path;
			}
		} else {
			rc = -EINVAL;
		}
	}
	fclose(f);
	if (rc == 0)
		return 0;
	if (rc == -EEXIST)
		fprintf(stderr, "%s:%d: a second line for the same packet\n", path, lineno);
	else
		fprintf(stderr, "%s:%d: expected 'pkt N ret VERDICT [len L]', 'pkt N error TEXT' "
			"or 'map MAP KEYHEX VALUEHEX|none'\n", path, lineno);
	return -1;
}

void
cli_golden_expect_free(struct cli_golden_expect *e)
{
	free(e->pkt);
	free(e->map);
	memset(e, 0, sizeof(*e));
}

void
cli_golden_fmt_pkt(FILE *out, enum xdpdk_prog_type type, size_t pkt_no, int err,
		   uint32_t retval, uint32_t len)
{
	const char *name = cli_action_name(type, retval);

	if (err)
		fprintf(out, "pkt %zu error %s", pkt_no, strerror(err));
	else if (name)
		fprintf(out, "pkt %zu ret %s len %u", pkt_no, name, len);
	else
		fprintf(out, "pkt %zu ret %u len %u", pkt_no, retval, len);
}

void
cli_golden_fmt_map(FILE *out, const char *map, const uint8_t *key, uint32_t klen,
		   const uint8_t *val, uint32_t vlen)
{
	const uint8_t *const part[2] = { key, val };
	const uint32_t len[2] = { klen, vlen };

	fprintf(out, "map %s", map);
	for (int k = 0; k < 2; k++) {
		fputc(' ', out);
		if (part[k] == NULL)
			fputs("none", out);	/* no such entry */
		for (uint32_t i = 0; part[k] && i < len[k]; i++)
			fprintf(out, "%02x", part[k][i]);
	}
}
