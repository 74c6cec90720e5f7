/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Golden tests of the bundled programs (bpf/progs). One program, its map
 * seeds (tests/golden/<name>.maps), an input pcap: every packet is run once
 * (BPF_PROG_TEST_RUN semantics, repeat 1) and the outcome (return value,
 * output bytes, then the map entries the .maps file asks to check) is
 * compared with the committed expectation: pcaps/golden/<name>-out.pcap (the
 * output bytes, packet i for input i) and tests/golden/<name>.expect (the
 * verdicts and map values).
 *
 *   golden [--engine interp|jit|both] OBJ PROG MAPS IN.pcap OUT.pcap EXPECT
 *       runs on xdpdk and compares (exit 1 on a difference, saying where);
 *   golden --kernel-write OBJ PROG MAPS IN.pcap OUT.pcap EXPECT
 *       runs in the kernel (root) and writes the expectation: the kernel is
 *       the oracle, xdpdk never writes its own expected results.
 *
 * .maps lines (# comments):
 *   MAP KEYHEX VALUEHEX    seed an entry (per-CPU maps: CPU/worker 0's slot)
 *   check MAP KEYHEX       report the entry after the run (per-CPU: slots summed
 *                          as u64 words, since kernel and xdpdk differ in CPUs)
 *   fib-if IFINDEX NAME MAC / fib-addr IFINDEX ADDR/LEN / fib-neigh IFINDEX IP MAC
 *   fib-route PREFIX via GW dev IFINDEX / fib-route PREFIX blackhole
 *                          the routing table of bpf_fib_lookup(): the kernel's is
 *                          built from these lines by router-netns.sh, xdpdk's by
 *                          this program (include/xdpdk/fib.h)
 * Hex may contain '.', '_' or ':' separators.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define bpf_insn cbpf_insn /* libpcap's classic struct clashes with linux/bpf.h */
#include <pcap/pcap.h>
#undef bpf_insn

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

#include "seeds.h"

#define MAX_PKT (20 * 4096)
#define MAX_HEX GOLDEN_MAX_HEX
#define MAX_LINES 8192

struct golden {
	const char *obj, *prog, *maps, *in, *out, *expect;
	struct golden_seeds sd;
	struct pcap_pkt {
		uint8_t *data;
		uint32_t len;
	} *pkts;
	size_t n_pkts;
};

/* What one side produced: text lines and output packets. */
struct result {
	char *lines[MAX_LINES];
	size_t n_lines;
	uint8_t *out[MAX_LINES];
	uint32_t out_len[MAX_LINES];
	size_t n_out;
};

static void
add_line(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_line(struct result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_lines == MAX_LINES)
		abort();
	va_start(ap, fmt);
	if (vasprintf(&r->lines[r->n_lines++], fmt, ap) < 0)
		abort();
	va_end(ap);
}

static void
result_free(struct result *r)
{
	for (size_t i = 0; i < r->n_lines; i++)
		free(r->lines[i]);
	for (size_t i = 0; i < r->n_out; i++)
		free(r->out[i]);
	memset(r, 0, sizeof(*r));
}

static int
read_pcap(const char *file, struct pcap_pkt **pkts, size_t *n)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc = pcap_open_offline(file, err);

	if (pc == NULL) {
		fprintf(stderr, "%s: %s\n", file, err);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		*pkts = realloc(*pkts, (*n + 1) * sizeof(**pkts));
		(*pkts)[*n].data = malloc(h->caplen + 1);
		memcpy((*pkts)[*n].data, d, h->caplen);
		(*pkts)[*n].len = h->caplen;
		(*n)++;
	}
	pcap_close(pc);
	return 0;
}

static bool
is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Sum @n_slots per-CPU slots of @vs bytes (8-byte stride) into slot 0, as u64 words. */
static void
fold_percpu(uint8_t *buf, uint32_t vs, uint32_t n_slots)
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

static void
hex(char *dst, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		sprintf(dst + 2 * i, "%02x", p[i]);
	dst[2 * n] = 0;
}

static void
check_line(struct result *r, const struct golden_seed *s, int rc, uint8_t *val, uint32_t vs)
{
	char kh[2 * MAX_HEX + 1], vh[2 * MAX_HEX + 1];

	hex(kh, s->key, s->klen);
	if (rc != 0) {
		add_line(r, "map %s %s none", s->map, kh);
		return;
	}
	hex(vh, val, vs);
	add_line(r, "map %s %s %s", s->map, kh, vh);
}

static void
pkt_line(struct result *r, size_t i, int err, uint32_t retval, const uint8_t *out, uint32_t len)
{
	if (err) {
		add_line(r, "pkt %zu error %s", i + 1, strerror(err));
		len = 0;
	} else {
		add_line(r, "pkt %zu ret %u len %u", i + 1, retval, len);
	}
	r->out[r->n_out] = malloc(len + 1);
	memcpy(r->out[r->n_out], out, len);
	r->out_len[r->n_out++] = len;
}

/* ---- the kernel ---------------------------------------------------------- */

static int
kernel_run(struct golden *g, struct result *r)
{
	struct bpf_object *kobj = bpf_object__open_file(g->obj, NULL);
	int ncpu = libbpf_num_possible_cpus(), fd, rc = -1;
	struct bpf_program *kp;
	struct bpf_map *km;
	uint8_t *buf = malloc(MAX_PKT), *val = NULL;
	cpu_set_t cpus;

	/* Per-CPU state (LRU connection tables, token buckets) must stay on one CPU. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0)
		perror("sched_setaffinity");
	if (kobj == NULL || bpf_object__load(kobj) != 0) {
		fprintf(stderr, "kernel: cannot load %s: %s\n", g->obj, strerror(errno));
		goto out;
	}
	kp = bpf_object__find_program_by_name(kobj, g->prog);
	if (kp == NULL) {
		fprintf(stderr, "kernel: no program %s\n", g->prog);
		goto out;
	}
	if (golden_seed_kernel(kobj, &g->sd) != 0)
		goto out;
	val = calloc((size_t)ncpu, 8 * MAX_HEX);
	fd = bpf_program__fd(kp);
	for (size_t i = 0; i < g->n_pkts; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = g->pkts[i].data,
			    .data_size_in = g->pkts[i].len, .data_out = buf,
			    .data_size_out = MAX_PKT, .repeat = 1);
		int err = bpf_prog_test_run_opts(fd, &t) ? errno : 0;

		pkt_line(r, i, err, t.retval, buf, t.data_size_out);
	}
	for (size_t i = 0; i < g->sd.n; i++) {
		const struct golden_seed *s = &g->sd.v[i];
		uint32_t vs;
		int err;

		if (!s->check)
			continue;
		km = bpf_object__find_map_by_name(kobj, s->map);
		if (km == NULL) {
			fprintf(stderr, "kernel: no map %s\n", s->map);
			goto out;
		}
		vs = bpf_map__value_size(km);
		memset(val, 0, (size_t)ncpu * 8 * MAX_HEX);
		err = bpf_map_lookup_elem(bpf_map__fd(km), s->key, val);
		if (err == 0 && is_percpu(bpf_map__type(km)))
			fold_percpu(val, vs, (uint32_t)ncpu);
		check_line(r, s, err, val, vs);
	}
	rc = 0;
out:
	free(val);
	free(buf);
	bpf_object__close(kobj);
	return rc;
}

static int
kernel_write(struct golden *g, struct result *r)
{
	FILE *f = fopen(g->expect, "w");
	pcap_t *pc = pcap_open_dead(DLT_EN10MB, MAX_PKT);
	pcap_dumper_t *d = pc ? pcap_dump_open(pc, g->out) : NULL;
	struct utsname u;

	if (f == NULL || d == NULL) {
		fprintf(stderr, "cannot write %s / %s\n", g->expect, g->out);
		return -1;
	}
	uname(&u);
	fprintf(f, "# Written by tests/golden/golden --kernel-write: BPF_PROG_TEST_RUN in Linux %s.\n"
		   "# %s:%s over %s (seeds: %s); output bytes in %s.\n",
		u.release, strrchr(g->obj, '/') ? strrchr(g->obj, '/') + 1 : g->obj, g->prog,
		strrchr(g->in, '/') ? strrchr(g->in, '/') + 1 : g->in,
		strrchr(g->maps, '/') ? strrchr(g->maps, '/') + 1 : g->maps,
		strrchr(g->out, '/') ? strrchr(g->out, '/') + 1 : g->out);
	for (size_t i = 0; i < r->n_lines; i++)
		fprintf(f, "%s\n", r->lines[i]);
	for (size_t i = 0; i < r->n_out; i++) {
		/* Fixed timestamps: the file must not change between runs. */
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000, .tv_usec = (long)i * 1000 },
					 .caplen = r->out_len[i], .len = r->out_len[i] };

		pcap_dump((u_char *)d, &h, r->out[i]);
	}
	pcap_dump_close(d);
	pcap_close(pc);
	fclose(f);
	return 0;
}

/* ---- xdpdk's routing table from the fib-* lines --------------------------- */

#if __has_include(<xdpdk/fib.h>)
#include <arpa/inet.h>
#include <sys/socket.h>
#include <xdpdk/fib.h>

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

static int
fib_line(struct xdpdk_fib *fib, struct xdpdk_fib_if *ifs, char *line)
{
	char *t[8] = { 0 }, *save = NULL;
	int n = 0;

	for (char *p = strtok_r(line, " \t\n", &save); p && n < 8; p = strtok_r(NULL, " \t\n", &save))
		t[n++] = p;
	if (n == 4 && strcmp(t[0], "fib-if") == 0) {
		struct xdpdk_fib_if *f = &ifs[atoi(t[1]) % (XDPDK_FIB_MAX_IFINDEX + 1)];
		uint32_t ml;

		f->mtu = 1500;
		f->forwarding = f->forwarding6 = true;
		return golden_parse_hex(t[3], f->mac, &ml) == 0 && ml == 6 ? 0 : -1;
	}
	if (n == 3 && strcmp(t[0], "fib-addr") == 0) {
		/* As the kernel: a connected route for the prefix, a local one for the address. */
		uint32_t ifindex = (uint32_t)atoi(t[1]);
		struct xdpdk_fib_route r = { .ifindex = ifindex };
		int fam = parse_prefix(t[2], r.dst, &r.depth);
		struct xdpdk_fib_if *f = &ifs[ifindex % (XDPDK_FIB_MAX_IFINDEX + 1)];
		int rc;

		if (fam < 0)
			return -1;
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
	if (n == 4 && strcmp(t[0], "fib-neigh") == 0) {
		uint8_t ip[16], len, mac[6];
		uint32_t ml;
		int fam = parse_prefix(t[2], ip, &len);

		if (fam < 0 || golden_parse_hex(t[3], mac, &ml) != 0 || ml != 6)
			return -1;
		return xdpdk_fib_neigh_add(fib, (uint32_t)atoi(t[1]), fam, ip, mac);
	}
	if (n >= 3 && strcmp(t[0], "fib-route") == 0) {
		struct xdpdk_fib_route r = { 0 };
		uint8_t glen;

		r.family = parse_prefix(t[1], r.dst, &r.depth);
		if (r.family < 0)
			return -1;
		if (strcmp(t[2], "blackhole") == 0)
			r.type = XDPDK_FIB_ROUTE_BLACKHOLE;
		else if (n == 6 && strcmp(t[2], "via") == 0 && strcmp(t[4], "dev") == 0) {
			r.gw_family = parse_prefix(t[3], r.gw, &glen);
			r.ifindex = (uint32_t)atoi(t[5]);
		} else
			return -1;
		return xdpdk_fib_route_add(fib, &r);
	}
	return -1;
}

/* Build and install the table; NULL when there is none to build. */
static int
fib_setup(const struct golden *g, struct xdpdk_fib **out)
{
	struct xdpdk_fib_if *ifs;
	struct xdpdk_fib *fib;
	int rc = 0;

	*out = NULL;
	if (g->sd.n_fib == 0)
		return 0;
	fib = xdpdk_fib_create(NULL);
	ifs = calloc(XDPDK_FIB_MAX_IFINDEX + 1, sizeof(*ifs));
	if (fib == NULL || ifs == NULL)
		return -ENOMEM;
	/* The test run's ingress device is the namespace's loopback (ifindex 1). */
	ifs[1] = (struct xdpdk_fib_if){ .mtu = 65536, .forwarding = true, .forwarding6 = true };
	for (size_t i = 0; i < g->sd.n_fib && rc == 0; i++) {
		char *line = strdup(g->sd.fib[i]);

		rc = fib_line(fib, ifs, line);
		if (rc)
			printf("xdpdk: routing table line '%s' refused: %d\n", g->sd.fib[i], rc);
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

static void
fib_teardown(struct xdpdk_fib *fib)
{
	if (fib == NULL)
		return;
	xdpdk_fib_set_current(NULL);
	xdpdk_fib_free(fib);
}
#else
struct xdpdk_fib;

static int
fib_setup(const struct golden *g, struct xdpdk_fib **out)
{
	*out = NULL;
	if (g->sd.n_fib == 0)
		return 0;
	printf("  => this build of xdpdk has no routing table for bpf_fib_lookup "
	       "(include/xdpdk/fib.h)\n");
	return -ENOTSUP;
}

static void
fib_teardown(struct xdpdk_fib *fib)
{
	(void)fib;
}
#endif

/* ---- xdpdk --------------------------------------------------------------- */

static int
xdpdk_run(struct golden *g, enum xdpdk_engine engine, struct result *r)
{
	char log[4096] = "";
	struct xdpdk_obj_opts xo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_obj *xobj = xdpdk_obj_open(g->obj, &xo);
	struct xdpdk_load_opts lo_opts = { .engine = engine, .helpers = xdpdk_helpers_resolve,
					   .only_prog = g->prog, .log_buf = log,
					   .log_size = sizeof(log) };
	struct xdpdk_loaded *lo = NULL;
	struct xdpdk_fib *fib = NULL;
	struct xdpdk_prog *prog;
	uint8_t *buf = malloc(MAX_PKT), *val = NULL;
	int rc = -1;

	if (xobj == NULL) {
		printf("xdpdk cannot open %s: %s %s\n", g->obj, strerror(errno), log);
		goto out;
	}
	lo = xdpdk_obj_load(xobj, &lo_opts);
	if (lo == NULL) {
		const char *h = strstr(log, "helper id ");

		printf("xdpdk cannot load %s:%s (%s): %s\n  %s", g->obj, g->prog,
		       xdpdk_engine_name(engine), strerror(errno), log);
		/* Name what is missing, so the failure says what it waits for. */
		if (h != NULL)
			printf("  => this build of xdpdk lacks the helper %s\n",
			       xdpdk_helpers_kernel_name((uint32_t)atoi(h + 10)) ?: "(unknown id)");
		goto out;
	}
	if (fib_setup(g, &fib) != 0)
		goto out;
	prog = xdpdk_loaded_prog_find(lo, g->prog);
	if (golden_seed_xdpdk(lo, &g->sd) != 0)
		goto out;
	val = calloc(1, 8 * MAX_HEX * (xdpdk_maps_n_workers() + 1));
	for (size_t i = 0; i < g->n_pkts; i++) {
		struct xdpdk_test_run t = { .data_in = g->pkts[i].data,
					    .data_size_in = g->pkts[i].len, .data_out = buf,
					    .data_size_out = MAX_PKT, .repeat = 1 };
		int err = xdpdk_prog_test_run(prog, &t);

		if (err == -ENOTSUP && i == 0)
			printf("  => this build of xdpdk has no test runs for %s's program type\n",
			       g->prog);
		pkt_line(r, i, err < 0 ? -err : 0, t.retval, buf, t.data_size_out);
	}
	for (size_t i = 0; i < g->sd.n; i++) {
		const struct golden_seed *s = &g->sd.v[i];
		struct xdpdk_map *m;
		const struct xdpdk_map_def *d;
		int err;

		if (!s->check)
			continue;
		m = xdpdk_loaded_map_find(lo, s->map);
		d = xdpdk_map_def(m);
		memset(val, 0, xdpdk_map_value_buf_size(m));
		err = xdpdk_map_lookup(m, s->key, val, 0);
		if (err == 0 && is_percpu(d->type))
			fold_percpu(val, d->value_size, xdpdk_maps_n_workers());
		check_line(r, s, err ? -1 : 0, val, d->value_size);
	}
	rc = 0;
out:
	free(val);
	free(buf);
	xdpdk_loaded_free(lo);
	xdpdk_obj_close(xobj);
	fib_teardown(fib);
	return rc;
}

/* Compare with the expectation; print every difference (the first 20). */
static int
compare(struct golden *g, const char *ename, const struct result *r)
{
	FILE *f = fopen(g->expect, "r");
	struct pcap_pkt *exp_pkts = NULL;
	size_t n_exp = 0, li = 0;
	char line[4096];
	int bad = 0;

	if (f == NULL || read_pcap(g->out, &exp_pkts, &n_exp) != 0) {
		printf("cannot read the expectation %s / %s\n", g->expect, g->out);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (li >= r->n_lines) {
			printf("  DIFF %s: expected '%s', got nothing\n", ename, line);
			bad++;
		} else if (strcmp(line, r->lines[li]) != 0) {
			if (bad < 20)
				printf("  DIFF %s: expected '%s'\n%*s got '%s'\n", ename, line,
				       (int)strlen(ename) + 10, "", r->lines[li]);
			bad++;
		}
		li++;
	}
	fclose(f);
	if (li < r->n_lines) {
		printf("  DIFF %s: %zu more lines than expected\n", ename, r->n_lines - li);
		bad++;
	}
	for (size_t i = 0; i < r->n_out && i < n_exp; i++) {
		if (exp_pkts[i].len != r->out_len[i] ||
		    memcmp(exp_pkts[i].data, r->out[i], r->out_len[i]) != 0) {
			uint32_t b = 0;

			while (b < r->out_len[i] && b < exp_pkts[i].len &&
			       exp_pkts[i].data[b] == r->out[i][b])
				b++;
			printf("  DIFF %s: packet %zu output differs from byte %u\n", ename, i + 1,
			       b);
			bad++;
		}
	}
	if (n_exp != r->n_out) {
		printf("  DIFF %s: %zu output packets, expected %zu\n", ename, r->n_out, n_exp);
		bad++;
	}
	for (size_t i = 0; i < n_exp; i++)
		free(exp_pkts[i].data);
	free(exp_pkts);
	printf("%s %s:%s (%s): %zu packets, %s\n", bad ? "FAIL" : "ok  ", g->obj, g->prog, ename,
	       g->n_pkts, bad ? "differs from the kernel's expectation" : "as the kernel");
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct golden g = { 0 };
	static struct result r;
	const char *engines = "both";
	bool write = false;
	int a = 1, failed = 0;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--kernel-write") == 0)
			write = true;
		else if (strcmp(argv[a], "--engine") == 0 && a + 1 < argc)
			engines = argv[++a];
		else
			break;
	}
	if (argc - a != 6) {
		fprintf(stderr, "usage: %s [--kernel-write | --engine interp|jit|both] "
				"OBJ PROG MAPS IN.pcap OUT.pcap EXPECT\n", argv[0]);
		return 2;
	}
	g.obj = argv[a];
	g.prog = argv[a + 1];
	g.maps = argv[a + 2];
	g.in = argv[a + 3];
	g.out = argv[a + 4];
	g.expect = argv[a + 5];
	if (golden_seeds_read(g.maps, &g.sd) != 0 || read_pcap(g.in, &g.pkts, &g.n_pkts) != 0)
		return 2;
	if (write) {
		libbpf_set_print(NULL);
		if (kernel_run(&g, &r) != 0 || kernel_write(&g, &r) != 0)
			failed++;
		else
			printf("wrote %s and %s: %zu packets\n", g.expect, g.out, g.n_pkts);
		result_free(&r);
		goto out;
	}
	if (xdpdk_eal_init_tool("golden", 0, NULL) != 0) {
		failed++;
		goto out;
	}
	for (int e = XDPDK_ENGINE_INTERP; e <= XDPDK_ENGINE_JIT; e++) {
		const char *name = xdpdk_engine_name((enum xdpdk_engine)e);

		if (strcmp(engines, "both") != 0 && strcmp(engines, name) != 0)
			continue;
		if (xdpdk_run(&g, (enum xdpdk_engine)e, &r) != 0) {
			printf("FAIL %s:%s (%s): not run\n", g.obj, g.prog, name);
			failed++;
		} else {
			failed += compare(&g, name, &r);
		}
		result_free(&r);
	}
	xdpdk_eal_cleanup_tool();
out:
	for (size_t i = 0; i < g.n_pkts; i++)
		free(g.pkts[i].data);
	free(g.pkts);
	golden_seeds_free(&g.sd);
	return failed ? 1 : 0;
}
