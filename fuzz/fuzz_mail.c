/*
 * fuzz_mail.c - the e-mail importer on arbitrary bytes (as an mbox when
 * they start with "From ", an MMDF file with four Ctrl-A, else as one
 * message; in LF, CRLF or CR-only line ends): every message found has
 * its raw bytes inside the input, clean UTF-8 headers, recipients as
 * "address<TAB>name" lines, text, and its attachments written out and
 * read back; its header filtered for publication (mail_raw.c) is no
 * longer than the message and filters to itself again; its PGP
 * signatures are looked for (without keys, so no gpg runs); all without
 * a crash or a leak.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/mman.h>

#include "core/io.h"
#include "core/utf8.h"
#include "docs/mail.h"
#include "docs/mail_raw.h"
#include "docs/pgp.h"
#include "fuzz.h"

static uint8_t *contents(int fd, size_t *len)
{
	struct stat st;
	assert(fstat(fd, &st) == 0);
	uint8_t *p = malloc((size_t)st.st_size + 1);
	assert(p != NULL && pread(fd, p, (size_t)st.st_size, 0) == st.st_size);
	*len = (size_t)st.st_size;
	return p;
}

/* Filtering the filtered header changes nothing (keep_signed either way:
 * what is kept once is kept again). */
static void filter_twice(const struct sz_mail *m, bool keep_signed)
{
	struct sz_err err;
	int a = memfd_create("fuzz-raw-a", MFD_CLOEXEC);
	int b = memfd_create("fuzz-raw-b", MFD_CLOEXEC);
	assert(a >= 0 && b >= 0);
	if (sz_mail_raw_filter(m->raw_fd, m->raw_off, m->raw_len, a, keep_signed,
	    NULL, NULL, &err) == 0) {
		size_t la, lb;
		uint8_t *pa = contents(a, &la);
		assert(la <= m->raw_len);
		assert(sz_mail_raw_filter(a, 0, la, b, keep_signed, NULL, NULL,
			&err) == 0);
		uint8_t *pb = contents(b, &lb);
		assert(la == lb && memcmp(pa, pb, la) == 0);
		free(pa);
		free(pb);
	}
	close(a);
	close(b);
}

static uint64_t input_size;

static int on_attachment(void *ctx, const struct sz_mail_part *a,
	struct sz_err *err)
{
	(void)ctx;
	(void)err;
	struct stat st;
	assert(a->filename[0] != 0 && strchr(a->filename, '/') == NULL);
	assert(sz_utf8_valid(a->filename, strlen(a->filename)));
	assert(a->problem != NULL ? a->fd < 0 : fstat(a->fd, &st) == 0);
	return 0;
}

static int on_mail(void *ctx, const struct sz_mail *m, struct sz_err *err)
{
	const char *tmp = ctx;
	assert(m->raw_off + m->raw_len <= input_size);
	assert(strlen(m->subject) < 1u << 20 && m->from_addr && m->to && m->cc);
	assert(m->text_len <= SZ_MAIL_MAX_TEXT);
	assert(sz_utf8_is_clean(m->subject, strlen(m->subject), false));
	assert(sz_utf8_is_clean(m->from_name, strlen(m->from_name), false));
	assert(sz_utf8_is_clean(m->from_addr, strlen(m->from_addr), false));
	for (const char *l = m->to; *l; l = strchr(l, '\n') + 1) {
		const char *tab = strchr(l, '\t'), *nl = strchr(l, '\n');
		assert(nl != NULL && tab != NULL && tab < nl && tab > l);
		assert(strchr(tab + 1, '\t') == NULL || strchr(tab + 1, '\t') > nl);
	}
	filter_twice(m, true);
	filter_twice(m, false);
	enum sz_pgp_result pr;
	char detail[SZ_PGP_DETAIL_MAX + 1];
	assert(sz_pgp_verify(NULL, m->raw_fd, m->raw_off, m->raw_len, &pr,
		detail, sizeof(detail), err) == 0);
	assert(pr == SZ_PGP_RESULT_NONE || pr == SZ_PGP_RESULT_UNKNOWN);
	return sz_mail_attachments(m, tmp, on_attachment, NULL, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/sz-fuzz-mail-XXXXXX";
	char path[64];
	assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/in", dir);
	FILE *f = fopen(path, "wb");
	assert(f != NULL);
	fwrite(data, 1, size, f);
	fclose(f);
	input_size = size;
	struct sz_err err;
	(void)sz_mail_each(path, dir, on_mail, dir, NULL, &err);
	unlink(path);
	rmdir(dir);
	return 0;
}
