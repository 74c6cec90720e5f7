/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared utilities of the xdpdk command: dispatch, errors, files, hex, JSON. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "cli.h"

void
cli_err(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_list(FILE *out, const struct cli_cmd *cmds)
{
	for (const struct cli_cmd *c = cmds; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
}

int
cli_dispatch(const struct cli_cmd *cmds, const char *path, int argc, char **argv)
{
	char sub_path[128];

	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
	    strcmp(argv[0], "help") == 0) {
		FILE *out = argc < 1 ? stderr : stdout;

		fprintf(out, "usage: %s COMMAND [options]\n\ncommands:\n", path);
		cli_list(out, cmds);
		fprintf(out, "\n'%s COMMAND --help' describes a command.\n", path);
		return argc < 1 ? CLI_USAGE : CLI_OK;
	}
	for (const struct cli_cmd *c = cmds; c->name; c++) {
		if (strcmp(c->name, argv[0]) != 0)
			continue;
		snprintf(sub_path, sizeof(sub_path), "%s %s", path, c->name);
		if (c->sub)
			return cli_dispatch(c->sub, sub_path, argc - 1, argv + 1);
		return c->fn(sub_path, argc, argv);
	}
	cli_err(path, "unknown command '%s'", argv[0]);
	fprintf(stderr, "usage: %s COMMAND [options] (see '%s --help')\n", path, path);
	return CLI_USAGE;
}

int
cli_parse(const char *path, const char *summary, const struct xdpdk_opt *opts, int argc,
	  char **argv, void *cfg, bool *done)
{
	char err[256];
	int rc = xdpdk_opts_parse(opts, argc, argv, cfg, err, sizeof(err));

	*done = false;
	if (rc == XDPDK_OPTS_HELP) {
		xdpdk_opts_usage(stdout, path, summary, opts);
		*done = true;
		return CLI_OK;
	}
	if (rc != 0) {
		cli_err(path, "%s", err);
		fprintf(stderr, "(see '%s --help')\n", path);
		*done = true;
		return CLI_USAGE;
	}
	return CLI_OK;
}

int
cli_planned(const char *path, int argc, char **argv, const char *summary, const char *issue)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: %s [options]\n\n%s\n(not implemented yet: %s)\n", path, summary,
			       issue);
			return CLI_OK;
		}
	}
	cli_err(path, "not implemented yet: %s", issue);
	return CLI_FAIL;
}

void *
cli_grow(void *v, size_t *cap, size_t n, size_t elem)
{
	size_t want = *cap ? 2 * *cap : 32;

	if (n < *cap)
		return v;
	v = realloc(v, want * elem);
	if (v == NULL)
		abort();
	*cap = want;
	return v;
}

uint8_t *
cli_read_file(const char *file, size_t *size)
{
	FILE *f = fopen(file, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > (64u << 20)) {
				errno = EFBIG;
				goto err;
			}
			nb = realloc(buf, cap);
			if (nb == NULL)
				goto err;
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		errno = EIO;
		goto err;
	}
	fclose(f);
	*size = len;
	return buf;
err:
	free(buf);
	fclose(f);
	return NULL;
}

int
cli_parse_hex(const char *text, uint8_t **out, size_t *len)
{
	size_t n = strlen(text), k = 0;
	uint8_t *buf = malloc(n / 2 + 1);
	int hi = -1;

	if (buf == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)text[i], v;

		if (isspace(c))
			continue;
		if (c == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') && hi < 0) {
			i++;
			continue;
		}
		if (!isxdigit(c)) {
			free(buf);
			return -EINVAL;
		}
		v = isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			buf[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*len = k;
	return 0;
}

const char *
cli_opt_val(int argc, char **argv, const char *opt)
{
	for (int i = 0; i < argc - 1; i++)
		if (strcmp(argv[i], opt) == 0)
			return argv[i + 1];
	return NULL;
}

bool
cli_opt_flag(int argc, char **argv, const char *opt)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

void
cli_json_str(FILE *out, const char *s)
{
	xdpdk_json_str(out, s, SIZE_MAX);
}

void
cli_json_hex(FILE *out, const uint8_t *buf, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%02x", buf[i]);
	fputc('"', out);
}

int
cli_load_prog(const char *path, const char *obj_path, const char *prog_name, const char *section,
	      const char *engine, struct cli_prog *out)
{
	return cli_load_prog_blind(path, obj_path, prog_name, section, engine, false, out);
}

int
cli_load_prog_blind(const char *path, const char *obj_path, const char *prog_name,
		    const char *section, const char *engine, bool jit_blind, struct cli_prog *out)
{
	char log[4096] = "";
	struct xdpdk_obj_opts oopts = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_load_opts lopts = { .helpers = xdpdk_helpers_resolve, .log_buf = log,
					 .log_size = sizeof(log), .jit_blind = jit_blind };
	const char *want = prog_name ? prog_name : section;

	memset(out, 0, sizeof(*out));
	if (engine != NULL && xdpdk_engine_parse(engine, &lopts.engine) != 0) {
		cli_err(path, "--engine: '%s' is not one of: jit interp auto", engine);
		return CLI_USAGE;
	}
	out->obj = xdpdk_obj_open(obj_path, &oopts);
	if (out->obj == NULL) {
		cli_err(path, "cannot load '%s': %s%s%s", obj_path, strerror(errno),
			log[0] ? "\n" : "", log);
		return CLI_FAIL;
	}
	if (xdpdk_obj_prog_count(out->obj) == 0) {
		cli_err(path, "'%s' has no programs", obj_path);
		goto err;
	}
	if (want != NULL) {
		out->oprog = xdpdk_obj_prog_find(out->obj, want);
		if (out->oprog == NULL || (section && prog_name == NULL &&
					   strcmp(xdpdk_obj_prog_section(out->oprog), section))) {
			cli_err(path, "no program %s '%s' in '%s'", prog_name ? "named" : "in section",
				want, obj_path);
			goto err;
		}
	} else {
		out->oprog = xdpdk_obj_prog_at(out->obj, 0);
	}
	/* Maps live in DPDK memory: start EAL only for objects that have some. */
	if (xdpdk_obj_map_count(out->obj) > 0 && xdpdk_eal_init_tool("xdpdk", 0, NULL) != 0)
		goto err;
	lopts.only_prog = xdpdk_obj_prog_name(out->oprog);
	out->loaded = xdpdk_obj_load(out->obj, &lopts);
	if (out->loaded == NULL) {
		const char *h = strstr(log, "helper id ");

		cli_err(path, "cannot load '%s': %s\n%s", obj_path, strerror(errno), log);
		/* Name what is missing, so a failing (golden) test says what it waits for. */
		if (h != NULL)
			fprintf(stderr, "%s: => this build of xdpdk lacks the helper %s\n", path,
				xdpdk_helpers_kernel_name((uint32_t)atoi(h + 10)) ?: "(unknown id)");
		goto err;
	}
	out->prog = xdpdk_loaded_prog_find(out->loaded, lopts.only_prog);
	if (log[0]) /* e.g. the JIT fell back to the interpreter: say so */
		fprintf(stderr, "%s: %s", path, log);
	return CLI_OK;
err:
	xdpdk_obj_close(out->obj);
	out->obj = NULL;
	return CLI_FAIL;
}

void
cli_unload_prog(struct cli_prog *p)
{
	xdpdk_loaded_free(p->loaded);
	xdpdk_obj_close(p->obj);
	memset(p, 0, sizeof(*p));
}

static void
print_hex(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%02x", i && !(i % 4) ? " " : "", b[i]);
}

/* Types whose entries are not plain bytes a control plane can dump. */
static bool
dumpable(enum bpf_map_type t)
{
	return t != BPF_MAP_TYPE_PROG_ARRAY && t != BPF_MAP_TYPE_RINGBUF &&
	       t != BPF_MAP_TYPE_PERF_EVENT_ARRAY && t != BPF_MAP_TYPE_QUEUE &&
	       t != BPF_MAP_TYPE_STACK && t != BPF_MAP_TYPE_BLOOM_FILTER;
}

static bool
is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

void
cli_print_formatted(FILE *out, struct xdpdk_map *m, const uint8_t *key, const uint8_t *val,
		    bool json)
{
	const struct xdpdk_map_def *d = xdpdk_map_def(m);
	uint32_t kt, vt;
	const struct xdpdk_btf *b = xdpdk_map_btf(m, &kt, &vt);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc = 0;

	if (b == NULL || kt == 0 || vt == 0 || (mem = open_memstream(&buf, &len)) == NULL)
		return;
	fputs(json ? ",\"formatted\":{\"key\":" : "    formatted: key ", mem);
	rc = xdpdk_btf_json(mem, b, kt, key, d->key_size);
	if (rc == 0 && is_percpu(d->type)) {
		const uint32_t stride = (d->value_size + 7) & ~7u;
		const uint32_t n = xdpdk_map_value_buf_size(m) / stride;

		fputs(json ? ",\"values\":[" : " values [", mem);
		for (uint32_t c = 0; c < n && rc == 0; c++) {
			fprintf(mem, "%s{\"cpu\":%u,\"value\":", c ? "," : "", c);
			rc = xdpdk_btf_json(mem, b, vt, val + (size_t)c * stride, d->value_size);
			fputc('}', mem);
		}
		fputc(']', mem);
	} else if (rc == 0) {
		fputs(json ? ",\"value\":" : " value ", mem);
		rc = xdpdk_btf_json(mem, b, vt, val, d->value_size);
	}
	fputs(json ? "}" : "\n", mem);
	fclose(mem);
	if (rc == 0)
		fwrite(buf, 1, len, out);
	free(buf);
}

void
cli_dump_map(FILE *out, struct xdpdk_map *m, bool json)
{
	const struct xdpdk_map_def *d = xdpdk_map_def(m);
	uint32_t vsz = xdpdk_map_value_buf_size(m), n = 0;
	uint8_t *key = calloc(1, d->key_size + 1), *next = calloc(1, d->key_size + 1);
	uint8_t *val = calloc(1, vsz + 1);
	const char *tn = xdpdk_map_type_name(d->type);
	bool first = true;

	if (json) {
		fprintf(out, "{\"id\":%u,\"name\":", xdpdk_map_id(m));
		cli_json_str(out, d->name);
		fprintf(out, ",\"type\":\"%s\",\"entries\":[", tn ? tn : "unknown");
	} else {
		fprintf(out, "map %s (%s, key %u, value %u, max %u):\n", d->name,
			tn ? tn : "unknown", d->key_size, d->value_size, d->max_entries);
	}
	if (key && next && val && dumpable(d->type)) {
		while (xdpdk_map_get_next_key(m, first ? NULL : key, next) == 0) {
			first = false;
			memcpy(key, next, d->key_size);
			if (xdpdk_map_lookup(m, key, val, 0) != 0)
				continue;
			if (json) {
				fprintf(out, "%s{\"key\":", n ? "," : "");
				cli_json_hex(out, key, d->key_size);
				fprintf(out, ",\"value\":");
				cli_json_hex(out, val, vsz);
				cli_print_formatted(out, m, key, val, true);
				fprintf(out, "}");
			} else {
				fprintf(out, "  key: ");
				print_hex(out, key, d->key_size);
				fprintf(out, "  value: ");
				print_hex(out, val, vsz);
				fprintf(out, "\n");
				cli_print_formatted(out, m, key, val, false);
			}
			n++;
		}
	} else if (!json) {
		fprintf(out, "  (entries of a %s map are not dumped)\n", tn ? tn : "this");
	}
	if (json)
		fprintf(out, "]}");
	else if (n == 0 && dumpable(d->type))
		fprintf(out, "  (empty)\n");
	free(key);
	free(next);
	free(val);
}

void
cli_dump_maps(FILE *out, const struct xdpdk_loaded *lo, bool json)
{
	if (json)
		fprintf(out, "[");
	for (uint32_t i = 0; i < xdpdk_loaded_map_count(lo); i++) {
		if (json && i)
			fprintf(out, ",");
		cli_dump_map(out, xdpdk_loaded_map_at(lo, i), json);
	}
	if (json)
		fprintf(out, "]");
}

const char *
cli_action_name(enum xdpdk_prog_type type, uint32_t retval)
{
	static const char *const xdp[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					   "XDP_REDIRECT" };
	static const char *const tc[] = { "TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT",
					  "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED",
					  "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP" };

	if (type == XDPDK_PROG_TYPE_XDP && retval < 5)
		return xdp[retval];
	if (type == XDPDK_PROG_TYPE_TC) {
		if (retval == (uint32_t)-1)
			return "TC_ACT_UNSPEC";
		if (retval < 9)
			return tc[retval];
	}
	return NULL;
}

int
cli_eal_lcores(const char *path, const unsigned int *lcores, unsigned int n, bool no_huge,
	       int n_extra, char **extra)
{
	const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char map[512];
	size_t len;

	/* Main lcore 0 serves the control plane; worker lcore L on CPU L (modulo the CPUs there are). */
	len = (size_t)snprintf(map, sizeof(map), "0@0");
	for (unsigned int i = 0; i < n && len < sizeof(map); i++)
		len += (size_t)snprintf(map + len, sizeof(map) - len, ",%u@%ld", lcores[i],
					(long)lcores[i] % (ncpu > 0 ? ncpu : 1));
	return xdpdk_eal_init_dataplane(path, map, no_huge, n_extra, extra);
}

int
cli_eal_dataplane(const char *path, unsigned int workers, bool no_huge)
{
	unsigned int lcores[XDPDK_DP_MAX_WORKERS];

	if (workers > XDPDK_DP_MAX_WORKERS)
		return -E2BIG;
	for (unsigned int i = 0; i < workers; i++)
		lcores[i] = i + 1;
	return cli_eal_lcores(path, lcores, workers, no_huge, 0, NULL);
}
