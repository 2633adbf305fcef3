/*
 * pdf_budget.c - the inflation check of pdf_budget.h, with qpdf's C API:
 * each stream's raw bytes (qpdf_oh_get_stream_data at qpdf_dl_none,
 * decrypted but not decoded, so bounded by the file's size) go through
 * the chunked decoders of pdf_decode.h into a counter that keeps nothing
 * and stops past a limit; content streams are read on the way by
 * pdf_lex.h (which forms are drawn, how many bytes of text).  One raw
 * stream is held at a time, and freed (wiped) before the next.
 *
 * Which streams: every one reachable from the trailer (what the scrub
 * and poppler can reach), once, except images (no one here decodes
 * them), embedded files (the scrub drops them) and cross-reference
 * streams (qpdf read them to open the file).  Object streams are counted
 * like the others, but qpdf inflates one whole the first time an object
 * in it is looked at, and the C API cannot list the cross-reference
 * table: so they are found first in the cross-reference streams
 * themselves (from startxref along /Prev), and counted before the walk
 * looks at any object.  Where that fails (a file whose cross-reference
 * qpdf had to rebuild), samizdat-doc's address-space limit is what
 * bounds them, as it bounds the cross-reference streams.  A stream
 * whose filters this cannot decode (images' DCT, JPX, JBIG2, CCITT, or
 * an unknown name) counts its raw bytes, as qpdf's "specialized" level
 * did.
 */
#include "docs/pdf_budget.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qpdf/qpdf-c.h>
#include <sodium.h>

#include "docs/pdf_decode.h"
#include "docs/pdf_lex.h"
#include "docs/pdf_map.h"

#define SZ_PDF_MAX_XREF_SECTIONS 64u  /* /Prev links followed */
#define XREF_TAIL 1024                /* where startxref is looked for */

/* How the check stops (the positive codes the sinks return). */
enum { GO = 0, LIMIT = 1, QPDF = 2, NOMEM = 3 };

/* What content streams draw: bytes, text bytes, and the names drawn. */
struct drawing {
	uint64_t bytes, text;
	struct pdf_map draws;
};

struct check {
	qpdf_data q;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	uint64_t total;
	unsigned objects, max_objects;
	struct pdf_map seen;     /* objects walked: id and generation */
	struct pdf_map scanned;  /* content stream lists read, with draws */
	struct pdf_map forms;    /* forms drawn, by form and resources:
	                          * bytes and text */
	char why[160];
};

static void drawing_free(struct drawing *d);

static void drawing_free(struct drawing *d)
{
	if (!d)
		return;
	pdf_map_free(&d->draws, NULL);
	free(d);
}

static void drawing_free_val(void *d)
{
	drawing_free(d);
}

static int over(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int over(struct check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return LIMIT;
}

static int add(struct check *c, uint64_t n)
{
	c->total += n;
	if (c->total > SZ_DOC_MAX_PDF_INFLATED)
		return over(c, "it inflates to more than %llu MiB in all (each "
			"stream once, and each page as it is drawn)",
			SZ_DOC_MAX_PDF_INFLATED >> 20);
	return GO;
}

/* The sink at the end of a stream's filters: counts, and reads content
 * streams as they pass. */
struct counter {
	struct pdf_sink sink;
	struct check *c;
	struct drawing *d;
	struct pdf_lex *lex;       /* NULL unless a content stream */
	uint64_t stream;
};

static int count_push(struct pdf_sink *s, const unsigned char *p, size_t n)
{
	struct counter *k = (struct counter *)s;
	k->stream += n;
	k->d->bytes += n;
	if (k->stream > SZ_DOC_MAX_PDF_STREAM)
		return over(k->c, "one of its streams inflates to more than "
			"%llu MiB", SZ_DOC_MAX_PDF_STREAM >> 20);
	if (k->lex) {
		int rc = pdf_lex_feed(k->lex, p, n);
		k->d->text = k->lex->text;
		return rc;
	}
	return GO;
}

static int lex_feed(struct counter *k, const char *s)
{
	if (!k->lex)
		return GO;
	int rc = pdf_lex_feed(k->lex, (const unsigned char *)s, strlen(s));
	k->d->text = k->lex->text;
	return rc;
}

static int qpdf_stop(struct check *c)
{
	return qpdf_has_error(c->q) ? QPDF : GO;
}

/* A stream's filters, or n = 0 if one is not decoded here (its raw
 * bytes are counted then). */
static int filters_of(struct check *c, qpdf_oh dict, enum pdf_filter *f,
	int *early, size_t *n)
{
	*n = 0;
	qpdf_oh fl = qpdf_oh_get_key(c->q, dict, "/Filter");
	qpdf_oh parms = qpdf_oh_get_key(c->q, dict, "/DecodeParms");
	int rc = GO;
	bool array = qpdf_oh_is_array(c->q, fl);
	int count = array ? qpdf_oh_get_array_n_items(c->q, fl) :
		qpdf_oh_is_name(c->q, fl) ? 1 : 0;
	if (count > (int)SZ_PDF_MAX_FILTERS) {
		rc = over(c, "one of its streams chains more than %u filters",
			SZ_PDF_MAX_FILTERS);
		goto out;
	}
	size_t got = 0;
	for (int i = 0; i < count; i++) {
		qpdf_oh name = array ? qpdf_oh_get_array_item(c->q, fl, i) :
			qpdf_oh_new_object(c->q, fl);
		int which = qpdf_oh_is_name(c->q, name) ?
			pdf_filter_of(qpdf_oh_get_name(c->q, name)) : -1;
		qpdf_oh_release(c->q, name);
		if (which < 0)
			goto out;
		qpdf_oh parm = qpdf_oh_is_array(c->q, parms) ?
			qpdf_oh_get_array_item(c->q, parms, i) :
			qpdf_oh_new_object(c->q, parms);
		qpdf_oh ec = qpdf_oh_get_key_if_dict(c->q, parm, "/EarlyChange");
		early[got] = qpdf_oh_is_integer(c->q, ec) &&
			qpdf_oh_get_int_value(c->q, ec) == 0 ? 0 : 1;
		qpdf_oh_release(c->q, ec);
		qpdf_oh_release(c->q, parm);
		f[got++] = (enum pdf_filter)which;
	}
	*n = got;
out:
	qpdf_oh_release(c->q, fl);
	qpdf_oh_release(c->q, parms);
	return rc;
}

/* Runs stream s through its filters into k. */
static int feed(struct check *c, qpdf_oh s, struct counter *k)
{
	enum pdf_filter f[SZ_PDF_MAX_FILTERS];
	int early[SZ_PDF_MAX_FILTERS];
	size_t nf = 0;
	unsigned char *raw = NULL;
	size_t len = 0;
	struct pdf_chain *chain = NULL;
	qpdf_oh dict = qpdf_oh_get_dict(c->q, s);
	int rc = filters_of(c, dict, f, early, &nf);
	qpdf_oh_release(c->q, dict);
	if (rc)
		goto out;
	if (qpdf_oh_get_stream_data(c->q, s, qpdf_dl_none, NULL, &raw, &len) &
	    QPDF_ERRORS) {
		rc = QPDF;
		goto out;
	}
	k->stream = 0;
	if (nf == 0) {
		/* Counted as it is, in chunks for the reader. */
		for (size_t o = 0; o < len && rc == GO; o += SZ_PDF_DECODE_CHUNK)
			rc = k->sink.push(&k->sink, raw + o,
				len - o < SZ_PDF_DECODE_CHUNK ? len - o :
				SZ_PDF_DECODE_CHUNK);
		goto out;
	}
	int dr = pdf_chain_open(&chain, f, early, nf, &k->sink);
	if (dr == 0)
		dr = pdf_chain_push(chain, raw, len);
	if (dr == 0)
		dr = pdf_chain_end(chain);
	/* Data that is not what its filters say counts as far as it
	 * decoded, as qpdf's decoders did. */
	rc = dr == PDF_DECODE_NOMEM ? NOMEM : dr > 0 ? dr : GO;
out:
	pdf_chain_free(chain);
	if (raw) {
		sodium_memzero(raw, len);
		free(raw);
	}
	return rc;
}

/* Streams someone here decodes: not images or embedded files (and not
 * the cross-reference stream qpdf read to open the file). */
static bool wanted(struct check *c, qpdf_oh s)
{
	qpdf_oh d = qpdf_oh_get_dict(c->q, s);
	qpdf_oh sub = qpdf_oh_get_key(c->q, d, "/Subtype");
	qpdf_oh type = qpdf_oh_get_key(c->q, d, "/Type");
	bool w = !qpdf_oh_is_name_and_equals(c->q, sub, "/Image") &&
		 !qpdf_oh_is_name_and_equals(c->q, type, "/EmbeddedFile") &&
		 !qpdf_oh_is_name_and_equals(c->q, type, "/XRef");
	qpdf_oh_release(c->q, sub);
	qpdf_oh_release(c->q, type);
	qpdf_oh_release(c->q, d);
	return w;
}

static int count_once(struct check *c, qpdf_oh s)
{
	struct drawing d = { 0 };
	struct counter k = { .sink.push = count_push, .c = c, .d = &d };
	int rc = feed(c, s, &k);
	return rc ? rc : add(c, d.bytes);
}

/* A stack of object handles still to walk. */
struct ohs {
	qpdf_oh *v;
	size_t n, cap;
};

static int ohs_push(struct ohs *s, qpdf_oh oh)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		qpdf_oh *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return NOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = oh;
	return GO;
}

/* An integer key of a dictionary, or -1. */
static long long int_key(struct check *c, qpdf_oh dict, const char *key)
{
	qpdf_oh v = qpdf_oh_get_key_if_dict(c->q, dict, key);
	long long n = qpdf_oh_is_integer(c->q, v) ?
		qpdf_oh_get_int_value(c->q, v) : -1;
	qpdf_oh_release(c->q, v);
	return n;
}

/* Object stream number objstm, named by a cross-reference stream:
 * counted once, before anything is read from it. */
static int objstm_seen(struct check *c, long long objstm)
{
	if (objstm <= 0 || objstm > INT32_MAX)
		return GO;
	int32_t og[2] = { (int32_t)objstm, 0 };
	bool oom = false;
	if (pdf_map_get(c->hkey, &c->seen, og, sizeof(og), false, &oom))
		return GO;
	if (!pdf_map_get(c->hkey, &c->seen, og, sizeof(og), true, &oom))
		return NOMEM;
	if (++c->objects > c->max_objects)
		return over(c, "it has more than %u objects", c->max_objects);
	qpdf_oh o = qpdf_get_object_by_id(c->q, og[0], 0);
	qpdf_oh d = qpdf_oh_is_stream(c->q, o) ? qpdf_oh_get_dict(c->q, o) :
		qpdf_oh_new_null(c->q);
	qpdf_oh t = qpdf_oh_get_key_if_dict(c->q, d, "/Type");
	int rc = qpdf_oh_is_name_and_equals(c->q, t, "/ObjStm") ?
		count_once(c, o) : GO;
	qpdf_oh_release(c->q, t);
	qpdf_oh_release(c->q, d);
	qpdf_oh_release(c->q, o);
	return rc;
}

/* The object streams one cross-reference stream names (its type 2
 * entries); its /Prev, or -1. */
static int xref_section(struct check *c, qpdf_oh x, long long *prev)
{
	*prev = -1;
	qpdf_oh d = qpdf_oh_get_dict(c->q, x);
	qpdf_oh w = qpdf_oh_get_key(c->q, d, "/W");
	int wf[3] = { 0, 0, 0 };
	bool ok = qpdf_oh_is_array(c->q, w) &&
		qpdf_oh_get_array_n_items(c->q, w) == 3;
	for (int i = 0; ok && i < 3; i++) {
		qpdf_oh v = qpdf_oh_get_array_item(c->q, w, i);
		long long n = qpdf_oh_is_integer(c->q, v) ?
			qpdf_oh_get_int_value(c->q, v) : -1;
		qpdf_oh_release(c->q, v);
		ok = n >= 0 && n <= 8;
		wf[i] = (int)n;
	}
	*prev = int_key(c, d, "/Prev");
	qpdf_oh_release(c->q, w);
	qpdf_oh_release(c->q, d);
	size_t row = (size_t)(wf[0] + wf[1] + wf[2]);
	if (!ok || row == 0 || wf[1] == 0)
		return GO;
	unsigned char *buf = NULL;
	size_t len = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	if (qpdf_oh_get_stream_data(c->q, x, qpdf_dl_generalized, &filtered,
		&buf, &len) & QPDF_ERRORS) {
		(void)qpdf_get_error(c->q);   /* best effort: the walk goes on */
		return GO;
	}
	int rc = GO;
	for (size_t o = 0; filtered && rc == GO && o + row <= len; o += row) {
		uint64_t f[3] = { wf[0] ? 0 : 1, 0, 0 };
		const unsigned char *p = buf + o;
		for (int i = 0; i < 3; i++)
			for (int k = 0; k < wf[i]; k++)
				f[i] = f[i] << 8 | *p++;
		if (f[0] == 2)
			rc = objstm_seen(c, (long long)f[1]);
	}
	free(buf);
	return rc;
}

/* Object streams first, from the cross-reference streams; best effort
 * (see the top of this file). */
static int objstms_first(struct check *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return GO;
	struct stat st;
	char tail[XREF_TAIL + 1];
	long long off = -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		off_t at = st.st_size > XREF_TAIL ? st.st_size - XREF_TAIL : 0;
		ssize_t n = pread(fd, tail, XREF_TAIL, at);
		tail[n > 0 ? n : 0] = '\0';
		for (ssize_t i = n - 9; i >= 0; i--)
			if (memcmp(tail + i, "startxref", 9) == 0) {
				off = strtoll(tail + i + 9, NULL, 10);
				break;
			}
	}
	int rc = GO;
	for (unsigned s = 0; rc == GO && s < SZ_PDF_MAX_XREF_SECTIONS && off >= 0;
	     s++) {
		char head[65];
		ssize_t n = pread(fd, head, 64, (off_t)off);
		head[n > 0 ? n : 0] = '\0';
		int id = 0, gen = -1;
		if (sscanf(head, " %d %d obj", &id, &gen) != 2 || id <= 0 ||
		    gen < 0) {
			/* A classic table: a hybrid file's /XRefStm, once. */
			qpdf_oh t = qpdf_get_trailer(c->q);
			off = s == 0 ? int_key(c, t, "/XRefStm") : -1;
			qpdf_oh_release(c->q, t);
			continue;
		}
		qpdf_oh x = qpdf_get_object_by_id(c->q, id, gen);
		qpdf_oh d = qpdf_oh_is_stream(c->q, x) ? qpdf_oh_get_dict(c->q, x) :
			qpdf_oh_new_null(c->q);
		qpdf_oh t = qpdf_oh_get_key_if_dict(c->q, d, "/Type");
		off = -1;
		if (qpdf_oh_is_name_and_equals(c->q, t, "/XRef"))
			rc = xref_section(c, x, &off);
		qpdf_oh_release(c->q, t);
		qpdf_oh_release(c->q, d);
		qpdf_oh_release(c->q, x);
	}
	close(fd);
	return rc;
}

/* Every object reachable from the trailer, once: streams counted. */
static int walk(struct check *c)
{
	struct ohs todo = { 0 };
	int rc = ohs_push(&todo, qpdf_get_trailer(c->q));
	while (rc == GO && todo.n > 0) {
		qpdf_oh o = todo.v[--todo.n];
		int id = qpdf_oh_get_object_id(c->q, o);
		if (id > 0) {
			int32_t og[2] = { id, qpdf_oh_get_generation(c->q, o) };
			bool oom = false;
			if (pdf_map_get(c->hkey, &c->seen, og, sizeof(og), false, &oom)) {
				qpdf_oh_release(c->q, o);
				continue;
			}
			if (!pdf_map_get(c->hkey, &c->seen, og, sizeof(og), true, &oom)) {
				rc = NOMEM;
				qpdf_oh_release(c->q, o);
				break;
			}
			if (++c->objects > c->max_objects) {
				rc = over(c, "it has more than %u objects",
					c->max_objects);
				qpdf_oh_release(c->q, o);
				break;
			}
		}
		qpdf_oh dict = 0;
		if (qpdf_oh_is_stream(c->q, o)) {
			if (wanted(c, o))
				rc = count_once(c, o);
			dict = qpdf_oh_get_dict(c->q, o);
		} else if (qpdf_oh_is_dictionary(c->q, o)) {
			dict = qpdf_oh_new_object(c->q, o);
		} else if (qpdf_oh_is_array(c->q, o)) {
			int n = qpdf_oh_get_array_n_items(c->q, o);
			for (int i = 0; i < n && rc == GO; i++)
				rc = ohs_push(&todo, qpdf_oh_get_array_item(c->q, o, i));
		}
		if (dict && rc == GO) {
			qpdf_oh_begin_dict_key_iter(c->q, dict);
			while (rc == GO && qpdf_oh_dict_more_keys(c->q)) {
				const char *key = qpdf_oh_dict_next_key(c->q);
				rc = ohs_push(&todo, qpdf_oh_get_key(c->q, dict, key));
			}
		}
		if (dict)
			qpdf_oh_release(c->q, dict);
		qpdf_oh_release(c->q, o);
		if (rc == GO)
			rc = qpdf_stop(c);
	}
	for (size_t i = 0; i < todo.n; i++)
		qpdf_oh_release(c->q, todo.v[i]);
	free(todo.v);
	return rc;
}

/* The draw callback of pdf_lex: counts each name a content draws. */
struct names {
	struct check *c;
	struct drawing *d;
};

static int on_draw(void *ctx, const char *name, size_t len)
{
	struct names *nm = ctx;
	bool oom = false;
	struct pdf_map_entry *e = pdf_map_get(nm->c->hkey, &nm->d->draws, name, len, false, &oom);
	if (!e) {
		if (nm->d->draws.used >= SZ_DOC_MAX_PDF_NAMES)
			return over(nm->c, "one of its pages names more than %u "
				"things to draw", SZ_DOC_MAX_PDF_NAMES);
		e = pdf_map_get(nm->c->hkey, &nm->d->draws, name, len, true, &oom);
		if (!e)
			return NOMEM;
	}
	e->n++;
	return GO;
}

/* out += times x d, without overflow: past the page limits it stops
 * anyway. */
static void grow(struct drawing *out, uint64_t bytes, uint64_t text,
	uint64_t times)
{
	const uint64_t cap = UINT64_MAX / 4;
	uint64_t b = bytes && times > cap / bytes ? cap : bytes * times;
	uint64_t t = text && times > cap / text ? cap : text * times;
	out->bytes = out->bytes > cap - b ? cap : out->bytes + b;
	out->text = out->text > cap - t ? cap : out->text + t;
}

struct stack {
	int32_t og[SZ_DOC_MAX_PDF_FORM_DEPTH + 2][2];
	size_t n;
};

static int drawing(struct check *c, const qpdf_oh *streams, size_t n,
	qpdf_oh res, int depth, struct stack *st, struct drawing *out);

static void og_of(struct check *c, qpdf_oh o, int32_t og[2])
{
	og[0] = qpdf_oh_get_object_id(c->q, o);
	og[1] = qpdf_oh_get_generation(c->q, o);
}

/* What form f draws (its forms included), memoized per form and
 * resources: a form drawn a million times is read once. */
static int form(struct check *c, qpdf_oh f, qpdf_oh outer, int depth,
	struct stack *st, uint64_t *bytes, uint64_t *text)
{
	int32_t key[4];
	og_of(c, f, key);
	if (depth > SZ_DOC_MAX_PDF_FORM_DEPTH)
		return over(c, "its forms are nested more than %d deep",
			SZ_DOC_MAX_PDF_FORM_DEPTH);
	for (size_t i = 0; i < st->n; i++)
		if (st->og[i][0] == key[0] && st->og[i][1] == key[1])
			return over(c, "one of its forms draws itself");
	qpdf_oh dict = qpdf_oh_get_dict(c->q, f);
	qpdf_oh res = qpdf_oh_get_key(c->q, dict, "/Resources");
	qpdf_oh_release(c->q, dict);
	if (!qpdf_oh_is_dictionary(c->q, res)) {
		qpdf_oh_release(c->q, res);
		res = qpdf_oh_new_object(c->q, outer);   /* PDF 1.1: the page's */
	}
	og_of(c, res, key + 2);
	bool oom = false;
	struct pdf_map_entry *e = pdf_map_get(c->hkey, &c->forms, key, sizeof(key), false, &oom);
	int rc = GO;
	if (e) {
		*bytes = e->n;
		*text = e->n2;
		goto out;
	}
	struct drawing d = { 0 };
	st->og[st->n][0] = key[0];
	st->og[st->n][1] = key[1];
	st->n++;
	rc = drawing(c, &f, 1, res, depth, st, &d);
	st->n--;
	if (rc)
		goto out;
	*bytes = d.bytes;
	*text = d.text;
	e = pdf_map_get(c->hkey, &c->forms, key, sizeof(key), true, &oom);
	if (!e) {
		rc = NOMEM;
		goto out;
	}
	e->n = d.bytes;
	e->n2 = d.text;
out:
	qpdf_oh_release(c->q, res);
	return rc;
}

/* What these content streams draw, read once per list of streams. */
static int scan(struct check *c, const qpdf_oh *streams, size_t n,
	struct drawing **own)
{
	int32_t *key = calloc(n ? n * 2 : 1, sizeof(*key));
	if (!key)
		return NOMEM;
	for (size_t i = 0; i < n; i++)
		og_of(c, streams[i], key + 2 * i);
	bool oom = false;
	int rc = GO;
	struct pdf_map_entry *e = pdf_map_get(c->hkey, &c->scanned, key, n * 2 * sizeof(*key),
		false, &oom);
	if (e) {
		*own = e->val;
		goto out;
	}
	struct drawing *d = calloc(1, sizeof(*d));
	if (!d) {
		rc = NOMEM;
		goto out;
	}
	struct names nm = { c, d };
	struct pdf_lex lex;
	pdf_lex_init(&lex, on_draw, &nm);
	struct counter k = { .sink.push = count_push, .c = c, .d = d,
		.lex = &lex };
	for (size_t i = 0; i < n && rc == GO; i++) {
		/* Between the streams of one page: a separator, as for
		 * poppler. */
		rc = lex_feed(&k, "\n");
		if (rc == GO && qpdf_oh_is_stream(c->q, streams[i]))
			rc = feed(c, streams[i], &k);
	}
	if (rc == GO)
		rc = lex_feed(&k, " ");
	if (rc == GO) {
		e = pdf_map_get(c->hkey, &c->scanned, key, n * 2 * sizeof(*key), true,
			&oom);
		if (!e)
			rc = NOMEM;
	}
	sodium_memzero(&lex, sizeof(lex));
	if (rc) {
		drawing_free(d);
		goto out;
	}
	e->val = d;
	*own = d;
out:
	free(key);
	return rc;
}

static int drawing(struct check *c, const qpdf_oh *streams, size_t n,
	qpdf_oh res, int depth, struct stack *st, struct drawing *out)
{
	struct drawing *own = NULL;
	int rc = scan(c, streams, n, &own);
	if (rc)
		return rc;
	out->bytes = own->bytes;
	out->text = own->text;
	qpdf_oh xobjects = qpdf_oh_get_key_if_dict(c->q, res, "/XObject");
	for (size_t i = 0; rc == GO && i < own->draws.cap; i++) {
		struct pdf_map_entry *e = &own->draws.e[i];
		if (!e->key || !qpdf_oh_is_dictionary(c->q, xobjects))
			continue;
		char name[1 + SZ_PDF_MAX_NAME + 1];
		memcpy(name, e->key, e->klen);
		name[e->klen] = '\0';
		qpdf_oh f = qpdf_oh_get_key(c->q, xobjects, name);
		qpdf_oh fd = qpdf_oh_is_stream(c->q, f) ?
			qpdf_oh_get_dict(c->q, f) : qpdf_oh_new_null(c->q);
		qpdf_oh sub = qpdf_oh_get_key_if_dict(c->q, fd, "/Subtype");
		if (qpdf_oh_is_name_and_equals(c->q, sub, "/Form")) {
			uint64_t b = 0, t = 0;
			rc = form(c, f, res, depth + 1, st, &b, &t);
			grow(out, b, t, e->n);
		}
		qpdf_oh_release(c->q, sub);
		qpdf_oh_release(c->q, fd);
		qpdf_oh_release(c->q, f);
	}
	qpdf_oh_release(c->q, xobjects);
	if (rc)
		return rc;
	if (out->bytes > SZ_DOC_MAX_PDF_PAGE)
		return over(c, "one of its pages draws more than %llu MiB once "
			"inflated, its forms counted each time they are drawn",
			SZ_DOC_MAX_PDF_PAGE >> 20);
	if (out->text > SZ_DOC_MAX_PDF_PAGE_TEXT)
		return over(c, "one of its pages shows more than %llu MiB of "
			"text", SZ_DOC_MAX_PDF_PAGE_TEXT >> 20);
	return qpdf_stop(c);
}

/* Each page's drawing, added to the total. */
static int pages(struct check *c)
{
	if (qpdf_push_inherited_attributes_to_page(c->q) & QPDF_ERRORS)
		return QPDF;
	int np = qpdf_get_num_pages(c->q);
	if (np < 0)
		return QPDF;
	int rc = GO;
	for (int i = 0; i < np && rc == GO; i++) {
		qpdf_oh page = qpdf_get_page_n(c->q, (size_t)i);
		qpdf_oh contents = qpdf_oh_get_key(c->q, page, "/Contents");
		qpdf_oh res = qpdf_oh_get_key(c->q, page, "/Resources");
		qpdf_oh *streams = NULL;
		size_t n = 0;
		if (qpdf_oh_is_array(c->q, contents)) {
			int k = qpdf_oh_get_array_n_items(c->q, contents);
			streams = calloc(k > 0 ? (size_t)k : 1, sizeof(*streams));
			if (!streams)
				rc = NOMEM;
			for (int j = 0; streams && j < k; j++)
				streams[n++] = qpdf_oh_get_array_item(c->q, contents, j);
		} else if (qpdf_oh_is_stream(c->q, contents)) {
			streams = calloc(1, sizeof(*streams));
			if (!streams)
				rc = NOMEM;
			else
				streams[n++] = qpdf_oh_new_object(c->q, contents);
		}
		struct stack st = { .n = 0 };
		struct drawing d = { 0 };
		if (rc == GO)
			rc = drawing(c, streams, n, res, 0, &st, &d);
		if (rc == GO)
			rc = add(c, d.bytes);
		for (size_t j = 0; j < n; j++)
			qpdf_oh_release(c->q, streams[j]);
		free(streams);
		qpdf_oh_release(c->q, res);
		qpdf_oh_release(c->q, contents);
		qpdf_oh_release(c->q, page);
	}
	return rc;
}

int sz_pdf_budget_check(const char *path, unsigned max_objects,
	struct sz_err *err)
{
	struct check c = { .max_objects = max_objects };
	randombytes_buf(c.hkey, sizeof(c.hkey));
	c.q = qpdf_init();
	qpdf_silence_errors(c.q);
	qpdf_set_suppress_warnings(c.q, QPDF_TRUE);
	int rc = qpdf_read(c.q, path, "") & QPDF_ERRORS ? QPDF : GO;
	if (rc == GO)
		rc = objstms_first(&c, path);
	if (rc == GO)
		rc = walk(&c);
	if (rc == GO)
		rc = pages(&c);
	int ret = 0;
	if (rc == LIMIT) {
		ret = sz_err_set(err, SZ_E_LIMIT, "the PDF is refused as a "
			"likely decompression bomb: %s", c.why);
	} else if (rc == QPDF) {
		qpdf_error e = qpdf_get_error(c.q);
		const char *what = e ? qpdf_get_error_full_text(c.q, e) :
			"unknown error";
		if (strstr(what, "bad_alloc"))
			rc = NOMEM;
		else if (qpdf_get_error_code(c.q, e) == qpdf_e_password ||
			 strstr(what, "invalid password") != NULL)
			ret = sz_err_set(err, SZ_E_INVAL, "the PDF needs a password "
				"to open: open it with the password, save a copy "
				"without one (qpdf --password=PASSWORD --decrypt IN "
				"OUT), and scrub that");
		else
			ret = sz_err_set(err, SZ_E_INVAL,
				"not a readable PDF: %.200s", what);
	}
	if (rc == NOMEM)
		ret = sz_err_set(err, SZ_E_LIMIT, "the PDF is refused: checking "
			"it needs more memory than samizdat-doc may use");
	pdf_map_free(&c.seen, NULL);
	pdf_map_free(&c.scanned, drawing_free_val);
	pdf_map_free(&c.forms, NULL);
	qpdf_cleanup(&c.q);
	sodium_memzero(c.hkey, sizeof(c.hkey));
	return ret;
}
