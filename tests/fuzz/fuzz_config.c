/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration parser: any bytes as a YAML
 * configuration. Loading must either succeed or fail with a message, never
 * crash, leak or read out of bounds; a loaded configuration must satisfy
 * what validation promises (every poll names an existing port and queue).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/config.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpdk_config *cfg;
	char err[1024];
	int ret = xdpdk_config_load_mem((const char *)data, size, "fuzz.yaml", &cfg, err,
					sizeof(err));

	if (ret != 0) {
		if (cfg != NULL || err[0] == '\0')
			abort();	/* a failure must say why and return nothing */
		return 0;
	}
	for (unsigned int w = 0; w < cfg->workers_count; w++)
		for (unsigned int p = 0; p < cfg->workers[w].poll_count; p++) {
			const struct xdpdk_cfg_poll *poll = &cfg->workers[w].poll[p];

			if (poll->port_idx >= cfg->ports_count ||
			    poll->queue >= cfg->ports[poll->port_idx].rx_queues)
				abort();
		}
	xdpdk_config_free(cfg);
	return 0;
}
