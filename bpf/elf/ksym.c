/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kfunc calls: a call relocated against an undefined symbol is a call to an
 * `extern ... __ksym` function. The kernel resolves it to a BTF id; xdpdk
 * resolves it by name to one of the kfuncs of include/xdpdk/kfunc.h and
 * makes it a helper call with that kfunc's id.
 */
#include <errno.h>
#include <string.h>

#include <xdpdk/kfunc.h>

#include "elf_internal.h"

#define KFUNC_NAME(name, idx) [idx] = #name,
static const char *const kfunc_names[] = { XDPDK_KFUNC_MAPPER(KFUNC_NAME) };

/* The kernel's helper ids must stay below the kfuncs'. */
_Static_assert(__BPF_FUNC_MAX_ID <= XDPDK_KFUNC_ID_BASE, "helper ids reach the kfunc ids");

int
xdpdk_elf_kfunc_call(struct elf_load *ld, const char *prog, uint32_t pc, const char *name,
		     struct bpf_insn *insn)
{
	for (uint32_t i = 0; i < sizeof(kfunc_names) / sizeof(kfunc_names[0]); i++) {
		if (strcmp(kfunc_names[i], name) == 0) {
			insn->src_reg = 0;
			insn->imm = (int32_t)(XDPDK_KFUNC_ID_BASE + i);
			return 0;
		}
	}
	xdpdk_elf_log(ld,
		      "prog '%s': insn %u: call to kernel function '%s', which xdpdk does not "
		      "provide",
		      prog, pc, name);
	return -ENOTSUP;
}
