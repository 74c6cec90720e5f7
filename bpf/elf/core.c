/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CO-RE: the .BTF.ext relocations (struct bpf_core_relo) resolved against the
 * types xdpdk provides (xdp_md, __sk_buff, packet headers; core_types.bpf.c,
 * whose BTF is embedded in the library), as libbpf's relo_core.c resolves
 * them against vmlinux BTF: candidates by name without the ___flavor
 * suffix, fields matched by name along the access string (through anonymous
 * structs and unions), and the instruction's immediate or offset checked
 * against the local value before it is patched.
 *
 * The relocations are applied to the code sections themselves (the loader's
 * private copy), before programs are cut out, so every copy of a subprogram
 * is patched once. Where libbpf poisons an instruction (a relocation with no
 * target, a load of a field whose size changed and cannot be adjusted), so
 * does xdpdk: the instruction becomes a call to helper 0xbad2310, recorded
 * with the relocation it stands for. Guarded by an existence check (which
 * answers 0 without error), it is dead code the verifier never reaches and
 * the program loads; reached, the verifier refuses it and names the
 * relocation (libbpf's fixup of the kernel's log).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "elf_internal.h"
#include "isa.h"

/* struct btf_ext_header, bpf_core_relo and bpf_core_relo_kind, from linux/bpf.h and libbpf. */
#define BTF_EXT_MAGIC	 0xeB9F
#define BTF_EXT_HDR_MIN	 24 /* up to line_info_len */
#define BTF_EXT_HDR_CORE 32 /* with core_relo_off/len */
#define CORE_RELO_MIN	 16
#define SPEC_MAX	 64
#define MAX_COMPAT_DEPTH 32
#define POISON		 (-EUCLEAN)

enum {
	FIELD_BYTE_OFFSET,
	FIELD_BYTE_SIZE,
	FIELD_EXISTS,
	FIELD_SIGNED,
	FIELD_LSHIFT_U64,
	FIELD_RSHIFT_U64,
	TYPE_ID_LOCAL,
	TYPE_ID_TARGET,
	TYPE_EXISTS,
	TYPE_SIZE,
	ENUMVAL_EXISTS,
	ENUMVAL_VALUE,
	TYPE_MATCHES,
	N_KINDS,
};

static const char *const kind_str[N_KINDS] = {
    "byte_off",	      "byte_sz",       "field_exists",	 "signed",	"lshift_u64",
    "rshift_u64",     "local_type_id", "target_type_id", "type_exists", "type_size",
    "enumval_exists", "enumval_value", "type_matches",
};

struct core_relo {
	uint32_t insn_off;
	uint32_t type_id;
	uint32_t access_str_off;
	uint32_t kind;
};

/* libbpf's bpf_core_accessor / bpf_core_spec. */
struct accessor {
	uint32_t type_id;
	uint32_t idx;
	const char *name; /* NULL: array index */
};

struct spec {
	const struct btf *btf;
	uint32_t root_type_id;
	uint32_t kind;
	struct accessor acc[SPEC_MAX];
	int len;
	uint32_t raw[SPEC_MAX];
	int raw_len;
	int64_t bit_offset;
};

/* What one relocation resolves to (libbpf's bpf_core_relo_res). */
struct relo_res {
	uint64_t orig_val, new_val;
	uint32_t orig_sz, new_sz;
	uint32_t orig_type_id, new_type_id;
	bool validate;
	bool fail_memsz_adjust;
	bool poison;		/* no target: the instruction becomes a poisoned call */
};

/* The stage's state. */
struct core {
	struct elf_load *ld;
	const struct btf *local;
	struct btf *target;
	size_t shndx;  /* section being relocated */
	uint8_t *code; /* its bytes, writable */
	uint32_t n_insns;
	const struct core_relo *relo;
	const char *access;
	char why[160]; /* why the relocation poisons its instruction */
};

static bool
is_field_kind(uint32_t k)
{
	return k <= FIELD_RSHIFT_U64;
}

static bool
is_type_kind(uint32_t k)
{
	return k == TYPE_ID_LOCAL || k == TYPE_ID_TARGET || k == TYPE_EXISTS || k == TYPE_SIZE ||
	       k == TYPE_MATCHES;
}

static bool
is_enumval_kind(uint32_t k)
{
	return k == ENUMVAL_EXISTS || k == ENUMVAL_VALUE;
}

static const char *
name_of(const struct btf *btf, uint32_t off)
{
	const char *n = btf__name_by_offset(btf, off);

	return n != NULL ? n : "";
}

/* "task_struct___old" → length of "task_struct" (the last X___Y split). */
static size_t
essential_len(const char *name)
{
	size_t n = strlen(name);
	ptrdiff_t i;

	for (i = (ptrdiff_t)n - 5; i >= 0; i--) {
		const char *s = name + i;

		if (s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' && s[4] != '_')
			return (size_t)i + 1;
	}
	return n;
}

static const struct btf_type *
skip(const struct btf *btf, uint32_t id, uint32_t *res)
{
	return xdpdk_elf_btf_skip(btf, id, res);
}

static int64_t
type_size(const struct btf *btf, uint32_t id)
{
	int64_t sz = btf__resolve_size(btf, id);

	return sz < 0 ? -EINVAL : sz;
}

/* Name the relocation's function and instruction, then say what went wrong. */
static int fail(struct core *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct core *c, int rc, const char *fmt, ...)
{
	uint32_t idx = c->relo->insn_off / sizeof(struct bpf_insn);
	const struct elf_func *f = xdpdk_elf_func_at(c->ld, (uint32_t)c->shndx, idx);
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f != NULL)
		xdpdk_elf_log(c->ld, "prog '%s': insn %u: CO-RE relocation %s", f->name,
			      idx - f->start, msg);
	else
		xdpdk_elf_log(c->ld, "section '%s': insn %u: CO-RE relocation %s",
			      c->ld->secs[c->shndx].name, idx, msg);
	return rc;
}

/* ---- specs ------------------------------------------------------------- */

static bool
is_flex_arr(const struct btf *btf, const struct accessor *acc, const struct btf_array *arr)
{
	const struct btf_type *t;

	if (acc->name == NULL || arr->nelems > 0)
		return false;
	t = btf__type_by_id(btf, acc->type_id);
	return t != NULL && acc->idx == (uint32_t)btf_vlen(t) - 1;
}

/* libbpf's bpf_core_parse_spec: "0:1:2" into raw indexes and named accessors. */
static int
parse_spec(const struct btf *btf, const struct core_relo *r, const char *str, struct spec *s)
{
	const struct btf_type *t;
	uint32_t id, i;
	int64_t sz;

	memset(s, 0, sizeof(*s));
	s->btf = btf;
	s->root_type_id = r->type_id;
	s->kind = r->kind;
	if (str[0] == '\0' || str[0] == ':')
		return -EINVAL;
	if (is_type_kind(r->kind))
		return strcmp(str, "0") == 0 ? 0 : -EINVAL;
	while (*str != '\0') {
		char *end;
		unsigned long v;

		if (*str == ':')
			str++;
		if (*str < '0' || *str > '9')
			return -EINVAL;
		v = strtoul(str, &end, 10);
		if (v > INT32_MAX || s->raw_len == SPEC_MAX)
			return -EINVAL;
		s->raw[s->raw_len++] = (uint32_t)v;
		str = end;
	}
	t = skip(btf, r->type_id, &id);
	if (t == NULL)
		return -EINVAL;
	s->acc[0].type_id = id;
	s->acc[0].idx = s->raw[0];
	s->len = 1;
	if (is_enumval_kind(r->kind)) {
		if (!btf_is_any_enum(t) || s->raw_len > 1 || s->raw[0] >= btf_vlen(t))
			return -EINVAL;
		s->acc[0].name = name_of(btf, btf_is_enum(t) ? btf_enum(t)[s->raw[0]].name_off
							     : btf_enum64(t)[s->raw[0]].name_off);
		return 0;
	}
	if (!is_field_kind(r->kind))
		return -EINVAL;
	sz = type_size(btf, id);
	if (sz < 0)
		return -EINVAL;
	s->bit_offset = (int64_t)s->raw[0] * sz * 8;
	for (i = 1; i < (uint32_t)s->raw_len; i++) {
		struct accessor *acc = &s->acc[s->len];
		uint32_t idx = s->raw[i];

		t = skip(btf, id, &id);
		if (t == NULL)
			return -EINVAL;
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t))
				return -EINVAL;
			m = btf_members(t) + idx;
			s->bit_offset += btf_member_bit_offset(t, idx);
			if (m->name_off != 0) {
				acc->type_id = id;
				acc->idx = idx;
				acc->name = name_of(btf, m->name_off);
				if (acc->name[0] == '\0')
					return -EINVAL;
				s->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *a = btf_array(t);

			if (skip(btf, a->type, &id) == NULL)
				return -EINVAL;
			if (!is_flex_arr(btf, acc - 1, a) && idx >= a->nelems)
				return -EINVAL;
			acc->type_id = id;
			acc->idx = idx;
			acc->name = NULL;
			s->len++;
			sz = type_size(btf, id);
			if (sz < 0)
				return -EINVAL;
			s->bit_offset += (int64_t)idx * sz * 8;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* libbpf's bpf_core_fields_are_compat. */
static int
fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	int depth;

	for (depth = 0; depth < MAX_COMPAT_DEPTH; depth++) {
		const struct btf_type *l = skip(lb, lid, &lid), *t = skip(tb, tid, &tid);
		size_t ll, tl;

		if (l == NULL || t == NULL)
			return -EINVAL;
		if (btf_is_composite(l) && btf_is_composite(t))
			return 1;
		if (!btf_kind_core_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			ll = essential_len(name_of(lb, l->name_off));
			tl = essential_len(name_of(tb, t->name_off));
			return ll == 0 || tl == 0 ||
			       (ll == tl && strncmp(name_of(lb, l->name_off),
						    name_of(tb, t->name_off), ll) == 0);
		case BTF_KIND_INT:
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* libbpf's __bpf_core_types_are_compat (TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET). */
static int
types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid, int level)
{
	const struct btf_type *l = btf__type_by_id(lb, lid), *t = btf__type_by_id(tb, tid);
	int depth, rc;

	if (l == NULL || t == NULL)
		return -EINVAL;
	if (!btf_kind_core_compat(l, t))
		return 0;
	for (depth = 0; depth < MAX_COMPAT_DEPTH; depth++) {
		l = skip(lb, lid, &lid);
		t = skip(tb, tid, &tid);
		if (l == NULL || t == NULL)
			return -EINVAL;
		if (!btf_kind_core_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM64:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_PTR:
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(l), *tp = btf_params(t);
			uint16_t i, n = btf_vlen(l);

			if (n != btf_vlen(t))
				return 0;
			for (i = 0; i < n; i++, lp++, tp++) {
				uint32_t a, b;

				if (level <= 0 || skip(lb, lp->type, &a) == NULL ||
				    skip(tb, tp->type, &b) == NULL)
					return -EINVAL;
				rc = types_compat(lb, a, tb, b, level - 1);
				if (rc <= 0)
					return rc;
			}
			lid = l->type;
			tid = t->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* libbpf's bpf_core_match_member: find a named field, through anonymous members. */
static int
match_member(const struct spec *ls, const struct accessor *la, uint32_t tid, struct spec *ts,
	     uint32_t *next, int depth)
{
	const struct btf_type *lt, *tt = skip(ts->btf, tid, &tid);
	const struct btf_member *lm, *m;
	const char *lname;
	uint16_t i, n;
	int found;

	if (tt == NULL || depth > MAX_COMPAT_DEPTH)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	lt = btf__type_by_id(ls->btf, la->type_id);
	lm = btf_members(lt) + la->idx;
	lname = name_of(ls->btf, lm->name_off);
	n = btf_vlen(tt);
	m = btf_members(tt);
	for (i = 0; i < n; i++, m++) {
		uint32_t bit = btf_member_bit_offset(tt, i);
		const char *tname = name_of(ts->btf, m->name_off);

		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += bit;
		ts->raw[ts->raw_len++] = i;
		if (tname[0] == '\0') {
			found = match_member(ls, la, m->type, ts, next, depth + 1);
			if (found != 0)
				return found;
		} else if (strcmp(lname, tname) == 0) {
			struct accessor *ta = &ts->acc[ts->len++];

			ta->type_id = tid;
			ta->idx = i;
			ta->name = tname;
			*next = m->type;
			found = fields_compat(ls->btf, lm->type, ts->btf, m->type);
			if (found <= 0)
				ts->len--;
			return found;
		}
		ts->bit_offset -= bit;
		ts->raw_len--;
	}
	return 0;
}

/* libbpf's bpf_core_spec_match: 1 and the target spec, 0 no match, < 0 error. */
static int
spec_match(const struct spec *ls, const struct btf *tb, uint32_t tid, struct spec *ts)
{
	const struct btf_type *tt;
	int i, rc;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_type_id = tid;
	ts->kind = ls->kind;
	if (is_type_kind(ls->kind))
		return types_compat(ls->btf, ls->root_type_id, tb, tid, MAX_COMPAT_DEPTH);
	if (is_enumval_kind(ls->kind)) {
		size_t len = essential_len(ls->acc[0].name);

		tt = skip(tb, tid, &tid);
		if (tt == NULL || !btf_is_any_enum(tt))
			return 0;
		for (i = 0; i < btf_vlen(tt); i++) {
			const char *n = name_of(tb, btf_is_enum(tt) ? btf_enum(tt)[i].name_off
								    : btf_enum64(tt)[i].name_off);

			if (essential_len(n) == len && strncmp(ls->acc[0].name, n, len) == 0) {
				ts->acc[0] = (struct accessor){
				    .type_id = tid, .idx = (uint32_t)i, .name = n};
				ts->len = 1;
				ts->raw[ts->raw_len++] = (uint32_t)i;
				return 1;
			}
		}
		return 0;
	}
	for (i = 0; i < ls->len; i++) {
		const struct accessor *la = &ls->acc[i];
		struct accessor *ta = &ts->acc[ts->len];
		int64_t sz;

		tt = skip(tb, tid, &tid);
		if (tt == NULL)
			return -EINVAL;
		if (la->name != NULL) {
			rc = match_member(ls, la, tid, ts, &tid, 0);
			if (rc <= 0)
				return rc;
			continue;
		}
		if (i > 0) {
			const struct btf_array *a;

			if (!btf_is_array(tt))
				return 0;
			a = btf_array(tt);
			if (!is_flex_arr(tb, ta - 1, a) && la->idx >= a->nelems)
				return 0;
			if (skip(tb, a->type, &tid) == NULL)
				return -EINVAL;
		}
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		*ta = (struct accessor){.type_id = tid, .idx = la->idx, .name = NULL};
		ts->len++;
		ts->raw[ts->raw_len++] = la->idx;
		sz = type_size(tb, tid);
		if (sz < 0)
			return -EINVAL;
		ts->bit_offset += (int64_t)la->idx * sz * 8;
	}
	return 1;
}

/* ---- values ------------------------------------------------------------ */

/* libbpf's bpf_core_calc_field_relo; @p s NULL: the field does not exist. */
static int
calc_field(const struct spec *s, uint32_t kind, uint64_t *val, uint32_t *field_sz,
	   uint32_t *type_id, bool *validate)
{
	uint32_t byte_off, byte_sz, bit_sz, field_id;
	const struct accessor *acc;
	const struct btf_type *t, *mt;
	int64_t sz, bit_off;
	bool bitfield;

	*field_sz = 0;
	if (kind == FIELD_EXISTS) {
		*val = s != NULL;
		return 0;
	}
	if (s == NULL)
		return POISON;
	acc = &s->acc[s->len - 1];
	if (s->bit_offset < 0 || s->bit_offset / 8 > UINT32_MAX)
		return -EINVAL;
	bit_off = s->bit_offset;
	if (acc->name == NULL) { /* a[n] */
		sz = type_size(s->btf, acc->type_id);
		if (sz < 0 || (kind != FIELD_BYTE_OFFSET && kind != FIELD_BYTE_SIZE))
			return -EINVAL;
		*val = kind == FIELD_BYTE_OFFSET ? (uint64_t)bit_off / 8 : (uint64_t)sz;
		if (kind == FIELD_BYTE_OFFSET) {
			*field_sz = (uint32_t)sz;
			*type_id = acc->type_id;
		}
		if (validate != NULL)
			*validate = true;
		return 0;
	}
	t = btf__type_by_id(s->btf, acc->type_id);
	mt = skip(s->btf, btf_members(t)[acc->idx].type, &field_id);
	if (mt == NULL)
		return -EINVAL;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		byte_sz = mt->size;
		if (byte_sz == 0 || byte_sz > 8)
			return -EINVAL;
		byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		/* The smallest load that holds the whole bitfield. */
		while (bit_off + bit_sz - (int64_t)byte_off * 8 > (int64_t)byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		}
	} else {
		sz = type_size(s->btf, field_id);
		if (sz < 0 || sz > UINT32_MAX / 8)
			return -EINVAL;
		byte_sz = (uint32_t)sz;
		byte_off = (uint32_t)(bit_off / 8);
		bit_sz = byte_sz * 8;
	}
	/* Bitfield offsets and sizes are the compiler's choice: no check. */
	if (validate != NULL)
		*validate = !bitfield;
	switch (kind) {
	case FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*field_sz = byte_sz;
			*type_id = field_id;
		}
		break;
	case FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case FIELD_SIGNED:
		*val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
		       (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		if (validate != NULL)
			*validate = true;
		break;
	case FIELD_LSHIFT_U64: /* BPF is little-endian */
		*val = 64 - (uint64_t)(bit_off + bit_sz - (int64_t)byte_off * 8);
		break;
	case FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate != NULL)
			*validate = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int
calc_type(const struct spec *s, uint32_t kind, uint64_t *val, bool *validate)
{
	int64_t sz;

	if (validate != NULL)
		*validate = true;
	if (s == NULL) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case TYPE_ID_TARGET:
		*val = s->root_type_id;
		if (validate != NULL)
			*validate = false; /* ids change when objects are linked */
		return 0;
	case TYPE_EXISTS:
	case TYPE_MATCHES:
		*val = 1;
		return 0;
	case TYPE_SIZE:
		sz = type_size(s->btf, s->root_type_id);
		if (sz < 0)
			return -EINVAL;
		*val = (uint64_t)sz;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int
calc_enumval(const struct spec *s, uint32_t kind, uint64_t *val)
{
	const struct btf_type *t;

	if (kind == ENUMVAL_EXISTS) {
		*val = s != NULL;
		return 0;
	}
	if (s == NULL)
		return POISON;
	t = btf__type_by_id(s->btf, s->acc[0].type_id);
	if (btf_is_enum(t))
		*val = (uint64_t)(int64_t)btf_enum(t)[s->acc[0].idx].val;
	else
		*val = btf_enum64_value(btf_enum64(t) + s->acc[0].idx);
	return 0;
}

/* libbpf's bpf_core_calc_relo: local and target values of one relocation. */
static int
calc_relo(const struct spec *ls, const struct spec *ts, uint32_t kind, struct relo_res *res)
{
	const struct btf_type *o, *n;
	int rc;

	memset(res, 0, sizeof(*res));
	res->validate = true;
	if (is_field_kind(kind)) {
		rc = calc_field(ls, kind, &res->orig_val, &res->orig_sz, &res->orig_type_id,
				&res->validate);
		if (rc == 0)
			rc = calc_field(ts, kind, &res->new_val, &res->new_sz, &res->new_type_id,
					NULL);
		if (rc != 0 || res->orig_sz == res->new_sz)
			return rc;
		/* A load may change size only where zero extension keeps the value. */
		o = btf__type_by_id(ls->btf, res->orig_type_id);
		n = btf__type_by_id(ts->btf, res->new_type_id);
		if (o != NULL && n != NULL &&
		    ((btf_is_ptr(o) && btf_is_ptr(n)) ||
		     (btf_is_int(o) && btf_is_int(n) && btf_int_encoding(o) != BTF_INT_SIGNED &&
		      btf_int_encoding(n) != BTF_INT_SIGNED)))
			return 0;
		res->fail_memsz_adjust = true;
		return 0;
	}
	if (is_type_kind(kind)) {
		rc = calc_type(ls, kind, &res->orig_val, &res->validate);
		return rc != 0 ? rc : calc_type(ts, kind, &res->new_val, NULL);
	}
	rc = calc_enumval(ls, kind, &res->orig_val);
	return rc != 0 ? rc : calc_enumval(ts, kind, &res->new_val);
}

/* ---- patching ---------------------------------------------------------- */

static int
bytes_to_size(uint32_t sz)
{
	switch (sz) {
	case 8:
		return BPF_DW;
	case 4:
		return BPF_W;
	case 2:
		return BPF_H;
	case 1:
		return BPF_B;
	default:
		return -1;
	}
}

/* libbpf's bpf_core_patch_insn, with an error where libbpf would poison. */
static int
patch_insn(struct core *c, const char *what, const struct relo_res *res, struct bpf_insn *insn,
	   bool has_next)
{
	uint64_t imm;
	int size;

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return fail(c, -EINVAL, "%s: not on an instruction with an immediate",
				    what);
		if (res->validate && (uint64_t)(int64_t)insn->imm != res->orig_val &&
		    (uint32_t)insn->imm != res->orig_val)
			return fail(c, -EINVAL, "%s: instruction has %d, expected %llu", what,
				    insn->imm, (unsigned long long)res->orig_val);
		if (res->new_val > UINT32_MAX &&
		    ((int64_t)res->new_val >= 0 || (int64_t)res->new_val < INT32_MIN))
			return fail(c, -EINVAL, "%s: value %llu does not fit the instruction", what,
				    (unsigned long long)res->new_val);
		insn->imm = (int32_t)res->new_val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (uint64_t)(int64_t)insn->off != res->orig_val)
			return fail(c, -EINVAL, "%s: instruction has offset %d, expected %llu",
				    what, insn->off, (unsigned long long)res->orig_val);
		if (res->new_val > SHRT_MAX)
			return fail(c, -EINVAL, "%s: offset %llu does not fit the instruction",
				    what, (unsigned long long)res->new_val);
		if (res->fail_memsz_adjust) {
			snprintf(c->why, sizeof(c->why),
				 "the field's size differs (%u bytes here, %u in xdpdk) and is not "
				 "an unsigned integer or a pointer", res->orig_sz, res->new_sz);
			return POISON;
		}
		insn->off = (int16_t)res->new_val;
		if (res->new_sz != res->orig_sz) {
			size = bytes_to_size(res->new_sz);
			if (xdpdk_isa_size_bytes(insn->code) != res->orig_sz || size < 0)
				return fail(c, -EINVAL, "%s: cannot resize a %u-byte access to %u",
					    what, xdpdk_isa_size_bytes(insn->code), res->new_sz);
			insn->code = (uint8_t)(BPF_MODE(insn->code) | size | BPF_CLASS(insn->code));
		}
		return 0;
	case BPF_LD:
		if (!xdpdk_isa_is_lddw(insn) || !has_next || insn->src_reg != 0 ||
		    insn[1].code != 0)
			return fail(c, -EINVAL, "%s: on an unexpected instruction", what);
		imm = xdpdk_isa_lddw_imm(insn);
		if (res->validate && imm != res->orig_val)
			return fail(c, -EINVAL, "%s: instruction has %llu, expected %llu", what,
				    (unsigned long long)imm, (unsigned long long)res->orig_val);
		insn[0].imm = (int32_t)(uint32_t)res->new_val;
		insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
		return 0;
	default:
		return fail(c, -EINVAL, "%s: on an unexpected instruction (opcode 0x%02x)", what,
			    insn->code);
	}
}

/*
 * libbpf's bpf_core_poison_insn: a call to an invalid helper, both halves of
 * an lddw (a lone second half would be an unknown opcode 0x00). Recorded for
 * the verifier's message.
 */
static int
poison(struct core *c, const char *what, struct bpf_insn *insn, bool has_next)
{
	const struct bpf_insn call = {
		.code = BPF_JMP | BPF_CALL, .imm = XDPDK_CORE_POISON_HELPER,
	};
	uint32_t idx = c->relo->insn_off / sizeof(struct bpf_insn);
	struct elf_load *ld = c->ld;
	struct elf_poison *p;

	p = realloc(ld->poison, (ld->n_poison + 1) * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	ld->poison = p;
	p += ld->n_poison;
	p->shndx = (uint32_t)c->shndx;
	p->idx = idx;
	if (asprintf(&p->what, "%s: %s", what, c->why) < 0)
		return -ENOMEM;
	p->lddw = has_next && xdpdk_isa_is_lddw(insn);
	ld->n_poison++;
	if (p->lddw)
		insn[1] = call;
	insn[0] = call;
	return 0;
}

/* The section may sit at any offset of a corrupt file: patch a copy. */
static int
patch(struct core *c, const char *what, const struct relo_res *res)
{
	uint32_t idx = c->relo->insn_off / sizeof(struct bpf_insn);
	bool has_next = idx + 1 < c->n_insns;
	struct bpf_insn insn[2] = {0};
	size_t len = (has_next ? 2 : 1) * sizeof(struct bpf_insn);
	int rc;

	memcpy(insn, c->code + c->relo->insn_off, len);
	rc = res->poison ? POISON : patch_insn(c, what, res, insn, has_next);
	if (rc == POISON)
		rc = poison(c, what, insn, has_next);
	if (rc == 0)
		memcpy(c->code + c->relo->insn_off, insn, len);
	return rc;
}

/* "struct iphdr.addrs.saddr", "enum xdp_action::XDP_TX": for messages. */
static void
describe(const struct spec *s, const struct btf_type *root, char *buf, size_t size)
{
	static const char *const kinds[] = {
	    [BTF_KIND_STRUCT] = "struct ", [BTF_KIND_UNION] = "union ", [BTF_KIND_ENUM] = "enum ",
	    [BTF_KIND_ENUM64] = "enum ",   [BTF_KIND_TYPEDEF] = "",	[BTF_KIND_FWD] = "struct ",
	};
	uint16_t k = btf_kind(root);
	const char *kind = k < sizeof(kinds) / sizeof(kinds[0]) && kinds[k] ? kinds[k] : "";
	size_t len;
	int i;

	len = (size_t)snprintf(buf, size, "%s%s", kind, name_of(s->btf, root->name_off));
	if (is_enumval_kind(s->kind) && s->len > 0 && len < size) {
		snprintf(buf + len, size - len, "::%s", s->acc[0].name);
		return;
	}
	for (i = 1; i < s->len && len < size; i++) {
		if (s->acc[i].name != NULL)
			len += (size_t)snprintf(buf + len, size - len, ".%s", s->acc[i].name);
		else
			len += (size_t)snprintf(buf + len, size - len, "[%u]", s->acc[i].idx);
	}
}

/* One relocation, as libbpf's bpf_core_calc_relo_insn + patch. */
static int
apply(struct core *c, const struct core_relo *r)
{
	const struct btf_type *lt;
	struct spec ls, cs, ts = {0};
	struct relo_res res = {0}, cres;
	char what[256];
	uint32_t i, n;
	size_t elen;
	int found = 0, rc;

	c->relo = r;
	if (r->insn_off % sizeof(struct bpf_insn) != 0 ||
	    r->insn_off / sizeof(struct bpf_insn) >= c->n_insns)
		return fail(c, -EINVAL, "at byte %u: not an instruction", r->insn_off);
	if (r->kind >= N_KINDS)
		return fail(c, -ENOTSUP, "of unknown kind %u", r->kind);
	lt = btf__type_by_id(c->local, r->type_id);
	c->access = btf__name_by_offset(c->local, r->access_str_off);
	if (lt == NULL || c->access == NULL || parse_spec(c->local, r, c->access, &ls) != 0)
		return fail(c, -EINVAL, "(%s) of type [%u], access '%s': malformed",
			    kind_str[r->kind], r->type_id, c->access != NULL ? c->access : "?");
	describe(&ls, lt, what, sizeof(what));
	snprintf(what + strlen(what), sizeof(what) - strlen(what), " (%s, access %s)",
		 kind_str[r->kind], c->access);
	if (r->kind == TYPE_ID_LOCAL) {
		memset(&res, 0, sizeof(res));
		res.orig_val = res.new_val = r->type_id;
		return patch(c, what, &res);
	}
	elen = essential_len(name_of(c->local, lt->name_off));
	if (elen == 0)
		return fail(c, -ENOTSUP, "%s: anonymous types cannot be relocated", what);
	n = btf__type_cnt(c->target);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(c->target, i);
		const char *tn = name_of(c->target, t->name_off);

		if (!btf_kind_core_compat(t, lt) || essential_len(tn) != elen ||
		    strncmp(tn, name_of(c->local, lt->name_off), elen) != 0)
			continue;
		rc = spec_match(&ls, c->target, i, &cs);
		if (rc < 0)
			return fail(c, -EINVAL, "%s: cannot match target type [%u]", what, i);
		if (rc == 0)
			continue;
		rc = calc_relo(&ls, &cs, r->kind, &cres);
		if (rc != 0)
			return fail(c, -EINVAL, "%s: cannot be computed (%s)", what, strerror(-rc));
		if (found > 0 && (cs.bit_offset != ts.bit_offset || cres.new_val != res.new_val))
			return fail(c, -EINVAL, "%s: ambiguous between xdpdk's types", what);
		if (found++ == 0) {
			res = cres;
			ts = cs;
		}
	}
	if (found == 0) {
		rc = calc_relo(&ls, NULL, r->kind, &res);
		if (rc == POISON) {
			snprintf(c->why, sizeof(c->why), "xdpdk's types have no such %s",
				 is_enumval_kind(r->kind) ? "enum value" :
				 is_type_kind(r->kind) ? "type" : "field");
			res.poison = true;
			rc = 0;
		}
		if (rc != 0)
			return fail(c, -EINVAL, "%s: cannot be computed (%s)", what, strerror(-rc));
	}
	return patch(c, what, &res);
}

/* ---- .BTF.ext ---------------------------------------------------------- */

/* One info section: a code section's name and its records. */
static int
apply_section(struct core *c, const uint8_t *p, uint32_t rec_size, uint32_t n_recs)
{
	struct core_relo r;
	uint32_t i;
	int rc;

	for (i = 0; i < n_recs; i++, p += rec_size) {
		memcpy(&r, p, sizeof(r));
		rc = apply(c, &r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
walk_relos(struct core *c, const uint8_t *p, uint32_t len)
{
	struct elf_load *ld = c->ld;
	uint32_t rec_size;
	int rc;

	if (len < 4 || (rec_size = xdpdk_elf_rd32(p)) < CORE_RELO_MIN || rec_size % 4 != 0) {
		xdpdk_elf_log(ld, "section '.BTF.ext': bad CO-RE relocation record size");
		return -EINVAL;
	}
	p += 4;
	len -= 4;
	while (len > 0) {
		uint32_t name_off, n;
		const char *name;

		if (len < 8) {
			xdpdk_elf_log(ld, "section '.BTF.ext': truncated CO-RE relocations");
			return -EINVAL;
		}
		name_off = xdpdk_elf_rd32(p);
		n = xdpdk_elf_rd32(p + 4);
		p += 8;
		len -= 8;
		name = btf__name_by_offset(c->local, name_off);
		c->shndx = name != NULL ? xdpdk_elf_find_sec(ld, name) : 0;
		if (n == 0 || n > len / rec_size || c->shndx == 0 || !ld->secs[c->shndx].is_code ||
		    ld->secs[c->shndx].bytes == NULL) {
			xdpdk_elf_log(ld,
				      "section '.BTF.ext': CO-RE relocations for '%s' (%u records) "
				      "do not match a code section",
				      name != NULL ? name : "?", n);
			return -EINVAL;
		}
		/* The private image is ours to patch (read_sections bounded it). */
		c->code = ld->image + ld->secs[c->shndx].shdr.sh_offset;
		c->n_insns = (uint32_t)(ld->secs[c->shndx].shdr.sh_size / sizeof(struct bpf_insn));
		rc = apply_section(c, p, rec_size, n);
		if (rc != 0)
			return rc;
		p += (size_t)n * rec_size;
		len -= n * rec_size;
	}
	return 0;
}

int
xdpdk_elf_core_relocate(struct elf_load *ld)
{
	const struct elf_sec *s;
	struct core c = {.ld = ld};
	uint32_t hdr_len, off, len;
	struct btf *local;
	int rc;

	if (ld->btf_ext_idx == 0)
		return 0;
	s = &ld->secs[ld->btf_ext_idx];
	if (s->bytes == NULL || s->shdr.sh_size < 8 ||
	    (s->bytes[0] | s->bytes[1] << 8) != BTF_EXT_MAGIC) {
		xdpdk_elf_log(ld, "section '.BTF.ext': bad header");
		return -EINVAL;
	}
	hdr_len = xdpdk_elf_rd32(s->bytes + 4);
	if (hdr_len < BTF_EXT_HDR_MIN || hdr_len > s->shdr.sh_size) {
		xdpdk_elf_log(ld, "section '.BTF.ext': bad header length %u", hdr_len);
		return -EINVAL;
	}
	if (hdr_len < BTF_EXT_HDR_CORE)
		return 0;
	off = xdpdk_elf_rd32(s->bytes + 24);
	len = xdpdk_elf_rd32(s->bytes + 28);
	if (len == 0)
		return 0;
	if ((uint64_t)off + len > s->shdr.sh_size - hdr_len) {
		xdpdk_elf_log(ld, "section '.BTF.ext': CO-RE relocations past its end");
		return -EINVAL;
	}
	rc = xdpdk_elf_btf(ld, "CO-RE", &local);
	if (rc != 0)
		return rc;
	c.local = local;
	c.target = btf__new(xdpdk_elf_core_btf, (uint32_t)xdpdk_elf_core_btf_size);
	if (c.target == NULL) {
		xdpdk_elf_log(ld, "CO-RE: xdpdk's own BTF does not parse (%s)", strerror(errno));
		return -ENOMEM;
	}
	rc = walk_relos(&c, s->bytes + hdr_len + off, len);
	btf__free(c.target);
	return rc;
}

int
xdpdk_elf_core_poison_map(struct elf_load *ld, struct xdpdk_obj_prog *prog,
			  const struct insn_origin *orig, uint32_t n)
{
	uint32_t n_hit = 0, k = 0;
	size_t bytes = 0;
	char *pool = NULL;

	/* Few poisons, a handful at most: a scan per instruction is enough. */
	for (uint32_t pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n && ld->n_poison > 0; i++) {
			for (uint32_t j = 0; j < ld->n_poison; j++) {
				const struct elf_poison *p = &ld->poison[j];
				size_t l;

				/* an lddw's second half is the same relocation's */
				if (p->shndx != orig[i].shndx ||
				    (p->idx != orig[i].idx && !(p->lddw && p->idx + 1 == orig[i].idx)))
					continue;
				l = strlen(p->what) + 1;
				if (pass == 0) {
					n_hit++;
					bytes += l;
				} else {
					prog->poison[k].insn_off = i;
					prog->poison[k++].what = memcpy(pool, p->what, l);
					pool += l;
				}
				break;
			}
		}
		if (pass == 0) {
			if (n_hit == 0)
				return 0;
			prog->poison = malloc(sizeof(*prog->poison) * n_hit + bytes);
			if (prog->poison == NULL)
				return -ENOMEM;
			pool = (char *)(prog->poison + n_hit);
		}
	}
	prog->n_poison = k;
	return 0;
}
