/*
 * pdf_decode.h - PDF stream filters decoded in fixed-size chunks, for
 * counting: FlateDecode (zlib), LZWDecode (with EarlyChange),
 * RunLengthDecode, ASCIIHexDecode and ASCII85Decode, chained as a
 * stream's /Filter array says, each stage pushing what it decodes into the
 * next and the last into a sink of the caller's.  Nothing here ever holds
 * more than one chunk per stage, whatever a stream inflates to.
 *
 * Not done: predictors (/DecodeParms /Predictor), since a PNG predictor
 * only drops one tag byte per row and a TIFF predictor none, so the
 * decoded size stays what the bytes before it are (to within a row's
 * byte in a few thousand, which no limit here cares about); image
 * filters (DCT, JPX, JBIG2, CCITT), which nothing samizdat runs decodes:
 * pdf_filter_of() does not know them, and the caller counts such a
 * stream's raw bytes, as qpdf's "specialized" decode level does.
 *
 * Ownership: pdf_chain_open() allocates the chain, pdf_chain_free() frees
 * it (NULL is fine); the sink stays the caller's.
 */
#ifndef SZ_DOCS_PDF_DECODE_H
#define SZ_DOCS_PDF_DECODE_H

#include <stddef.h>

#define SZ_PDF_DECODE_CHUNK 16384u  /* each stage's output buffer */
#define SZ_PDF_MAX_FILTERS 16u      /* filters one stream chains */

enum pdf_filter {
	PDF_FLATE,
	PDF_LZW,
	PDF_RUNLENGTH,
	PDF_ASCIIHEX,
	PDF_ASCII85,
};

/* Where the last stage's bytes go: push returns 0 to go on, or a
 * positive code of the caller's to stop, which every push and end of the
 * chain then returns. */
struct pdf_sink {
	int (*push)(struct pdf_sink *s, const unsigned char *p, size_t n);
};

/* A filter by its PDF name ("/FlateDecode", or the inline image
 * abbreviations "/Fl" and so on); -1 for one this does not decode. */
int pdf_filter_of(const char *name);

/* What pdf_chain_push and pdf_chain_end return besides the sink's own
 * stop codes. */
#define PDF_DECODE_OK 0
#define PDF_DECODE_BAD (-1)  /* the data is not what its filter says */
#define PDF_DECODE_NOMEM (-2)

struct pdf_chain;

/* A chain of n filters (1..SZ_PDF_MAX_FILTERS), first applied first;
 * early_change[i] is LZWDecode's /EarlyChange (1 unless the stream says
 * 0), ignored for the others. */
int pdf_chain_open(struct pdf_chain **out, const enum pdf_filter *f,
	const int *early_change, size_t n, struct pdf_sink *sink);
/* Raw bytes in; after BAD or a stop, the chain takes nothing more and
 * returns the same again.  Data past a filter's end-of-data mark is
 * ignored. */
int pdf_chain_push(struct pdf_chain *c, const unsigned char *p, size_t n);
/* The end of the raw bytes: what the stages still hold goes out. */
int pdf_chain_end(struct pdf_chain *c);
void pdf_chain_free(struct pdf_chain *c);

#endif
