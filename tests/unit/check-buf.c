/* Unit tests for lib/buf.c and lib/arena.c. */
#include "config.h"
#include "buf.h"
#include "arena.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_buf_empty_is_cstr)
{
	struct buf b = BUF_INIT;
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_append_and_printf)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "A001 OK ");
	buf_printf(&b, "[UIDNEXT %u] %s", 42u, "done");
	buf_putc(&b, '\r');
	buf_append(&b, "\n", 1);
	ck_assert_str_eq(buf_cstr(&b), "A001 OK [UIDNEXT 42] done\r\n");
	ck_assert_uint_eq(b.len, strlen("A001 OK [UIDNEXT 42] done\r\n"));
	ck_assert_int_eq(b.data[b.len], '\0');
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_binary_and_growth)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 10000; i++)
		buf_append(&b, "\0x", 2);
	ck_assert_uint_eq(b.len, 20000);
	ck_assert_int_eq(b.data[0], '\0');
	ck_assert_int_eq(b.data[19999], 'x');
	ck_assert_int_eq(b.data[20000], '\0');
	ck_assert_uint_ge(b.cap, 20001);
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_consume_truncate_steal)
{
	struct buf b = BUF_INIT;
	char *s;
	buf_puts(&b, "LINE1\r\nLINE2\r\n");
	buf_consume(&b, 7);
	ck_assert_str_eq(buf_cstr(&b), "LINE2\r\n");
	buf_truncate(&b, 5);
	ck_assert_str_eq(buf_cstr(&b), "LINE2");
	s = buf_steal(&b);
	ck_assert_str_eq(s, "LINE2");
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

START_TEST(test_buf_consume_past_end_is_fatal)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "ab");
	buf_consume(&b, 3);
}
END_TEST

START_TEST(test_buf_reserve_overflow_is_fatal)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "ab");
	buf_reserve(&b, SIZE_MAX - 1);
}
END_TEST

START_TEST(test_arena_alloc_reset)
{
	struct arena *a = arena_new(512);
	char *p = arena_strdup(a, "hello");
	char *q = arena_printf(a, "%s-%d", p, 7);
	void *big = arena_alloc(a, 100000);
	ck_assert_str_eq(p, "hello");
	ck_assert_str_eq(q, "hello-7");
	memset(big, 0xaa, 100000);
	ck_assert_uint_ge(arena_used(a), 100000 + 16);
	ck_assert_uint_eq((uintptr_t)big % _Alignof(max_align_t), 0);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	p = arena_strndup(a, "abcdef", 3);
	ck_assert_str_eq(p, "abc");
	ck_assert_mem_eq(arena_zalloc(a, 8), "\0\0\0\0\0\0\0\0", 8);
	arena_free(a);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_empty_is_cstr);
	tcase_add_test(tc, test_buf_append_and_printf);
	tcase_add_test(tc, test_buf_binary_and_growth);
	tcase_add_test(tc, test_buf_consume_truncate_steal);
	tcase_add_exit_test(tc, test_buf_consume_past_end_is_fatal, 1);
	tcase_add_exit_test(tc, test_buf_reserve_overflow_is_fatal, 1);
	tcase_add_test(tc, test_arena_alloc_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
