/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel differential: every XDP, TC (sched_cls) and socket filter program of the given objects, on every packet
 * of the given pcaps, through BPF_PROG_TEST_RUN in the kernel and through
 * xdpdk's test run on the interpreter and the JIT (repeat = 1: the kernel
 * reruns on the modified buffer when repeat > 1). Return value, output bytes
 * (from data_meta to data_end) and refusals (errno) must be the same; each
 * program's line counts the packets both sides refused.
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

#include "kdiff.h"

#define MESON_SKIP 77

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

/* A difference on one side or the other: where, and the first differing byte. */
static void
print_diff(const char *what, const struct packet *pk, const struct cli_kdiff_outcome *k,
	   const struct cli_kdiff_outcome *x)
{
	if (k->err || x->err) {
		printf("  DIFF %s %s: kernel %s, xdpdk %s\n", what, pk->origin,
		       k->err ? strerror(k->err) : "ran", x->err ? strerror(x->err) : "ran");
		return;
	}
	if (k->retval != x->retval) {
		printf("  DIFF %s %s: retval kernel %u xdpdk %u\n", what, pk->origin, k->retval,
		       x->retval);
		return;
	}
	if (k->len != x->len) {
		printf("  DIFF %s %s: data_out length kernel %u xdpdk %u\n", what, pk->origin,
		       k->len, x->len);
		return;
	}
	for (uint32_t i = 0; i < k->len; i++) {
		if (k->data[i] != x->data[i]) {
			printf("  DIFF %s %s: byte %u kernel 0x%02x xdpdk 0x%02x\n", what,
			       pk->origin, i, k->data[i], x->data[i]);
			return;
		}
	}
}

struct map_report {
	const char *what;
	unsigned n;
};

/* A map difference, one line; the first few (all of a big map would be noise). */
static void
print_map_diff(void *arg, const struct cli_kdiff_map_diff *d)
{
	struct map_report *r = arg;

	static const char *const why[] = {
		[CLI_KDIFF_MAP_NO_KERNEL] = "has no kernel counterpart",
		[CLI_KDIFF_MAP_ONLY_KERNEL] = "a key the kernel has is missing in xdpdk",
		[CLI_KDIFF_MAP_ONLY_XDPDK] = "a key xdpdk has is missing in the kernel",
		[CLI_KDIFF_MAP_VALUE] = "values differ for a key",
	};

	if (d->kind == CLI_KDIFF_MAP_UNCOMPARED)
		printf("  note %s map %s: per-CPU values of %u bytes are not compared\n",
		       r->what, d->map, d->vlen);
	else if (r->n++ < 5)
		printf("  DIFF %s map %s: %s\n", r->what, d->map, why[d->kind]);
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
	struct cli_kdiff_outcome *k = malloc(sizeof(*k)), *x = malloc(sizeof(*x));
	struct bpf_object *kobj = cli_kdiff_load(full_path);
	struct map_report mr = { .what = ename };
	struct xdpdk_loaded *lo = NULL;
	struct xdpdk_prog *prog;
	uint32_t ok = 0, bad = 0, maps_bad = 0, refused = 0;
	char host[160];
	bool env_maps;
	int fd;

	if (k == NULL || x == NULL)
		abort();
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
	fd = bpf_program__fd(bpf_object__find_program_by_name(kobj, name));
	for (size_t i = 0; i < set->n; i++) {
		cli_kdiff_run_kernel(fd, set->p[i].data, set->p[i].len, k);
		cli_kdiff_run_xdpdk(prog, set->p[i].data, set->p[i].len, x);
		if (cli_kdiff_same(k, x)) {
			ok++;
			refused += k->err != 0;
		} else {
			if (bad < 5)
				print_diff(ename, &set->p[i], k, x);
			bad++;
		}
	}
	maps_bad = cli_kdiff_maps(kobj, lo, print_map_diff, &mr);
	env_maps = maps_bad && cli_kdiff_calls(xobj, name, BPF_FUNC_fib_lookup);
	if (env_maps) {
		printf("  note %s:%s (%s): map differences not counted, bpf_fib_lookup answers "
		       "from different routing tables\n", obj_path, name, ename);
		maps_bad = 0;
	}
	if ((bad || maps_bad) && cli_kdiff_host_helpers(xobj, name, host, sizeof(host))) {
		/*
		 * Listed, not counted: the program's answers come from the machine
		 * (docs/differential.md, host-dependent helpers); `xdpdk prog diff`
		 * reports them as differences.
		 */
		printf("skip %s:%s (%s): %u packets different, maps %s: it calls %s, whose "
		       "results depend on the host\n", obj_path, name, ename, bad,
		       maps_bad ? "differ" : "same", host);
		skipped++;
		goto out;
	}
	/* Refusals are compared too: the same errno on both sides is "same". */
	printf("%s %s:%s (%s): %u packets same (%u of them refused by both), %u different; "
	       "maps %s\n", bad || maps_bad ? "FAIL" : "ok  ", obj_path, name, ename, ok, refused,
	       bad, maps_bad || env_maps ? "differ" : "same");
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

	kobj = cli_kdiff_load(path);
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
	why = cli_kdiff_unavailable();
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
