/*
 * mail_raw.c - a message's header filtered to what may be published (see
 * mail_raw.h).  The header block is read into memory (bounded), split
 * into fields as RFC 5322 §2.2 does (a field is a line starting with a
 * name and a colon, with the continuation lines that start with white
 * space), the DKIM-Signature fields' h= tags are read, and the fields to
 * keep are written out with their bytes untouched, folding and line ends
 * included; the body follows as it was.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/io.h"
#include "docs/mail_raw.h"

#define HEAD_PIECE (64u << 10)   /* read at a time, looking for the end */

static const char *const content[] = { "from", "sender", "reply-to", "to",
	"cc", "subject", "date", "message-id", "in-reply-to", "references",
	"mime-version", "content-type", "content-transfer-encoding",
	"content-disposition", "content-id", "content-description",
	"content-language", "dkim-signature" };

bool sz_mail_header_is_content(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(content) / sizeof(content[0]); i++)
		if (strlen(content[i]) == len &&
		    strncasecmp(content[i], name, len) == 0)
			return true;
	return false;
}

struct field {
	size_t start, end;       /* the field's bytes in the block */
	size_t name_len;         /* its name: block[start .. start+name_len) */
	bool keep, is_signed;
};

/* A field name: printable ASCII without the colon (RFC 5322 ftext). */
static size_t field_name(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] > 32 && p[i] < 127 && p[i] != ':')
		i++;
	return i > 0 && i < n && p[i] == ':' ? i : 0;
}

/* Lowercased names a DKIM-Signature's h= tag lists, one per entry. */
struct names {
	char (*n)[80];
	unsigned count, cap;
};

static void names_add(struct names *h, const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(h->n[0]) || h->count >= 64 * SZ_RAW_MAX_SIGNED)
		return;   /* a name this long is not followed: its field goes */
	if (h->count == h->cap) {
		unsigned cap = h->cap ? 2 * h->cap : 32;
		char (*n)[80] = realloc(h->n, cap * sizeof(*n));
		if (n == NULL)
			return;
		h->n = n;
		h->cap = cap;
	}
	for (size_t i = 0; i < len; i++)
		h->n[h->count][i] = (char)tolower((unsigned char)s[i]);
	h->n[h->count][len] = 0;
	h->count++;
}

/* Reads the h= tag of a DKIM-Signature field's value (tags separated by
 * ';', white space and folding allowed anywhere). */
static void signed_names(const uint8_t *v, size_t len, struct names *h,
	unsigned *per_sig)
{
	size_t i = 0;
	while (i < len) {
		size_t t = i;
		while (i < len && v[i] != ';')
			i++;
		size_t e = i++;
		while (t < e && isspace(v[t]))
			t++;
		if (t < e && v[t] == 'h') {
			size_t k = t + 1;
			while (k < e && isspace(v[k]))
				k++;
			if (k < e && v[k] == '=') {
				size_t a = k + 1;
				unsigned before = h->count;
				for (size_t b = a; b <= e; b++)
					if (b == e || v[b] == ':') {
						names_add(h, (const char *)v + a, b - a);
						a = b + 1;
					}
				*per_sig = h->count - before;
				return;
			}
		}
	}
}

/* The distinct names the signatures list, each with the most times any
 * one signature lists it, and how many of its fields are kept so far. */
struct signed_name {
	const char *name;
	unsigned times, taken;
};

static unsigned distinct(const struct names *h, const unsigned *sig_len,
	unsigned nsig, struct signed_name *d)
{
	unsigned nd = 0, at = 0;
	for (unsigned s = 0; s < nsig; s++) {
		for (unsigned k = at; k < at + sig_len[s] && k < h->count; k++) {
			unsigned c = 0, j;
			for (unsigned m = at; m < at + sig_len[s] && m < h->count; m++)
				c += strcmp(h->n[m], h->n[k]) == 0;
			for (j = 0; j < nd && strcmp(d[j].name, h->n[k]) != 0; j++)
				;
			if (j == nd)
				d[nd++] = (struct signed_name){ .name = h->n[k] };
			d[j].times = c > d[j].times ? c : d[j].times;
		}
		at += sig_len[s];
	}
	return nd;
}

static int read_at(int fd, uint64_t off, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got,
			(off_t)(off + got));
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

int sz_mail_raw_filter(int fd, uint64_t off, uint64_t len, int out,
	bool keep_signed, struct sz_doc_report *report,
	struct sz_raw_summary *sum, struct sz_err *err)
{
	struct sz_raw_summary local;
	if (sum == NULL)
		sum = &local;
	memset(sum, 0, sizeof(*sum));
	size_t limit = len < SZ_RAW_MAX_HEADER ? (size_t)len : SZ_RAW_MAX_HEADER;
	size_t cap = 0;
	uint8_t *b = malloc(1);
	struct field *f = NULL;
	struct names h = { 0 };
	unsigned sig_len[SZ_RAW_MAX_SIGNED], nsig = 0, nf = 0;
	int rc = b ? 0 : sz_err_set(err, SZ_E_NOMEM, "out of memory");
	/* The header block, read a piece at a time up to its empty line. */
	while (rc == 0 && cap < limit) {
		size_t n = limit - cap < HEAD_PIECE ? limit - cap : HEAD_PIECE;
		uint8_t *g = realloc(b, cap + n);
		if (g == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			goto out;
		}
		b = g;
		if (read_at(fd, off + cap, b + cap, n) != 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot read the message");
			goto out;
		}
		size_t from = cap > 2 ? cap - 2 : 0;
		cap += n;
		if ((b[0] == '\n' || (cap > 1 && b[0] == '\r' && b[1] == '\n')) ||
		    memmem(b + from, cap - from, "\n\n", 2) != NULL ||
		    memmem(b + from, cap - from, "\n\r\n", 3) != NULL)
			break;
	}
	if (rc != 0)
		goto out;
	/* Split the block into fields, up to the empty line (or the first
	 * line that is neither a field nor a continuation). */
	size_t at = 0, body = cap;
	bool ended = false;
	while (at < cap) {
		const uint8_t *nl = memchr(b + at, '\n', cap - at);
		size_t eol = nl ? (size_t)(nl - b) + 1 : cap;
		size_t ll = eol - at;
		bool empty = (ll == 1 && b[at] == '\n') ||
			(ll == 2 && b[at] == '\r' && b[at + 1] == '\n');
		if (empty) {
			body = at;
			ended = true;
			break;
		}
		if ((b[at] == ' ' || b[at] == '\t') && nf > 0) {
			f[nf - 1].end = eol;
		} else {
			size_t nlen = field_name(b + at, ll);
			if (nlen == 0) {
				body = at;
				ended = true;
				break;
			}
			if (nf == SZ_RAW_MAX_FIELDS) {
				rc = sz_err_set(err, SZ_E_LIMIT, "the message has more "
					"than %u header fields", SZ_RAW_MAX_FIELDS);
				goto out;
			}
			if (nf % 256 == 0) {
				struct field *g = realloc(f, (nf + 256) * sizeof(*f));
				if (g == NULL) {
					rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
					goto out;
				}
				f = g;
			}
			f[nf++] = (struct field){ .start = at, .end = eol,
				.name_len = nlen };
		}
		at = eol;
	}
	if (!ended && cap < len && cap >= limit) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the message's header is larger "
			"than %u MiB", SZ_RAW_MAX_HEADER >> 20);
		goto out;
	}
	for (unsigned i = 0; i < nf && nsig < SZ_RAW_MAX_SIGNED; i++)
		if (f[i].name_len == 14 && strncasecmp((const char *)b + f[i].start,
		    "dkim-signature", 14) == 0) {
			size_t v = f[i].start + 15;
			sig_len[nsig] = 0;
			signed_names(b + v, f[i].end - v, &h, &sig_len[nsig]);
			nsig++;
			sum->dkim = true;
		}
	/* Each name signed k times keeps its k bottom-most fields. */
	struct signed_name *d = calloc(h.count ? h.count : 1, sizeof(*d));
	unsigned nd = d ? distinct(&h, sig_len, nsig, d) : 0;
	for (unsigned i = nf; i-- > 0;) {
		const char *name = (const char *)b + f[i].start;
		f[i].keep = sz_mail_header_is_content(name, f[i].name_len);
		for (unsigned j = 0; j < nd && keep_signed && !f[i].keep; j++)
			if (strlen(d[j].name) == f[i].name_len &&
			    strncasecmp(d[j].name, name, f[i].name_len) == 0) {
				if (d[j].taken < d[j].times) {
					d[j].taken++;
					f[i].keep = f[i].is_signed = true;
				}
				break;
			}
	}
	free(d);
	for (unsigned i = 0; i < nf && rc == 0; i++) {
		char name[80];
		snprintf(name, sizeof(name), "%.*s", (int)f[i].name_len,
			(const char *)b + f[i].start);
		size_t v = f[i].start + f[i].name_len + 1;
		if (!f[i].keep) {
			sum->removed++;
			sz_doc_report_add(report, "Removed header", name,
				(const char *)b + v, f[i].end - v);
		} else if (f[i].is_signed) {
			sum->signed_extra++;
			sz_doc_report_add(report, "Signed header", name,
				(const char *)b + v, f[i].end - v);
		}
		if (out >= 0 && f[i].keep &&
		    sz_write_all(out, b + f[i].start, f[i].end - f[i].start) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot write the message");
	}
	if (out < 0 || rc != 0)
		goto out;
	/* The empty line and the body, as they were. */
	if (sz_write_all(out, b + body, cap - body) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write the message");
	uint64_t rest = len - cap, pos = off + cap;
	uint8_t chunk[65536];
	while (rc == 0 && rest > 0) {
		size_t n = rest < sizeof(chunk) ? (size_t)rest : sizeof(chunk);
		if (read_at(fd, pos, chunk, n) != 0 ||
		    sz_write_all(out, chunk, n) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot copy the message");
		rest -= n;
		pos += n;
	}
out:
	free(b);
	free(f);
	free(h.n);
	return rc;
}
