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

static void
json_str(FILE *out, const char *s, size_t max)
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
		json_str(out, name, 256);
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
			const uint64_t ev = btf_is_enum(t) ? (uint64_t)(uint32_t)btf_enum(t)[i].val :
							     btf_enum64_value(&btf_enum64(t)[i]);
			const uint32_t name_off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
								   btf_enum64(t)[i].name_off;

			if ((bits < 64 ? ev & ((1ull << bits) - 1) : ev) == v) {
				json_str(out, btf__name_by_offset(btf, name_off), 256);
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
			json_str(out, (const char *)data, a->nelems);
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
