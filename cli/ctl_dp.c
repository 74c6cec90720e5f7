/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane verbs a running `xdpdk run -c FILE` serves on its control
 * socket, beside the map verbs (ctl_map.c):
 *
 *   prog show [--json]                     what runs on each port's XDP hook
 *   prog attach OBJ --port P [--prog NAME] [--engine jit|interp]
 *   prog replace OBJ --port P [--prog NAME] [--engine jit|interp]
 *   prog detach --port P
 *   port show [--json]
 *   stats [--json | --raw]                 per-port counters
 *   route show [--json]
 *   route add PREFIX {via GW dev P | dev P | blackhole | unreachable | prohibit}
 *             [table N] [metric N]
 *   route del PREFIX [table N]
 *
 * Attach and replace load the object with the dataplane's pinned maps (so a
 * new version of a program keeps the state of the maps it pins by name),
 * verify it, and swap it in with one atomic store: workers read a port's
 * program once per burst, and the old one is freed only after an RCU grace
 * period, so no packet sees a half state and none is lost. Requests are
 * served one at a time by the control server's thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include <xdpdk/control.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>

#include "cli.h"

static const char *const action_names[XDPDK_DP_N_ACTIONS] = {
	"aborted", "drop", "pass", "tx", "redirect", "invalid",
};

/* ---- the daemon's programs ---------------------------------------------- */

int
cli_daemon_adopt(struct cli_daemon *d, struct xdpdk_loaded *lo, struct xdpdk_prog *prog,
		 const char *obj, bool config)
{
	for (int i = 0; i < CLI_MAX_LOADED; i++) {
		struct cli_loaded *l = &d->loaded[i];

		if (l->lo != NULL)
			continue;
		*l = (struct cli_loaded){ .lo = lo, .prog = prog, .refs = config ? 1 : 0,
					  .config = config };
		snprintf(l->obj, sizeof(l->obj), "%s", obj);
		return i;
	}
	return -ENOSPC;
}

/* "drop,pass" → (1 << XDP_DROP) | (1 << XDP_PASS); 0 with *ok false on a bad name. */
uint32_t
cli_xdp_actions(const char *list, bool *ok)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	char buf[128], *save = NULL;
	uint32_t bits = 0;

	*ok = true;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		size_t k = 0;

		while (k < 5 && strcasecmp(t, names[k]) != 0 &&
		       !(strncasecmp(t, "XDP_", 4) == 0 && strcasecmp(t + 4, names[k]) == 0))
			k++;
		if (k == 5) {
			*ok = false;
			return 0;
		}
		bits |= 1u << k;
	}
	return bits;
}

static void
print_actions(FILE *out, uint32_t bits, const char *sep)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	bool first = true;

	for (int k = 0; k < 5; k++)
		if (bits & (1u << k)) {
			fprintf(out, "%s%s", first ? "" : sep, names[k]);
			first = false;
		}
}

/* Free loaded[@p slot] and its object: the slot is free again. */
static void
loaded_drop(struct cli_daemon *d, uint32_t slot)
{
	xdpdk_loaded_free(d->loaded[slot].lo);
	memset(&d->loaded[slot], 0, sizeof(d->loaded[slot]));
}

static void
loaded_unref(struct cli_daemon *d, uint32_t slot)
{
	if (--d->loaded[slot].refs == 0)
		loaded_drop(d, slot);
}

int
cli_daemon_set_hooks(struct cli_daemon *d, const uint32_t *ifindex, const struct cli_hook *h,
		     uint32_t n)
{
	static struct xdpdk_dp_chain_prog progs[1024][XDPDK_DP_MAX_CHAIN];
	static struct xdpdk_dp_port_chain sets[1024];
	static struct cli_hook old[1024];
	int ret;

	if (n > 1024)
		return -E2BIG;
	for (uint32_t k = 0; k < n; k++) {
		if (ifindex[k] == 0 || ifindex[k] > d->n_ports)
			return -ENODEV;
		if (h[k].n > XDPDK_DP_MAX_CHAIN)
			return -E2BIG;
		for (uint32_t i = 0; i < h[k].n; i++)
			progs[k][i] = (struct xdpdk_dp_chain_prog){
				.prog = d->loaded[h[k].p[i].loaded].prog,
				.chain_call_actions = h[k].p[i].actions };
		sets[k] = (struct xdpdk_dp_port_chain){ .ifindex = ifindex[k], .progs = progs[k],
							.n = h[k].n };
	}
	ret = xdpdk_dp_set_chains(sets, n);
	if (ret != 0)
		return ret;
	/* it returned after a grace period: no worker runs the old chains now */
	for (uint32_t k = 0; k < n; k++) {
		old[k] = d->hook[ifindex[k]];
		d->hook[ifindex[k]] = h[k];
		for (uint32_t i = 0; i < h[k].n; i++)
			d->loaded[h[k].p[i].loaded].refs++;
	}
	for (uint32_t k = 0; k < n; k++)
		for (uint32_t i = 0; i < old[k].n; i++)
			loaded_unref(d, old[k].p[i].loaded);
	return 0;
}

int
cli_daemon_set_hook(struct cli_daemon *d, uint32_t ifindex, const struct cli_hook *h)
{
	return cli_daemon_set_hooks(d, &ifindex, h, 1);
}

int
cli_daemon_set_tc(struct cli_daemon *d, uint32_t ifindex, int hook, int loaded)
{
	int ret;

	if (ifindex == 0 || ifindex > d->n_ports)
		return -ENODEV;
	ret = xdpdk_dp_port_set_tc(ifindex, (enum xdpdk_tc_hook)hook,
				   loaded >= 0 ? d->loaded[loaded].prog : NULL);
	if (ret != 0)
		return ret;
	if (loaded >= 0)
		d->loaded[loaded].refs++;
	if (d->tc[ifindex][hook] != 0)
		loaded_unref(d, d->tc[ifindex][hook] - 1u);
	d->tc[ifindex][hook] = (uint8_t)(loaded + 1);
	return 0;
}

/* @p h with @p p inserted in run order: by priority, after those of the same. */
void
cli_hook_insert(struct cli_hook *h, const struct cli_hook_prog *p)
{
	uint32_t at = h->n;

	while (at > 0 && h->p[at - 1].priority > p->priority) {
		h->p[at] = h->p[at - 1];
		at--;
	}
	h->p[at] = *p;
	h->n++;
}

void
cli_daemon_fini(struct cli_daemon *d)
{
	static const struct cli_hook none;

	for (uint32_t i = 1; i <= d->n_ports; i++) {
		if (d->hook[i].n != 0)
			cli_daemon_set_hook(d, i, &none);
		for (int h = 0; h < 2; h++)
			if (d->tc[i][h] != 0)
				cli_daemon_set_tc(d, i, h, -1);
	}
	for (uint32_t i = 0; i < d->n_handles; i++)
		xdpdk_dp_prog_unregister(d->handles[i]);
	d->n_handles = 0;
	for (int i = 0; i < CLI_MAX_LOADED; i++)
		if (d->loaded[i].lo != NULL)
			xdpdk_loaded_free(d->loaded[i].lo);
	memset(d->loaded, 0, sizeof(d->loaded));
	xdpdk_fib_set_current(NULL);
	xdpdk_fib_free(d->fib);
	d->fib = NULL;
}

/* ---- arguments ------------------------------------------------------------ */

uint32_t
cli_daemon_port(const struct cli_daemon *d, const char *s, FILE *err)
{
	char *end;
	unsigned long n;

	if (s == NULL) {
		fprintf(err, "Error: which port? (--port NAME|IFINDEX)\n");
		return 0;
	}
	for (uint32_t i = 0; i < d->n_ports; i++)
		if (strcmp(d->cfg->ports[i].name, s) == 0)
			return i + 1;
	n = strtoul(s, &end, 10);
	if (*end == '\0' && n >= 1 && n <= d->n_ports)
		return (uint32_t)n;
	fprintf(err, "Error: no port '%s' (ports:", s);
	for (uint32_t i = 0; i < d->n_ports; i++)
		fprintf(err, " %s", d->cfg->ports[i].name);
	fprintf(err, ")\n");
	return 0;
}

const char *
cli_daemon_port_name(const struct cli_daemon *d, uint32_t ifindex)
{
	return ifindex >= 1 && ifindex <= d->n_ports ? d->cfg->ports[ifindex - 1].name : "?";
}

bool
cli_daemon_stopping(const struct cli_daemon *d)
{
	return d->stop != NULL && *d->stop != 0;
}

/* ---- prog ----------------------------------------------------------------- */

static const char *
engine_name(const struct xdpdk_prog *p)
{
	return xdpdk_prog_engine(p) == XDPDK_ENGINE_JIT ? "jit" : "interp";
}

/* ,"name":..,"object":..,"insns":N,"engine":..,"from_config":B of one loaded program */
static void
json_prog(FILE *out, const struct cli_loaded *l, uint32_t n_insns)
{
	fprintf(out, ",\"name\":");
	cli_json_str(out, xdpdk_prog_name(l->prog));
	fprintf(out, ",\"object\":");
	cli_json_str(out, l->obj);
	fprintf(out, ",\"insns\":%u,\"engine\":\"%s\",\"from_config\":%s", n_insns,
		engine_name(l->prog), l->config ? "true" : "false");
}

static int
prog_show(struct cli_daemon *d, bool json, FILE *out)
{
	bool first = true;

	if (json)
		fputc('[', out);
	for (uint32_t i = 1; i <= d->n_ports; i++) {
		const struct cli_hook *h = &d->hook[i];
		struct xdpdk_dp_stats st;

		if (xdpdk_dp_port_stats(i, &st) != 0)
			memset(&st, 0, sizeof(st));
		for (uint32_t k = 0; k < h->n; k++) {
			const struct cli_loaded *l = &d->loaded[h->p[k].loaded];
			const bool last = k + 1 == h->n;
			uint32_t n_insns;

			xdpdk_prog_insns(l->prog, &n_insns);
			if (json) {
				fprintf(out, "%s{\"port\":", first ? "" : ",");
				cli_json_str(out, cli_daemon_port_name(d, i));
				fprintf(out, ",\"ifindex\":%u,\"hook\":\"xdp\",\"position\":%u,"
					"\"priority\":%u,\"chain_call_actions\":[", i, k,
					h->p[k].priority);
				if (!last) {
					fputc('"', out);
					print_actions(out, h->p[k].actions, "\",\"");
					fputc('"', out);
				}
				fputc(']', out);
				json_prog(out, l, n_insns);
				/* the hook's counters: what entered the chain */
				if (k == 0)
					fprintf(out, ",\"run_cnt\":%" PRIu64 ",\"cycles_per_pkt\":%.1f",
						st.prog_runs, st.prog_timed ? (double)st.prog_cycles /
						(double)st.prog_timed : 0.0);
				fputc('}', out);
			} else {
				fprintf(out, "%u: port %s  xdp", i, cli_daemon_port_name(d, i));
				if (h->n > 1) {
					fprintf(out, " %u/%u  priority %u", k + 1, h->n, h->p[k].priority);
					if (!last) {
						fputs("  chain ", out);
						print_actions(out, h->p[k].actions, ",");
					}
				}
				fprintf(out, "  name %s  insns %u  engine %s", xdpdk_prog_name(l->prog),
					n_insns, engine_name(l->prog));
				if (k == 0) {
					fprintf(out, "  run_cnt %" PRIu64, st.prog_runs);
					if (st.prog_timed)
						fprintf(out, "  cycles/pkt %.1f",
							(double)st.prog_cycles / (double)st.prog_timed);
				}
				fprintf(out, "\n\tobject %s%s\n", l->obj,
					l->config ? " (configuration)" : "");
			}
			first = false;
		}
		for (int hook = 0; hook < 2; hook++) {
			const char *hn = hook == XDPDK_TC_INGRESS ? "tc_ingress" : "tc_egress";
			const struct cli_loaded *l;
			uint32_t n_insns;

			if (d->tc[i][hook] == 0)
				continue;
			l = &d->loaded[d->tc[i][hook] - 1];
			xdpdk_prog_insns(l->prog, &n_insns);
			if (json) {
				fprintf(out, "%s{\"port\":", first ? "" : ",");
				cli_json_str(out, cli_daemon_port_name(d, i));
				fprintf(out, ",\"ifindex\":%u,\"hook\":\"%s\"", i, hn);
				json_prog(out, l, n_insns);
				fprintf(out, ",\"run_cnt\":%" PRIu64 "}", st.tc_runs);
			} else {
				fprintf(out, "%u: port %s  %s  name %s  insns %u  engine %s  "
					"run_cnt %" PRIu64 "\n\tobject %s%s\n", i,
					cli_daemon_port_name(d, i), hn, xdpdk_prog_name(l->prog),
					n_insns, engine_name(l->prog), st.tc_runs, l->obj,
					l->config ? " (configuration)" : "");
			}
			first = false;
		}
	}
	if (json)
		fputs("]\n", out);
	return CLI_OK;
}

/* Load @p obj_path's program for the XDP hook; the loaded slot's index or -1. */
static int
prog_load(struct cli_daemon *d, const char *obj_path, const char *name, const char *engine,
	  enum xdpdk_prog_type type, FILE *err)
{
	char log[8192] = "";
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_load_opts lo = {
		.engine = engine != NULL && strcmp(engine, "interp") == 0 ? XDPDK_ENGINE_INTERP :
										XDPDK_ENGINE_JIT,
		.helpers = xdpdk_helpers_resolve, .pins = d->pins, .only_prog = name,
		.log_buf = log, .log_size = sizeof(log),
	};
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *loaded;
	struct xdpdk_prog *prog = NULL;
	int slot;

	if (engine != NULL && strcmp(engine, "jit") != 0 && strcmp(engine, "interp") != 0) {
		fprintf(err, "Error: engine '%s': expected jit or interp\n", engine);
		return -1;
	}
	obj = xdpdk_obj_open(obj_path, &oo);
	if (obj == NULL) {
		fprintf(err, "Error: cannot open %s: %s", obj_path, log);
		return -1;
	}
	loaded = xdpdk_obj_load(obj, &lo);
	xdpdk_obj_close(obj);
	if (loaded == NULL) {
		fprintf(err, "Error: cannot load %s: %s%s", obj_path, log,
			log[0] != '\0' && log[strlen(log) - 1] == '\n' ? "" : "\n");
		return -1;
	}
	for (uint32_t i = 0; prog == NULL && i < xdpdk_loaded_prog_count(loaded); i++) {
		struct xdpdk_prog *p = xdpdk_loaded_prog_at(loaded, i);

		if (p != NULL && (name != NULL ? strcmp(xdpdk_prog_name(p), name) == 0 :
						 xdpdk_prog_type(p) == type))
			prog = p;
	}
	if (prog == NULL || xdpdk_prog_type(prog) != type) {
		fprintf(err, "Error: %s has no %s program%s%s\n", obj_path,
			type == XDPDK_PROG_TYPE_TC ? "TC" : "XDP", name != NULL ? " named " : "",
			name != NULL ? name : "");
		xdpdk_loaded_free(loaded);
		return -1;
	}
	slot = cli_daemon_adopt(d, loaded, prog, obj_path, false);
	if (slot < 0) {
		fprintf(err, "Error: too many loaded objects (%d)\n", CLI_MAX_LOADED);
		xdpdk_loaded_free(loaded);
	}
	return slot;
}

/* The position of the program named @p name on @p h, or -1. */
static int
hook_find(const struct cli_daemon *d, const struct cli_hook *h, const char *name)
{
	for (uint32_t k = 0; k < h->n; k++)
		if (strcmp(xdpdk_prog_name(d->loaded[h->p[k].loaded].prog), name) == 0)
			return (int)k;
	return -1;
}

static void
hook_remove(struct cli_hook *h, uint32_t k)
{
	memmove(&h->p[k], &h->p[k + 1], (h->n - k - 1) * sizeof(h->p[0]));
	h->n--;
}

/* --hook: -1 xdp (the default), else enum xdpdk_tc_hook; -2 with a message when unknown. */
static int
hook_arg(int argc, char **argv, FILE *err)
{
	const char *h = cli_opt_val(argc, argv, "--hook");

	if (h == NULL || strcmp(h, "xdp") == 0)
		return -1;
	if (strcmp(h, "tc_ingress") == 0)
		return XDPDK_TC_INGRESS;
	if (strcmp(h, "tc_egress") == 0)
		return XDPDK_TC_EGRESS;
	fprintf(err, "Error: --hook '%s': expected xdp, tc_ingress or tc_egress\n", h);
	return -2;
}

/* attach/replace/detach on a TC hook: one program, replaced at once. */
static int
tc_attach(struct cli_daemon *d, int argc, char **argv, int hook, FILE *out, FILE *err)
{
	const uint32_t ifindex = cli_daemon_port(d, cli_opt_val(argc, argv, "--port"), err);
	const char *hn = hook == XDPDK_TC_INGRESS ? "tc_ingress" : "tc_egress";
	const bool detach = strcmp(argv[0], "detach") == 0, replace = strcmp(argv[0], "replace") == 0;
	int slot = -1, ret;

	if (ifindex == 0)
		return CLI_FAIL;
	if ((detach || replace) && d->tc[ifindex][hook] == 0) {
		fprintf(err, "Error: port %s runs no %s program%s\n", cli_daemon_port_name(d, ifindex),
			hn, replace ? "; use 'prog attach'" : "");
		return CLI_FAIL;
	}
	if (!detach && !replace && d->tc[ifindex][hook] != 0) {
		fprintf(err, "Error: port %s already runs %s at %s (one program a TC hook); use "
			"'prog replace'\n", cli_daemon_port_name(d, ifindex),
			xdpdk_prog_name(d->loaded[d->tc[ifindex][hook] - 1].prog), hn);
		return CLI_FAIL;
	}
	if (!detach) {
		if (argc < 2 || argv[1][0] == '-') {
			fprintf(err, "Error: which object? (prog %s OBJ --port P --hook %s)\n", argv[0],
				hn);
			return CLI_USAGE;
		}
		slot = prog_load(d, argv[1], cli_opt_val(argc, argv, "--prog"),
				 cli_opt_val(argc, argv, "--engine"), XDPDK_PROG_TYPE_TC, err);
		if (slot < 0)
			return CLI_FAIL;
	}
	ret = cli_daemon_set_tc(d, ifindex, hook, slot);
	if (ret != 0) {
		fprintf(err, "Error: port %s, %s: %s\n", cli_daemon_port_name(d, ifindex), hn,
			strerror(-ret));
		if (slot >= 0)
			loaded_drop(d, (uint32_t)slot);
		return CLI_FAIL;
	}
	if (detach)
		fprintf(out, "port %s: no %s program\n", cli_daemon_port_name(d, ifindex), hn);
	else
		fprintf(out, "port %s: %s %s at %s\n", cli_daemon_port_name(d, ifindex),
			replace ? "replaced by" : "runs", xdpdk_prog_name(d->loaded[slot].prog), hn);
	return CLI_OK;
}

/*
 * attach: add a program to the port's chain (at its priority); replace: swap
 * the program of the same name (or the only one) for the new one, keeping
 * its place unless --priority or --chain-call-actions say otherwise.
 */
static int
prog_attach(struct cli_daemon *d, int argc, char **argv, bool replace, FILE *out, FILE *err)
{
	const uint32_t ifindex = cli_daemon_port(d, cli_opt_val(argc, argv, "--port"), err);
	const char *prio = cli_opt_val(argc, argv, "--priority");
	const char *acts = cli_opt_val(argc, argv, "--chain-call-actions");
	struct cli_hook h;
	struct cli_hook_prog np = { .priority = 50, .actions = 1u << XDP_PASS };
	int slot, ret, at = -1;
	bool ok = true;
	char *end = NULL;

	if (ifindex == 0)
		return CLI_FAIL;
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(err, "Error: which object? (prog %s OBJ --port P)\n", argv[0]);
		return CLI_USAGE;
	}
	h = d->hook[ifindex];
	if (prio != NULL && (strtoul(prio, &end, 10) > 1000 || *end != '\0' || prio[0] == '\0')) {
		fprintf(err, "Error: --priority '%s': expected 0..1000\n", prio);
		return CLI_USAGE;
	}
	if (acts != NULL && ((np.actions = cli_xdp_actions(acts, &ok)) == 0 || !ok)) {
		fprintf(err, "Error: --chain-call-actions '%s': expected a list of aborted, drop, "
			"pass, tx, redirect\n", acts);
		return CLI_USAGE;
	}
	if (!replace && h.n == XDPDK_DP_MAX_CHAIN) {
		fprintf(err, "Error: port %s already runs %d programs\n",
			cli_daemon_port_name(d, ifindex), XDPDK_DP_MAX_CHAIN);
		return CLI_FAIL;
	}
	if (replace && h.n == 0) {
		fprintf(err, "Error: port %s runs no program; use 'prog attach'\n",
			cli_daemon_port_name(d, ifindex));
		return CLI_FAIL;
	}
	slot = prog_load(d, argv[1], cli_opt_val(argc, argv, "--prog"),
			 cli_opt_val(argc, argv, "--engine"), XDPDK_PROG_TYPE_XDP, err);
	if (slot < 0)
		return CLI_FAIL;
	np.loaded = (uint8_t)slot;
	if (replace) {
		at = hook_find(d, &h, xdpdk_prog_name(d->loaded[slot].prog));
		if (at < 0 && h.n == 1)
			at = 0;
		if (at < 0) {
			fprintf(err, "Error: port %s runs %u programs and none is named %s; use "
				"'prog attach' and 'prog detach --prog NAME'\n",
				cli_daemon_port_name(d, ifindex), h.n,
				xdpdk_prog_name(d->loaded[slot].prog));
			loaded_drop(d, (uint32_t)slot);
			return CLI_FAIL;
		}
		if (prio == NULL)
			np.priority = h.p[at].priority;
		if (acts == NULL)
			np.actions = h.p[at].actions;
		hook_remove(&h, (uint32_t)at);
	} else if (prio != NULL) {
		np.priority = (uint32_t)strtoul(prio, NULL, 10);
	}
	if (replace && prio != NULL)
		np.priority = (uint32_t)strtoul(prio, NULL, 10);
	cli_hook_insert(&h, &np);
	ret = cli_daemon_set_hook(d, ifindex, &h);
	if (ret != 0) {
		fprintf(err, "Error: cannot attach to port %s: %s\n",
			cli_daemon_port_name(d, ifindex), strerror(-ret));
		loaded_drop(d, (uint32_t)slot);
		return CLI_FAIL;
	}
	fprintf(out, "port %s: %s %s", cli_daemon_port_name(d, ifindex),
		replace ? "replaced by" : "runs", xdpdk_prog_name(d->loaded[slot].prog));
	if (h.n > 1)
		fprintf(out, " (%u programs)", h.n);
	fputc('\n', out);
	return CLI_OK;
}

/*
 * replace --all-ports: the program of the same name (or the only one) on
 * every port that runs it, from one load of the object, in one step.
 */
static int
prog_replace_all(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	static struct cli_hook hooks[1024];
	static uint32_t ifx[1024];
	const char *name;
	uint32_t n = 0;
	int slot, ret;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(err, "Error: which object? (prog replace OBJ --all-ports)\n");
		return CLI_USAGE;
	}
	slot = prog_load(d, argv[1], cli_opt_val(argc, argv, "--prog"),
			 cli_opt_val(argc, argv, "--engine"), XDPDK_PROG_TYPE_XDP, err);
	if (slot < 0)
		return CLI_FAIL;
	name = xdpdk_prog_name(d->loaded[slot].prog);
	for (uint32_t i = 1; i <= d->n_ports && n < 1024; i++) {
		struct cli_hook h = d->hook[i];
		struct cli_hook_prog np;
		const int at = hook_find(d, &h, name);

		if (at < 0)
			continue;
		np = h.p[at];
		np.loaded = (uint8_t)slot;
		hook_remove(&h, (uint32_t)at);
		cli_hook_insert(&h, &np);
		hooks[n] = h;
		ifx[n++] = i;
	}
	ret = n == 0 ? -ENOENT : cli_daemon_set_hooks(d, ifx, hooks, n);
	if (ret != 0) {
		fprintf(err, "Error: %s\n", ret == -ENOENT ? "no port runs a program of that name" :
			strerror(-ret));
		loaded_drop(d, (uint32_t)slot);
		return CLI_FAIL;
	}
	fprintf(out, "replaced by %s on %u port(s):", name, n);
	for (uint32_t k = 0; k < n; k++)
		fprintf(out, " %s", cli_daemon_port_name(d, ifx[k]));
	fputc('\n', out);
	return CLI_OK;
}

static int
prog_detach(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	const uint32_t ifindex = cli_daemon_port(d, cli_opt_val(argc, argv, "--port"), err);
	const char *name = cli_opt_val(argc, argv, "--prog");
	struct cli_hook h = { 0 };
	int ret, at;

	if (ifindex == 0)
		return CLI_FAIL;
	if (d->hook[ifindex].n == 0) {
		fprintf(err, "Error: port %s runs no program\n", cli_daemon_port_name(d, ifindex));
		return CLI_FAIL;
	}
	if (name != NULL) {
		h = d->hook[ifindex];
		at = hook_find(d, &h, name);
		if (at < 0) {
			fprintf(err, "Error: port %s runs no program named %s\n",
				cli_daemon_port_name(d, ifindex), name);
			return CLI_FAIL;
		}
		hook_remove(&h, (uint32_t)at);
	}
	ret = cli_daemon_set_hook(d, ifindex, &h);
	if (ret != 0) {
		fprintf(err, "Error: cannot detach: %s\n", strerror(-ret));
		return CLI_FAIL;
	}
	if (h.n == 0)
		fprintf(out, "port %s: no program (XDP_PASS path)\n", cli_daemon_port_name(d, ifindex));
	else
		fprintf(out, "port %s: %s detached, %u program(s) left\n",
			cli_daemon_port_name(d, ifindex), name, h.n);
	return CLI_OK;
}

static int
ctl_prog(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	if (argc < 1) {
		fprintf(err, "Error: prog: expected show, attach, replace or detach\n");
		return CLI_USAGE;
	}
	if (strcmp(argv[0], "show") == 0)
		return prog_show(d, cli_opt_flag(argc, argv, "--json"), out);
	if (strcmp(argv[0], "attach") == 0 || strcmp(argv[0], "replace") == 0 ||
	    strcmp(argv[0], "detach") == 0) {
		const int hook = hook_arg(argc, argv, err);

		if (hook == -2)
			return CLI_USAGE;
		if (hook >= 0)
			return tc_attach(d, argc, argv, hook, out, err);
	}
	if (strcmp(argv[0], "replace") == 0 && cli_opt_flag(argc, argv, "--all-ports"))
		return prog_replace_all(d, argc, argv, out, err);
	if (strcmp(argv[0], "attach") == 0 || strcmp(argv[0], "replace") == 0)
		return prog_attach(d, argc, argv, strcmp(argv[0], "replace") == 0, out, err);
	if (strcmp(argv[0], "detach") == 0)
		return prog_detach(d, argc, argv, out, err);
	fprintf(err, "Error: prog: unknown verb '%s' (show, attach, replace, detach)\n", argv[0]);
	return CLI_USAGE;
}

/* ---- port and stats ------------------------------------------------------- */

static int
ctl_port(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	bool json = cli_opt_flag(argc, argv, "--json");

	if (argc < 1 || strcmp(argv[0], "show") != 0) {
		fprintf(err, "Error: port: expected show\n");
		return CLI_USAGE;
	}
	if (json)
		fputc('[', out);
	for (uint32_t i = 1; i <= d->n_ports; i++) {
		const int pid = xdpdk_dp_port_id(i);
		struct rte_eth_dev_info info = { 0 };
		struct rte_eth_link link = { 0 };
		struct rte_ether_addr mac = { 0 };
		char macs[RTE_ETHER_ADDR_FMT_SIZE];
		uint16_t mtu = 0;
		const char *prog = d->hook[i].n ? xdpdk_prog_name(d->loaded[d->hook[i].p[0].loaded].prog) :
						  NULL;

		if (pid >= 0) {
			rte_eth_dev_info_get((uint16_t)pid, &info);
			rte_eth_link_get_nowait((uint16_t)pid, &link);
			rte_eth_macaddr_get((uint16_t)pid, &mac);
			rte_eth_dev_get_mtu((uint16_t)pid, &mtu);
		}
		rte_ether_format_addr(macs, sizeof(macs), &mac);
		if (json) {
			fprintf(out, "%s{\"ifindex\":%u,\"name\":", i > 1 ? "," : "", i);
			cli_json_str(out, cli_daemon_port_name(d, i));
			fprintf(out, ",\"device\":");
			cli_json_str(out, d->cfg->ports[i - 1].device);
			fprintf(out, ",\"dpdk_port\":%d,\"driver\":", pid);
			cli_json_str(out, info.driver_name ? info.driver_name : "");
			fprintf(out, ",\"mac\":\"%s\",\"mtu\":%u,\"link\":%s,\"speed_mbps\":%u,"
				"\"rx_queues\":%u,\"tx_queues\":%u,\"exception\":%u,",
				macs, mtu, link.link_status ? "true" : "false", link.link_speed,
				info.nb_rx_queues, info.nb_tx_queues, xdpdk_dp_port_exception(i));
			/* the pool's use: a long run samples it for leaks */
			if (xdpdk_dp_port_pool(i) != NULL)
				fprintf(out, "\"mbufs\":%u,\"mbufs_in_use\":%u,",
					xdpdk_dp_port_pool(i)->size,
					rte_mempool_in_use_count(xdpdk_dp_port_pool(i)));
			fputs("\"xdp\":", out);
			if (prog != NULL)
				cli_json_str(out, prog);
			else
				fputs("null", out);
			fputc('}', out);
		} else {
			fprintf(out, "%u: %s  dpdk port %d  driver %s  mac %s  mtu %u  link %s",
				i, cli_daemon_port_name(d, i), pid, info.driver_name ? info.driver_name : "?",
				macs, mtu, link.link_status ? "up" : "down");
			if (link.link_status && link.link_speed)
				fprintf(out, " %u Mb/s", link.link_speed);
			fprintf(out, "\n\tdevice %s  rxq %u  txq %u  xdp %s",
				d->cfg->ports[i - 1].device, info.nb_rx_queues, info.nb_tx_queues,
				prog != NULL ? prog : "(none)");
			if (xdpdk_dp_port_exception(i))
				fprintf(out, "  exception port %s",
					cli_daemon_port_name(d, xdpdk_dp_port_exception(i)));
			fputc('\n', out);
		}
	}
	if (json)
		fputs("]\n", out);
	return CLI_OK;
}

static int
ctl_stats(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	const bool json = cli_opt_flag(argc, argv, "--json");
	const bool raw = cli_opt_flag(argc, argv, "--raw");

	(void)err;
	cli_print_stats(out, d, json, raw);
	if (!json && !raw && d->server != NULL) {
		struct xdpdk_ctl_stats cs;

		/* requests that went wrong: counted, the server went on */
		xdpdk_ctl_server_stats(d->server, &cs);
		fprintf(out, "control: served %" PRIu64 " malformed %" PRIu64 " refused %" PRIu64
			" aborted %" PRIu64 "\n", cs.served, cs.malformed, cs.refused, cs.aborted);
	}
	return CLI_OK;
}

void
cli_print_stats(FILE *out, const struct cli_daemon *d, bool json, bool raw)
{
	if (json)
		fputc('[', out);
	for (uint32_t i = 1; i <= d->n_ports; i++) {
		struct xdpdk_dp_stats st;

		if (xdpdk_dp_port_stats(i, &st) != 0)
			continue;
		if (raw) {
			/* For the client's live view: fixed columns, see cmd_stats.c. */
			fprintf(out, "%s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, cli_daemon_port_name(d, i),
				st.rx_packets, st.rx_bytes, st.tx_packets, st.tx_bytes);
			for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
				fprintf(out, " %" PRIu64, st.action_packets[a]);
			fprintf(out, " %" PRIu64 "\n", st.runt + st.oversize + st.redirect_err +
				st.redirect_down + st.ring_full + st.exception_drop + st.tx_drop +
				st.rx_nombuf + st.rx_missed);
		} else if (json) {
			fprintf(out, "%s{\"port\":", i > 1 ? "," : "");
			cli_json_str(out, cli_daemon_port_name(d, i));
			fprintf(out, ",\"ifindex\":%u,\"rx_packets\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
				",\"tx_packets\":%" PRIu64 ",\"tx_bytes\":%" PRIu64, i, st.rx_packets,
				st.rx_bytes, st.tx_packets, st.tx_bytes);
			for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
				fprintf(out, ",\"%s\":%" PRIu64, action_names[a], st.action_packets[a]);
			fprintf(out, ",\"no_prog\":%" PRIu64 ",\"runt\":%" PRIu64 ",\"oversize\":%" PRIu64
				",\"redirect_err\":%" PRIu64 ",\"redirect_down\":%" PRIu64
				",\"ring_full\":%" PRIu64 ",\"exception\":%" PRIu64
				",\"exception_drop\":%" PRIu64 ",\"tx_drop\":%" PRIu64
				",\"prog_runs\":%" PRIu64 ",\"tc_runs\":%" PRIu64 ",\"tc_shot\":%" PRIu64
				",\"tc_stolen\":%" PRIu64 ",\"tc_redirect\":%" PRIu64
				",\"tc_redirect_err\":%" PRIu64 ",\"rx_nombuf\":%" PRIu64
				",\"rx_missed\":%" PRIu64 "}",
				st.no_prog, st.runt, st.oversize, st.redirect_err, st.redirect_down,
				st.ring_full, st.exception_pkts, st.exception_drop, st.tx_drop,
				st.prog_runs, st.tc_runs, st.tc_shot, st.tc_stolen, st.tc_redirect,
				st.tc_redirect_err, st.rx_nombuf, st.rx_missed);
		} else {
			fprintf(out, "port %s: rx %" PRIu64 " tx %" PRIu64, cli_daemon_port_name(d, i),
				st.rx_packets, st.tx_packets);
			for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++)
				fprintf(out, " %s %" PRIu64, action_names[a], st.action_packets[a]);
			fprintf(out, " no_prog %" PRIu64 " runt %" PRIu64 " oversize %" PRIu64
				" redirect_err %" PRIu64 " exception %" PRIu64
				" exception_drop %" PRIu64 " tx_drop %" PRIu64, st.no_prog,
				st.runt, st.oversize, st.redirect_err + st.redirect_down + st.ring_full,
				st.exception_pkts, st.exception_drop, st.tx_drop);
			if (st.tc_runs != 0)
				fprintf(out, " tc_runs %" PRIu64 " tc_shot %" PRIu64 " tc_stolen %" PRIu64
					" tc_redirect %" PRIu64 " tc_redirect_err %" PRIu64, st.tc_runs,
					st.tc_shot, st.tc_stolen, st.tc_redirect, st.tc_redirect_err);
			/* the device's losses: shown when there are some */
			if (st.rx_nombuf != 0 || st.rx_missed != 0)
				fprintf(out, " rx_nombuf %" PRIu64 " rx_missed %" PRIu64,
					st.rx_nombuf, st.rx_missed);
			fputc('\n', out);
		}
	}
	if (json)
		fputs("]\n", out);
}

/* ---- route ---------------------------------------------------------------- */

static const char *const route_types[] = {
	[XDPDK_FIB_ROUTE_UNICAST] = "unicast", [XDPDK_FIB_ROUTE_BLACKHOLE] = "blackhole",
	[XDPDK_FIB_ROUTE_UNREACHABLE] = "unreachable", [XDPDK_FIB_ROUTE_PROHIBIT] = "prohibit",
	[XDPDK_FIB_ROUTE_LOCAL] = "local",
};

struct route_show {
	struct cli_daemon *d;
	FILE *out;
	bool json;
	uint32_t n;
};

static int
route_print(const struct xdpdk_fib_route *r, void *arg)
{
	struct route_show *s = arg;
	char dst[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN] = "";

	inet_ntop(r->family, r->dst, dst, sizeof(dst));
	if (r->gw_family != 0)
		inet_ntop(r->gw_family, r->gw, gw, sizeof(gw));
	if (s->json) {
		fprintf(s->out, "%s{\"dst\":\"%s/%u\",\"type\":\"%s\",\"table\":%u,\"metric\":%u",
			s->n ? "," : "", dst, r->depth, route_types[r->type], r->table, r->metric);
		if (gw[0] != '\0')
			fprintf(s->out, ",\"gateway\":\"%s\"", gw);
		if (r->type == XDPDK_FIB_ROUTE_UNICAST) {
			fprintf(s->out, ",\"dev\":");
			cli_json_str(s->out, cli_daemon_port_name(s->d, r->ifindex));
		}
		fputc('}', s->out);
	} else {
		if (r->type != XDPDK_FIB_ROUTE_UNICAST)
			fprintf(s->out, "%s ", route_types[r->type]);
		fprintf(s->out, "%s/%u", dst, r->depth);
		if (gw[0] != '\0')
			fprintf(s->out, " via %s", gw);
		if (r->type == XDPDK_FIB_ROUTE_UNICAST)
			fprintf(s->out, " dev %s", cli_daemon_port_name(s->d, r->ifindex));
		if (r->table != XDPDK_FIB_TABLE_MAIN)
			fprintf(s->out, " table %u", r->table);
		if (r->metric)
			fprintf(s->out, " metric %u", r->metric);
		fputc('\n', s->out);
	}
	s->n++;
	return 0;
}

/* "10.0.0.0/8", "fd00::/64", "10.1.2.3" (a host route). */
static int
parse_prefix(const char *s, int *family, uint8_t dst[16], uint8_t *depth)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	memset(dst, 0, 16);
	if (inet_pton(AF_INET, buf, dst) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, dst) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	len = *family == AF_INET ? 32 : 128;
	if (slash != NULL) {
		unsigned long l = strtoul(slash + 1, &end, 10);

		if (*end != '\0' || slash[1] == '\0' || l > len)
			return -EINVAL;
		len = l;
	}
	*depth = (uint8_t)len;
	return 0;
}

static int
route_add(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	struct xdpdk_fib_route r = { .type = XDPDK_FIB_ROUTE_UNICAST };
	const char *pfx = NULL;
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (strcmp(argv[i], "via") == 0 && v != NULL) {
			memset(r.gw, 0, sizeof(r.gw));
			r.gw_family = inet_pton(AF_INET, v, r.gw) == 1	 ? AF_INET :
				      inet_pton(AF_INET6, v, r.gw) == 1 ? AF_INET6 : -1;
			if (r.gw_family < 0) {
				fprintf(err, "Error: via '%s': not an address\n", v);
				return CLI_USAGE;
			}
			i++;
		} else if (strcmp(argv[i], "dev") == 0 && v != NULL) {
			r.ifindex = cli_daemon_port(d, v, err);
			if (r.ifindex == 0)
				return CLI_FAIL;
			i++;
		} else if ((strcmp(argv[i], "table") == 0 || strcmp(argv[i], "metric") == 0) &&
			   v != NULL) {
			unsigned long n = strtoul(v, &end, 0);

			if (*end != '\0' || n > UINT32_MAX) {
				fprintf(err, "Error: %s '%s': expected a number\n", argv[i], v);
				return CLI_USAGE;
			}
			*(argv[i][0] == 't' ? &r.table : &r.metric) = (uint32_t)n;
			i++;
		} else if (strcmp(argv[i], "blackhole") == 0) {
			r.type = XDPDK_FIB_ROUTE_BLACKHOLE;
		} else if (strcmp(argv[i], "unreachable") == 0) {
			r.type = XDPDK_FIB_ROUTE_UNREACHABLE;
		} else if (strcmp(argv[i], "prohibit") == 0) {
			r.type = XDPDK_FIB_ROUTE_PROHIBIT;
		} else if (pfx == NULL && argv[i][0] != '-') {
			pfx = argv[i];
		} else {
			fprintf(err, "Error: route add: unexpected '%s'\n", argv[i]);
			return CLI_USAGE;
		}
	}
	if (pfx == NULL || parse_prefix(pfx, &r.family, r.dst, &r.depth) != 0) {
		fprintf(err, "Error: route add: expected a prefix (10.0.0.0/8, fd00::/64), got "
			"'%s'\n", pfx != NULL ? pfx : "");
		return CLI_USAGE;
	}
	if (r.type == XDPDK_FIB_ROUTE_UNICAST && r.ifindex == 0) {
		fprintf(err, "Error: route add %s: a unicast route needs 'dev PORT'\n", pfx);
		return CLI_USAGE;
	}
	if (d->fib == NULL) {
		d->fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = 65536 });
		if (d->fib == NULL) {
			fprintf(err, "Error: cannot create the routing table: %s\n", strerror(errno));
			return CLI_FAIL;
		}
		cli_daemon_fib_ports(d);
		xdpdk_fib_set_current(d->fib);
	}
	ret = xdpdk_fib_route_add(d->fib, &r);
	if (ret != 0) {
		fprintf(err, "Error: route add %s: %s\n", pfx, strerror(-ret));
		return CLI_FAIL;
	}
	fprintf(out, "route %s added\n", pfx);
	return CLI_OK;
}

static int
ctl_route(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	if (argc >= 1 && strcmp(argv[0], "show") == 0) {
		struct route_show s = { .d = d, .out = out,
					.json = cli_opt_flag(argc, argv, "--json") };

		if (s.json)
			fputc('[', out);
		if (d->fib != NULL)
			xdpdk_fib_route_walk(d->fib, route_print, &s);
		if (s.json)
			fputs("]\n", out);
		return CLI_OK;
	}
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return route_add(d, argc, argv, out, err);
	if (argc >= 2 && strcmp(argv[0], "del") == 0) {
		const char *t = cli_opt_val(argc, argv, "table");
		uint8_t dst[16], depth;
		int family, ret;

		if (parse_prefix(argv[1], &family, dst, &depth) != 0) {
			fprintf(err, "Error: route del: '%s' is not a prefix\n", argv[1]);
			return CLI_USAGE;
		}
		ret = d->fib == NULL ? -ENOENT :
		      xdpdk_fib_route_del(d->fib, t != NULL ? (uint32_t)strtoul(t, NULL, 0) : 0,
					  family, dst, depth);
		if (ret != 0) {
			fprintf(err, "Error: route del %s: %s\n", argv[1],
				ret == -ENOENT ? "no such route" : strerror(-ret));
			return CLI_FAIL;
		}
		fprintf(out, "route %s deleted\n", argv[1]);
		return CLI_OK;
	}
	fprintf(err, "Error: route: expected show, add PREFIX ... or del PREFIX\n");
	return CLI_USAGE;
}

void
cli_daemon_fib_ports(struct cli_daemon *d)
{
	for (uint32_t i = 1; i <= d->n_ports; i++) {
		struct xdpdk_fib_if ifc = { .mtu = d->cfg->ports[i - 1].mtu, .forwarding = true,
					    .forwarding6 = true };
		struct rte_ether_addr mac;
		const int pid = xdpdk_dp_port_id(i);

		if (pid >= 0 && rte_eth_macaddr_get((uint16_t)pid, &mac) == 0)
			memcpy(ifc.mac, mac.addr_bytes, 6);
		xdpdk_fib_if_set(d->fib, i, &ifc);
	}
}

int
cli_ctl_dp(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	if (strcmp(argv[0], "prog") == 0)
		return ctl_prog(d, argc - 1, argv + 1, out, err);
	if (strcmp(argv[0], "port") == 0)
		return ctl_port(d, argc - 1, argv + 1, out, err);
	if (strcmp(argv[0], "stats") == 0)
		return ctl_stats(d, argc - 1, argv + 1, out, err);
	if (strcmp(argv[0], "route") == 0)
		return ctl_route(d, argc - 1, argv + 1, out, err);
	if (strcmp(argv[0], "capture") == 0)
		return cli_ctl_capture(d, argc - 1, argv + 1, out, err);
	return -1;
}
