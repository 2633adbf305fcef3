/*
 * fuzz_pdf_budget.c - the PDF bomb check's stream decoders and content
 * reader (src/docs/pdf_decode.h, pdf_lex.h), fed arbitrary bytes: the
 * first byte cuts the input into pieces (fuzz_piece), the next two choose
 * a /Filter chain of one to four filters and their EarlyChange, the rest
 * is the raw stream.  What comes out is counted and read as a content
 * stream; past 1 MiB the sink stops it, as the check's counter stops a
 * bomb.  Whole PDFs reach the check through fuzz_doc's PDF target.
 */
#include <stdint.h>
#include <string.h>

#include "docs/pdf_decode.h"
#include "docs/pdf_lex.h"
#include "fuzz.h"

#define FUZZ_PDF_MAX_OUT (1u << 20)

struct count {
	struct pdf_sink sink;
	struct pdf_lex lex;
	uint64_t bytes, draws;
};

static int on_draw(void *ctx, const char *name, size_t len)
{
	struct count *c = ctx;
	if (len < 1 || len > 1 + SZ_PDF_MAX_NAME || name[0] != '/')
		__builtin_trap();
	c->draws++;
	return 0;
}

static int push(struct pdf_sink *s, const unsigned char *p, size_t n)
{
	struct count *c = (struct count *)s;
	c->bytes += n;
	if (c->bytes > FUZZ_PDF_MAX_OUT)
		return 1;
	return pdf_lex_feed(&c->lex, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t piece = fuzz_piece(&data, &size);
	if (size < 2)
		return 0;
	size_t nf = 1 + (data[0] & 3u);
	enum pdf_filter f[4];
	int early[4];
	for (size_t i = 0; i < nf; i++) {
		f[i] = (enum pdf_filter)(((data[0] >> 2) + data[1] * i) % 5);
		early[i] = (data[1] >> i) & 1;
	}
	data += 2;
	size -= 2;
	struct count c = { .sink.push = push };
	pdf_lex_init(&c.lex, on_draw, &c);
	struct pdf_chain *chain = NULL;
	if (pdf_chain_open(&chain, f, early, nf, &c.sink) != 0)
		__builtin_trap();
	int rc = 0;
	while (size > 0 && rc == 0) {
		size_t k = size < piece ? size : piece;
		rc = pdf_chain_push(chain, data, k);
		data += k;
		size -= k;
	}
	if (rc == 0)
		rc = pdf_chain_end(chain);
	pdf_chain_free(chain);
	if (c.bytes > FUZZ_PDF_MAX_OUT + SZ_PDF_DECODE_CHUNK)
		__builtin_trap();   /* the sink's stop did not stop it */
	return 0;
}
