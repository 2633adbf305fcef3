/*
 * inbox_fill.c - fills an instance's inbox with N more sources, quickly
 * and through the store's own operations (batch_add, as the committer
 * stores a period; source_seen, source_star), for the tests and the
 * benchmark of the inbox at scale.  Test-only: it is never installed.
 *
 *   inbox_fill DIR N [DAYS]
 *
 * Each source sends one to three items; about a third stay unread and one
 * in seven is starred.  With DAYS, sources' last activity is spread over
 * the DAYS days before today (a crowd shares each day, as at a real
 * newsroom after a big story).  Items have no files: the inbox's pages
 * never open them.  What it does not do: make anything an editor could
 * decrypt, or fsync (synchronous = OFF here, for speed only).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

#define FILL_MAX 10000000L
#define DAYS_MAX 3650L

static int fill_one(struct sz_store *st, long days, struct sz_err *err)
{
	struct sz_new_source src;
	struct sz_batch_submission sub;
	struct sz_batch_item items[3];
	uint8_t blob[16];
	uint64_t v;
	memset(&src, 0, sizeof(src));
	memset(&sub, 0, sizeof(sub));
	memset(items, 0, sizeof(items));
	randombytes_buf(&v, sizeof(v));
	src.id = (int64_t)(v >> 11) + 1;   /* random, as staging gives them */
	randombytes_buf(src.uid, sizeof(src.uid));
	randombytes_buf(src.login_hash, sizeof(src.login_hash));
	randombytes_buf(src.public_key, sizeof(src.public_key));
	sz_store_days_ago(days > 0 ? randombytes_uniform((uint32_t)days) : 0,
		src.day);
	sub.source_id = src.id;
	memcpy(sub.day, src.day, sizeof(sub.day));
	size_t n = 1 + randombytes_uniform(3);
	for (size_t i = 0; i < n; i++) {
		items[i].row.kind = i == 0 ? SZ_ITEM_MESSAGE : SZ_ITEM_FILE;
		randombytes_buf(blob, sizeof(blob));
		sodium_bin2hex(items[i].row.blob, sizeof(items[i].row.blob),
			blob, sizeof(blob));
		items[i].row.padded_size = 1024u << randombytes_uniform(8);
	}
	struct sz_batch b = { &src, 1, &sub, 1, items, n };
	int rc = st->ops->batch_add(st, &b, err);
	if (rc == SZ_OK && randombytes_uniform(3) != 0)
		rc = st->ops->source_seen(st, src.id, err);
	if (rc == SZ_OK && randombytes_uniform(7) == 0)
		rc = st->ops->source_star(st, src.id, err);
	return rc;
}

int main(int argc, char **argv)
{
	struct sz_store *st = NULL;
	struct sz_err err = { 0 };
	char *end = NULL;
	long n = argc > 2 ? strtol(argv[2], &end, 10) : -1;
	long days = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	if (argc < 3 || argc > 4 || *end != '\0' || n < 0 || n > FILL_MAX ||
	    days < 0 || days > DAYS_MAX) {
		fprintf(stderr, "usage: inbox_fill DIR N [DAYS] (N up to %ld, "
			"DAYS up to %ld)\n", FILL_MAX, DAYS_MAX);
		return 2;
	}
	if (sodium_init() < 0 || sz_store_open_sqlite(&st, argv[1], &err) !=
	    SZ_OK) {
		fprintf(stderr, "inbox_fill: %s\n", err.msg);
		return 1;
	}
	sqlite3 *db = sz_sqlite_impl(st)->db;
	int rc = sz_sqlite_exec(db, "PRAGMA synchronous = OFF", &err,
		"speeding up the fill");
	for (long i = 0; rc == SZ_OK && i < n; i++)
		rc = fill_one(st, days, &err);
	st->ops->close(st);
	if (rc != SZ_OK) {
		fprintf(stderr, "inbox_fill: %s\n", err.msg);
		return 1;
	}
	return 0;
}
