/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the verifier: the input is a program (8 bytes per
 * instruction, after one byte choosing XDP or RAW). Whatever the verifier
 * accepts is run on the interpreter and on the JIT, on a packet (XDP) or a
 * memory region (RAW) allocated to its exact size, so ASan sees any access
 * the verifier should have refused. When the program also passes strict
 * mode (no pointer leaks: values cannot depend on where the stack or the
 * context are), both engines must return the same r0 and leave the same
 * bytes. The JIT runs twice: plain and with constant blinding (jit_blind).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>

#define MAX_INSNS 512
#define PKT_LEN 64
#define HEADROOM 32

static uint64_t tried, accepted;

/* The totals when libFuzzer exits, for the report. */
__attribute__((destructor)) static void
report(void)
{
	fprintf(stderr, "fuzz_verifier: %llu programs tried, %llu accepted (total)\n",
		(unsigned long long)tried, (unsigned long long)accepted);
}

struct area {
	uint8_t *buf;	/* malloc'd to its exact size: ASan guards both ends */
	struct xdpdk_xdp_ctx ctx;
};

/* Fill the buffer and the context; the buffer is only allocated once. */
static void
area_reset(struct area *a, const uint8_t *seed, size_t n, int xdp)
{
	const size_t len = xdp ? HEADROOM + PKT_LEN : PKT_LEN;

	if (a->buf == NULL && (a->buf = malloc(len)) == NULL)
		abort();
	for (size_t i = 0; i < len; i++)
		a->buf[i] = n ? seed[i % n] : (uint8_t)i;
	memset(&a->ctx, 0, sizeof(a->ctx));
	a->ctx.data_hard_start = a->buf;
	a->ctx.data = a->ctx.data_meta = a->buf + (xdp ? HEADROOM : 0);
	a->ctx.data_end = a->buf + len;
	a->ctx.data_hard_end = a->buf + len;
	a->ctx.ingress_ifindex = 1;
}

static uint64_t
run(const struct xdpdk_prog *p, struct area *a, int xdp)
{
	return xdp ? xdpdk_prog_run(p, &a->ctx, 0) : xdpdk_prog_run(p, a->buf, PKT_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char log[1 << 14];
	const int xdp = size > 0 && (data[0] & 1);
	const uint32_t n = size > 1 ? (uint32_t)((size - 1) / sizeof(struct bpf_insn)) : 0;
	struct bpf_insn insns[MAX_INSNS];
	struct xdpdk_prog_opts o = {
		.name = "fuzz", .type = xdp ? XDPDK_PROG_TYPE_XDP : XDPDK_PROG_TYPE_RAW,
		.engine = XDPDK_ENGINE_INTERP, .log_buf = log, .log_size = sizeof(log),
		.verify = { .raw_mem_size = PKT_LEN },
	};
	struct xdpdk_prog *interp, *jit, *blind;
	struct area a = { .buf = NULL };
	uint8_t *first;
	const size_t len = xdp ? HEADROOM + PKT_LEN : PKT_LEN;
	uint64_t ra, rb;
	int comparable;

	if (n == 0 || n > MAX_INSNS)
		return 0;
	memcpy(insns, data + 1, n * sizeof(*insns));
	tried++;
	interp = xdpdk_prog_create(insns, n, &o);
	if (interp == NULL)
		return 0;
	accepted++;
	o.verify.strict = true;
	comparable = xdpdk_prog_verify(insns, n, &o) == 0;
	o.verify.strict = false;
	o.engine = XDPDK_ENGINE_JIT;
	jit = xdpdk_prog_create(insns, n, &o);
	o.jit_blind = 1;
	blind = xdpdk_prog_create(insns, n, &o);
	if ((jit == NULL) != (blind == NULL)) {
		fprintf(stderr, "the JIT compiles the program only %s blinding\n",
			jit ? "without" : "with");
		abort();
	}
	area_reset(&a, data, size, xdp);
	first = malloc(len);
	if (first == NULL)
		abort();
	ra = run(interp, &a, xdp);
	memcpy(first, a.buf, len);
	for (int k = 0; k < 2; k++) {
		const struct xdpdk_prog *p = k ? blind : jit;

		if (p == NULL)
			continue;
		/* The same buffer and context again, so addresses are the same too. */
		area_reset(&a, data, size, xdp);
		rb = run(p, &a, xdp);
		if (comparable && (ra != rb || memcmp(first, a.buf, len) != 0)) {
			fprintf(stderr, "interpreter and JIT%s differ: r0 %#llx vs %#llx\n",
				k ? " (blinded)" : "", (unsigned long long)ra,
				(unsigned long long)rb);
			abort();
		}
	}
	if ((accepted & (accepted - 1)) == 0)
		fprintf(stderr, "fuzz_verifier: %llu programs tried, %llu accepted\n",
			(unsigned long long)tried, (unsigned long long)accepted);
	free(first);
	free(a.buf);
	xdpdk_prog_free(blind);
	xdpdk_prog_free(jit);
	xdpdk_prog_free(interp);
	return 0;
}
