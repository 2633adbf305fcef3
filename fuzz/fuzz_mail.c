/*
 * fuzz_mail.c - the e-mail importer on arbitrary bytes (as an mbox when
 * they start with "From ", else as one message): every message found has
 * its raw bytes inside the input, decoded headers and text, and its
 * attachments written out and read back, without a crash or a leak.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "docs/mail.h"
#include "fuzz.h"

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
	(void)sz_mail_each(path, on_mail, dir, &err);
	unlink(path);
	rmdir(dir);
	return 0;
}
