/* fuzz_request_head.c - the strict request-head check: never reads past
 * what it is given, a head it accepts is one it accepts alone and again
 * when more bytes follow, and an incomplete head stays incomplete (or
 * fails) when cut shorter; its body's length reads within it. */
#include <assert.h>

#include "http/request_head.h"
#include "fuzz.h"

#define MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	size_t head = 0, again = 0;
	enum sz_head_verdict v = sz_request_head_check(in, size, MAX, &head,
		NULL);
	if (v == SZ_HEAD_OK) {
		assert(head > 0 && head <= size && head <= MAX);
		assert(sz_request_head_check(in, head, MAX, &again, NULL) ==
			SZ_HEAD_OK && again == head);
		assert(sz_request_head_body_length(in, head) >= -1);
	} else {
		assert(head == 0);
	}
	if (v == SZ_HEAD_INCOMPLETE && size > 0) {
		enum sz_head_verdict shorter = sz_request_head_check(in, size - 1,
			MAX, &again, NULL);
		assert(shorter == SZ_HEAD_INCOMPLETE);
	}
	return 0;
}
