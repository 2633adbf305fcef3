/*
 * test_pdf_decode.c - the PDF bomb check's own stream decoders
 * (pdf_decode.h) and content-stream reader (pdf_lex.h): each decoder's
 * output on known inputs - zlib data made by Python, LZW streams with
 * EarlyChange 0 and 1 that qpdf decodes to the same bytes, RunLength,
 * ASCIIHex and ASCII85 - cut at every byte, since a decoder that loses
 * its state between chunks would let a bomb through or refuse a good
 * PDF (the two 100 KB zlib samples at every 13th and 101st byte, the 4 MiB of zeros at every 409th, to keep
 * the test quick); and the reader's draws and text bytes, cut the same
 * way.
 *
 * The samples are in tests/unit/pdf_decode/ (the directory is the
 * argument): lzw_early*.bin were made by tests/unit/pdf_decode/lzw.py
 * and checked with `qpdf --filtered-stream-data`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docs/pdf_decode.h"
#include "docs/pdf_lex.h"

static const char *dir;

/* A sink that keeps up to cap bytes (to compare) and counts all. */
struct keep {
	struct pdf_sink sink;
	unsigned char *buf;
	size_t cap, n;
	uint64_t count;
};

static int keep_push(struct pdf_sink *s, const unsigned char *p, size_t n)
{
	struct keep *k = (struct keep *)s;
	size_t take = k->cap - k->n < n ? k->cap - k->n : n;
	memcpy(k->buf + k->n, p, take);
	k->n += take;
	k->count += n;
	return 0;
}

static unsigned char *load(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* Decodes in through the filters, cut at `cut` (or whole if cut >= n),
 * into k; returns what the chain returned. */
static int run(const enum pdf_filter *f, const int *early, size_t nf,
	const unsigned char *in, size_t n, size_t cut, struct keep *k)
{
	struct pdf_chain *c = NULL;
	k->sink.push = keep_push;
	k->n = 0;
	k->count = 0;
	int rc = pdf_chain_open(&c, f, early, nf, &k->sink);
	if (rc == 0 && cut < n) {
		rc = pdf_chain_push(c, in, cut);
		if (rc == 0)
			rc = pdf_chain_push(c, in + cut, n - cut);
	} else if (rc == 0) {
		rc = pdf_chain_push(c, in, n);
	}
	if (rc == 0)
		rc = pdf_chain_end(c);
	pdf_chain_free(c);
	return rc;
}

/* Every cut of in gives exactly want (step: every step-th cut). */
static void decodes_to(const enum pdf_filter *f, const int *early,
	size_t nf, const unsigned char *in, size_t n, const unsigned char *want,
	size_t wn, size_t step)
{
	struct keep k = { .cap = wn + 1 };
	k.buf = malloc(k.cap);
	assert_non_null(k.buf);
	for (size_t cut = 0; cut <= n; cut += step) {
		assert_int_equal(run(f, early, nf, in, n, cut, &k), 0);
		assert_int_equal(k.count, wn);
		assert_memory_equal(k.buf, want, wn);
	}
	free(k.buf);
}

static unsigned char *lines(size_t *len)
{
	size_t cap = 200000, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(s + n, cap - n,
			"BT /F1 12 Tf 72 %d Td (Line %d of a page) Tj ET\n",
			700 - i, i);
	*len = n;
	return (unsigned char *)s;
}

static void flate_from_python_zlib(void **state)
{
	(void)state;
	size_t n, wn;
	unsigned char *in = load("flate_text.bin", &n);
	unsigned char *want = lines(&wn);
	enum pdf_filter f[] = { PDF_FLATE };
	decodes_to(f, NULL, 1, in, n, want, wn, 13);
	free(in);
	free(want);
}

static void flate_bomb_is_counted_in_chunks(void **state)
{
	(void)state;
	size_t n;
	unsigned char *in = load("flate_zeros.bin", &n);
	enum pdf_filter f[] = { PDF_FLATE };
	struct keep k = { .cap = 0 };
	for (size_t cut = 0; cut <= n; cut += 409) {
		assert_int_equal(run(f, NULL, 1, in, n, cut, &k), 0);
		assert_int_equal(k.count, 4u << 20);
	}
	free(in);
}

static unsigned char *lcg_text(size_t n)
{
	unsigned char *d = malloc(n);
	assert_non_null(d);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = (x * 1103515245u + 12345u) & 0x7fffffffu;
		d[i] = (unsigned char)(97 + (x >> 16) % 20);
	}
	return d;
}

static void lzw_with_early_change_0_and_1(void **state)
{
	(void)state;
	unsigned char *want = lcg_text(6000);
	enum pdf_filter f[] = { PDF_LZW };
	for (int e = 0; e <= 1; e++) {
		char name[32];
		snprintf(name, sizeof(name), "lzw_early%d.bin", e);
		size_t n;
		unsigned char *in = load(name, &n);
		int early[] = { e };
		decodes_to(f, early, 1, in, n, want, 6000, 1);
		/* Read with the other EarlyChange, the codes go wrong. */
		int other[] = { !e };
		struct keep k = { .cap = 6001 };
		k.buf = malloc(k.cap);
		int rc = run(f, other, 1, in, n, n, &k);
		assert_true(rc != 0 || k.count != 6000 ||
			memcmp(k.buf, want, 6000) != 0);
		free(k.buf);
		free(in);
	}
	free(want);
}

static void lzw_example_of_the_pdf_reference(void **state)
{
	(void)state;
	/* PDF 1.7, 7.4.4.2: "-----A---B" is 45 45 258 258 65 259 66 257. */
	static const unsigned char in[] = { 0x80, 0x0b, 0x60, 0x50, 0x22,
		0x0c, 0x0c, 0x85, 0x01 };
	enum pdf_filter f[] = { PDF_LZW };
	decodes_to(f, NULL, 1, in, sizeof(in),
		(const unsigned char *)"-----A---B", 10, 1);
}

static void runlength_literal_repeat_and_end(void **state)
{
	(void)state;
	unsigned char in[] = { 2, 'a', 'b', 'c', 255, 'x', 129, 'y', 128,
		0, 'j', 'u', 'n', 'k' };
	unsigned char want[3 + 2 + 128];
	memcpy(want, "abcxx", 5);
	memset(want + 5, 'y', 128);
	enum pdf_filter f[] = { PDF_RUNLENGTH };
	decodes_to(f, NULL, 1, in, sizeof(in), want, sizeof(want), 1);
}

static void asciihex_with_spaces_and_an_odd_digit(void **state)
{
	(void)state;
	const char *in = "48 65 6c\n6C 6f 3>junk";
	enum pdf_filter f[] = { PDF_ASCIIHEX };
	decodes_to(f, NULL, 1, (const unsigned char *)in, strlen(in),
		(const unsigned char *)"Hello0", 6, 1);
	in = "4";   /* no end mark: the digit still counts */
	decodes_to(f, NULL, 1, (const unsigned char *)in, strlen(in),
		(const unsigned char *)"@", 1, 1);
	struct keep k = { .cap = 0 };
	assert_int_equal(run(f, NULL, 1, (const unsigned char *)"4g>", 3, 3,
		&k), PDF_DECODE_BAD);
}

static void ascii85_groups_z_and_a_last_partial_group(void **state)
{
	(void)state;
	/* From Python's base64.a85encode. */
	const char *in = "87cURD_*#TDfTZ)+TMKB!-e~>";
	enum pdf_filter f[] = { PDF_ASCII85 };
	decodes_to(f, NULL, 1, (const unsigned char *)in, strlen(in),
		(const unsigned char *)"Hello, world!\0\0\0\0x", 18, 1);
	in = "z @:E_W~>";
	decodes_to(f, NULL, 1, (const unsigned char *)in, strlen(in),
		(const unsigned char *)"\0\0\0\0abcd", 8, 1);
	struct keep k = { .cap = 0 };
	assert_int_equal(run(f, NULL, 1, (const unsigned char *)"87v~>", 5,
		5, &k), PDF_DECODE_BAD);
	assert_int_equal(run(f, NULL, 1, (const unsigned char *)"s8W-\"~>",
		7, 7, &k), PDF_DECODE_BAD);   /* past 2^32 */
}

static void chained_filters_stage_by_stage(void **state)
{
	(void)state;
	/* ASCIIHex of the zlib sample, then Flate: a /Filter array. */
	size_t n, wn;
	unsigned char *z = load("flate_text.bin", &n);
	unsigned char *want = lines(&wn);
	char *hex = malloc(n * 2 + 2);
	assert_non_null(hex);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", z[i]);
	hex[2 * n] = '>';
	enum pdf_filter f[] = { PDF_ASCIIHEX, PDF_FLATE };
	decodes_to(f, NULL, 2, (unsigned char *)hex, 2 * n + 1, want, wn, 101);
	free(hex);
	free(z);
	free(want);
}

static void bad_data_and_too_many_filters(void **state)
{
	(void)state;
	enum pdf_filter f[SZ_PDF_MAX_FILTERS + 1];
	for (size_t i = 0; i < SZ_PDF_MAX_FILTERS + 1; i++)
		f[i] = PDF_FLATE;
	struct keep k = { .cap = 0 };
	assert_int_equal(run(f, NULL, 1, (const unsigned char *)"not zlib",
		8, 8, &k), PDF_DECODE_BAD);
	struct pdf_chain *c = NULL;
	assert_int_equal(pdf_chain_open(&c, f, NULL, SZ_PDF_MAX_FILTERS + 1,
		&k.sink), PDF_DECODE_BAD);
	assert_null(c);
	assert_int_equal(pdf_filter_of("/DCTDecode"), -1);
	assert_int_equal(pdf_filter_of("/AHx"), PDF_ASCIIHEX);
}

/* A sink that stops past a limit, as the bomb check's counter does. */
static int stop_push(struct pdf_sink *s, const unsigned char *p, size_t n)
{
	struct keep *k = (struct keep *)s;
	(void)p;
	k->count += n;
	return k->count > 100000 ? 7 : 0;
}

static void a_sink_stops_the_chain(void **state)
{
	(void)state;
	size_t n;
	unsigned char *in = load("flate_zeros.bin", &n);
	enum pdf_filter f[] = { PDF_FLATE };
	struct keep k = { .sink.push = stop_push };
	struct pdf_chain *c = NULL;
	assert_int_equal(pdf_chain_open(&c, f, NULL, 1, &k.sink), 0);
	assert_int_equal(pdf_chain_push(c, in, n), 7);
	assert_int_equal(pdf_chain_push(c, in, n), 7);
	assert_int_equal(pdf_chain_end(c), 7);
	assert_true(k.count <= 100000 + SZ_PDF_DECODE_CHUNK);
	pdf_chain_free(c);
	free(in);
}

struct draws {
	char names[8][140];
	unsigned count[8];
	size_t n;
};

static int on_draw(void *ctx, const char *name, size_t len)
{
	struct draws *d = ctx;
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->names[i]) == len && memcmp(d->names[i], name, len) == 0) {
			d->count[i]++;
			return 0;
		}
	assert_true(d->n < 8);
	memcpy(d->names[d->n], name, len);
	d->names[d->n][len] = '\0';
	d->count[d->n++] = 1;
	return 0;
}

static unsigned drawn(const struct draws *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->names[i], name) == 0)
			return d->count[i];
	return 0;
}

static void reader_finds_draws_and_text_across_any_cut(void **state)
{
	(void)state;
	/* Not a draw: a name in a dictionary or array before Do.  A draw
	 * even so: one in a comment or in inline image data (where such
	 * data ends is poppler's to work out; a guess could skip real
	 * draws). */
	const char *in =
		"q /Fm1 Do (Hel\\)lo (x)) Tj <41 42 43> Tj %/Fm9 Do\n"
		"/F#6d2 Do << /Fm1 >> Do [/Fm3] Do BI /W 1 /H 1 ID \n/Fm7 Do "
		"xEI Q /Fm1 Do /Fm1\nDo (abc";
	size_t n = strlen(in);
	for (size_t cut = 0; cut <= n; cut++) {
		struct draws d = { .n = 0 };
		struct pdf_lex l;
		pdf_lex_init(&l, on_draw, &d);
		assert_int_equal(pdf_lex_feed(&l, (const unsigned char *)in,
			cut), 0);
		assert_int_equal(pdf_lex_feed(&l, (const unsigned char *)in +
			cut, n - cut), 0);
		assert_int_equal(pdf_lex_feed(&l, (const unsigned char *)" ",
			1), 0);
		assert_int_equal(drawn(&d, "/Fm1"), 3);
		assert_int_equal(drawn(&d, "/Fm2"), 1);
		assert_int_equal(drawn(&d, "/Fm9"), 1);
		assert_int_equal(drawn(&d, "/Fm7"), 1);
		assert_int_equal(d.n, 4);
		/* "Hel\)lo (x))": 12 bytes with the closing one; 3 hex;
		 * "abc " unclosed at the end. */
		assert_int_equal(l.text, 12 + 3 + 4);
	}
}

static void reader_ignores_a_name_too_long(void **state)
{
	(void)state;
	char in[300];
	memset(in, 'a', sizeof(in));
	in[0] = '/';
	memcpy(in + 200, " Do /", 5);
	memcpy(in + 290, " Do", 3);
	struct draws d = { .n = 0 };
	struct pdf_lex l;
	pdf_lex_init(&l, on_draw, &d);
	pdf_lex_feed(&l, (const unsigned char *)in, 293);
	pdf_lex_feed(&l, (const unsigned char *)" ", 1);
	assert_int_equal(d.n, 1);   /* the second name: 84 bytes */
}

int main(int argc, char **argv)
{
	dir = argc > 1 ? argv[1] : "tests/unit/pdf_decode";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flate_from_python_zlib),
		cmocka_unit_test(flate_bomb_is_counted_in_chunks),
		cmocka_unit_test(lzw_with_early_change_0_and_1),
		cmocka_unit_test(lzw_example_of_the_pdf_reference),
		cmocka_unit_test(runlength_literal_repeat_and_end),
		cmocka_unit_test(asciihex_with_spaces_and_an_odd_digit),
		cmocka_unit_test(ascii85_groups_z_and_a_last_partial_group),
		cmocka_unit_test(chained_filters_stage_by_stage),
		cmocka_unit_test(bad_data_and_too_many_filters),
		cmocka_unit_test(a_sink_stops_the_chain),
		cmocka_unit_test(reader_finds_draws_and_text_across_any_cut),
		cmocka_unit_test(reader_ignores_a_name_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
