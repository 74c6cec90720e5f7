/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL start-up. Tools (prog run with maps, tests) need DPDK memory but no
 * ports: they start EAL in-memory without PCI, with a unique file prefix so
 * several can run at once and nothing is left in /var/run/dpdk.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <xdpdk/dataplane.h>

#define MAX_EAL_ARGS 32

static int eal_started;
/* The runtime directory, removed once empty (see rmdir_at_exit). */
static char runtime_dir[PATH_MAX];

/*
 * The telemetry socket in the runtime directory is unlinked by DPDK's own
 * exit handler, after rte_eal_cleanup(): registered before rte_eal_init(),
 * this handler runs after DPDK's and removes the then empty directory.
 */
static void
rmdir_at_exit(void)
{
	if (runtime_dir[0] != '\0')
		rmdir(runtime_dir);
}

/* Free 2 MiB hugepages; without any, EAL must run on plain memory (--no-huge). */
static long
free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long n = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

static bool
names_pci(int n, char **args)
{
	for (int i = 0; i < n; i++)
		if (strcmp(args[i], "-a") == 0 || strcmp(args[i], "-b") == 0 ||
		    strncmp(args[i], "--allow", 7) == 0 || strncmp(args[i], "--block", 7) == 0 ||
		    (args[i][0] == '-' && (args[i][1] == 'a' || args[i][1] == 'b') &&
		     args[i][2] != '\0' && args[i][2] != '-'))
			return true;
	return false;
}

/*
 * Start EAL once: @p lcores NULL means one lcore and no vdevs (tools);
 * --no-huge when no hugepage is free or when asked.
 */
static int
eal_init(const char *who, const char *lcores, bool no_huge, int n_extra, char **extra)
{
	char prefix[64], *argv[MAX_EAL_ARGS];
	int argc = 0, rc;

	if (eal_started)
		return 0;
	if (n_extra < 0 || n_extra > MAX_EAL_ARGS - 16)
		return -E2BIG;
	snprintf(prefix, sizeof(prefix), "xdpdk-%d", (int)getpid());
	argv[argc++] = (char *)who;
	/* PCI devices only when the caller names them (-a/--allow, -b/--block) */
	if (!names_pci(n_extra, extra))
		argv[argc++] = "--no-pci";
	if (lcores == NULL) {
		argv[argc++] = "--no-telemetry";
		argv[argc++] = "-l";
		argv[argc++] = "0";
	} else {
		argv[argc++] = "--lcores";
		argv[argc++] = (char *)lcores;
	}
	argv[argc++] = "--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level";
	argv[argc++] = "*:warning";
	if (no_huge || free_hugepages() == 0) {
		/*
		 * Anonymous memory, touched lazily: room for maps of 1M entries.
		 * --no-huge means legacy memory, which refuses --in-memory; no
		 * shared config then keeps other processes out of ours.
		 */
		argv[argc++] = "--no-huge";
		argv[argc++] = "-m";
		argv[argc++] = "2048";
		argv[argc++] = "--no-shconf";
	} else {
		argv[argc++] = "--in-memory";
	}
	for (int i = 0; i < n_extra; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	if (lcores != NULL) {
		static int registered;

		if (!registered && atexit(rmdir_at_exit) == 0)
			registered = 1;
	}
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot start DPDK's EAL: %s\n", who, rte_strerror(rte_errno));
		return -rte_errno;
	}
	eal_started = 1;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

int
xdpdk_eal_init_tool(const char *who, int n_extra, char **extra)
{
	return eal_init(who, NULL, false, n_extra, extra);
}

int
xdpdk_eal_init_dataplane(const char *who, const char *lcores, bool no_huge, int n_extra,
			 char **extra)
{
	return eal_init(who, lcores != NULL ? lcores : "0", no_huge, n_extra, extra);
}

void
xdpdk_eal_cleanup_tool(void)
{
	char dir[PATH_MAX];

	if (!eal_started)
		return;
	/* EAL leaves its (empty) runtime directory behind: one per pid otherwise. */
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	rmdir(dir);
	eal_started = 0;
}
