/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel runner of the differential checks (kdiff.h): load in Linux,
 * seed, test-run, compare maps with xdpdk's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kdiff.h"

#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

const char *
cli_kdiff_unavailable(void)
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

struct bpf_object *
cli_kdiff_load(const char *path)
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

struct bpf_map *
cli_kdiff_map(struct bpf_object *kobj, const char *name)
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

int
cli_kdiff_seed(struct bpf_object *kobj, const struct cli_golden_seeds *sd)
{
	const size_t size = (size_t)libbpf_num_possible_cpus() * CLI_GOLDEN_MAX_HEX;
	uint8_t *val = calloc(1, size);
	int rc = val ? 0 : -1;

	for (const struct cli_golden_seed *s = sd->v; rc == 0 && s < sd->v + sd->n; s++) {
		struct bpf_map *km = s->check ? NULL : cli_kdiff_map(kobj, s->map);

		if (s->check)
			continue;
		rc = -1;
		if (km == NULL) {
			fprintf(stderr, "kernel: no map %s\n", s->map);
			break;
		}
		memset(val, 0, size);
		memcpy(val, s->val, s->vlen);
		if (bpf_map_update_elem(bpf_map__fd(km), s->key, val, BPF_ANY) != 0) {
			fprintf(stderr, "kernel: seeding %s: %s\n", s->map, strerror(errno));
			break;
		}
		rc = 0;
	}
	free(val);
	return rc;
}

void
cli_kdiff_run_kernel(int fd, const uint8_t *pkt, uint32_t len, struct cli_kdiff_outcome *o)
{
	/*
	 * No ctx: given one, the kernel takes its offsets as the input's layout
	 * (data_end must be the length) and its ifindex as the device; without,
	 * both sides run on the loopback device's queue 0 with no metadata.
	 */
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = len,
		    .data_out = o->data, .data_size_out = sizeof(o->data), .repeat = 1);

	o->err = bpf_prog_test_run_opts(fd, &t) ? errno : 0;
	o->retval = o->err ? 0 : t.retval;
	o->len = o->err ? 0 : t.data_size_out;
	o->meta = 0;
}

void
cli_kdiff_run_xdpdk(const struct xdpdk_prog *prog, const uint8_t *pkt, uint32_t len,
		    struct cli_kdiff_outcome *o)
{
	struct xdp_md md = { 0 };
	const bool xdp = xdpdk_prog_type(prog) == XDPDK_PROG_TYPE_XDP;
	struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = len, .data_out = o->data,
				    .data_size_out = sizeof(o->data), .repeat = 1,
				    .ctx_out = xdp ? &md : NULL,
				    .ctx_size_out = xdp ? sizeof(md) : 0 };
	int rc = xdpdk_prog_test_run(prog, &t);

	o->err = rc < 0 ? -rc : 0;
	o->retval = o->err ? 0 : t.retval;
	o->len = o->err ? 0 : t.data_size_out;
	o->meta = o->err ? 0 : md.data;
}

bool
cli_kdiff_same(const struct cli_kdiff_outcome *k, const struct cli_kdiff_outcome *x)
{
	if (k->err || x->err)
		return k->err == x->err;
	return k->retval == x->retval && k->len == x->len && memcmp(k->data, x->data, k->len) == 0;
}

static bool
listable(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	       t == BPF_MAP_TYPE_LPM_TRIE || cli_golden_is_percpu(t);
}

/* Buffers of one map's comparison. */
struct map_cmp {
	struct bpf_map *km;
	struct xdpdk_map *xm;
	uint32_t ks, vs;
	uint8_t *key, *next, *kval, *xval;
	unsigned n_diff;
	void (*report)(void *arg, const struct cli_kdiff_map_diff *d);
	void *arg;
};

/* The kernel's value of the current key, per-CPU slots summed; false if it has none. */
static bool
kernel_value(struct map_cmp *c)
{
	if (bpf_map_lookup_elem(bpf_map__fd(c->km), c->key, c->kval) != 0)
		return false;
	if (cli_golden_is_percpu(xdpdk_map_def(c->xm)->type))
		cli_golden_fold_percpu(c->kval, c->vs, (uint32_t)libbpf_num_possible_cpus());
	return true;
}

static void
say(struct map_cmp *c, enum cli_kdiff_map_kind kind, bool kv, bool xv)
{
	struct cli_kdiff_map_diff d = { .kind = kind, .map = xdpdk_map_def(c->xm)->name,
					.key = c->key, .klen = c->ks,
					.kval = kv ? c->kval : NULL, .xval = xv ? c->xval : NULL,
					.vlen = c->vs };

	c->n_diff++;
	c->report(c->arg, &d);
}

static void
compare_map(struct map_cmp *c)
{
	int fd = bpf_map__fd(c->km);
	bool first = true;

	/* Every kernel entry: in xdpdk too, with the same value ... */
	while (bpf_map_get_next_key(fd, first ? NULL : c->key, c->next) == 0) {
		first = false;
		memcpy(c->key, c->next, c->ks);
		if (!kernel_value(c))
			continue;	/* deleted meanwhile: LRU */
		if (cli_golden_map_read(c->xm, c->key, c->xval) != 0)
			say(c, CLI_KDIFF_MAP_ONLY_KERNEL, true, false);
		else if (memcmp(c->kval, c->xval, c->vs) != 0)
			say(c, CLI_KDIFF_MAP_VALUE, true, true);
	}
	/* ... and every xdpdk entry in the kernel. */
	first = true;
	while (xdpdk_map_get_next_key(c->xm, first ? NULL : c->key, c->next) == 0) {
		first = false;
		memcpy(c->key, c->next, c->ks);
		if (!kernel_value(c) && cli_golden_map_read(c->xm, c->key, c->xval) == 0)
			say(c, CLI_KDIFF_MAP_ONLY_XDPDK, false, true);
	}
}

unsigned
cli_kdiff_maps(struct bpf_object *kobj, const struct xdpdk_loaded *lo,
	       void (*report)(void *arg, const struct cli_kdiff_map_diff *d), void *arg)
{
	const uint32_t ncpu = (uint32_t)libbpf_num_possible_cpus();
	unsigned n = 0;

	for (uint32_t m = 0; m < xdpdk_loaded_map_count(lo); m++) {
		struct xdpdk_map *xm = xdpdk_loaded_map_at(lo, m);
		const struct xdpdk_map_def *d = xdpdk_map_def(xm);
		const bool percpu = cli_golden_is_percpu(d->type);
		struct cli_kdiff_map_diff note = { .map = d->name, .vlen = d->value_size };
		struct map_cmp c = { .km = cli_kdiff_map(kobj, d->name), .xm = xm,
				     .ks = d->key_size, .vs = d->value_size, .report = report,
				     .arg = arg };
		size_t kbuf = percpu ? (size_t)((d->value_size + 7) & ~7u) * ncpu : d->value_size;

		if (!listable(d->type))
			continue;
		if (c.km == NULL || (percpu && d->value_size % 8 != 0)) {
			note.kind = c.km == NULL ? CLI_KDIFF_MAP_NO_KERNEL : CLI_KDIFF_MAP_UNCOMPARED;
			n += c.km == NULL;
			report(arg, &note);
			continue;
		}
		c.key = calloc(1, c.ks + 8);
		c.next = calloc(1, c.ks + 8);
		c.kval = calloc(1, kbuf + 8);
		c.xval = calloc(1, xdpdk_map_value_buf_size(xm) + 8);
		if (c.key == NULL || c.next == NULL || c.kval == NULL || c.xval == NULL)
			abort();	/* a test tool: no partial comparison */
		compare_map(&c);
		n += c.n_diff;
		free(c.key);
		free(c.next);
		free(c.kval);
		free(c.xval);
	}
	return n;
}

bool
cli_kdiff_calls(const struct xdpdk_obj *xobj, const char *prog, int32_t id)
{
	const struct xdpdk_obj_prog *p = xdpdk_obj_prog_find(xobj, prog);
	const struct bpf_insn *in;
	uint32_t n = 0;

	in = p ? xdpdk_obj_prog_insns(p, &n) : NULL;
	for (uint32_t i = 0; i < n; i++)
		if (in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg == 0 && in[i].imm == id)
			return true;
	return false;
}

unsigned
cli_kdiff_host_helpers(const struct xdpdk_obj *xobj, const char *prog, char *buf, size_t size)
{
	/*
	 * Answers that come from the machine, not from the program and its
	 * input: the clock, randomness, the CPU the run lands on, the host's
	 * routing table and devices (xdpdk has its own, from --maps-init fib-*
	 * lines or its ports).
	 */
	static const int32_t host[] = {
		BPF_FUNC_ktime_get_ns,		BPF_FUNC_ktime_get_boot_ns,
		BPF_FUNC_ktime_get_coarse_ns,	BPF_FUNC_ktime_get_tai_ns,
		BPF_FUNC_jiffies64,		BPF_FUNC_get_prandom_u32,
		BPF_FUNC_get_smp_processor_id,	BPF_FUNC_get_numa_node_id,
		BPF_FUNC_fib_lookup,		BPF_FUNC_check_mtu,
	};
	unsigned n = 0;
	size_t k = 0;

	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		if (!cli_kdiff_calls(xobj, prog, host[i]))
			continue;
		if (k < size)
			k += (size_t)snprintf(buf + k, size - k, "%s%s", n ? ", " : "",
					      xdpdk_helpers_kernel_name((uint32_t)host[i]));
		n++;
	}
	return n;
}
