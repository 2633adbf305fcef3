/* test_mirror.c - the pieces of a mirror a reader relies on: a signature
 * verifies only over the signed file, comment and key; key and signature
 * files damaged in any way are refused; a MANIFEST path can never leave
 * its export; the signed claim reads back as written; and bencoding is
 * canonical.  (Interop with minisign, sha256sum and BitTorrent clients is
 * tests/interop/mirror.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "mirror/bencode.h"
#include "mirror/manifest.h"
#include "mirror/minisign.h"

static void prehash(const char *text, uint8_t out[SZ_MINISIGN_PREHASH])
{
	struct sz_minisign_hash h;
	sz_minisign_hash_init(&h);
	sz_minisign_hash_update(&h, text, strlen(text));
	sz_minisign_hash_final(&h, out);
}

static void a_signature_verifies_only_what_was_signed(void **state)
{
	(void)state;
	struct sz_minisign_key *sk, *other;
	struct sz_minisign_pub pk, opk, read;
	struct sz_minisign_sig sig;
	struct sz_buf text, pubtext;
	uint8_t h[SZ_MINISIGN_PREHASH];
	assert_int_equal(sz_minisign_keypair(&sk, &pk, NULL), 0);
	assert_int_equal(sz_minisign_keypair(&other, &opk, NULL), 0);
	sz_buf_init(&pubtext, 4096);
	assert_int_equal(sz_minisign_pub_format(&pk, &pubtext), 0);
	assert_non_null(strstr((char *)pubtext.data,
		"untrusted comment: minisign public key "));
	assert_int_equal(sz_minisign_pub_parse((char *)pubtext.data,
		pubtext.len, &read, NULL), 0);
	assert_memory_equal(&read, &pk, sizeof(pk));
	sz_buf_free(&pubtext);

	prehash("a1b2  index.html\n", h);
	sz_buf_init(&text, SZ_MINISIGN_FILE_MAX);
	assert_int_equal(sz_minisign_sign(sk, h, "untrusted",
		"archive:x\tversion:3\texpires:2030-01-01T00:00:00Z", &text, NULL),
		0);
	assert_int_equal(sz_minisign_sig_parse((char *)text.data, text.len,
		&sig, NULL), 0);
	assert_true(sig.prehashed);
	assert_int_equal(sz_minisign_verify(&sig, &pk, h, NULL), 0);
	/* another file */
	uint8_t h2[SZ_MINISIGN_PREHASH];
	prehash("a1b2  index.html\nffff  evil.html\n", h2);
	assert_int_equal(sz_minisign_verify(&sig, &pk, h2, NULL), SZ_E_CRYPTO);
	/* another key */
	assert_int_equal(sz_minisign_verify(&sig, &opk, h, NULL),
		SZ_E_NO_MATCH);
	memcpy(opk.keynum, pk.keynum, sizeof(pk.keynum));
	assert_int_equal(sz_minisign_verify(&sig, &opk, h, NULL), SZ_E_CRYPTO);
	/* a replayed signature with a newer version claimed */
	char *tc = strstr((char *)text.data, "version:3");
	tc[8] = '9';
	assert_int_equal(sz_minisign_sig_parse((char *)text.data, text.len,
		&sig, NULL), 0);
	assert_int_equal(sz_minisign_verify(&sig, &pk, h, NULL), SZ_E_CRYPTO);
	sz_buf_free(&text);
	sz_minisign_key_free(sk);
	sz_minisign_key_free(other);
}

static void an_unencrypted_key_is_what_minisign_W_writes(void **state)
{
	(void)state;
	struct sz_minisign_key *sk, *back;
	struct sz_minisign_pub pk;
	struct sz_buf text;
	uint8_t raw[158];
	size_t len;
	assert_int_equal(sz_minisign_keypair(&sk, &pk, NULL), 0);
	sz_buf_init(&text, SZ_MINISIGN_FILE_MAX);
	assert_int_equal(sz_minisign_sec_format(sk, NULL, 0, &text, NULL), 0);
	assert_false(sz_minisign_sec_encrypted((char *)text.data, text.len));
	const char *nl = strchr((char *)text.data, '\n');
	assert_int_equal(strncmp((char *)text.data,
		"untrusted comment: minisign encrypted secret key\n",
		(size_t)(nl - (char *)text.data) + 1), 0);
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), nl + 1,
		strlen(nl + 1) - 1, NULL, &len, NULL,
		sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, 158);
	assert_memory_equal(raw, "Ed\0\0B2", 6);
	for (size_t i = 6; i < 54; i++)       /* salt and limits: zero */
		assert_int_equal(raw[i], 0);
	for (size_t i = 126; i < 158; i++)    /* no checksum, as minisign */
		assert_int_equal(raw[i], 0);
	assert_int_equal(sz_minisign_sec_parse((char *)text.data, text.len,
		NULL, 0, &back, NULL), 0);
	assert_memory_equal(back->sk, sk->sk, sizeof(sk->sk));
	sz_minisign_key_free(back);
	sz_buf_free(&text);
	sz_minisign_key_free(sk);
}

static void damaged_signatures_and_keys_are_refused(void **state)
{
	(void)state;
	struct sz_minisign_key *sk;
	struct sz_minisign_pub pk;
	struct sz_minisign_sig sig;
	struct sz_buf text;
	uint8_t h[SZ_MINISIGN_PREHASH];
	assert_int_equal(sz_minisign_keypair(&sk, &pk, NULL), 0);
	prehash("x", h);
	sz_buf_init(&text, SZ_MINISIGN_FILE_MAX);
	assert_int_equal(sz_minisign_sign(sk, h, "u", "t", &text, NULL), 0);
	/* every truncation is refused */
	for (size_t n = 0; n + 1 < text.len; n++)
		assert_int_not_equal(sz_minisign_sig_parse((char *)text.data, n,
			&sig, NULL), 0);
	assert_int_not_equal(sz_minisign_sig_parse("garbage\n\n\n\n", 11, &sig,
		NULL), 0);
	assert_int_not_equal(sz_minisign_pub_parse("RWQ", 3, &pk, NULL), 0);
	struct sz_minisign_key *k;
	assert_int_not_equal(sz_minisign_sec_parse("untrusted comment: x\nRWQ",
		24, NULL, 0, &k, NULL), 0);
	/* a comment with a line break cannot be signed */
	text.len = 0;
	assert_int_not_equal(sz_minisign_sign(sk, h, "u", "a\nb", &text, NULL),
		0);
	sz_buf_free(&text);
	sz_minisign_key_free(sk);
}

static void manifest_paths_never_leave_the_export(void **state)
{
	(void)state;
	static const char *const bad[] = { "../etc/passwd", "/etc/passwd",
		"a/../../b", "a//b", "a/", "", ".hidden", "a/.b", "a/./b",
		"MANIFEST", "MANIFEST.minisig", "a b", "a\\b", "é", "a\tb" };
	static const char *const good[] = { "index.html", "doc/12.html",
		"to/o%27brien%2Bx@example.org.html", "api/v1/releases/3/page/2.json",
		"file/12", "MANIFEST.old" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(sz_manifest_path_ok(bad[i], strlen(bad[i])));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(sz_manifest_path_ok(good[i], strlen(good[i])));
	assert_false(sz_manifest_path_ok("a\0b", 3));
	char deep[200] = "";
	size_t o = 0;
	for (int i = 0; i < SZ_MANIFEST_DEPTH_MAX + 1; i++)
		o += (size_t)snprintf(deep + o, sizeof(deep) - o, "d/");
	snprintf(deep + o, sizeof(deep) - o, "f");
	assert_false(sz_manifest_path_ok(deep, strlen(deep)));

	uint8_t sha[32], back[32];
	char line[SZ_MANIFEST_LINE_MAX + 2];
	const char *path;
	size_t plen;
	memset(sha, 0xab, sizeof(sha));
	size_t n = sz_manifest_format_line(sha, "doc/1.html", line);
	assert_int_equal(sz_manifest_line(line, n - 1, back, &path, &plen, NULL),
		0);
	assert_memory_equal(back, sha, 32);
	assert_int_equal(plen, 10);
	memcpy(line + 66, "../x", 4);
	assert_int_equal(sz_manifest_line(line, 70, back, &path, &plen, NULL),
		SZ_E_INVAL);
	line[3] = 'z';
	assert_int_equal(sz_manifest_line(line, n - 1, back, &path, &plen, NULL),
		SZ_E_INVAL);
}

static void the_signed_claim_reads_back(void **state)
{
	(void)state;
	struct sz_manifest_claim c = { .version = 42, .expires = 1900000000 },
		back;
	char text[512];
	snprintf(c.archive, sizeof(c.archive), "Die Brückenakten");
	assert_int_equal(sz_manifest_claim_format(&c, text, sizeof(text)), 0);
	assert_string_equal(text, "archive:Die Brückenakten\tversion:42\t"
		"expires:2030-03-17T17:46:40Z");
	assert_int_equal(sz_manifest_claim_parse(text, &back, NULL), 0);
	assert_string_equal(back.archive, c.archive);
	assert_int_equal(back.version, 42);
	assert_int_equal(back.expires, c.expires);
	assert_int_equal(sz_manifest_claim_parse("timestamp:1\tfile:MANIFEST",
		&back, NULL), SZ_E_INVAL);
	assert_int_equal(sz_manifest_claim_parse("archive:a\tversion:1\t"
		"version:2\texpires:2030-01-01T00:00:00Z", &back, NULL), SZ_E_INVAL);
	assert_int_equal(sz_manifest_claim_parse("archive:a\tversion:-1\t"
		"expires:2030-01-01T00:00:00Z", &back, NULL), SZ_E_INVAL);
	snprintf(c.archive, sizeof(c.archive), "two\tfields");
	assert_int_not_equal(sz_manifest_claim_format(&c, text, sizeof(text)),
		0);
}

static int buf_sink(void *ctx, const uint8_t *data, size_t len)
{
	return sz_buf_append(ctx, data, len);
}

static void bencoding_is_canonical(void **state)
{
	(void)state;
	struct sz_buf out;
	struct sz_bencode b;
	sz_buf_init(&out, 4096);
	sz_bencode_init(&b, buf_sink, &out);
	sz_bencode_dict(&b);
	sz_bencode_key(&b, "info");
	sz_bencode_dict(&b);
	sz_bencode_key(&b, "length");
	sz_bencode_int(&b, 0);
	sz_bencode_key(&b, "name");
	sz_bencode_cstr(&b, "x");
	sz_bencode_key(&b, "piece length");
	sz_bencode_int(&b, -16384);
	sz_bencode_end(&b);
	sz_bencode_key(&b, "url-list");
	sz_bencode_list(&b);
	sz_bencode_str(&b, "", 0);
	sz_bencode_end(&b);
	sz_bencode_end(&b);
	assert_int_equal(sz_bencode_done(&b), 0);
	assert_string_equal((char *)out.data, "d4:infod6:lengthi0e4:name1:x"
		"12:piece lengthi-16384ee8:url-listl0:ee");
	sz_buf_free(&out);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_signature_verifies_only_what_was_signed),
		cmocka_unit_test(an_unencrypted_key_is_what_minisign_W_writes),
		cmocka_unit_test(damaged_signatures_and_keys_are_refused),
		cmocka_unit_test(manifest_paths_never_leave_the_export),
		cmocka_unit_test(the_signed_claim_reads_back),
		cmocka_unit_test(bencoding_is_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
