/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpcap's <pcap/bpf.h> defines a classic-BPF `struct bpf_insn` that clashes
 * with the eBPF one of <linux/bpf.h>. Include pcap through this header first:
 * its struct becomes `struct cbpf_insn` (what pcap_compile() produces).
 */
#ifndef XDPDK_CLI_PCAP_COMPAT_H
#define XDPDK_CLI_PCAP_COMPAT_H

#define bpf_insn cbpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#endif
