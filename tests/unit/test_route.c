/* test_route.c - route patterns: literal segments match exactly, ":name"
 * captures one whole segment (never empty, never with a slash), and a
 * path that does not fit is not matched rather than cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/route.h"

static void literal_paths_match_exactly(void **state)
{
	(void)state;
	struct sz_route_params p;
	assert_true(sz_route_match("/", "/", &p));
	assert_int_equal(p.n, 0);
	assert_true(sz_route_match("/api/v1/releases", "/api/v1/releases", &p));
	assert_false(sz_route_match("/api/v1/releases", "/api/v1/releases/", &p));
	assert_false(sz_route_match("/api/v1/releases", "/api/v1/release", &p));
	assert_false(sz_route_match("/", "/x", &p));
	assert_false(sz_route_match("/x", "/", &p));
	assert_false(sz_route_match("/x", "x", &p));
}

static void a_parameter_takes_one_whole_segment(void **state)
{
	(void)state;
	struct sz_route_params p;
	assert_true(sz_route_match("/thread/:id/page/:n", "/thread/ab12/page/2",
		&p));
	assert_int_equal(p.n, 2);
	assert_string_equal(sz_route_param(&p, "id"), "ab12");
	assert_string_equal(sz_route_param(&p, "n"), "2");
	assert_null(sz_route_param(&p, "page"));
	assert_false(sz_route_match("/doc/:id", "/doc/", &p));
	assert_false(sz_route_match("/doc/:id", "/doc/12/more", &p));
	assert_false(sz_route_match("/doc/:id", "/doc//", &p));
	assert_false(sz_route_match("/thread/:id/page/:n", "/thread/ab12/page",
		&p));
	assert_true(sz_route_match("/from/:address", "/from/anna@example.com",
		&p));
	assert_string_equal(sz_route_param(&p, "address"), "anna@example.com");
	/* "*" is a segment that is not kept */
	assert_true(sz_route_match("/release/*", "/release/12", &p));
	assert_int_equal(p.n, 0);
}

static void a_path_too_long_to_keep_does_not_match(void **state)
{
	(void)state;
	struct sz_route_params p;
	char path[SZ_ROUTE_PARAMS_TEXT + 16];
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	assert_false(sz_route_match("/:x", path, &p));
	assert_true(sz_route_match("/:a/:b/:c/:d", "/1/2/3/4", &p));
	assert_false(sz_route_match("/:a/:b/:c/:d/:e", "/1/2/3/4/5", &p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_paths_match_exactly),
		cmocka_unit_test(a_parameter_takes_one_whole_segment),
		cmocka_unit_test(a_path_too_long_to_keep_does_not_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
