/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to config/: the libcyaml schema of struct xdpdk_config
 * (schema.c), semantic validation (validate.c) and where a field sits in the
 * text (locate.c), which both use to name the line of an error.
 */
#ifndef XDPDK_CONFIG_INTERNAL_H
#define XDPDK_CONFIG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include <cyaml/cyaml.h>

#include <xdpdk/config.h>

/* The schema of the whole file (schema.c). */
extern const cyaml_schema_value_t xdpdk_config_schema;

/* What validation reports against: the text, its name, the error buffer. */
struct cfg_ctx {
	struct xdpdk_config *cfg;
	const char *text;
	size_t len;
	const char *name;
	char *err;
	size_t err_size;
};

/*
 * Write "NAME:LINE:COL: PATH: MESSAGE" into ctx->err, the position being
 * PATH's in the text (or its nearest parent's). @return -EINVAL.
 */
int cfg_error(struct cfg_ctx *ctx, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the text holds @p path (to tell an absent field from a zero). */
int cfg_present(const struct cfg_ctx *ctx, const char *path);

/* The text of scalar @p path ("" if not a scalar). @return 0 or -ENOENT. */
int cfg_scalar(const struct cfg_ctx *ctx, const char *path, char *text, size_t size);

/*
 * A YAML syntax error in the text: 0 if it parses, else -EINVAL with
 * "NAME:LINE:COL: YAML syntax error: ..." in ctx->err.
 */
int cfg_syntax_check(struct cfg_ctx *ctx);

/* Fill the resolved fields and defaults, check every rule (validate.c). */
int cfg_validate(struct cfg_ctx *ctx);

/* Free what validation allocated (the resolved fields). */
void cfg_resolved_free(struct xdpdk_config *cfg);

#endif /* XDPDK_CONFIG_INTERNAL_H */
