/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel side of the golden tests of the bundled programs (bpf/progs):
 * one program, its map seeds (tests/golden/<name>.maps), an input pcap, run
 * in the kernel (BPF_PROG_TEST_RUN, repeat 1, root) to write the expectation
 * that `xdpdk prog test` compares xdpdk with (the meson suite golden):
 * pcaps/golden/<name>-out.pcap (the output bytes, packet i for input i) and
 * tests/golden/<name>.expect (the verdicts and the map entries the .maps
 * file's check lines name).
 *
 *   golden --kernel-write OBJ PROG MAPS IN.pcap OUT.pcap EXPECT
 *
 * The kernel is the oracle: xdpdk never writes its own expected results.
 * The file formats (and their parser) are cli/golden.h's, shared with
 * `xdpdk prog test`; docs/golden-tests.md describes them.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define bpf_insn cbpf_insn /* libpcap's classic struct clashes with linux/bpf.h */
#include <pcap/pcap.h>
#undef bpf_insn

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "golden.h"
#include "kdiff.h"
#include "seeds.h"

#define MAX_PKT CLI_GOLDEN_SNAPLEN
_Static_assert(CLI_KDIFF_MAX_OUT <= MAX_PKT, "expected pcaps hold whole outputs");

struct golden {
	const char *obj, *prog, *maps, *in, *out, *expect;
	struct cli_golden_seeds sd;
	pcap_t *pin;
	FILE *lines;			/* the .expect's lines, before its header is known */
	char *text;
	size_t text_len;
	pcap_dumper_t *dump;
	size_t n_pkts;
};

static const char *
base(const char *path)
{
	return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

/* Run every packet, then read the check entries: lines into g->lines, bytes into g->dump. */
static int
kernel_run(struct golden *g, struct bpf_object *kobj)
{
	const int ncpu = libbpf_num_possible_cpus();
	struct bpf_program *kp = bpf_object__find_program_by_name(kobj, g->prog);
	struct cli_kdiff_outcome *o = malloc(sizeof(*o));
	uint8_t *val = calloc((size_t)ncpu, 8 * CLI_GOLDEN_MAX_HEX);
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = -1, fd;

	if (kp == NULL || o == NULL || val == NULL) {
		fprintf(stderr, "kernel: no program %s\n", g->prog);
		goto out;
	}
	fd = bpf_program__fd(kp);
	while (pcap_next_ex(g->pin, &h, &d) == 1) {
		/* Fixed timestamps: the file must not change between runs. */
		struct pcap_pkthdr oh = { .ts = { .tv_sec = 1700000000,
						  .tv_usec = (long)g->n_pkts * 1000 } };

		/* Verdicts as numbers: the program's type is libbpf's, not xdpdk's. */
		cli_kdiff_run_kernel(fd, d, h->caplen, o);
		cli_golden_fmt_pkt(g->lines, XDPDK_PROG_TYPE_RAW, ++g->n_pkts, o->err, o->retval,
				   o->len);
		fputc('\n', g->lines);
		/* A refused packet is an empty one in the output pcap. */
		oh.caplen = oh.len = o->len;
		pcap_dump((u_char *)g->dump, &oh, o->data);
	}
	for (size_t i = 0; i < g->sd.n; i++) {
		const struct cli_golden_seed *s = &g->sd.v[i];
		struct bpf_map *km;
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
		memset(val, 0, (size_t)ncpu * 8 * CLI_GOLDEN_MAX_HEX);
		err = bpf_map_lookup_elem(bpf_map__fd(km), s->key, val);
		if (err == 0 && cli_golden_is_percpu(bpf_map__type(km)))
			cli_golden_fold_percpu(val, vs, (uint32_t)ncpu);
		cli_golden_fmt_map(g->lines, s->map, s->key, s->klen, err ? NULL : val, vs);
		fputc('\n', g->lines);
	}
	rc = 0;
out:
	free(val);
	free(o);
	return rc;
}

static int
kernel_write(struct golden *g)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_object *kobj = bpf_object__open_file(g->obj, NULL);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, MAX_PKT);
	FILE *f = NULL;
	struct utsname u;
	cpu_set_t cpus;
	int rc = -1;

	/* Per-CPU state (LRU connection tables, token buckets) must stay on one CPU. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) != 0)
		perror("sched_setaffinity");
	if (kobj == NULL || bpf_object__load(kobj) != 0) {
		fprintf(stderr, "kernel: cannot load %s: %s\n", g->obj, strerror(errno));
		goto out;
	}
	if (golden_seed_kernel(kobj, &g->sd) != 0)
		goto out;
	g->pin = pcap_open_offline(g->in, err);
	g->lines = open_memstream(&g->text, &g->text_len);
	g->dump = dead ? pcap_dump_open(dead, g->out) : NULL;
	if (g->pin == NULL || g->lines == NULL || g->dump == NULL) {
		fprintf(stderr, "cannot read %s or write %s\n", g->in, g->out);
		goto out;
	}
	if (kernel_run(g, kobj) != 0)
		goto out;
	fclose(g->lines);
	g->lines = NULL;
	f = fopen(g->expect, "w");
	if (f == NULL) {
		fprintf(stderr, "cannot write %s: %s\n", g->expect, strerror(errno));
		goto out;
	}
	uname(&u);
	fprintf(f, "# Written by tests/golden/golden --kernel-write: BPF_PROG_TEST_RUN in Linux %s.\n"
		   "# %s:%s over %s (seeds: %s); output bytes in %s.\n%s",
		u.release, base(g->obj), g->prog, base(g->in), base(g->maps), base(g->out), g->text);
	rc = fclose(f) == 0 ? 0 : -1;
out:
	if (g->lines)
		fclose(g->lines);
	free(g->text);
	if (g->dump)
		pcap_dump_close(g->dump);
	if (g->pin)
		pcap_close(g->pin);
	if (dead)
		pcap_close(dead);
	bpf_object__close(kobj);
	return rc;
}

int
main(int argc, char **argv)
{
	struct golden g = { 0 };
	int rc;

	if (argc != 8 || strcmp(argv[1], "--kernel-write") != 0) {
		fprintf(stderr, "usage: %s --kernel-write OBJ PROG MAPS IN.pcap OUT.pcap EXPECT\n"
			"(xdpdk's side of the golden tests is `xdpdk prog test`)\n", argv[0]);
		return 2;
	}
	g.obj = argv[2];
	g.prog = argv[3];
	g.maps = argv[4];
	g.in = argv[5];
	g.out = argv[6];
	g.expect = argv[7];
	if (cli_golden_seeds_read(g.maps, &g.sd) != 0)
		return 2;
	libbpf_set_print(NULL);
	rc = kernel_write(&g);
	if (rc == 0)
		printf("wrote %s and %s: %zu packets\n", g.expect, g.out, g.n_pkts);
	cli_golden_seeds_free(&g.sd);
	return rc ? 1 : 0;
}
