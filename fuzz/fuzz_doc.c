/*
 * fuzz_doc.c - one format handler of the scrubber (chosen at build time
 * with -DFUZZ_DOC_TYPE), fed arbitrary bytes.  Besides not crashing or
 * hanging: what scrubs also inspects, and scrubbing is idempotent (a scrubbed file scrubs to the
 * same bytes).  Video and audio containers are remuxed by libavformat,
 * whose muxers round the timestamps of a malformed file once more on
 * every pass: for them a scrubbed file must scrub again, and the same
 * bytes are checked on real producers' files (tests/interop/scrub.sh).
 */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/doc.h"
#include "fuzz.h"

static int tmp_file(char *path, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, cap, "%s/sz-fuzz-doc-XXXXXX", dir ? dir : "/tmp");
	return mkstemp(path);
}

static bool remuxed(enum sz_doc_type t)
{
	return t == SZ_DOC_MP4 || t == SZ_DOC_MOV || t == SZ_DOC_M4A ||
	       t == SZ_DOC_3GP || t == SZ_DOC_AVI || t == SZ_DOC_ASF ||
	       t == SZ_DOC_MKV || t == SZ_DOC_WEBM;
}

static uint8_t *slurp(int fd, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return NULL;
	uint8_t *p = malloc((size_t)st.st_size + 1);
	if (p != NULL && pread(fd, p, (size_t)st.st_size, 0) != st.st_size) {
		free(p);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p1[256], p2[256];
	int in = memfd_create("fuzz-in", MFD_CLOEXEC);
	int o1 = tmp_file(p1, sizeof(p1)), o2 = tmp_file(p2, sizeof(p2));
	assert(in >= 0 && o1 >= 0 && o2 >= 0);
	assert(sz_write_all(in, data, size) == 0);
	struct sz_doc_report r;
	struct sz_err err;
	sz_doc_report_init(&r);
	int inspected = sz_doc_scrub(in, FUZZ_DOC_TYPE, NULL, &r, &err);
	sz_doc_report_free(&r);
	int rc = sz_doc_scrub(in, FUZZ_DOC_TYPE, p1, &r, &err);
	sz_doc_report_free(&r);
	/* What scrubs must also inspect; a scrub may still refuse a file
	 * whose result would not be sound (TIFF overlaps). */
	assert(rc != 0 || inspected == 0);
	if (rc == 0) {
		int again = open(p1, O_RDONLY);
		assert(again >= 0);
		rc = sz_doc_scrub(again, FUZZ_DOC_TYPE, p2, &r, &err);
		sz_doc_report_free(&r);
		if (rc != 0)
			fprintf(stderr, "rescrub failed: %s\n", err.msg);
		assert(rc == 0);
		size_t l1 = 0, l2 = 0;
		int f1 = open(p1, O_RDONLY), f2 = open(p2, O_RDONLY);
		uint8_t *b1 = slurp(f1, &l1), *b2 = slurp(f2, &l2);
		assert(b1 && b2);
		assert(remuxed(FUZZ_DOC_TYPE) || (l1 == l2 && memcmp(b1, b2, l1) == 0));
		free(b1);
		free(b2);
		close(f1);
		close(f2);
		close(again);
	}
	unlink(p1);
	unlink(p2);
	close(in);
	close(o1);
	close(o2);
	return 0;
}
