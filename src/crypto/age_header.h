/*
 * age_header.h - the age v1 header: its text form, its stanzas and its MAC
 * (C2SP age.md, "Header").
 *
 * Parsing is strict, as the specification demands: LF line endings only,
 * canonical unpadded base64, bodies wrapped at 64 columns ending in a short
 * line, arguments of printable ASCII.  Stanzas of known types (X25519,
 * scrypt) are checked for shape here too, so a malformed one fails the
 * whole header whichever identities are tried.  Unknown stanza types are
 * kept and ignored.  Recipient-specific cryptography lives in age_keys.c.
 */
#ifndef SZ_CRYPTO_AGE_HEADER_H
#define SZ_CRYPTO_AGE_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_AGE_VERSION_LINE "age-encryption.org/v1"
#define SZ_AGE_MAX_HEADER_SIZE (256 * 1024)
#define SZ_AGE_MAX_STANZAS 1024
#define SZ_AGE_MAX_ARGS 32
#define SZ_AGE_FILE_KEY_SIZE 16
#define SZ_AGE_MAC_SIZE 32
#define SZ_AGE_NONCE_SIZE 16

struct sz_age_stanza {
	size_t nargs;
	char *args[SZ_AGE_MAX_ARGS];  /* args[0] is the type; owned */
	uint8_t *body;                /* owned */
	size_t body_len;
};

struct sz_age_header {
	size_t nstanzas;
	struct sz_age_stanza *stanzas;  /* owned */
	uint8_t mac[SZ_AGE_MAC_SIZE];
	size_t mac_input_len;  /* header bytes the MAC covers, "---" included */
};

/*
 * Finds the end of a header being received.  *scan is where the next
 * unscanned line starts (0 at first; kept between calls).  Returns 1 and
 * sets *end to the length of the header (through the MAC line's LF), 0 if
 * more bytes are needed, or SZ_E_HEADER if buf cannot be an age header.
 */
int sz_age_header_find_end(const uint8_t *buf, size_t len, size_t *scan,
	size_t *end, struct sz_err *err);

/* Parses a complete header of len bytes (as sized by find_end). */
int sz_age_header_parse(const uint8_t *buf, size_t len,
	struct sz_age_header *h, struct sz_err *err);

/* Frees the stanzas; h may then be reused. */
void sz_age_header_clear(struct sz_age_header *h);

/* Checks the header MAC with file_key over the first mac_input_len bytes
 * of buf.  0 or SZ_E_HMAC. */
__attribute__((warn_unused_result))
int sz_age_header_verify(const struct sz_age_header *h, const uint8_t *buf,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], struct sz_err *err);

/* Appends a stanza's text form to out. */
int sz_age_stanza_write(const struct sz_age_stanza *st, struct sz_buf *out);

/* Appends the version line, then the stanzas, then the MAC line computed
 * with file_key. */
int sz_age_header_write(const struct sz_age_stanza *stanzas, size_t n,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], struct sz_buf *out);

/* Frees a stanza's arguments and body. */
void sz_age_stanza_clear(struct sz_age_stanza *st);

/* Canonical unpadded base64, as the header uses it.  decode returns the
 * number of bytes, or -1 if b64 is not canonical or exceeds cap. */
long sz_age_b64_decode(const char *b64, size_t len, uint8_t *out, size_t cap);
/* True if s holds only characters of the standard base64 alphabet
 * (no padding). */
bool sz_b64_alphabet_only(const char *s, size_t len);
/* Encodes into out (NUL-terminated); out needs 4*ceil(n/3)+1 bytes. */
void sz_age_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap);

#endif
