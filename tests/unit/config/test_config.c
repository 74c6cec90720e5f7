/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The YAML configuration: every example in config/examples validates; a
 * minimal file gets the documented defaults; and each broken file gives its
 * message, naming the file, the line, the column and the field.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xdpdk/config.h>

static int
load_str(const char *yaml, struct xdpdk_config **cfg, char *err, size_t size)
{
	return xdpdk_config_load_mem(yaml, strlen(yaml), "t.yaml", cfg, err, size);
}

static void
test_examples_validate(void **state)
{
	char dir[512], path[1024], err[512];
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/config/examples", getenv("XDPDK_SOURCE_ROOT"));
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct xdpdk_config *cfg;
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (xdpdk_config_load(path, &cfg, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_true(cfg->ports_count >= 1 && cfg->programs_count >= 1);
		xdpdk_config_free(cfg);
		n++;
	}
	closedir(d);
	/* firewall, router, load balancer, TAP exception path, xsk consumer */
	assert_true(n >= 5);
}

static void
test_defaults(void **state)
{
	struct xdpdk_config *cfg;
	char err[512];

	(void)state;
	assert_int_equal(load_str("ports:\n  - name: a\n    device: net_null0\n", &cfg, err,
				  sizeof(err)), 0);
	assert_int_equal(cfg->ports_count, 1);
	assert_int_equal(cfg->ports[0].rx_queues, 1);
	assert_int_equal(cfg->ports[0].tx_queues, 1);
	assert_int_equal(cfg->ports[0].rx_desc, 1024);
	assert_int_equal(cfg->ports[0].tx_desc, 1024);
	assert_int_equal(cfg->ports[0].mtu, 1500);
	assert_int_equal(cfg->ports[0].mbufs, 8191);
	assert_true(cfg->ports[0].promisc);
	assert_false(cfg->ports[0].rss);
	assert_int_equal(cfg->ports[0].exc, XDPDK_CFG_EXC_DROP);
	/* one worker on lcore 1 polling every RX queue */
	assert_int_equal(cfg->workers_count, 1);
	assert_int_equal(cfg->workers[0].lcore, 1);
	assert_int_equal(cfg->workers[0].poll_count, 1);
	assert_string_equal(cfg->workers[0].poll[0].port, "a");
	assert_string_equal(cfg->control.socket, "/run/xdpdk.sock");
	assert_int_equal(cfg->control.mode_bits, 0600);
	assert_int_equal(cfg->log.level_num, 7);	/* RTE_LOG_INFO */
	xdpdk_config_free(cfg);

	/* control.group: its members may use the socket, which is 0660 unless told */
	assert_int_equal(load_str("ports:\n  - name: a\n    device: net_null0\n"
				  "control:\n  group: root\n", &cfg, err, sizeof(err)), 0);
	assert_true(cfg->control.has_group);
	assert_int_equal(cfg->control.gid, 0);
	assert_int_equal(cfg->control.mode_bits, 0660);
	xdpdk_config_free(cfg);

	/* What is given wins; a zero that is written is not a default. */
	assert_int_equal(load_str("ports:\n  - name: a\n    device: d\n    rx_queues: 2\n"
				  "    promisc: false\n    mbufs: 4096\n"
				  "workers:\n  - lcore: 1\n    poll: [{port: a}, {port: a, queue: 1}]\n"
				  "programs:\n  - name: p\n    object: /x.o\n    attach:\n"
				  "      - {port: a, priority: 0, chain_call_actions: [pass, drop]}\n"
				  "routes:\n  - {prefix: 10.0.0.0/8, via: 10.0.0.1, port: a}\n",
				  &cfg, err, sizeof(err)), 0);
	assert_true(cfg->ports[0].rss);		/* more than one RX queue */
	assert_false(cfg->ports[0].promisc);
	assert_int_equal(cfg->ports[0].mbufs, 4096);
	assert_int_equal(cfg->programs[0].attach[0].priority, 0);
	assert_int_equal(cfg->programs[0].attach[0].chain_mask, (1u << 2) | (1u << 1));
	assert_string_equal(cfg->programs[0].object_path, "/x.o");
	assert_int_equal(cfg->routes[0].prefixlen, 8);
	assert_int_equal(cfg->routes[0].table, 254);
	assert_true(cfg->routes[0].has_via);
	assert_false(cfg->programs[0].jit_blinding);
	xdpdk_config_free(cfg);

	assert_int_equal(load_str("ports:\n  - name: a\n    device: d\n"
				  "programs:\n  - name: p\n    object: /x.o\n    jit_blinding: true\n",
				  &cfg, err, sizeof(err)), 0);
	assert_true(cfg->programs[0].jit_blinding);
	xdpdk_config_free(cfg);
}

/* One broken file and the message it must give. */
struct broken {
	const char *yaml;
	const char *msg;	/* the whole message, or a part of it if it starts with '~' */
};

#define PORT_A "ports:\n  - name: a\n    device: d\n"

static const struct broken broken[] = {
	{ "ports:\n  - name: a\n    device: d\n  - name: b\n    device: e\n    rx_queues: two\n",
	  "t.yaml:6:16: ports[1].rx_queues: expected a non-negative integer, got 'two'" },
	{ PORT_A "    bogus: 1\n", "~unknown key 'bogus'" },
	{ "ports:\n  - name: a\n", "~missing required key 'device'" },
	{ "ports: []\n", "~ports" },
	{ "", "t.yaml: empty configuration (at least 'ports' is needed)" },
	{ "ports:\n  - name: a\n    device: [d\n", "~YAML syntax error" },
	{ PORT_A "  - name: a\n    device: e\n",
	  "t.yaml:4:11: ports[1].name: port name 'a' is already used by ports[0]" },
	{ PORT_A "    mtu: 0\n", "t.yaml:4:10: ports[0].mtu: 0 is out of range (68..65535)" },
	{ PORT_A "    promisc: maybe\n", "~expected true or false, got 'maybe'" },
	{ PORT_A "    mbufs: 100\n", "~at least 2560 are needed" },
	{ PORT_A "    exception: port\n    exception_name: a\n",
	  "~a port cannot be its own exception path" },
	{ PORT_A "    exception: port\n    exception_name: z\n",
	  "t.yaml:5:21: ports[0].exception_name: no port named 'z'" },
	{ PORT_A "    exception: kernel\n",
	  "t.yaml:4:16: ports[0].exception: expected one of drop, tap, port, got 'kernel'" },
	{ PORT_A "    exception: tap\n    exception_name: a-very-long-interface\n",
	  "~a name of 1 to 15 characters is needed" },
	{ PORT_A "workers:\n  - lcore: 0\n    poll: [{port: a}]\n",
	  "~lcore 0: workers take lcores 1..127 (lcore 0 runs the control plane)" },
	{ PORT_A "workers:\n  - lcore: 1\n    poll: [{port: b}]\n",
	  "t.yaml:6:19: workers[0].poll[0].port: no port named 'b'" },
	{ PORT_A "workers:\n  - lcore: 1\n    poll: [{port: a, queue: 1}]\n",
	  "~port 'a' has 1 RX queue(s), no queue 1" },
	{ PORT_A "workers:\n  - lcore: 1\n    poll: [{port: a}]\n  - lcore: 2\n"
		 "    poll: [{port: a}]\n",
	  "~queue 0 of port 'a' is already polled by workers[0]" },
	{ PORT_A "workers:\n  - lcore: 1\n    poll: [{port: a}]\n  - lcore: 1\n"
		 "    poll: [{port: a}]\n",
	  "~lcore 1 is already workers[0]'s" },
	{ PORT_A "    rx_queues: 2\nworkers:\n  - lcore: 1\n    poll: [{port: a}]\n",
	  "~RX queue 1 of port 'a' is polled by no worker" },
	{ PORT_A "workers: []\n", "~at least one worker is needed" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n    attach: [{port: b}]\n",
	  "t.yaml:7:21: programs[0].attach[0].port: no port named 'b'" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n    attach: [{hook: devmap_entry}]\n",
	  "~devmap_entry: the map whose entry runs the program ('map', 'key') is needed" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n    attach: [{hook: egress}]\n",
	  "~expected one of xdp, tc_ingress, tc_egress, devmap_entry, cpumap_entry, got "
	  "'egress'" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n"
		 "    attach: [{port: a, chain_call_actions: [accept]}]\n",
	  "~attach[0].chain_call_actions[0]: expected one of aborted, drop, pass, tx, "
	  "redirect, got 'accept'" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n"
		 "    attach: [{port: a, hook: tc_ingress, chain_call_actions: [pass]}]\n",
	  "~expected one of unspec, ok, reclassify, shot" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n    engine: llvm\n",
	  "~programs[0].engine: expected one of jit, interp, got 'llvm'" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n    engine: interp\n"
		 "    jit_blinding: true\n",
	  "~programs[0].jit_blinding: blinding is for JIT images: not with engine: interp" },
	{ PORT_A "programs:\n  - name: p\n    object: x.o\n  - name: p\n    object: y.o\n",
	  "~program name 'p' is already used by programs[0]" },
	{ PORT_A "maps:\n  - name: m\n    program: q\n", "~maps[0].program: no program named 'q'" },
	{ PORT_A "maps:\n  - name: m\n    entries: [{key: 0a0, value: '01'}]\n",
	  "~maps[0].entries[0].key: expected hex bytes" },
	{ PORT_A "maps:\n  - name: m\n    entries: [{key: '0a', value: 'zz'}]\n",
	  "~maps[0].entries[0].value: expected hex bytes" },
	{ PORT_A "maps:\n  - name: m\n    flags: replace\n",
	  "~expected one of any, noexist, exist, got 'replace'" },
	{ PORT_A "maps:\n  - name: m\n    file: /nonexistent/entries\n",
	  "~/nonexistent/entries: No such file or directory" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.0, port: a}\n", "~expected ADDRESS/LENGTH" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.1/8, port: a}\n",
	  "~'10.0.0.1/8' has host bits set past /8" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.0/33, port: a}\n", "~prefix length '33' is not 0..32" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.0/8, via: '::1', port: a}\n",
	  "~gateway '::1' is not of the prefix's family" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.0/8, type: blackhole, port: a}\n",
	  "~a blackhole route has no gateway or port" },
	{ PORT_A "routes:\n  - {prefix: 10.0.0.0/8}\n", "~routes[0].port: a port is needed here" },
	{ PORT_A "neighbours:\n  - {ip: 10.0.0.1, mac: '02:00:00:00:00', port: a}\n",
	  "~expected a MAC address like 02:00:00:00:00:01" },
	{ PORT_A "control:\n  mode: '0999'\n",
	  "t.yaml:5:9: control.mode: expected octal permissions such as '0600', got '0999'" },
	{ PORT_A "log:\n  level: verbose\n", "~log.level: expected one of emerg, alert" },
	{ PORT_A "control:\n  group: no-such-group-xdpdk\n",
	  "~control.group: no group named 'no-such-group-xdpdk'" },
};

static void
test_broken(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		struct xdpdk_config *cfg = (void *)1;
		char err[512] = "";
		int ret = load_str(b->yaml, &cfg, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("case %zu: expected -EINVAL, got %d (%s)", i, ret, err);
		assert_null(cfg);
		if (b->msg[0] == '~' ? strstr(err, b->msg + 1) == NULL : strcmp(err, b->msg) != 0)
			fail_msg("case %zu:\n  got:    %s\n  wanted: %s", i, err, b->msg);
	}
}

static void
test_locate(void **state)
{
	const char *y = "a:\n  b:\n    - x: 1\n    - x: 2\n      y: [3, 4]\n";
	unsigned int line, col;

	(void)state;
	assert_int_equal(xdpdk_config_locate(y, strlen(y), "a.b[1].y[1]", &line, &col), 0);
	assert_int_equal(line, 5);
	assert_int_equal(col, 14);
	assert_int_equal(xdpdk_config_locate(y, strlen(y), "a.b[0].x", &line, &col), 0);
	assert_int_equal(line, 3);
	/* missing: the nearest parent */
	assert_int_equal(xdpdk_config_locate(y, strlen(y), "a.b[1].z", &line, &col), -ENOENT);
	assert_int_equal(line, 4);
}

static void
test_missing_file(void **state)
{
	struct xdpdk_config *cfg;
	char err[256];

	(void)state;
	assert_int_equal(xdpdk_config_load("/nonexistent.yaml", &cfg, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent.yaml: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_validate),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
