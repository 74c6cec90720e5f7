/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random-program differential: for each seed, randprog.c writes an XDP
 * program; the kernel (bpf_prog_load + BPF_PROG_TEST_RUN, as root) and xdpdk
 * (its verifier, then its test run on the interpreter and on the JIT) load it
 * with maps of the same shape and contents, run the same packets (from the
 * pcaps given, and random ones), repeat = 1, and must give the same return
 * value, output bytes and, after the last packet, map contents. A program one
 * verifier refuses must be refused by the other.
 *
 * usage: test_random_diff [--seed S] [--count N] [--quiet] [--log] [PCAP...]
 *        test_random_diff --dump SEED      the program of SEED, disassembled
 * Seed S..S+N-1 are run; a seed alone reproduces its program and packets.
 * --log prints both verifiers' logs (level 2) of each program.
 * Skips (exit 77, with the reason) when the kernel refuses BPF_PROG_LOAD or
 * BPF_PROG_TEST_RUN.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define bpf_insn cbpf_insn /* libpcap's classic struct clashes with linux/bpf.h */
#include <pcap/pcap.h>
#undef bpf_insn

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "randprog.h"

#define SKIP_EXIT 77
#define PKTS_PER_PROG 6
#define OUT_MAX (20 * 4096)
#define N_ENGINES 2

static const enum xdpdk_engine engines[N_ENGINES] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

/* ---- packets -------------------------------------------------------------- */

struct pkt {
	uint32_t len;
	uint8_t *bytes;
	char name[64];
};

static struct pkt *pool;
static uint32_t pool_n;

static void
pool_add(const uint8_t *bytes, uint32_t len, const char *name)
{
	struct pkt *np = realloc(pool, (pool_n + 1) * sizeof(*pool));

	if (np == NULL)
		abort();
	pool = np;
	pool[pool_n].len = len;
	pool[pool_n].bytes = malloc(len ? len : 1);
	if (pool[pool_n].bytes == NULL)
		abort();
	memcpy(pool[pool_n].bytes, bytes, len);
	snprintf(pool[pool_n].name, sizeof(pool[pool_n].name), "%s", name);
	pool_n++;
}

static int
pool_load_pcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE], name[64];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	pcap_t *pc = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned i = 0;

	if (pc == NULL) {
		fprintf(stderr, "test_random_diff: %s: %s\n", path, err);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		snprintf(name, sizeof(name), "%.50s#%u", base, ++i);
		pool_add(d, h->caplen, name);
	}
	pcap_close(pc);
	return 0;
}

/* The packets of one program: some from the pool, some random, from the seed. */
static void
make_packets(uint64_t seed, struct pkt out[PKTS_PER_PROG], uint8_t bufs[][256])
{
	uint64_t st = seed ^ 0x5eed5eed5eed5eedull;

	for (int i = 0; i < PKTS_PER_PROG; i++) {
		uint64_t r = randprog_rand(&st);

		if (pool_n > 0 && i < PKTS_PER_PROG / 2) {
			out[i] = pool[r % pool_n];
			continue;
		}
		/* Random bytes behind an Ethernet header, 14 to 255 bytes long: short
		 * ones fail the programs' bounds checks, long ones pass them. */
		out[i].len = 14 + (uint32_t)((r >> 8) % (i == PKTS_PER_PROG - 1 ? 8 : 242));
		out[i].bytes = bufs[i];
		for (uint32_t b = 0; b < out[i].len; b++)
			bufs[i][b] = (uint8_t)randprog_rand(&st);
		if (r & 1) { /* IPv4 ethertype, sometimes */
			bufs[i][12] = 0x08;
			bufs[i][13] = 0x00;
		}
		snprintf(out[i].name, sizeof(out[i].name), "random#%d(%u bytes)", i, out[i].len);
	}
}

/* ---- one outcome per run -------------------------------------------------- */

struct result {
	int err;		/* positive errno of the test run, or 0 */
	uint32_t retval;
	uint32_t len;
	uint8_t out[OUT_MAX];
};

static void
kernel_test_run(int fd, const struct pkt *p, struct result *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->bytes, .data_size_in = p->len,
		    .data_out = r->out, .data_size_out = OUT_MAX, .repeat = 1);

	r->err = bpf_prog_test_run_opts(fd, &o) == 0 ? 0 : errno;
	r->retval = o.retval;
	r->len = o.data_size_out;
}

static void
xdpdk_test_run(const struct xdpdk_prog *prog, const struct pkt *p, struct result *r)
{
	struct xdpdk_test_run t = {
		.data_in = p->bytes, .data_size_in = p->len,
		.data_out = r->out, .data_size_out = OUT_MAX, .repeat = 1,
	};
	int rc = xdpdk_prog_test_run(prog, &t);

	r->err = rc < 0 ? -rc : 0;
	r->retval = t.retval;
	r->len = t.data_size_out;
}

/* Describe the first difference between @p k and @p x into @p why; false if none. */
static bool
results_differ(const struct result *k, const struct result *x, char *why, size_t size)
{
	if (k->err != x->err) {
		snprintf(why, size, "test run: kernel %s, xdpdk %s", k->err ? strerror(k->err) : "ok",
			 x->err ? strerror(x->err) : "ok");
		return true;
	}
	if (k->err)
		return false;
	if (k->retval != x->retval) {
		snprintf(why, size, "return value: kernel %u (%#x), xdpdk %u (%#x)", k->retval,
			 k->retval, x->retval, x->retval);
		return true;
	}
	if (k->len != x->len) {
		snprintf(why, size, "output length: kernel %u, xdpdk %u", k->len, x->len);
		return true;
	}
	for (uint32_t i = 0; i < k->len; i++) {
		if (k->out[i] != x->out[i]) {
			snprintf(why, size, "output byte %u: kernel %#04x, xdpdk %#04x", i,
				 k->out[i], x->out[i]);
			return true;
		}
	}
	return false;
}

/* ---- maps on both sides ------------------------------------------------ */

static int
kernel_maps_create(const struct randprog *p, int fds[RANDPROG_N_MAPS])
{
	for (int m = 0; m < RANDPROG_N_MAPS; m++) {
		const struct randprog_map *d = &p->maps[m];

		fds[m] = bpf_map_create(d->type, NULL, d->key_size, d->value_size, d->max_entries,
					NULL);
		if (fds[m] < 0)
			return -errno;
		for (uint32_t i = 0; i < d->n_init; i++)
			if (bpf_map_update_elem(fds[m], d->init_key[i], d->init_value[i], BPF_ANY))
				return -errno;
	}
	return 0;
}

static int
xdpdk_maps_create(const struct randprog *p, struct xdpdk_map *maps[RANDPROG_N_MAPS])
{
	static const char *const names[RANDPROG_N_MAPS] = { "rand_array", "rand_hash" };

	for (int m = 0; m < RANDPROG_N_MAPS; m++) {
		const struct randprog_map *d = &p->maps[m];
		struct xdpdk_map_def def = {
			.name = names[m], .type = d->type, .key_size = d->key_size,
			.value_size = d->value_size, .max_entries = d->max_entries,
			.numa_node = -1,
		};
		int rc;

		maps[m] = xdpdk_map_create(&def);
		if (maps[m] == NULL)
			return -errno;
		for (uint32_t i = 0; i < d->n_init; i++) {
			rc = xdpdk_map_update(maps[m], d->init_key[i], d->init_value[i], BPF_ANY);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void
xdpdk_maps_free(struct xdpdk_map *maps[RANDPROG_N_MAPS])
{
	for (int m = 0; m < RANDPROG_N_MAPS; m++) {
		xdpdk_map_put(maps[m]);
		maps[m] = NULL;
	}
}

/*
 * Compare map @p m of both sides, key by key in the kernel's order, and the
 * number of keys; describe the first difference into @p why.
 */
static bool
maps_differ(const struct randprog_map *d, int fd, struct xdpdk_map *xm, char *why, size_t size)
{
	uint8_t key[RANDPROG_MAX_KEY], next[RANDPROG_MAX_KEY];
	uint8_t kv[RANDPROG_MAX_VALUE], xv[RANDPROG_MAX_VALUE];
	uint32_t n_kernel = 0, n_xdpdk = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, d->key_size);
		prev = key;
		n_kernel++;
		if (bpf_map_lookup_elem(fd, key, kv) != 0)
			continue; /* deleted meanwhile: cannot be, nothing runs */
		if (xdpdk_map_lookup(xm, key, xv, 0) != 0) {
			snprintf(why, size, "key %#x: in the kernel's map only",
				 *(uint32_t *)(void *)key);
			return true;
		}
		for (uint32_t b = 0; b < d->value_size; b++) {
			if (kv[b] != xv[b]) {
				snprintf(why, size, "key %#x, value byte %u: kernel %#04x, xdpdk %#04x",
					 *(uint32_t *)(void *)key, b, kv[b], xv[b]);
				return true;
			}
		}
	}
	prev = NULL;
	while (xdpdk_map_get_next_key(xm, prev, next) == 0) {
		memcpy(key, next, d->key_size);
		prev = key;
		n_xdpdk++;
	}
	if (n_kernel != n_xdpdk) {
		snprintf(why, size, "%u keys in the kernel's map, %u in xdpdk's", n_kernel, n_xdpdk);
		return true;
	}
	return false;
}

/* ---- loading -------------------------------------------------------------- */

static char klog[1 << 22], xlog[1 << 22];

/* The line of a verifier log that says why (the last one, before the statistics). */
static const char *
reason(char *log)
{
	size_t n = strlen(log);
	char *nl;

	while (n > 0 && log[n - 1] == '\n')
		log[--n] = '\0';
	nl = strrchr(log, '\n');
	if (nl != NULL && strncmp(nl + 1, "processed ", 10) == 0) {
		*nl = '\0';
		nl = strrchr(log, '\n');
	}
	return nl ? nl + 1 : log;
}

static uint32_t log_level = 1; /* --log: 2, both verifiers' logs printed */

static int
kernel_load(const struct randprog *p, const int fds[RANDPROG_N_MAPS])
{
	static struct bpf_insn insns[RANDPROG_MAX_INSNS];
	uint64_t refs[RANDPROG_N_MAPS];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = klog, .log_size = sizeof(klog),
		    .log_level = log_level);
	int fd;

	for (int m = 0; m < RANDPROG_N_MAPS; m++)
		refs[m] = (uint64_t)fds[m];
	randprog_resolve_maps(p, refs, insns);
	klog[0] = '\0';
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "randprog", "GPL", insns, p->n, &o);
	if (fd < 0 && errno == ENOSPC) { /* the log was too small: the verdict is what matters */
		o.log_level = 0;
		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "randprog", "GPL", insns, p->n, &o);
	}
	return fd < 0 ? -errno : fd;
}

static struct xdpdk_prog *
xdpdk_load(const struct randprog *p, struct xdpdk_map *maps[RANDPROG_N_MAPS],
	   enum xdpdk_engine engine)
{
	static struct bpf_insn insns[RANDPROG_MAX_INSNS];
	uint64_t refs[RANDPROG_N_MAPS];
	struct xdpdk_prog_opts o = {
		.name = "randprog", .type = XDPDK_PROG_TYPE_XDP, .engine = engine,
		.helpers = xdpdk_helpers_resolve, .map_inline = xdpdk_map_inline_info,
		.log_buf = xlog, .log_size = sizeof(xlog),
		.verify = { .log_level = log_level },
	};

	for (int m = 0; m < RANDPROG_N_MAPS; m++)
		refs[m] = (uint64_t)(uintptr_t)xdpdk_map_prog_addr(maps[m]);
	randprog_resolve_maps(p, refs, insns);
	xlog[0] = '\0';
	return xdpdk_prog_create(insns, p->n, &o);
}

/* ---- one program ---------------------------------------------------------- */

struct tally {
	unsigned generated, accepted, refused, disagree_kernel, disagree_xdpdk, known;
	unsigned mistakes, mistakes_refused;
	unsigned passed, failed, skipped;
	unsigned runs, run_diffs, map_diffs, rewritten, raw_verdicts;
};

static struct result kres[PKTS_PER_PROG], xres;

/* Run the packets on one engine against the kernel's results; count differences. */
static unsigned
compare_engine(const struct randprog *p, const struct pkt pk[PKTS_PER_PROG], const int kfds[],
	       enum xdpdk_engine engine, struct tally *t)
{
	const char *en = xdpdk_engine_name(engine);
	struct xdpdk_map *maps[RANDPROG_N_MAPS] = { NULL };
	struct xdpdk_prog *prog = NULL;
	unsigned diffs = 0;
	char why[160];
	int rc = xdpdk_maps_create(p, maps);

	if (rc == 0)
		prog = xdpdk_load(p, maps, engine);
	if (prog == NULL) {
		printf("DIFF seed %" PRIu64 " %s: xdpdk %s: %s\n", p->seed, en,
		       rc ? "cannot create the maps" : "refuses a program it verified",
		       rc ? strerror(-rc) : reason(xlog));
		xdpdk_maps_free(maps);
		return 1;
	}
	for (int i = 0; i < PKTS_PER_PROG; i++) {
		xdpdk_test_run(prog, &pk[i], &xres);
		t->runs++;
		if (results_differ(&kres[i], &xres, why, sizeof(why))) {
			printf("DIFF seed %" PRIu64 " %s packet %s: %s\n", p->seed, en, pk[i].name,
			       why);
			t->run_diffs++;
			diffs++;
		}
	}
	for (int m = 0; m < RANDPROG_N_MAPS; m++) {
		if (maps_differ(&p->maps[m], kfds[m], maps[m], why, sizeof(why))) {
			printf("DIFF seed %" PRIu64 " %s map %s: %s\n", p->seed, en,
			       m == 0 ? "array" : "hash", why);
			t->map_diffs++;
			diffs++;
		}
	}
	xdpdk_prog_free(prog);
	xdpdk_maps_free(maps);
	return diffs;
}

static void
run_seed(uint64_t seed, struct tally *t)
{
	static struct randprog p;
	static uint8_t bufs[PKTS_PER_PROG][256];
	struct pkt pk[PKTS_PER_PROG];
	struct xdpdk_map *maps[RANDPROG_N_MAPS] = { NULL };
	int kfds[RANDPROG_N_MAPS] = { -1, -1 };
	int kfd, rc;
	bool x_ok;
	unsigned diffs = 0;

	randprog_generate(seed, &p);
	t->generated++;
	if (p.mistake)
		t->mistakes++;
	rc = kernel_maps_create(&p, kfds);
	if (rc) {
		printf("skip seed %" PRIu64 ": the kernel cannot create the maps: %s\n", seed,
		       strerror(-rc));
		t->skipped++;
		goto out;
	}
	kfd = kernel_load(&p, kfds);
	/* xdpdk's verdict: its verifier, with the maps it would run with */
	rc = xdpdk_maps_create(&p, maps);
	if (rc) {
		printf("skip seed %" PRIu64 ": xdpdk cannot create the maps: %s\n", seed,
		       strerror(-rc));
		t->skipped++;
		goto out_prog;
	}
	{
		struct xdpdk_prog *xp = xdpdk_load(&p, maps, XDPDK_ENGINE_INTERP);

		x_ok = xp != NULL;
		xdpdk_prog_free(xp);
	}
	xdpdk_maps_free(maps);
	if (log_level > 1)
		printf("---- kernel (%s) ----\n%s\n---- xdpdk (%s) ----\n%s\n",
		       kfd < 0 ? "refused" : "accepted", klog, x_ok ? "accepted" : "refused", xlog);
	if (kfd < 0 && !x_ok) {
		t->refused++;
		t->passed++;
		if (p.mistake)
			t->mistakes_refused++;
		goto out;
	}
	if (kfd >= 0 && !x_ok && strstr(xlog, "invalid mem access 'map_value_or_null'")) {
		/* Known (docs/verifier.md): the kernel proves an array lookup with any
		 * constant in-range key non-NULL, xdpdk only with key 0. */
		printf("known seed %" PRIu64 ": refused by xdpdk only: %s (array lookup with a "
		       "nonzero constant key: NULL check needed)\n", seed, reason(xlog));
		t->known++;
		t->passed++;
		goto out_prog;
	}
	if (kfd < 0 || !x_ok) {
		if (kfd < 0)
			t->disagree_kernel++;
		else
			t->disagree_xdpdk++;
		printf("DIFF seed %" PRIu64 ": refused by %s only (mistake: %s): %s\n", seed,
		       kfd < 0 ? "the kernel" : "xdpdk", p.mistake ? p.mistake : "none",
		       kfd < 0 ? reason(klog) : reason(xlog));
		t->failed++;
		goto out_prog;
	}
	t->accepted++;
	if (p.mistake)
		printf("note seed %" PRIu64 ": both accept it despite its %s at insn %u "
		       "(on no path both verifiers consider reachable)\n", seed, p.mistake,
		       p.mistake_pc);
	make_packets(seed, pk, bufs);
	for (int i = 0; i < PKTS_PER_PROG; i++) {
		kernel_test_run(kfd, &pk[i], &kres[i]);
		/* what the comparisons cover: changed packets, verdicts outside 0-4 */
		if (kres[i].err == 0 && (kres[i].len != pk[i].len ||
					 memcmp(kres[i].out, pk[i].bytes, pk[i].len) != 0))
			t->rewritten++;
		if (kres[i].err == 0 && kres[i].retval > XDP_REDIRECT)
			t->raw_verdicts++;
	}
	for (int e = 0; e < N_ENGINES; e++)
		diffs += compare_engine(&p, pk, kfds, engines[e], t);
	if (diffs)
		t->failed++;
	else
		t->passed++;
out_prog:
	if (kfd >= 0)
		close(kfd);
out:
	for (int m = 0; m < RANDPROG_N_MAPS; m++)
		if (kfds[m] >= 0)
			close(kfds[m]);
}

/* ---- main ---------------------------------------------------------------- */

static const char *
kernel_refuses(void)
{
	static char why[160];
	const struct bpf_insn ret[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame));
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "probe", "GPL", ret, 2, NULL);

	if (fd < 0) {
		snprintf(why, sizeof(why), "BPF_PROG_LOAD refused: %s", strerror(errno));
		return why;
	}
	if (bpf_prog_test_run_opts(fd, &o) != 0) {
		snprintf(why, sizeof(why), "BPF_PROG_TEST_RUN refused: %s", strerror(errno));
		close(fd);
		return why;
	}
	close(fd);
	return NULL;
}

static void
dump(uint64_t seed)
{
	static struct randprog p;
	char line[256];

	randprog_generate(seed, &p);
	printf("; seed %" PRIu64 ": %u instructions", seed, p.n);
	if (p.mistake)
		printf(", deliberate error %s at insn %u", p.mistake, p.mistake_pc);
	printf("\n");
	for (int m = 0; m < RANDPROG_N_MAPS; m++)
		printf("; map %d (imm %d): %s key %u value %u max_entries %u, %u entries stored\n",
		       m, m, xdpdk_map_type_name(p.maps[m].type), p.maps[m].key_size,
		       p.maps[m].value_size, p.maps[m].max_entries, p.maps[m].n_init);
	for (uint32_t i = 0; i < p.n;) {
		int used = xdpdk_disasm_insn(&p.insns[i], p.n - i, line, sizeof(line));

		if (used <= 0) {
			printf("%4u: (%02x) ?\n", i, p.insns[i].code);
			used = 1;
		} else {
			printf("%4u: %s\n", i, line);
		}
		i += (uint32_t)used;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: test_random_diff [--seed S] [--count N] [--quiet] [--log] [PCAP...]\n"
			"       test_random_diff --dump SEED\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1, count = 300;
	struct tally t = { 0 };
	struct timespec t0, t1;
	const char *why;
	int quiet = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			count = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
			dump(strtoull(argv[++i], NULL, 0));
			return 0;
		} else if (strcmp(argv[i], "--log") == 0) {
			log_level = 2;
		} else if (strcmp(argv[i], "--quiet") == 0) {
			quiet = 1;
		} else if (argv[i][0] == '-') {
			usage();
		} else if (pool_load_pcap(argv[i]) != 0) {
			return 1;
		}
	}
	why = kernel_refuses();
	if (why != NULL) {
		printf("SKIP: the kernel cannot be the oracle here: %s\n", why);
		return SKIP_EXIT;
	}
	if (xdpdk_eal_init_tool("test_random_diff", 0, NULL) != 0) {
		fprintf(stderr, "test_random_diff: EAL initialisation failed\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t i = 0; i < count; i++) {
		run_seed(seed + i, &t);
		if (!quiet && (i + 1) % 1000 == 0)
			fprintf(stderr, "... %" PRIu64 " programs\n", i + 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("seeds %" PRIu64 "..%" PRIu64 ": %u programs generated, %u accepted by both, "
	       "%u refused by both, %u refused by the kernel only, %u refused by xdpdk only "
	       "(+%u known); %u with a deliberate error (%u of them refused by both); %u test "
	       "runs per engine compared (%u changed the packet, %u returned a value above "
	       "XDP_REDIRECT), %u differ; %u map differences; %.1f s\n",
	       seed, seed + count - 1, t.generated, t.accepted, t.refused, t.disagree_kernel,
	       t.disagree_xdpdk, t.known, t.mistakes, t.mistakes_refused, t.runs / N_ENGINES,
	       t.rewritten, t.raw_verdicts, t.run_diffs,
	       t.map_diffs,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("%u passed, %u failed, %u skipped\n", t.passed, t.failed, t.skipped);
	xdpdk_eal_cleanup_tool();
	return t.failed ? 1 : 0;
}
