/* cw_buf: caps, sticky errors, formatting, JSON escaping. */
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

Suite *suite_buf(void);

START_TEST(appends_and_terminates)
{
	cw_buf buf = CW_BUF_INIT(64);

	ck_assert_str_eq(cw_buf_cstr(&buf), "");
	ck_assert_int_eq(cw_buf_puts(&buf, "ab"), 0);
	ck_assert_int_eq(cw_buf_putc(&buf, 'c'), 0);
	ck_assert_int_eq(cw_buf_printf(&buf, "%d-%s", 42, "x"), 0);
	ck_assert_str_eq(buf.data, "abc42-x");
	ck_assert_uint_eq(buf.len, 7);
	cw_buf_dispose(&buf);
	ck_assert_ptr_null(buf.data);
}
END_TEST

START_TEST(cap_is_hard_and_sticky)
{
	cw_buf buf = CW_BUF_INIT(5);

	ck_assert_int_eq(cw_buf_puts(&buf, "12345"), 0);
	ck_assert_int_eq(cw_buf_putc(&buf, '6'), CW_ETOOBIG);
	ck_assert_str_eq(buf.data, "12345");
	/* After an error nothing more is added, even what would fit. */
	ck_assert_int_eq(cw_buf_put(&buf, "", 0), CW_ETOOBIG);
	ck_assert_int_eq(cw_buf_printf(&buf, "%s", ""), CW_ETOOBIG);
	ck_assert_uint_eq(buf.len, 5);
	cw_buf_clear(&buf);
	ck_assert_int_eq(buf.error, 0);
	ck_assert_int_eq(cw_buf_puts(&buf, "ok"), 0);
	ck_assert_str_eq(buf.data, "ok");
	cw_buf_dispose(&buf);
}
END_TEST

START_TEST(printf_over_cap_adds_nothing)
{
	cw_buf buf = CW_BUF_INIT(8);

	ck_assert_int_eq(cw_buf_printf(&buf, "%s", "123456789"), CW_ETOOBIG);
	ck_assert_uint_eq(buf.len, 0);
	cw_buf_dispose(&buf);
}
END_TEST

START_TEST(grows_across_many_appends)
{
	cw_buf buf = CW_BUF_INIT(1 << 20);

	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(cw_buf_puts(&buf, "0123456789"), 0);
	ck_assert_uint_eq(buf.len, 100000);
	ck_assert_int_eq(buf.data[99999], '9');
	ck_assert_int_eq(buf.data[100000], '\0');
	cw_buf_dispose(&buf);
}
END_TEST

START_TEST(json_string_escapes)
{
	cw_buf buf = CW_BUF_INIT(256);

	cw_buf_put_json_string(&buf, "a\"b\\c\nd\x01\te");
	ck_assert_str_eq(buf.data, "a\\\"b\\\\c\\nd\\u0001\\u0009e");
	cw_buf_dispose(&buf);
}
END_TEST

START_TEST(detach_hands_over)
{
	cw_buf buf = CW_BUF_INIT(64);
	size_t len = 0;
	char *text;

	cw_buf_puts(&buf, "hello");
	text = cw_buf_detach(&buf, &len);
	ck_assert_str_eq(text, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(buf.data);
	ck_assert_uint_eq(buf.len, 0);
	cw_free(text);
}
END_TEST

/* A failing allocator proves allocation failure is reported, not fatal. */
static int allocations_left;

static void *failing_malloc(size_t size)
{
	return allocations_left-- > 0 ? malloc(size) : NULL;
}

static void *failing_realloc(void *p, size_t size)
{
	return allocations_left-- > 0 ? realloc(p, size) : NULL;
}

START_TEST(out_of_memory_is_sticky)
{
	cw_allocator failing = { failing_malloc, failing_realloc, free };
	cw_buf buf = CW_BUF_INIT(1 << 20);

	allocations_left = 0;
	cw_allocator_set(&failing);
	ck_assert_int_eq(cw_buf_puts(&buf, "x"), CW_ENOMEM);
	ck_assert_int_eq(cw_buf_puts(&buf, "y"), CW_ENOMEM);
	cw_allocator_set(NULL);
	ck_assert_uint_eq(buf.len, 0);
	cw_buf_dispose(&buf);
}
END_TEST

Suite *suite_buf(void)
{
	Suite *s = suite_create("util/buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, appends_and_terminates);
	tcase_add_test(tc, cap_is_hard_and_sticky);
	tcase_add_test(tc, printf_over_cap_adds_nothing);
	tcase_add_test(tc, grows_across_many_appends);
	tcase_add_test(tc, json_string_escapes);
	tcase_add_test(tc, detach_hands_over);
	tcase_add_test(tc, out_of_memory_is_sticky);
	suite_add_tcase(s, tc);
	return s;
}
