/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies for XDP (bpf_tcp_raw_gen/check_syncookie_ipv4/ipv6), in the
 * kernel's shape (net/ipv4/syncookies.c, net/ipv6/syncookies.c): SipHash-2-4
 * of the 4-tuple under a per-process random secret, the minute counter in
 * the top 8 bits, the MSS table index as data in the low 24 bits, the
 * kernel's MSS tables and its return codes. The secret is random as the
 * kernel's, so cookies differ from the kernel's; gen → check round trips
 * and error codes are the same.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include <rte_random.h>

#include "helpers_internal.h"

#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)
#define MAX_SYNCOOKIE_AGE 2
#define TCP_SYNCOOKIE_PERIOD_S 60
#define TCP_MSS_DEFAULT 536
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOLEN_MSS 4
#define TCP_HLEN 20
#define IPV6_MIN_MTU 1280

/* Fields the cookie reads, by offset: the helpers see raw header bytes. */
#define IP4_SADDR 12
#define IP6_SADDR 8
#define TH_SOURCE 0
#define TH_SEQ 4
#define TH_ACK_SEQ 8
#define TH_DOFF 12

struct sip_key {
	uint64_t k[2];
};

static const uint16_t msstab4[] = { 536, 1300, 1440, 1460 };
static const uint16_t msstab6[] = {
	IPV6_MIN_MTU - 60, 1480 - 60, 1500 - 60, 9000 - 60,
};

/* syncookie_secret[2] and syncookie6_secret[2]: drawn once, as net_get_random_once. */
static struct sip_key secret4[2], secret6[2];
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void
secret_init(void)
{
	uint8_t buf[sizeof(secret4) + sizeof(secret6)];

	if (getrandom(buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
		/* No kernel entropy: DPDK's generator is seeded from the TSC. */
		for (size_t i = 0; i < sizeof(buf); i += 8) {
			uint64_t r = rte_rand();

			memcpy(buf + i, &r, 8);
		}
	}
	memcpy(secret4, buf, sizeof(secret4));
	memcpy(secret6, buf + sizeof(secret4), sizeof(secret6));
}

static inline uint64_t
rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3)                                                     \
	do {                                                                         \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);            \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                               \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                               \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);            \
	} while (0)

/* SipHash-2-4 with a 64-bit result, as the kernel's siphash(), little-endian words. */
static uint64_t
siphash(const uint8_t *data, size_t len, const struct sip_key *key)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ key->k[0];
	uint64_t v1 = 0x646f72616e646f6dull ^ key->k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key->k[0];
	uint64_t v3 = 0x7465646279746573ull ^ key->k[1];
	uint64_t b = (uint64_t)len << 56, m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, data + i, 8); /* x86-64: little-endian as le64_to_cpu */
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)data[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* tcp_cookie_time(): minutes on a monotonic clock (jiffies / (60 * HZ)). */
static uint32_t
cookie_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)(ts.tv_sec / TCP_SYNCOOKIE_PERIOD_S);
}

/* The 4-tuple as each family hashes it, with the count and the secret index. */
struct tuple {
	int v6;
	const uint8_t *ip;	/* the IP header */
	const uint8_t *th;	/* the TCP header */
};

static uint32_t
cookie_hash(const struct tuple *t, uint32_t count, int c)
{
	if (!t->v6) {
		/* siphash_4u32(saddr, daddr, sport << 16 | dport, count): raw (big-endian) words. */
		uint32_t w[4];
		uint16_t sport, dport;

		memcpy(&w[0], t->ip + IP4_SADDR, 4);
		memcpy(&w[1], t->ip + IP4_SADDR + 4, 4);
		memcpy(&sport, t->th + TH_SOURCE, 2);
		memcpy(&dport, t->th + TH_SOURCE + 2, 2);
		w[2] = (uint32_t)sport << 16 | dport;
		w[3] = count;
		return (uint32_t)siphash((const uint8_t *)w, sizeof(w), &secret4[c]);
	}
	/* { saddr, daddr, u32 count, __be16 sport, dport }: 40 bytes. */
	uint8_t combined[40];

	memcpy(combined, t->ip + IP6_SADDR, 32);
	memcpy(combined + 32, &count, 4);
	memcpy(combined + 36, t->th + TH_SOURCE, 4);
	return (uint32_t)siphash(combined, sizeof(combined), &secret6[c]);
}

static uint32_t
be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* secure_tcp_syn_cookie */
static uint32_t
syn_cookie(const struct tuple *t, uint32_t sseq, uint32_t data)
{
	const uint32_t count = cookie_time();

	return cookie_hash(t, 0, 0) + sseq + (count << COOKIEBITS) +
	       ((cookie_hash(t, count, 1) + data) & COOKIEMASK);
}

/* check_tcp_syn_cookie: the data (MSS index), or (u32)-1 when too old. */
static uint32_t
check_cookie(const struct tuple *t, uint32_t cookie, uint32_t sseq)
{
	const uint32_t count = cookie_time();
	uint32_t diff;

	cookie -= cookie_hash(t, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & ((uint32_t)-1 >> COOKIEBITS);
	if (diff >= MAX_SYNCOOKIE_AGE)
		return (uint32_t)-1;
	return (cookie - cookie_hash(t, count - diff, 1)) & COOKIEMASK;
}

/* tcp_parse_mss_option(th, 0) */
static uint16_t
parse_mss(const uint8_t *th)
{
	const uint8_t *ptr = th + TCP_HLEN;
	int length = (th[TH_DOFF] >> 4) * 4 - TCP_HLEN;
	uint16_t mss = 0;

	while (length > 0) {
		int opcode = *ptr++, opsize;

		if (opcode == TCPOPT_EOL)
			return mss;
		if (opcode == TCPOPT_NOP) {
			length--;
			continue;
		}
		if (length < 2)
			return mss;
		opsize = *ptr++;
		if (opsize < 2 || opsize > length)
			return mss; /* silly or partial options */
		if (opcode == TCPOPT_MSS && opsize == TCPOLEN_MSS) {
			uint16_t in_mss = (uint16_t)(ptr[0] << 8 | ptr[1]);

			if (in_mss)
				mss = in_mss;
		}
		ptr += opsize - 2;
		length -= opsize;
	}
	return mss;
}

static uint64_t
gen(const struct tuple *t, uint32_t th_len, uint16_t mss_default, const uint16_t *msstab)
{
	uint16_t mss;
	int mssind;

	if (th_len < TCP_HLEN || th_len != (uint32_t)(t->th[TH_DOFF] >> 4) * 4)
		return (uint64_t)-EINVAL;
	pthread_once(&secret_once, secret_init);
	mss = parse_mss(t->th);
	if (mss == 0)
		mss = mss_default;
	/* __cookie_v4/v6_init_sequence: the largest table MSS not above the peer's. */
	for (mssind = 3; mssind > 0; mssind--)
		if (mss >= msstab[mssind])
			break;
	return syn_cookie(t, be32_at(t->th + TH_SEQ), (uint32_t)mssind) |
	       (uint64_t)msstab[mssind] << 32;
}

static uint64_t
check(const struct tuple *t)
{
	uint32_t mssind;

	pthread_once(&secret_once, secret_init);
	mssind = check_cookie(t, be32_at(t->th + TH_ACK_SEQ) - 1, be32_at(t->th + TH_SEQ) - 1);
	return mssind < 4 ? 0 : (uint64_t)-EACCES;
}

uint64_t
xdpdk_h_tcp_raw_gen_syncookie_ipv4(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	const struct tuple t = { 0, (const uint8_t *)(uintptr_t)r1, (const uint8_t *)(uintptr_t)r2 };

	(void)r4, (void)r5;
	return gen(&t, (uint32_t)r3, TCP_MSS_DEFAULT, msstab4);
}

uint64_t
xdpdk_h_tcp_raw_gen_syncookie_ipv6(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	const struct tuple t = { 1, (const uint8_t *)(uintptr_t)r1, (const uint8_t *)(uintptr_t)r2 };

	(void)r4, (void)r5;
	/* Without an MSS option IPv6 assumes the minimum MTU's. */
	return gen(&t, (uint32_t)r3, IPV6_MIN_MTU - TCP_HLEN - 40, msstab6);
}

uint64_t
xdpdk_h_tcp_raw_check_syncookie_ipv4(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	const struct tuple t = { 0, (const uint8_t *)(uintptr_t)r1, (const uint8_t *)(uintptr_t)r2 };

	(void)r3, (void)r4, (void)r5;
	return check(&t);
}

uint64_t
xdpdk_h_tcp_raw_check_syncookie_ipv6(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	const struct tuple t = { 1, (const uint8_t *)(uintptr_t)r1, (const uint8_t *)(uintptr_t)r2 };

	(void)r3, (void)r4, (void)r5;
	return check(&t);
}
