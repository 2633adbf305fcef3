/*
 * inbox_fill.c - fills an instance's inbox with N more sources, quickly
 * and through the store's own operations (source_create, submission_add,
 * source_seen, source_star), for the tests and the benchmark of the
 * inbox at scale.  Test-only: it is never installed.
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

static int fill_one(struct sz_store *st, struct sz_err *err)
{
	uint8_t login[32], pub[32], blob[16];
	struct sz_item_row items[3];
	int64_t id = 0;
	randombytes_buf(login, sizeof(login));
	randombytes_buf(pub, sizeof(pub));
	int rc = st->ops->source_create(st, login, pub, &id, err);
	size_t n = 1 + randombytes_uniform(3);
	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < n; i++) {
		items[i].kind = i == 0 ? SZ_ITEM_MESSAGE : SZ_ITEM_FILE;
		randombytes_buf(blob, sizeof(blob));
		sodium_bin2hex(items[i].blob, sizeof(items[i].blob), blob,
			sizeof(blob));
		items[i].padded_size = 1024u << randombytes_uniform(8);
	}
	if (rc == SZ_OK)
		rc = st->ops->submission_add(st, id, items, n, err);
	if (rc == SZ_OK && randombytes_uniform(3) != 0)
		rc = st->ops->source_seen(st, id, err);
	if (rc == SZ_OK && randombytes_uniform(7) == 0)
		rc = st->ops->source_star(st, id, err);
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
	sqlite3_int64 first = 0;
	sqlite3_stmt *q = NULL;
	if (rc == SZ_OK && sz_sqlite_prepare(db, "SELECT coalesce(max(id), 0) "
		    "FROM sources", &q, &err) == SZ_OK &&
	    sz_sqlite_step(q) == SQLITE_ROW)
		first = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	for (long i = 0; rc == SZ_OK && i < n; i++)
		rc = fill_one(st, &err);
	if (rc == SZ_OK && days > 0) {
		/* back-date the new sources: the store only ever writes today */
		char sql[512];
		snprintf(sql, sizeof(sql), "BEGIN; UPDATE sources SET last_day = "
			"date('now', '-' || (abs(random()) %% %ld) || ' days') "
			"WHERE id > %lld; UPDATE submissions SET day = (SELECT "
			"last_day FROM sources WHERE id = source_id) WHERE "
			"source_id > %lld; COMMIT", days, (long long)first,
			(long long)first);
		rc = sz_sqlite_exec(db, sql, &err, "spreading the days");
	}
	st->ops->close(st);
	if (rc != SZ_OK) {
		fprintf(stderr, "inbox_fill: %s\n", err.msg);
		return 1;
	}
	return 0;
}
