/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file's schema for libcyaml, and loading: libcyaml turns
 * the text into struct xdpdk_config (refusing unknown keys and values of the
 * wrong kind), its log is turned into one message that names the file, the
 * line and the field, and validate.c does the rest.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define OPT (CYAML_FLAG_OPTIONAL)
#define OPT_PTR (CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER)
#define STR(key, flags, type, member) \
	CYAML_FIELD_STRING_PTR(key, flags, type, member, 0, CYAML_UNLIMITED)
#define SEQ(key, flags, type, member, schema) \
	CYAML_FIELD_SEQUENCE(key, flags, type, member, schema, 0, CYAML_UNLIMITED)

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t poll_fields[] = {
	STR("port", CYAML_FLAG_POINTER, struct xdpdk_cfg_poll, port),
	CYAML_FIELD_UINT("queue", OPT, struct xdpdk_cfg_poll, queue),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t poll_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_poll, poll_fields),
};

static const cyaml_schema_field_t port_fields[] = {
	STR("name", CYAML_FLAG_POINTER, struct xdpdk_cfg_port, name),
	STR("device", CYAML_FLAG_POINTER, struct xdpdk_cfg_port, device),
	CYAML_FIELD_UINT("rx_queues", OPT, struct xdpdk_cfg_port, rx_queues),
	CYAML_FIELD_UINT("tx_queues", OPT, struct xdpdk_cfg_port, tx_queues),
	CYAML_FIELD_UINT("rx_desc", OPT, struct xdpdk_cfg_port, rx_desc),
	CYAML_FIELD_UINT("tx_desc", OPT, struct xdpdk_cfg_port, tx_desc),
	CYAML_FIELD_UINT("mtu", OPT, struct xdpdk_cfg_port, mtu),
	CYAML_FIELD_UINT("mbufs", OPT, struct xdpdk_cfg_port, mbufs),
	CYAML_FIELD_BOOL("rss", OPT, struct xdpdk_cfg_port, rss),
	CYAML_FIELD_BOOL("promisc", OPT, struct xdpdk_cfg_port, promisc),
	STR("exception", OPT_PTR, struct xdpdk_cfg_port, exception),
	STR("exception_name", OPT_PTR, struct xdpdk_cfg_port, exception_name),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t port_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_port, port_fields),
};

static const cyaml_schema_field_t worker_fields[] = {
	CYAML_FIELD_UINT("lcore", CYAML_FLAG_DEFAULT, struct xdpdk_cfg_worker, lcore),
	SEQ("poll", OPT_PTR, struct xdpdk_cfg_worker, poll, &poll_entry),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t worker_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_worker, worker_fields),
};

static const cyaml_schema_field_t attach_fields[] = {
	STR("port", OPT_PTR, struct xdpdk_cfg_attach, port),
	STR("hook", OPT_PTR, struct xdpdk_cfg_attach, hook),
	STR("map", OPT_PTR, struct xdpdk_cfg_attach, map),
	CYAML_FIELD_UINT("key", OPT, struct xdpdk_cfg_attach, key),
	CYAML_FIELD_UINT("priority", OPT, struct xdpdk_cfg_attach, priority),
	SEQ("chain_call_actions", OPT_PTR, struct xdpdk_cfg_attach, chain_call_actions,
	    &string_entry),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t attach_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_attach, attach_fields),
};

static const cyaml_schema_field_t program_fields[] = {
	STR("name", CYAML_FLAG_POINTER, struct xdpdk_cfg_program, name),
	STR("object", CYAML_FLAG_POINTER, struct xdpdk_cfg_program, object),
	STR("program", OPT_PTR, struct xdpdk_cfg_program, program),
	STR("engine", OPT_PTR, struct xdpdk_cfg_program, engine),
	CYAML_FIELD_BOOL("jit_blinding", OPT, struct xdpdk_cfg_program, jit_blinding),
	SEQ("attach", OPT_PTR, struct xdpdk_cfg_program, attach, &attach_entry),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t program_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_program, program_fields),
};

static const cyaml_schema_field_t entry_fields[] = {
	STR("key", CYAML_FLAG_POINTER, struct xdpdk_cfg_entry, key),
	STR("value", CYAML_FLAG_POINTER, struct xdpdk_cfg_entry, value),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t entry_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_entry, entry_fields),
};

static const cyaml_schema_field_t map_fields[] = {
	STR("name", CYAML_FLAG_POINTER, struct xdpdk_cfg_map, name),
	STR("program", OPT_PTR, struct xdpdk_cfg_map, program),
	STR("flags", OPT_PTR, struct xdpdk_cfg_map, flags),
	SEQ("entries", OPT_PTR, struct xdpdk_cfg_map, entries, &entry_entry),
	STR("file", OPT_PTR, struct xdpdk_cfg_map, file),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t map_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_map, map_fields),
};

static const cyaml_schema_field_t route_fields[] = {
	STR("prefix", CYAML_FLAG_POINTER, struct xdpdk_cfg_route, prefix),
	STR("via", OPT_PTR, struct xdpdk_cfg_route, via),
	STR("port", OPT_PTR, struct xdpdk_cfg_route, port),
	STR("type", OPT_PTR, struct xdpdk_cfg_route, type),
	CYAML_FIELD_UINT("table", OPT, struct xdpdk_cfg_route, table),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t route_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_route, route_fields),
};

static const cyaml_schema_field_t neigh_fields[] = {
	STR("ip", CYAML_FLAG_POINTER, struct xdpdk_cfg_neighbour, ip),
	STR("mac", CYAML_FLAG_POINTER, struct xdpdk_cfg_neighbour, mac),
	STR("port", CYAML_FLAG_POINTER, struct xdpdk_cfg_neighbour, port),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t neigh_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_neighbour, neigh_fields),
};

static const cyaml_schema_field_t log_type_fields[] = {
	STR("type", CYAML_FLAG_POINTER, struct xdpdk_cfg_log_type, type),
	STR("level", CYAML_FLAG_POINTER, struct xdpdk_cfg_log_type, level),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t log_type_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct xdpdk_cfg_log_type, log_type_fields),
};

static const cyaml_schema_field_t eal_fields[] = {
	SEQ("args", OPT_PTR, struct xdpdk_cfg_eal, args, &string_entry),
	STR("hugepages", OPT_PTR, struct xdpdk_cfg_eal, hugepages),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t control_fields[] = {
	STR("socket", OPT_PTR, struct xdpdk_cfg_control, socket),
	STR("mode", OPT_PTR, struct xdpdk_cfg_control, mode),
	STR("group", OPT_PTR, struct xdpdk_cfg_control, group),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t log_fields[] = {
	STR("level", OPT_PTR, struct xdpdk_cfg_log, level),
	SEQ("types", OPT_PTR, struct xdpdk_cfg_log, types, &log_type_entry),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_MAPPING("eal", OPT, struct xdpdk_config, eal, eal_fields),
	CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER, struct xdpdk_config, ports, &port_entry,
			     1, CYAML_UNLIMITED),
	SEQ("workers", OPT_PTR, struct xdpdk_config, workers, &worker_entry),
	SEQ("programs", OPT_PTR, struct xdpdk_config, programs, &program_entry),
	SEQ("maps", OPT_PTR, struct xdpdk_config, maps, &map_entry),
	SEQ("routes", OPT_PTR, struct xdpdk_config, routes, &route_entry),
	SEQ("neighbours", OPT_PTR, struct xdpdk_config, neighbours, &neigh_entry),
	CYAML_FIELD_MAPPING("control", OPT, struct xdpdk_config, control, control_fields),
	CYAML_FIELD_MAPPING("log", OPT, struct xdpdk_config, log, log_fields),
	CYAML_FIELD_END
};

const cyaml_schema_value_t xdpdk_config_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct xdpdk_config, top_fields),
};

/* ---- libcyaml's log, turned into one message ----------------------------- */

struct cyaml_log {
	char msg[256];		/* the first error line, without "Load: " */
	char path[256];		/* built from the backtrace, outermost first */
	unsigned int line, col;	/* of the innermost backtrace entry */
	bool in_backtrace, have_pos;
};

/* Prepend one backtrace frame ("in mapping field 'x' (line: 5, column: 3)") to the path. */
static void
add_frame(struct cyaml_log *l, const char *s)
{
	char name[128] = "", seg[160];
	unsigned int line = 0, col = 0;
	size_t n, len;
	const char *pos = strstr(s, "(line: ");

	if (pos != NULL && sscanf(pos, "(line: %u, column: %u)", &line, &col) == 2 &&
	    !l->have_pos) {
		l->line = line;
		l->col = col;
		l->have_pos = true;
	}
	if (sscanf(s, "in mapping field '%127[^']'", name) == 1) {
		snprintf(seg, sizeof(seg), "%s%s", name, l->path[0] && l->path[0] != '[' ? "." : "");
	} else if (sscanf(s, "in sequence entry '%127[^']'", name) == 1) {
		/* libcyaml counts entries from 1; xdpdk's paths index from 0 */
		snprintf(seg, sizeof(seg), "[%ld]%s", strtol(name, NULL, 10) - 1,
			 l->path[0] && l->path[0] != '[' ? "." : "");
	} else {
		return;	/* "in mapping": no name of its own */
	}
	n = strlen(seg);
	len = strlen(l->path);
	if (n + len >= sizeof(l->path))
		return;
	memmove(l->path + n, l->path, len + 1);
	memcpy(l->path, seg, n);
}

static void
cyaml_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cyaml_log *l = ctx;
	char line[512], *s = line;

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(s, "Load: ", 6) == 0)
		s += 6;
	while (*s == ' ')
		s++;
	if (strcmp(s, "Backtrace:") == 0) {
		l->in_backtrace = true;
		return;
	}
	if (l->in_backtrace) {
		add_frame(l, s);
		return;
	}
	if (l->msg[0] == '\0') {
		/* the first error is the cause; what follows is libcyaml unwinding */
		size_t n = strnlen(s, sizeof(l->msg) - 1);

		memcpy(l->msg, s, n);
		l->msg[n] = '\0';
	}
}

/* libcyaml's wording into xdpdk's. */
static void
translate(const struct cyaml_log *l, char *out, size_t size)
{
	char type[64], val[160];

	if (sscanf(l->msg, "Invalid %63s value: '%159[^']'", type, val) == 2) {
		if (strstr(type, "int") != NULL)
			snprintf(out, size, "expected a non-negative integer, got '%s'", val);
		else if (strcmp(type, "BOOL") == 0 || strcmp(type, "bool") == 0)
			snprintf(out, size, "expected true or false, got '%s'", val);
		else
			snprintf(out, size, "invalid %s value '%s'", type, val);
	} else if (sscanf(l->msg, "Unexpected key: %159s", val) == 1) {
		snprintf(out, size, "unknown key '%s'", val);
	} else if (sscanf(l->msg, "Missing required mapping field: %159s", val) == 1) {
		snprintf(out, size, "missing required key '%s'", val);
	} else if (strstr(l->msg, "Unexpected event") != NULL ||
		   strstr(l->msg, "Expecting") != NULL) {
		snprintf(out, size, "wrong kind of value (%s)", l->msg);
	} else {
		snprintf(out, size, "%s", l->msg[0] ? l->msg : "invalid");
	}
}

/* ---- loading ------------------------------------------------------------- */

static int
load(const char *text, size_t len, const char *name, struct xdpdk_config **out, char *err,
     size_t err_size)
{
	struct cyaml_log log = { 0 };
	const cyaml_config_t cy = {
		.log_fn = cyaml_log_fn,
		.log_ctx = &log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_DEFAULT,
	};
	struct cfg_ctx ctx = { .text = text, .len = len, .name = name, .err = err,
			       .err_size = err_size };
	struct xdpdk_config *cfg = NULL;
	char msg[320], *copy;
	cyaml_err_t e;
	int ret;

	*out = NULL;
	err[0] = '\0';
	ret = cfg_syntax_check(&ctx);
	if (ret != 0)
		return ret;
	e = cyaml_load_data((const uint8_t *)text, len, &cy, &xdpdk_config_schema,
			    (cyaml_data_t **)&cfg, NULL);
	if (e == CYAML_ERR_OOM)
		return -ENOMEM;
	if (e != CYAML_OK) {
		translate(&log, msg, sizeof(msg));
		if (log.have_pos)
			snprintf(err, err_size, "%s:%u:%u: %s%s%s", name, log.line, log.col,
				 log.path, log.path[0] ? ": " : "", msg);
		else
			snprintf(err, err_size, "%s: %s", name, msg);
		return -EINVAL;
	}
	if (cfg == NULL) {
		snprintf(err, err_size, "%s: empty configuration (at least 'ports' is needed)", name);
		return -EINVAL;
	}
	cfg->path = strdup(name);
	copy = strdup(name);
	cfg->dir = copy != NULL ? strdup(dirname(copy)) : NULL;
	free(copy);
	cfg->text = malloc(len + 1);
	if (cfg->text != NULL) {
		memcpy(cfg->text, text, len);
		cfg->text[len] = '\0';
		cfg->text_len = len;
	}
	if (cfg->path == NULL || cfg->dir == NULL || cfg->text == NULL) {
		xdpdk_config_free(cfg);
		return -ENOMEM;
	}
	ctx.cfg = cfg;
	ret = cfg_validate(&ctx);
	if (ret != 0) {
		xdpdk_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

int
xdpdk_config_load_mem(const char *yaml, size_t len, const char *name, struct xdpdk_config **out,
		      char *err, size_t err_size)
{
	return load(yaml, len, name, out, err, err_size);
}

int
xdpdk_config_load(const char *path, struct xdpdk_config **out, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int ret;

	*out = NULL;
	if (f == NULL) {
		ret = -errno;
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return ret;
	}
	do {
		if (len + 4096 > cap) {
			char *t = realloc(text, cap = cap * 2 + 8192);

			if (t == NULL) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret == 0)
		ret = load(text, len, path, out, err, err_size);
	else
		snprintf(err, err_size, "%s: read error", path);
	free(text);
	return ret;
}

int
xdpdk_config_error(const struct xdpdk_config *cfg, const char *field, char *err, size_t err_size,
		   const char *fmt, ...)
{
	struct cfg_ctx ctx = { .text = cfg->text, .len = cfg->text_len, .name = cfg->path,
			       .err = err, .err_size = err_size };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_error(&ctx, field, "%s", msg);
}

void
xdpdk_config_free(struct xdpdk_config *cfg)
{
	const cyaml_config_t cy = { .mem_fn = cyaml_mem, .log_level = CYAML_LOG_ERROR };

	if (cfg == NULL)
		return;
	cfg_resolved_free(cfg);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->text);
	cyaml_free(&cy, &xdpdk_config_schema, cfg, 0);
}
