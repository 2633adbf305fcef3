/*
 * mo.c - reading a GNU .mo catalogue (the gettext manual, "The Format of
 * GNU MO Files"): a header of seven 32-bit words in the writer's byte
 * order, then two tables of (length, offset) pairs for the original and
 * the translated strings.  The file's own hash table is not used (nor
 * trusted): the entries are sorted here and found by binary search.
 * What it does not do: system-dependent strings (revision 1's extra
 * segments, which msgfmt writes only for <inttypes.h> macros; such
 * messages are simply not found), or any charset but UTF-8.
 */
#include "core/mo.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"

#define MO_MAGIC 0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_HEADER_BYTES 28
#define MAX_DIRECTIVES 16

struct entry {
	const char *key;        /* [msgctxt EOT] msgid: the original up to
	                           its first NUL */
	size_t keylen;
	const char *plural;     /* msgid_plural, or NULL */
	const char *trans;      /* the forms, each ended by a NUL */
	size_t translen;
	unsigned nforms;
};

struct sz_mo {
	uint8_t *data;
	size_t len;
	struct entry *e;
	size_t n;
	size_t dropped;
	const char *header;
	struct sz_plural plural;
};

static uint32_t word(const uint8_t *d, size_t off, bool swapped)
{
	uint32_t v = (uint32_t)d[off] | (uint32_t)d[off + 1] << 8 |
		(uint32_t)d[off + 2] << 16 | (uint32_t)d[off + 3] << 24;
	if (swapped)
		v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
			(v << 24);
	return v;
}

/* A length modifier at s[*i] (consumed), as a number; 0 if none. */
static unsigned length_modifier(const char *s, size_t len, size_t *i)
{
	static const struct {
		const char *text;
		unsigned id;
	} mods[] = {
		{ "hh", 1 }, { "ll", 4 }, { "h", 2 }, { "l", 3 }, { "j", 5 },
		{ "z", 6 }, { "t", 7 }, { "L", 8 }, { "q", 4 },
	};
	for (size_t k = 0; k < sizeof(mods) / sizeof(mods[0]); k++) {
		size_t n = strlen(mods[k].text);
		if (len - *i >= n && memcmp(s + *i, mods[k].text, n) == 0) {
			*i += n;
			return mods[k].id;
		}
	}
	return 0;
}

/*
 * The printf directives of s, one code per argument they read, into
 * codes[]: the length modifier and the class of the conversion.  Returns
 * how many, or -1 for what a translation may not use: a positional
 * argument, %n, an unknown conversion, too many.
 */
static int directives(const char *s, size_t len, uint8_t codes[MAX_DIRECTIVES])
{
	int n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (++i >= len)
			return -1;
		if (s[i] == '%')
			continue;
		while (i < len && s[i] != 0 && strchr("-+ #0'I", s[i]) != NULL)
			i++;
		size_t digits = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i < len && s[i] == '$' && i > digits)
			return -1;      /* positional: not allowed */
		if (i < len && s[i] == '*') {
			if (n == MAX_DIRECTIVES)
				return -1;
			codes[n++] = 0x07;
			i++;
		}
		if (i < len && s[i] == '.') {
			i++;
			if (i < len && s[i] == '*') {
				if (n == MAX_DIRECTIVES)
					return -1;
				codes[n++] = 0x07;
				i++;
			}
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		unsigned lm = length_modifier(s, len, &i);
		if (i >= len)
			return -1;
		unsigned cls;
		switch (s[i]) {
		case 'd': case 'i': cls = 1; break;
		case 'o': case 'u': case 'x': case 'X': cls = 2; break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
		case 'a': case 'A': cls = 3; break;
		case 'c': cls = 4; break;
		case 's': cls = 5; break;
		case 'p': cls = 6; break;
		case 'm': continue;     /* glibc's strerror(errno): no argument */
		default: return -1;     /* %n among them */
		}
		if (n == MAX_DIRECTIVES)
			return -1;
		codes[n++] = (uint8_t)(lm << 4 | cls);
	}
	return n;
}

/* Whether every form of a translation reads a prefix of the arguments the
 * original's directives read (what printf is given for the original).
 * A form may read fewer (a language's form for one alone may leave out
 * the number), never others. */
static bool directives_fit(const struct entry *e)
{
	uint8_t want[MAX_DIRECTIVES], got[MAX_DIRECTIVES];
	const char *orig = e->plural ? e->plural : e->key;
	const char *sep = memchr(e->key, SZ_MO_CONTEXT_SEP, e->keylen);
	size_t olen = strlen(orig);
	if (e->plural == NULL && sep != NULL) {
		olen -= (size_t)(sep + 1 - orig);
		orig = sep + 1;
	}
	int nwant = directives(orig, olen, want);
	if (nwant < 0)
		nwant = 0;      /* not a format string: none may be read */
	const char *f = e->trans, *end = e->trans + e->translen;
	while (f < end) {
		size_t flen = strnlen(f, (size_t)(end - f));
		int ngot = directives(f, flen, got);
		if (ngot < 0 || ngot > nwant || memcmp(got, want, (size_t)ngot))
			return false;
		f += flen + 1;
	}
	return true;
}

static int cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);
	if (c != 0)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

/* The header's field value: a pointer into it and its length. */
static const char *field(const char *header, const char *name, size_t *len)
{
	size_t nlen = strlen(name);
	for (const char *line = header; line != NULL && *line;) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);
		if (llen > nlen && strncasecmp(line, name, nlen) == 0 &&
		    line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			*len = llen - (size_t)(v - line);
			return v;
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static int read_header(struct sz_mo *mo, struct sz_err *err)
{
	size_t len;
	sz_plural_default(&mo->plural);
	if (mo->header == NULL)
		return SZ_OK;
	const char *ct = field(mo->header, "Content-Type", &len);
	if (ct != NULL) {
		const char *cs = NULL;
		for (size_t i = 0; i + 8 <= len; i++)
			if (strncasecmp(ct + i, "charset=", 8) == 0)
				cs = ct + i + 8;
		size_t cslen = cs ? len - (size_t)(cs - ct) : 0;
		if (cs == NULL || !((cslen == 5 && strncasecmp(cs, "UTF-8", 5) ==
			    0) || (cslen == 4 && strncasecmp(cs, "UTF8", 4) == 0)))
			return sz_err_set(err, SZ_E_UNSUPPORTED, "the catalogue's "
				"charset is not UTF-8 (msgconv -t UTF-8 converts "
				"a .po file)");
	}
	const char *pf = field(mo->header, "Plural-Forms", &len);
	if (pf != NULL)
		return sz_plural_parse(&mo->plural, pf, len, err);
	return SZ_OK;
}

/* Checks and records entry i of the file's tables. */
static int read_entry(struct sz_mo *mo, uint32_t olen, uint32_t ooff,
	uint32_t tlen, uint32_t toff, struct sz_err *err)
{
	const uint8_t *d = mo->data;
	if ((uint64_t)ooff + olen + 1 > mo->len || d[ooff + olen] != 0 ||
	    (uint64_t)toff + tlen + 1 > mo->len || d[toff + tlen] != 0)
		return sz_err_set(err, SZ_E_INVAL, "a string of the catalogue "
			"lies outside the file, or does not end with a NUL");
	struct entry *e = &mo->e[mo->n];
	e->key = (const char *)d + ooff;
	e->keylen = strnlen(e->key, olen);
	e->plural = e->keylen < olen ? e->key + e->keylen + 1 : NULL;
	e->trans = (const char *)d + toff;
	e->translen = tlen;
	if (!sz_utf8_valid(e->trans, tlen))
		return sz_err_set(err, SZ_E_INVAL, "a translation in the "
			"catalogue is not valid UTF-8");
	if (e->keylen == 0) {
		if (mo->header == NULL)
			mo->header = e->trans;
		return SZ_OK;   /* the header is not a message */
	}
	if (tlen == 0)
		return SZ_OK;   /* not translated */
	e->nforms = 1;
	for (size_t i = 0; i < tlen; i++)
		e->nforms += e->trans[i] == '\0';
	if (!directives_fit(e)) {
		mo->dropped++;
		return SZ_OK;
	}
	mo->n++;
	return SZ_OK;
}

int sz_mo_parse(struct sz_mo **out, const void *data, size_t len,
	struct sz_err *err)
{
	*out = NULL;
	if (len > SZ_MO_MAX_BYTES)
		return sz_err_set(err, SZ_E_LIMIT, "the catalogue is larger "
			"than %d MiB", SZ_MO_MAX_BYTES >> 20);
	if (len < MO_HEADER_BYTES)
		return sz_err_set(err, SZ_E_INVAL, "not a .mo catalogue (too "
			"short)");
	const uint8_t *d = data;
	uint32_t magic = word(d, 0, false);
	bool swapped = magic == MO_MAGIC_SWAPPED;
	if (magic != MO_MAGIC && !swapped)
		return sz_err_set(err, SZ_E_INVAL, "not a .mo catalogue (no "
			"magic number)");
	uint32_t rev = word(d, 4, swapped), n = word(d, 8, swapped),
		otab = word(d, 12, swapped), ttab = word(d, 16, swapped);
	if (rev >> 16 > 1)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "the catalogue's format "
			"revision %u is newer than this reader", rev >> 16);
	if (n > SZ_MO_MAX_STRINGS)
		return sz_err_set(err, SZ_E_LIMIT, "the catalogue has more than "
			"%d strings", SZ_MO_MAX_STRINGS);
	if ((uint64_t)otab + (uint64_t)n * 8 > len ||
	    (uint64_t)ttab + (uint64_t)n * 8 > len)
		return sz_err_set(err, SZ_E_INVAL, "the catalogue's string "
			"tables lie outside the file");
	struct sz_mo *mo = calloc(1, sizeof(*mo));
	int rc = SZ_E_NOMEM;
	if (mo == NULL)
		goto fail;
	mo->data = malloc(len + 1);
	mo->e = calloc(n ? n : 1, sizeof(*mo->e));
	if (mo->data == NULL || mo->e == NULL)
		goto fail;
	memcpy(mo->data, data, len);
	mo->data[len] = 0;
	mo->len = len;
	for (uint32_t i = 0; i < n; i++) {
		rc = read_entry(mo, word(d, otab + 8 * i, swapped),
			word(d, otab + 8 * i + 4, swapped),
			word(d, ttab + 8 * i, swapped),
			word(d, ttab + 8 * i + 4, swapped), err);
		if (rc != SZ_OK)
			goto out;
	}
	rc = read_header(mo, err);
	if (rc != SZ_OK)
		goto out;
	qsort(mo->e, mo->n, sizeof(*mo->e), cmp_entries);
	for (size_t i = 1; i < mo->n; i++)
		if (cmp_entries(&mo->e[i - 1], &mo->e[i]) == 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the catalogue has a "
				"message twice");
			goto out;
		}
	*out = mo;
	return SZ_OK;
fail:
	rc = sz_err_set(err, SZ_E_NOMEM, "out of memory reading a catalogue");
out:
	sz_mo_free(mo);
	return rc;
}

int sz_mo_load(struct sz_mo **out, const char *path, struct sz_err *err)
{
	struct stat sb;
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open the catalogue %s",
			path);
	int rc;
	uint8_t *buf = NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = sz_err_set(err, SZ_E_IO, "%s is not a file", path);
	} else if (sb.st_size > SZ_MO_MAX_BYTES) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the catalogue %s is larger "
			"than %d MiB", path, SZ_MO_MAX_BYTES >> 20);
	} else if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	} else {
		ssize_t got = sz_read_full(fd, buf, (size_t)sb.st_size + 1);
		if (got != sb.st_size)
			rc = sz_err_set(err, SZ_E_IO, "cannot read %s", path);
		else
			rc = sz_mo_parse(out, buf, (size_t)got, err);
		if (rc != SZ_OK && err != NULL &&
		    strncmp(err->msg, "cannot", 6) != 0) {
			char msg[SZ_ERR_MSG_SIZE];
			memcpy(msg, err->msg, sizeof(msg));
			sz_err_set(err, rc, "%.200s: %s", path, msg);
		}
	}
	free(buf);
	close(fd);
	return rc;
}

void sz_mo_free(struct sz_mo *mo)
{
	if (mo == NULL)
		return;
	free(mo->e);
	free(mo->data);
	free(mo);
}

/* Compares an entry's key with the key ctx EOT msgid (or msgid alone),
 * without building it. */
static int cmp_key(const struct entry *e, const char *ctx,
	const char *msgid)
{
	size_t clen = ctx ? strlen(ctx) : 0, ilen = strlen(msgid);
	size_t vlen = (ctx ? clen + 1 : 0) + ilen;
	for (size_t i = 0; i < e->keylen && i < vlen; i++) {
		unsigned char v = ctx == NULL ? (unsigned char)msgid[i] :
			i < clen ? (unsigned char)ctx[i] :
			i == clen ? SZ_MO_CONTEXT_SEP :
			(unsigned char)msgid[i - clen - 1];
		unsigned char k = (unsigned char)e->key[i];
		if (k != v)
			return k < v ? -1 : 1;
	}
	return e->keylen < vlen ? -1 : e->keylen > vlen;
}

static const struct entry *lookup(const struct sz_mo *mo, const char *ctx,
	const char *msgid)
{
	size_t lo = 0, hi = mo ? mo->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(&mo->e[mid], ctx, msgid);
		if (c == 0)
			return &mo->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *sz_mo_find(const struct sz_mo *mo, const char *ctx,
	const char *msgid)
{
	const struct entry *e = lookup(mo, ctx, msgid);
	return e != NULL && e->plural == NULL ? e->trans : NULL;
}

const char *sz_mo_find_plural(const struct sz_mo *mo, const char *ctx,
	const char *msgid, unsigned long n)
{
	const struct entry *e = lookup(mo, ctx, msgid);
	if (e == NULL || e->plural == NULL)
		return NULL;
	unsigned form = sz_plural_form(&mo->plural, n);
	if (form >= e->nforms)
		return NULL;
	const char *f = e->trans;
	for (unsigned i = 0; i < form; i++)
		f += strlen(f) + 1;
	return f;
}

bool sz_mo_header(const struct sz_mo *mo, const char *name, char *out,
	size_t cap)
{
	size_t len;
	const char *v = mo && mo->header ? field(mo->header, name, &len) : NULL;
	if (v == NULL || len >= cap)
		return false;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

size_t sz_mo_count(const struct sz_mo *mo)
{
	return mo ? mo->n : 0;
}

size_t sz_mo_dropped(const struct sz_mo *mo)
{
	return mo ? mo->dropped : 0;
}

const struct sz_plural *sz_mo_plural(const struct sz_mo *mo)
{
	return &mo->plural;
}
