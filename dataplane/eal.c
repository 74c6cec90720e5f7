/* SPDX-License-Identifier: BSD-3-Clause */
/* PLACEHOLDER until the dataplane issue: nothing here yet. */
int xdpdk_dataplane_placeholder;
