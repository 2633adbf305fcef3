/* test_multipart.c - the upload parser sees the same parts and bytes
 * however the body is cut, and refuses what a browser would never send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "http/multipart.h"

struct seen {
	struct sz_buf log;
};

static int begin(void *ctx, const struct sz_mp_part *p)
{
	struct seen *s = ctx;
	return sz_buf_printf(&s->log, "[%s|%s|%d|%s]", p->name, p->filename,
		p->has_filename, p->content_type);
}

static int data(void *ctx, const uint8_t *d, size_t n)
{
	struct seen *s = ctx;
	return sz_buf_append(&s->log, d, n);
}

static int end(void *ctx)
{
	struct seen *s = ctx;
	return sz_buf_puts(&s->log, "[end]");
}

static const struct sz_mp_handler h = { begin, data, end };

static int parse(const char *ct, const char *body, size_t len, size_t piece,
	struct seen *s)
{
	struct sz_multipart *m;
	sz_buf_init(&s->log, 1 << 20);
	int rc = sz_multipart_new(&m, ct, &h, s, 8, NULL);
	if (rc != 0)
		return rc;
	for (size_t off = 0; rc == 0 && off < len; off += piece)
		rc = sz_multipart_feed(m, (const uint8_t *)body + off,
			len - off < piece ? len - off : piece, NULL);
	if (rc == 0)
		rc = sz_multipart_finish(m, NULL);
	sz_multipart_free(m);
	return rc;
}

static const char body[] =
	"ignored preamble\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	"tok\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"files\"; "
	"filename=\"a \\\"quoted\\\" name.pdf\"\r\n"
	"Content-Type: application/pdf\r\n\r\n"
	"data with \r\n--XyNot a boundary\r\n--XyZ-- inside\r\n"
	"--XyZ--\r\nepilogue";

static void every_cut_gives_the_same_parts(void **state)
{
	(void)state;
	const char *want = "[csrf||0|]tok[end][files|a \"quoted\" name.pdf|1|"
		"application/pdf]data with \r\n--XyNot a boundary[end]";
	/* Note: "\r\n--XyZ-- inside" ends the part: a delimiter is a
	 * delimiter wherever it appears, as RFC 2046 says. */
	for (size_t piece = 1; piece <= sizeof(body); piece++) {
		struct seen s;
		int rc = parse("multipart/form-data; boundary=XyZ", body,
			sizeof(body) - 1, piece, &s);
		assert_int_equal(rc, 0);
		assert_string_equal((const char *)s.log.data, want);
		sz_buf_free(&s.log);
	}
}

static void malformed_uploads_are_refused(void **state)
{
	(void)state;
	struct seen s;
	const char *ok_ct = "multipart/form-data; boundary=B";
	assert_int_not_equal(parse("multipart/form-data", "", 0, 1, &s), 0);
	assert_int_not_equal(parse("text/plain; boundary=B", "", 0, 1, &s), 0);
	sz_buf_free(&s.log);
	const char *truncated = "--B\r\nContent-Disposition: form-data; "
		"name=\"a\"\r\n\r\nno end";
	assert_int_not_equal(parse(ok_ct, truncated, strlen(truncated), 3,
		&s), 0);
	sz_buf_free(&s.log);
	const char *no_name = "--B\r\nContent-Disposition: form-data\r\n\r\n"
		"x\r\n--B--";
	assert_int_not_equal(parse(ok_ct, no_name, strlen(no_name), 5, &s), 0);
	sz_buf_free(&s.log);
	const char *bad_utf8 = "--B\r\nContent-Disposition: form-data; "
		"name=\"a\"; filename=\"\xff\xfe\"\r\n\r\nx\r\n--B--";
	assert_int_not_equal(parse(ok_ct, bad_utf8, strlen(bad_utf8), 64, &s),
		0);
	sz_buf_free(&s.log);
	struct sz_buf many;
	sz_buf_init(&many, 4096);
	for (int i = 0; i < 10; i++)
		sz_buf_puts(&many, "--B\r\nContent-Disposition: form-data; "
			"name=\"a\"\r\n\r\nx\r\n");
	sz_buf_puts(&many, "--B--");
	assert_int_equal(parse(ok_ct, (const char *)many.data, many.len, 100,
		&s), SZ_E_LIMIT);
	sz_buf_free(&s.log);
	sz_buf_free(&many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cut_gives_the_same_parts),
		cmocka_unit_test(malformed_uploads_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
