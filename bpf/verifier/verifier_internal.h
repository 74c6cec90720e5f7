/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier's internal model, after the kernel's kernel/bpf/verifier.c:
 * abstract registers (type, fixed offset, tnum and ranges), stack slots,
 * frames, references, and the exploration environment. Never included
 * outside bpf/verifier/.
 */
#ifndef XDPDK_BPF_VERIFIER_INTERNAL_H
#define XDPDK_BPF_VERIFIER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <xdpdk/verifier.h>

#include "../prog_internal.h"

/* ---- tnum.c ------------------------------------------------------------- */
struct tnum {
	uint64_t value;
	uint64_t mask;
};

extern const struct tnum xdpdk_tnum_unknown;
struct tnum xdpdk_tnum_const(uint64_t v);
struct tnum xdpdk_tnum_range(uint64_t min, uint64_t max);
struct tnum xdpdk_tnum_lshift(struct tnum a, uint8_t shift);
struct tnum xdpdk_tnum_rshift(struct tnum a, uint8_t shift);
struct tnum xdpdk_tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness);
struct tnum xdpdk_tnum_add(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_sub(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_and(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_or(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_xor(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_mul(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_intersect(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_cast(struct tnum a, uint8_t size);
bool xdpdk_tnum_is_aligned(struct tnum a, uint64_t size);
bool xdpdk_tnum_in(struct tnum a, struct tnum b);
struct tnum xdpdk_tnum_subreg(struct tnum a);
struct tnum xdpdk_tnum_clear_subreg(struct tnum a);
struct tnum xdpdk_tnum_with_subreg(struct tnum reg, struct tnum subreg);
struct tnum xdpdk_tnum_const_subreg(struct tnum a, uint32_t value);
int xdpdk_tnum_sbin(char *str, size_t size, struct tnum a);

static inline bool tnum_is_const(struct tnum a) { return !a.mask; }
static inline bool tnum_is_unknown(struct tnum a) { return !~a.mask; }
static inline bool tnum_equals_const(struct tnum a, uint64_t b) { return !a.mask && a.value == b; }

/* ---- register model ----------------------------------------------------- */
enum vtype {
	NOT_INIT = 0,
	SCALAR_VALUE,
	PTR_TO_CTX,
	CONST_PTR_TO_MAP,
	PTR_TO_MAP_VALUE,
	PTR_TO_MAP_KEY,
	PTR_TO_STACK,
	PTR_TO_PACKET_META,
	PTR_TO_PACKET,
	PTR_TO_PACKET_END,
	PTR_TO_MEM,
	PTR_TO_FUNC,
	VTYPE_COUNT
};

/* Type flags, as the kernel's bpf_type_flag. */
#define PTR_MAYBE_NULL 0x1
#define MEM_RDONLY 0x2
#define MEM_RINGBUF 0x4

#define VMAX_FRAMES XDPDK_BPF_MAX_CALL_FRAMES
#define VSTACK 512
#define VSLOTS (VSTACK / 8)
#define VMAX_REFS 16
#define VMAX_PKT_OFF 0xffff	/* MAX_PACKET_OFF */
#define VMAX_VAR_OFF (1 << 29)	/* BPF_MAX_VAR_OFF */
#define VMAX_VAR_SIZ (1 << 29)	/* BPF_MAX_VAR_SIZ */
#define VCOMPLEXITY_LIMIT 1000000

struct vreg {
	uint8_t type;		/* enum vtype */
	uint8_t flags;
	uint8_t frameno;	/* PTR_TO_STACK: whose frame */
	uint8_t precise;	/* unused by pruning, kept for printing */
	int32_t off;		/* fixed part of a pointer's offset */
	union {
		int32_t range;				/* packet: bytes proven after off 0 */
		const struct xdpdk_verifier_map *map;	/* map pointer, value, key */
		uint32_t mem_size;			/* PTR_TO_MEM */
		uint32_t subprog;			/* PTR_TO_FUNC */
	};
	uint32_t id;		/* same-object ids: null checks, packet ranges */
	uint32_t ref_obj_id;	/* acquired reference this pointer is */
	struct tnum var_off;
	int64_t smin, smax;
	uint64_t umin, umax;
	int32_t s32_min, s32_max;
	uint32_t u32_min, u32_max;
};

/* Per-byte contents of a stack slot, as STACK_INVALID/SPILL/MISC/ZERO. */
enum { STACK_INVALID = 0, STACK_SPILL, STACK_MISC, STACK_ZERO };

struct vslot {
	struct vreg spilled;
	uint8_t type[8];	/* byte i is at offset -(slot*8+8) + i */
};

struct vframe {
	struct vreg regs[XDPDK_BPF_NREGS];
	uint32_t callsite;	/* insn of the call into this frame */
	uint32_t subprog;
	uint32_t nslots;	/* slots in use (allocated_stack / 8) */
	uint8_t in_callback;	/* callback of bpf_loop & co: R0 must be 0/1 at exit */
	uint8_t cb_kind;		/* helper id of the callback's caller */
	uint32_t cb_refs;		/* references held when the callback was entered */
	struct vreg cb_args[4];		/* callback: R1-R4 at entry, for the next iteration */
	uint32_t cb_iter;		/* callback: which simulated iteration this frame runs */
	struct vslot stack[];	/* nslots of them; slot i is fp-(i+1)*8 .. fp-i*8 */
};

struct vref {
	uint32_t id;
	uint32_t insn_idx;
};

struct vstate {
	struct vframe *frame[VMAX_FRAMES];
	uint32_t curframe;
	uint32_t insn_idx;
	struct vref refs[VMAX_REFS];
	uint32_t n_refs;
	uint32_t active_lock_id;	/* id of the map value holding the lock, 0 none */
	const struct xdpdk_verifier_map *active_lock_map;
	int32_t active_lock_off;
	/* exploration bookkeeping, as the kernel's branches/parent */
	struct vstate *parent;
	uint32_t branches;
};

/* A state stored at an instruction for pruning. */
struct vstate_list {
	struct vstate *st;
	struct vstate_list *next;
	uint64_t hash;		/* of what an exact comparison looks at (ids excepted) */
	uint32_t hit, miss;
};

/* A pending branch. */
struct vstack_elem {
	struct vstate *st;
	uint32_t insn_idx, prev_insn_idx;
	struct vstack_elem *next;
};

struct vsubprog {
	uint32_t start, end;
	uint32_t stack_depth;	/* bytes of its own frame touched (rounded to 8) */
	bool is_cb;
};

struct venv {
	struct xdpdk_prog *prog;	/* insns, subprogs, helper descs */
	const struct bpf_insn *insns;
	uint32_t n_insns;
	const struct xdpdk_verify_opts *opts;
	enum xdpdk_prog_type type;
	bool strict;
	uint32_t log_level;
	struct xdpdk_log *log;

	struct vstate *cur;
	struct vstack_elem *head;
	uint32_t stack_size;
	struct vstate_list **explored;	/* per insn */
	uint8_t *prune_point;		/* per insn */
	uint8_t *seen;			/* per insn: reached by some path (dead code is not) */
	uint16_t *live_regs;		/* per insn: registers read before written (subprog-local) */
	uint32_t id_gen;
	uint32_t insn_processed;
	uint32_t prev_insn_idx;
	uint32_t total_states, peak_states, cur_states;
	uint32_t max_states_per_insn;
	uint32_t jmps_processed, prev_jmps_processed, prev_insn_processed;
	struct vsubprog *subprogs;
	uint32_t n_subprogs;

	/* maps referenced by the program, learnt through opts->map_info */
	struct xdpdk_verifier_map *maps;
	uint32_t n_maps;
	uint32_t *insn_map;		/* per lddw insn: index into maps + 1, 0 none */
	uint8_t *cb_entry;		/* per insn: first insn of a callback subprog */
	xdpdk_helper_resolver resolve;
	void *resolve_arg;
	const struct vreg *st_imm;	/* value of a BPF_ST store in progress */
	const struct xdpdk_line_info *last_line;	/* printed last (level 2) */
	int err;
	char reason[256];
};

/* ---- log.c -------------------------------------------------------------- */
void xdpdk_v_log(struct venv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xdpdk_v_reject(struct venv *env, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xdpdk_v_print_state(struct venv *env, const struct vstate *st);
void xdpdk_v_print_insn(struct venv *env, uint32_t idx);
void xdpdk_v_print_source(struct venv *env, uint32_t idx);
const char *xdpdk_v_type_str(const struct vreg *reg, char *buf, size_t size);
int xdpdk_v_reg_str(const struct vreg *reg, char *buf, size_t size);

/* ---- scalar.c ----------------------------------------------------------- */
void xdpdk_v_mark_known(struct vreg *reg, uint64_t imm);
void xdpdk_v_mark_unknown(struct vreg *reg);
void xdpdk_v_mark_not_init(struct vreg *reg);
void xdpdk_v_mark_unbounded(struct vreg *reg);
void xdpdk_v_bounds_sync(struct vreg *reg);
void xdpdk_v_zext_32_to_64(struct vreg *reg);
void xdpdk_v_coerce_reg_to_size(struct vreg *reg, int size);
void xdpdk_v_coerce_sext(struct vreg *reg, int size);
int xdpdk_v_scalar_alu(struct venv *env, const struct bpf_insn *insn, struct vreg *dst,
		       struct vreg src);
bool xdpdk_v_reg_is_const(const struct vreg *r, bool is32);
uint64_t xdpdk_v_reg_const(const struct vreg *r, bool is32);
int xdpdk_v_branch_taken(struct vreg *reg, uint64_t val, uint8_t opcode, bool is32);
int xdpdk_v_branch_taken_regs(struct vreg *a, struct vreg *b, uint8_t opcode, bool is32);
void xdpdk_v_refine_const(struct vreg *true_reg, struct vreg *false_reg, uint64_t val,
			  uint8_t opcode, bool is32);
void xdpdk_v_refine_regs(struct vreg *t_a, struct vreg *t_b, struct vreg *f_a, struct vreg *f_b,
			 uint8_t opcode, bool is32);

/* ---- state.c ------------------------------------------------------------ */
struct vstate *xdpdk_v_state_new(void);
int xdpdk_v_state_copy(struct vstate *dst, const struct vstate *src);
void xdpdk_v_state_free(struct vstate *st);
int xdpdk_v_push_branch(struct venv *env, uint32_t insn_idx, uint32_t prev_idx,
			struct vstate **out);
int xdpdk_v_pop_branch(struct venv *env);
int xdpdk_v_is_state_visited(struct venv *env, uint32_t insn_idx);
void xdpdk_v_update_branch_counts(struct venv *env, struct vstate *st);
void xdpdk_v_env_free_states(struct venv *env);

int xdpdk_v_grow_stack(struct vstate *st, uint32_t frameno, uint32_t nslots);

/* ---- check_mem.c -------------------------------------------------------- */
int xdpdk_v_check_mem_access(struct venv *env, uint32_t insn_idx, uint32_t regno, int off,
			     int size, bool write, int value_regno, bool sext);
int xdpdk_v_check_helper_mem(struct venv *env, uint32_t regno, int64_t access_size,
			     bool zero_ok, bool write, bool uninit_ok);
int xdpdk_v_check_stack_write(struct venv *env, struct vframe *f, int off, int size,
			      int value_regno, const struct vreg *value, uint32_t insn_idx);
int xdpdk_v_check_ctx_access(struct venv *env, int off, int size, bool write,
			     uint8_t *reg_type);
int xdpdk_v_check_ptr_alignment(struct venv *env, const struct vreg *reg, int off, int size);
void xdpdk_v_update_stack_depth(struct venv *env, uint32_t frameno, int off);
struct vframe *xdpdk_v_stack_frame(struct venv *env, const struct vreg *reg);
void xdpdk_v_mark_pkt_range(struct venv *env, const struct vreg *dst, uint8_t type,
			    bool range_right_open);

/* ---- check_helper.c ----------------------------------------------------- */
int xdpdk_v_check_helper_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx);
int xdpdk_v_check_func_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx);
int xdpdk_v_prepare_func_exit(struct venv *env, uint32_t *insn_idx);
int xdpdk_v_callback_exit(struct venv *env, uint32_t *insn_idx);
int xdpdk_v_check_reference_leak(struct venv *env);
int xdpdk_v_release_reference(struct venv *env, uint32_t ref_obj_id);
void xdpdk_v_mark_ptr_or_null_regs(struct venv *env, uint32_t id, bool is_null);
void xdpdk_v_clear_pkt_pointers(struct venv *env);
const struct xdpdk_helper_proto *xdpdk_v_tail_call_proto(void);

/* ---- cfg.c -------------------------------------------------------------- */
int xdpdk_v_check_cfg(struct venv *env);
int xdpdk_v_check_max_stack_depth(struct venv *env);
uint32_t xdpdk_v_subprog_of(const struct venv *env, uint32_t insn);
int xdpdk_v_compute_liveness(struct venv *env);

/* ---- verifier.c --------------------------------------------------------- */
static inline struct vframe *
cur_frame(struct venv *env)
{
	return env->cur->frame[env->cur->curframe];
}

static inline struct vreg *
cur_regs(struct venv *env)
{
	return cur_frame(env)->regs;
}

static inline bool
reg_is_pkt_pointer(const struct vreg *r)
{
	return r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META;
}

static inline bool
reg_is_pointer(const struct vreg *r)
{
	return r->type != SCALAR_VALUE && r->type != NOT_INIT;
}

int xdpdk_v_check_reg_arg(struct venv *env, uint32_t regno, bool src);
bool xdpdk_v_is_pointer_value(struct venv *env, uint32_t regno);
void xdpdk_v_mark_reg_known_zero(struct vreg *reg);

#endif /* XDPDK_BPF_VERIFIER_INTERNAL_H */
