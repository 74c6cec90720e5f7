/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Source lines for verifier messages: the line info of .BTF.ext (what clang
 * -g emits, and what the kernel prints as "; text @ file:line"), mapped from
 * (code section, instruction) to each program's relocated instructions,
 * appended subprograms included. Strings are copied: the object outlives
 * the loader's BTF.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "elf_internal.h"

#define LINE_REC_MIN 16	/* struct bpf_line_info */
#define EXT_LINE_OFF 16	/* btf_ext_header.line_info_off */

struct rec {
	uint32_t shndx, idx, file_off, line_off, line_col;
};

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Every record of the section, sorted by (section, instruction); NULL if none. */
static struct rec *
read_records(struct elf_load *ld, const struct btf *btf, uint32_t *n_out)
{
	const struct elf_sec *s = &ld->secs[ld->btf_ext_idx];
	const uint8_t *p, *end;
	uint32_t hdr_len, off, len, rec_size, n = 0, cap = 0;
	struct rec *recs = NULL;

	*n_out = 0;
	if (s->bytes == NULL || s->shdr.sh_size < EXT_LINE_OFF + 8)
		return NULL;
	hdr_len = xdpdk_elf_rd32(s->bytes + 4);
	off = xdpdk_elf_rd32(s->bytes + EXT_LINE_OFF);
	len = xdpdk_elf_rd32(s->bytes + EXT_LINE_OFF + 4);
	if (hdr_len < EXT_LINE_OFF + 8 || len < 4 ||
	    (uint64_t)hdr_len + off + len > s->shdr.sh_size)
		return NULL;
	p = s->bytes + hdr_len + off;
	end = p + len;
	rec_size = xdpdk_elf_rd32(p);
	if (rec_size < LINE_REC_MIN)
		return NULL;
	for (p += 4; end - p >= 8;) {
		const char *name = btf__name_by_offset(btf, xdpdk_elf_rd32(p));
		const uint32_t count = xdpdk_elf_rd32(p + 4);
		const size_t shndx = name != NULL ? xdpdk_elf_find_sec(ld, name) : 0;

		p += 8;
		if ((uint64_t)count * rec_size > (uint64_t)(end - p))
			break;
		for (uint32_t i = 0; i < count && shndx != 0; i++, p += rec_size) {
			if (n == cap) {
				struct rec *r = realloc(recs, sizeof(*r) * (cap = cap ? cap * 2 : 64));

				if (r == NULL) {
					free(recs);
					return NULL;
				}
				recs = r;
			}
			recs[n++] = (struct rec){ (uint32_t)shndx, xdpdk_elf_rd32(p) / sizeof(struct bpf_insn),
						  xdpdk_elf_rd32(p + 4), xdpdk_elf_rd32(p + 8), xdpdk_elf_rd32(p + 12) };
		}
		if (shndx == 0)
			p += (size_t)count * rec_size;
	}
	if (n == 0) {
		free(recs);
		return NULL;
	}
	qsort(recs, n, sizeof(*recs), cmp_rec);
	*n_out = n;
	return recs;
}

static const char *
str(const struct btf *btf, uint32_t off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s != NULL ? s : "";
}

void
xdpdk_elf_line_info(struct elf_load *ld, struct xdpdk_obj_prog *prog,
		    const struct insn_origin *orig, uint32_t n)
{
	struct btf *btf;
	struct rec *recs, **hit = NULL;
	uint32_t n_recs, n_lines = 0;
	size_t bytes = 0;
	char *pool;

	if (ld->btf_ext_idx == 0 || ld->btf_idx == 0 || xdpdk_elf_btf(ld, "line info", &btf) != 0)
		return;
	recs = read_records(ld, btf, &n_recs);
	if (recs == NULL)
		return;
	hit = calloc(n, sizeof(*hit));
	if (hit == NULL)
		goto out;
	/* Which output instruction starts a line: its origin has a record. */
	for (uint32_t i = 0; i < n; i++) {
		const struct rec key = { .shndx = orig[i].shndx, .idx = orig[i].idx };

		hit[i] = bsearch(&key, recs, n_recs, sizeof(*recs), cmp_rec);
		if (hit[i] == NULL)
			continue;
		n_lines++;
		bytes += strlen(str(btf, hit[i]->file_off)) + strlen(str(btf, hit[i]->line_off)) + 2;
	}
	if (n_lines == 0)
		goto out;
	prog->lines = malloc(sizeof(*prog->lines) * n_lines + bytes);
	if (prog->lines == NULL)
		goto out;
	pool = (char *)(prog->lines + n_lines);
	for (uint32_t i = 0, k = 0; i < n; i++) {
		struct xdpdk_line_info *li;
		size_t l;

		if (hit[i] == NULL)
			continue;
		li = &prog->lines[k++];
		li->insn_off = i;
		li->line = hit[i]->line_col >> 10;
		li->col = hit[i]->line_col & 0x3ff;
		l = strlen(str(btf, hit[i]->file_off)) + 1;
		li->file = memcpy(pool, str(btf, hit[i]->file_off), l);
		pool += l;
		l = strlen(str(btf, hit[i]->line_off)) + 1;
		li->text = memcpy(pool, str(btf, hit[i]->line_off), l);
		pool += l;
	}
	prog->n_lines = n_lines;
out:
	free(hit);
	free(recs);
}
