/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Relocation of one program: the program's instructions are copied, then
 * every bpf2bpf call and function-pointer lddw is followed to its target
 * function, which is appended once (transitively) after the program, and the
 * instruction's imm is made relative to the new layout (target - pc - 1), as
 * the kernel expects. References to maps and global data are refused until
 * the maps component exists.
 *
 * How clang encodes a code reference (and how libbpf reads it):
 *  - call to another section: R_BPF_64_32 against the function's symbol
 *    (imm = -1) or, for a static function, the section symbol with the
 *    function's offset folded into imm: target = st_value + (imm + 1) * 8.
 *  - call inside the same section: no relocation, plain pc-relative imm.
 *  - &func: lddw with R_BPF_64_64, imm = byte offset from the symbol:
 *    target = st_value + imm; it becomes src_reg = BPF_PSEUDO_FUNC.
 *  - &map, &global: lddw with R_BPF_64_64 against the map's or variable's
 *    symbol, or a data section's symbol with the offset in imm.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf_internal.h"
#include "isa.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10
#endif
#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC 4
#endif

#define INSN_SZ	   sizeof(struct bpf_insn)
#define NOT_PLACED UINT32_MAX


/* Working state while relocating one program. */
struct reloc_state {
	struct elf_load *ld;
	struct xdpdk_obj_prog *prog;
	struct bpf_insn *insns;
	struct insn_origin *orig;
	uint32_t n;
	uint32_t cap;
	uint32_t *placed; /* per ld->funcs[]: output offset, or NOT_PLACED */
};

static int
cmp_reloc(const void *a, const void *b)
{
	const struct elf_reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Read one SHT_REL section that applies to a code section. */
static int
collect_one(struct elf_load *ld, size_t idx)
{
	const struct elf_sec *rs = &ld->secs[idx];
	struct elf_sec *target = &ld->secs[rs->shdr.sh_info];
	size_t i, n = rs->shdr.sh_size / sizeof(Elf64_Rel);
	struct elf_reloc *grown;
	Elf_Data *data;

	if (rs->shdr.sh_entsize != sizeof(Elf64_Rel) || rs->shdr.sh_size % sizeof(Elf64_Rel)) {
		xdpdk_elf_log(ld, "section '%s': bad relocation entry size %llu or size %llu",
			      rs->name, (unsigned long long)rs->shdr.sh_entsize,
			      (unsigned long long)rs->shdr.sh_size);
		return -EINVAL;
	}
	if (ld->symtab_idx == 0 || rs->shdr.sh_link != ld->symtab_idx) {
		xdpdk_elf_log(ld,
			      "section '%s': relocations without the symbol table "
			      "(link %u)",
			      rs->name, rs->shdr.sh_link);
		return -EINVAL;
	}
	if (n == 0)
		return 0;
	/* At most one per instruction: also bounds memory on corrupt input. */
	if (n > target->shdr.sh_size / INSN_SZ - target->n_relocs) {
		xdpdk_elf_log(ld, "section '%s': more relocations than instructions in '%s'",
			      rs->name, target->name);
		return -EINVAL;
	}
	data = elf_getdata(elf_getscn(ld->elf, idx), NULL);
	if (data == NULL || data->d_size != rs->shdr.sh_size) {
		xdpdk_elf_log(ld, "section '%s': %s", rs->name, elf_errmsg(-1));
		return -EINVAL;
	}
	grown = realloc(target->relocs, (target->n_relocs + n) * sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	target->relocs = grown;
	for (i = 0; i < n; i++) {
		struct elf_reloc *r = &target->relocs[target->n_relocs];
		GElf_Rel rel;

		if (gelf_getrel(data, (int)i, &rel) == NULL) {
			xdpdk_elf_log(ld, "section '%s': relocation %zu: %s", rs->name, i,
				      elf_errmsg(-1));
			return -EINVAL;
		}
		if (rel.r_offset % INSN_SZ != 0 || rel.r_offset >= target->shdr.sh_size) {
			xdpdk_elf_log(ld,
				      "section '%s': relocation %zu: offset %llu is not an "
				      "instruction of section '%s' (size %llu)",
				      rs->name, i, (unsigned long long)rel.r_offset, target->name,
				      (unsigned long long)target->shdr.sh_size);
			return -EINVAL;
		}
		if (GELF_R_SYM(rel.r_info) >= ld->n_syms) {
			xdpdk_elf_log(ld,
				      "section '%s': relocation %zu: symbol index %llu out "
				      "of range (%zu symbols)",
				      rs->name, i, (unsigned long long)GELF_R_SYM(rel.r_info),
				      ld->n_syms);
			return -EINVAL;
		}
		r->offset = rel.r_offset;
		r->type = (uint32_t)GELF_R_TYPE(rel.r_info);
		r->sym = (uint32_t)GELF_R_SYM(rel.r_info);
		target->n_relocs++;
	}
	return 0;
}

int
xdpdk_elf_collect_relocs(struct elf_load *ld)
{
	size_t i;
	int rc;

	for (i = 1; i < ld->shnum; i++) {
		const struct elf_sec *s = &ld->secs[i];

		if (s->shdr.sh_type != SHT_REL && s->shdr.sh_type != SHT_RELA)
			continue;
		if (s->shdr.sh_info == 0 || s->shdr.sh_info >= ld->shnum) {
			xdpdk_elf_log(ld, "section '%s': relocations for a bad section index %u",
				      s->name, s->shdr.sh_info);
			return -EINVAL;
		}
		/* Debug info and BTF relocations matter to no one here. */
		if (!ld->secs[s->shdr.sh_info].is_code)
			continue;
		if (s->shdr.sh_type == SHT_RELA) {
			xdpdk_elf_log(ld,
				      "section '%s': RELA relocations on code are not "
				      "used by BPF objects",
				      s->name);
			return -EINVAL;
		}
		rc = collect_one(ld, i);
		if (rc != 0)
			return rc;
	}
	for (i = 1; i < ld->shnum; i++) {
		struct elf_sec *s = &ld->secs[i];
		uint32_t j;

		if (s->n_relocs > 1)
			qsort(s->relocs, s->n_relocs, sizeof(*s->relocs), cmp_reloc);
		for (j = 1; j < s->n_relocs; j++) {
			if (s->relocs[j].offset == s->relocs[j - 1].offset) {
				xdpdk_elf_log(ld, "section '%s': two relocations at offset %llu",
					      s->name, (unsigned long long)s->relocs[j].offset);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static const struct elf_reloc *
find_reloc(const struct elf_sec *s, uint32_t idx)
{
	uint64_t off = (uint64_t)idx * INSN_SZ;
	uint32_t lo = 0, hi = s->n_relocs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->relocs[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_relocs && s->relocs[lo].offset == off ? &s->relocs[lo] : NULL;
}

/* The function of ld->funcs[] that holds instruction @p idx of @p shndx. */
static int32_t
find_func(const struct elf_load *ld, uint32_t shndx, uint32_t idx)
{
	uint32_t lo = 0, hi = ld->n_funcs;
	int32_t best = -1;

	/* Last function starting at or before idx; sorted by (shndx, start). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct elf_func *f = &ld->funcs[mid];

		if (f->shndx < shndx || (f->shndx == shndx && f->start <= idx))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back over functions that start there but end earlier. */
	while (lo > 0) {
		const struct elf_func *f = &ld->funcs[--lo];

		if (f->shndx != shndx)
			break;
		if (idx < f->start + f->len) {
			best = (int32_t)lo;
			break;
		}
	}
	return best;
}

const struct elf_func *
xdpdk_elf_func_at(const struct elf_load *ld, uint32_t shndx, uint32_t idx)
{
	int32_t fi = find_func(ld, shndx, idx);

	return fi >= 0 ? &ld->funcs[fi] : NULL;
}

static int
append(struct reloc_state *st, uint32_t shndx, uint32_t start, uint32_t len)
{
	const struct elf_sec *s = &st->ld->secs[shndx];
	uint32_t i;

	if (len > XDPDK_BPF_MAX_INSNS - st->n) {
		xdpdk_elf_log(st->ld,
			      "prog '%s': more than %u instructions with its "
			      "subprograms",
			      st->prog->name, XDPDK_BPF_MAX_INSNS);
		return -EINVAL;
	}
	if (st->n + len > st->cap) {
		uint32_t cap = st->cap ? st->cap : 64;
		struct bpf_insn *insns;
		struct insn_origin *orig;

		while (cap < st->n + len)
			cap *= 2;
		insns = realloc(st->insns, cap * sizeof(*insns));
		if (insns == NULL)
			return -ENOMEM;
		st->insns = insns;
		orig = realloc(st->orig, cap * sizeof(*orig));
		if (orig == NULL)
			return -ENOMEM;
		st->orig = orig;
		st->cap = cap;
	}
	memcpy(&st->insns[st->n], s->bytes + (size_t)start * INSN_SZ, (size_t)len * INSN_SZ);
	for (i = 0; i < len; i++) {
		st->orig[st->n + i].shndx = shndx;
		st->orig[st->n + i].idx = start + i;
	}
	st->n += len;
	return 0;
}

/*
 * Output offset of instruction @p tidx of code section @p tshndx, appending
 * the function that holds it if this program does not have it yet.
 */
static int
place(struct reloc_state *st, uint32_t pc, uint32_t tshndx, uint32_t tidx, uint32_t *out)
{
	const struct xdpdk_obj_prog *p = st->prog;
	const struct elf_func *f;
	int32_t fi;
	int rc;

	if (tshndx == p->shndx && tidx >= p->start && tidx - p->start < p->len) {
		*out = tidx - p->start;
		return 0;
	}
	fi = find_func(st->ld, tshndx, tidx);
	if (fi < 0) {
		xdpdk_elf_log(st->ld,
			      "prog '%s': insn %u: target insn %u of section '%s' is "
			      "not inside a function",
			      p->name, pc, tidx, st->ld->secs[tshndx].name);
		return -EINVAL;
	}
	f = &st->ld->funcs[fi];
	if (st->placed[fi] == NOT_PLACED) {
		st->placed[fi] = st->n;
		rc = append(st, f->shndx, f->start, f->len);
		if (rc != 0)
			return rc;
	}
	*out = st->placed[fi] + (tidx - f->start);
	return 0;
}

/* Check a code target (byte offset into section @p shndx) and place it. */
static int
resolve_code(struct reloc_state *st, uint32_t pc, uint32_t shndx, int64_t byte, uint32_t *out)
{
	const struct elf_sec *s = &st->ld->secs[shndx];

	if (byte < 0 || (uint64_t)byte >= s->shdr.sh_size || byte % (int64_t)INSN_SZ != 0) {
		xdpdk_elf_log(st->ld,
			      "prog '%s': insn %u: target byte offset %lld is not an "
			      "instruction of section '%s'",
			      st->prog->name, pc, (long long)byte, s->name);
		return -EINVAL;
	}
	return place(st, pc, shndx, (uint32_t)(byte / (int64_t)INSN_SZ), out);
}

/* Resolve a relocation's symbol, refusing special ones (and undefined ones for calls). */
static int
reloc_sym(struct reloc_state *st, uint32_t pc, const struct elf_reloc *r, GElf_Sym *sym,
	  const char **name)
{
	int rc = xdpdk_elf_sym(st->ld, r->sym, sym);

	if (rc != 0)
		return rc;
	*name = xdpdk_elf_sym_name(st->ld, sym);
	if (sym->st_shndx == SHN_UNDEF && r->type == R_BPF_64_64)
		return 0; /* an extern: maps.c knows the .kconfig ones */
	if (sym->st_shndx == SHN_UNDEF) {
		/* A kfunc call: nothing here defines it. */
		xdpdk_elf_log(st->ld,
			      "prog '%s': insn %u: call to unresolved symbol '%s' "
			      "(kfuncs are not supported)",
			      st->prog->name, pc, *name);
		return -ENOENT;
	}
	if (sym->st_shndx >= st->ld->shnum) {
		xdpdk_elf_log(st->ld,
			      "prog '%s': insn %u: symbol '%s' has bad section index "
			      "%u",
			      st->prog->name, pc, *name, sym->st_shndx);
		return -EINVAL;
	}
	return 0;
}

static int
reloc_call(struct reloc_state *st, uint32_t pc, const struct elf_reloc *r)
{
	const struct insn_origin o = st->orig[pc];
	uint32_t shndx = o.shndx, out;
	const char *name;
	GElf_Sym sym;
	int64_t byte;
	int rc;

	if (r != NULL) {
		/* A call to an undefined (extern __ksym) function: a kfunc (ksym.c). */
		if (xdpdk_elf_sym(st->ld, r->sym, &sym) == 0 && sym.st_shndx == SHN_UNDEF)
			return xdpdk_elf_kfunc_call(st->ld, st->prog->name, pc,
						    xdpdk_elf_sym_name(st->ld, &sym),
						    &st->insns[pc]);
		rc = reloc_sym(st, pc, r, &sym, &name);
		if (rc != 0)
			return rc;
		if (!st->ld->secs[sym.st_shndx].is_code || r->type != R_BPF_64_32) {
			xdpdk_elf_log(st->ld,
				      "prog '%s': insn %u: call relocation (type %u) "
				      "against '%s', which is not code",
				      st->prog->name, pc, r->type, name);
			return -EINVAL;
		}
		shndx = sym.st_shndx;
		byte = (int64_t)sym.st_value + ((int64_t)st->insns[pc].imm + 1) * (int64_t)INSN_SZ;
	} else {
		byte = ((int64_t)o.idx + st->insns[pc].imm + 1) * (int64_t)INSN_SZ;
	}
	rc = resolve_code(st, pc, shndx, byte, &out);
	if (rc != 0)
		return rc;
	/* st->insns may have moved while appending. */
	st->insns[pc].src_reg = BPF_PSEUDO_CALL;
	st->insns[pc].imm = (int32_t)((int64_t)out - pc - 1);
	return 0;
}

static int
reloc_lddw(struct reloc_state *st, uint32_t pc, const struct elf_reloc *r)
{
	const struct insn_origin o = st->orig[pc];
	uint32_t shndx = o.shndx, out;
	const char *name;
	GElf_Sym sym;
	int64_t byte;
	int rc;

	if (r != NULL) {
		rc = reloc_sym(st, pc, r, &sym, &name);
		if (rc != 0)
			return rc;
		if (r->type != R_BPF_64_64) {
			xdpdk_elf_log(st->ld,
				      "prog '%s': insn %u: unexpected relocation type %u "
				      "on lddw (against '%s')",
				      st->prog->name, pc, r->type, name);
			return -EINVAL;
		}
		if (sym.st_shndx == SHN_UNDEF || !st->ld->secs[sym.st_shndx].is_code)
			return xdpdk_elf_map_ref(st->ld, st->prog->name, pc, &sym, r->sym,
						 &st->insns[pc]);
		shndx = sym.st_shndx;
		byte = (int64_t)sym.st_value + st->insns[pc].imm;
	} else {
		/* An already pseudo-func lddw (hand-written): pc-relative. */
		byte = ((int64_t)o.idx + st->insns[pc].imm + 1) * (int64_t)INSN_SZ;
	}
	rc = resolve_code(st, pc, shndx, byte, &out);
	if (rc != 0)
		return rc;
	st->insns[pc].src_reg = BPF_PSEUDO_FUNC;
	st->insns[pc].imm = (int32_t)((int64_t)out - pc - 1);
	st->insns[pc + 1].imm = 0;
	return 0;
}

/* Is output insn @p i + 1 the second half of the lddw at @p i? */
static bool
lddw_whole(const struct reloc_state *st, uint32_t i)
{
	return i + 1 < st->n && st->orig[i + 1].shndx == st->orig[i].shndx &&
	       st->orig[i + 1].idx == st->orig[i].idx + 1;
}

/*
 * Walk the output, which grows as functions are appended, so subprograms
 * are relocated too and each function lands once per program.
 */
static int
relocate_all(struct reloc_state *st)
{
	uint32_t i;
	int rc;

	for (i = 0; i < st->n; i++) {
		const struct elf_sec *s = &st->ld->secs[st->orig[i].shndx];
		const struct elf_reloc *r = find_reloc(s, st->orig[i].idx);
		const struct bpf_insn *insn = &st->insns[i];

		if (xdpdk_isa_is_lddw(insn)) {
			if (!lddw_whole(st, i)) {
				if (r == NULL)
					continue; /* the checker reports it */
				xdpdk_elf_log(st->ld,
					      "prog '%s': insn %u: relocated lddw is "
					      "missing its second half",
					      st->prog->name, i);
				return -EINVAL;
			}
			if (find_reloc(s, st->orig[i + 1].idx) != NULL) {
				xdpdk_elf_log(st->ld,
					      "prog '%s': insn %u: relocation on the "
					      "second half of an lddw",
					      st->prog->name, i + 1);
				return -EINVAL;
			}
			if (r != NULL || insn->src_reg == BPF_PSEUDO_FUNC) {
				rc = reloc_lddw(st, i, r);
				if (rc != 0)
					return rc;
			}
			i++;
		} else if (insn->code == (BPF_JMP | BPF_CALL) &&
			   (r != NULL || insn->src_reg == BPF_PSEUDO_CALL)) {
			rc = reloc_call(st, i, r);
			if (rc != 0)
				return rc;
		} else if (r != NULL) {
			xdpdk_elf_log(st->ld,
				      "prog '%s': insn %u: relocation (type %u) on an "
				      "instruction that is neither a call nor an lddw (opcode "
				      "0x%02x)",
				      st->prog->name, i, r->type, insn->code);
			return -EINVAL;
		}
	}
	return 0;
}

int
xdpdk_elf_relocate(struct elf_load *ld, struct xdpdk_obj_prog *prog)
{
	struct reloc_state st = {.ld = ld, .prog = prog};
	uint32_t i;
	int rc;

	if (ld->n_funcs > 0) {
		st.placed = malloc(ld->n_funcs * sizeof(*st.placed));
		if (st.placed == NULL)
			return -ENOMEM;
		for (i = 0; i < ld->n_funcs; i++)
			st.placed[i] = NOT_PLACED;
	}
	rc = append(&st, prog->shndx, prog->start, prog->len);
	if (rc == 0)
		rc = relocate_all(&st);
	if (rc == 0) {
		/* Hand over the array, trimmed to size. */
		struct bpf_insn *fit = realloc(st.insns, st.n * sizeof(*fit));

		prog->insns = fit != NULL ? fit : st.insns;
		prog->n_insns = st.n;
		st.insns = NULL;
		xdpdk_elf_line_info(ld, prog, st.orig, st.n);
		rc = xdpdk_elf_core_poison_map(ld, prog, st.orig, st.n);
	}
	free(st.insns);
	free(st.orig);
	free(st.placed);
	return rc;
}
