/*
 * run_cctv.c - holds samizdat's age implementation to the C2SP age test
 * vectors (CCTV).  Each vector is decrypted twice, once in one piece and
 * once fed in 7-byte pieces (the streaming path the inbox uses); the
 * outcome must be the expected one (success, or the named kind of
 * failure), and the SHA-256 of all plaintext released, even before a
 * failure, must match the vector's.
 *
 * The hybrid post-quantum (ML-KEM-768 + X25519) vectors are skipped:
 * libsodium has no ML-KEM, and samizdat does not support that recipient
 * type yet.
 *
 * Usage: run_cctv DIR   (as written by dump.mjs)
 */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/age.h"
#include "crypto/age_keys.h"

#define MAX_FILE (64u << 20)

struct vector {
	char expect[64];
	char payload_hex[65];
	struct sz_age_identity *ids[16];
	size_t nids;
	int hybrid;
	int armored;
	const uint8_t *data;
	size_t len;
};

static int hash_sink(void *ctx, const uint8_t *d, size_t n)
{
	crypto_hash_sha256_update(ctx, d, n);
	return 0;
}

static int expected_code(const char *e)
{
	if (strcmp(e, "success") == 0) return SZ_OK;
	if (strcmp(e, "no match") == 0) return SZ_E_NO_MATCH;
	if (strcmp(e, "HMAC failure") == 0) return SZ_E_HMAC;
	if (strcmp(e, "header failure") == 0) return SZ_E_HEADER;
	if (strcmp(e, "payload failure") == 0) return SZ_E_PAYLOAD;
	if (strcmp(e, "armor failure") == 0) return SZ_E_ARMOR;
	return 1;
}

static int parse(uint8_t *buf, size_t len, struct vector *v)
{
	memset(v, 0, sizeof(*v));
	size_t pos = 0;
	for (;;) {
		uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		if (nl == NULL)
			return -1;
		*nl = 0;
		char *line = (char *)buf + pos;
		pos = (size_t)(nl - buf) + 1;
		if (*line == 0)
			break;
		char *val = strstr(line, ": ");
		if (val == NULL)
			return -1;
		*val = 0;
		val += 2;
		if (strcmp(line, "expect") == 0)
			snprintf(v->expect, sizeof(v->expect), "%s", val);
		else if (strcmp(line, "payload") == 0)
			snprintf(v->payload_hex, sizeof(v->payload_hex), "%s",
				val);
		else if (strcmp(line, "armored") == 0)
			v->armored = strcmp(val, "yes") == 0;
		else if (strcmp(line, "identity") == 0 && v->nids < 16) {
			if (sz_age_identity_parse(val, &v->ids[v->nids],
				    NULL) == 0)
				v->nids++;
			else
				v->hybrid = 1;
		} else if (strcmp(line, "passphrase") == 0 && v->nids < 16) {
			if (sz_age_identity_passphrase(val, strlen(val), NULL,
				    NULL, &v->ids[v->nids], NULL) == 0)
				v->nids++;
		}
	}
	v->data = buf + pos;
	v->len = len - pos;
	return 0;
}

static int run_once(const struct vector *v, size_t piece, char hex[65],
	struct sz_err *err)
{
	crypto_hash_sha256_state h;
	struct sz_age_decryptor *d = NULL;
	uint8_t digest[32];
	struct sz_age_opts opts = { .armor = v->armored, .threads = 2 };
	crypto_hash_sha256_init(&h);
	int rc = sz_age_decrypt_begin(&d, v->ids, v->nids, &opts, hash_sink,
		&h, err);
	for (size_t off = 0; rc == 0 && off < v->len; off += piece) {
		size_t n = v->len - off < piece ? v->len - off : piece;
		rc = sz_age_decrypt_update(d, v->data + off, n, err);
	}
	if (rc == 0)
		rc = sz_age_decrypt_finish(d, err);
	sz_age_decrypt_free(d);
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	return rc;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *buf = malloc(MAX_FILE);
	*len = buf ? fread(buf, 1, MAX_FILE, f) : 0;
	fclose(f);
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: run_cctv DIR\n");
		return 2;
	}
	DIR *dir = opendir(argv[1]);
	if (dir == NULL) {
		fprintf(stderr, "run_cctv: cannot open %s\n", argv[1]);
		return 2;
	}
	char *names[1024];
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL && count < 1024)
		if (de->d_name[0] != '.')
			names[count++] = strdup(de->d_name);
	closedir(dir);
	qsort(names, count, sizeof(names[0]), cmp_names);

	int passed = 0, failed = 0, skipped = 0;
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		size_t len;
		struct vector v;
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		uint8_t *buf = slurp(path, &len);
		if (buf == NULL || parse(buf, len, &v) != 0) {
			printf("not ok - %s: unreadable vector\n", names[i]);
			failed++;
			free(buf);
			continue;
		}
		if (v.hybrid || strncmp(names[i], "hybrid", 6) == 0 ||
		    strcmp(names[i], "armor_hybrid") == 0) {
			printf("ok - %s # SKIP hybrid post-quantum recipient\n",
				names[i]);
			skipped++;
		} else {
			int want = expected_code(v.expect);
			const size_t pieces[] = { SIZE_MAX, 7 };
			int ok = 1;
			char why[512] = "";
			for (size_t p = 0; p < 2 && ok; p++) {
				struct sz_err err = { 0, "" };
				char hex[65];
				int got = run_once(&v, pieces[p], hex, &err);
				if (got != want) {
					ok = 0;
					snprintf(why, sizeof(why),
						"expected %s, got %s (%s)",
						v.expect, sz_err_name(got),
						err.msg);
				} else if ((want == SZ_OK ||
					       want == SZ_E_PAYLOAD) &&
					   strcmp(hex, v.payload_hex) != 0) {
					ok = 0;
					snprintf(why, sizeof(why),
						"released plaintext differs "
						"(%s)", err.msg);
				}
			}
			printf("%s - %s%s%s\n", ok ? "ok" : "not ok", names[i],
				ok ? "" : ": ", why);
			ok ? passed++ : failed++;
		}
		for (size_t j = 0; j < v.nids; j++)
			sz_age_identity_free(v.ids[j]);
		free(buf);
		free(names[i]);
	}
	printf("# cctv: %d passed, %d failed, %d skipped\n", passed, failed,
		skipped);
	return failed ? 1 : 0;
}
