/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel differential: every XDP, TC (sched_cls) and socket filter program of the given objects, on every packet
 * of the given pcaps, through BPF_PROG_TEST_RUN in the kernel and through
 * xdpdk's test run on the interpreter and the JIT (repeat = 1: the kernel
 * reruns on the modified buffer when repeat > 1). Return value, output bytes
 * (from data_meta to data_end) and refusals must be the same.
 *
 * usage: test_kernel_diff OBJ... -- PCAP...
 * Skips (exit 77, with the reason) when the kernel refuses BPF_PROG_TEST_RUN.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define MESON_SKIP 77
#define MAX_PKT (20 * 4096) /* linear part + MAX_SKB_FRAGS pages */

struct packet {
	uint8_t *data;
	uint32_t len;
	const char *origin; /* "file.pcap#3" */
};

struct packet_set {
	struct packet *p;
	size_t n;
};

static unsigned passed, failed, skipped;

static int
add_pcap(struct packet_set *set, const char *file)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc = pcap_open_offline(file, err);
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	int i = 0;

	if (pc == NULL) {
		fprintf(stderr, "%s: %s\n", file, err);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &d) == 1) {
		struct packet *np = realloc(set->p, (set->n + 1) * sizeof(*np));
		char *origin = malloc(strlen(base) + 16);

		if (np == NULL || origin == NULL)
			abort();
		set->p = np;
		sprintf(origin, "%s#%d", base, ++i);
		set->p[set->n] = (struct packet){ malloc(h->caplen ? h->caplen : 1), h->caplen,
						  origin };
		memcpy(set->p[set->n].data, d, h->caplen);
		set->n++;
	}
	pcap_close(pc);
	return 0;
}

/* Can this process run BPF_PROG_TEST_RUN at all? NULL if yes, else why not. */
static const char *
kernel_unavailable(void)
{
	static char why[128];
	const struct bpf_insn p[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint8_t pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "probe", "GPL", p, 2, NULL);

	if (fd < 0) {
		snprintf(why, sizeof(why), "the kernel refuses to load XDP programs: %s",
			 strerror(errno));
		return why;
	}
	if (bpf_prog_test_run_opts(fd, &t) != 0) {
		snprintf(why, sizeof(why), "the kernel refuses BPF_PROG_TEST_RUN: %s",
			 strerror(errno));
		close(fd);
		return why;
	}
	close(fd);
	return NULL;
}

/* Bytes and verdict of one run, or the errno of a refusal. */
struct outcome {
	int err;
	uint32_t retval;
	uint32_t len;
	uint8_t data[MAX_PKT];
};

static void
kernel_run(int fd, const struct packet *pk, struct outcome *o)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pk->data, .data_size_in = pk->len,
		    .data_out = o->data, .data_size_out = sizeof(o->data), .repeat = 1);

	o->err = bpf_prog_test_run_opts(fd, &t) ? errno : 0;
	o->retval = t.retval;
	o->len = t.data_size_out;
}

static void
xdpdk_run(const struct xdpdk_prog *prog, const struct packet *pk, struct outcome *o)
{
	struct xdpdk_test_run t = { .data_in = pk->data, .data_size_in = pk->len,
				    .data_out = o->data, .data_size_out = sizeof(o->data),
				    .repeat = 1 };
	int rc = xdpdk_prog_test_run(prog, &t);

	o->err = rc < 0 ? -rc : 0;
	o->retval = t.retval;
	o->len = t.data_size_out;
}

/* Compare; on a difference print where, the first differing bytes. */
static bool
same(const char *what, const struct packet *pk, const struct outcome *k,
     const struct outcome *x)
{
	if (k->err || x->err) {
		if (k->err == x->err)
			return true;
		printf("  DIFF %s %s: kernel %s, xdpdk %s\n", what, pk->origin,
		       k->err ? strerror(k->err) : "ran", x->err ? strerror(x->err) : "ran");
		return false;
	}
	if (k->retval != x->retval) {
		printf("  DIFF %s %s: retval kernel %u xdpdk %u\n", what, pk->origin, k->retval,
		       x->retval);
		return false;
	}
	if (k->len != x->len) {
		printf("  DIFF %s %s: data_out length kernel %u xdpdk %u\n", what, pk->origin,
		       k->len, x->len);
		return false;
	}
	for (uint32_t i = 0; i < k->len; i++) {
		if (k->data[i] != x->data[i]) {
			printf("  DIFF %s %s: byte %u kernel 0x%02x xdpdk 0x%02x\n", what,
			       pk->origin, i, k->data[i], x->data[i]);
			return false;
		}
	}
	return true;
}

/* The kernel's map for xdpdk's map @p name: global data maps carry a prefix there. */
static struct bpf_map *
kernel_map(struct bpf_object *kobj, const char *name)
{
	struct bpf_map *km;

	bpf_object__for_each_map(km, kobj) {
		const char *kn = bpf_map__name(km);
		size_t kl = strlen(kn), nl = strlen(name);

		if (strcmp(kn, name) == 0 ||
		    (name[0] == '.' && kl > nl && strcmp(kn + kl - nl, name) == 0))
			return km;
	}
	return NULL;
}

static bool
is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* Per-CPU values are compared as the sum of their slots (u64 words): the kernel's
 * test runs land on whatever CPU the syscall ran on. */
static void
fold_percpu(uint8_t *buf, uint32_t value_size, uint32_t n_slots)
{
	uint32_t stride = (value_size + 7) & ~7u;

	for (uint32_t s = 1; s < n_slots; s++)
		for (uint32_t w = 0; w < value_size / 8; w++) {
			uint64_t a, b;

			memcpy(&a, buf + w * 8, 8);
			memcpy(&b, buf + s * stride + w * 8, 8);
			a += b;
			memcpy(buf + w * 8, &a, 8);
		}
}

/* Same entries (keys and values) in the kernel's map and xdpdk's? */
static bool
same_map(const char *what, struct bpf_map *km, struct xdpdk_map *xm)
{
	const struct xdpdk_map_def *d = xdpdk_map_def(xm);
	int fd = bpf_map__fd(km), ncpu = libbpf_num_possible_cpus();
	uint32_t ks = d->key_size, vs = d->value_size, n = 0;
	uint32_t kbuf_size = is_percpu(d->type) ? ((vs + 7) & ~7u) * (uint32_t)ncpu : vs;
	uint8_t *key = calloc(1, ks + 8), *next = calloc(1, ks + 8);
	uint8_t *kval = calloc(1, kbuf_size + 8), *xval = calloc(1, xdpdk_map_value_buf_size(xm) + 8);
	bool ok = true, first = true;

	if (is_percpu(d->type) && vs % 8 != 0) {
		printf("  note %s map %s: per-CPU values of %u bytes are not compared\n", what,
		       d->name, vs);
		goto out;
	}
	/* Every kernel entry must be in xdpdk with the same value ... */
	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, ks);
		n++;
		if (bpf_map_lookup_elem(fd, key, kval) != 0)
			continue;
		if (xdpdk_map_lookup(xm, key, xval, 0) != 0) {
			printf("  DIFF %s map %s: a key the kernel has is missing in xdpdk\n", what,
			       d->name);
			ok = false;
			break;
		}
		if (is_percpu(d->type)) {
			fold_percpu(kval, vs, (uint32_t)ncpu);
			fold_percpu(xval, vs, xdpdk_maps_n_workers());
		}
		if (memcmp(kval, xval, vs) != 0) {
			printf("  DIFF %s map %s: values differ for a key\n", what, d->name);
			ok = false;
			break;
		}
	}
	/* ... and xdpdk must have no more entries. */
	first = true;
	while (ok && xdpdk_map_get_next_key(xm, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, ks);
		n--;
	}
	if (ok && n != 0) {
		printf("  DIFF %s map %s: entry counts differ\n", what, d->name);
		ok = false;
	}
out:
	free(key);
	free(next);
	free(kval);
	free(xval);
	return ok;
}

static bool
dumpable(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	       t == BPF_MAP_TYPE_LPM_TRIE || is_percpu(t);
}

/*
 * Open and load @p path in the kernel without pinning: a pinned map would be
 * reused from bpffs across loads (and left behind), so the kernel would not
 * start from the same state as xdpdk.
 */
static struct bpf_object *
kernel_load(const char *path)
{
	struct bpf_object *kobj = bpf_object__open_file(path, NULL);
	struct bpf_map *km;

	if (kobj == NULL)
		return NULL;
	bpf_object__for_each_map(km, kobj)
		bpf_map__set_pin_path(km, NULL);
	if (bpf_object__load(kobj) != 0) {
		int err = errno;

		bpf_object__close(kobj);
		errno = err;
		return NULL;
	}
	return kobj;
}

/*
 * Whether the object's program @p name calls helper @p id. bpf_fib_lookup
 * answers from the host's routing table in the kernel and from xdpdk's own
 * (here: none) in xdpdk, so what such a program counts per answer depends on
 * the machine; test_fib_diff compares the routing itself on equal tables.
 */
static bool
calls_helper(const struct xdpdk_obj *xobj, const char *name, int32_t id)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(xobj, name);
	const struct bpf_insn *in;
	uint32_t n = 0;

	in = p ? xdpdk_obj_prog_insns(p, &n) : NULL;
	for (uint32_t i = 0; i < n; i++)
		if (in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg == 0 && in[i].imm == id)
			return true;
	return false;
}

/* Run one program on one engine: fresh maps on both sides, every packet, then maps. */
static void
diff_program(const char *obj_path, const char *full_path, const struct xdpdk_obj *xobj,
	     const char *name, enum xdpdk_engine engine, const struct packet_set *set)
{
	const char *ename = xdpdk_engine_name(engine);
	char log[2048] = "";
	struct xdpdk_load_opts lo_opts = { .engine = engine, .helpers = xdpdk_helpers_resolve,
					   .only_prog = name, .log_buf = log,
					   .log_size = sizeof(log) };
	struct outcome *k = malloc(sizeof(*k)), *x = malloc(sizeof(*x));
	struct bpf_object *kobj = kernel_load(full_path);
	struct xdpdk_loaded *lo = NULL;
	struct xdpdk_prog *prog;
	uint32_t ok = 0, bad = 0, maps_bad = 0;
	bool env_maps;

	if (kobj == NULL) {
		printf("FAIL %s:%s (%s): the kernel loaded it once, not twice\n", obj_path, name,
		       ename);
		failed++;
		goto out;
	}
	switch (bpf_program__expected_attach_type(bpf_object__find_program_by_name(kobj, name))) {
	case BPF_XDP_CPUMAP:
	case BPF_XDP_DEVMAP:
		/* Listed: xdpdk's test run accepts them, the kernel refuses (EINVAL). */
		printf("skip %s:%s (%s): the kernel has no test runs for cpumap/devmap entry "
		       "programs\n", obj_path, name, ename);
		skipped++;
		goto out;
	default:
		break;
	}
	lo = xdpdk_obj_load(xobj, &lo_opts);
	if (lo == NULL && errno == ENOENT && strstr(log, "unsupported helper")) {
		/* Listed, not hidden: the helper is not implemented yet. */
		printf("skip %s:%s (%s): %s", obj_path, name, ename, log);
		skipped++;
		goto out;
	}
	if (lo == NULL) {
		printf("FAIL %s:%s (%s): xdpdk refuses what the kernel loads: %s", obj_path, name,
		       ename, log);
		failed++;
		goto out;
	}
	prog = xdpdk_loaded_prog_find(lo, name);
	for (size_t i = 0; i < set->n; i++) {
		kernel_run(bpf_program__fd(bpf_object__find_program_by_name(kobj, name)),
			   &set->p[i], k);
		xdpdk_run(prog, &set->p[i], x);
		if (same(ename, &set->p[i], k, x))
			ok++;
		else
			bad++;
	}
	for (uint32_t m = 0; m < xdpdk_loaded_map_count(lo); m++) {
		struct xdpdk_map *xm = xdpdk_loaded_map_at(lo, m);
		struct bpf_map *km = kernel_map(kobj, xdpdk_map_def(xm)->name);

		if (!dumpable(xdpdk_map_def(xm)->type))
			continue;
		if (km == NULL) {
			printf("  DIFF %s: map %s has no kernel counterpart\n", ename,
			       xdpdk_map_def(xm)->name);
			maps_bad++;
		} else if (!same_map(ename, km, xm)) {
			maps_bad++;
		}
	}
	env_maps = maps_bad && calls_helper(xobj, name, BPF_FUNC_fib_lookup);
	if (env_maps) {
		printf("  note %s:%s (%s): map differences not counted, bpf_fib_lookup answers "
		       "from different routing tables\n", obj_path, name, ename);
		maps_bad = 0;
	}
	printf("%s %s:%s (%s): %u packets same, %u different; maps %s\n",
	       bad || maps_bad ? "FAIL" : "ok  ", obj_path, name, ename, ok, bad,
	       maps_bad || env_maps ? "differ" : "same");
	if (bad || maps_bad)
		failed++;
	else
		passed++;
out:
	xdpdk_loaded_free(lo);
	bpf_object__close(kobj);
	free(k);
	free(x);
}

static void
diff_object(const char *path, const struct packet_set *set)
{
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char log[1024] = "";
	struct xdpdk_obj_opts xo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_obj *xobj;
	struct bpf_object *kobj;
	struct bpf_program *kp;

	kobj = kernel_load(path);
	if (kobj == NULL) {
		/* Run on xdpdk only, as issue #12 asks: listed, not compared. */
		printf("skip %s: the kernel does not load it (%s)\n", base, strerror(errno));
		skipped++;
		return;
	}
	xobj = xdpdk_obj_open(path, &xo);
	if (xobj == NULL) {
		/* Only what xdpdk does not support yet may be refused (ENOTSUP): say what. */
		printf("%s %s: xdpdk refuses it: %s", errno == ENOTSUP ? "skip" : "FAIL", base,
		       log);
		if (errno == ENOTSUP)
			skipped++;
		else
			failed++;
		bpf_object__close(kobj);
		return;
	}
	bpf_object__for_each_program(kp, kobj) {
		if (bpf_program__type(kp) != BPF_PROG_TYPE_XDP &&
		    bpf_program__type(kp) != BPF_PROG_TYPE_SCHED_CLS &&
		    bpf_program__type(kp) != BPF_PROG_TYPE_SOCKET_FILTER) {
			printf("skip %s:%s: no test run for this program type\n", base,
			       bpf_program__name(kp));
			skipped++;
			continue;
		}
		for (size_t e = 0; e < 2; e++)
			diff_program(base, path, xobj, bpf_program__name(kp), engines[e], set);
	}
	xdpdk_obj_close(xobj);
	bpf_object__close(kobj);
}

int
main(int argc, char **argv)
{
	struct packet_set set = { 0 };
	const char *why;
	int sep = 1;

	while (sep < argc && strcmp(argv[sep], "--") != 0)
		sep++;
	if (sep >= argc - 1) {
		fprintf(stderr, "usage: %s OBJ... -- PCAP...\n", argv[0]);
		return 2;
	}
	why = kernel_unavailable();
	if (why != NULL) {
		printf("SKIP: %s; the differential suite needs root with CAP_BPF\n", why);
		printf("0 passed, 0 failed, 1 skipped\n");
		return MESON_SKIP;
	}
	libbpf_set_print(NULL);
	if (xdpdk_eal_init_tool("test_kernel_diff", 0, NULL) != 0)
		return 1;
	for (int i = sep + 1; i < argc; i++)
		if (add_pcap(&set, argv[i]) != 0)
			return 1;
	printf("%zu packets from %d pcaps\n", set.n, argc - sep - 1);
	for (int i = 1; i < sep; i++)
		diff_object(argv[i], &set);
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	for (size_t i = 0; i < set.n; i++) {
		free(set.p[i].data);
		free((void *)set.p[i].origin);
	}
	free(set.p);
	xdpdk_eal_cleanup_tool();
	return failed ? 1 : 0;
}
