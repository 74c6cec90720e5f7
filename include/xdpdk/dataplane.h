/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The dataplane: EAL and ports, worker lcores, the burst loop, verdicts,
 * redirect targets and the exception path. For now: EAL start-up for tools.
 */
#ifndef XDPDK_DATAPLANE_H
#define XDPDK_DATAPLANE_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Start DPDK's EAL for a tool that needs DPDK memory (maps) but no ports:
 * one lcore, no PCI, in-memory (no files left behind, no hugepages needed),
 * a file prefix unique to the process, DPDK logs at warnings and above.
 * Extra EAL arguments (e.g. "--huge-dir=..."), may be NULL/0.
 * Idempotent: later calls return 0.
 * @return 0, or -errno with a message on stderr naming @p who.
 */
int xdpdk_eal_init_tool(const char *who, int n_extra, char **extra);

/** Stop the EAL started by xdpdk_eal_init_tool(), if any. */
void xdpdk_eal_cleanup_tool(void);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_DATAPLANE_H */
