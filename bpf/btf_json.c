/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map keys and values as typed JSON through the object's BTF, as bpftool's
 * btf_dumper prints them ("formatted" in `bpftool map dump -j`): integers as
 * numbers (bool as true/false, char arrays as strings when printable),
 * structs and unions as objects (bitfields included), arrays as lists, enums
 * by name, pointers in hex. The BTF is shared, reference counted, by the
 * maps an object created, so a running dataplane can still print them after
 * the object is closed.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include <xdpdk/elf.h>

#define MAX_DEPTH 32

struct xdpdk_btf {
	struct btf *btf;
	int refs;
};

struct xdpdk_btf *
xdpdk_btf_wrap(struct btf *btf)
{
	struct xdpdk_btf *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->btf = btf;
	b->refs = 1;
	return b;
}

struct xdpdk_btf *
xdpdk_btf_get(struct xdpdk_btf *b)
{
	if (b != NULL)
		__atomic_fetch_add(&b->refs, 1, __ATOMIC_RELAXED);
	return b;
}

void
xdpdk_btf_put(struct xdpdk_btf *b)
{
	if (b == NULL || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	btf__free(b->btf);
	free(b);
}

const struct btf *
xdpdk_btf_raw(const struct xdpdk_btf *b)
{
	return b != NULL ? b->btf : NULL;
}

void
xdpdk_json_str(FILE *out, const char *s, size_t max)
{
	fputc('"', out);
	for (size_t i = 0; i < max && s[i] != '\0'; i++) {
		const unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* An integer of @p bits at bit @p bit_off of @p data (little-endian host). */
static uint64_t
read_bits(const uint8_t *data, uint32_t bit_off, uint32_t bits)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < bits; i++) {
		const uint32_t b = bit_off + i;

		v |= (uint64_t)((data[b / 8] >> (b % 8)) & 1) << i;
	}
	return v;
}

/* The low @p bits of @p v. */
static uint64_t
low_bits(uint64_t v, uint32_t bits)
{
	return bits < 64 ? v & ((1ull << bits) - 1) : v;
}

/* Entry @p i of an enum or enum64: its value, and its name in *name_off. */
static uint64_t
enum_entry(const struct btf_type *t, uint32_t i, uint32_t *name_off)
{
	if (btf_is_enum(t)) {
		*name_off = btf_enum(t)[i].name_off;
		return (uint64_t)(uint32_t)btf_enum(t)[i].val;
	}
	*name_off = btf_enum64(t)[i].name_off;
	return btf_enum64_value(&btf_enum64(t)[i]);
}

static int dump(FILE *out, const struct btf *btf, uint32_t id, const uint8_t *data, size_t size,
		uint32_t bit_off, uint32_t bit_sz, int depth);

static int
dump_int(FILE *out, const struct btf_type *t, const uint8_t *data, size_t size, uint32_t bit_off,
	 uint32_t bit_sz)
{
	const uint32_t info = *(const uint32_t *)(t + 1);
	const uint32_t enc = BTF_INT_ENCODING(info);
	uint32_t bits = bit_sz ? bit_sz : BTF_INT_BITS(info);
	uint64_t v;

	bit_off += BTF_INT_OFFSET(info);
	if (bits > 64) { /* __int128: hex, as bpftool */
		fputs("\"0x", out);
		for (uint32_t i = t->size; i-- > 0;)
			fprintf(out, "%02x", i < size ? data[i] : 0);
		fputc('"', out);
		return 0;
	}
	if ((bit_off + bits + 7) / 8 > size)
		return -EINVAL;
	v = read_bits(data, bit_off, bits);
	if (enc & BTF_INT_BOOL)
		fputs(v ? "true" : "false", out);
	else if (enc & BTF_INT_SIGNED)
		fprintf(out, "%" PRId64, bits < 64 && (v >> (bits - 1)) & 1 ?
					  (int64_t)(v | (~0ull << bits)) : (int64_t)v);
	else
		fprintf(out, "%" PRIu64, v);
	return 0;
}

/* A char array of printable characters (up to a NUL): a string, as bpftool. */
static bool
is_string(const struct btf *btf, const struct btf_array *a, const uint8_t *data, size_t size)
{
	const struct btf_type *e = btf__type_by_id(btf, btf__resolve_type(btf, a->type));
	size_t i;

	if (e == NULL || !btf_is_int(e) || e->size != 1 || a->nelems == 0 || a->nelems > size)
		return false;
	if (!(btf_int_encoding(e) & BTF_INT_CHAR) && strcmp(btf__name_by_offset(btf, e->name_off),
							    "char") != 0)
		return false;
	for (i = 0; i < a->nelems && data[i] != '\0'; i++)
		if (!isprint(data[i]))
			return false;
	return i < a->nelems; /* NUL-terminated within the array */
}

static int
dump_members(FILE *out, const struct btf *btf, const struct btf_type *t, const uint8_t *data,
	     size_t size, int depth)
{
	const struct btf_member *m = btf_members(t);
	bool first = true;
	int rc = 0;

	fputc('{', out);
	for (uint32_t i = 0; i < btf_vlen(t) && rc == 0; i++, m++) {
		const uint32_t off = btf_member_bit_offset(t, i);
		const uint32_t bsz = btf_member_bitfield_size(t, i);
		const char *name = btf__name_by_offset(btf, m->name_off);

		if (name == NULL || name[0] == '\0') {
			/* an anonymous struct/union: its members, flattened as C reads them */
			const struct btf_type *mt = btf__type_by_id(btf, btf__resolve_type(btf,
											 m->type));

			if (mt != NULL && (btf_is_struct(mt) || btf_is_union(mt)) && off % 8 == 0 &&
			    off / 8 <= size) {
				fprintf(out, "%s\"\":", first ? "" : ",");
				rc = dump_members(out, btf, mt, data + off / 8, size - off / 8,
						  depth + 1);
				first = false;
			}
			continue;
		}
		fprintf(out, "%s", first ? "" : ",");
		xdpdk_json_str(out, name, 256);
		fputc(':', out);
		if (bsz != 0)
			rc = dump(out, btf, m->type, data, size, off, bsz, depth + 1);
		else if (off % 8 == 0 && off / 8 <= size)
			rc = dump(out, btf, m->type, data + off / 8, size - off / 8, 0, 0, depth + 1);
		else
			rc = -EINVAL;
		first = false;
	}
	fputc('}', out);
	return rc;
}

static int
dump(FILE *out, const struct btf *btf, uint32_t id, const uint8_t *data, size_t size,
     uint32_t bit_off, uint32_t bit_sz, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int rc = 0;

	if (t == NULL || depth > MAX_DEPTH)
		return -EINVAL;
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return dump(out, btf, t->type, data, size, bit_off, bit_sz, depth + 1);
	case BTF_KIND_INT:
		return dump_int(out, t, data, size, bit_off, bit_sz);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		uint32_t bits = bit_sz ? bit_sz : t->size * 8;
		uint64_t v;

		if ((bit_off + bits + 7) / 8 > size || bits == 0 || bits > 64)
			return -EINVAL;
		v = read_bits(data, bit_off, bits);
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			uint32_t name_off;

			if (low_bits(enum_entry(t, i, &name_off), bits) == v) {
				xdpdk_json_str(out, btf__name_by_offset(btf, name_off), 256);
				return 0;
			}
		}
		fprintf(out, "%" PRIu64, v);
		return 0;
	}
	case BTF_KIND_PTR:
		if (size < 8)
			return -EINVAL;
		fprintf(out, "\"0x%" PRIx64 "\"", read_bits(data, 0, 64));
		return 0;
	case BTF_KIND_FLOAT:
		if (t->size == 4 && size >= 4) {
			float f;

			memcpy(&f, data, 4);
			fprintf(out, "%.9g", (double)f);
		} else if (t->size == 8 && size >= 8) {
			double f;

			memcpy(&f, data, 8);
			fprintf(out, "%.17g", f);
		} else {
			return -EINVAL;
		}
		return 0;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		const int64_t esz = btf__resolve_size(btf, a->type);

		if (esz <= 0 || (uint64_t)esz * a->nelems > size)
			return -EINVAL;
		if (is_string(btf, a, data, size)) {
			xdpdk_json_str(out, (const char *)data, a->nelems);
			return 0;
		}
		fputc('[', out);
		for (uint32_t i = 0; i < a->nelems && rc == 0; i++) {
			fprintf(out, "%s", i ? "," : "");
			rc = dump(out, btf, a->type, data + i * esz, size - i * esz, 0, 0, depth + 1);
		}
		fputc(']', out);
		return rc;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (t->size > size)
			return -EINVAL;
		return dump_members(out, btf, t, data, size, depth);
	default:
		return -ENOTSUP;
	}
}

int
xdpdk_btf_json(FILE *out, const struct xdpdk_btf *b, uint32_t type_id, const void *data,
	       size_t size)
{
	const int64_t need = b != NULL && type_id != 0 ? btf__resolve_size(b->btf, type_id) : -1;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if (need < 0 || (uint64_t)need > size)
		return -EINVAL;
	/* all or nothing: a type that cannot be printed leaves @p out untouched */
	mem = open_memstream(&buf, &len);
	if (mem == NULL)
		return -ENOMEM;
	rc = dump(mem, b->btf, type_id, data, size, 0, 0, 0);
	fclose(mem);
	if (rc == 0)
		fwrite(buf, 1, len, out);
	free(buf);
	return rc;
}

/* ---- typed JSON in: the other way, for typed map entries --------------- */

struct jin {
	const struct btf *btf;
	const char *s;
	char *err;
	size_t err_size;
	char path[128];
};

static int
jerr(struct jin *j, const char *what)
{
	if (j->err != NULL && j->err_size > 0 && j->err[0] == '\0')
		snprintf(j->err, j->err_size, "%s%s%s", j->path[0] ? j->path : "",
			 j->path[0] ? ": " : "", what);
	return -EINVAL;
}

static void
skip_ws(struct jin *j)
{
	while (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r')
		j->s++;
}

/* A JSON string into @p buf (NUL-terminated); escapes \" \\ \/ \n \t \uXXXX (< 0x100). */
static int
parse_string(struct jin *j, char *buf, size_t size, size_t *len)
{
	size_t n = 0;

	skip_ws(j);
	if (*j->s != '"')
		return jerr(j, "expected a string");
	for (j->s++; *j->s != '"'; j->s++) {
		char c = *j->s;

		if (c == '\0')
			return jerr(j, "unterminated string");
		if (c == '\\') {
			c = *++j->s;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') {
				unsigned int u;

				if (sscanf(j->s + 1, "%4x", &u) != 1 || u > 0xff)
					return jerr(j, "bad \\u escape");
				c = (char)u;
				j->s += 4;
			} else if (c != '"' && c != '\\' && c != '/')
				return jerr(j, "bad escape");
		}
		if (n + 1 >= size)
			return jerr(j, "string too long for the field");
		buf[n++] = c;
	}
	j->s++;
	buf[n] = '\0';
	*len = n;
	return 0;
}

static void
write_bits(uint8_t *data, uint32_t bit_off, uint32_t bits, uint64_t v)
{
	for (uint32_t i = 0; i < bits; i++) {
		const uint32_t b = bit_off + i;

		if ((v >> i) & 1)
			data[b / 8] |= (uint8_t)(1u << (b % 8));
		else
			data[b / 8] &= (uint8_t)~(1u << (b % 8));
	}
}

/* An integer value (number, true/false) of @p bits, signed or not. */
static int
parse_int(struct jin *j, bool is_signed, uint32_t bits, uint64_t *out)
{
	char *end;

	skip_ws(j);
	if (strncmp(j->s, "true", 4) == 0 || strncmp(j->s, "false", 5) == 0) {
		*out = j->s[0] == 't';
		j->s += *out ? 4 : 5;
		return 0;
	}
	errno = 0;
	if (*j->s == '-') {
		const long long v = strtoll(j->s, &end, 0);

		if (end == j->s || errno != 0 || !is_signed ||
		    (bits < 64 && v < -(1ll << (bits - 1))))
			return jerr(j, "number out of range");
		*out = (uint64_t)v;
	} else {
		const unsigned long long v = strtoull(j->s, &end, 0);

		if (end == j->s)
			return jerr(j, "expected a number");
		if (errno != 0 || (bits < 64 && v >> (is_signed ? bits - 1 : bits) != 0))
			return jerr(j, "number out of range");
		*out = v;
	}
	j->s = end;
	return 0;
}

static int enc(struct jin *j, uint32_t id, uint8_t *data, size_t size, uint32_t bit_off,
	       uint32_t bit_sz, int depth);

static int
enc_members(struct jin *j, const struct btf_type *t, uint8_t *data, size_t size, int depth)
{
	const size_t plen = strlen(j->path);
	bool first = true;

	skip_ws(j);
	if (*j->s != '{')
		return jerr(j, "expected an object");
	j->s++;
	for (;;) {
		const struct btf_member *m = btf_members(t);
		char name[128];
		size_t len;
		uint32_t i;
		int rc;

		skip_ws(j);
		if (*j->s == '}' && first) {
			j->s++;
			return 0;
		}
		if ((rc = parse_string(j, name, sizeof(name), &len)) != 0)
			return rc;
		skip_ws(j);
		if (*j->s++ != ':')
			return jerr(j, "expected ':'");
		for (i = 0; i < btf_vlen(t); i++, m++) {
			const char *mn = btf__name_by_offset(j->btf, m->name_off);

			if (mn != NULL && strcmp(mn, name) == 0)
				break;
		}
		snprintf(j->path + plen, sizeof(j->path) - plen, "%s%s", plen ? "." : "", name);
		if (i == btf_vlen(t))
			return jerr(j, "no such member");
		{
			const uint32_t off = btf_member_bit_offset(t, i);
			const uint32_t bsz = btf_member_bitfield_size(t, i);

			rc = bsz != 0 ? enc(j, m->type, data, size, off, bsz, depth + 1) :
					enc(j, m->type, data + off / 8, size - off / 8, 0, 0, depth + 1);
		}
		if (rc != 0)
			return rc;
		j->path[plen] = '\0';
		skip_ws(j);
		first = false;
		if (*j->s == ',') {
			j->s++;
			continue;
		}
		if (*j->s++ != '}')
			return jerr(j, "expected ',' or '}'");
		return 0;
	}
}

static int
enc(struct jin *j, uint32_t id, uint8_t *data, size_t size, uint32_t bit_off, uint32_t bit_sz,
    int depth)
{
	const struct btf_type *t = btf__type_by_id(j->btf, id);
	uint64_t v;
	int rc;

	if (t == NULL || depth > MAX_DEPTH)
		return jerr(j, "bad type");
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return enc(j, t->type, data, size, bit_off, bit_sz, depth + 1);
	case BTF_KIND_INT: {
		const uint32_t info = *(const uint32_t *)(t + 1);
		const uint32_t bits = bit_sz ? bit_sz : BTF_INT_BITS(info);

		if (bits > 64)
			return jerr(j, "128-bit integers take hex");
		rc = parse_int(j, (BTF_INT_ENCODING(info) & BTF_INT_SIGNED) != 0, bits, &v);
		if (rc == 0)
			write_bits(data, bit_off + BTF_INT_OFFSET(info), bits, low_bits(v, bits));
		return rc;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		const uint32_t bits = bit_sz ? bit_sz : t->size * 8;

		skip_ws(j);
		if (*j->s == '"') {
			char name[128];
			size_t len;
			uint32_t i;

			if ((rc = parse_string(j, name, sizeof(name), &len)) != 0)
				return rc;
			for (i = 0; i < btf_vlen(t); i++) {
				uint32_t no;

				v = enum_entry(t, i, &no);
				if (strcmp(btf__name_by_offset(j->btf, no), name) == 0)
					break;
			}
			if (i == btf_vlen(t))
				return jerr(j, "no such enum value");
		} else if ((rc = parse_int(j, true, 64, &v)) != 0) {
			return rc;
		}
		write_bits(data, bit_off, bits, low_bits(v, bits));
		return 0;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		const int64_t esz = btf__resolve_size(j->btf, a->type);
		const size_t plen = strlen(j->path);

		if (esz <= 0 || (uint64_t)esz * a->nelems > size)
			return jerr(j, "bad array");
		skip_ws(j);
		if (*j->s == '"') {
			size_t len;

			return parse_string(j, (char *)data, a->nelems, &len);
		}
		if (*j->s++ != '[')
			return jerr(j, "expected an array");
		for (uint32_t i = 0;; i++) {
			skip_ws(j);
			if (*j->s == ']' && i == 0)
				break;
			if (i == a->nelems)
				return jerr(j, "too many elements");
			snprintf(j->path + plen, sizeof(j->path) - plen, "[%u]", i);
			rc = enc(j, a->type, data + i * esz, size - i * esz, 0, 0, depth + 1);
			if (rc != 0)
				return rc;
			j->path[plen] = '\0';
			skip_ws(j);
			if (*j->s == ',') {
				j->s++;
				continue;
			}
			if (*j->s != ']')
				return jerr(j, "expected ',' or ']'");
			break;
		}
		j->s++;
		return 0;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (t->size > size)
			return jerr(j, "bad struct");
		return enc_members(j, t, data, size, depth);
	default:
		return jerr(j, "this kind of type (pointer, function...) takes hex");
	}
}

int
xdpdk_btf_from_json(const struct xdpdk_btf *b, uint32_t type_id, const char *json, void *out,
		    size_t size, char *err, size_t err_size)
{
	const int64_t need = b != NULL && type_id != 0 ? btf__resolve_size(b->btf, type_id) : -1;
	struct jin j = { .err = err, .err_size = err_size };
	int rc;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (need < 0 || (uint64_t)need != size)
		return jerr(&j, "the map has no BTF type of that size");
	j.btf = b->btf;
	j.s = json;
	memset(out, 0, size);
	rc = enc(&j, type_id, out, size, 0, 0, 0);
	if (rc != 0)
		return rc;
	skip_ws(&j);
	return *j.s == '\0' ? 0 : jerr(&j, "trailing text after the value");
}
