/* test_mail_lines.c - what an old mailbox's body loses before a reader
 * sees it: Eudora's lines naming the owner's files (every form Eudora
 * wrote, quoted or not, in one write or byte by byte) become markers
 * naming the file only; other lines pass byte for byte; and a bounce's
 * status fields keep what the report says, not the hosts on the way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "docs/mail_local.h"
#include "docs/mail_report.h"

static int to_buf(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

/* The filter's output for in, written whole or one byte at a time. */
static char *filtered(const char *in, bool bytewise, unsigned *replaced)
{
	struct sz_buf out;
	sz_buf_init(&out, 1u << 20);
	struct sz_mail_local *f = malloc(sizeof(*f));
	assert_non_null(f);
	sz_mail_local_init(f, to_buf, &out);
	size_t n = strlen(in);
	for (size_t i = 0; bytewise && i < n; i++)
		assert_int_equal(sz_mail_local_write(f, (const uint8_t *)in + i, 1), 0);
	if (!bytewise)
		assert_int_equal(sz_mail_local_write(f, (const uint8_t *)in, n), 0);
	assert_int_equal(sz_mail_local_end(f), 0);
	*replaced = f->replaced;
	free(f);
	char *s = malloc(out.len + 1);
	assert_non_null(s);
	if (out.len)
		memcpy(s, out.data, out.len);
	s[out.len] = 0;
	sz_buf_free(&out);
	return s;
}

static void check(const char *in, const char *want, unsigned count)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		unsigned n;
		char *got = filtered(in, bytewise, &n);
		assert_string_equal(got, want);
		assert_int_equal(n, count);
		free(got);
	}
}

static void windows_paths_leave_only_the_file_name(void **state)
{
	(void)state;
	check("See it.\r\nAttachment Converted: \"C:\\Documents and Settings\\"
		"jsmith\\Eudora\\Attach\\report.doc\"\r\nBye\r\n",
		"See it.\r\n[attachment not in the mailbox: report.doc]\r\nBye\r\n", 1);
	check("Attachment Converted: c:\\eudora\\attach\\memo.txt\n",
		"[attachment not in the mailbox: memo.txt]\n", 1);
}

static void mac_paths_lose_their_disk_and_type_codes(void **state)
{
	(void)state;
	check("Attachment converted: Macintosh HD:Eudora Folder:Attachments "
		"Folder:memo (WDBN/MSWD) (0001A2B3)\n",
		"[attachment not in the mailbox: memo]\n", 1);
}

static void embedded_content_keeps_the_name_not_the_numbers(void **state)
{
	(void)state;
	check("Embedded Content: image001.jpg: 00000001,2d5f4ee8,00000000,"
		"00000000\n", "[attachment not in the mailbox: image001.jpg]\n", 1);
}

static void quoted_lines_keep_their_quoting(void **state)
{
	(void)state;
	check("> > Attachment Converted: \"C:\\Eudora\\Attach\\a.pdf\"\n",
		"> > [attachment not in the mailbox: a.pdf]\n", 1);
}

static void other_lines_pass_unchanged(void **state)
{
	(void)state;
	check("I saved it as C:\\Eudora\\Attach\\x.doc, see\n"
		"The Attachment Converted: line is Eudora's\nlast line no end",
		"I saved it as C:\\Eudora\\Attach\\x.doc, see\n"
		"The Attachment Converted: line is Eudora's\nlast line no end", 0);
	check("", "", 0);
}

static void a_line_too_long_to_be_eudoras_passes_whole(void **state)
{
	(void)state;
	size_t n = SZ_MAIL_LOCAL_LINE_MAX + 100;
	char *in = malloc(n + 40);
	assert_non_null(in);
	static const char head[] = "Attachment Converted: \"";
	memcpy(in, head, sizeof(head) - 1);
	memset(in + sizeof(head) - 1, 'a', n - (sizeof(head) - 1));
	memcpy(in + n, "\"\nnext\n", 8);
	check(in, in, 0);
	free(in);
}

static void a_name_never_makes_a_marker_of_its_own(void **state)
{
	(void)state;
	check("Attachment Converted: \"C:\\x\\a]b[c\tz\"\n",
		"[attachment not in the mailbox: a_b_c_z]\n", 1);
	check("Attachment Converted: \"C:\\dir\\\"\n",
		"[attachment not in the mailbox]\n", 1);
}

static char *status(const char *in, unsigned *removed)
{
	int fd = memfd_create("t", 0);
	assert_true(fd >= 0);
	struct sz_err err;
	*removed = 0;
	assert_int_equal(sz_mail_report_filter(SZ_MAIL_REPORT_STATUS,
		(const uint8_t *)in, strlen(in), fd, removed, NULL, &err), 0);
	off_t n = lseek(fd, 0, SEEK_END);
	char *s = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fd, s, (size_t)n, 0), n);
	close(fd);
	return s;
}

static void delivery_status_keeps_what_happened_not_the_hosts(void **state)
{
	(void)state;
	unsigned removed;
	char *s = status("Reporting-MTA: dns; mail.corp.example\n"
		"Received-From-MTA: dns; dsl-1-2-3-4.example.net\n"
		"  ([1.2.3.4])\nArrival-Date: Mon, 3 Mar 2003 09:59:00 +0000\n\n"
		"Final-Recipient: rfc822; nobody@gone.example\nAction: failed\n"
		"Status: 5.1.1\nRemote-MTA: dns; mx.gone.example [203.0.113.9]\n"
		"Diagnostic-Code: smtp; 550 user\n unknown\n", &removed);
	assert_string_equal(s, "Final-Recipient: rfc822; nobody@gone.example\n"
		"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 user\n"
		" unknown\n");
	assert_int_equal(removed, 4);
	free(s);
	/* Filtering what was filtered changes nothing. */
	s = status("Final-Recipient: rfc822; a@b\n\nAction: failed\n", &removed);
	char *again = status(s, &removed);
	assert_string_equal(s, again);
	assert_int_equal(removed, 0);
	free(s);
	free(again);
}

static void report_types_are_recognised(void **state)
{
	(void)state;
	assert_int_equal(sz_mail_report_kind("message", "delivery-status"),
		SZ_MAIL_REPORT_STATUS);
	assert_int_equal(sz_mail_report_kind("Message", "Disposition-Notification"),
		SZ_MAIL_REPORT_STATUS);
	assert_int_equal(sz_mail_report_kind("text", "rfc822-headers"),
		SZ_MAIL_REPORT_HEADERS);
	assert_int_equal(sz_mail_report_kind("message", "global-headers"),
		SZ_MAIL_REPORT_HEADERS);
	assert_int_equal(sz_mail_report_kind("text", "plain"), SZ_MAIL_REPORT_NONE);
	assert_int_equal(sz_mail_report_kind("message", "rfc822"),
		SZ_MAIL_REPORT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_paths_leave_only_the_file_name),
		cmocka_unit_test(mac_paths_lose_their_disk_and_type_codes),
		cmocka_unit_test(embedded_content_keeps_the_name_not_the_numbers),
		cmocka_unit_test(quoted_lines_keep_their_quoting),
		cmocka_unit_test(other_lines_pass_unchanged),
		cmocka_unit_test(a_line_too_long_to_be_eudoras_passes_whole),
		cmocka_unit_test(a_name_never_makes_a_marker_of_its_own),
		cmocka_unit_test(delivery_status_keeps_what_happened_not_the_hosts),
		cmocka_unit_test(report_types_are_recognised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
