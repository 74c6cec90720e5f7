/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a field is in the YAML text, so that errors found after libcyaml has
 * turned the text into structs (a port name used twice, a queue a port does
 * not have) still name a line. libyaml's document API keeps each node's
 * start mark; a path such as "ports[1].exception_name" walks mapping keys
 * and sequence indexes from the root.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_internal.h"

/* The value of @p key in mapping @p map, or NULL. */
static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key, size_t key_len)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE && k->data.scalar.length == key_len &&
		    memcmp(k->data.scalar.value, key, key_len) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static yaml_node_t *
seq_get(yaml_document_t *doc, yaml_node_t *seq, unsigned long idx)
{
	if (seq->type != YAML_SEQUENCE_NODE ||
	    idx >= (unsigned long)(seq->data.sequence.items.top - seq->data.sequence.items.start))
		return NULL;
	return yaml_document_get_node(doc, seq->data.sequence.items.start[idx]);
}

/*
 * Find @p path; its position in *@p line, *@p col and, if @p text is not
 * NULL and the node is a scalar, its text.
 */
static int
locate(const char *yaml, size_t len, const char *path, unsigned int *line, unsigned int *col,
       char *text, size_t text_size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *node;
	const char *s = path;
	int ret = 0;

	*line = 1;
	*col = 1;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	node = yaml_document_get_root_node(&doc);
	while (node != NULL && *s != '\0') {
		yaml_node_t *next;

		*line = (unsigned int)node->start_mark.line + 1;
		*col = (unsigned int)node->start_mark.column + 1;
		if (*s == '[') {
			char *end;
			unsigned long idx = strtoul(s + 1, &end, 10);

			next = *end == ']' ? seq_get(&doc, node, idx) : NULL;
			s = *end == ']' ? end + 1 : end;
		} else {
			size_t n;

			if (*s == '.')
				s++;
			n = strcspn(s, ".[");
			next = map_get(&doc, node, s, n);
			s += n;
		}
		node = next;
	}
	if (node != NULL) {
		*line = (unsigned int)node->start_mark.line + 1;
		*col = (unsigned int)node->start_mark.column + 1;
		if (text != NULL && node->type == YAML_SCALAR_NODE)
			snprintf(text, text_size, "%.*s", (int)node->data.scalar.length,
				 (const char *)node->data.scalar.value);
	} else {
		ret = -ENOENT;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int
xdpdk_config_locate(const char *yaml, size_t len, const char *path, unsigned int *line,
		    unsigned int *col)
{
	return locate(yaml, len, path, line, col, NULL, 0);
}

int
cfg_scalar(const struct cfg_ctx *ctx, const char *path, char *text, size_t size)
{
	unsigned int line, col;

	text[0] = '\0';
	return locate(ctx->text, ctx->len, path, &line, &col, text, size);
}

int
cfg_present(const struct cfg_ctx *ctx, const char *path)
{
	unsigned int line, col;

	return xdpdk_config_locate(ctx->text, ctx->len, path, &line, &col) == 0;
}

int
cfg_error(struct cfg_ctx *ctx, const char *path, const char *fmt, ...)
{
	unsigned int line, col;
	size_t n;
	va_list ap;

	xdpdk_config_locate(ctx->text, ctx->len, path, &line, &col);
	n = (size_t)snprintf(ctx->err, ctx->err_size, "%s:%u:%u: %s: ", ctx->name, line, col,
			     path);
	if (n < ctx->err_size) {
		va_start(ap, fmt);
		vsnprintf(ctx->err + n, ctx->err_size - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int
cfg_syntax_check(struct cfg_ctx *ctx)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int ret = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)ctx->text, ctx->len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			const yaml_mark_t *m = parser.problem_mark.line || parser.problem_mark.column ?
					       &parser.problem_mark : &parser.context_mark;

			snprintf(ctx->err, ctx->err_size, "%s:%zu:%zu: YAML syntax error: %s%s%s",
				 ctx->name, m->line + 1, m->column + 1,
				 parser.problem ? parser.problem : "malformed",
				 parser.context ? " " : "", parser.context ? parser.context : "");
			ret = -EINVAL;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}
