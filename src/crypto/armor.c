/*
 * armor.c - streaming age armor.  The decoder is a small state machine
 * over lines of at most 64 columns (plus CR), so a hostile input can make
 * it hold no more than one line.  The sink errors it passes back keep their
 * own code, so a header failure inside an armored file is still reported
 * as a header failure.
 */
#include "crypto/armor.h"
#include "crypto/age_header.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void sz_armor_enc_init(struct sz_armor_enc *a, sz_age_sink sink, void *ctx)
{
	memset(a, 0, sizeof(*a));
	a->sink = sink;
	a->ctx = ctx;
}

static int enc_line(struct sz_armor_enc *a, size_t n)
{
	char line[SZ_ARMOR_COLUMNS + 2];
	sodium_bin2base64(line, sizeof(line), a->group, n,
		sodium_base64_VARIANT_ORIGINAL);
	size_t len = strlen(line);
	line[len++] = '\n';
	a->pending = 0;
	return a->sink(a->ctx, (const uint8_t *)line, len);
}

int sz_armor_enc_write(void *enc, const uint8_t *data, size_t len)
{
	struct sz_armor_enc *a = enc;
	int rc;
	if (!a->started) {
		rc = a->sink(a->ctx, (const uint8_t *)SZ_ARMOR_BEGIN "\n",
			sizeof(SZ_ARMOR_BEGIN));
		if (rc != 0)
			return rc;
		a->started = 1;
	}
	while (len > 0) {
		size_t take = sizeof(a->group) - a->pending;
		if (take > len)
			take = len;
		memcpy(a->group + a->pending, data, take);
		a->pending += take;
		data += take;
		len -= take;
		/* Hold a full line back until more arrives: the last line is
		 * written at finish, so it may be full or short. */
		if (a->pending == sizeof(a->group) && len > 0) {
			rc = enc_line(a, a->pending);
			if (rc != 0)
				return rc;
		}
	}
	return SZ_OK;
}

int sz_armor_enc_finish(struct sz_armor_enc *a)
{
	int rc = SZ_OK;
	if (!a->started)
		rc = sz_armor_enc_write(a, NULL, 0);
	if (rc == 0 && a->pending > 0)
		rc = enc_line(a, a->pending);
	if (rc == 0)
		rc = a->sink(a->ctx, (const uint8_t *)SZ_ARMOR_END "\n",
			sizeof(SZ_ARMOR_END));
	sodium_memzero(a->group, sizeof(a->group));
	return rc;
}

enum dec_state { LEADING, BEGIN_LINE, BODY, TRAILING };

struct sz_armor_dec {
	enum dec_state state;
	sz_age_sink sink;
	void *ctx;
	bool last_seen;   /* a short or padded line: only END may follow */
	size_t n;         /* bytes in line */
	char line[SZ_ARMOR_COLUMNS + 2];
};

int sz_armor_dec_new(struct sz_armor_dec **out, sz_age_sink sink, void *ctx,
	struct sz_err *err)
{
	struct sz_armor_dec *d = calloc(1, sizeof(*d));
	*out = d;
	if (d == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	d->sink = sink;
	d->ctx = ctx;
	return SZ_OK;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

static int bad(struct sz_err *err, const char *why)
{
	return sz_err_set(err, SZ_E_ARMOR, "malformed ASCII armor: %s", why);
}

/* Input that failed before its first line was a BEGIN line was likely
 * never an age file at all: say so, rather than blame the armor. */
static int not_age(struct sz_err *err)
{
	return sz_err_set(err, SZ_E_ARMOR, "not an age file: it begins with "
		"neither \"age-encryption.org/v1\" nor \"%s\"",
		SZ_ARMOR_BEGIN);
}

static bool line_is(const struct sz_armor_dec *d, const char *marker)
{
	return d->n == strlen(marker) && memcmp(d->line, marker, d->n) == 0;
}

/* Handles one complete line (without its LF or CRLF). */
static int dec_line(struct sz_armor_dec *d, struct sz_err *err)
{
	if (d->state == BEGIN_LINE) {
		if (!line_is(d, SZ_ARMOR_BEGIN))
			return not_age(err);
		d->state = BODY;
		return SZ_OK;
	}
	if (d->n > 0 && d->line[0] == '-') {
		if (!line_is(d, SZ_ARMOR_END))
			return bad(err, "the last line is not " SZ_ARMOR_END);
		d->state = TRAILING;
		return SZ_OK;
	}
	if (d->last_seen)
		return bad(err, "a short line is not the last one");
	if (d->n == 0)
		return bad(err, "empty line");
	if (d->n > SZ_ARMOR_COLUMNS)
		return bad(err, "a line is longer than 64 columns");
	if (d->n % 4 != 0)
		return bad(err, "base64 without its padding");
	size_t pad = 0;
	while (pad < 2 && d->line[d->n - 1 - pad] == '=')
		pad++;
	if (!sz_b64_alphabet_only(d->line, d->n - pad))
		return bad(err, "a character outside base64");
	uint8_t bin[SZ_ARMOR_COLUMNS / 4 * 3];
	size_t bin_len = 0;
	const char *end = NULL;
	if (sodium_base642bin(bin, sizeof(bin), d->line, d->n, NULL, &bin_len,
		    &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != d->line + d->n)
		return bad(err, "invalid or non-canonical base64");
	if (d->n < SZ_ARMOR_COLUMNS || d->line[d->n - 1] == '=')
		d->last_seen = true;
	int rc = d->sink(d->ctx, bin, bin_len);
	sodium_memzero(bin, sizeof(bin));
	return rc;
}

int sz_armor_dec_update(struct sz_armor_dec *d, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		switch (d->state) {
		case LEADING:
			if (is_space(c))
				continue;
			d->state = BEGIN_LINE;
			/* fall through */
		case BEGIN_LINE:
		case BODY:
			if (c == '\n') {
				if (d->n > 0 && d->line[d->n - 1] == '\r')
					d->n--;
				int rc = dec_line(d, err);
				if (rc != 0)
					return rc;
				d->n = 0;
				continue;
			}
			/* Room for 64 columns, a CR, and one more byte to
			 * tell an over-long line. */
			if (d->n == sizeof(d->line))
				return d->state == BEGIN_LINE ? not_age(err) :
					bad(err, "a line is too long");
			d->line[d->n++] = (char)c;
			continue;
		case TRAILING:
			if (!is_space(c))
				return bad(err, "data after the END line");
			continue;
		}
	}
	return SZ_OK;
}

int sz_armor_dec_finish(struct sz_armor_dec *d, struct sz_err *err)
{
	if (d->state == BODY && line_is(d, SZ_ARMOR_END))
		d->state = TRAILING; /* an END line without a final newline */
	if (d->state == LEADING || d->state == BEGIN_LINE)
		return not_age(err);
	if (d->state != TRAILING)
		return bad(err, "the END line is missing: truncated file");
	return SZ_OK;
}

void sz_armor_dec_free(struct sz_armor_dec *d)
{
	free(d);
}
