/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed map entries through BTF (bpf/btf_json.c), as bpftool's "formatted"
 * output: tests/progs/btf_types.bpf.c's key and value printed from bytes
 * laid out by the compiler's own struct definitions, exactly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xdpdk/elf.h>

/* The same types as the BPF program's (same ABI on x86-64 and BPF). */
enum color { RED = 1, GREEN = 2, BLUE = 4 };
struct flow {
	uint32_t addr;
	uint16_t port;
	uint8_t proto;
	uint8_t pad;
};
struct stats {
	uint64_t packets;
	char name[8];
	enum color color;
	uint32_t flags : 3, level : 5, rest : 24;
	int16_t delta;
	_Bool on;
	uint8_t arr[3];
	union {
		uint32_t word;
		uint8_t bytes[4];
	} u;
	struct {
		int32_t x, y;
	} pos[2];
};

/* The value both tests print and read back: every kind of member set. */
static void
fill_stats(struct stats *v)
{
	memset(v, 0, sizeof(*v));
	v->packets = 12345678901ull;
	strcpy(v->name, "eth0");
	v->color = GREEN;
	v->flags = 5;
	v->level = 31;
	v->rest = 0xabcdef;
	v->delta = -300;
	v->on = 1;
	v->arr[0] = 1, v->arr[1] = 2, v->arr[2] = 255;
	v->u.word = 0x04030201;
	v->pos[0].x = -1, v->pos[0].y = 2, v->pos[1].x = 3, v->pos[1].y = -4;
}

static char *
render(const struct xdpdk_btf *b, uint32_t id, const void *data, size_t size, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = xdpdk_btf_json(f, b, id, data, size);
	fclose(f);
	return buf;
}

/* btf_types.bpf.o, its BTF and its map "flows"'s key and value type ids. */
static struct xdpdk_obj *
open_flows(struct xdpdk_btf **b, uint32_t *kt, uint32_t *vt)
{
	char path[512];
	const char *dir = getenv("XDPDK_PROGS_DIR");
	const struct xdpdk_obj_map *m = NULL;
	struct xdpdk_obj *obj;

	snprintf(path, sizeof(path), "%s/btf_types.bpf.o", dir != NULL ? dir : "tests/progs");
	obj = xdpdk_obj_open(path, NULL);
	assert_non_null(obj);
	for (uint32_t i = 0; i < xdpdk_obj_map_count(obj); i++)
		if (strcmp(xdpdk_obj_map_name(xdpdk_obj_map_at(obj, i)), "flows") == 0)
			m = xdpdk_obj_map_at(obj, i);
	assert_non_null(m);
	*b = xdpdk_obj_btf(obj);
	assert_non_null(*b);
	xdpdk_obj_map_btf_ids(m, kt, vt);
	assert_true(*kt != 0 && *vt != 0);
	return obj;
}

static void
test_btf_json_types(void **state)
{
	struct xdpdk_obj *obj;
	struct xdpdk_btf *b;
	uint32_t kt, vt;
	struct flow k = { .addr = 0x0a000001, .port = 443, .proto = 17 };
	struct stats v;
	char *s;
	int rc;

	(void)state;
	obj = open_flows(&b, &kt, &vt);

	s = render(b, kt, &k, sizeof(k), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "{\"addr\":167772161,\"port\":443,\"proto\":17,\"pad\":0}");
	free(s);

	fill_stats(&v);
	s = render(b, vt, &v, sizeof(v), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "{\"packets\":12345678901,\"name\":\"eth0\",\"color\":\"GREEN\","
			       "\"flags\":5,\"level\":31,\"rest\":11259375,\"delta\":-300,"
			       "\"on\":true,\"arr\":[1,2,255],"
			       "\"u\":{\"word\":67305985,\"bytes\":[1,2,3,4]},"
			       "\"pos\":[{\"x\":-1,\"y\":2},{\"x\":3,\"y\":-4}]}");
	free(s);

	/* an enum value with no name, a name that is not printable: numbers, bytes */
	v.color = 3;
	memcpy(v.name, "\x01\x02", 3);
	s = render(b, vt, &v, sizeof(v), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "\"name\":[1,2,0,48,0,0,0,0],\"color\":3,"));
	free(s);

	/* too few bytes: refused, nothing written */
	s = render(b, vt, &v, sizeof(v) - 1, &rc);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(s, "");
	free(s);
	s = render(b, 0, &v, sizeof(v), &rc);
	assert_int_equal(rc, -EINVAL);
	free(s);
	xdpdk_obj_close(obj);
}

/* JSON in: the bytes the compiler lays out for the same values; the errors name where. */
static void
test_btf_from_json(void **state)
{
	char err[256];
	struct xdpdk_obj *obj;
	struct xdpdk_btf *b;
	uint32_t kt, vt;
	struct flow k, kw = { .addr = 0x0a000001, .port = 443, .proto = 17 };
	struct stats v, vw;
	char *s;
	int rc;

	(void)state;
	obj = open_flows(&b, &kt, &vt);

	assert_int_equal(xdpdk_btf_from_json(b, kt, " {\"proto\": 17, \"addr\": 167772161, "
					     "\"port\": 443} ", &k, sizeof(k), err, sizeof(err)), 0);
	assert_memory_equal(&k, &kw, sizeof(k));
	fill_stats(&vw);
	/* what the dumper printed goes back in, byte for byte */
	s = render(b, vt, &vw, sizeof(vw), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(xdpdk_btf_from_json(b, vt, s, &v, sizeof(v), err, sizeof(err)), 0);
	assert_memory_equal(&v, &vw, sizeof(v));
	free(s);
	/* members left out are zero; enums by number too */
	assert_int_equal(xdpdk_btf_from_json(b, vt, "{\"color\": 4, \"pos\": [{\"y\": 7}]}", &v,
					     sizeof(v), err, sizeof(err)), 0);
	assert_int_equal(v.color, BLUE);
	assert_int_equal(v.pos[0].y, 7);
	assert_int_equal(v.packets, 0);

	assert_int_equal(xdpdk_btf_from_json(b, vt, "{\"pos\": [{}, {\"x\": 3000000000}]}", &v,
					     sizeof(v), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "pos[1].x: number out of range");
	assert_int_equal(xdpdk_btf_from_json(b, vt, "{\"nope\": 1}", &v, sizeof(v), err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "nope: no such member");
	assert_int_equal(xdpdk_btf_from_json(b, vt, "{\"flags\": 8}", &v, sizeof(v), err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "flags: number out of range");
	assert_int_equal(xdpdk_btf_from_json(b, vt, "{\"color\": \"PINK\"}", &v, sizeof(v), err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "color: no such enum value");
	assert_int_equal(xdpdk_btf_from_json(b, kt, "{} x", &k, sizeof(k), err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "trailing text after the value");
	assert_int_equal(xdpdk_btf_from_json(b, kt, "{}", &k, sizeof(k) - 1, err, sizeof(err)),
			 -EINVAL);
	xdpdk_obj_close(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_json_types),
		cmocka_unit_test(test_btf_from_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
