/*
 * age_header.c - strict parsing and writing of the age v1 header.
 *
 * Every byte of the header is checked before any key is tried: a header
 * that would be re-encoded differently (non-canonical base64, stray CR,
 * over-long lines) is refused, because the MAC covers the exact bytes and
 * a lenient parser would let two readers see two different files.
 */
#include "crypto/age_header.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hkdf.h"

#define BODY_COLUMNS 64

bool sz_b64_alphabet_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return false;
	}
	return true;
}

long sz_age_b64_decode(const char *b64, size_t len, uint8_t *out, size_t cap)
{
	size_t bin_len = 0;
	const char *end = NULL;
	if (len == 0)
		return 0;
	/* libsodium 1.0.18 (Debian 12) takes some bytes above 0x7f for
	 * base64 characters; refuse them before it sees them. */
	if (!sz_b64_alphabet_only(b64, len))
		return -1;
	if (sodium_base642bin(out, cap, b64, len, NULL, &bin_len, &end,
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return -1;
	if (end != b64 + len)
		return -1;
	return (long)bin_len;
}

void sz_age_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	sodium_bin2base64(out, cap, in, n,
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

struct cursor {
	const uint8_t *buf;
	size_t len, pos;
};

/* The next line without its LF; -1 if there is no LF left. */
static int next_line(struct cursor *c, const char **line, size_t *n)
{
	if (c->pos >= c->len)
		return -1;
	const uint8_t *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
	if (nl == NULL)
		return -1;
	*line = (const char *)c->buf + c->pos;
	*n = (size_t)(nl - (c->buf + c->pos));
	c->pos += *n + 1;
	return 0;
}

static bool is_vchar(unsigned char ch)
{
	return ch >= 33 && ch <= 126;
}

int sz_age_header_find_end(const uint8_t *buf, size_t len, size_t *scan,
	size_t *end, struct sz_err *err)
{
	static const char version[] = SZ_AGE_VERSION_LINE "\n";
	size_t vlen = sizeof(version) - 1;
	size_t cmp = len < vlen ? len : vlen;
	if (memcmp(buf, version, cmp) != 0) {
		if (cmp >= 19 && memcmp(buf, "age-encryption.org/", 19) == 0)
			return sz_err_set(err, SZ_E_HEADER,
				"unsupported age format version; this reads "
				"age-encryption.org/v1");
		return sz_err_set(err, SZ_E_HEADER,
			"not an age file: the header does not start with "
			"\"%s\"", SZ_AGE_VERSION_LINE);
	}
	while (*scan < len) {
		const uint8_t *nl = memchr(buf + *scan, '\n', len - *scan);
		if (nl == NULL)
			break;
		size_t line_len = (size_t)(nl - (buf + *scan));
		if (line_len >= 3 && memcmp(buf + *scan, "---", 3) == 0) {
			*end = (size_t)(nl - buf) + 1;
			return 1;
		}
		*scan += line_len + 1;
	}
	if (len >= SZ_AGE_MAX_HEADER_SIZE)
		return sz_err_set(err, SZ_E_HEADER,
			"the age header is larger than %d bytes",
			SZ_AGE_MAX_HEADER_SIZE);
	return 0;
}

static int parse_args(const char *line, size_t n, struct sz_age_stanza *st,
	struct sz_err *err)
{
	size_t i = 3; /* after "-> " */
	while (i <= n) {
		size_t start = i;
		while (i < n && line[i] != ' ') {
			if (!is_vchar((unsigned char)line[i]))
				return sz_err_set(err, SZ_E_HEADER,
					"a stanza argument has a character that "
					"is not printable ASCII");
			i++;
		}
		if (i == start)
			return sz_err_set(err, SZ_E_HEADER,
				"a stanza has an empty argument");
		if (st->nargs == SZ_AGE_MAX_ARGS)
			return sz_err_set(err, SZ_E_HEADER,
				"a stanza has more than %d arguments",
				SZ_AGE_MAX_ARGS);
		char *a = malloc(i - start + 1);
		if (a == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		memcpy(a, line + start, i - start);
		a[i - start] = '\0';
		st->args[st->nargs++] = a;
		i++; /* the space, or past the end */
	}
	return SZ_OK;
}

static int parse_body(struct cursor *c, struct sz_age_stanza *st,
	struct sz_err *err)
{
	struct sz_buf body;
	uint8_t chunk[BODY_COLUMNS];
	int rc = SZ_OK;
	sz_buf_init(&body, SZ_AGE_MAX_HEADER_SIZE);
	for (;;) {
		const char *line;
		size_t n;
		if (next_line(c, &line, &n) != 0) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"a stanza body is not terminated");
			goto out;
		}
		if (n > BODY_COLUMNS) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"a stanza body line is longer than %d columns",
				BODY_COLUMNS);
			goto out;
		}
		long got = sz_age_b64_decode(line, n, chunk, sizeof(chunk));
		if (got < 0) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"a stanza body is not canonical base64");
			goto out;
		}
		if (sz_buf_append(&body, chunk, (size_t)got) != 0) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"a stanza body is too large");
			goto out;
		}
		if (n < BODY_COLUMNS)
			break;
	}
	st->body_len = body.len;
	st->body = malloc(body.len ? body.len : 1);
	if (st->body == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	if (body.len)
		memcpy(st->body, body.data, body.len);
out:
	sz_buf_free(&body);
	return rc;
}

static bool decodes_to(const char *b64, size_t want)
{
	uint8_t tmp[64];
	if (want + 1 > sizeof(tmp))
		return false;
	return sz_age_b64_decode(b64, strlen(b64), tmp, want + 1) ==
		(long)want;
}

/* Decimal without sign or leading zeros, 1..63. */
static bool valid_work_factor(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 2 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return atoi(s) <= 63;
}

/* Shape checks for the stanza types samizdat knows. */
static int check_known(const struct sz_age_header *h, struct sz_err *err)
{
	for (size_t i = 0; i < h->nstanzas; i++) {
		const struct sz_age_stanza *st = &h->stanzas[i];
		if (strcmp(st->args[0], "X25519") == 0) {
			if (st->nargs != 2 || !decodes_to(st->args[1], 32) ||
			    st->body_len != 32)
				return sz_err_set(err, SZ_E_HEADER,
					"malformed X25519 stanza");
		} else if (strcmp(st->args[0], "scrypt") == 0) {
			if (h->nstanzas != 1)
				return sz_err_set(err, SZ_E_HEADER,
					"a passphrase (scrypt) stanza must be "
					"the only one in the header");
			if (st->nargs != 3 || !decodes_to(st->args[1], 16) ||
			    !valid_work_factor(st->args[2]) ||
			    st->body_len != 32)
				return sz_err_set(err, SZ_E_HEADER,
					"malformed scrypt stanza");
		}
	}
	return SZ_OK;
}

int sz_age_header_parse(const uint8_t *buf, size_t len,
	struct sz_age_header *h, struct sz_err *err)
{
	struct cursor c = { buf, len, 0 };
	const char *line;
	size_t n;
	int rc;
	memset(h, 0, sizeof(*h));

	if (next_line(&c, &line, &n) != 0 ||
	    n != strlen(SZ_AGE_VERSION_LINE) ||
	    memcmp(line, SZ_AGE_VERSION_LINE, n) != 0)
		return sz_err_set(err, SZ_E_HEADER,
			"not an age v1 file: bad version line");
	for (;;) {
		size_t line_start = c.pos;
		if (next_line(&c, &line, &n) != 0) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"the header has no MAC line");
			goto fail;
		}
		if (n >= 3 && memcmp(line, "---", 3) == 0) {
			if (n != 4 + 43 || line[3] != ' ' ||
			    sz_age_b64_decode(line + 4, 43, h->mac,
				    sizeof(h->mac)) != SZ_AGE_MAC_SIZE) {
				rc = sz_err_set(err, SZ_E_HEADER,
					"malformed header MAC line");
				goto fail;
			}
			if (c.pos != len) {
				rc = sz_err_set(err, SZ_E_HEADER,
					"data after the header MAC line");
				goto fail;
			}
			h->mac_input_len = line_start + 3;
			break;
		}
		if (n < 3 || memcmp(line, "-> ", 3) != 0) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"a header line is neither a stanza nor the MAC");
			goto fail;
		}
		if (h->nstanzas == SZ_AGE_MAX_STANZAS) {
			rc = sz_err_set(err, SZ_E_HEADER,
				"the header has more than %d stanzas",
				SZ_AGE_MAX_STANZAS);
			goto fail;
		}
		if (h->nstanzas % 16 == 0) {
			struct sz_age_stanza *more = realloc(h->stanzas,
				(h->nstanzas + 16) * sizeof(*more));
			if (more == NULL) {
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				goto fail;
			}
			h->stanzas = more;
		}
		struct sz_age_stanza *st = &h->stanzas[h->nstanzas++];
		memset(st, 0, sizeof(*st));
		rc = parse_args(line, n, st, err);
		if (rc == SZ_OK)
			rc = parse_body(&c, st, err);
		if (rc != SZ_OK)
			goto fail;
	}
	if (h->nstanzas == 0) {
		rc = sz_err_set(err, SZ_E_HEADER, "the header has no stanzas");
		goto fail;
	}
	rc = check_known(h, err);
	if (rc != SZ_OK)
		goto fail;
	return SZ_OK;
fail:
	sz_age_header_clear(h);
	return rc;
}

void sz_age_stanza_clear(struct sz_age_stanza *st)
{
	for (size_t j = 0; j < st->nargs; j++)
		free(st->args[j]);
	free(st->body);
	memset(st, 0, sizeof(*st));
}

void sz_age_header_clear(struct sz_age_header *h)
{
	for (size_t i = 0; i < h->nstanzas; i++)
		sz_age_stanza_clear(&h->stanzas[i]);
	free(h->stanzas);
	memset(h, 0, sizeof(*h));
}

static void header_mac(const uint8_t *buf, size_t len,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	uint8_t mac[SZ_AGE_MAC_SIZE])
{
	uint8_t key[32];
	sz_hkdf_sha256(key, sizeof(key), NULL, 0, file_key,
		SZ_AGE_FILE_KEY_SIZE, "header");
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, buf, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
}

int sz_age_header_verify(const struct sz_age_header *h, const uint8_t *buf,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], struct sz_err *err)
{
	uint8_t mac[SZ_AGE_MAC_SIZE];
	header_mac(buf, h->mac_input_len, file_key, mac);
	int ok = sodium_memcmp(mac, h->mac, sizeof(mac)) == 0;
	sodium_memzero(mac, sizeof(mac));
	if (!ok)
		return sz_err_set(err, SZ_E_HMAC,
			"the header MAC does not verify: the header was "
			"altered or corrupted");
	return SZ_OK;
}

int sz_age_stanza_write(const struct sz_age_stanza *st, struct sz_buf *out)
{
	int rc = sz_buf_puts(out, "->");
	for (size_t i = 0; rc == 0 && i < st->nargs; i++) {
		rc = sz_buf_puts(out, " ");
		if (rc == 0)
			rc = sz_buf_puts(out, st->args[i]);
	}
	if (rc == 0)
		rc = sz_buf_puts(out, "\n");
	/* Full 48-byte groups make 64-column lines; a short (maybe empty)
	 * line always ends the body. */
	size_t off = 0;
	for (;;) {
		if (rc != 0)
			return rc;
		size_t take = st->body_len - off;
		if (take > 48)
			take = 48;
		char line[BODY_COLUMNS + 1];
		sz_age_b64_encode(st->body + off, take, line, sizeof(line));
		rc = sz_buf_puts(out, line);
		if (rc == 0)
			rc = sz_buf_puts(out, "\n");
		off += take;
		if (take < 48)
			return rc;
	}
}

int sz_age_header_write(const struct sz_age_stanza *stanzas, size_t n,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], struct sz_buf *out)
{
	size_t start = out->len;
	int rc = sz_buf_puts(out, SZ_AGE_VERSION_LINE "\n");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = sz_age_stanza_write(&stanzas[i], out);
	if (rc == 0)
		rc = sz_buf_puts(out, "---");
	if (rc != 0)
		return rc;
	uint8_t mac[SZ_AGE_MAC_SIZE];
	char b64[48];
	header_mac(out->data + start, out->len - start, file_key, mac);
	sz_age_b64_encode(mac, sizeof(mac), b64, sizeof(b64));
	rc = sz_buf_puts(out, " ");
	if (rc == 0)
		rc = sz_buf_puts(out, b64);
	if (rc == 0)
		rc = sz_buf_puts(out, "\n");
	return rc;
}
