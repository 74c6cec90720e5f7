/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * A text assembler for eBPF in the uBPF / bpf_conformance syntax, the one the
 * conformance suite's "-- asm" sections are written in. For tests and tools:
 * it builds instruction arrays, nothing runs them here.
 *
 * One instruction per line; '#' or ';' starts a comment; "name:" defines a
 * label. Operands are separated by commas:
 *
 *     mov32 %r0, 0            add %r1, %r2           lddw %r0, 0x1122334455667788
 *     ldxw %r0, [%r1+4]       stxdw [%r10-8], %r1    stb [%r1+2], 0x11
 *     jeq %r1, 0x5, +2        jsgt32 %r1, %r2, out   ja -3       ja32 +70000
 *     call 1                  call local func        exit
 *     be16 %r0  le32 %r0  bswap64 %r0 (or swap64)    neg %r0     neg32 %r0
 *     sdiv %r0, %r1  smod32 %r0, 3   movsx864 %r0, %r1 (8-to-64; also 832 1632 1664 3264)
 *     ldxsb %r0, [%r1+0] (ldxsh, ldxsw)              ldabsh 12   ldindb %r1, 14
 *     lock add [%r1+0], %r2   lock fetch xor32 [%r1], %r2
 *     lock xchg [%r10-8], %r1 lock cmpxchg32 [%r10-4], %r2
 *
 * Mnemonics are those of bpf/opcodes.def plus the aliases above. A jump
 * target is a signed offset ("+2", "-3", "2") or a label; "exit" names the
 * first exit instruction unless a label of that name exists.
 * "call runtime N" is a kfunc call (src_reg 2), which the engine refuses.
 * A 32-bit immediate may be written as the 64-bit value it sign-extends to
 * (0xfffffffffffffffc for -4); any other value wider than 32 bits is an
 * error, never silently truncated.
 */
#ifndef XDPDK_ASM_H
#define XDPDK_ASM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Assemble @p text.
 *
 * @param text NUL-terminated program text.
 * @param insns on success, a malloc'd array of the instructions (the caller
 *   frees it with free()); NULL when the text holds none.
 * @param n on success, the number of instruction slots (an lddw takes two).
 * @param err buffer for the reason of a failure ("line 3: unknown mnemonic
 *   'foo'"); may be NULL.
 * @param err_size size of @p err.
 * @return 0, -EINVAL for a syntax error (with @p err set) or -ENOMEM.
 */
int xdpdk_asm(const char *text, struct bpf_insn **insns, uint32_t *n, char *err,
	      size_t err_size);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_ASM_H */
