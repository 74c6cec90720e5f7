/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the control-socket request decoder: any bytes as a
 * request body. A decoded request must hold exactly argc NUL-terminated
 * strings that re-encode to the same bytes; anything else must be refused
 * with a reason.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	uint8_t *again;
	size_t len;
	char **argv;
	int argc;

	if (xdpdk_ctl_request_decode(data, size, &argc, &argv, &why) != 0) {
		if (why == NULL || argv != NULL)
			abort();
		return 0;
	}
	if (argv[argc] != NULL || xdpdk_ctl_request_encode(argc, argv, &again, &len) != 0)
		abort();
	/* the encoding is the length word and then exactly the input */
	if (len != size + 4 || memcmp(again + 4, data, size) != 0)
		abort();
	free(again);
	free(argv);
	return 0;
}
