/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verifier differential: every program of the verifier's unit cases (the
 * refused patterns and their safe neighbours) is loaded by the kernel with
 * real maps of the same shapes (bpf_prog_load, as root) and verified by
 * xdpdk; then every program of the objects given as arguments (libbpf's
 * bpf_object__load against xdpdk's verifier). Accept/reject must agree. Known differences are listed below and
 * in docs/verifier.md, each with its reason; any other mismatch fails.
 * Skips (exit 77, with the reason) when the kernel refuses to load programs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpdk/bpf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/verifier.h>

#include "../unit/verifier/verifier_cases.h"
#include "../unit/verifier/verifier_support.h"

#define MESON_SKIP 77

/* Cases the kernel cannot be asked about as xdpdk is, with why. */
static const struct {
	const char *name;
	const char *why;
} not_comparable[] = {
	{ "spin_lock_twice", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "helper_call_while_locked", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "spin_unlock_missing", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "spin_unlock_without_lock", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "spin_lock_direct_access", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "spin_lock_unlock", "a map with a bpf_spin_lock needs BTF in the kernel" },
	{ "spin_lock_map_without_lock", "the kernel needs BTF for any bpf_spin_lock argument" },
	{ "bpf_loop_callback", "the kernel needs BTF func_info for callbacks" },
	{ "callback_returns_2", "the kernel needs BTF func_info for callbacks" },
};

/*
 * Known differences, where the outcome differs on purpose (docs/verifier.md):
 * the case passes when the kernel accepts and xdpdk refuses.
 */
static const struct {
	const char *name;
	const char *why;
} known_diff[] = {
	{ "map_ptr_dereference", "the kernel lets programs read struct bpf_map fields through "
				 "BTF; xdpdk's maps are not the kernel's struct" },
};

static const char *
why_not(const struct vcase *c)
{
	if (c->strict)
		return "strict mode is the kernel's unprivileged rules: the test runs as root";
	for (size_t i = 0; i < sizeof(not_comparable) / sizeof(not_comparable[0]); i++)
		if (strcmp(not_comparable[i].name, c->name) == 0)
			return not_comparable[i].why;
	return NULL;
}

static const char *
known_difference(const struct vcase *c)
{
	for (size_t i = 0; i < sizeof(known_diff) / sizeof(known_diff[0]); i++)
		if (strcmp(known_diff[i].name, c->name) == 0)
			return known_diff[i].why;
	return NULL;
}

/* Kernel maps standing in for the fake addresses of verifier_cases.h. */
static struct {
	uint64_t addr;
	int fd;
} kmaps[8];
static unsigned n_kmaps;

static int
kmap(uint64_t addr, enum bpf_map_type type, uint32_t ks, uint32_t vs, uint32_t max,
     uint32_t flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);
	int fd = bpf_map_create(type, NULL, ks, vs, max, &o);

	if (fd < 0)
		return -errno;
	kmaps[n_kmaps].addr = addr;
	kmaps[n_kmaps++].fd = fd;
	return 0;
}

static int
fd_of(uint64_t addr, uint32_t *off)
{
	for (unsigned i = 0; i < n_kmaps; i++) {
		if (addr == kmaps[i].addr) {
			*off = 0;
			return kmaps[i].fd;
		}
		if (addr >= VALUE_OF(kmaps[i].addr) && addr < VALUE_OF(kmaps[i].addr) + 0x100) {
			*off = (uint32_t)(addr - VALUE_OF(kmaps[i].addr));
			return kmaps[i].fd;
		}
	}
	return -1;
}

static int
kernel_load(const struct vcase *c, char *log, size_t size)
{
	static const enum bpf_prog_type types[] = {
		[XDPDK_PROG_TYPE_XDP] = BPF_PROG_TYPE_XDP,
		[XDPDK_PROG_TYPE_TC] = BPF_PROG_TYPE_SCHED_CLS,
		[XDPDK_PROG_TYPE_SOCKET_FILTER] = BPF_PROG_TYPE_SOCKET_FILTER,
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = (uint32_t)size,
		    .log_level = 1);
	struct bpf_insn *insns = malloc(sizeof(*insns) * c->n);
	int fd;

	if (insns == NULL)
		return -ENOMEM;
	memcpy(insns, c->insns, sizeof(*insns) * c->n);
	for (uint32_t i = 0; i + 1 < c->n; i++) {
		uint32_t off = 0;
		int mfd;

		if (insns[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (insns[i].src_reg == BPF_PSEUDO_MAP_FD || insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			mfd = fd_of((uint32_t)insns[i].imm | ((uint64_t)(uint32_t)insns[i + 1].imm << 32),
				    &off);
			insns[i].imm = mfd;
			insns[i + 1].imm = insns[i].src_reg == BPF_PSEUDO_MAP_VALUE ? (int32_t)off : 0;
		}
		i++;
	}
	log[0] = '\0';
	fd = bpf_prog_load(types[c->type], c->name, "GPL", insns, c->n, &o);
	if (fd < 0 && errno == ENOSPC) {
		/* The log did not fit: only the verdict matters here. */
		o.log_level = 0;
		fd = bpf_prog_load(types[c->type], c->name, "GPL", insns, c->n, &o);
	}
	free(insns);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static char klog[1 << 20], xlog[1 << 16];

static const char *
last_line(char *log)
{
	size_t n = strlen(log);
	char *p;

	while (n > 0 && log[n - 1] == '\n')
		log[--n] = '\0';
	/* Skip the statistics line the kernel ends with. */
	p = strrchr(log, '\n');
	if (p != NULL && strncmp(p + 1, "processed ", 10) == 0) {
		*p = '\0';
		p = strrchr(log, '\n');
	}
	return p ? p + 1 : log;
}

/* Each program of @p path: libbpf loads the object program by program. */
static void
diff_object(const char *path, unsigned *agree, unsigned *differ, unsigned *skipped)
{
	struct xdpdk_obj *xo = xdpdk_obj_open(path, NULL);
	struct xdpdk_test_obj_maps om;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (xo == NULL) {
		printf("skip %s: xdpdk's loader refuses it (%s)\n", base, strerror(errno));
		(*skipped)++;
		return;
	}
	xdpdk_test_obj_maps_init(&om, xo);
	for (uint32_t i = 0; i < xdpdk_obj_prog_count(xo); i++) {
		const struct xdpdk_obj_prog *op = xdpdk_obj_prog_at(xo, i);
		const char *name = xdpdk_obj_prog_name(op);
		struct bpf_object *ko = bpf_object__open_file(path, NULL);
		struct bpf_program *kp;
		struct bpf_insn *insns;
		uint32_t n;
		const struct bpf_insn *src = xdpdk_obj_prog_insns(op, &n);
		struct xdpdk_prog_opts o = {
			.type = xdpdk_obj_prog_type(op), .helpers = xdpdk_test_resolver,
			.log_buf = xlog, .log_size = sizeof(xlog),
			.verify = { .map_info = xdpdk_test_obj_map_info, .map_info_arg = &om },
		};
		int k, x;

		o.verify.core_poison = xdpdk_obj_prog_core_poison(op, &o.verify.n_core_poison);
		if (ko == NULL) {
			printf("skip %s: libbpf cannot open it\n", base);
			(*skipped)++;
			break;
		}
		/* Only this program is loaded: the others may be refused on their own. */
		bpf_object__for_each_program(kp, ko)
			bpf_program__set_autoload(kp, strcmp(bpf_program__name(kp), name) == 0);
		klog[0] = '\0';
		kp = bpf_object__find_program_by_name(ko, name);
		if (kp != NULL)
			bpf_program__set_log_buf(kp, klog, sizeof(klog));
		k = bpf_object__load(ko);
		bpf_object__close(ko);
		insns = malloc(sizeof(*insns) * n);
		if (insns == NULL)
			break;
		memcpy(insns, src, sizeof(*insns) * n);
		x = xdpdk_insns_resolve_maps(insns, n, om.addr, om.value, xdpdk_obj_map_count(xo),
					     xlog, sizeof(xlog));
		if (x == 0)
			x = xdpdk_prog_verify(insns, n, &o);
		free(insns);
		if (k != 0 && klog[0] == '\0') {
			/* libbpf stopped before the verifier: maps, pinning, BTF. */
			printf("skip %s:%s: the kernel does not load the object (%s), no verdict\n",
			       base, name, strerror(-k));
			(*skipped)++;
			continue;
		}
		if ((k == 0) == (x == 0)) {
			printf("ok   %s:%s: both %s\n", base, name, k == 0 ? "accept" : "refuse");
			(*agree)++;
		} else if (k != 0 && x == 0 && strstr(klog, "require device-bound program")) {
			/*
			 * The kernel wants metadata kfuncs in programs bound to one
			 * device (BPF_F_XDP_DEV_BOUND_ONLY); every xdpdk port gives
			 * them, so xdpdk has no such binding (docs/verifier.md).
			 */
			printf("ok   %s:%s: known difference (kernel refuses, xdpdk accepts): "
			       "metadata kfuncs outside a device-bound program\n", base, name);
			(*agree)++;
		} else {
			printf("FAIL %s:%s: kernel %s, xdpdk %s\n  kernel: %s\n  xdpdk: %s\n", base,
			       name, k == 0 ? "accepts" : "refuses", x == 0 ? "accepts" : "refuses",
			       last_line(klog), last_line(xlog));
			(*differ)++;
		}
	}
	xdpdk_obj_close(xo);
}

int
main(int argc, char **argv)
{
	unsigned agree = 0, differ = 0, skipped = 0;
	const struct {
		const struct vcase *c;
		uint32_t n;
	} sets[] = { { xdpdk_test_rejected, xdpdk_test_n_rejected },
		     { xdpdk_test_accepted, xdpdk_test_n_accepted } };

	if (kmap(M_HASH, BPF_MAP_TYPE_HASH, 4, 16, 128, 0) != 0) {
		printf("skip: the kernel refuses map creation (%s): not root or no CAP_BPF?\n",
		       strerror(errno));
		return MESON_SKIP;
	}
	if (kmap(M_ARRAY, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0) || kmap(M_RO, BPF_MAP_TYPE_ARRAY, 4, 16, 1,
								   BPF_F_RDONLY_PROG) ||
	    kmap(M_RINGBUF, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0) ||
	    kmap(M_PROGS, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0) ||
	    kmap(M_QUEUE, BPF_MAP_TYPE_QUEUE, 0, 4, 16, 0)) {
		printf("skip: cannot create the kernel maps: %s\n", strerror(errno));
		return MESON_SKIP;
	}
	for (size_t s = 0; s < 2; s++) {
		for (uint32_t i = 0; i < sets[s].n; i++) {
			const struct vcase *c = &sets[s].c[i];
			const char *why = why_not(c);
			struct xdpdk_prog_opts o = {
				.type = c->type, .helpers = xdpdk_test_resolver, .log_buf = xlog,
				.log_size = sizeof(xlog), .verify = { .map_info = xdpdk_test_fake_map_info },
			};
			int k, x;

			if (why != NULL) {
				printf("skip %s: %s\n", c->name, why);
				skipped++;
				continue;
			}
			k = kernel_load(c, klog, sizeof(klog));
			x = xdpdk_prog_verify(c->insns, c->n, &o);
			why = known_difference(c);
			if (why != NULL && k == 0 && x != 0) {
				printf("ok   %s: known difference (kernel accepts, xdpdk refuses): %s\n",
				       c->name, why);
				agree++;
				continue;
			}
			if ((k == 0) == (x == 0)) {
				printf("ok   %s: both %s\n", c->name, k == 0 ? "accept" : "refuse");
				if (k != 0)
					printf("     kernel: %s\n     xdpdk:  %s\n", last_line(klog),
					       last_line(xlog));
				agree++;
				continue;
			}
			printf("FAIL %s: kernel %s, xdpdk %s\n  kernel: %s\n  xdpdk: %s\n", c->name,
			       k == 0 ? "accepts" : "refuses", x == 0 ? "accepts" : "refuses",
			       last_line(klog), last_line(xlog));
			differ++;
		}
	}
	libbpf_set_print(NULL);
	for (int a = 1; a < argc; a++)
		diff_object(argv[a], &agree, &differ, &skipped);
	printf("%u agree, %u differ, %u skipped\n", agree, differ, skipped);
	return differ ? 1 : 0;
}
