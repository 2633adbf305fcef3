/* test_request_head.c - what the connection gate lets through to
 * libmicrohttpd: well-formed heads of real clients pass; each way of
 * making two parsers disagree about where a request ends is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/request_head.h"

#define MAX 4096

static enum sz_head_verdict check(const char *s, size_t len, size_t *head)
{
	const char *why = NULL;
	size_t h = 0;
	enum sz_head_verdict v = sz_request_head_check((const uint8_t *)s, len,
		MAX, &h, &why);
	if (v != SZ_HEAD_OK && v != SZ_HEAD_INCOMPLETE)
		assert_non_null(why);   /* every refusal says why */
	if (head != NULL)
		*head = h;
	return v;
}

#define CHECK(lit) check(lit, sizeof(lit) - 1, NULL)

static void real_clients_pass(void **state)
{
	(void)state;
	size_t head;
	static const char tor_browser[] =
		"GET /source?sent=1 HTTP/1.1\r\nHost: abc.onion\r\n"
		"User-Agent: Mozilla/5.0 (Windows NT 10.0; rv:115.0) "
		"Gecko/20100101 Firefox/115.0\r\nAccept: text/html,*/*;q=0.8\r\n"
		"Accept-Language: en-US,en;q=0.5\r\nConnection: keep-alive\r\n"
		"Cookie: sz_source=abc\r\nUpgrade-Insecure-Requests: 1\r\n\r\n"
		"body bytes after the head";
	assert_int_equal(check(tor_browser, sizeof(tor_browser) - 1, &head),
		SZ_HEAD_OK);
	assert_int_equal(head, strstr(tor_browser, "body") - tor_browser);
	assert_int_equal(CHECK("POST /login HTTP/1.1\r\nHost: x\r\n"
		"Content-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: 42\r\n\r\n"), SZ_HEAD_OK);
	assert_int_equal(CHECK("POST /submit HTTP/1.1\r\nHost: x\r\n"
		"Transfer-Encoding: Chunked\r\n\r\n"), SZ_HEAD_OK);
	assert_int_equal(CHECK("GET / HTTP/1.0\r\n\r\n"), SZ_HEAD_OK);
	assert_int_equal(CHECK("\r\nGET / HTTP/1.1\r\nHost: x\r\nX-E:\r\n"
		"X-T: \ttabs and obs-text \xc3\xa9 \t\r\n\r\n"), SZ_HEAD_OK);
}

static void partial_heads_wait(void **state)
{
	(void)state;
	assert_int_equal(CHECK(""), SZ_HEAD_INCOMPLETE);
	assert_int_equal(CHECK("GE"), SZ_HEAD_INCOMPLETE);
	assert_int_equal(CHECK("GET / HTTP/1.1\r"), SZ_HEAD_INCOMPLETE);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\n\r"),
		SZ_HEAD_INCOMPLETE);
}

static void smuggling_shapes_are_refused(void **state)
{
	(void)state;
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5"
		"\r\nContent-Length: 6\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5"
		"\r\nContent-Length: 5\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5,"
		" 5\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5"
		"\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
		"99999999999999999999\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5"
		"\r\nTransfer-Encoding: chunked\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:"
		" chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.0\r\nTransfer-Encoding: chunked"
		"\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:"
		" gzip, chunked\r\n\r\n"), SZ_HEAD_NOT_IMPLEMENTED);
	assert_int_equal(CHECK("POST / HTTP/1.1\r\nHost: x\r\n"
		"Content-Length : 5\r\n\r\n"), SZ_HEAD_BAD);
}

static void malformed_lines_are_refused(void **state)
{
	(void)state;
	assert_int_equal(CHECK("GET / HTTP/1.1\nHost: x\n\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n"
		"\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n"
		"\r\n"), SZ_HEAD_BAD);
	assert_int_equal(check("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n",
		32, NULL), SZ_HEAD_BAD);
	assert_int_equal(check("GET / HTTP/1.1\r\nHo\0st: x", 23, NULL),
		SZ_HEAD_BAD);   /* refused as soon as it arrives */
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\nX-A: \x1b[31m\r\n"
		"\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET /\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/2.0\r\n\r\n"), SZ_HEAD_BAD_VERSION);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\n\r\n"), SZ_HEAD_BAD);
	assert_int_equal(CHECK("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
		SZ_HEAD_BAD);
	assert_int_equal(CHECK("\r\n\r\n\r\nGET / HTTP/1.1\r\n"), SZ_HEAD_BAD);
}

static void large_heads_are_refused(void **state)
{
	(void)state;
	static char big[MAX + 100];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nHost: x\r\nX: ", 28);
	assert_int_equal(check(big, sizeof(big), NULL), SZ_HEAD_TOO_LARGE);
	memcpy(big + MAX - 2, "\r\n\r\n", 4);   /* ends just past max */
	assert_int_equal(check(big, MAX + 2, NULL), SZ_HEAD_TOO_LARGE);
}

/* A head within the size limit can still hold more fields, parameters
 * or cookies than libmicrohttpd's memory pool takes: refused here. */
static void many_entries_are_refused(void **state)
{
	(void)state;
	char b[MAX];
	for (int n = SZ_HEAD_FIELDS_MAX; n <= SZ_HEAD_FIELDS_MAX + 1; n++) {
		size_t k = (size_t)snprintf(b, sizeof(b), "GET / HTTP/1.1\r\n"
			"Host: x\r\n");
		for (int i = 1; i < n; i++)
			k += (size_t)snprintf(b + k, sizeof(b) - k, "X: b\r\n");
		k += (size_t)snprintf(b + k, sizeof(b) - k, "\r\n");
		assert_int_equal(check(b, k, NULL), n > SZ_HEAD_FIELDS_MAX ?
			SZ_HEAD_TOO_LARGE : SZ_HEAD_OK);
	}
	for (int n = SZ_HEAD_PARAMS_MAX; n <= SZ_HEAD_PARAMS_MAX + 1; n++) {
		size_t k = (size_t)snprintf(b, sizeof(b), "GET /search?");
		for (int i = 0; i < n; i++)
			k += (size_t)snprintf(b + k, sizeof(b) - k, "%sa=1",
				i ? "&" : "");
		k += (size_t)snprintf(b + k, sizeof(b) - k, " HTTP/1.1\r\n"
			"Host: x\r\n\r\n");
		assert_int_equal(check(b, k, NULL), n > SZ_HEAD_PARAMS_MAX ?
			SZ_HEAD_BAD : SZ_HEAD_OK);
	}
	for (int n = SZ_HEAD_COOKIES_MAX; n <= SZ_HEAD_COOKIES_MAX + 1; n++) {
		size_t k = (size_t)snprintf(b, sizeof(b), "GET / HTTP/1.1\r\n"
			"Host: x\r\nCookie: ");
		for (int i = 0; i < n; i++)
			k += (size_t)snprintf(b + k, sizeof(b) - k, "%sc=1",
				i ? "; " : "");
		k += (size_t)snprintf(b + k, sizeof(b) - k, "\r\n\r\n");
		assert_int_equal(check(b, k, NULL), n > SZ_HEAD_COOKIES_MAX ?
			SZ_HEAD_TOO_LARGE : SZ_HEAD_OK);
	}
}

/* What follows a head: its body, then (pipelining) the next request. */
static void body_lengths_tell_where_the_next_request_starts(void **state)
{
	(void)state;
	static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char post[] = "POST /login HTTP/1.1\r\nHost: x\r\n"
		"content-length: 42\r\n\r\n";
	static const char chunked[] = "POST /submit HTTP/1.1\r\nHost: x\r\n"
		"Transfer-Encoding: chunked\r\n\r\n";
	static const char huge[] = "POST / HTTP/1.1\r\nHost: x\r\n"
		"Content-Length: 9999999999999999999\r\n\r\n";
	assert_int_equal(sz_request_head_body_length((const uint8_t *)get,
		sizeof(get) - 1), 0);
	assert_int_equal(sz_request_head_body_length((const uint8_t *)post,
		sizeof(post) - 1), 42);
	assert_int_equal(sz_request_head_body_length((const uint8_t *)chunked,
		sizeof(chunked) - 1), -1);
	assert_true(sz_request_head_body_length((const uint8_t *)huge,
		sizeof(huge) - 1) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_clients_pass),
		cmocka_unit_test(partial_heads_wait),
		cmocka_unit_test(smuggling_shapes_are_refused),
		cmocka_unit_test(malformed_lines_are_refused),
		cmocka_unit_test(large_heads_are_refused),
		cmocka_unit_test(many_entries_are_refused),
		cmocka_unit_test(body_lengths_tell_where_the_next_request_starts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
