/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in dataplane for the control-socket tests: it creates a few maps
 * and serves xdpdk's control verbs on a socket, as `xdpdk run` will, until
 * SIGTERM. usage: ctl_host SOCKET [MODE_OCTAL] — prints "ready" when serving,
 * and the server's counters when it stops. Three trace lines are printed
 * (bpf_trace_printk, as a program would) for the trace verb to serve.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/control.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/map.h>

#include "cli.h"
#include "helpers_internal.h"

static struct xdpdk_map *
mk(const char *name, enum bpf_map_type type, uint32_t key, uint32_t value, uint32_t max)
{
	const struct xdpdk_map_def d = { .name = name, .type = type, .key_size = key,
					 .value_size = value, .max_entries = max, .numa_node = -1 };
	struct xdpdk_map *m = xdpdk_map_create(&d);

	if (m == NULL) {
		perror(name);
		exit(1);
	}
	return m;
}

int
main(int argc, char **argv)
{
	const struct xdpdk_maps_config mc = { .n_workers = 2 };
	struct xdpdk_ctl_server_opts o = { 0 };
	struct xdpdk_ctl_server *s;
	struct xdpdk_map *maps[3];
	struct xdpdk_ctl_stats st;
	sigset_t set;
	int sig, ret;

	if (argc < 2)
		return 2;
	if (argc > 2) {
		o.mode = (unsigned int)strtoul(argv[2], NULL, 8);
		o.allow_other_users = false;
	}
	if (xdpdk_eal_init_tool("ctl_host", 0, NULL) != 0 || xdpdk_maps_configure(&mc) != 0)
		return 1;
	maps[0] = mk("flows", BPF_MAP_TYPE_HASH, 4, 8, 16);
	maps[1] = mk("counters", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4);
	maps[2] = mk("dup", BPF_MAP_TYPE_ARRAY, 4, 4, 1);
	/* two maps of one name: "name dup" must ask for an id */
	struct xdpdk_map *dup2 = mk("dup", BPF_MAP_TYPE_ARRAY, 4, 4, 1);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* the server thread inherits the mask */
	ret = xdpdk_ctl_server_start(argv[1], &o, cli_ctl_handle, NULL, &s);
	if (ret != 0) {
		fprintf(stderr, "ctl_host: %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	for (uint64_t i = 1; i <= 3; i++) {
		static const char fmt[] = "ctl_host line %d of %d\n";

		xdpdk_h_trace_printk((uintptr_t)fmt, sizeof(fmt), i, 3, 0);
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	xdpdk_ctl_server_stats(s, &st);
	xdpdk_ctl_server_stop(s);
	printf("served %lu malformed %lu refused %lu aborted %lu\n", (unsigned long)st.served,
	       (unsigned long)st.malformed, (unsigned long)st.refused, (unsigned long)st.aborted);
	for (int i = 0; i < 3; i++)
		xdpdk_map_put(maps[i]);
	xdpdk_map_put(dup2);
	xdpdk_maps_configure(NULL);
	xdpdk_eal_cleanup_tool();
	return 0;
}
