/* SPDX-License-Identifier: BSD-3-Clause */
/* A replay's life: the capture and its schedule, the lcores' state, start, stop, figures. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "replay_internal.h"

#define COPY_POOL 8192
#define COPY_CACHE 256
/* Lcores start together this long after xdpdk_replay_start(). */
#define START_LEAD_MS 5

static const volatile int never;
static uint32_t pool_seq;	/* unique pool names when a process makes several replays */

/* Per packet: cycles from the start of its loop to its send time; and the loop's length. */
static int
schedule(struct xdpdk_replay *r)
{
	const struct rp_capture *cap = &r->cap;
	const double hz = (double)r->hz, v = r->o.rate_value;
	double bytes = 0, per_byte, per_ns;

	r->off = calloc(cap->n, sizeof(*r->off));
	if (r->off == NULL)
		return -ENOMEM;
	switch (r->o.rate) {
	case XDPDK_REPLAY_TOPSPEED:
		r->period = 0;
		break;
	case XDPDK_REPLAY_PPS:
		for (uint32_t i = 0; i < cap->n; i++)
			r->off[i] = (uint64_t)((double)i * hz / v);
		r->period = (double)cap->n * hz / v;
		break;
	case XDPDK_REPLAY_MBPS:
		per_byte = 8.0 * hz / (v * 1e6);
		for (uint32_t i = 0; i < cap->n; i++) {
			r->off[i] = (uint64_t)(bytes * per_byte);
			bytes += cap->pkt[i].len;
		}
		r->period = bytes * per_byte;
		break;
	case XDPDK_REPLAY_MULTIPLIER:
		per_ns = hz / 1e9 / v;
		for (uint32_t i = 0; i < cap->n; i++)
			r->off[i] = (uint64_t)((double)(cap->pkt[i].ts_ns - cap->pkt[0].ts_ns) * per_ns);
		/* The next loop follows after the capture's mean gap. */
		r->period = cap->n > 1 ? (double)r->off[cap->n - 1] * cap->n / (cap->n - 1) : 0;
		break;
	}
	return 0;
}

static struct rte_mempool *
pool_new(const char *what, uint32_t n, uint32_t cache, uint32_t max_len, int socket)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	const uint32_t room = RTE_ALIGN_CEIL(RTE_PKTMBUF_HEADROOM + max_len, 64);

	snprintf(name, sizeof(name), "rp_%s_%u", what,
		 __atomic_fetch_add(&pool_seq, 1, __ATOMIC_RELAXED));
	return rte_pktmbuf_pool_create(name, n, cache, 0, (uint16_t)RTE_MIN(room, (uint32_t)UINT16_MAX),
				       socket);
}

static int
core_new(struct xdpdk_replay *r, uint32_t index)
{
	struct rp_core *c = rte_zmalloc_socket("xdpdk_replay_core", sizeof(*c), RTE_CACHE_LINE_SIZE,
					       r->o.socket);
	const struct rp_capture *cap = &r->cap;

	if (c == NULL)
		return -ENOMEM;
	r->core[index] = c;
	c->r = r;
	c->index = index;
	c->sink = r->o.sinks[index];
	c->ext_stop = &never;
	if (r->copy) {
		c->copy_pool = r->o.copy_pool;
		if (c->copy_pool == NULL) {
			c->copy_pool = pool_new("copy", COPY_POOL, COPY_CACHE, cap->max_len,
						r->o.socket);
			c->own_copy_pool = true;
		}
		return c->copy_pool != NULL ? 0 : -rte_errno;
	}
	/*
	 * Templates: this core's own mbufs, never back in the pool while sent.
	 * A short capture is held several times over (c->n_rep replicas, one per
	 * loop in turn), so that a burst never holds one mbuf twice: its
	 * reference count then goes 1 → 2 → 1, a plain store and one atomic
	 * decrement, instead of a chain of atomics on one cache line.
	 */
	c->n_rep = cap->n < RP_MIN_TEMPLATES ? (RP_MIN_TEMPLATES + cap->n - 1) / cap->n : 1;
	c->n_tpl = cap->n * c->n_rep;
	c->tpl_pool = pool_new("tpl", c->n_tpl, 0, cap->max_len, r->o.socket);
	c->tpl = calloc(c->n_tpl, sizeof(*c->tpl));
	if (c->tpl_pool == NULL || c->tpl == NULL)
		return c->tpl_pool == NULL ? -rte_errno : -ENOMEM;
	if (rte_pktmbuf_alloc_bulk(c->tpl_pool, c->tpl, c->n_tpl) != 0) {
		memset(c->tpl, 0, c->n_tpl * sizeof(*c->tpl));
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < c->n_tpl; t++) {
		const struct rp_pkt *k = &cap->pkt[t % cap->n];
		struct rte_mbuf *m = c->tpl[t];

		memcpy(rte_pktmbuf_mtod(m, void *), cap->blob + k->off, k->len);
		m->data_len = (uint16_t)k->len;
		m->pkt_len = k->len;
		m->port = c->sink.port_id;
	}
	return 0;
}

static void
core_free(struct rp_core *c)
{
	if (c == NULL)
		return;
	if (c->tpl != NULL) {
		for (uint32_t i = 0; i < c->n_tpl; i++)
			if (c->tpl[i] != NULL)
				rte_pktmbuf_free(c->tpl[i]);
		free(c->tpl);
	}
	rte_mempool_free(c->tpl_pool);
	if (c->own_copy_pool)
		rte_mempool_free(c->copy_pool);
	rte_free(c);
}

static int
check_opts(const struct xdpdk_replay_opts *o, char *err, size_t err_size)
{
	if (o->pcap == NULL) {
		snprintf(err, err_size, "no capture");
		return -EINVAL;
	}
	if (o->n_cores > XDPDK_REPLAY_MAX_CORES || o->n_vary > XDPDK_REPLAY_MAX_VARY) {
		snprintf(err, err_size, "at most %d TX cores, %d varied fields",
			 XDPDK_REPLAY_MAX_CORES, XDPDK_REPLAY_MAX_VARY);
		return -EINVAL;
	}
	if (o->rate != XDPDK_REPLAY_TOPSPEED && !(o->rate_value > 0)) {
		snprintf(err, err_size, "the rate must be > 0");
		return -EINVAL;
	}
	if (o->duration < 0) {
		snprintf(err, err_size, "the duration must be >= 0");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < o->n_vary; i++)
		if (o->vary[i].lo > o->vary[i].hi) {
			snprintf(err, err_size, "a varied range goes from low to high");
			return -EINVAL;
		}
	return 0;
}

struct xdpdk_replay *
xdpdk_replay_create(const struct xdpdk_replay_opts *opts, struct xdpdk_replay_info *info,
		    char *err, size_t err_size)
{
	struct xdpdk_replay_info dummy;
	struct xdpdk_replay *r;
	uint32_t max_room = UINT16_MAX - RTE_PKTMBUF_HEADROOM;
	int ret = check_opts(opts, err, err_size);

	if (info == NULL)
		info = &dummy;
	if (ret != 0) {
		errno = -ret;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->o = *opts;
	if (r->o.n_cores == 0)
		r->o.n_cores = 1;
	if (r->o.loops == 0)
		r->o.loops = 1;
	r->hz = rte_get_tsc_hz();
	r->copy = r->o.copy || r->o.n_vary != 0 || r->o.latency || r->o.copy_pool != NULL;
	for (uint32_t i = 0; i < r->o.n_cores; i++)
		r->copy |= r->o.sinks[i].ring != NULL;
	if (r->o.copy_pool != NULL)
		max_room = rte_pktmbuf_data_room_size(r->o.copy_pool) - RTE_PKTMBUF_HEADROOM;
	ret = xdpdk_replay_capture_read(&r->o, max_room, &r->cap, info, err, err_size);
	if (ret == 0)
		ret = schedule(r);
	r->total = r->o.forever ? UINT64_MAX : r->o.loops * r->cap.n;
	for (uint32_t i = 0; ret == 0 && i < r->o.n_cores; i++) {
		ret = core_new(r, i);
		if (ret != 0)
			snprintf(err, err_size, "cannot make core %u's %s (%u packets of up to %u "
				 "bytes): %s", i, r->copy ? "copy pool" : "templates", r->cap.n,
				 r->cap.max_len, rte_strerror(-ret));
	}
	if (ret == 0 && r->o.rx_port >= 0)
		ret = xdpdk_replay_rx_open(r, err, err_size);
	if (ret != 0) {
		xdpdk_replay_free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

static void
set_clock(struct xdpdk_replay *r)
{
	struct timespec ts;
	const uint64_t now = rte_rdtsc();

	r->t0 = now + r->hz / 1000 * START_LEAD_MS;
	r->end_tsc = r->o.duration > 0 ? r->t0 + (uint64_t)(r->o.duration * (double)r->hz)
				       : UINT64_MAX;
	clock_gettime(CLOCK_REALTIME, &ts);
	r->wall0_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
		      START_LEAD_MS * 1000000ull;
}

int
xdpdk_replay_start(struct xdpdk_replay *r)
{
	int ret;

	if (r->running)
		return -EBUSY;
	set_clock(r);
	r->running = true;
	if (r->rx != NULL) {
		ret = rte_eal_remote_launch(xdpdk_replay_rx_main, r->rx, r->o.rx_lcore);
		if (ret != 0)
			goto err;
		r->rx->launched = true;
	}
	for (uint32_t i = 0; i < r->o.n_cores; i++) {
		ret = rte_eal_remote_launch(xdpdk_replay_tx_main, r->core[i], r->o.tx_lcores[i]);
		if (ret != 0)
			goto err;
		r->core[i]->launched = true;
	}
	return 0;
err:
	xdpdk_replay_stop(r, 0);
	return ret;
}

int
xdpdk_replay_run_here(struct xdpdk_replay *r, volatile const int *stop)
{
	if (r->running)
		return -EBUSY;
	if (r->o.n_cores != 1 || r->rx != NULL)
		return -EINVAL;
	set_clock(r);
	r->running = true;
	r->core[0]->ext_stop = stop != NULL ? stop : &never;
	xdpdk_replay_tx_main(r->core[0]);
	r->core[0]->ext_stop = &never;
	r->running = false;
	return 0;
}

bool
xdpdk_replay_done(const struct xdpdk_replay *r)
{
	for (uint32_t i = 0; i < r->o.n_cores; i++)
		if (!__atomic_load_n(&r->core[i]->done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

void
xdpdk_replay_stop(struct xdpdk_replay *r, unsigned int drain_ms)
{
	struct xdpdk_replay_stats st;
	uint64_t quiet, deadline;

	if (!r->running)
		return;
	for (uint32_t i = 0; i < r->o.n_cores; i++)
		r->core[i]->stop = true;
	for (uint32_t i = 0; i < r->o.n_cores; i++)
		if (r->core[i]->launched) {
			rte_eal_wait_lcore(r->o.tx_lcores[i]);
			r->core[i]->launched = false;
		}
	if (r->rx != NULL && r->rx->launched) {
		/* Until everything sent came back, or nothing came for drain_ms (at most 10 × that). */
		quiet = r->hz / 1000 * drain_ms;
		deadline = rte_rdtsc() + 10 * quiet;
		for (;;) {
			const uint64_t now = rte_rdtsc();
			const uint64_t last = __atomic_load_n(&r->rx->last_tsc, __ATOMIC_RELAXED);

			xdpdk_replay_stats(r, &st);
			if (st.rx_packets >= st.tx_packets || now >= deadline ||
			    now - RTE_MAX(last, r->core[0]->done_tsc) >= quiet)
				break;
			rte_delay_us_sleep(1000);
		}
		r->rx->stop = true;
		rte_eal_wait_lcore(r->o.rx_lcore);
		r->rx->launched = false;
	}
	r->running = false;
	xdpdk_replay_rx_finish(r->rx);
}

void
xdpdk_replay_stats(const struct xdpdk_replay *r, struct xdpdk_replay_stats *st)
{
	uint64_t last_end = 0;

	memset(st, 0, sizeof(*st));
	st->tsc_hz = r->hz;
	st->total = r->total;
	for (uint32_t i = 0; i < r->o.n_cores; i++) {
		const struct rp_core *c = r->core[i];
		const bool done = __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
		const uint64_t end = done ? c->done_tsc : rte_rdtsc();

		st->tx_packets += __atomic_load_n(&c->tx_packets, __ATOMIC_RELAXED);
		st->tx_bytes += __atomic_load_n(&c->tx_bytes, __ATOMIC_RELAXED);
		st->tx_retries += __atomic_load_n(&c->tx_retries, __ATOMIC_RELAXED);
		st->sched_packets += c->last_count - c->first_count;
		if (c->first_tsc != 0 && (st->first_tsc == 0 || c->first_tsc < st->first_tsc)) {
			st->first_tsc = c->first_tsc;
			st->first_late = c->first_late;
		}
		if (c->last_tsc > st->last_tsc) {
			st->last_tsc = c->last_tsc;
			st->last_late = c->last_late;
		}
		if (end > last_end)
			last_end = end;
	}
	if (r->t0 != 0 && last_end > r->t0)
		st->seconds = (double)(last_end - r->t0) / (double)r->hz;
	xdpdk_replay_rx_stats(r, st);
}

void
xdpdk_replay_free(struct xdpdk_replay *r)
{
	if (r == NULL)
		return;
	xdpdk_replay_stop(r, 0);
	for (uint32_t i = 0; i < XDPDK_REPLAY_MAX_CORES; i++)
		core_free(r->core[i]);
	xdpdk_replay_rx_close(r->rx);
	xdpdk_replay_capture_free(&r->cap);
	free(r->off);
	free(r);
}

/* ---- --vary ------------------------------------------------------------ */

static const char *const field_names[] = { "src-ip", "dst-ip", "src-port", "dst-port" };

static int
parse_value(enum xdpdk_replay_field f, const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;
	struct in_addr a;

	if (f == XDPDK_REPLAY_SRC_IP || f == XDPDK_REPLAY_DST_IP) {
		if (inet_pton(AF_INET, s, &a) != 1)
			return -EINVAL;
		*v = ntohl(a.s_addr);
		return 0;
	}
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || n > UINT16_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

int
xdpdk_replay_vary_parse(const char *text, struct xdpdk_replay_vary *out)
{
	char buf[128], *colon, *range, *mode, *dash;
	int f;

	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return -EINVAL;
	colon = strchr(buf, ':');
	if (colon == NULL)
		return -EINVAL;
	*colon = '\0';
	for (f = 0; f < (int)RTE_DIM(field_names); f++)
		if (strcmp(buf, field_names[f]) == 0)
			break;
	if (f == (int)RTE_DIM(field_names))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->field = (enum xdpdk_replay_field)f;
	range = colon + 1;
	mode = strchr(range, ':');
	if (mode != NULL) {
		*mode++ = '\0';
		if (strcmp(mode, "rand") == 0 || strcmp(mode, "random") == 0)
			out->random = true;
		else if (strcmp(mode, "inc") != 0)
			return -EINVAL;
	}
	dash = strchr(range, '-');
	if (dash != NULL)
		*dash = '\0';
	if (parse_value(out->field, range, &out->lo) != 0 ||
	    parse_value(out->field, dash != NULL ? dash + 1 : range, &out->hi) != 0 ||
	    out->lo > out->hi)
		return -EINVAL;
	return 0;
}
