/*
 * bencode.h - writing BitTorrent's bencoding (BEP 3) as a stream, in its
 * canonical form: integers without leading zeros, strings with their
 * length, dictionary keys in byte order.  The writer checks that order
 * itself (a key that is not after the one before it is a programmer's
 * error: assert, and the writer fails), so a torrent's info hash cannot
 * depend on the order code happened to write keys in.
 *
 * Errors are sticky: after the first failing write nothing more is
 * written and sz_bencode_done returns that error.
 *
 * What it deliberately does not do: read bencoding (samizdat makes
 * torrents; clients read them).
 */
#ifndef SZ_MIRROR_BENCODE_H
#define SZ_MIRROR_BENCODE_H

#include <stddef.h>
#include <stdint.h>

#define SZ_BENCODE_DEPTH 8
#define SZ_BENCODE_KEY_MAX 32

typedef int (*sz_bencode_sink)(void *ctx, const uint8_t *data, size_t len);

struct sz_bencode {
	sz_bencode_sink sink;
	void *ctx;
	int err;                                  /* sticky */
	int depth;
	/* per open dictionary: the last key written ("" before the first) */
	char last[SZ_BENCODE_DEPTH][SZ_BENCODE_KEY_MAX + 1];
	unsigned char is_dict[SZ_BENCODE_DEPTH];
};

void sz_bencode_init(struct sz_bencode *b, sz_bencode_sink sink, void *ctx);
void sz_bencode_int(struct sz_bencode *b, int64_t v);
void sz_bencode_str(struct sz_bencode *b, const void *s, size_t len);
void sz_bencode_cstr(struct sz_bencode *b, const char *s);
/* A dictionary's next key: must come after the previous one. */
void sz_bencode_key(struct sz_bencode *b, const char *key);
void sz_bencode_list(struct sz_bencode *b);
void sz_bencode_dict(struct sz_bencode *b);
void sz_bencode_end(struct sz_bencode *b);
/* Raw bytes of a string whose header sz_bencode_str_head wrote. */
void sz_bencode_str_head(struct sz_bencode *b, uint64_t len);
void sz_bencode_raw(struct sz_bencode *b, const void *data, size_t len);
/* 0, or the first error (and everything closed that was opened). */
int sz_bencode_done(struct sz_bencode *b);

#endif
