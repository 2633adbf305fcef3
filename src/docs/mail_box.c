/*
 * mail_box.c - the layout of a mailbox file before GMime parses it (see
 * mail_box.h): line ends, a byte-order mark or blank lines before the
 * first message, mbox or MMDF or one message, and MMDF's separators.
 *
 * Classic Mac OS clients (Eudora, Outlook Express for the Mac) ended
 * lines with a bare CR, which GMime, like every MIME parser, does not
 * split on: such a mailbox would read as one message.  A CR-only file is
 * copied with each bare CR made an LF; the copy has the same length, so
 * what GMime finds in it is where it is in the file.  The copy lives in
 * an unlinked file under the caller's directory (the one the importer
 * writes attachments to), never in memory, whatever the mailbox's size;
 * one message on its own (the scrubber's, bounded by SZ_MAIL_MAX_MESSAGE)
 * is copied into a memory file.
 *
 * It does not guess a line convention per message: a mailbox is written
 * by one client, and the first SZ_MAIL_SNIFF_BYTES tell which.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/mail_box.h"

#define PIECE (64u << 10)   /* bytes read at a time */

/* Whether the bytes read end their lines in a bare CR more often than in
 * LF (a CR at the end of what was read counts when the file ends there). */
static bool cr_only(const uint8_t *p, size_t n, bool at_end)
{
	size_t lf = 0, cr = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			lf++;
		else if (p[i] == '\r' && (i + 1 < n ? p[i + 1] != '\n' : at_end))
			cr++;
	}
	return cr > lf;
}

/* Copies fd into out with each CR not followed by an LF made an LF. */
static int translate(int fd, int out, uint8_t *buf, struct sz_err *err)
{
	off_t at = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, PIECE, at);
		if (n < 0)
			return sz_err_set(err, SZ_E_IO, "cannot read the mailbox: %s",
				strerror(errno));
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\r')
				continue;
			uint8_t next = 0;
			if (i + 1 < n)
				next = buf[i + 1];
			else if (pread(fd, &next, 1, at + n) != 1)
				next = 0;
			if (next != '\n')
				buf[i] = '\n';
		}
		if (sz_write_all(out, buf, (size_t)n) != 0)
			return sz_err_set(err, SZ_E_IO, "cannot write a copy of the "
				"mailbox: %s", strerror(errno));
		at += n;
	}
}

int sz_mail_box_lf(int fd, const char *tmpdir, int *out, bool *translated,
	struct sz_err *err)
{
	*out = -1;
	*translated = false;
	uint8_t *buf = malloc(PIECE);
	int rc = 0, copy = -1;
	if (buf == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	ssize_t n = pread(fd, buf, PIECE, 0);
	if (n < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot read the mail: %s",
			strerror(errno));
		goto out;
	}
	if (!cr_only(buf, (size_t)n, (size_t)n < PIECE)) {
		*out = dup(fd);
		if (*out < 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot read the mail: %s",
				strerror(errno));
		goto out;
	}
	if (tmpdir != NULL) {
		char tmp[4200];
		snprintf(tmp, sizeof(tmp), "%s/.mailbox.XXXXXX", tmpdir);
		copy = mkstemp(tmp);
		if (copy >= 0)
			unlink(tmp);   /* gone when closed, whatever happens */
	} else {
		copy = memfd_create("samizdat-mail-lf", MFD_CLOEXEC);
	}
	if (copy < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot write a copy of the mail in "
			"%s: %s", tmpdir ? tmpdir : "memory", strerror(errno));
		goto out;
	}
	rc = translate(fd, copy, buf, err);
	if (rc == 0 && lseek(copy, 0, SEEK_SET) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot read the copy of the mail");
	if (rc == 0) {
		*out = copy;
		*translated = true;
		copy = -1;
	}
out:
	free(buf);
	if (copy >= 0)
		close(copy);
	return rc;
}

int sz_mail_box_open(const char *path, const char *tmpdir, int *out,
	bool *translated, struct sz_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*out = -1;
		*translated = false;
		return sz_err_set(err, SZ_E_IO, "%s: %s", path, strerror(errno));
	}
	int rc = sz_mail_box_lf(fd, tmpdir, out, translated, err);
	close(fd);
	return rc;
}

enum sz_mail_layout sz_mail_box_layout(int fd, off_t *start)
{
	uint8_t head[4096];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	size_t at = 0;
	*start = 0;
	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		at = 3;
	*start = (off_t)at;
	size_t p = at;
	while (n > 0 && p < (size_t)n && (head[p] == '\r' || head[p] == '\n'))
		p++;
	if (n > 0 && (size_t)n - p >= 5 && memcmp(head + p, "From ", 5) == 0) {
		*start = (off_t)p;
		return SZ_MAIL_MBOX;
	}
	if (n > 0 && (size_t)n - p >= 4 && memcmp(head + p, "\1\1\1\1", 4) == 0) {
		*start = (off_t)p;
		return SZ_MAIL_MMDF;
	}
	return SZ_MAIL_ONE;
}

/* One MMDF message, its From_ line (written by some tools, Python's
 * mailbox module among them) left out. */
static int range(int fd, off_t start, off_t stop, sz_mail_range_fn fn,
	void *ctx)
{
	char line[SZ_MAIL_FROM_LINE_MAX];
	ssize_t n = pread(fd, line, sizeof(line), start);
	if (n >= 5 && memcmp(line, "From ", 5) == 0) {
		const char *nl = memchr(line, '\n', (size_t)n);
		if (nl != NULL && start + (nl - line) + 1 <= stop)
			start += nl - line + 1;
	}
	return fn(ctx, start, stop);
}

int sz_mail_box_mmdf(int fd, off_t start, sz_mail_range_fn fn, void *ctx,
	struct sz_err *err)
{
	uint8_t *buf = malloc(PIECE);
	if (buf == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	/* k: the separator's bytes matched on this line so far (4 Ctrl-A,
	 * then maybe a CR), -1 when the line is not one. */
	off_t at = start, from = start, line = start;
	int k = 0, rc = 0;
	bool content = false, line_content = false;
	for (;;) {
		ssize_t n = pread(fd, buf, PIECE, at);
		if (n < 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot read the mailbox: %s",
				strerror(errno));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && rc == 0; i++) {
			uint8_t c = buf[i];
			if (c == '\n') {
				if (k == 4 || k == 5) {
					if (content)
						rc = range(fd, from, line, fn, ctx);
					from = at + i + 1;
					content = false;
				} else {
					content = content || line_content;
				}
				line = at + i + 1;
				k = 0;
				line_content = false;
				continue;
			}
			if (k >= 0 && k < 4 && c == 1)
				k++;
			else if (k == 4 && c == '\r')
				k = 5;
			else
				k = -1;
			line_content = line_content || (c != ' ' && c != '\t' &&
				c != '\r');
		}
		at += n;
		if (rc != 0)
			break;
	}
	if (rc == 0 && k != 4 && k != 5 && (content || line_content))
		rc = range(fd, from, at, fn, ctx);
	else if (rc == 0 && (k == 4 || k == 5) && content)
		rc = range(fd, from, line, fn, ctx);
	free(buf);
	return rc;
}
