/* SPDX-License-Identifier: BSD-3-Clause */
/* Built with -Djit=false: every program runs on the interpreter. */
#include <errno.h>
#include <stdio.h>

#include "../prog_internal.h"

int
xdpdk_jit_compile(struct xdpdk_prog *prog)
{
	snprintf(prog->jit_error, sizeof(prog->jit_error), "built without the JIT (-Djit=false)");
	return -ENOTSUP;
}

void
xdpdk_jit_free(struct xdpdk_prog *prog)
{
	(void)prog;
}
